#!/usr/bin/env bash
# Install the Debian packages that PDF output and its tests need, only those missing:
#   libreoffice-writer-nogui  DOCX -> PDF
#   python3-uno               lets the system Python run the warm unoserver pool
#   fonts-liberation          metric-compatible Arial / Times New Roman (letters keep their layout)
#   fonts-texgyre             metric-compatible Bookman Old Style (TeX Gyre Bonum) and others
#   poppler-utils, zbar-tools render PDF pages and decode QR codes in the tests
# Without apt-get or root/sudo it only reports what is missing: DOCX still works, PDF does not.
set -uo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
fonts=$(fc-list 2>/dev/null || true)
grep -qi "Liberation Sans" <<<"$fonts" || need+=(fonts-liberation)
grep -qi "TeX Gyre Bonum" <<<"$fonts" || need+=(fonts-texgyre)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$sudo" = "none" ]; then
  echo "docgen: missing system packages (PDF features need them): ${need[*]}" >&2
  echo "docgen: install with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
echo "docgen: installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
