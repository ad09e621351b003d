"""Spreadsheet rows turned into requests: one way for ``docgen batch`` and the folder watcher.

An office keeps its lists in Excel, and Excel changes what was typed: dates become serial
numbers, whole numbers become floats, and an identifier typed into a number column loses its
leading zeros or, past 15 digits, its last digits (a NIK ``3575...0012`` is stored as
``3.575E+15``). Rows are read by header (``isi.1``, ``penandatangan.pejabat``), the cell types
are put back into what a request file would hold, identifiers stored as numbers are refused with
the cell named, an amount with sen is taken only when the Excel number is exact at two decimals,
and every row is validated before anything is numbered, so one report lists
every bad row. A ``dasar_dokumen`` column names, row by row, the document each row rests on
(a BAP for a rekomendasi); the batch fills the row from it before validating.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.archive import ArchiveCodes
from docgen.batch.fields import FieldSpec, field_specs, spec_path
from docgen.batch.tables import Row, column_letter, read_table, thousands
from docgen.errors import RequestError
from docgen.kinds import Kind, Request, validate_request
from docgen.kinds.chain import merge_under
from docgen.profile import Limits, Profile
from docgen.validation import shown

__all__ = ["BASIS_COLUMN", "BadRow", "SheetRow", "check_rows", "read_sheet", "sheet_requests"]

BASIS_COLUMN = "dasar_dokumen"
"""The column naming each row's basis (number or register id). Not ``dasar``: a rekomendasi's
``dasar`` is its list of regulations, which a sheet fills in a column of that name."""

_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits; a longer number typed into a cell is already altered
_EXPONENT = re.compile(r"\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*")  # 9,12E+12 as an Excel CSV export writes it
_SEPARATORS = ("\n", "|", ";")  # the first one a list cell holds splits it; the others stay text


@dataclass(frozen=True)
class BadRow:
    """A row that cannot become a document: where (row as Excel shows it, column header) and why."""

    number: int
    column: str  # the header; a field path when the field has no column (missing, or from common data)
    message: str

    def __str__(self) -> str:
        where = f"baris {self.number}" + (f", kolom {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SheetRow:
    """One row as a request: ``data`` to validate, ``key`` to record so a re-run never numbers it twice.

    ``problems`` are the cells refused while reading (an identifier stored as a number, a missing
    or repeated key); :func:`check_rows` reports them. Such a cell stays in ``data`` as the number
    Excel stored, which the kind's model refuses too, so a caller that only validates (the
    watcher) still never accepts it.
    """

    number: int
    data: dict[str, Any]
    key: str
    cells: dict[str, Any]  # header -> value as read, for messages and reports
    problems: tuple[BadRow, ...] = ()
    basis: str = ""  # the row's ``dasar_dokumen`` cell: the document it rests on, filled in by the batch


def read_sheet(path: Path, limits: Limits, *, sheet: str | None = None) -> tuple[list[str], list[Row]]:
    """Headers and non-empty rows of a CSV or XLSX (``sheet`` names an XLSX worksheet; the first by default).

    Read within ``limits.table_bytes`` like a file dropped in the inbox: a batch file is as
    untrusted as one, and the guarded reader refuses sheets that expand past the limits.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RequestError(f"{path.name} bukan berkas CSV atau XLSX; simpan lembarnya sebagai .xlsx atau .csv")
    try:
        with path.open("rb") as handle:
            content = handle.read(limits.table_bytes + 1)
    except OSError as exc:
        raise RequestError(f"{path.name} tidak bisa dibaca ({exc.strerror or exc}); periksa nama dan izinnya") from exc
    if len(content) > limits.table_bytes:
        raise RequestError(
            f"{path.name} lebih besar dari {thousands(limits.table_bytes)} bait (limits.table_bytes di docgen.toml); "
            "pecah menjadi beberapa berkas"
        )
    return read_table(content, path.name, suffix, limits, sheet=sheet)


