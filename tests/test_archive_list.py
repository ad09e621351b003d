"""The daftar arsip and the retention report, computed from a register seeded across years.

Retention dates are written by hand from the rule "counted from 31 December of the record's
year": active until 31 December of year + aktif, inactive until 31 December of year + aktif +
inaktif, then the final disposition. Shipped retention (Permendagri 83/2022 table):
000.5.3.1 2/3 musnah, 500.16.7.2 3/7 permanen, 800.1.11.4 1/1 musnah, 900.1.3.1 2/5 musnah.
The office CSV adds 500.16.7.10 (1/2 musnah) and 500.1.2 (2/2 musnah).
"""

from __future__ import annotations

import copy
import csv
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from typer.testing import CliRunner

from docgen.cli import app
from docgen.cli.common import console
from docgen.filing import archive_entries, export_archive_list, retention_due
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Register

runner = CliRunner()

OFFICE_CSV = (
    "kode,nama,aktif,inaktif,akhir,pemicu,catatan\n"
    "500.16.7.10,Perizinan Reklame Insidental,1,2,musnah,,\n"
    "500.1.2,Koordinasi Perekonomian Kantor,2,2,musnah,,\n"
)

NAMES = {
    "000.5.3.1": "Penciptaan (buku registrasi naskah masuk dan keluar, buku agenda, kartu kendali, "
    "lembar pengantar/buku ekspedisi)",
    "500.1.2": "Koordinasi Perekonomian Kantor",
    "500.16.7.2": "Pelayanan Perizinan",
    "500.16.7.10": "Perizinan Reklame Insidental",
    "800.1.11.4": "Cuti Tahunan",
    "900.1.3.1": "Surat Penyedia Dana (SPP, SPM dan SP2D): UP, GU, TU, LS",
}

KEPADA = "Para Pelaku Usaha di Kota Pasuruan"  # the surat-keluar example's addressee

# The numbers the seed below must get, in filing order (code, then date), written by hand.
# Surat keluar: "{kka}/{seq}/423.105/{year}", one counter per year shared by all codes.
# Surat masuk: "{seq}/{year}" by the year it was received.
FILED = [
    ("000.5.3.1", "000.5.3.1/1/423.105/2021", "2021-02-15", "keluar"),
    ("500.1.2", "500.1.2/4/423.105/2023", "2023-10-02", "keluar"),
    ("500.16.7.2", "500.16.7.2/2/423.105/2019", "2019-06-10", "keluar"),
    ("500.16.7.2", "1/2021", "2021-07-05", "masuk"),
    ("500.16.7.2", "500.16.7.2/1/423.105/2026", "2026-11-02", "keluar"),
    ("500.16.7.2", "1/2026", "2026-11-23", "masuk"),
    ("500.16.7.10", "500.16.7.10/3/423.105/2023", "2023-09-04", "keluar"),
    ("800.1.11.4", "800.1.11.4/1/423.105/2023", "2023-05-20", "keluar"),
    ("900.1.3.1", "900.1.3.1/1/423.105/2019", "2019-03-01", "keluar"),
    ("900.1.3.1", "1/2019", "2019-03-04", "masuk"),
    ("900.1.3.1", "1/2023", "2023-08-01", "masuk"),
]
VOIDED = "500.16.7.2/2/423.105/2023"


def numbers_of(entries) -> list[str]:
    return [e.number for e in entries]


