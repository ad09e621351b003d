"""Benchmark: PDF letters per second (warm LibreOffice pool against cold soffice) and stamps per second.

A PDF letter costs one DOCX -> PDF conversion in LibreOffice, and starting LibreOffice costs
seconds. docgen's ``ConverterPool`` keeps one warm unoserver per core; ``ColdConverter`` starts
``soffice --convert-to pdf`` with a private profile per call. This script renders N letters
with the compiled renderer first (untimed), so only conversion is measured, then times:

(1) the warm pool, N letters with as many concurrent callers as servers (``convert_many``);
    its start-up and a first untimed letter per server are reported apart from the rate;
(2) cold ``ColdConverter().convert`` one letter at a time (a smaller sample), and, as a
    bonus, one cold call given all N files (``ColdConverter().convert_many``);
(3) ``stamp_pdf`` with all four marks (number box, cap, QR, footer) on a text PDF (one of the
    converted letters) and on a scanned image-only PDF (``pdftoppm -r 150``, saved by Pillow).

Run from the repository root: ``.venv/bin/python bench/pdf.py [--count 40 --cold-count 8 --stamps 100]``.
It uses a temporary workspace only; without LibreOffice it prints a note and exits 0.
"""

from __future__ import annotations

import argparse
import copy
import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from docgen.errors import RenderError
from docgen.kinds import get_kind, validate_request
from docgen.pipeline import create_workspace
from docgen.render import compile_docx
from docgen.render.convert import ColdConverter, find_soffice
from docgen.render.pool import ConverterPool
from docgen.render.stamp import make_marks, stamp_pdf, token_in_pdf

KIND = "surat-keluar"
WARMUP = 3
GOALS = ("goal: warm pool >= 5x cold per document on 2 cores", "goal: >= 30 stamps/s")


def number(i: int) -> str:
    return f"500.16.7.2/{i + 1}/423.105/2026"


def rate(count: int, run: Callable[[], object]) -> float:
    """Call ``run`` once, timed; ``count`` items per second."""
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


def pdf_problems(pdfs: list[Path], label: str) -> list[str]:
    """Each PDF must open with pypdf and carry its letter's number as text."""
    problems = []
    for i, pdf in enumerate(pdfs):
        try:
            text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        except Exception as exc:  # any failure to open is the finding
            problems.append(f"{label} {pdf.name}: unreadable ({exc})")
            continue
        if not text.strip() or number(i) not in text:
            problems.append(f"{label} {pdf.name}: no text or number {number(i)} missing")
    return problems


def scanned(pdf: Path, workdir: Path) -> bytes:
    """An image-only copy of ``pdf``: pages rendered at 150 dpi, saved as a PDF by Pillow."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(workdir / "scan")], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(workdir.glob("scan*.png"))]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="letters through the warm pool (default 40)")
    parser.add_argument("--cold-count", type=int, default=8, help="letters through cold soffice one by one (default 8)")
    parser.add_argument("--stamps", type=int, default=100, help="timed stamps per PDF kind (default 100)")
    parser.add_argument("--no-cold-batch", action="store_true", help="skip the cold all-files-in-one-call run")
    args = parser.parse_args(argv)
    try:
        find_soffice()
    except RenderError as exc:
        print(f"pdf: skipped, LibreOffice is missing: {exc}")
        return 0

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        root = Path(tmp)
        ws = create_workspace(root / "ws")
        kind = get_kind(KIND)
        request = validate_request(kind, copy.deepcopy(kind.example), ws.profile)
        context = kind.render_context(request, ws.profile, number="")
        compiled = compile_docx(ws.template(kind.template), emblem=ws.emblem)
        (root / "docx").mkdir()
        letters = []
        for i in range(args.count):
            letters.append(root / "docx" / f"surat-{i:03d}.docx")
            letters[-1].write_bytes(compiled.render({**context, "nomor": number(i)}))
        cold_letters = letters[: args.cold_count]

        try:
            t0 = time.perf_counter()
            with ConverterPool() as pool:
                startup = time.perf_counter() - t0
                t0 = time.perf_counter()
                pool.convert_many(letters[: pool.size], root / "warmup")  # one per server, untimed
                first = time.perf_counter() - t0
                warm_rate = rate(args.count, lambda: pool.convert_many(letters, root / "warm"))
                servers = pool.size
        except RenderError as exc:
            print(f"pdf: skipped, the warm pool cannot start: {exc}")
            return 0
        warm = [root / "warm" / f"{p.stem}.pdf" for p in letters]
        cold = ColdConverter()
        cold_rate = rate(len(cold_letters), lambda: [cold.convert(p, root / "cold") for p in cold_letters])
        batch_rate = None if args.no_cold_batch else rate(args.count, lambda: cold.convert_many(letters, root / "batch"))
        problems = pdf_problems(warm, "warm") + pdf_problems([root / "cold" / f"{p.stem}.pdf" for p in cold_letters], "cold")
        if batch_rate is not None:
            problems += pdf_problems([root / "batch" / f"{p.stem}.pdf" for p in letters], "batch")

        marks = make_marks(ws.profile, number=number(0), doc_date=date(2026, 11, 28), token="bench-token-0001")
        text_pdf = warm[0].read_bytes()
        sources = {"text PDF (LibreOffice letter)": text_pdf}
        if shutil.which("pdftoppm"):
            sources["scanned PDF (150 dpi image)"] = scanned(warm[0], root)
        else:
            print("note: pdftoppm missing (poppler-utils), scanned-PDF stamping skipped")
        stamp_rates = {}
        for label, data in sources.items():
            for _ in range(WARMUP):
                out = stamp_pdf(data, marks, ws, KIND)
            stamp_rates[label] = rate(args.stamps, lambda d=data: [stamp_pdf(d, marks, ws, KIND) for _ in range(args.stamps)])
            try:
                stamped = PdfReader(io.BytesIO(out))
                text = "".join(page.extract_text() or "" for page in stamped.pages)
                if number(0) not in text or token_in_pdf(out) != marks.token:
                    problems.append(f"stamped {label}: number text or token missing")
            except Exception as exc:  # any failure to open is the finding
                problems.append(f"stamped {label}: unreadable ({exc})")

    pages = len(PdfReader(io.BytesIO(text_pdf)).pages)
    print(f"pdf: {args.count} letters ({KIND}, {pages} page(s) each), {servers} pool servers")
    print(f"pool start-up ({servers} servers): {startup:.2f} s; first letter per server (untimed): {first:.2f} s")
    print(f"{'method':<46} {'letters/s':>10} {'s/letter':>9}")
    rows = [(f"(1) warm pool, {args.count} letters, {servers} callers", warm_rate),
            (f"(2) cold soffice per document, {len(cold_letters)} letters", cold_rate)]  # fmt: skip
    if batch_rate is not None:
        rows.append((f"(2b) cold soffice, {args.count} files in one call", batch_rate))
    for name, r in rows:
        print(f"{name:<46} {r:>10.2f} {1 / r:>9.3f}")
    print(f"ratio warm pool / cold per document: {warm_rate / cold_rate:.1f}x")
    print(GOALS[0])
    print(f"stamps: all four marks, {args.stamps} timed after {WARMUP} warm-up")
    print(f"{'input':<46} {'stamps/s':>10} {'ms/stamp':>9}")
    for label, r in stamp_rates.items():
        print(f"{label:<46} {r:>10.1f} {1e3 / r:>9.2f}")
    print(GOALS[1])
    print(f"sanity: {'OK' if not problems else 'FAILED: ' + '; '.join(problems[:5])}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
