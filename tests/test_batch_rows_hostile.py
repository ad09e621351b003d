"""Sheets that lie about their shape: cells under no column, XLSX files whose shared strings are broken.

``docgen batch`` and the folder watcher read sheets through one reader (docgen.batch.tables);
every such sheet is refused with one Indonesian line naming the file (and the row and cell where
there is one), before any number is taken. Real files: XLSX parts written with zipfile, as a
broken exporter or an attacker would leave them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from conftest import cli, count_rows, one_galat_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.batch.tables import read_table
from docgen.errors import RequestError
from docgen.profile import Limits

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def shared_strings(*texts: str) -> bytes:
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return f'<?xml version="1.0"?><sst xmlns="{_NS}">{items}</sst>'.encode()


def text_cells(rows: list[list[int]]) -> str:
    """Cells of type "s" (text from the shared strings) holding the given indexes, row by row."""
    out = []
    for r, row in enumerate(rows, 1):
        cells = "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{i}</v></c>' for c, i in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def xlsx_bytes(shared: bytes | None, cells: str) -> bytes:
    """A minimal XLSX as Excel lays one out: workbook, one sheet, shared strings (left out when None)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Lembar1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{_NS}"><sheetData>{cells}'
        "</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


GOOD_STRINGS = shared_strings("hal", "kepada", "Undangan rapat", "Para Camat")
GOOD_CELLS = text_cells([[0, 1], [2, 3]])

BROKEN = {
    "truncated shared strings": (GOOD_STRINGS[:-20], GOOD_CELLS),
    "shared strings not xml": (b"\x00\xffPK not xml", GOOD_CELLS),
    "empty shared strings": (b"", GOOD_CELLS),
    "index past the shared strings": (GOOD_STRINGS, text_cells([[0, 1], [2, 99]])),
    "negative index": (GOOD_STRINGS, text_cells([[0, 1], [2, -1]])),
    "index too large for any list": (GOOD_STRINGS, text_cells([[0, 1], [2, 10**20]])),
    "shared strings part missing": (None, GOOD_CELLS),
    "fewer strings than cells use": (shared_strings("hal"), GOOD_CELLS),
}


def test_a_well_formed_minimal_xlsx_reads_as_its_cells():
    assert read_table(xlsx_bytes(GOOD_STRINGS, GOOD_CELLS), "surat.xlsx", ".xlsx", Limits()) == (
        ["hal", "kepada"],
        [(2, ["Undangan rapat", "Para Camat"])],
    )


@pytest.mark.parametrize("case", BROKEN)
def test_an_xlsx_with_broken_shared_strings_is_refused_naming_the_file(case):
    shared, cells = BROKEN[case]
    with pytest.raises(RequestError) as refused:
        read_table(xlsx_bytes(shared, cells), "surat-rusak.xlsx", ".xlsx", Limits())
    message = refused.value.message
    assert message.startswith("surat-rusak.xlsx ") and "\n" not in message


@pytest.mark.parametrize("case", ["truncated shared strings", "negative index", "index past the shared strings"])
def test_docgen_batch_on_a_broken_xlsx_prints_one_galat_line_and_takes_no_number(workspace, tmp_path, case):
    shared, cells = BROKEN[case]
    sheet = tmp_path / "daftar-surat.xlsx"
    sheet.write_bytes(xlsx_bytes(shared, cells))
    line = one_galat_line(cli(workspace, "batch", "surat-keluar", str(sheet), "--workers", "1"))
    assert "daftar-surat.xlsx" in line
    assert count_rows(workspace, "numbers") == 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shared=st.one_of(st.binary(max_size=300), st.integers(0, len(GOOD_STRINGS)).map(lambda cut: GOOD_STRINGS[:cut])),
    indexes=st.lists(st.integers(-(2**70), 2**70), min_size=4, max_size=4),
)
def test_whatever_the_shared_strings_hold_the_reader_answers_rows_or_one_refusal(shared, indexes):
    cells = text_cells([indexes[:2], indexes[2:]])
    try:
        read_table(xlsx_bytes(shared, cells), "acak.xlsx", ".xlsx", Limits())
    except RequestError as refused:
        assert refused.message.startswith("acak.xlsx ") and "\n" not in refused.message


