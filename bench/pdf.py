"""Benchmark: PDF letters per second (warm LibreOffice pool against cold soffice) and stamps per second.

Starting LibreOffice costs seconds, so docgen keeps one warm unoserver per core
(``ConverterPool``); ``ColdConverter`` starts ``soffice --convert-to pdf`` with a private profile
per call. N letters are rendered first (compiled renderer, untimed), so only conversion is timed:
(1) the warm pool with as many concurrent callers as servers (start-up and a first letter per
server reported apart); (2) cold soffice one letter per call on a smaller sample, and (bonus) one
cold call given all N files; (3) ``stamp_pdf`` with all four marks on a text PDF (a converted
letter) and on a scanned image-only one (``pdftoppm -r 150``, saved as PDF by Pillow).

Run from the repository root: ``.venv/bin/python bench/pdf.py [--count 40 --cold-count 8]``.
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
from docgen.pdf.convert import ColdConverter, find_soffice
from docgen.pdf.pool import ConverterPool
from docgen.pdf.stamp import Marks, make_marks, stamp_pdf, token_in_pdf
from docgen.pipeline import create_workspace
from docgen.profile import Workspace
from docgen.render.docx import compile_docx

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


def problem(source: Path | bytes, expected: str, name: str) -> str | None:
    """A PDF must open with pypdf and carry ``expected`` (its number) as text."""
    try:
        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # any failure to open is the finding
        return f"{name}: unreadable ({exc})"
    return None if expected in text else f"{name}: no text {expected!r}"


def stamp_rate(data: bytes, marks: Marks, ws: Workspace, count: int) -> tuple[float, str | None]:
    """Stamps per second with all four marks after WARMUP untimed ones, and any sanity problem."""
    out = [stamp_pdf(data, marks, ws, KIND) for _ in range(WARMUP)][-1]
    per_s = rate(count, lambda: [stamp_pdf(data, marks, ws, KIND) for _ in range(count)])
    return per_s, problem(out, marks.number, "stamped") or (None if token_in_pdf(out) == marks.token else "no token")


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
    parser.add_argument("--cold-batch", action=argparse.BooleanOptionalAction, default=True, help="one call, N files")
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
        letters = [root / f"surat-{i:03d}.docx" for i in range(args.count)]
        for i, letter in enumerate(letters):
            letter.write_bytes(compiled.render({**context, "nomor": number(i)}))
        cold_letters = letters[: args.cold_count]

        pool, t0 = ConverterPool(), time.perf_counter()
        try:
            pool.start()
        except RenderError as exc:  # e.g. no Python that can import uno
            print(f"pdf: skipped, the warm pool cannot start: {exc}")
            return 0
        startup, servers = time.perf_counter() - t0, pool.size
        try:
            t0 = time.perf_counter()
            pool.convert_many(letters[:servers], root / "warmup")  # one letter per server, untimed
            first = time.perf_counter() - t0
            warm_rate = rate(args.count, lambda: pool.convert_many(letters, root / "warm"))
        finally:
            pool.stop()
        cold = ColdConverter()
        cold_rate = rate(len(cold_letters), lambda: [cold.convert(p, root / "cold") for p in cold_letters])
        batch_rate = rate(args.count, lambda: cold.convert_many(letters, root / "batch")) if args.cold_batch else 0
        done = {"warm": letters, "cold": cold_letters, "batch": letters if batch_rate else []}
        checks = [
            problem(root / d / f"{x.stem}.pdf", number(i), f"{d}/{x.stem}.pdf")
            for d in done
            for i, x in enumerate(done[d])
        ]

        marks = make_marks(ws.profile, number=number(0), doc_date=date(2026, 11, 28), token="bench-token-0001")
        letter_pdf = root / "warm" / f"{letters[0].stem}.pdf"
        pages = len(PdfReader(letter_pdf).pages)
        sources = {"text PDF (LibreOffice letter)": letter_pdf.read_bytes()}
        if shutil.which("pdftoppm"):
            sources["scanned PDF (150 dpi image)"] = scanned(letter_pdf, root)
        else:
            print("note: pdftoppm missing (poppler-utils), scanned-PDF stamping skipped")
        stamp_rates = {label: stamp_rate(data, marks, ws, args.stamps) for label, data in sources.items()}
        checks += [f"{label}: {p}" for label, (_, p) in stamp_rates.items() if p]
    problems = [p for p in checks if p]

    print(f"pdf: {args.count} letters ({KIND}, {pages} page(s) each), {servers} pool servers")
    print(f"pool start-up ({servers} servers): {startup:.2f} s (goal: <= 2 s with 2 servers, issue 12)")
    print(f"first letter per server (untimed): {first:.2f} s")
    print(f"{'method':<46} {'letters/s':>10} {'s/letter':>9}")
    rows = {
        f"(1) warm pool, {args.count} letters, {servers} callers": warm_rate,
        f"(2) cold soffice per document, {len(cold_letters)} letters": cold_rate,
        f"(2b) cold soffice, {args.count} files in one call": batch_rate,
    }
    for name, r in rows.items():
        print(f"{name:<46} {r:>10.2f} {1 / r:>9.3f}" if r else f"{name:<46} {'skipped':>10}")
    print(f"ratio warm pool / cold per document: {warm_rate / cold_rate:.1f}x")
    print(GOALS[0])
    print(f"stamps: all four marks, {args.stamps} timed after {WARMUP} warm-up")
    print(f"{'input':<46} {'stamps/s':>10} {'ms/stamp':>9}")
    for label, (r, _) in stamp_rates.items():
        print(f"{label:<46} {r:>10.1f} {1e3 / r:>9.2f}")
    print(GOALS[1])
    print(f"sanity: {'OK' if not problems else 'FAILED: ' + '; '.join(problems[:5])}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
