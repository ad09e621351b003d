"""Spreadsheets staff open in Excel or LibreOffice: CSV and XLSX from the same rows.

Every table docgen writes for people (the buku agenda, the daftar arsip, batch reports, permit
reports, the desk's agenda download) goes through :func:`write_table`, so the two formats never
drift apart, grouped lists look the same everywhere, and text that came from a request can never
run as a formula in the clerk's spreadsheet (OWASP "CSV Injection"; issue 21).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

__all__ = ["Group", "csv_cell", "formula_like", "write_table", "xlsx_text"]

Group = tuple[str, list[dict[str, Any]]]  # (heading printed above the group, its rows)

# A cell whose text starts with one of these is read as a formula by Excel or LibreOffice
# (OWASP's list); tab and carriage return lead into one too. Lookalikes that a spreadsheet
# may fold into them (fullwidth and small forms, which NFKC maps onto the ASCII ones, and
# the minus sign) are treated the same: escaping a harmless cell costs one apostrophe.
_TRIGGERS = frozenset("=+-@")
_MINUS_SIGNS = frozenset("\u2212\u2796")
_ILLEGAL_IN_XML = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_VALUE_TYPES = (bool, int, float, Decimal, date, datetime, time)  # what the writers pass as values, not text


def _skipped(ch: str) -> bool:
    """Characters a spreadsheet may pass over before deciding a cell is a formula."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs")


def formula_like(text: str) -> bool:
    """Whether ``text`` could be taken for a formula when a spreadsheet opens it.

    True when it starts with tab or CR, or when its first character after any leading spaces,
    control or invisible format characters is ``= + - @`` or a lookalike of one.
    """
    if text[:1] in ("\t", "\r"):
        return True
    if " " < text[:1] < "\x7f":  # the usual case, decided by one printable ASCII character
        return text[0] in _TRIGGERS
    first = next((ch for ch in text if not _skipped(ch)), "")
    return bool(first) and (unicodedata.normalize("NFKC", first)[:1] in _TRIGGERS or first in _MINUS_SIGNS)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: numbers and dates stay values, text that could run is prefixed with ``'``.

    The apostrophe is OWASP's advice: both Excel and LibreOffice then show the text instead of
    computing it, and the rest of the text is kept as it was. A negative number passed as a
    number is not text from a request and stays a number.
    """
    if value is None or isinstance(value, _VALUE_TYPES):
        return value
    text = str(value)
    return f"'{text}" if formula_like(text) else text


def xlsx_text(value: str) -> str:
    """Text as an XLSX can hold it: the control characters XML forbids become U+FFFD (they are invisible anyway)."""
    if any(ch in _ILLEGAL_IN_XML for ch in value):
        return "".join("\ufffd" if ch in _ILLEGAL_IN_XML else ch for ch in value)
    return value


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one XLSX cell; text is always stored as text, never as a formula, and keeps its visible form.

    openpyxl turns any string starting with ``=`` into a formula; the cell's type is set back to
    string, and a text that could run also gets Excel's quote prefix (the hidden apostrophe), so
    that editing the cell later does not turn it into a formula either.
    """
    cell = sheet.cell(row=row, column=column)
    if value is None or isinstance(value, _VALUE_TYPES):
        cell.value = value
        return cell
    text = xlsx_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True
    return cell


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
    Indonesian and non-Latin names correctly; its text fields are quoted and numbers left bare,
    so a spreadsheet reads numbers as numbers and text as text.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    count = sum(len(rows) for _, rows in groups)
    if fmt == "csv":
        with target.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
            writer.writerow([csv_cell(h) for h in headings])
            for _, rows in groups:
                writer.writerows([csv_cell(row.get(h)) for h in headings] for row in rows)
        return count
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    for column, heading in enumerate(headings, 1):
        _put(sheet, 1, column, heading).font = bold
    line = 1
    for heading, rows in groups:
        if heading:
            line += 1
            _put(sheet, line, 1, heading).font = bold
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(headings))
        for row in rows:
            line += 1
            for column, key in enumerate(headings, 1):
                if row.get(key) is not None:
                    _put(sheet, line, column, row.get(key))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    book.save(target)
    return count
