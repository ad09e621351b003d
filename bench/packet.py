"""Benchmark: ``docgen paket`` on a 200-page packet against a plain pypdf merge of the same files.

An issued SPP (LS barang/jasa) and its SPM are made in a temporary workspace through the register
(one-page PDF forms in the outbox), with 30 attachments (24 text PDFs of 6 or 7 pages, 6 scans of 6
pages, each page a 150 dpi JPEG) so that forms + attachments make 200 pages (plus the cover, two pages
for 33 parts, and the checklist). In the same run, alternating, timed ``--runs`` times each (default 5, after one
untimed warm-up): (a) a plain pypdf merge (``PdfWriter().append`` of the SPP, SPM and the 30
files, ``write`` to memory); (b) the whole ``assemble_packet``: register look-ups, every
attachment opened and checked, cover and checklist drawn, bound with bookmarks, every page
stamped "hal. x dari y", written with fsync into the outbox and recorded. Printed: the median of
each, the ratio (b)/(a) (goal <= 2x) and pages/s of the packet. For comparison it also times the
stamping the brief first described, page numbers drawn as one reportlab document of overlays
and merged with ``merge_page``, against docgen's stamp (``stamp_page_numbers``), on the merged
writer. Sanity: the packet has the 200 pages plus its front, one bookmark per part, "hal. y dari y" on
its last page, and ``verify`` answers ASLI. Run: ``.venv/bin/python bench/packet.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.files import write_new
from docgen.kinds import Summary
from docgen.names import file_stem
from docgen.paket import assemble_packet
from docgen.pdf.pagenum import stamp_page_numbers
from docgen.pipeline import create_workspace
from docgen.register import FileRecord, Register, State
from docgen.register.chain import link_in_tx
from docgen.verify import Verdict, verify

# 11 checklist items of LS-BARANG-JASA; the 30 files spread over them by name.
ITEMS = ["pengantar", "ringkasan", "rincian", "spd", "kontrak", "ba-pemeriksaan", "ba-serah-terima",
         "ba-pembayaran", "kwitansi", "faktur", "foto"]  # fmt: skip
WORDS = ["pembayaran", "belanja", "barang", "jasa", "kegiatan", "pelayanan", "perizinan", "terpadu", "kota"]


def text_pdf(title: str, pages: int, rng: random.Random) -> bytes:
    """Pages of typed text (40 lines each), as a letter or a contract exported from Word looks."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for page in range(pages):
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(25 * mm, 275 * mm, f"{title.upper()} - halaman {page + 1}")
        canvas.setFont("Helvetica", 10)
        for line in range(40):
            canvas.drawString(25 * mm, (265 - line * 6) * mm, " ".join(rng.choices(WORDS, k=12)))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def scan_pdf(title: str, pages: int, rng: random.Random) -> bytes:
    """Pages that are one 150 dpi JPEG each, as a scanner's PDF is."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for page in range(pages):
        picture = Image.new("L", (1240, 1754), 245)
        draw = ImageDraw.Draw(picture)
        for line in range(60):
            y = 120 + line * 26
            draw.line((100, y, 100 + rng.randint(600, 1040), y), fill=rng.randint(20, 90), width=3)
        draw.text((100, 60), f"{title} {page + 1}", fill=0)
        data = io.BytesIO()
        picture.save(data, "JPEG", quality=75)
        canvas.drawImage(ImageReader(io.BytesIO(data.getvalue())), 0, 0, A4[0], A4[1])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def issued(ws, kind: str, basis: int | None = None) -> tuple[int, str, Path]:
    """An issued spp/spm with a one-page form in the outbox, recorded as the pipeline records it."""
    summary = Summary("Belanja alat tulis kantor", "CV Maju Jaya", date(2026, 11, 20), "bendahara", "900.1.3.1")
    link = (lambda conn, doc_id: link_in_tx(conn, doc_id, basis)) if basis else None
    with Register.open(ws) as reg:
        doc_id, res = reg.start_document(
            kind, summary, {"jenis": "LS-BARANG-JASA", "jumlah": "12500000.00"}, state=State.NUMBERED,
            series=kind, kka="900.1.3.1", with_row=link,
        )  # fmt: skip
        data = text_pdf(f"{kind} {res.number}", 1, random.Random(kind))
        w = write_new(ws.outbox / "2026" / kind / f"{file_stem(res.number)}.pdf", data)
        reg.record_files(doc_id, [FileRecord("pdf", reg.relative(w.path), w.sha256, w.size)], issue=res)
    return doc_id, res.number, w.path


def attachments(folder: Path) -> list[Path]:
    """30 files, 198 pages: 24 text PDFs and 6 scans, named so the checklist's patterns take them."""
    rng = random.Random(14)
    folder.mkdir()
    files = []
    for i in range(30):
        item = ITEMS[i % len(ITEMS)]
        pages = 7 if i < 18 else 6
        make = scan_pdf if i >= 24 else text_pdf
        path = folder / f"{item}-{i + 1:02d}.pdf"
        path.write_bytes(make(path.stem, pages, rng))
        files.append(path)
    return files