@pytest.fixture
def archive(workspace, tmp_path):
    """A workspace with the office CSV and a register of letters in and out, 2019 to 2026."""
    (workspace.root / "klasifikasi-arsip.csv").write_text(OFFICE_CSV, encoding="utf-8")
    ws = load_workspace(workspace.root, env={})
    assert "500.16.7.10" in ws.archive_codes

    def out(tanggal: str, kka: str, hal: str) -> str:
        data = copy.deepcopy(get_kind("surat-keluar").example)
        data.update(tanggal=tanggal, kka=kka, hal=hal)
        return generate(ws, "surat-keluar", data).number

    def masuk(diterima: str, tanggal: str, kka: str, dari: str, nomor: str, hal: str) -> str:
        data = copy.deepcopy(get_kind("surat-masuk").example)
        data.update(diterima=diterima, tanggal=tanggal, kka=kka, dari=dari, nomor=nomor, hal=hal)
        return enter_incoming(ws, data).number

    made = [
        out("2019-03-01", "900.1.3.1", "Pengajuan SP2D LS Belanja Modal"),
        out("2019-06-10", "500.16.7.2", "Rekomendasi Izin Reklame"),
        masuk("2019-03-04", "2019-02-27", "900.1.3.1", "BPKAD Kota Pasuruan", "900/12/2019", "Pencairan Dana UP"),
        out("2021-02-15", "000.5.3.1", "Penyampaian Buku Agenda 2020"),
        masuk("2021-07-05", "2021-07-01", "500.16.7.2", "PT Sinar Jaya Abadi", "045/SJA/VII/2021", "Permohonan Izin"),
        out("2023-05-20", "800.1.11.4", "Permohonan Cuti Tahunan"),
        out("2023-01-10", "500.16.7.2", "Surat yang dibatalkan"),
        out("2023-09-04", "500.16.7.10", "Izin Reklame Pameran"),
        out("2023-10-02", "500.1.2", "Rapat Koordinasi Perekonomian"),
        masuk("2023-08-01", "2023-07-28", "900.1.3.1", "BPKAD Kota Pasuruan", "900/88/2023", "Laporan SP2D"),
        out("2026-11-02", "500.16.7.2", "Undangan Sosialisasi OSS"),
        masuk("2026-11-23", "2026-11-20", "500.16.7.2", "Dinas Lingkungan Hidup Kota Pasuruan",
              "600.4/215/423.109/2026", "Permohonan Data Perizinan Usaha Tahun 2026"),
    ]  # fmt: skip
    assert sorted(made) == sorted([n for _, n, _, _ in FILED] + [VOIDED])
    with Register.open(ws) as reg:
        reg.void_number(VOIDED, reason="salah alamat")
    return SimpleNamespace(ws=ws, tmp=tmp_path)


def entries(ws, per=date(2027, 1, 1), **filters):
    with Register.open(ws) as reg:
        return archive_entries(reg, ws.archive_codes, per=per, **filters)


# -- the daftar arsip ----------------------------------------------------------------------


def test_entries_are_filed_by_code_then_date_with_in_and_out_letters_together(archive):
    found = entries(archive.ws)
    assert [(e.code, e.number, e.doc_date, e.direction) for e in found] == FILED
    assert VOIDED not in numbers_of(found)
    assert all(e.code_name == NAMES[e.code] for e in found)
    by_number = {e.number: e for e in found}
    assert (by_number["1/2021"].party, by_number["1/2021"].subject) == ("PT Sinar Jaya Abadi", "Permohonan Izin")
    assert by_number["500.16.7.2/2/423.105/2019"].party == KEPADA
    assert by_number["500.16.7.2/2/423.105/2019"].subject == "Rekomendasi Izin Reklame"


