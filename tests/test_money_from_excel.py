"""Money in, exactly (issue 25): an amount with sen typed into Excel arrives as a float; it is taken
only when that float is exactly an amount at two decimals, and refused naming the cell otherwise,
never rounded silently and before any number is taken."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from docgen.batch.rows import read_sheet, sheet_requests
from docgen.batch.runner import BatchOptions, run_batch
from docgen.kinds import get_kind
from docgen.profile import Limits, Workspace
from docgen.register import Register

TODAY = date.today().isoformat()
AMOUNTS = [12500000.5, 1234.56, 0.1 + 0.2, 1e-3]  # rows 2 to 5 of the sheet


def _sheet(path: Path, amounts: list[Any]) -> Path:
    """An XLSX holding each amount as Excel stores a number: all 17 digits of the double.

    openpyxl writes a float rounded to 15 digits (0.30000000000000004 becomes 0.3); Excel keeps the
    value a formula left, so the cells are written back with ``repr`` as Excel would.
    """
    book = Workbook()
    sheet = book.active
    sheet.append(["jenis", "tanggal", "keperluan", "jumlah"])
    for n, amount in enumerate(amounts, 1):
        sheet.append(["UP", TODAY, f"Uang persediaan triwulan {n}", amount])
    book.save(path)
    with zipfile.ZipFile(path) as book_zip:
        parts = {name: book_zip.read(name) for name in book_zip.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for n, amount in enumerate(amounts, 2):
        xml = re.sub(f'(<c r="D{n}" t="n"><v>)[^<]*(</v>)', lambda m, a=amount: f"{m[1]}{a!r}{m[2]}", xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book_zip:
        for name, data in parts.items():
            book_zip.writestr(name, data)
    return path


def _numbers(ws: Workspace) -> int:
    with sqlite3.connect(ws.register_path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0])


def test_a_sheet_with_an_inexact_sen_amount_is_refused_naming_each_cell_and_numbers_nothing(workspace, tmp_path):
    assert 0.1 + 0.2 == 0.30000000000000004  # what a formula like =0,1+0,2 leaves in the cell
    outcome = run_batch(workspace, BatchOptions(kind="spp", source=_sheet(tmp_path / "up.xlsx", AMOUNTS)))
    assert [(b.number, b.column) for b in outcome.bad] == [(4, "jumlah"), (5, "jumlah")]
    assert str(outcome.bad[0]).startswith("baris 4, kolom jumlah: 0.30000000000000004 tidak tepat dua angka sen")
    assert str(outcome.bad[1]).startswith("baris 5, kolom jumlah: 0.001 tidak tepat dua angka sen")
    assert "=ROUND" in outcome.bad[0].message
    assert _numbers(workspace) == 0


def test_exact_sen_amounts_from_excel_numbers_arrive_to_the_sen(workspace, tmp_path):
    outcome = run_batch(
        workspace, BatchOptions(kind="spp", source=_sheet(tmp_path / "up.xlsx", AMOUNTS), skip_bad=True, workers=1)
    )
    assert outcome.count("selesai") == 2 and outcome.count("tidak sah") == 2
    assert _numbers(workspace) == 2
    with Register.open(workspace) as reg:
        stored = [d.request["jumlah"] for d in reg.documents(kind="spp")]
    assert sorted(stored) == ["1234.56", "12500000.50"]


def test_a_whole_rupiah_float_and_a_line_items_sen_are_read_exactly(tmp_path):
    kind = get_kind("spp")
    book = Workbook()
    sheet = book.active
    sheet.append(["jumlah", "rincian.1.jumlah", "rincian.2.jumlah"])
    sheet.append([12500000.0, 4500000.25, 0.07])
    book.save(tmp_path / "ls.xlsx")
    headers, rows = read_sheet(tmp_path / "ls.xlsx", Limits())
    [row] = sheet_requests(kind, headers, rows)
    assert row.problems == ()
    assert row.data["jumlah"] == 12500000
    assert [item["jumlah"] for item in row.data["rincian"]] == ["4500000.25", "0.07"]
