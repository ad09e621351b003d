"""DOCX -> PDF through LibreOffice: a cold one-shot call with a private profile.

Two LibreOffice processes must never share a profile directory: started together on one
profile, one of them exits 1 with no PDF and no message. Every cold call therefore gets its own
temporary profile, and a batch of files goes through one call (about as fast per document as a
warm server). The warm pool lives in ``docgen.pdf.pool``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Protocol

from docgen.errors import RenderError

__all__ = ["INSTALL_HINT", "ColdConverter", "Converter", "check_docx", "find_soffice"]

INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui python3-uno fonts-liberation fonts-texgyre"
_STARTUP_S = 60.0  # a first start on a cold disk builds the profile; seen up to ~20 s


class Converter(Protocol):
    """Anything that turns DOCX files into PDFs next to ``outdir``."""

    def convert(self, docx: Path, outdir: Path) -> Path: ...

    def convert_many(self, docx: list[Path], outdir: Path) -> list[Path]: ...


def check_docx(path: Path) -> None:
    """Refuse anything that is not a Word package: LibreOffice would print its bytes as text."""
    try:
        with zipfile.ZipFile(path) as package:
            package.getinfo("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise RenderError(f"{path.name} bukan berkas DOCX yang utuh; simpan ulang dari Word/LibreOffice") from exc


def find_soffice() -> str:
    """The LibreOffice executable, or a RenderError that says how to install it."""
    for name in (os.environ.get("DOCGEN_SOFFICE", ""), "soffice", "libreoffice"):
        if name and (found := shutil.which(name)):
            return found
    raise RenderError(f"LibreOffice tidak terpasang, jadi PDF tidak bisa dibuat; pasang dengan: {INSTALL_HINT}")


class ColdConverter:
    """Start LibreOffice for each call, with a private profile; no setup, ~1-3 s per call."""

    def __init__(self, *, timeout_s: float = 60.0) -> None:
        self.timeout_s = timeout_s
        self.soffice = find_soffice()

    def convert(self, docx: Path, outdir: Path) -> Path:
        return self.convert_many([docx], outdir)[0]

    def convert_many(self, docx: list[Path], outdir: Path) -> list[Path]:
        """Convert all files in one LibreOffice call, retrying once if it fails."""
        try:
            return self._once(docx, outdir)
        except RenderError:
            return self._once(docx, outdir)

    def _once(self, docx: list[Path], outdir: Path) -> list[Path]:
        for path in docx:
            check_docx(path)
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="docgen-lo-profile-") as profile:
            cmd = [
                self.soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(outdir),
                *(str(p) for p in docx),
            ]
            try:
                done = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=_STARTUP_S + self.timeout_s * len(docx), check=False
                )
            except subprocess.TimeoutExpired as exc:
                raise RenderError(
                    f"LibreOffice tidak selesai mengubah {docx[0].name} ke PDF dalam batas waktu; coba lagi"
                ) from exc
        outputs = [outdir / f"{p.stem}.pdf" for p in docx]
        missing = [d.name for d, p in zip(docx, outputs, strict=True) if not p.is_file() or p.stat().st_size == 0]
        if missing:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise RenderError(
                f"LibreOffice gagal mengubah {', '.join(missing)} ke PDF (kode {done.returncode}"
                f"{': ' + detail[-1] if detail else ''}); periksa berkas DOCX-nya"
            )
        return outputs
