"""Office filters available inside every template (``{{ tgl|tanggal }}``, ``{{ biaya|rupiah }}``).

Templates are written by office staff; the formats Indonesian letters use (dates, rupiah,
terbilang, NIP, Roman numerals) belong in one place, built on ``docgen/text.py``, so every
template prints them the same way the kinds do.

Each filter takes what a template realistically hands it (dates, ISO date text, ints, Decimals,
plain numeric text) and returns a plain ``str``, never ``Markup``, so autoescaping still escapes
it. A value a filter cannot format stops the render with one Indonesian line naming the filter,
the value and the fix, instead of a Python traceback or a silently wrong amount.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Undefined
from jinja2.defaults import DEFAULT_FILTERS

from docgen import text

__all__ = ["OFFICE_FILTERS", "FilterError", "unknown_filter_hint"]

# Money text is a machine number: "1250000" or "1250000.50". Indonesian grouping ("1.250.000",
# "1.250.000,50") is refused: "1.250" would be 1,25 to Python and 1250 to a reader, and money is
# never guessed. A dot followed by one or two digits cannot be a thousands group, so it is safe.
_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
_INTEGER = re.compile(r"-?[0-9]+")
_UNKNOWN = re.compile(r"No filter named '([^']*)'")
_SHOWN = 40  # characters of a refused value quoted in the message


class FilterError(ValueError):
    """A filter was handed a value it cannot format; the message is one line for office staff."""


def _shown(value: object) -> str:
    """The refused value, quoted, on one line and short enough to read in a message."""
    shown = " ".join((repr(value) if isinstance(value, str) else str(value)).split())
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."


def _as_date(value: object) -> date:
    """Dates from a request are ``date`` objects; text typed into a template is ISO ``2026-11-28``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise ValueError(value)


def _as_int(value: object) -> int:
    """Whole numbers only: a fraction in words or Roman numerals would silently drop its part."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise ValueError(value)


def _as_amount(value: object) -> int | Decimal:
    """Floats are refused as ``text.rupiah`` does: binary rounding can change the last sen."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, str) and _AMOUNT.fullmatch(value.strip()):
        return Decimal(value.strip())
    raise ValueError(value)


def _as_month(value: object) -> int:
    """``{{ tgl|bulan_romawi }}`` is what a nomor surat needs, so a date gives its month."""
    try:
        return _as_date(value).month
    except ValueError:
        return _as_int(value)


def _as_nip(value: object) -> str:
    """A NIP read from a spreadsheet may arrive as an int; it never starts with zero."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(value)


def _filter(name: str, read: Callable[[Any], Any], write: Callable[[Any], str], fix: str) -> Callable[[Any], str]:
    """A filter that reads its value, formats it, and turns any refusal into one FilterError line."""

    def apply(value: Any) -> str:
        if isinstance(value, Undefined):
            str(value)  # StrictUndefined: the render's own "'x' is undefined" error names the variable
        try:
            return str(write(read(value)))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise FilterError(f"filter {name} tidak bisa memformat {_shown(value)}: {fix}") from exc

    apply.__name__ = apply.__qualname__ = name
    return apply


_DATE = "berikan tanggal seperti 2026-11-28"
_MONEY = "berikan angka tanpa titik ribuan seperti 1250000 (dengan sen: 1250000.50)"
_WHOLE = "berikan bilangan bulat tanpa titik ribuan seperti 1250000"


def _lampiran(value: Any, satuan: Any = "berkas") -> str:
    """``{{ jumlah|lampiran }}`` -> ``2 (dua) berkas``; ``{{ jumlah|lampiran("lembar") }}`` names the unit."""
    return _filter(
        "lampiran",
        _as_int,
        lambda n: text.jumlah_lampiran(n, str(satuan)),
        "berikan jumlah berkas 0 atau lebih, seperti 2",
    )(value)


OFFICE_FILTERS: dict[str, Callable[..., str]] = {
    "tanggal": _filter("tanggal", _as_date, text.tanggal, _DATE),
    "tanggal_hari": _filter("tanggal_hari", _as_date, text.tanggal_hari, _DATE),
    "tanggal_terbilang": _filter("tanggal_terbilang", _as_date, text.tanggal_terbilang, _DATE),
    "hari_tanggal_terbilang": _filter("hari_tanggal_terbilang", _as_date, text.hari_tanggal_terbilang, _DATE),
    "rupiah": _filter("rupiah", _as_amount, text.rupiah, _MONEY),
    "terbilang_rupiah": _filter("terbilang_rupiah", _as_amount, text.terbilang_rupiah, _MONEY),
    "terbilang": _filter("terbilang", _as_int, text.terbilang, _WHOLE),
    "romawi": _filter("romawi", _as_int, text.romawi, "berikan bilangan bulat 1 sampai 3999"),
    "bulan_romawi": _filter(
        "bulan_romawi", _as_month, text.bulan_romawi, "berikan bulan 1 sampai 12 atau tanggal seperti 2026-11-28"
    ),
    "nip": _filter("nip", _as_nip, text.format_nip, "berikan 18 angka NIP seperti 197001011990031001"),
    "lampiran": _lampiran,
}


def unknown_filter_hint(exc: Exception) -> str | None:
    """Turn Jinja's "No filter named 'rupia'" into the filters staff could have meant.

    A misspelt filter is the likeliest typo in a template edited in Word; naming the nearest
    filter first lets staff fix it without reading this module. ``None`` when ``exc`` is not about
    an unknown filter, so callers can fall back to their own message.
    """
    match = _UNKNOWN.search(str(exc))
    if match is None:
        return None
    name = match.group(1)
    office = list(OFFICE_FILTERS)
    close = difflib.get_close_matches(name, office + sorted(set(DEFAULT_FILTERS) - set(office)), n=3)
    listed = close + [f for f in office if f not in close]
    return f"filter {_shown(name)} tidak dikenal; yang tersedia: {', '.join(listed)}"
