"""``docgen laporan izin``: the monthly permit report the office sends, read back as Excel reads it.

One register is built with the library for the whole module (BAP -> rekomendasi -> izin or
Sertifikat Standar, a BAP *tidak sesuai*, a void permit, a certificate re-issued after its
verification), on dates of last year chosen so each figure can be worked out by hand; the
expected figures below are computed from those dates, not from the report.
"""

from __future__ import annotations

import copy
import re
import statistics
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import cli
from openpyxl import load_workbook

from docgen.kinds import get_kind
from docgen.permitreport import permit_report, write_permit_report
from docgen.pipeline import create_workspace, generate
from docgen.profile import Workspace
from docgen.register import Register
from docgen.sertifikat import verify_certificate
from docgen.text import nama_bulan

YEAR = date.today().year - 1  # in the past, and inside the profile's date window for years to come
REKLAME, MT, MR = "Izin Reklame", "Sertifikat Standar (MT)", "Sertifikat Standar (MR)"
HOSTILE_FIX = '=HYPERLINK("http://example.invalid";"tiang") diturunkan'


def day(month: int, dom: int) -> str:
    return date(YEAR, month, dom).isoformat()


def month(number: int) -> str:
    return f"{nama_bulan(number)} {YEAR}"


#: (BAP date, rekomendasi date, izin date) of each izin reklame made; the last one is voided.
IZIN = {"a": (day(3, 2), day(3, 9), day(3, 16)), "b": (day(3, 20), day(3, 25), day(4, 9)),
        "c": (day(3, 1), day(3, 20), day(4, 11)), "void": (day(4, 2), day(4, 6), day(4, 13))}  # fmt: skip
REFUSED_BAP = day(4, 10)
#: The MT certificate: BAP, rekomendasi, first print (belum terverifikasi), verification, verified print.
MT_DATES = (day(4, 1), day(4, 8), day(4, 21), day(5, 5), day(5, 6))
MR_DATE = day(5, 4)


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _bap(ws: Workspace, when: str, **changes: Any) -> Any:
    ref = {"nomor": "800.1.11.1/412/423.105", "tanggal": when}
    dasar = {"tugas": {"jenis": "surat tugas", **ref}, "permohonan": {"nomor": "017/MJR", "tanggal": when}}
    return generate(ws, "bap", _example("bap", tanggal=when, dasar=dasar, **changes))


def _rekomendasi(ws: Workspace, bap: Any, bap_day: str, when: str, pemohon: dict[str, Any]) -> Any:
    data = _example("rekomendasi", tanggal=when, bap=bap.number, tanggal_bap=bap_day, pemohon=pemohon)
    return generate(ws, "rekomendasi", data)


def _build(ws: Workspace) -> dict[str, Any]:
    made: dict[str, Any] = {}
    applicant = _example("bap")["pemohon"]
    for key, (bap_day, rek_day, izin_day) in IZIN.items():
        rek = _rekomendasi(ws, _bap(ws, bap_day), bap_day, rek_day, applicant)
        made[key] = generate(
            ws,
            "izin",
            {"jenis": "reklame", "tanggal": izin_day, "pemohon": applicant, "objek": _example("bap")["objek"],
             "berlaku_dari": izin_day, "rekomendasi": rek.number},
        )  # fmt: skip
    made["refused"] = _bap(ws, REFUSED_BAP, kesimpulan="tidak sesuai", perbaikan=[HOSTILE_FIX])
    certificate = _example("sertifikat-standar")
    business = {**applicant, "nama": certificate["nama_usaha"], "nib": certificate["nib"]}
    bap_day, rek_day, first_day, verified_day, _ = MT_DATES
    rek = _rekomendasi(ws, _bap(ws, bap_day, pemohon=business), bap_day, rek_day, business)
    made["mt"] = generate(
        ws, "sertifikat-standar", _example("sertifikat-standar", tanggal=first_day, tingkat_risiko="MT")
    )
    mr = _example("sertifikat-standar", tanggal=MR_DATE, kbli="47111", nomor=certificate["nib"] + "0002")
    made["mr"] = generate(ws, "sertifikat-standar", mr)
    with Register.open(ws) as reg:
        reg.void_number(made["void"].number, reason="salah titik reklame")
    # the verification re-issues the MT certificate under its OSS number and supersedes the first print
    made["mt-verified"] = verify_certificate(
        ws, made["mt"].number, day=date.fromisoformat(verified_day), dasar=rek.number
    )
    return made


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Any], Path]:
    ws = create_workspace(tmp_path_factory.mktemp("laporan") / "ws")
    made = _build(ws)
    target = ws.root / "laporan.xlsx"
    with Register.open(ws) as reg:
        write_permit_report(permit_report(reg, date(YEAR, 3, 1), date(YEAR, 6, 30)), target)
    return ws, made, target


def _sheet(target: Path, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(target)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _summary(target: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["Bulan"], r["Jenis izin"]): r for r in _sheet(target, "Rekap") if r["Jenis izin"]}