def sheet_requests(
    kind: Kind,
    headers: list[str],
    rows: Iterable[Row],
    *,
    common: dict[str, Any] | None = None,
    key_column: str | None = None,
    basis_column: str | None = None,
) -> list[SheetRow]:
    """Every row as request data, with ``common`` merged under it (row values win, dicts key by key).

    ``basis_column`` (the batch's ``dasar_dokumen``) is read into each row's ``basis`` instead of
    its data; without it such a column is a field like any other, which the kind refuses by name.

    A problem with the sheet itself (two columns for one field, a key column that is not there)
    raises a RequestError; a problem with one row's cell is kept on that row, so every row is
    read and a report can list all of them.
    """
    fields = kind.model.model_fields
    own_column = key_column is not None and key_column.split(".")[0] not in fields  # not a field: left out
    if key_column is not None and key_column not in headers:
        known = shown(", ".join(headers), 400)
        raise RequestError(f"kolom kunci '{shown(key_column, 40)}' tidak ada di lembar; kolom yang ada: {known}")
    skip = {key_column if own_column else None, basis_column} - {None}
    paths = _header_paths(headers, skip=skip)
    specs = field_specs(kind.model)
    seen: dict[str, int] = {}
    made = []
    for number, values in rows:
        cells = {h: v for h, v in zip(headers, values, strict=False) if h and not _blank(v)}
        data: dict[str, Any] = {}
        problems: list[BadRow] = []
        for header, parts in paths.items():
            if header in cells:
                value, problem = _value(cells[header], specs.get(spec_path(parts)), header, number)
                _place(data, parts, value)
                if problem:
                    problems.append(problem)
        merged = _lists(merge_under(common or {}, data))
        basis = _cell_text(cells.get(basis_column)) if basis_column else ""
        if key_column is None:  # the same content on another basis is another document
            key = _content_key(kind.name, {**merged, BASIS_COLUMN: basis} if basis else merged)
        else:
            key = _cell_text(cells.get(key_column))
            problems += _key_problems(key, key_column, number, seen)
        made.append(SheetRow(number, merged, key, cells, tuple(problems), basis))
    return made


def check_rows(
    kind: Kind,
    sheet_rows: Iterable[SheetRow],
    profile: Profile,
    *,
    codes: ArchiveCodes | None = None,
    roots: tuple[Path, ...] = (),
) -> tuple[list[tuple[SheetRow, Request]], list[BadRow]]:
    """Validate every row, never stopping at the first bad one: the good rows with their requests, and the bad.

    A validation failure names the columns of the failing fields (``isi[2]`` -> ``isi.2`` when
    the sheet has that column, else ``isi``); one already refused while reading is not repeated.
    """
    good: list[tuple[SheetRow, Request]] = []
    bad: list[BadRow] = []
    for row in sheet_rows:
        found = list(row.problems)
        if any(p.column == BASIS_COLUMN for p in found):  # not filled from its basis: the rest is noise
            bad += found
            continue
        try:
            request = validate_request(kind, row.data, profile, codes=codes, roots=roots)
        except RequestError as exc:
            columns = _columns(exc.fields, row.cells)
            if not (columns and set(columns) <= {p.column for p in row.problems}):
                found.append(BadRow(row.number, ", ".join(columns), exc.message))
        else:
            if not found:
                good.append((row, request))
        bad += found
    return good, bad


# -- headers and the model --------------------------------------------------------------------


def _header_paths(headers: list[str], *, skip: set[str]) -> dict[str, tuple[str, ...]]:
    """Each used header split at dots; two headers for one field, or a field and its part, are refused.

    ``isi`` beside ``isi.1``, or ``tim.1`` beside ``tim.nama``, would each silently lose one of
    the columns, so the sheet is refused naming both.
    """
    paths: dict[str, tuple[str, ...]] = {}
    where: dict[str, int] = {}
    for index, header in enumerate(headers, 1):
        if not header or header in skip:
            continue
        if header in where:
            raise RequestError(
                f"kolom {shown(header, 40)} ada dua kali "
                f"(kolom {column_letter(where[header])} dan {column_letter(index)}); "
                "hapus salah satunya"
            )
        where[header] = index
        parts = tuple(header.split("."))
        if not all(part.strip() for part in parts):
            raise RequestError(
                f"nama kolom '{shown(header, 40)}' (kolom {column_letter(index)}) tidak sah; "
                "tulis nama isian seperti hal, isi.1 atau penandatangan.pejabat"
            )
        paths[header] = parts
    prefixes = {parts[:n]: header for header, parts in paths.items() for n in range(1, len(parts))}
    children: dict[tuple[str, ...], tuple[bool, str]] = {}
    for header, parts in paths.items():
        if parts in prefixes:
            raise _clash(header, prefixes[parts])
        for n in range(1, len(parts)):
            numbered = parts[n].isdigit()
            other = children.setdefault(parts[:n], (numbered, header))
            if other[0] != numbered:
                raise _clash(header, other[1])
    return paths


def _clash(one: str, other: str) -> RequestError:
    return RequestError(
        f"kolom {shown(one, 40)} dan {shown(other, 40)} mengisi isian yang sama dengan dua cara; pakai salah satu saja"
    )


