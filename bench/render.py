"""Benchmark: letters per second for DOCX generation, docgen's compiled renderer against plain docxtpl.

docgen compiles a template once per process (cleaned XML parts compiled by Jinja, unchanged
parts zipped once) so a batch of letters costs one Jinja render and one small zip append per
letter. This script measures, in one run on the same request and the same context dict:

(a) ``compile_docx(...).render(context)`` with the bytes written to a file;
(b) plain docxtpl as most projects use it, reloading the template for every letter:
    ``DocxTemplate(path); tpl.render(context, autoescape=True); tpl.save(out)``;
(c) the full pipeline ``generate(...)``: validate, register transaction (number), render,
    atomic fsynced write into the outbox, record the file (second transaction).

(a) and (b) write plainly without fsync; (c) includes docgen's fsyncs, as in real use. The
ratios (a)/(b) and (c)/(b) show whether compiling pays off. The emblem swap is docgen-only and
does not affect timing. Run from the repository root:
``.venv/bin/python bench/render.py [--count 200]``. It uses a temporary workspace only.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from lxml import etree

from docgen.kinds import get_kind, validate_request
from docgen.pipeline import create_workspace, generate
from docgen.register import Register
from docgen.render import compile_docx

KIND = "surat-keluar"
NUMBER = "500.16.7.2/1/423.105/2026"
WARMUP = 5
GOAL = "goal: compiled renderer >= 2x plain docxtpl"


def timed(count: int, one: Callable[[int], None]) -> float:
    """Run ``one`` for WARMUP untimed letters, then ``count`` timed ones; letters per second."""
    for i in range(WARMUP):
        one(-1 - i)
    start = time.perf_counter()
    for i in range(count):
        one(i)
    return count / (time.perf_counter() - start)


def document_text(path: Path) -> str:
    """The letter's visible text (docxtpl also renumbers drawing ids, which is not content)."""
    with zipfile.ZipFile(path) as z:
        return "".join(etree.fromstring(z.read("word/document.xml")).itertext())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="timed letters per method (default 200)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        kind = get_kind(KIND)
        data = copy.deepcopy(kind.example)
        request = validate_request(kind, data, ws.profile)
        context: dict[str, Any] = kind.render_context(request, ws.profile, number=NUMBER)
        template = ws.template(kind.template)
        out_a, out_b = Path(tmp) / "a", Path(tmp) / "b"
        out_a.mkdir()
        out_b.mkdir()

        t0 = time.perf_counter()
        compiled = compile_docx(template, emblem=ws.emblem)
        compile_ms = (time.perf_counter() - t0) * 1e3

        def compiled_one(i: int) -> None:
            (out_a / f"{i}.docx").write_bytes(compiled.render(context))

        def plain_one(i: int) -> None:
            tpl = DocxTemplate(template)
            tpl.render(context, autoescape=True)
            tpl.save(out_b / f"{i}.docx")

        results: list[Any] = []

        def pipeline_one(i: int) -> None:
            results.append(generate(ws, KIND, copy.deepcopy(data), register=reg))

        rate_a = timed(args.count, compiled_one)
        rate_b = timed(args.count, plain_one)
        with Register.open(ws) as reg:
            rate_c = timed(args.count, pipeline_one)
            issued = [r for r in reg.numbers(series=kind.series_for(ws.profile)) if r["status"] == "issued"]

        # Sanity: same letter text from (a) and (b); (c) gave distinct numbers, each with its file.
        text_a, text_b = document_text(out_a / "0.docx"), document_text(out_b / "0.docx")
        numbers = [r.number for r in results]
        problems = []
        if NUMBER not in text_a or text_a != text_b:
            problems.append("(a) and (b) letters differ in text or lack the number")
        if len(set(numbers)) != len(numbers) or len(issued) != len(results):
            problems.append(f"pipeline: {len(set(numbers))} distinct numbers, {len(issued)} issued of {len(results)}")
        if not all((ws.root / r.path).is_file() for r in results):
            problems.append("pipeline: a recorded file is missing from the outbox")

    print(f"render: {args.count} letters per method after {WARMUP} warm-up letters ({KIND})")
    print(f"one-time template compile: {compile_ms:.1f} ms")
    print(f"{'method':<42} {'letters/s':>10} {'ms/letter':>10}")
    for name, rate in (
        ("(a) docgen compiled render + write", rate_a),
        ("(b) plain docxtpl, template per letter", rate_b),
        ("(c) full pipeline generate()", rate_c),
    ):
        print(f"{name:<42} {rate:>10.1f} {1e3 / rate:>10.2f}")
    print(f"speed-up (a)/(b): {rate_a / rate_b:.2f}x")
    print(f"speed-up (c)/(b): {rate_c / rate_b:.2f}x")
    print(f"sanity: {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(GOAL)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
