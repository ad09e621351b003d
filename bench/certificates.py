"""Benchmark: Sertifikat Standar PDFs per second through the full path, against docxtpl + cold soffice.

Permit officers print certificates by the hundred, so docgen draws them directly with reportlab
from ``templates/sertifikat-standar.toml`` (no Word, no LibreOffice). This script measures, in one
run:

(1) the full path: N distinct requests (default 1,000, ``--count``; each its own nama_usaha and
    NIB, risk R or MR so no rekomendasi is needed) split over P worker processes (default 2,
    ``--processes``); each opens its own ``Register`` once and calls
    ``generate(workspace, "sertifikat-standar", data, register=reg)`` in a loop: validate, trial
    draw, number in a register transaction, draw with the document's own QR, atomic fsynced write
    into the outbox, record. Released together from a barrier; wall time runs from the first
    start to the last finish. Sanity afterwards: ``check_register`` finds no problem, the numbers
    are exactly 1..N, and every document has its own QR token (``documents.token`` unique).
(2) the naive path most projects start from: a DOCX of the same certificate built with
    python-docx (docxtpl tags for the same fields, the QR as a docxtpl ``InlineImage`` of a PNG
    made by segno), rendered by a fresh ``DocxTemplate`` per document and converted by a cold
    ``soffice --headless --convert-to pdf`` per document (``ColdConverter``), for M documents
    (default 20, ``--naive-count``), one after another.

It prints certificates/s for each and the ratio full path / naive path. Without LibreOffice the
naive path is skipped with a note. Run from the repository root:
``.venv/bin/python bench/certificates.py [--count 1000 --processes 2 --naive-count 20]``.
It uses a temporary workspace only.
"""

from __future__ import annotations

import argparse
import copy
import io
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import docx
import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage

from docgen.errors import RenderError
from docgen.kinds import get_kind, validate_request
from docgen.pdf.convert import ColdConverter
from docgen.pdf.stamp import make_marks
from docgen.pipeline import create_workspace, generate
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.register.check import check_register
from docgen.render.forms.boxform import load_box_layout
from docgen.render.forms.values import form_values

KIND = "sertifikat-standar"
GOALS = ("goal: >= 100 certificates/s on 2 cores (full path)", "goal: full path >= 100x docxtpl + cold soffice")
ROWS = [  # (label, placeholder) as in templates/sertifikat-standar.toml
    ("Nomor Induk Berusaha (NIB)", "nib"),
    ("Nama Pelaku Usaha", "nama_usaha"),
    ("Alamat Usaha", "alamat_usaha"),
    ("KBLI", "kbli_judul"),
    ("Lokasi Usaha", "lokasi_usaha"),
    ("Tingkat Risiko", "tingkat_risiko"),
    ("Skala Usaha", "skala_usaha"),
    ("Status Verifikasi", "status_verifikasi"),
    ("Tanggal Verifikasi", "tanggal_verifikasi"),
]


def request(i: int) -> dict[str, Any]:
    """The kind's example made distinct: its own business name, NIB and OSS number, risk MR or MT."""
    data = copy.deepcopy(get_kind(KIND).dated_example())
    data["nama_usaha"] = f"CV USAHA BERSAMA {i + 1:04d} PASURUAN"
    data["nib"] = f"{9120000000000 + i:013d}"
    data["nomor"] = data["nib"] + "0001"  # OSS's number: given, never drawn from a series
    data["tingkat_risiko"] = ("MT", "MR")[i % 2]
    return data


def worker(root: str, rows: list[int], barrier: Any, results: Any) -> None:
    """Generate the certificates of ``rows`` through the full path and report the span."""
    try:
        workspace = load_workspace(root, env={})
        reg = Register.open(workspace)
        data = [request(i) for i in rows]
        barrier.wait(timeout=120)
        start = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes on one host
        for item in data:
            generate(workspace, KIND, item, register=reg)
        end = time.monotonic()
        reg.close()
        results.put({"start": start, "end": end, "done": len(data)})
    except BaseException as exc:  # report, never hang the parent
        results.put({"error": f"{type(exc).__name__}: {exc}"})