def test_the_summary_counts_issued_verified_refused_and_void_per_month_and_type(built):
    ws, made, target = built
    rows = _summary(target)
    headings = ("Terbit", "Terverifikasi", "Ditolak (BAP tidak sesuai)", "Batal")
    counts = {key: tuple(r[h] for h in headings) for key, r in rows.items()}
    # izin on a rekomendasi count as verified; the void one is neither issued nor verified
    assert counts[(month(3), REKLAME)] == (1, 1, 0, 0)
    assert counts[(month(4), REKLAME)] == (2, 2, 1, 1)
    # the MT certificate counts as issued once, in its first month, and as verified when verified
    assert counts[(month(4), MT)] == (1, 0, 0, 0)
    assert counts[(month(5), MT)] == (0, 1, 0, 0)
    with Register.open(ws) as reg:  # an MR certificate is verified or not as its kind decides (OSS rules)
        mr_verified = int(reg.document(made["mr"].id).request.get("status_verifikasi") == "terverifikasi")
    assert counts[(month(5), MR)] == (1, mr_verified, 0, 0)
    per_month = {r["Bulan"]: (r["Terbit"], r["Ditolak (BAP tidak sesuai)"]) for r in _sheet(target, "Rekap")
                 if r["Jenis izin"] == "Semua jenis"}  # fmt: skip
    assert [per_month[month(m)] for m in (3, 4, 5, 6)] == [(1, 0), (3, 1), (1, 0), (0, 0)]  # June is empty, not absent


def test_days_from_bap_to_issue_are_counted_averaged_and_the_median_and_longest_given(built):
    _, _, target = built
    rows = _summary(target)
    april = [_days(bap, izin) for key, (bap, _, izin) in IZIN.items() if key in ("b", "c")]
    got = rows[(month(4), REKLAME)]
    assert got["Terbit dengan BAP"] == 2
    assert got["Rata-rata hari BAP–terbit"] == pytest.approx(round(statistics.fmean(april), 1))
    assert got["Median hari BAP–terbit"] == statistics.median(april)
    assert got["Terlama (hari)"] == max(april)
    assert rows[(month(3), REKLAME)]["Rata-rata hari BAP–terbit"] == _days(IZIN["a"][0], IZIN["a"][2])
    # OSS printed it before the inspection: the days run from the BAP to its verification
    assert rows[(month(4), MT)]["Median hari BAP–terbit"] == _days(MT_DATES[0], MT_DATES[3])
    assert rows[(month(5), MR)]["Terbit dengan BAP"] == 0  # no BAP: left out, not counted as zero days
    assert rows[(month(5), MR)]["Rata-rata hari BAP–terbit"] is None
    whole = [r for r in _sheet(target, "Rekap") if r["Jenis izin"] == "Semua jenis"][-1]
    every = [_days(bap, izin) for key, (bap, _, izin) in IZIN.items() if key != "void"]
    every.append(_days(MT_DATES[0], MT_DATES[3]))
    assert (whole["Terbit"], whole["Terbit dengan BAP"], whole["Terlama (hari)"]) == (5, 4, max(every))
    assert whole["Median hari BAP–terbit"] == statistics.median(every)


def test_the_chart_is_a_native_excel_chart_drawn_from_the_per_month_cells(built):
    _, _, target = built
    book = load_workbook(target)
    assert book.sheetnames == ["Rekap", "Grafik", "Daftar izin", "BAP tidak sesuai"]
    with zipfile.ZipFile(target) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
        drawing = archive.read("xl/worksheets/_rels/sheet2.xml.rels").decode()  # the Grafik sheet holds it
    assert "<barChart>" in chart and "drawing" in drawing
    refs = re.findall(r"<f>'Rekap'!\$([A-Z])\$(\d+)(?::\$([A-Z])\$(\d+))?</f>", chart)
    sheet = book["Rekap"]
    ranges = {c1: [sheet[f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)] for c1, r1, _, r2 in refs if r2}
    names = [sheet[f"{c1}{r1}"].value for c1, r1, _, r2 in refs if not r2]
    assert names == ["Terbit", "Terverifikasi", "Ditolak (BAP tidak sesuai)"]
    assert ranges["A"] == [month(m) for m in (3, 4, 5, 6)]  # one bar group per month, labelled from the cells
    assert ranges["C"] == [1, 3, 1, 0] and ranges["E"] == [0, 1, 0, 0]


def test_the_lists_name_each_permit_with_its_bap_and_each_refused_bap_with_its_corrections(built):
    ws, made, target = built
    permits = {r["Nomor"]: r for r in _sheet(target, "Daftar izin") if r["Nomor"]}
    a = permits[made["a"].number]
    assert a["Hari BAP–terbit"] == _days(IZIN["a"][0], IZIN["a"][2]) and a["Status"] == "terbit"
    assert permits[made["void"].number]["Status"] == "batal: salah titik reklame"
    assert "terbit ulang" in permits[made["mt-verified"].number]["Status"]
    refused = _sheet(target, "BAP tidak sesuai")
    assert [r["Nomor"] for r in refused] == [made["refused"].number]
    cell = next(c for c in load_workbook(target)["BAP tidak sesuai"]["H"] if HOSTILE_FIX in str(c.value))
    assert cell.data_type == "s"  # the applicant's correction text is shown, never run


def test_the_cli_writes_the_report_and_prints_the_totals(built, tmp_path):
    ws, made, _ = built
    target = tmp_path / "laporan-april.xlsx"
    result = cli(ws, "laporan", "izin", "--dari", day(4, 1), "--sampai", day(4, 30), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "3 terbit, 2 terverifikasi, 1 ditolak" in " ".join(result.output.split())
    assert [r["Bulan"] for r in _sheet(target, "Rekap") if r["Jenis izin"] == "Semua jenis"][0] == month(4)
    flat = tmp_path / "laporan-april.csv"
    result = cli(ws, "laporan", "izin", "--dari", day(4, 1), "--sampai", day(4, 30), "--format", "csv", "-o", str(flat))
    assert result.exit_code == 0, result.output
    text = flat.read_text(encoding="utf-8-sig")
    assert made["b"].number in text and made["refused"].number in text  # the lists, permits and refusals
