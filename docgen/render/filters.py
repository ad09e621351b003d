"""Office filters available inside every template (``{{ tanggal|tgl }}``, ``{{ biaya|rupiah }}``).

Templates are written by office staff; the formats Indonesian letters use (dates, rupiah,
terbilang, NIP, Roman numerals) belong in one place, built on ``docgen/text.py``, so every
template prints them the same way the kinds do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["OFFICE_FILTERS"]

OFFICE_FILTERS: dict[str, Callable[..., Any]] = {}