def test_500_16_7_10_is_filed_after_500_16_7_2(archive):
    codes = [e.code for e in entries(archive.ws, prefix="500.16.7")]
    assert codes == ["500.16.7.2"] * 4 + ["500.16.7.10"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": 2023}, ["500.1.2/4/423.105/2023", "500.16.7.10/3/423.105/2023", "800.1.11.4/1/423.105/2023",
                          "1/2023"]),
        ({"year": 2020}, []),
        ({"prefix": "500.16"}, ["500.16.7.2/2/423.105/2019", "1/2021", "500.16.7.2/1/423.105/2026", "1/2026",
                                "500.16.7.10/3/423.105/2023"]),
        ({"prefix": "500.16."}, ["500.16.7.2/2/423.105/2019", "1/2021", "500.16.7.2/1/423.105/2026", "1/2026",
                                 "500.16.7.10/3/423.105/2023"]),
        ({"prefix": "500.1"}, ["500.1.2/4/423.105/2023"]),
        ({"prefix": "500.16.7.2"}, ["500.16.7.2/2/423.105/2019", "1/2021", "500.16.7.2/1/423.105/2026", "1/2026"]),
        ({"prefix": "500.16.7.1"}, []),
        ({"prefix": "900"}, ["900.1.3.1/1/423.105/2019", "1/2019", "1/2023"]),
        ({"prefix": "90"}, []),
        ({"year": 2019, "prefix": "900.1.3"}, ["900.1.3.1/1/423.105/2019", "1/2019"]),
        ({"year": 2026, "prefix": "500.16"}, ["500.16.7.2/1/423.105/2026", "1/2026"]),
    ],
    ids=["year-2023", "empty-year", "prefix-500.16", "prefix-with-dot", "prefix-500.1-not-500.16",
         "exact-code", "no-partial-segment", "top-level", "no-partial-top-level", "year-and-prefix",
         "year-and-prefix-2026"],
)  # fmt: skip
def test_year_and_prefix_filters(archive, filters, expected):
    assert numbers_of(entries(archive.ws, **filters)) == expected


def test_xlsx_groups_rows_under_a_bold_heading_per_code(archive):
    target = archive.tmp / "daftar-arsip.xlsx"
    assert export_archive_list(entries(archive.ws), target, "xlsx") == 11
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Kode klasifikasi", "Klasifikasi", "Nomor", "Tanggal")
    assert len(rows[0]) == 12
    layout = []
    for index, row in enumerate(rows[1:], start=2):
        if all(cell is None for cell in row[1:]):
            assert sheet.cell(row=index, column=1).font.bold, f"heading row {index} is not bold"
            layout.append(row[0])
        else:
            assert not sheet.cell(row=index, column=3).font.bold
            layout.append((row[0], row[2], row[4]))
    assert layout == [
        "000.5.3.1 " + NAMES["000.5.3.1"],
        ("000.5.3.1", "000.5.3.1/1/423.105/2021", "keluar"),
        "500.1.2 Koordinasi Perekonomian Kantor",
        ("500.1.2", "500.1.2/4/423.105/2023", "keluar"),
        "500.16.7.2 Pelayanan Perizinan",
        ("500.16.7.2", "500.16.7.2/2/423.105/2019", "keluar"),
        ("500.16.7.2", "1/2021", "masuk"),
        ("500.16.7.2", "500.16.7.2/1/423.105/2026", "keluar"),
        ("500.16.7.2", "1/2026", "masuk"),
        "500.16.7.10 Perizinan Reklame Insidental",
        ("500.16.7.10", "500.16.7.10/3/423.105/2023", "keluar"),
        "800.1.11.4 Cuti Tahunan",
        ("800.1.11.4", "800.1.11.4/1/423.105/2023", "keluar"),
        "900.1.3.1 " + NAMES["900.1.3.1"],
        ("900.1.3.1", "900.1.3.1/1/423.105/2019", "keluar"),
        ("900.1.3.1", "1/2019", "masuk"),
        ("900.1.3.1", "1/2023", "masuk"),
    ]


def test_csv_has_one_header_and_every_row(archive):
    target = archive.tmp / "daftar-arsip.csv"
    assert export_archive_list(entries(archive.ws), target, "csv") == 11
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "Kode klasifikasi", "Klasifikasi", "Nomor", "Tanggal", "Masuk/keluar", "Dari/kepada", "Hal",
        "Aktif s.d.", "Inaktif s.d.", "Tindakan", "Pemicu retensi", "Dokumen",
    ]  # fmt: skip
    body = rows[1:]
    assert [(r[0], r[2], r[3], r[4]) for r in body] == FILED
    assert all(r[0] != "Kode klasifikasi" for r in body)
    letter = next(r for r in body if r[2] == "1/2021")
    assert letter[5:10] == ["PT Sinar Jaya Abadi", "Permohonan Izin", "2024-12-31", "2031-12-31",
                            "pindahkan ke unit kearsipan"]  # fmt: skip
    assert VOIDED not in {r[2] for r in body}


