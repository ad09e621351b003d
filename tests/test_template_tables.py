"""Rendered tables keep a grid that matches their cells, and every picture keeps a unique drawing id.

Templates are built with python-docx the way an office author writes them in Word: a table whose
columns come from a ``{%tc for %}`` loop, a cell removed by ``{%tc if %}``, a picture repeated by a
``{%p for %}`` loop next to a picture in the page header. Each is rendered by docgen's compiled
renderer and by plain docxtpl (``DocxTemplate(path).render(ctx, autoescape=True)``, which fixes
grids and ids itself) and the parts are compared; the docgen output is then converted to PDF by
LibreOffice, which silently drops columns a grid does not declare.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm
from docxtpl import DocxTemplate
from lxml import etree
from pypdf import PdfReader

from docgen.pdf.convert import ColdConverter
from docgen.render.docx import compile_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
KOLOM = ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]
CONTEXT = {
    "kolom": KOLOM,
    "nilai": {k: f"{i * 7} & <{k[:3]}>" for i, k in enumerate(KOLOM, 1)},
    "tampil": False,
    "foto": ["satu", "dua", "tiga"],
}


def _picture(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "titik.png"
    Image.new("RGB", (30, 20), (0, 90, 200)).save(path)
    return path


def _row(document: docx.document.Document, rows: list[list[str]]) -> None:
    """A bordered table of these rows; a ``{%tc %}`` tag takes a whole cell, as docxtpl requires."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text


def _template(tmp_path: Path) -> Path:
    """A template with a column loop, a removable cell and a picture in a loop and in the header."""
    picture = _picture(tmp_path)
    document = docx.Document()
    document.sections[0].header.paragraphs[0].add_run().add_picture(str(picture), width=Cm(1))
    document.add_paragraph("Rekap bulanan")
    _row(
        document,
        [
            ["No", "{%tc for k in kolom %}", "{{ k }}", "{%tc endfor %}"],
            ["1", "{%tc for k in kolom %}", "{{ nilai[k] }}", "{%tc endfor %}"],
        ],
    )
    document.add_paragraph("Pejabat")
    _row(document, [["Nama", "Jabatan", "{%tc if tampil %}", "Rahasia", "{%tc endif %}"]])
    document.add_paragraph("{%p for f in foto %}")
    paragraph = document.add_paragraph("Foto {{ f }} ")
    paragraph.add_run().add_picture(str(picture), width=Cm(2))
    document.add_paragraph("{%p endfor %}")
    path = tmp_path / "rekap.docx"
    document.save(path)
    return path


def _parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: etree.fromstring(package.read(name))
            for name in package.namelist()
            if re.match(r"^word/(document|header\d*|footer\d*)\.xml$", name)
        }


def _grids(root: etree._Element) -> list[list[int]]:
    return [[int(c.get(W + "w")) for c in t.iter(W + "gridCol")] for t in root.iter(W + "tbl")]


def _row_cells(root: etree._Element) -> list[list[int]]:
    return [[len(r.findall(W + "tc")) for r in t.findall(W + "tr")] for t in root.iter(W + "tbl")]