# -- cells --------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> Any:
    """A cell as a request file would hold it: dates as ISO text, whole floats as ints, text trimmed."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _cell_text(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else str(value)


def _value(raw: Any, spec: FieldSpec | None, header: str, number: int) -> tuple[Any, BadRow | None]:
    value = _plain(raw)
    if spec is not None and spec.money and isinstance(value, float):
        return _money(value, header, number)
    if spec is not None and spec.identifier is not None:
        label, digits = spec.identifier
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and isinstance(value, int) and len(str(value)) == digits <= _EXCEL_DIGITS:
            return str(value), None  # all its digits survived: the number is the identifier
        if is_number or (isinstance(value, str) and _EXPONENT.fullmatch(value)):
            stored = float(value) if is_number else value  # the model refuses this form too
            return stored, BadRow(number, header, _as_number(label, digits, value))
    if spec is not None and spec.is_list and isinstance(value, str):
        return _split(value), None
    return value, None


def _money(value: float, header: str, number: int) -> tuple[Any, BadRow | None]:
    """An Excel number with sen as the exact text of its amount, or refused naming the cell.

    Excel stores 1234.56 as the nearest binary fraction; its shortest repr gives the digits typed
    back. That is taken only when it has at most two decimals and stands for the very number
    stored; 0.1+0.2 (0.30000000000000004) or 1.005 computed by a formula is refused, never rounded
    here, since which way to round a sen is the treasurer's call. A refused cell stays the float,
    which the model refuses too.
    """
    exact = Decimal(repr(value)) if math.isfinite(value) else None
    if exact is not None and exact.as_tuple().exponent >= -2 and float(exact) == value:  # type: ignore[operator]
        return f"{exact:.2f}", None
    message = (
        f"{shown(repr(value), 40)} tidak tepat dua angka sen (lebih dari dua angka di belakang koma); "
        "bulatkan di Excel dengan =ROUND(...;2) atau ketik nominalnya sebagai teks, mis. 1234,56"
    )
    return value, BadRow(number, header, message)


def _as_number(label: str, digits: int, value: Any) -> str:
    lost = "membuang nol di depan" + ("" if digits <= _EXCEL_DIGITS else f" dan angka ke-{_EXCEL_DIGITS + 1} dst.")
    return (
        f"{label} tertulis sebagai angka di Excel ({shown(str(value), 30)}; Excel {lost}, padahal {label} "
        f"{digits} angka); format kolomnya sebagai Teks lalu ketik ulang"
    )


def _split(text: str) -> list[str]:
    """Several items in one cell: by line, else by ``|``, else by ``;``.

    The strongest separator present wins, so a paragraph holding a semicolon stays whole when
    the paragraphs are on their own lines (the watcher's separators, kept as they were).
    """
    separator = next((s for s in _SEPARATORS if s in text), None)
    parts = text.split(separator) if separator else [text]
    return [part.strip() for part in parts if part.strip()]


def _place(data: dict[Any, Any], parts: tuple[str, ...], value: Any) -> None:
    """Put a value at ``a.b.1``; numbered parts are list positions, made lists by :func:`_lists`."""
    target = data
    keys: list[Any] = [parts[0], *(int(p) if p.isdigit() else p for p in parts[1:])]
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


def _lists(data: dict[Any, Any], top: bool = True) -> dict[str, Any] | list[Any]:
    """Numbered parts as lists in numeric order (``isi.2`` before ``isi.10``); gaps close up."""
    out = {key: _lists(value, False) if isinstance(value, dict) else value for key, value in data.items()}
    if not top and out and all(isinstance(key, int) for key in out):
        return [out[key] for key in sorted(out)]
    return out


def _content_key(kind: str, data: Any) -> str:
    """The row's identity when no key column is named: the same content is the same document."""
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{kind}\n{canonical}".encode()).hexdigest()


def _key_problems(key: str, column: str, number: int, seen: dict[str, int]) -> list[BadRow]:
    if not key:
        return [BadRow(number, column, "kunci baris kosong; isi dengan nilai yang berbeda untuk setiap baris")]
    first = seen.setdefault(key, number)
    if first != number:
        message = f"kunci '{shown(key, 40)}' sama dengan baris {first}; setiap baris perlu kunci sendiri"
        return [BadRow(number, column, message)]
    return []


def _columns(fields: tuple[str, ...], cells: dict[str, Any]) -> list[str]:
    """The sheet's columns behind failing field paths: the longest header that is a prefix of each."""
    columns: list[str] = []
    for path in fields:
        if path.startswith("("):  # the request as a whole (a rule between fields)
            continue
        parts = re.findall(r"[^.\[\]]+", path)
        names = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
        column = next((name for name in names if name in cells), ".".join(parts))
        if column not in columns:
            columns.append(column)
    return columns
