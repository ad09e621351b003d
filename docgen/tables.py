"""Spreadsheets staff open in Excel or LibreOffice: CSV and XLSX from the same rows.

Every table docgen writes for people (the buku agenda, the daftar arsip, batch reports, permit
reports, the desk's agenda download) goes through :func:`write_table` (or :func:`write_workbook`
when a report has several sheets or a chart), so the two formats never drift apart, grouped
lists look the same everywhere, and text that came from a request can never run as a formula
in the clerk's spreadsheet (OWASP "CSV Injection"; issue 21).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

__all__ = ["Chart", "Group", "Sheet", "csv_cell", "formula_like", "write_table", "write_workbook", "xlsx_text"]

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
    if fmt == "xlsx":
        return write_workbook(target, [Sheet(title, headings, groups, widths)])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow([csv_cell(h) for h in headings])
        for _, rows in groups:
            writer.writerows([csv_cell(row.get(h)) for h in headings] for row in rows)
    return sum(len(rows) for _, rows in groups)


@dataclass(frozen=True)
class Chart:
    """A native Excel column chart over one group of a sheet's rows, drawn from the cells themselves.

    Excel and LibreOffice redraw it from the cells, so a figure corrected in the sheet corrects
    the chart, and the office pastes it into its report as a chart, not a picture.
    """

    title: str
    group: str
    """Heading of the group whose rows are charted (one bar per row); must name one group."""
    categories: str
    """Heading of the column that labels the bars (the month)."""
    values: tuple[str, ...]
    """Headings of the columns drawn as series, each named by its heading cell."""
    y_title: str = ""
    sheet: str = "Grafik"
    """Title of the sheet of its own that holds the chart, right after the sheet of its cells, so it
    shows whole on opening and can be copied into a report without the table."""
    whole_numbers: bool = True
    """The values are counts: the axis steps by whole numbers (no 0.2 documents)."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: rows keyed by heading, in groups; its chart, if any, on a sheet of its own after it."""

    title: str
    headings: Sequence[str]
    groups: list[Group]
    widths: Sequence[int] = ()
    formats: Mapping[str, str] = field(default_factory=dict)
    """Excel number format per heading, e.g. ``{"Rata-rata": "0.0"}``."""
    chart: Chart | None = None
    landscape: bool = False
    """Printed landscape with every column on the page's width and the headings wrapped in narrow
    columns (a summary the office prints and sends)."""


def write_workbook(target: Path, sheets: Sequence[Sheet]) -> int:
    """Write one XLSX with a sheet per :class:`Sheet`, in order; returns how many data rows were written.

    Every cell goes through the same escaping as :func:`write_table`; a chart refers to the
    cells it was drawn from, never to copies.
    """
    from openpyxl import Workbook

    target.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        placed = _fill(sheet, spec)
        if spec.chart is not None:
            _draw(book.create_sheet(spec.chart.sheet[:31]), sheet, spec, spec.chart, placed)
    book.save(target)
    return sum(len(rows) for spec in sheets for _, rows in spec.groups)


def _fill(sheet: Any, spec: Sheet) -> dict[str, tuple[int, int]]:
    """Write the headings and groups; returns the first and last row of each group's data, by heading."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for column, heading in enumerate(spec.headings, 1):
        cell = _put(sheet, 1, column, heading)
        cell.font = bold
        if spec.landscape:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    line, placed = 1, {}
    for heading, rows in spec.groups:
        if heading:
            line += 1
            _put(sheet, line, 1, heading).font = bold
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(spec.headings))
        placed[heading] = (line + 1, line + len(rows))
        for row in rows:
            line += 1
            for column, key in enumerate(spec.headings, 1):
                if row.get(key) is not None:
                    cell = _put(sheet, line, column, row.get(key))
                    if key in spec.formats:
                        cell.number_format = spec.formats[key]
    sheet.freeze_panes = "A2"
    if spec.landscape:
        _fit_landscape(sheet, tall=True)
    for index, width in enumerate(spec.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return placed


def _draw(target: Any, sheet: Any, spec: Sheet, chart: Chart, placed: dict[str, tuple[int, int]]) -> None:
    """A clustered column chart on ``target``; its series, names and labels refer to the cells of ``sheet``."""
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import get_column_letter, quote_sheetname

    first, last = placed[chart.group]
    if last < first:
        return  # no rows, no bars: the sheet says so by staying empty
    drawn = BarChart()
    drawn.type, drawn.grouping, drawn.title = "col", "clustered", chart.title
    drawn.y_axis.title = chart.y_title
    drawn.x_axis.delete = drawn.y_axis.delete = False  # openpyxl 3.1 hides both axes unless told
    drawn.legend.position = "b"
    drawn.width, drawn.height = 24, 12  # cm
    name = quote_sheetname(sheet.title)
    labels = get_column_letter(spec.headings.index(chart.categories) + 1)
    highest = 0.0
    for heading in chart.values:
        column = spec.headings.index(heading) + 1
        series = Series(Reference(sheet, min_col=column, min_row=first, max_row=last))
        series.tx = SeriesLabel(strRef=StrRef(f"{name}!${get_column_letter(column)}$1"))
        series.cat = AxDataSource(strRef=StrRef(f"{name}!${labels}${first}:${labels}${last}"))  # text, not numbers
        drawn.series.append(series)
        cells = (sheet.cell(row=row, column=column).value for row in range(first, last + 1))
        highest = max([highest, *(v for v in cells if isinstance(v, int | float))])
    if chart.whole_numbers:
        drawn.y_axis.number_format, drawn.y_axis.scaling.min = "0", 0
        if highest <= 10:
            drawn.y_axis.majorUnit = 1
    target.add_chart(drawn, "A1")
    _fit_landscape(target, tall=False)  # printed, the chart fills one page


def _fit_landscape(sheet: Any, *, tall: bool) -> None:
    """Landscape, all columns on the page's width; a ``tall`` sheet runs on over as many pages as it needs."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0 if tall else 1
