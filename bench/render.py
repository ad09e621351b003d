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
does not affect timing.

Two more cases, each a template built with python-docx and one context for both renderers,
compare the compiled renderer with plain docxtpl (fresh ``DocxTemplate`` per letter):

- table: a ``{%tr for %}`` row loop of 40 staff rows (No, Nama, NIP, Jabatan, Keterangan)
  and a ``{%tc for %}`` column loop, the tables a recap or a BAP attachment has;
- pictures: ``{{ peta }}`` and a ``{%p for %}`` loop of 4 phone-like 1600x1200 JPEGs placed
  60 mm wide. docgen gets ``load_picture(...).sized(60)`` values and scales each photo to
  200 dpi once per process (the first letter, timed apart); docxtpl gets
  ``InlineImage(tpl, path, width=Mm(60))`` per letter and embeds the files as they are, so
  the DOCX size is printed beside the speed. A third line loads the pictures per letter, as
  request validation does in the pipeline: each photo is decoded once per process (by content
  hash), so a letter then costs reading and hashing its files; the decode count is printed.

Plain docxtpl runs ``--plain-count`` letters in these cases (default 50) since it is slow
there. Run from the repository root: ``.venv/bin/python bench/render.py [--count 200]``. It
uses a temporary workspace only.
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

import docx
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment
from lxml import etree
from PIL import Image

from docgen.kinds import get_kind, validate_request
from docgen.pictures import Picture, decode_stats, load_picture
from docgen.pipeline import create_workspace, generate
from docgen.register import Register
from docgen.render.docx import CompiledDocx, baris_kop, compile_docx

KIND = "surat-keluar"
NUMBER = "500.16.7.2/1/423.105/2026"
WARMUP = 5
GOAL = "goal: compiled renderer >= 10x plain docxtpl in every case"
KOLOM = ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]
PHOTOS = ["peta.jpg", "foto-1.jpg", "foto-2.jpg", "foto-3.jpg", "foto-4.jpg"]
PHOTO_PX = (1600, 1200)
PHOTO_MM = 60
LIMITS = {"max_bytes": 20_000_000, "max_pixels": 40_000_000}
WP_INLINE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"


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


def side_by_side(
    compiled: CompiledDocx, template: Path, context: dict[str, Any], out: Path, counts: tuple[int, int]
) -> tuple[float, float]:
    """Letters/s of the compiled renderer and of plain docxtpl (template loaded per letter), same context.

    Files land in ``out`` as ``docgen-N.docx`` and ``plain-N.docx`` for the sanity checks.
    """
    out.mkdir()

    def compiled_one(i: int) -> None:
        (out / f"docgen-{i}.docx").write_bytes(compiled.render(context))

    env = Environment(autoescape=True)
    env.filters["baris_kop"] = baris_kop  # the shipped kop prints each line at its own size (issue 23)

    def plain_one(i: int) -> None:
        tpl = DocxTemplate(template)
        tpl.render(context, env, autoescape=True)
        tpl.save(out / f"plain-{i}.docx")

    return timed(counts[0], compiled_one), timed(counts[1], plain_one)


