"""batch-report.xlsx and .csv read back with openpyxl and csv: counts first, then one line per row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.batch.report import HEADINGS, BatchLine, write_batch_report

LINES = [
    BatchLine(4, "k-4", "gagal", None, [], "LibreOffice berhenti saat membuat PDF; coba lagi dengan --resume"),
    BatchLine(2, "k-2", "selesai", "SS-00001/423.105/XI/2026", ["outbox/2026/a.docx", "outbox/2026/a.pdf"]),
    BatchLine(3, "k-3", "tidak sah", None, [], "nib: NIB harus 13 angka"),
    BatchLine(5, "k-5", "sudah ada", "SS-00002/423.105/XI/2026", ["outbox/2026/b.pdf"]),
    BatchLine(6, "k-6", "selesai", "SS-00003/423.105/XI/2026", ["outbox/2026/c.pdf"]),
]


def _sheet_rows(path: Path) -> list[tuple]:
    return [tuple(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_the_xlsx_opens_with_the_counts_per_status_then_the_rows_in_row_order(tmp_path):
    xlsx, _ = write_batch_report(LINES, tmp_path, title="Batch 7 sertifikat-standar")
    assert xlsx == tmp_path / "batch-report.xlsx"
    rows = _sheet_rows(xlsx)
    assert rows[0] == HEADINGS == ("Baris", "Kunci", "Status", "Nomor", "Berkas", "Keterangan")
    assert rows[1][0] == "Ringkasan"
    summary = {row[2]: row[5] for row in rows[2:7]}
    assert summary == {
        "selesai": "2 baris",
        "sudah ada": "1 baris",
        "tidak sah": "1 baris",
        "gagal": "1 baris",
        "jumlah": "5 baris",
    }
    assert rows[7][0] == "Rincian per baris"
    assert [row[0] for row in rows[8:]] == [2, 3, 4, 5, 6]
    assert load_workbook(xlsx).active.title == "Batch 7 sertifikat-standar"


def test_the_csv_holds_one_line_per_row_with_the_failed_rows_error_and_empty_files(tmp_path):
    _, path = write_batch_report(LINES, tmp_path, title="Batch 7")
    assert path == tmp_path / "batch-report.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Baris"] for r in rows] == ["2", "3", "4", "5", "6"]  # no summary lines for scripts to skip
    failed = next(r for r in rows if r["Status"] == "gagal")
    assert failed == {
        "Baris": "4",
        "Kunci": "k-4",
        "Status": "gagal",
        "Nomor": "",
        "Berkas": "",
        "Keterangan": "LibreOffice berhenti saat membuat PDF; coba lagi dengan --resume",
    }
    done = rows[0]
    assert done["Berkas"] == "outbox/2026/a.docx; outbox/2026/a.pdf" and done["Keterangan"] == ""


def test_an_xlsx_row_without_files_leaves_the_cell_empty(tmp_path):
    xlsx, _ = write_batch_report(LINES, tmp_path, title="Batch 7")
    invalid = next(row for row in _sheet_rows(xlsx) if row[2] == "tidak sah" and row[0] == 3)
    assert invalid == (3, "k-3", "tidak sah", None, None, "nib: NIB harus 13 angka")


def test_a_title_with_characters_excel_refuses_still_names_the_sheet(tmp_path):
    xlsx, _ = write_batch_report(LINES[:1], tmp_path, title="Batch 12: surat/undangan [rapat] untuk pelaku usaha")
    title = load_workbook(xlsx).active.title
    assert title == "Batch 12- surat-undangan -rapat"


def test_an_empty_batch_still_writes_zero_counts(tmp_path):
    xlsx, path = write_batch_report([], tmp_path, title="Batch 1")
    assert {row[2]: row[5] for row in _sheet_rows(xlsx)[2:7]}["jumlah"] == "0 baris"
    assert list(csv.reader(path.open(encoding="utf-8-sig", newline=""))) == [list(HEADINGS)]


def test_an_unknown_status_is_a_bug_caught_when_the_line_is_made():
    with pytest.raises(ValueError, match="unknown batch status"):
        BatchLine(2, "k", "done")