def test_cli_arsip_daftar_writes_the_filtered_list(archive):
    target = archive.tmp / "arsip-500-16-2026.csv"
    args = ["--workspace", str(archive.ws.root), "arsip", "daftar", "--tahun", "2026", "--kka", "500.16"]
    result = runner.invoke(app, [*args, "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 arsip ditulis" in result.stdout
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [(r[2], r[4]) for r in rows[1:]] == [("500.16.7.2/1/423.105/2026", "keluar"), ("1/2026", "masuk")]
    whole = archive.tmp / "semua.xlsx"
    result = runner.invoke(app, ["--workspace", str(archive.ws.root), "arsip", "daftar", "-o", str(whole)])
    assert result.exit_code == 0, result.output
    assert "11 arsip ditulis" in result.stdout
    assert whole.is_file()


# -- retention -----------------------------------------------------------------------------


def status(ws, number: str, per: date) -> tuple[str, str, str]:
    [entry] = [e for e in entries(ws, per=per) if e.number == number]
    return entry.active_until, entry.inactive_until, entry.action


@pytest.mark.parametrize(
    ("number", "per", "expected"),
    [
        # 900.1.3.1 of 2019-03-01 (2/5 musnah): active to 2021-12-31, inactive to 2026-12-31.
        ("900.1.3.1/1/423.105/2019", date(2021, 12, 31), ("2021-12-31", "2026-12-31", "aktif")),
        ("900.1.3.1/1/423.105/2019", date(2022, 1, 1), ("2021-12-31", "2026-12-31", "pindahkan ke unit kearsipan")),
        ("900.1.3.1/1/423.105/2019", date(2026, 12, 31), ("2021-12-31", "2026-12-31", "pindahkan ke unit kearsipan")),
        ("900.1.3.1/1/423.105/2019", date(2027, 1, 1), ("2021-12-31", "2026-12-31", "musnahkan")),
        # the incoming 900.1.3.1 letter received 2019-03-04 follows the same schedule
        ("1/2019", date(2027, 1, 1), ("2021-12-31", "2026-12-31", "musnahkan")),
        # 500.16.7.2 of 2019 (3/7 permanen): active to 2022-12-31, inactive to 2029-12-31.
        ("500.16.7.2/2/423.105/2019", date(2029, 12, 31), ("2022-12-31", "2029-12-31", "pindahkan ke unit kearsipan")),
        ("500.16.7.2/2/423.105/2019", date(2030, 1, 1),
         ("2022-12-31", "2029-12-31", "serahkan ke lembaga kearsipan (permanen)")),
        # 800.1.11.4 of 2023 (1/1 musnah): active to 2024-12-31, inactive to 2025-12-31.
        ("800.1.11.4/1/423.105/2023", date(2025, 12, 31), ("2024-12-31", "2025-12-31", "pindahkan ke unit kearsipan")),
        ("800.1.11.4/1/423.105/2023", date(2026, 1, 1), ("2024-12-31", "2025-12-31", "musnahkan")),
        # 000.5.3.1 of 2021 (2/3 musnah): active to 2023-12-31, inactive to 2026-12-31.
        ("000.5.3.1/1/423.105/2021", date(2027, 1, 1), ("2023-12-31", "2026-12-31", "musnahkan")),
        # the office's own 500.16.7.10 of 2023 (1/2 musnah)
        ("500.16.7.10/3/423.105/2023", date(2026, 6, 30), ("2024-12-31", "2026-12-31", "pindahkan ke unit kearsipan")),
        # letters of 2026 (500.16.7.2): active to 2029-12-31, inactive to 2036-12-31
        ("500.16.7.2/1/423.105/2026", date(2026, 12, 1), ("2029-12-31", "2036-12-31", "aktif")),
        ("1/2026", date(2026, 12, 1), ("2029-12-31", "2036-12-31", "aktif")),
        ("1/2026", date(2037, 1, 1), ("2029-12-31", "2036-12-31", "serahkan ke lembaga kearsipan (permanen)")),
    ],
)  # fmt: skip
def test_retention_is_counted_from_the_end_of_the_records_year(archive, number, per, expected):
    assert status(archive.ws, number, per) == expected


def test_retention_due_lists_exactly_the_records_whose_period_ended(archive):
    due = retention_due(archive.ws, per=date(2027, 1, 1))
    assert [(e.number, e.action) for e in due] == [
        ("000.5.3.1/1/423.105/2021", "musnahkan"),
        ("500.1.2/4/423.105/2023", "pindahkan ke unit kearsipan"),
        ("500.16.7.2/2/423.105/2019", "pindahkan ke unit kearsipan"),
        ("1/2021", "pindahkan ke unit kearsipan"),
        ("500.16.7.10/3/423.105/2023", "musnahkan"),
        ("800.1.11.4/1/423.105/2023", "musnahkan"),
        ("900.1.3.1/1/423.105/2019", "musnahkan"),
        ("1/2019", "musnahkan"),
        ("1/2023", "pindahkan ke unit kearsipan"),
    ]


def test_retention_due_early_on_lists_only_the_first_years_letters(archive):
    # per 2022-01-01 only the 900.1.3.1 letters of 2019 have left their active period (2021-12-31);
    # 500.16.7.2 of 2019 stays active to 2022-12-31, 000.5.3.1 of 2021 to 2023-12-31.
    due = retention_due(archive.ws, per=date(2022, 1, 1))
    assert [(e.number, e.action) for e in due] == [
        ("900.1.3.1/1/423.105/2019", "pindahkan ke unit kearsipan"),
        ("1/2019", "pindahkan ke unit kearsipan"),
    ]


def test_letters_of_this_year_are_not_due(archive):
    due = numbers_of(retention_due(archive.ws, per=date(2026, 12, 1)))
    assert "500.16.7.2/1/423.105/2026" not in due
    assert "1/2026" not in due
    assert VOIDED not in due
    assert len(due) == 9


def test_cli_arsip_retensi_prints_the_due_records(archive, monkeypatch):
    monkeypatch.setattr(console, "_width", 250)  # one table row per line
    root = str(archive.ws.root)
    result = runner.invoke(app, ["--workspace", root, "arsip", "retensi", "--per", "2027-01-01"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Arsip yang retensinya berakhir per 2027-01-01: 9" in out
    lines = out.splitlines()

    def row(number: str) -> str:
        found = [line for line in lines if f" {number} " in line]
        assert len(found) == 1, f"{number} is not one row of:\n{out}"
        return found[0]

    assert "2019-03-01" in row("900.1.3.1/1/423.105/2019")
    assert "musnahkan" in row("900.1.3.1/1/423.105/2019")
    assert "2026-12-31" in row("900.1.3.1/1/423.105/2019")
    assert "pindahkan ke unit kearsipan" in row("1/2023")
    assert "musnahkan" in row("800.1.11.4/1/423.105/2023")
    assert "500.16.7.2/1/423.105/2026" not in out
    assert " 1/2026 " not in out
    assert VOIDED not in out

    later = runner.invoke(app, ["--workspace", root, "arsip", "retensi", "--per", "2030-01-01"])
    assert later.exit_code == 0, later.output
    assert "serahkan ke lembaga kearsipan (permanen)" in later.stdout

    bad = runner.invoke(app, ["--workspace", root, "arsip", "retensi", "--per", "31-12-2026"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "Galat: --per '31-12-2026' bukan tanggal; tulis seperti 2026-12-31"