def _normalised(root: etree._Element) -> bytes:
    """The part's canonical XML with drawing ids blanked: docxtpl numbers them from 1001."""
    root = etree.fromstring(etree.tostring(root))
    for drawing in root.iter(WP + "docPr"):
        drawing.set("id", "0")
    return etree.tostring(root, method="c14n")


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """The template, docgen's output and plain docxtpl's output for the same context."""
    template = _template(tmp_path)
    ours = compile_docx(template).render(CONTEXT)
    plain = DocxTemplate(template)
    plain.render(CONTEXT, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    return template, ours, buffer.getvalue()


def test_a_column_loop_widens_the_grid_to_every_column_like_docxtpl(rendered):
    template, ours, plain = rendered
    body = _parts(ours)["word/document.xml"]
    assert _row_cells(body)[0] == [1 + len(KOLOM), 1 + len(KOLOM)]
    after = _grids(body)[0]
    assert len(after) == 1 + len(KOLOM)
    assert _grids(body) == _grids(_parts(plain)["word/document.xml"])
    before = _grids(_parts(template.read_bytes())["word/document.xml"])[0]
    assert sum(before) - len(after) <= sum(after) <= sum(before)  # the table's width shared out, not grown
    assert len(set(after)) == 1  # equal columns, as the template's were


def test_a_removed_cell_takes_its_grid_column_away_and_its_width_is_shared(rendered):
    template, ours, plain = rendered
    before = _grids(_parts(template.read_bytes())["word/document.xml"])[1]
    body = _parts(ours)["word/document.xml"]
    assert _row_cells(body)[1] == [2]
    after = _grids(body)[1]
    assert len(after) == 2
    assert sum(before) - 2 <= sum(after) <= sum(before)
    assert after == _grids(_parts(plain)["word/document.xml"])[1]


def test_every_part_renders_as_docxtpl_renders_it_apart_from_drawing_id_numbers(rendered):
    _, ours, plain = rendered
    mine, theirs = _parts(ours), _parts(plain)
    assert mine.keys() == theirs.keys()
    for name in mine:
        assert _normalised(mine[name]) == _normalised(theirs[name]), name


def test_pictures_in_a_loop_and_in_the_header_get_unique_drawing_ids(rendered):
    template, ours, _ = rendered
    source = _parts(template.read_bytes())
    ids_before = [d.get("id") for root in source.values() for d in root.iter(WP + "docPr")]
    assert len(set(ids_before)) < len(ids_before)  # python-docx numbers each part from 1: a real clash
    ids = [d.get("id") for root in _parts(ours).values() for d in root.iter(WP + "docPr")]
    assert len(ids) == 1 + len(CONTEXT["foto"])
    assert len(set(ids)) == len(ids)
    assert all(i.isdigit() and int(i) > 0 for i in ids)


def test_the_same_document_renders_the_same_drawing_ids_every_time(rendered):
    template, ours, _ = rendered
    compiled = compile_docx(template)
    again = compiled.render(CONTEXT)
    assert [_normalised(r) for r in _parts(again).values()] == [_normalised(r) for r in _parts(ours).values()]
    ids = lambda data: [d.get("id") for r in _parts(data).values() for d in r.iter(WP + "docPr")]  # noqa: E731
    assert ids(again) == ids(ours)


def test_a_heading_cell_spanning_two_columns_counts_as_two_grid_columns(tmp_path):
    document = docx.Document()
    rows = [["Judul", "", "{%tc for k in kolom %}", "{{ k }}", "{%tc endfor %}"]]
    _row(document, [*rows, ["No", "Nama", "{%tc for k in kolom %}", "{{ k }}", "{%tc endfor %}"]])
    table = document.tables[0]
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Judul"
    path = tmp_path / "judul.docx"
    document.save(path)
    context = {"kolom": ["A", "B", "C", "D", "E"]}
    body = _parts(compile_docx(path).render(context))["word/document.xml"]
    assert _row_cells(body)[0] == [6, 7]
    assert len(_grids(body)[0]) == 7  # the heading's two columns plus five looped ones
    plain = DocxTemplate(path)
    plain.render(context, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    assert _grids(body) == _grids(_parts(buffer.getvalue())["word/document.xml"])


def test_the_pdf_shows_every_column_of_a_column_loop(rendered, tmp_path):
    _, ours, _ = rendered
    out = tmp_path / "hasil.docx"
    out.write_bytes(ours)
    pdf = ColdConverter().convert(out, tmp_path / "pdf")
    page = PdfReader(pdf).pages[0]
    placed: dict[str, float] = {}
    page.extract_text(visitor_text=lambda text, cm, tm, *_: placed.setdefault(text.strip(), tm[4] * cm[0] + cm[4]))
    columns = [placed[header] for header in ["No", *KOLOM]]
    assert columns == sorted(set(columns))  # side by side, left to right
    assert columns[0] > 0 and columns[-1] < float(page.mediabox.width)  # all on the page
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())  # cells wrap lines
    for header in ["No", *KOLOM]:
        assert header in text, header
    assert "42 & <Jun>" in text  # the last column's value, escaped in XML and shown as typed
    assert "Rahasia" not in text