def drawings(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(1 for _ in etree.fromstring(z.read("word/document.xml")).iter(WP_INLINE))


def table_template(path: Path) -> Path:
    """A staff list as a row loop and a monthly recap as a column loop (a {%tc %} tag takes a whole cell)."""
    document = docx.Document()
    document.add_paragraph("Daftar pegawai pelaksana kegiatan {{ kegiatan }}")
    rows = [
        ["No", "Nama", "NIP", "Jabatan", "Keterangan"],
        ["{%tr for r in baris %}", "", "", "", ""],
        ["{{ r.no }}", "{{ r.nama }}", "{{ r.nip }}", "{{ r.jabatan }}", "{{ r.keterangan }}"],
        ["{%tr endfor %}", "", "", "", ""],
    ]
    document.add_paragraph("Rekapitulasi izin terbit")
    rows_tc = [
        ["Uraian", "{%tc for k in kolom %}", "{{ k }}", "{%tc endfor %}"],
        ["Jumlah", "{%tc for k in kolom %}", "{{ jumlah[k] }}", "{%tc endfor %}"],
    ]
    for texts in (rows, rows_tc):
        table = document.add_table(rows=len(texts), cols=len(texts[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(texts):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
    document.save(path)
    return path


def table_context() -> dict[str, Any]:
    jabatan = ["Analis Kebijakan", "Penata Perizinan", "Pengadministrasi Umum", "Verifikator & Pengawas"]
    baris = [
        {
            "no": n,
            "nama": f"Pegawai Nomor {n}, S.T.",
            "nip": f"1985{n % 12 + 1:02d}{n % 28 + 1:02d}201001{n % 2 + 1}{n:03d}",  # 18 digits, as on a card
            "jabatan": jabatan[n % len(jabatan)],
            "keterangan": "<cuti>" if n % 7 == 0 else "hadir",
        }
        for n in range(1, 41)
    ]
    jumlah = {k: len(k) * 3 for k in KOLOM}
    return {"kegiatan": "pemeriksaan lapangan", "baris": baris, "kolom": KOLOM, "jumlah": jumlah}


def picture_template(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Peta lokasi: {{ peta }}")
    document.add_paragraph("{%p for f in foto %}")
    document.add_paragraph("Foto {{ loop.index }}: {{ f }}")
    document.add_paragraph("{%p endfor %}")
    document.save(path)
    return path


def photos(folder: Path) -> list[Path]:
    """Phone-like JPEGs: noise makes them compress like real photos (about a megabyte each)."""
    folder.mkdir()
    made = []
    for n, name in enumerate(PHOTOS):
        image = Image.blend(
            Image.new("RGB", PHOTO_PX, (40 + 30 * n, 120, 60)), Image.effect_noise(PHOTO_PX, 60).convert("RGB"), 0.5
        )
        image.save(folder / name, format="JPEG", quality=92)
        made.append(folder / name)
    return made


def picture_context(make: Callable[[str], Any]) -> dict[str, Any]:
    return {"peta": make(PHOTOS[0]), "foto": [make(name) for name in PHOTOS[1:]]}


def row(name: str, rate: float, size: int | None = None) -> str:
    kb = f"{size / 1024:>10.0f}" if size is not None else f"{'':>10}"
    return f"{name:<58} {rate:>10.1f} {1e3 / rate:>10.2f} {kb}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="timed letters per method (default 200)")
    parser.add_argument(
        "--plain-count", type=int, default=50, help="timed docxtpl letters in the table and picture cases (default 50)"
    )
    args = parser.parse_args(argv)
    plain_count = min(args.count, args.plain_count)

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        kind = get_kind(KIND)
        data = copy.deepcopy(kind.example)
        request = validate_request(kind, data, ws.profile)
        context: dict[str, Any] = kind.render_context(request, ws.profile, number=NUMBER)
        template = ws.template(kind.template)
        out_l = Path(tmp) / "l"

        t0 = time.perf_counter()
        compiled = compile_docx(template, emblem=ws.emblem)
        compile_ms = (time.perf_counter() - t0) * 1e3

        results: list[Any] = []

        def pipeline_one(i: int) -> None:
            results.append(generate(ws, KIND, copy.deepcopy(data), register=reg))

        rate_a, rate_b = side_by_side(compiled, template, context, out_l, (args.count, args.count))
        with Register.open(ws) as reg:
            rate_c = timed(args.count, pipeline_one)
            issued = [r for r in reg.numbers(series=kind.series_for(ws.profile)) if r["status"] == "issued"]

        # Sanity: same letter text from (a) and (b); (c) gave distinct numbers, each with its file.
        text_a, text_b = document_text(out_l / "docgen-0.docx"), document_text(out_l / "plain-0.docx")
        numbers = [r.number for r in results]
        problems = []
        if NUMBER not in text_a or text_a != text_b:
            problems.append("(a) and (b) letters differ in text or lack the number")
        if len(set(numbers)) != len(numbers) or len(issued) != len(results):
            problems.append(f"pipeline: {len(set(numbers))} distinct numbers, {len(issued)} issued of {len(results)}")
        if not all((ws.root / r.path).is_file() for r in results):
            problems.append("pipeline: a recorded file is missing from the outbox")

        # Table case: the same context through both renderers.
        tables = table_template(Path(tmp) / "tabel.docx")
        table_ctx = table_context()
        out_t = Path(tmp) / "t"
        rate_td, rate_tp = side_by_side(compile_docx(tables), tables, table_ctx, out_t, (args.count, plain_count))
        size_td, size_tp = (out_t / "docgen-0.docx").stat().st_size, (out_t / "plain-0.docx").stat().st_size
        text_td, text_tp = document_text(out_t / "docgen-0.docx"), document_text(out_t / "plain-0.docx")
        if text_td != text_tp or "Pegawai Nomor 40" not in text_td or "Juni" not in text_td:
            problems.append("table: docgen and docxtpl letters differ in text or lack the last row")

        # Picture case: docgen's checked pictures against docxtpl's InlineImage of the same files.
        folder = Path(tmp) / "permintaan"
        files = photos(folder)
        pictured = picture_template(Path(tmp) / "gambar.docx")
        out_p = Path(tmp) / "p"
        out_p.mkdir()
        compiled_p = compile_docx(pictured)

        def load(name: str) -> Picture:
            return load_picture(name, (folder,), **LIMITS).sized(PHOTO_MM)

        loaded = picture_context(load)
        t0 = time.perf_counter()
        (out_p / "docgen-first.docx").write_bytes(compiled_p.render(loaded))
        first_ms = (time.perf_counter() - t0) * 1e3

        def picture_docgen(i: int) -> None:
            (out_p / f"docgen-{i}.docx").write_bytes(compiled_p.render(loaded))

        def picture_docgen_loading(i: int) -> None:
            (out_p / f"loading-{i}.docx").write_bytes(compiled_p.render(picture_context(load)))

        def picture_plain(i: int) -> None:
            tpl = DocxTemplate(pictured)
            tpl.render(
                picture_context(lambda name: InlineImage(tpl, str(folder / name), width=Mm(PHOTO_MM))), autoescape=True
            )
            tpl.save(out_p / f"plain-{i}.docx")

        rate_pd = timed(args.count, picture_docgen)
        decodes_before = decode_stats().decodes
        rate_pl = timed(args.count, picture_docgen_loading)
        decodes_pl = decode_stats().decodes - decodes_before
        rate_pp = timed(plain_count, picture_plain)
        size_pd, size_pp = (out_p / "docgen-0.docx").stat().st_size, (out_p / "plain-0.docx").stat().st_size
        photo_bytes = sum(f.stat().st_size for f in files)
        found = drawings(out_p / "docgen-0.docx"), drawings(out_p / "plain-0.docx")
        if found != (len(PHOTOS), len(PHOTOS)):
            problems.append(f"pictures: {found[0]} drawings from docgen, {found[1]} from docxtpl, {len(PHOTOS)} wanted")

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
    print()
    print(f"table and picture cases: docgen {args.count} letters, docxtpl {plain_count}, after {WARMUP} warm-up each")
    print(f"{'method':<58} {'letters/s':>10} {'ms/letter':>10} {'DOCX KB':>10}")
    print(row("table (40 {%tr%} rows, {%tc%} columns): docgen", rate_td, size_td))
    print(row("table: plain docxtpl, template per letter", rate_tp, size_tp))
    print(f"speed-up table docgen/docxtpl: {rate_td / rate_tp:.2f}x")
    print(
        f"pictures: {len(PHOTOS)} JPEGs {PHOTO_PX[0]}x{PHOTO_PX[1]}, {photo_bytes / 1024:.0f} KB in all, "
        f"placed {PHOTO_MM} mm wide; docgen's first letter (scales them): {first_ms:.0f} ms"
    )
    print(row("pictures: docgen, pictures loaded once", rate_pd, size_pd))
    print(row("pictures: docgen, loaded per letter (as validation does)", rate_pl))
    print(row("pictures: plain docxtpl InlineImage, template per letter", rate_pp, size_pp))
    print(f"speed-up pictures docgen/docxtpl: {rate_pd / rate_pp:.2f}x (loaded per letter: {rate_pl / rate_pp:.2f}x)")
    print(f"picture decodes while loading per letter: {decodes_pl} for {args.count + WARMUP} letters")
    print(f"sanity: {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}")
    ratios = {
        "letter": rate_a / rate_b,
        "table": rate_td / rate_tp,
        "pictures": rate_pd / rate_pp,
        "pictures loaded per letter": rate_pl / rate_pp,
    }
    below = [f"{name} {ratio:.1f}x" for name, ratio in ratios.items() if ratio < 10]
    print(f"{GOAL}: {'met' if not below else 'NOT met for ' + ', '.join(below)}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
