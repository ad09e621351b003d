"""Spreadsheet rows into requests (docgen.batch.rows): the one way ``docgen batch`` and the watcher read a sheet.

Real files only: XLSX written with openpyxl (so Excel's cell types: dates, numbers) and CSV
written with the csv module, read back through the guarded reader.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from docgen.batch.rows import BadRow, check_rows, read_sheet, sheet_requests
from docgen.errors import RequestError
from docgen.kinds import get_kind, validate_request
from docgen.profile import Limits, Profile, copy_defaults, load_workspace

LETTER = get_kind("surat-keluar")
CERTIFICATE = get_kind("sertifikat-standar")
TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    """The shipped profile (officials kadis, sekretaris, ...), read from a copy of the shipped folder."""
    return load_workspace(copy_defaults(tmp_path_factory.mktemp("profile") / "ws"), env={}).profile


def xlsx(path: Path, rows: list[list[Any]], *, title: str = "Sheet", others: dict[str, list[list[Any]]] | None = None):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (others or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def letter_columns() -> list[str]:
    return ["tanggal", "hal", "kepada", "isi.1", "isi.2", "penandatangan"]


def letter_row(hal: str, **changes: Any) -> list[Any]:
    row = {"tanggal": TODAY, "hal": hal, "kepada": "Para Camat", "isi.1": "Paragraf satu.", "isi.2": "Penutup."}
    row["penandatangan"] = "kadis"
    row.update(changes)
    return [row[c] for c in letter_columns()]


def certificate_sheet(path: Path, nib: Any, *, kbli: Any = "56101") -> Path:
    example = CERTIFICATE.dated_example()
    if len(str(nib)) == 13:  # OSS's number begins with the NIB
        example["nomor"] = f"{nib}0001"
    example.update(nib=nib, kbli=kbli)
    return xlsx(path, [list(example), list(example.values())])


def rows_of(path: Path, kind=LETTER, **options: Any):
    headers, rows = read_sheet(path, Limits(), sheet=options.pop("sheet", None))
    return sheet_requests(kind, headers, rows, **options)


# -- lists, nesting, common data ---------------------------------------------------------------


def test_numbered_columns_make_a_list_in_numeric_order(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["hal", "isi.10", "isi.2", "isi.1"], ["Undangan", "sepuluh", "dua", "satu"]])

    (row,) = rows_of(path)

    assert row.data == {"hal": "Undangan", "isi": ["satu", "dua", "sepuluh"]}


def test_a_list_cell_splits_on_semicolons(tmp_path, profile):
    path = csv_file(
        tmp_path / "s.csv", [letter_columns(), letter_row("Undangan", kepada="Camat Bugul Kidul; Lurah Gadingrejo ;")]
    )

    (row,) = rows_of(path)

    assert row.data["kepada"] == ["Camat Bugul Kidul", "Lurah Gadingrejo"]
    assert row.data["isi"] == ["Paragraf satu.", "Penutup."]
    good, bad = check_rows(LETTER, [row], profile)
    assert bad == [] and good[0][1].kepada == ["Camat Bugul Kidul", "Lurah Gadingrejo"]


def test_a_cell_on_several_lines_splits_by_line_and_keeps_its_semicolons(tmp_path):
    text = "Sehubungan dengan rapat; bersama ini kami mengundang.\nDemikian | terima kasih."
    path = xlsx(tmp_path / "s.xlsx", [["isi", "tembusan"], [text, "Wali Kota|Sekda"]])

    (row,) = rows_of(path)

    assert row.data["isi"] == ["Sehubungan dengan rapat; bersama ini kami mengundang.", "Demikian | terima kasih."]
    assert row.data["tembusan"] == ["Wali Kota", "Sekda"]


def test_dotted_columns_fill_the_nested_signer(tmp_path, profile):
    columns = [*letter_columns()[:-1], "penandatangan.pejabat", "penandatangan.sebagai"]
    path = xlsx(tmp_path / "s.xlsx", [columns, [*letter_row("Undangan")[:-1], "sekretaris", "a.n."]])

    (row,) = rows_of(path)

    assert row.data["penandatangan"] == {"pejabat": "sekretaris", "sebagai": "a.n."}
    (good,), bad = check_rows(LETTER, [row], profile)
    assert bad == [] and good[1].penandatangan.sebagai == "a.n."


def test_common_data_lies_under_each_row_and_the_row_wins(tmp_path, profile):
    common = {
        "hal": "Undangan Sosialisasi",
        "isi": ["Dengan hormat, kami mengundang.", "Terima kasih."],
        "penandatangan": {"pejabat": "kadis", "sebagai": ""},
        "tanggal": date.today(),  # as YAML gives it
    }
    rows = [
        ["kepada", "hal", "penandatangan.pejabat", "penandatangan.sebagai"],
        ["CV Maju", "", "", ""],
        ["PT Jaya", "Undangan Khusus", "sekretaris", "a.n."],
    ]
    path = xlsx(tmp_path / "s.xlsx", rows)

    first, second = rows_of(path, common=common)

    assert first.data == common | {"kepada": ["CV Maju"]}
    assert second.data["hal"] == "Undangan Khusus"
    assert second.data["penandatangan"] == {"pejabat": "sekretaris", "sebagai": "a.n."}
    assert second.data["isi"] == common["isi"]
    assert common["penandatangan"] == {"pejabat": "kadis", "sebagai": ""}, "common data must not be changed"
    good, bad = check_rows(LETTER, [first, second], profile)
    assert bad == [] and [r.kepada for _, r in good] == [["CV Maju"], ["PT Jaya"]]


# -- Excel's cell types ------------------------------------------------------------------------


def test_excel_date_cells_become_iso_dates(tmp_path, profile):
    day = date.today()
    rows = [
        letter_columns(),
        letter_row("Satu", tanggal=day),
        letter_row("Dua", tanggal=datetime(day.year, day.month, day.day, 9, 30)),
    ]
    path = xlsx(tmp_path / "s.xlsx", rows)

    first, second = rows_of(path)

    assert first.data["tanggal"] == second.data["tanggal"] == day.isoformat()
    good, bad = check_rows(LETTER, [first, second], profile)
    assert bad == [] and [r.tanggal for _, r in good] == [day, day]


def test_a_whole_number_cell_is_an_int(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["hal", "lampiran"], [2026.0, 2.0]])

    (row,) = rows_of(path)

    assert row.data == {"hal": 2026, "lampiran": 2}


def test_a_nib_typed_as_a_number_is_refused_naming_the_cell(tmp_path, profile):
    # 0912000123456 typed into a number column: Excel keeps 912000123456, twelve digits.
    path = certificate_sheet(tmp_path / "s.xlsx", 912000123456)

    (row,) = rows_of(path, CERTIFICATE)
    good, bad = check_rows(CERTIFICATE, [row], profile)

    assert good == []
    assert [(b.number, b.column) for b in bad] == [(2, "nib")]
    assert str(bad[0]).startswith("baris 2, kolom nib: NIB tertulis sebagai angka di Excel (912000123456;")
    assert str(bad[0]).endswith("format kolomnya sebagai Teks lalu ketik ulang")
    with pytest.raises(RequestError, match="NIB"):  # the watcher, which only validates, refuses it too
        validate_request(CERTIFICATE, row.data, profile)


def test_a_nib_typed_as_a_number_with_all_13_digits_is_accepted_as_text(tmp_path, profile):
    # 13 digits and no leading zero: Excel keeps up to 15 digits exactly, so nothing was lost.
    path = certificate_sheet(tmp_path / "s.xlsx", 9120001234567, kbli=56101)

    (row,) = rows_of(path, CERTIFICATE)
    (good,), bad = check_rows(CERTIFICATE, [row], profile)

    assert bad == [] and row.problems == ()
    assert (good[1].nib, good[1].kbli) == ("9120001234567", "56101")


def test_a_nik_typed_as_a_number_is_refused_even_with_16_digits(tmp_path):
    # Excel keeps 15 significant digits: 3575010101900012 is stored as 3575010101900010.
    path = xlsx(tmp_path / "s.xlsx", [["pemohon.nama", "pemohon.nik"], ["Budi", 3575010101900010]])

    (row,) = rows_of(path, get_kind("izin"))

    assert [(p.number, p.column) for p in row.problems] == [(2, "pemohon.nik")]
    assert "NIK tertulis sebagai angka di Excel" in row.problems[0].message
    assert "angka ke-16" in row.problems[0].message


def test_an_exponent_from_a_csv_export_is_refused_naming_the_cell(tmp_path):
    example = CERTIFICATE.dated_example()
    path = csv_file(tmp_path / "s.csv", [list(example), list((example | {"nib": "9,12E+12"}).values())])

    (row,) = rows_of(path, CERTIFICATE)

    assert [(p.number, p.column) for p in row.problems] == [(2, "nib")]


def test_a_number_stored_as_text_is_kept_as_typed(tmp_path, profile):
    path = certificate_sheet(tmp_path / "s.xlsx", "0912000123456")

    (row,) = rows_of(path, CERTIFICATE)
    (good,), bad = check_rows(CERTIFICATE, [row], profile)

    assert bad == [] and good[1].nib == "0912000123456"


# -- keys --------------------------------------------------------------------------------------


def test_a_key_column_repeated_or_empty_is_refused_naming_both_rows(tmp_path, profile):
    rows = [
        ["no_surat", *letter_columns()],
        ["A-1", *letter_row("Satu")],
        ["A-2", *letter_row("Dua")],
        ["A-1", *letter_row("Tiga")],
        [None, *letter_row("Empat")],
    ]
    path = xlsx(tmp_path / "s.xlsx", rows)

    sheet_rows = rows_of(path, key_column="no_surat")
    good, bad = check_rows(LETTER, sheet_rows, profile)

    assert [r.key for r in sheet_rows] == ["A-1", "A-2", "A-1", ""]
    assert "no_surat" not in sheet_rows[0].data, "a key column that is not a field stays out of the request"
    assert [r.data["hal"] for r, _ in good] == ["Satu", "Dua"]
    assert [(b.number, b.column) for b in bad] == [(4, "no_surat"), (5, "no_surat")]
    assert "sama dengan baris 2" in bad[0].message


def test_a_missing_key_column_is_refused_listing_the_columns(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [letter_columns(), letter_row("Satu")])

    with pytest.raises(
        RequestError, match="kolom kunci 'nomor_urut' tidak ada di lembar; kolom yang ada: tanggal, hal"
    ):
        rows_of(path, key_column="nomor_urut")


def test_without_a_key_column_the_key_is_the_content(tmp_path):
    rows = [letter_columns(), letter_row("Satu"), letter_row("Dua"), letter_row("Satu")]
    path = xlsx(tmp_path / "s.xlsx", rows)

    first, second, third = rows_of(path)
    with_common = rows_of(path, common={"di": "Pasuruan"})[0]

    assert first.key == third.key != second.key
    assert len(first.key) == 64 and with_common.key != first.key
    assert rows_of(path, get_kind("surat-masuk"))[0].key != first.key, "the kind is part of the key"


# -- every bad row, columns named --------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_column_while_good_rows_pass(tmp_path, profile):
    columns = [*letter_columns()[:-1], "penandatangan.pejabat"]
    rows = [
        columns,
        [*letter_row("Baik satu")[:-1], "kadis"],
        [*letter_row("")[:-1], "kadis"],  # row 3: no hal
        [*letter_row("Baik dua")[:-1], "kadis"],
        [*letter_row("Pejabat salah")[:-1], "bupati"],  # row 5: not an official
        [*letter_row("Tanggal salah", tanggal="2026-02-30")[:-1], "kadis"],  # row 6
    ]
    path = xlsx(tmp_path / "s.xlsx", rows)

    good, bad = check_rows(LETTER, rows_of(path), profile)

    assert [r.hal for _, r in good] == ["Baik satu", "Baik dua"]
    assert [(b.number, b.column) for b in bad] == [(3, "hal"), (5, "penandatangan.pejabat"), (6, "tanggal")]
    assert all(isinstance(b, BadRow) and b.message.startswith("Permintaan surat-keluar salah") for b in bad)
    assert "bupati" in bad[1].message and "tidak ada di kalender" in bad[2].message


def test_a_failing_list_item_names_its_numbered_column(tmp_path, profile):
    path = xlsx(tmp_path / "s.xlsx", [letter_columns(), letter_row("Satu", **{"isi.2": "\u200b"})])

    _, bad = check_rows(LETTER, rows_of(path), profile)

    assert [(b.number, b.column) for b in bad] == [(2, "isi.2")]


@pytest.mark.parametrize(
    ("columns", "named"),
    [(["hal", "isi", "isi.1"], "isi dan isi.1"), (["tim.1", "tim.nama"], "tim.nama dan tim.1")],
)
def test_two_columns_for_one_field_refuse_the_sheet(tmp_path, columns, named):
    path = xlsx(tmp_path / "s.xlsx", [columns, ["x"] * len(columns)])

    with pytest.raises(RequestError, match=f"kolom {named} mengisi isian yang sama dengan dua cara; pakai salah satu"):
        rows_of(path)


def test_a_column_named_twice_refuses_the_sheet_naming_both_columns(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["hal", "kepada", "hal"], ["Satu", "a", "b"]])

    with pytest.raises(RequestError, match=r"kolom hal ada dua kali \(kolom A dan C\); hapus salah satunya"):
        rows_of(path)


# -- sheets and files --------------------------------------------------------------------------


def test_a_worksheet_is_chosen_by_name(tmp_path):
    others = {"Desember": [["hal"], ["Dari lembar Desember"]]}
    path = xlsx(tmp_path / "s.xlsx", [["hal"], ["Dari lembar pertama"]], title="November", others=others)

    assert [r.data["hal"] for r in rows_of(path)] == ["Dari lembar pertama"]
    assert [r.data["hal"] for r in rows_of(path, sheet="Desember")] == ["Dari lembar Desember"]


def test_an_unknown_sheet_name_is_refused_listing_the_sheets(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["hal"], ["Satu"]], title="November", others={"Desember": [["hal"]]})

    with pytest.raises(RequestError, match="s.xlsx tidak punya lembar 'Januari'; lembar yang ada: November, Desember"):
        read_sheet(path, Limits(), sheet="Januari")


def test_a_sheet_name_for_a_csv_and_an_old_xls_are_refused(tmp_path):
    path = csv_file(tmp_path / "s.csv", [["hal"], ["Satu"]])
    old = tmp_path / "s.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")

    with pytest.raises(RequestError, match="CSV dengan satu lembar saja"):
        read_sheet(path, Limits(), sheet="Lembar1")
    with pytest.raises(RequestError, match="s.xls bukan berkas CSV atau XLSX"):
        read_sheet(old, Limits())


def test_a_file_past_table_bytes_is_refused_before_it_is_parsed(tmp_path):
    path = csv_file(tmp_path / "s.csv", [["hal"], *[[f"Surat {n}"] for n in range(100)]])

    with pytest.raises(RequestError, match="limits.table_bytes"):
        read_sheet(path, Limits(table_bytes=200))
