"""Spreadsheets (CSV, XLSX) read row by row within the profile's limits.

A spreadsheet says how big it is, and may lie: a 4.7 KB XLSX declaring ``A1:XFD1048576`` as its
dimension made the reader pad every row to 16,384 columns and a million rows, gigabytes in
memory; a 5 MB file of a million real rows tied the watcher up for minutes. So the declared
dimension is never used: rows are parsed as they are stored, each trimmed to its last non-empty
cell, and reading stops with a refusal at the first row or column past ``limits.rows`` /
``limits.columns``. An XLSX is a zip: its parts are checked to unpack within
``limits.table_bytes`` too, so a small file cannot expand into a huge sheet.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from docgen.errors import RequestError
from docgen.profile import Limits
from docgen.validation import shown

__all__ = ["Row", "column_letter", "read_table", "thousands"]

Row = tuple[int, list[Any]]  # (row number as the clerk sees it, values from column A on)
_SNIFF_CHARS = 10_000  # the header line is enough to tell the delimiter


def thousands(count: int) -> str:
    """``5000`` as ``5.000``, as the office writes numbers; kept here so batch never imports watch."""
    return f"{count:,}".replace(",", ".")


def column_letter(index: int) -> str:
    """Column 28 as Excel names it (``AB``), so a message points at the cell the clerk sees."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _blank(value: Any) -> bool:
    return value is None or value == ""


class _SharedStrings(Sequence[str]):
    """An XLSX's shared strings, refusing a cell that points past them.

    openpyxl looks a cell's text up as ``strings[int(v)]``: an index past the end raised a bare
    IndexError, and a negative one silently took a text from the end of the list.
    """

    def __init__(self, strings: Sequence[str], name: str) -> None:
        self._strings = strings
        self._name = name

    def __len__(self) -> int:
        return len(self._strings)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice) or 0 <= index < len(self._strings):
            return self._strings[index]
        raise RequestError(
            f"{self._name} rusak: sebuah sel merujuk teks nomor {shown(str(index), 24)} di xl/sharedStrings.xml, "
            f"padahal hanya ada {thousands(len(self._strings))}; buka lalu simpan ulang di Excel atau LibreOffice, "
            "atau simpan sebagai CSV UTF-8"
        )


def _csv_rows(content: bytes) -> Iterator[Row]:
    text = content.decode("utf-8-sig")
    first = text.partition("\n")[0][:_SNIFF_CHARS]
    dialect = csv.Sniffer().sniff(first or ",", delimiters=",;\t")
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


def _check_zip(content: bytes, name: str, limits: Limits) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if info.file_size > limits.table_bytes:
                raise RequestError(
                    f"{name}: bagian {info.filename} terurai menjadi {thousands(info.file_size)} bait, melebihi batas "
                    f"{thousands(limits.table_bytes)} bait (limits.table_bytes di docgen.toml); simpan ulang lembarnya "
                    "tanpa sel kosong berformat, atau pecah berkasnya"
                )


def _too_wide(name: str, number: int, limits: Limits) -> RequestError:
    return RequestError(
        f"{name} baris {number} memakai lebih dari {thousands(limits.columns)} kolom (limits.columns di docgen.toml); "
        "hapus kolom yang tidak dipakai"
    )


def _worksheet(book: Any, name: str, sheet: str | None) -> Any:
    """The named worksheet, or the first; a name that is not there lists the ones that are."""
    if sheet is None:
        return book.worksheets[0]
    titles = [ws.title for ws in book.worksheets]
    if sheet not in titles:
        raise RequestError(f"{name} tidak punya lembar '{sheet}'; lembar yang ada: {', '.join(titles)}")
    return book.worksheets[titles.index(sheet)]


