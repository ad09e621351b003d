"""Spreadsheets staff open in Excel or LibreOffice: CSV and XLSX from the same rows.

Both the buku agenda and the daftar arsip go through here, so the two formats never drift
apart and grouped lists (one heading row per archive code) look the same everywhere.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

__all__ = ["Group", "write_table"]

Group = tuple[str, list[dict[str, Any]]]  # (heading printed above the group, its rows)


def write_table(
    target: Path,
    fmt: Literal["csv", "xlsx"],
    *,
    title: str,
    headings: Sequence[str],
    groups: list[Group],
    widths: Sequence[int] = (),
) -> int:
    """Write rows (keyed by heading) to ``target``; returns how many data rows were written.

    In XLSX each non-empty group heading becomes a bold row spanning the table; CSV stays flat
    (one header line) so that scripts can read it. CSV is ``utf-8-sig`` so Excel shows
    Indonesian and non-Latin names correctly.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    count = sum(len(rows) for _, rows in groups)
    if fmt == "csv":
        with target.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(headings))
            writer.writeheader()
            for _, rows in groups:
                writer.writerows({h: row.get(h) for h in headings} for row in rows)
        return count
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for heading, rows in groups:
        if heading:
            sheet.append([heading])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(headings))
        for row in rows:
            sheet.append([row.get(h) for h in headings])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    book.save(target)
    return count