# -- cells under no column name ------------------------------------------------------------------


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


HEADER = ["tanggal", "hal", "kepada", "isi.1", "penandatangan"]
ROW = ["2026-11-28", "Undangan", "Para Camat", "Paragraf satu.", "kadis"]


@pytest.mark.parametrize(
    ("rows", "cell"),
    [
        ([HEADER, ROW, [*ROW, "sel lebih"]], "F3"),  # one cell more than the header
        ([HEADER, ["2026-11-28", "", *ROW[1:]]], "F2"),  # a row shifted one cell to the right
        ([[*HEADER[:2], "", *HEADER[2:]], [*ROW[:2], "tanpa judul", *ROW[2:]]], "C2"),  # under an empty header
    ],
)
def test_a_row_with_a_cell_under_no_column_is_refused_naming_the_row_and_cell(workspace, tmp_path, rows, cell):
    sheet = _csv(tmp_path / "daftar.csv", rows)
    line = one_galat_line(cli(workspace, "batch", "surat-keluar", str(sheet), "--workers", "1"))
    assert f"daftar.csv baris {cell[1:]}: sel {cell} " in line
    assert count_rows(workspace, "numbers") == 0


def test_trailing_empty_cells_past_the_header_are_not_data():
    headers, rows = read_table(b"hal,kepada\nUndangan,Para Camat,,\n", "s.csv", ".csv", Limits())
    assert (headers, rows) == (["hal", "kepada"], [(2, ["Undangan", "Para Camat"])])


def test_an_xlsx_row_wider_than_its_header_is_refused_too():
    cells = text_cells([[0, 1], [2, 3, 2]])
    with pytest.raises(RequestError, match=r"^surat\.xlsx baris 2: sel C2 "):
        read_table(xlsx_bytes(GOOD_STRINGS, cells), "surat.xlsx", ".xlsx", Limits())


@settings(max_examples=100, deadline=None)
@given(
    headers=st.lists(st.sampled_from(["hal", "kepada", "isi.1", "", None]), min_size=1, max_size=5),
    rows=st.lists(st.lists(st.sampled_from([None, "", "Undangan", " ", 7, "=1+1"]), max_size=7), max_size=4),
)
def test_no_filled_cell_is_dropped_without_a_word(headers, rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in [headers, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    try:
        names, read = read_table(out.getvalue(), "acak.xlsx", ".xlsx", Limits())
    except RequestError as refused:
        assert refused.message.startswith("acak.xlsx ") and "\n" not in refused.message
        return
    for _, values in read:
        filled = [i for i, value in enumerate(values) if value not in (None, "")]
        assert all(i < len(names) and names[i] for i in filled), (names, values)
    assert sum(1 for r in rows if any(v not in (None, "") for v in r)) == len(read)


def test_a_formula_without_its_stored_value_is_refused_naming_the_cell():
    """openpyxl (like other programs) writes a formula without the value Excel would store beside it."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["hal", "kepada"])
    book.active.append(['=CONCAT("Undangan";" rapat")', "Para Camat"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(RequestError, match=r"^rumus\.xlsx baris 2: sel A2 berisi rumus tanpa nilai tersimpan"):
        read_table(out.getvalue(), "rumus.xlsx", ".xlsx", Limits())


@pytest.mark.parametrize("case", ["truncated shared strings", "negative index"])
def test_a_broken_xlsx_dropped_in_the_inbox_is_set_aside_with_one_line_naming_it(workspace, case):
    from test_watch import drop, inbox, listing, run_once

    shared, cells = BROKEN[case]
    drop(inbox(workspace) / "kiriman.xlsx", xlsx_bytes(shared, cells))
    run_once(workspace)
    assert listing(inbox(workspace)) == ["failed/kiriman.xlsx", "failed/kiriman.xlsx.error.txt"]
    note = (inbox(workspace) / "failed" / "kiriman.xlsx.error.txt").read_text(encoding="utf-8")
    assert "kiriman.xlsx rusak" in note or "kiriman.xlsx tidak bisa dibaca sebagai tabel" in note
    assert "tak terduga" not in note and "Traceback" not in note
    assert count_rows(workspace, "numbers") == 0