def _xlsx_rows(content: bytes, name: str, limits: Limits, sheet: str | None) -> Iterator[Row]:
    """Rows of the chosen (else the first) sheet as stored, with their own numbers; the dimension is ignored.

    openpyxl's row parser is used directly: its worksheet iterators fill the gaps up to the
    declared (or last) row and column with empty cells, which is exactly what a hostile file
    exploits. A row is laid out only after its last filled column is known to be in bounds.
    """
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        """Refuses a formula without the value Excel stores beside it, instead of reading an empty cell.

        A sheet written by a program (not saved by Excel or LibreOffice) holds only the formula;
        read for its values, such a cell looked empty and a row of them vanished without a word.
        """

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell_name = f"sel {shown(str(element.get('r')), 16)}" if element.get("r") else "sebuah sel"
                raise RequestError(
                    f"{name} baris {self.row_counter}: {cell_name} berisi rumus tanpa nilai tersimpan; buka lalu "
                    "simpan ulang di Excel atau LibreOffice agar nilainya dihitung, atau tulis nilainya langsung"
                )
            return cell

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        chosen = _worksheet(book, name, sheet)
        with chosen._get_source() as source:
            parser = Parser(
                source,
                _SharedStrings(chosen._shared_strings, name),
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                filled = {cell["column"]: cell["value"] for cell in cells if not _blank(cell["value"])}
                width = max(filled, default=0)
                if width > limits.columns:
                    raise _too_wide(name, number, limits)
                values: list[Any] = [None] * width
                for column, value in filled.items():
                    values[column - 1] = value
                yield number, values
    finally:
        book.close()


def _sparse_guard(rows: Iterable[Row], name: str, limits: Limits) -> Iterator[Row]:
    """Refuse a row wider than ``limits.columns`` before its values are laid out."""
    for number, values in rows:
        width = len(values)
        while width and _blank(values[width - 1]):
            width -= 1
        if width > limits.columns:
            raise _too_wide(name, number, limits)
        yield number, list(values[:width])


def read_table(
    content: bytes, name: str, suffix: str, limits: Limits, *, sheet: str | None = None
) -> tuple[list[str], list[Row]]:
    """Column names (row 1) and the non-empty data rows of ``sheet`` (an XLSX's first by default).

    Every refusal is a RequestError naming the file: over a limit, no such sheet, empty, or not
    a readable table at all (the batch and the watcher word that the same way).
    """
    if suffix == ".csv" and sheet is not None:
        raise RequestError(f"{name} adalah CSV dengan satu lembar saja; pilih lembar hanya untuk berkas XLSX")
    try:
        headers, rows = _table(content, name, suffix, limits, sheet)
    except RequestError:
        raise
    except Exception as exc:  # whatever the CSV or XLSX parser trips on (a broken part, a bad index): unreadable
        first = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise RequestError(
            f"{name} tidak bisa dibaca sebagai tabel ({first}); simpan ulang sebagai CSV UTF-8 atau XLSX"
        ) from exc
    if not headers and not rows:
        raise RequestError(f"{name} kosong; baris pertama berisi nama kolom, berikutnya satu surat per baris")
    return headers, rows


def _refuse_unnamed(name: str, headers: list[str], number: int, values: list[Any]) -> None:
    """A filled cell under no column name (past the last header, or under an empty one) refuses the sheet.

    Its value would otherwise be dropped without a word: a row shifted one cell to the right
    would make a document from the wrong columns, or silently lose what the clerk typed.
    """
    for index, value in enumerate(values):
        if not _blank(value) and (index >= len(headers) or not headers[index]):
            cell = f"{column_letter(index + 1)}{number}"
            raise RequestError(
                f"{name} baris {number}: sel {cell} berisi data tetapi kolomnya tidak bernama di baris 1 "
                f"(baris judul punya {len(headers)} kolom); beri nama kolomnya, atau hapus atau geser isi sel itu"
            )


def _table(content: bytes, name: str, suffix: str, limits: Limits, sheet: str | None) -> tuple[list[str], list[Row]]:
    if suffix == ".csv":
        source: Iterable[Row] = _csv_rows(content)
    else:
        _check_zip(content, name, limits)
        source = _xlsx_rows(content, name, limits, sheet)
    headers: list[str] | None = None
    rows: list[Row] = []
    for number, values in _sparse_guard(source, name, limits):
        if headers is None:
            headers = [str(h).strip() if h is not None else "" for h in values] if number == 1 else []
            if number == 1:
                continue
        if not values:
            continue
        _refuse_unnamed(name, headers, number, values)
        if len(rows) == limits.rows:
            raise RequestError(
                f"{name} berisi lebih dari {thousands(limits.rows)} baris surat (limits.rows di docgen.toml); "
                "pecah menjadi beberapa berkas"
            )
        rows.append((number, values))
    return headers or [], rows