def full_path(root: Path, count: int, processes: int) -> tuple[float, int, list[str]]:
    """Wall time and certificates made by ``processes`` workers, and the errors they reported."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    shares = [list(range(p, count, processes)) for p in range(processes)]
    procs = [ctx.Process(target=worker, args=(str(root), rows, barrier, results)) for rows in shares]
    for p in procs:
        p.start()
    reports = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    done = [r for r in reports if "error" not in r]
    wall = max(r["end"] for r in done) - min(r["start"] for r in done) if done else float("nan")
    return wall, sum(r["done"] for r in done), [r["error"] for r in reports if "error" in r]


def verify(root: Path, expected: int) -> list[str]:
    """Problems in the register after the run: check_register, N distinct OSS numbers, one QR token each."""
    with Register.open(load_workspace(root, env={})) as reg:
        problems = list(check_register(reg).problems)
        given = {r[0] for r in reg.conn.execute("SELECT number FROM given_numbers")}
        drawn = len(reg.numbers(series=KIND))
        tokens = [r[0] for r in reg.conn.execute("SELECT token FROM documents WHERE kind = ?", (KIND,))]
        files = reg.conn.execute("SELECT COUNT(*) FROM files WHERE path LIKE '%.pdf'").fetchone()[0]
    if len(given) != expected or drawn:
        problems.append(f"{len(given)} distinct OSS numbers for {expected} certificates, {drawn} drawn from a series")
    if len(tokens) != expected or None in tokens or len(set(tokens)) != len(tokens):
        problems.append(f"QR tokens: {len(tokens)} documents, {len(set(tokens))} distinct")
    if files != expected:
        problems.append(f"{files} PDF files recorded, expected {expected}")
    return problems


def naive_template(path: Path, emblem: Path) -> None:
    """The same certificate as a Word template: kop, title, number, the business table, signer, QR, footer."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(12)

    def line(text: str, *, size: float = 10, bold: bool = False, center: bool = False) -> None:
        para = document.add_paragraph()
        run = para.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_picture(str(emblem), width=Mm(22))
    line("{{ kop_1 }}", size=13, bold=True, center=True)
    line("{{ kop_2 }}", size=13, bold=True, center=True)
    line("{{ kantor_alamat }}, {{ kantor_kontak }}", size=8.5, center=True)
    line("SERTIFIKAT STANDAR", size=16, bold=True, center=True)
    line("Nomor: {{ nomor }}", size=11, center=True)
    line(
        "{{ penerbit }} menerbitkan Sertifikat Standar berdasarkan Perizinan Berusaha Berbasis Risiko"
        " kepada pelaku usaha berikut:"
    )
    table = document.add_table(rows=len(ROWS), cols=2)
    table.style = "Table Grid"
    for row, (label, name) in zip(table.rows, ROWS, strict=True):
        row.cells[0].text, row.cells[1].text = label, f"{{{{ {name} }}}}"
    line(
        "Sertifikat Standar ini berlaku selama pelaku usaha menjalankan kegiatan usahanya sesuai dengan"
        " ketentuan peraturan perundang-undangan."
    )
    for text in ("Pasuruan, {{ tanggal_terbit }}", "{{ penandatangan_jabatan }}", "", "", "{{ penandatangan_nama }}"):
        line(text, center=True)
    line("NIP. {{ penandatangan_nip }}", center=True)
    line("{{ qr }}")
    line("{% for f in footer %}{{ f }} {% endfor %}", size=7.5)
    document.save(str(path))


def naive_context(workspace: Any, i: int) -> tuple[dict[str, Any], str, list[str]]:
    """The certificate's values as the form sees them, its QR URL and footer lines."""
    kind = get_kind(KIND)
    req = validate_request(kind, request(i), workspace.profile)
    number = f"500.16.7.2/{i + 1}/423.105/2026"
    layout = load_box_layout(workspace.template(kind.template), workspace.root)
    values = form_values(kind.render_context(req, workspace.profile, number=number), layout)
    values["kbli_judul"] = f"{values['kbli']} - {values['judul_kbli']}"
    values = {k: "\n".join(v) if isinstance(v, list) else v for k, v in values.items()}
    marks = make_marks(workspace.profile, number=number, doc_date=req.tanggal, token=f"naive{i:027d}")
    return values, marks.url, list(marks.footer)


def naive_path(workspace: Any, tmp: Path, count: int) -> float:
    """Documents per second: fresh DocxTemplate render + cold soffice conversion, one by one."""
    template = tmp / "sertifikat-naive.docx"
    naive_template(template, workspace.root / "templates" / "lambang.png")
    converter = ColdConverter()
    jobs = [naive_context(workspace, i) for i in range(count)]
    start = time.perf_counter()
    for i, (values, url, footer) in enumerate(jobs):
        qr = io.BytesIO()
        segno.make(url, error="m").save(qr, kind="png", scale=10, border=4)
        qr.seek(0)
        tpl = DocxTemplate(str(template))
        tpl.render({**values, "footer": footer, "qr": InlineImage(tpl, qr, width=Mm(28))}, autoescape=True)
        out = tmp / "naive" / f"sertifikat-{i:03d}.docx"
        out.parent.mkdir(exist_ok=True)
        tpl.save(str(out))
        converter.convert(out, tmp / "naive-pdf")
    rate = count / (time.perf_counter() - start)
    made = len(list((tmp / "naive-pdf").glob("*.pdf")))
    if made != count:
        raise RenderError(f"naive path: {made} PDFs of {count}")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates through the full path (default 1000)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--naive-count", type=int, default=20, help="documents through docxtpl + soffice (default 20)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        workspace = create_workspace(Path(tmp) / "ws")
        wall, made, errors = full_path(workspace.root, args.count, args.processes)
        problems = [f"worker: {e}" for e in errors] + verify(workspace.root, made)
        size = sum(p.stat().st_size for p in workspace.outbox.rglob("*.pdf")) / max(made, 1)
        full_rate = made / wall
        try:
            naive_rate = naive_path(workspace, Path(tmp), args.naive_count)
        except RenderError as exc:  # no LibreOffice on this machine
            print(f"note: naive path skipped: {exc}")
            naive_rate = 0.0

    print(f"certificates: {KIND}, {made} distinct requests over {args.processes} processes, {size / 1024:.1f} KiB each")
    print(f"{'path':<58} {'docs/s':>9} {'ms/doc':>9}")
    print(
        f"{'(1) full path: validate, number, draw + QR, fsync, record':<58} {full_rate:>9.1f} {1e3 / full_rate:>9.2f}"
    )
    print(f"{'    wall time':<58} {wall:>8.2f}s")
    if naive_rate:
        label = f"(2) docxtpl + cold soffice per document, {args.naive_count} docs"
        print(f"{label:<58} {naive_rate:>9.2f} {1e3 / naive_rate:>9.1f}")
        ratio = full_rate / naive_rate
        print(f"ratio full path / naive path: {ratio:,.0f}x")
    print(f"{GOALS[0]}: {'met' if full_rate >= 100 else 'NOT met'}")
    if naive_rate:
        print(f"{GOALS[1]}: {'met' if ratio >= 100 else 'NOT met'}")
    print(f"sanity: {'OK' if not problems else 'FAILED: ' + '; '.join(problems[:5])}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
