"""A cell commented out with ``{#tc ... #}`` leaves a table whose grid matches the cells left.

docxtpl's clean-up removes a table cell holding ``{#tc ... #}`` (an author's note to other
authors, kept in the template); the rows then have fewer cells than the template's grid
declares, and LibreOffice lays the table out on the old column count. Plain docxtpl fixes the
grid after rendering; the compiled renderer must too, and ``docgen template check`` says the
grid "is adjusted when made" only if it is. Templates are built with python-docx as an author
writes them in Word; outputs are compared with plain docxtpl's and converted by LibreOffice.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from docgen.pdf.convert import ColdConverter
from docgen.render.docx import compile_docx
from docgen.render.docx.fixes import inspect_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTEXT = {
    "judul": "Daftar pegawai",
    "baris": [{"nama": "Rina", "jabatan": "Penata"}, {"nama": "Dedi", "jabatan": "Analis"}],
}


def _table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text


def commented_template(path: Path, rows: int, columns: int, commented: set[int]) -> Path:
    """A table of ``rows`` x ``columns`` whose cells in ``commented`` columns are author's notes."""
    document = docx.Document()
    document.add_paragraph("{{ judul }}")
    _table(
        document,
        [
            [f"{{#tc catatan kolom {c} #}}" if c in commented else f"K{r}-{c} {{{{ judul }}}}" for c in range(columns)]
            for r in range(rows)
        ],
    )
    document.save(path)
    return path


def staff_template(path: Path) -> Path:
    """The staff list as an office writes it: a note column for authors, a row loop for the data."""
    document = docx.Document()
    document.add_paragraph("{{ judul }}")
    _table(
        document,
        [
            ["No", "Nama", "{#tc isi dari data kepegawaian #}", "Jabatan"],
            ["{%tr for b in baris %}", "", "", ""],
            ["{{ loop.index }}", "{{ b.nama }}", "{#tc jangan diubah #}", "{{ b.jabatan }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    document.save(path)
    return path


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def grids(root: etree._Element) -> list[list[int]]:
    return [[int(c.get(W + "w")) for c in t.iter(W + "gridCol")] for t in root.iter(W + "tbl")]


def row_cells(root: etree._Element) -> list[set[int]]:
    return [{len(r.findall(W + "tc")) for r in t.findall(W + "tr")} for t in root.iter(W + "tbl")]


def plain_docxtpl(template: Path, context: dict) -> bytes:
    plain = DocxTemplate(template)
    plain.render(context, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    return buffer.getvalue()


def test_commented_cells_leave_a_grid_of_the_cells_left_as_docxtpl_does(tmp_path):
    template = staff_template(tmp_path / "pegawai.docx")
    ours = body(compile_docx(template).render(CONTEXT))
    assert row_cells(ours) == [{3}]
    assert len(grids(ours)[0]) == 3, "the grid kept the template's four columns"
    assert grids(ours) == grids(body(plain_docxtpl(template, CONTEXT)))


def test_template_check_tells_the_grid_is_adjusted_and_the_document_made_has_it_adjusted(tmp_path):
    template = staff_template(tmp_path / "pegawai.docx")
    compiled = compile_docx(template)
    seen: set[str] = set()
    told = [text for _name, source in compiled.sources() for _line, text, _breaks in inspect_part(source, seen)]
    assert any("disesuaikan otomatis" in text for text in told), told
    made = body(compiled.render(CONTEXT))
    assert [len(g) for g in grids(made)] == [max(cells) for cells in row_cells(made)]


def test_a_grid_an_editor_left_wider_than_its_rows_is_adjusted_as_template_check_says(tmp_path):
    """No tag touches the table; Word saved one grid column too many (it happens after cuts)."""
    document = docx.Document()
    document.add_paragraph("{{ judul }}")
    _table(document, [["Nama", "Jabatan"], ["Rina", "Penata"]])
    grid = document.tables[0]._tbl.tblGrid
    grid.append(etree.fromstring(etree.tostring(grid[-1])))
    path = tmp_path / "kisi-lebih.docx"
    document.save(path)
    compiled = compile_docx(path)
    told = [text for _n, source in compiled.sources() for _l, text, _b in inspect_part(source, set())]
    assert any("kisi 3 kolom" in text for text in told), told
    made = body(compiled.render(CONTEXT))
    assert len(grids(made)[0]) == 2
    assert grids(made) == grids(body(plain_docxtpl(path, CONTEXT)))


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(2, 6)).flatmap(
        lambda s: st.tuples(
            st.just(s[0]), st.just(s[1]), st.sets(st.integers(0, s[1] - 1), min_size=1, max_size=s[1] - 1)
        )
    )
)
def test_any_columns_commented_out_give_a_grid_with_one_column_per_cell_left(tmp_path, shape):
    rows, columns, commented = shape
    template = commented_template(tmp_path / "tabel.docx", rows, columns, commented)
    ours = body(compile_docx(template).render(CONTEXT))
    assert row_cells(ours) == [{columns - len(commented)}]
    assert len(grids(ours)[0]) == columns - len(commented)
    assert grids(ours) == grids(body(plain_docxtpl(template, CONTEXT)))


def test_libreoffice_lays_out_the_columns_left_side_by_side_on_the_page(tmp_path, soffice):
    template = staff_template(tmp_path / "pegawai.docx")
    out = tmp_path / "hasil.docx"
    out.write_bytes(compile_docx(template).render(CONTEXT))
    pdf = ColdConverter().convert(out, tmp_path / "pdf")
    page = PdfReader(pdf).pages[0]
    placed: dict[str, float] = {}
    page.extract_text(visitor_text=lambda text, cm, tm, *_: placed.setdefault(text.strip(), tm[4] * cm[0] + cm[4]))
    columns = [placed[header] for header in ["No", "Nama", "Jabatan"]]
    assert columns == sorted(set(columns))
    text = " ".join(page.extract_text().split())
    assert "Rina" in text and "Penata" in text and "catatan" not in text and "jangan" not in text
    # the three columns share the table's width (a four-column grid left a quarter of it empty:
    # the last column then started half-way, not two thirds of the way across)
    table = float(page.mediabox.width) - 2 * columns[0]
    assert abs((columns[2] - columns[0]) - 2 / 3 * table) < 0.03 * table, (columns, table)
