"""Render the first page of every kind, made from its shipped example, for the README.

Why: a reader deciding whether docgen fits an office wants to see the letters, decrees, forms
and sheets it prints before installing anything. The pictures are made by docgen itself from
the kinds' example requests in a throw-away workspace (A4, the shipped profile), so they show
what a fresh installation prints, and re-running this after a layout change refreshes them.

Usage, from the repository root: ``.venv/bin/python tools/render_pages.py`` writes
docs/pages/<kind>.png (55 dpi, palette PNG). Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from docgen.incoming import dispose, enter_incoming
from docgen.kinds import get_kind
from docgen.paket import assemble_packet
from docgen.pdf.pool import ConverterPool
from docgen.pipeline import Result, create_workspace, generate
from docgen.profile import Workspace

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "pages"
DPI = 55
#: What each picture shows, in Indonesian and English, in the order the README lists them.
PAGES: dict[str, tuple[str, str]] = {
    "surat-keluar": ("Surat dinas keluar", "Outgoing official letter"),
    "keputusan": ("Keputusan Kepala Dinas (SK)", "Decree of the head of agency"),
    "bap": ("Berita Acara Pemeriksaan Lapangan", "Field inspection report"),
    "rekomendasi": ("Surat rekomendasi teknis", "Technical recommendation letter"),
    "izin": ("Izin (perizinan non-berusaha)", "Local permit"),
    "sertifikat-standar": ("Sertifikat Standar", "Standard certificate (OSS RBA)"),
    "spp": ("Surat Permintaan Pembayaran (SPP)", "Payment request"),
    "spm": ("Surat Perintah Membayar (SPM)", "Payment order"),
    "spj": ("Surat Pertanggungjawaban (SPJ)", "Expenditure report"),
    "disposisi": ("Lembar disposisi surat masuk", "Disposition sheet of an incoming letter"),
    "paket": ("Sampul paket SPP", "Payment packet cover"),
}
_ATTACHMENTS = ("pengantar", "ringkasan", "rincian", "spd", "kontrak", "ba-pemeriksaan", "ba-serah-terima",
                "ba-pembayaran", "kwitansi", "faktur-pajak")  # fmt: skip


def _pdf(ws: Workspace, result: Result) -> Path:
    return ws.root / next(f["path"] for f in result.files if f["role"] in ("pdf", "disposisi"))


def make_documents(ws: Workspace, pool: ConverterPool, scratch: Path) -> dict[str, Path]:
    """Every kind from its example request (the BAP before the rekomendasi, the SPP before the SPM)."""
    made: dict[str, Path] = {}
    for kind in ("surat-keluar", "keputusan", "bap", "izin", "sertifikat-standar", "spp", "spj"):
        result = generate(ws, kind, get_kind(kind).dated_example(), pdf=True, converter=pool)
        made[kind] = _pdf(ws, result)
        if kind == "bap":
            rekomendasi = {**get_kind("rekomendasi").dated_example(), "bap": result.number}
            made["rekomendasi"] = _pdf(ws, generate(ws, "rekomendasi", rekomendasi, pdf=True, converter=pool))
        if kind == "spp":
            spp_number = result.number
            spm = {**copy.deepcopy(get_kind("spm").dated_example()), "spp": spp_number}
            made["spm"] = _pdf(ws, generate(ws, "spm", spm))
    entry = enter_incoming(ws, get_kind("surat-masuk").dated_example())
    units, orders = list(ws.profile.disposition.units), list(ws.profile.disposition.instructions)
    sheet = dispose(ws, entry.number, units=units[2:3], instructions=orders[1:2], by="kadis",
                    note="Mohon ditelaah dan disiapkan jawabannya.", print_it=True).sheet  # fmt: skip
    assert sheet is not None
    made["disposisi"] = _pdf(ws, sheet)
    folder = scratch / "lampiran"
    folder.mkdir()
    for name in _ATTACHMENTS:
        canvas = Canvas(str(folder / f"{name}.pdf"))
        canvas.drawString(72, 760, f"Contoh lampiran: {name}")
        canvas.showPage()
        canvas.save()
    made["paket"] = ws.root / assemble_packet(ws, spp_number, folder).path
    return made


def first_page_png(pdf: Path, target: Path) -> None:
    """Page 1 at DPI as a palette PNG: a few tens of kilobytes, sharp enough to read the layout."""
    base = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(base)],
                   check=True, timeout=120)  # fmt: skip
    with Image.open(target) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(target, optimize=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-pages-") as tmp, ConverterPool(2) as pool:
        ws = create_workspace(Path(tmp) / "ws")
        for kind, pdf in make_documents(ws, pool, Path(tmp)).items():
            target = OUT / f"{kind}.png"
            first_page_png(pdf, target)
            print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