def plain_merge(paths: list[Path]) -> bytes:
    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reportlab_overlays(writer: PdfWriter) -> None:
    """The alternative: every page's number drawn in one reportlab document, then ``merge_page``."""
    total = len(writer.pages)
    out = io.BytesIO()
    canvas = Canvas(out)
    for index, page in enumerate(writer.pages):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        canvas.setPageSize((w, h))
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(w - 12 * mm, 7 * mm, f"hal. {index + 1} dari {total}")
        canvas.showPage()
    canvas.save()
    overlays = PdfReader(io.BytesIO(out.getvalue()))
    for page, overlay in zip(writer.pages, overlays.pages, strict=True):
        page.merge_page(overlay)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-packet-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        spp_id, number, spp_pdf = issued(ws, "spp")
        _, _, spm_pdf = issued(ws, "spm", basis=spp_id)
        files = attachments(Path(tmp) / "lampiran")
        sources = [spp_pdf, spm_pdf, *files]
        pages = sum(len(PdfReader(p).pages) for p in sources)
        size = sum(p.stat().st_size for p in sources)
        print(f"input: SPP + SPM + {len(files)} attachments, {pages} pages, {size / 1e6:.1f} MB", flush=True)

        result = assemble_packet(ws, number, Path(tmp) / "lampiran")  # warm-up, and the sanity checks
        plain_merge(sources)
        reader = PdfReader(ws.root / result.path)
        total = len(reader.pages)
        assert total == result.pages and result.parts[0]["pages"] == f"1-{total - pages}", (total, pages)
        assert len(reader.outline) == 2 + len(sources)
        assert f"hal. {total} dari {total}" in reader.pages[-1].extract_text()
        print(f"packet: {total} pages ({total - pages} of cover and checklist), {len(reader.outline)} bookmarks")
        assert verify(ws, ws.root / result.path).verdict == Verdict.GENUINE

        merge_times, packet_times = [], []
        for _ in range(args.runs):
            merge_times.append(timed(lambda: plain_merge(sources)))
            packet_times.append(timed(lambda: assemble_packet(ws, number, Path(tmp) / "lampiran")))
        merge, packet = statistics.median(merge_times), statistics.median(packet_times)
        print(f"(a) plain pypdf merge        {merge * 1000:7.0f} ms  ({pages / merge:,.0f} pages/s)")
        print(f"(b) docgen paket (recorded)  {packet * 1000:7.0f} ms  ({total / packet:,.0f} pages/s)")
        print(f"    ratio (b)/(a) = {packet / merge:.2f}x  (goal <= 2x)")

        ours, theirs = [], []
        for _ in range(args.runs):
            writer = PdfWriter()
            for path in sources:
                writer.append(str(path))
            ours.append(timed(lambda w=writer: stamp_page_numbers(w)))
            writer = PdfWriter()
            for path in sources:
                writer.append(str(path))
            theirs.append(timed(lambda w=writer: reportlab_overlays(w)))
        print(
            f"stamping {pages} pages: appended content streams {statistics.median(ours) * 1000:.0f} ms, "
            f"reportlab overlays + merge_page {statistics.median(theirs) * 1000:.0f} ms (before writing)"
        )


if __name__ == "__main__":
    main()
