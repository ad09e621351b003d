#!/usr/bin/env bash
# Install the Debian packages that PDF output and the tests need, only those missing:
#   libreoffice-writer-nogui  DOCX -> PDF
#   libreoffice-calc-nogui    the tests open docgen's XLSX/CSV in LibreOffice Calc (no cell may compute)
#   python3-uno               lets the system Python run the warm unoserver pool
#   fonts-liberation          metric-compatible Arial / Times New Roman (letters keep their layout)
#   fonts-texgyre             metric-compatible Bookman Old Style (TeX Gyre Bonum) and others
#   poppler-utils, zbar-tools render PDF pages and decode QR codes in the tests
#   chromium, chromium-driver the verification page tested in a real headless browser (Selenium)
#   postgresql                the register tests run on SQLite and on PostgreSQL at 127.0.0.1:5432
#                             (user postgres, trust); only when no server answers there
# Then, when no PostgreSQL answers on 127.0.0.1:5432, start the local cluster and let user postgres
# connect over TCP from 127.0.0.1 without a password (pg_hba.conf of that cluster, only if needed).
# Without apt-get or root/sudo it only reports what is missing (the PostgreSQL tests then skip);
# under CI (CI=true) it fails unless a server answers at the end. Quiet when everything is there.
set -uo pipefail

PG_HOST=127.0.0.1
PG_PORT="${PG_TEST_PORT:-5432}"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
fi

pg_answers() {
  # -w: never prompt for a password; the tests connect as postgres without one
  command -v psql >/dev/null 2>&1 &&
    PGCONNECT_TIMEOUT=3 psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1
}

pg_installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
compgen -G "/usr/lib/libreoffice/program/libsclo.so" >/dev/null || need+=(libreoffice-calc-nogui)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
fonts=$(fc-list 2>/dev/null || true)
# By file, not by family name: fonts-liberation2 also answers to "Liberation Sans" but lives in
# another folder, and the drawn forms (docgen/render/forms/textfit.py) and their tests embed these files.
for face in LiberationSans-Regular LiberationSans-Bold LiberationSerif-Regular; do
  [ -f "/usr/share/fonts/truetype/liberation/$face.ttf" ] || { need+=(fonts-liberation); break; }
done
grep -qi "TeX Gyre Bonum" <<<"$fonts" || need+=(fonts-texgyre)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
pg_ok=no
pg_answers && pg_ok=yes
[ "$pg_ok" = yes ] || pg_installed || need+=(postgresql)

installed_pg=no
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1 || [ "$sudo" = "none" ]; then
    echo "docgen: missing system packages (PDF features and the PostgreSQL tests need them): ${need[*]}" >&2
    echo "docgen: install with: sudo apt-get install ${need[*]}" >&2
  else
    echo "docgen: installing ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
    [[ " ${need[*]} " == *" postgresql "* ]] && installed_pg=yes
  fi
fi

[ "$pg_ok" = yes ] && exit 0

pg_fail() {
  echo "docgen: $1" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "docgen: CI needs PostgreSQL at $PG_HOST:$PG_PORT (user postgres, trust); stopping" >&2
    exit 1
  fi
  echo "docgen: the PostgreSQL tests will be skipped" >&2
  exit 0
}

pg_installed || pg_fail "PostgreSQL is not installed (sudo apt-get install postgresql)"
if [ "$sudo" = "none" ]; then
  pg_fail "no PostgreSQL answers at $PG_HOST:$PG_PORT, and starting one needs root (sudo pg_ctlcluster VERSION main start)"
fi

# The cluster on our port, or a new one when none uses it (Debian's package makes "main" on 5432).
read -r ver name status < <(pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2, $4; exit}')
if [ -z "${ver:-}" ]; then
  ver=$(basename "$(ls -d /usr/lib/postgresql/*/ | sort -V | tail -n 1)")
  name=main
  [ -d "/etc/postgresql/$ver/main" ] && name=docgen
  echo "docgen: creating PostgreSQL cluster $ver/$name on port $PG_PORT"
  $sudo pg_createcluster --port "$PG_PORT" "$ver" "$name" >/dev/null || pg_fail "pg_createcluster $ver $name failed"
  status=down
  installed_pg=yes
fi
if [ "$status" != "online" ]; then
  echo "docgen: starting PostgreSQL cluster $ver/$name"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || pg_fail "PostgreSQL $ver/$name did not start"
fi
for _ in 1 2 3 4 5 6 7 8 9 10; do
  pg_answers && exit 0
  # A server that accepts connections but refuses the password-less login needs pg_hba.conf.
  PGCONNECT_TIMEOUT=3 psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c '' 2>&1 |
    grep -qiE "password|authentication|pg_hba" && break
  sleep 1
done

hba="/etc/postgresql/$ver/$name/pg_hba.conf"
rule="host all postgres $PG_HOST/32 trust"
if ! $sudo grep -qxF "$rule" "$hba" 2>/dev/null; then
  # Weakening the login of a server someone else set up is their decision; CI machines and a
  # cluster this script installed are ours.
  if [ "${CI:-}" != "true" ] && [ "$installed_pg" != yes ]; then
    pg_fail "PostgreSQL $ver/$name refuses user postgres without a password; for the tests add the line '$rule' at the top of $hba and reload it (sudo pg_ctlcluster $ver $name reload)"
  fi
  echo "docgen: $hba: trust for user postgres from $PG_HOST (tests only)"
  tmp=$(mktemp)
  { echo "# docgen tests: user postgres from this machine without a password"; echo "$rule"; $sudo cat "$hba"; } >"$tmp"
  $sudo cp "$tmp" "$hba"
  rm -f "$tmp"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload || pg_fail "reloading PostgreSQL $ver/$name failed"
fi
for _ in 1 2 3 4 5; do
  pg_answers && exit 0
  sleep 1
done
pg_fail "PostgreSQL $ver/$name still does not answer at $PG_HOST:$PG_PORT as user postgres"
