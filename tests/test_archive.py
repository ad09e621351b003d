"""Archive classification codes and retention; expected values are written by hand from DOMAIN.md §3."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, ValidationError

from docgen.archive import ACTIONS, ArchiveCodes, parent_code, retention_status
from docgen.errors import ConfigError

INDICATIVE = "retensi indikatif (JRA provinsi lain)"
HEADER = "kode,nama,aktif,inaktif,akhir,pemicu,catatan\n"


@pytest.fixture(scope="module")
def codes() -> ArchiveCodes:
    return ArchiveCodes.load()


def office_csv(tmp_path: Path, body: str, *, name: str = "kka-kantor.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


# --- the shipped tables -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "parents"),
    [
        ("000.5.3.1", ["000", "000.5", "000.5.3"]),
        ("000.1.2.3", ["000", "000.1", "000.1.2"]),
        ("000.8.3.3", ["000", "000.8", "000.8.3"]),
        ("100.3.3.3", ["100", "100.3", "100.3.3"]),
        ("500.16.1", ["500", "500.16"]),
        ("500.16.4", ["500", "500.16"]),
        ("500.16.6.1", ["500", "500.16", "500.16.6"]),
        ("500.16.6.2", ["500", "500.16", "500.16.6"]),
        ("500.16.6.4", ["500", "500.16", "500.16.6"]),
        ("500.16.6.5", ["500", "500.16", "500.16.6"]),
        ("500.16.7.2", ["500", "500.16", "500.16.7"]),
        ("500.16.7.4", ["500", "500.16", "500.16.7"]),
        ("800.1.3.2", ["800", "800.1", "800.1.3"]),
        ("800.1.6.6", ["800", "800.1", "800.1.6"]),
        ("800.1.11.4", ["800", "800.1", "800.1.11"]),
        ("900.1.3.1", ["900", "900.1", "900.1.3"]),
        ("900.1.3.6", ["900", "900.1", "900.1.3"]),
        ("503", ["500"]),
        ("823", ["800", "820"]),
        ("851", ["800", "850"]),
        ("882", ["800", "880"]),
        ("931", ["900", "930"]),
        ("934", ["900", "930"]),
        ("991", ["900", "990"]),
    ],
)
def test_every_domain_code_and_all_its_parents_are_known(codes: ArchiveCodes, code: str, parents: list[str]) -> None:
    assert code in codes
    assert codes.name(code)
    assert [row.code for row in codes.ancestors(code)] == parents


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("000", "Umum"),
        ("100", "Pemerintahan"),
        ("200", "Politik"),
        ("300", "Keamanan dan Ketertiban"),
        ("400", "Kesejahteraan Rakyat"),
        ("500", "Perekonomian"),
        ("600", "Pekerjaan Umum dan Ketenagaan"),
        ("700", "Pengawasan"),
        ("800", "Kepegawaian"),
        ("900", "Keuangan"),
    ],
)
def test_the_ten_functions_of_83_2022_are_named(codes: ArchiveCodes, code: str, name: str) -> None:
    assert codes.name(code) == name
    assert codes.get(code).scheme == "83/2022"
    assert codes.ancestors(code) == []


def test_both_schemes_are_held_so_old_letters_keep_their_codes(codes: ArchiveCodes) -> None:
    assert codes.get("503").scheme == "78/2012"
    assert codes.get("851").name == "Cuti Tahunan"
    assert codes.get("500.16.7.2").scheme == "83/2022"
    assert codes.get("500.16.7.2").name == "Pelayanan Perizinan"


@pytest.mark.parametrize(
    ("code", "active", "inactive", "final"),
    [
        ("000.5.3.1", 2, 3, "musnah"),
        ("000.1.2.3", 5, 3, "musnah"),
        ("000.8.3.3", 2, 3, "permanen"),
        ("100.3.3.3", None, None, "permanen"),
        ("500.16.1", 2, 3, "permanen"),
        ("500.16.4", 2, 3, None),
        ("500.16.6.1", 2, 3, "musnah"),
        ("500.16.6.2", 2, 3, "musnah"),
        ("500.16.6.5", 2, 3, "musnah"),
        ("500.16.6.4", 2, 3, "permanen"),
        ("500.16.7.2", 3, 7, "permanen"),
        ("500.16.7.4", 3, 7, "permanen"),
        ("800.1.3.2", 1, 1, "musnah"),
        ("800.1.6.6", 1, 1, "musnah"),
        ("800.1.11.4", 1, 1, "musnah"),
        ("900.1.3.1", 2, 5, "musnah"),
        ("900.1.3.6", 2, 5, "musnah"),
    ],
)
def test_domain_rows_carry_their_indicative_retention(codes: ArchiveCodes, code, active, inactive, final) -> None:
    row = codes.get(code)
    assert (row.active_years, row.inactive_years, row.final) == (active, inactive, final)
    assert row.note.startswith(INDICATIVE)
    assert row.trigger is None


def test_only_the_domain_rows_have_retention(codes: ArchiveCodes) -> None:
    with_retention = {row.code for row in codes if row.has_retention}
    assert with_retention == {
        "000.5.3.1", "000.1.2.3", "000.8.3.3", "100.3.3.3", "500.16.1", "500.16.4", "500.16.6.1",
        "500.16.6.2", "500.16.6.4", "500.16.6.5", "500.16.7.2", "500.16.7.4", "800.1.3.2",
        "800.1.6.6", "800.1.11.4", "900.1.3.1", "900.1.3.6",
    }  # fmt: skip


@pytest.mark.parametrize("name", ["kka-permendagri-83-2022.csv", "kka-permendagri-78-2012.csv"])
def test_shipped_tables_stay_small_and_use_the_documented_header(name: str) -> None:
    lines = resources.files("docgen.data").joinpath(name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip()
    assert 1 < len(lines) <= 151


def test_codes_are_listed_in_filing_order(codes: ArchiveCodes) -> None:
    order = codes.codes()
    assert order.index("900.1.3.7") < order.index("900.1.3.10")
    assert order.index("500.16.7.5") < order.index("503") < order.index("600")
    assert len(order) == len(codes)


@pytest.mark.parametrize(
    ("code", "parent"),
    [("500.16.7.2", "500.16.7"), ("500.16", "500"), ("500", None), ("823", "820"), ("820", "800"),
     ("823.1", "823"), ("000", None), ("050", "000")],
)  # fmt: skip
def test_parent_code_follows_dots_and_decimal_digits(code: str, parent: str | None) -> None:
    assert parent_code(code) == parent


# --- validate and suggestions -----------------------------------------------------------


def test_a_known_code_validates_even_with_surrounding_spaces(codes: ArchiveCodes) -> None:
    assert codes.validate(" 500.16.7.2 ").name == "Pelayanan Perizinan"


def test_an_unknown_code_suggests_its_siblings_on_one_line(codes: ArchiveCodes) -> None:
    with pytest.raises(ValueError) as info:
        codes.validate("500.16.7.9")
    message = str(info.value)
    assert message == (
        "kode klasifikasi '500.16.7.9' tidak dikenal; "
        "yang mirip: 500.16.7.1, 500.16.7.2, 500.16.7.3, 500.16.7.4, 500.16.7.5"
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [("829", "823"), ("500.16.9", "500.16.1"), ("800.1.11.40", "800.1.11.4"), ("500.16.7.2\n", None)],
)
def test_suggestions_are_few_distinct_and_on_one_line(codes: ArchiveCodes, code: str, expected) -> None:
    hints = codes.suggest(code)
    assert len(hints) <= 5 and len(set(hints)) == len(hints)
    if expected is None:
        assert codes.validate(code).code == "500.16.7.2"
        return
    assert expected in hints
    with pytest.raises(ValueError) as info:
        codes.validate(code)
    assert "\n" not in str(info.value) and expected in str(info.value)


def test_a_garbled_code_gives_a_one_line_message(codes: ArchiveCodes) -> None:
    with pytest.raises(ValueError) as info:
        codes.validate("500.16\n7.x")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("kode klasifikasi '500.16 7.x' tidak dikenal")


def test_validate_plugs_into_a_pydantic_field(codes: ArchiveCodes) -> None:
    Kka = Annotated[str, AfterValidator(lambda v: codes.validate(v).code)]

    class Letter(BaseModel):
        kka: Kka

    assert Letter(kka="800.1.11.4").kka == "800.1.11.4"
    with pytest.raises(ValidationError, match="yang mirip: 800.1.11.1"):
        Letter(kka="800.1.11.99")


def test_name_of_an_unknown_code_is_empty(codes: ArchiveCodes) -> None:
    assert codes.name("999.9") == ""
    assert codes.get("999.9") is None
    assert codes.ancestors("500.16.7.9")[-1].code == "500.16.7"


# --- retention --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "record", "per", "active_until", "inactive_until", "action"),
    [
        ("500.16.7.2", date(2020, 5, 10), date(2023, 12, 31), date(2023, 12, 31), date(2030, 12, 31), "aktif"),
        ("500.16.7.2", date(2020, 5, 10), date(2024, 1, 2), date(2023, 12, 31), date(2030, 12, 31),
         "pindahkan ke unit kearsipan"),
        ("500.16.7.2", date(2020, 5, 10), date(2030, 12, 31), date(2023, 12, 31), date(2030, 12, 31),
         "pindahkan ke unit kearsipan"),
        ("500.16.7.2", date(2020, 5, 10), date(2031, 1, 1), date(2023, 12, 31), date(2030, 12, 31),
         "serahkan ke lembaga kearsipan (permanen)"),
        ("900.1.3.1", date(2021, 3, 15), date(2028, 6, 30), date(2023, 12, 31), date(2028, 12, 31),
         "pindahkan ke unit kearsipan"),
        ("900.1.3.1", date(2021, 3, 15), date(2029, 1, 1), date(2023, 12, 31), date(2028, 12, 31), "musnahkan"),
        ("800.1.11.4", date(2023, 3, 1), date(2024, 12, 31), date(2024, 12, 31), date(2025, 12, 31), "aktif"),
        ("800.1.11.4", date(2023, 3, 1), date(2025, 12, 31), date(2024, 12, 31), date(2025, 12, 31),
         "pindahkan ke unit kearsipan"),
        ("800.1.11.4", date(2023, 3, 1), date(2026, 1, 1), date(2024, 12, 31), date(2025, 12, 31), "musnahkan"),
        ("000.1.2.3", date(2020, 1, 1), date(2029, 1, 1), date(2025, 12, 31), date(2028, 12, 31), "musnahkan"),
        ("500.16.4.1", date(2021, 7, 1), date(2027, 1, 1), date(2023, 12, 31), date(2026, 12, 31), "nilai kembali"),
    ],
)  # fmt: skip
def test_retention_counts_from_the_end_of_the_record_year(
    codes: ArchiveCodes, code, record, per, active_until, inactive_until, action
) -> None:
    status = retention_status(code, record, per, codes)
    assert (status.active_until, status.inactive_until, status.action) == (active_until, inactive_until, action)
    assert status.action in ACTIONS


def test_a_rincian_inherits_the_retention_of_its_group(codes: ArchiveCodes) -> None:
    assert codes.retention_of("500.16.4.1").code == "500.16.4"
    assert codes.retention_of("500.16.7.2").code == "500.16.7.2"
    assert codes.retention_of("500.16.7.2.1").code == "500.16.7.2"  # an office sub-code
    assert codes.retention_of("503") is None
    assert retention_status("500.16.4.1", date(2021, 1, 1), date(2022, 1, 1), codes).basis == "500.16.4"


def test_permanent_without_years_is_not_yet_scheduled(codes: ArchiveCodes) -> None:
    status = retention_status("100.3.3.3", date(2020, 1, 1), date(2090, 1, 1), codes)
    assert status.action == "retensi belum ditetapkan"
    assert (status.active_until, status.inactive_until) == (None, None)
    assert status.final == "permanen"


def test_a_code_without_any_retention_is_not_yet_scheduled(codes: ArchiveCodes) -> None:
    status = retention_status("851", date(2015, 1, 1), date(2030, 1, 1), codes)
    assert (status.action, status.basis, status.final) == ("retensi belum ditetapkan", None, None)


def test_the_trigger_is_passed_through_for_the_report(tmp_path: Path) -> None:
    path = office_csv(tmp_path, "500.16.7.2,,3,7,permanen,setelah izin diperbarui,JRA Kota Pasuruan\n")
    codes = ArchiveCodes.load(path)
    status = retention_status("500.16.7.2", date(2020, 5, 10), date(2024, 1, 2), codes)
    assert status.trigger == "setelah izin diperbarui"
    assert status.action == "pindahkan ke unit kearsipan"


# --- the office's own CSV ---------------------------------------------------------------


def test_an_office_csv_adds_a_code_and_overrides_a_name(tmp_path: Path) -> None:
    path = office_csv(
        tmp_path,
        "500.16.7.2.1,Izin Reklame,,,,,\n500.16.7.4,Pelayanan Non Perizinan (Rekomendasi),,,,,\n",
    )
    codes = ArchiveCodes.load(path)
    added = codes.get("500.16.7.2.1")
    assert (added.name, added.scheme) == ("Izin Reklame", "kantor")
    assert [row.code for row in codes.ancestors("500.16.7.2.1")][-1] == "500.16.7.2"
    renamed = codes.get("500.16.7.4")
    assert (renamed.name, renamed.scheme) == ("Pelayanan Non Perizinan (Rekomendasi)", "kantor")
    assert (renamed.active_years, renamed.inactive_years, renamed.final) == (3, 7, "permanen")
    assert renamed.note == INDICATIVE
    assert len(codes) == len(ArchiveCodes.load()) + 1


def test_an_office_retention_row_replaces_the_shipped_schedule(tmp_path: Path) -> None:
    path = office_csv(tmp_path, "900.1.3.1,,2,8,dinilai kembali,,JRA Kota Pasuruan\n")
    row = ArchiveCodes.load(path).get("900.1.3.1")
    assert (row.active_years, row.inactive_years, row.final) == (2, 8, "dinilai kembali")
    assert (row.name, row.note) == ("Surat Penyedia Dana (SPP, SPM dan SP2D): UP, GU, TU, LS", "JRA Kota Pasuruan")


def test_an_office_csv_saved_by_excel_with_semicolons_and_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "kka-excel.csv"
    path.write_text(HEADER.replace(",", ";") + "500.16.7.2.2;Izin Trotoar;3;7;Permanen;–;\n", encoding="utf-8-sig")
    row = ArchiveCodes.load(path).get("500.16.7.2.2")
    assert (row.name, row.active_years, row.final, row.trigger) == ("Izin Trotoar", 3, "permanen", None)


@pytest.mark.parametrize(
    ("header", "body", "fragment"),
    [
        ("kode,nama,aktif,akhir,pemicu,catatan\n", "500.16.7.9,Izin,2,musnah,,\n", "baris 1: kolom inaktif tidak ada"),
        (HEADER, "500.16.7.9,Izin,dua,3,musnah,,\n", "baris 2: kolom aktif harus jumlah tahun"),
        (HEADER, "500.16.7.9,Izin,2,3.5,musnah,,\n", "baris 2: kolom inaktif harus jumlah tahun"),
        (HEADER, "500.16.7.8,Izin,2,3,musnah,,\n500.16.7.9,Izin,2,3,hancurkan,,\n", "baris 3: kolom akhir harus"),
        (HEADER, "5OO.16,Izin,,,,,\n", "baris 2: kode '5OO.16' tidak sah"),
        (HEADER, "500.16.7.9,Izin,,,,,\n500.16.7.9,Izin,,,,,\n", "baris 3: kode 500.16.7.9 sudah ada di baris 2"),
        (HEADER, "500.16.7.9,,2,3,musnah,,\n", "baris 2: kolom nama kosong untuk kode baru"),
        (HEADER, "500.16.7.9,Izin,2,3,musnah,,,lebih\n", "baris 2: sel lebih banyak"),
    ],
)
def test_a_malformed_office_csv_is_refused_naming_file_and_row(tmp_path: Path, header, body, fragment) -> None:
    path = office_csv(tmp_path, body, header=header)
    with pytest.raises(ConfigError) as info:
        ArchiveCodes.load(path)
    message = str(info.value)
    assert str(path) in message and fragment in message
    assert "\n" not in message


def test_a_missing_office_csv_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.csv"
    with pytest.raises(ConfigError, match="tidak-ada.csv tidak ditemukan"):
        ArchiveCodes.load(path)


def test_an_office_csv_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kka-latin1.csv"
    path.write_bytes((HEADER + "500.16.7.9,Izin Usaha Perdagangan ÿ,,,,,\n").encode("latin-1"))
    with pytest.raises(ConfigError, match="bukan teks UTF-8"):
        ArchiveCodes.load(path)
