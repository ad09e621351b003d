"""The kop as it is printed: the profile's lines, broken the same way in every output.

The Word kinds, the drawn forms, the disposition sheet and the packet cover each print the kop
with their own engine. If each wrapped a long agency name by itself, one would print "DINAS
PENANAMAN MODAL DAN / PELAYANAN TERPADU SATU PINTU" and another "DINAS PENANAMAN MODAL DAN
PELAYANAN / TERPADU SATU PINTU". So the lines are broken here, once, with Arial's metrics (Arial,
Liberation Sans and Helvetica share their widths), to a column narrow enough for every paper;
each engine prints the resulting lines as they are, one printed line each, never wrapping again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docgen.profile.office import Letterhead
from docgen.profile.page import KOP_WIDTH_MM

__all__ = [
    "EMBLEM_COLUMN_MM",
    "KOP_TEXT_MM",
    "KopLine",
    "PrintedKop",
    "kop_overflow",
    "office_address",
    "office_contact",
    "printed_kop",
]

_MM = 72 / 25.4  # points per millimetre
#: The emblem's column, left of the kop's text; the text column is what remains of the kop width.
EMBLEM_COLUMN_MM = 25.0
#: The width every kop line must fit, on every paper: A4's text width less the emblem's column,
#: with a millimetre spare on each side for the engines' own rounding.
KOP_TEXT_MM = KOP_WIDTH_MM - EMBLEM_COLUMN_MM - 2.0


@dataclass(frozen=True)
class KopLine:
    """One printed line of the kop: its text, its size and whether it is bold."""

    text: str
    size_pt: float
    bold: bool

    @property
    def half_points(self) -> int:
        """The size as Word writes it (``w:sz`` counts half points)."""
        return round(self.size_pt * 2)


@dataclass(frozen=True)
class PrintedKop:
    """The kop top to bottom: the name lines (bold), then the address and contact lines."""

    names: tuple[KopLine, ...]
    details: tuple[KopLine, ...]

    @property
    def lines(self) -> tuple[KopLine, ...]:
        return self.names + self.details


def _width_mm(text: str, size: float, bold: bool) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth  # loaded only when a kop is printed

    return stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size) / _MM


def _balanced(words: list[str], size: float, bold: bool) -> list[str]:
    """The fewest lines that fit, with the breaks that make the widest of them narrowest.

    A kop line is a handful of words, so trying every split is cheap; a word wider than the
    column by itself stays on its own line (the profile check refuses such a kop).
    """
    if any(_width_mm(word, size, bold) > KOP_TEXT_MM for word in words):
        return list(words)
    for count in range(1, len(words) + 1):
        candidates = _splits(words, count)
        fitting = [c for c in candidates if max(_width_mm(line, size, bold) for line in c) <= KOP_TEXT_MM]
        if fitting:
            return min(fitting, key=lambda c: max(_width_mm(line, size, bold) for line in c))
    return list(words)  # not reached: one word per line always fits once no word is too wide


def _splits(words: list[str], count: int) -> list[list[str]]:
    if count == 1:
        return [[" ".join(words)]]
    out: list[list[str]] = []
    for cut in range(1, len(words) - count + 2):
        head = " ".join(words[:cut])
        out.extend([head, *rest] for rest in _splits(words[cut:], count - 1))
    return out


def office_contact(office: Letterhead) -> str:
    """One contact line: telephone, e-mail (pos-el) and website (laman), as the kop prints them."""
    parts = [
        f"Telepon {office.phone}" if office.phone else "",
        f"Pos-el {office.email}" if office.email else "",
        f"Laman {office.website}" if office.website else "",
    ]
    return ", ".join(p for p in parts if p)


def office_address(office: Letterhead) -> str:
    """The street address with the postal code."""
    return office.address + (f" {office.postal_code}" if office.postal_code else "")


def printed_kop(office: Letterhead) -> PrintedKop:
    """The kop's printed lines for this office (or an agency), the same for every document and engine."""
    return _printed(
        tuple(office.kop),
        tuple(office.kop_sizes_pt),
        office.kop_detail_size_pt,
        office_address(office),
        office_contact(office),
    )


@lru_cache(maxsize=32)  # a profile's kop is printed on every page; the lines are worked out once
def _printed(
    kop: tuple[str, ...], sizes: tuple[float, ...], detail_size: float, address: str, contact: str
) -> PrintedKop:
    names: list[KopLine] = []
    for index, line in enumerate(kop):
        size = sizes[min(index, len(sizes) - 1)]
        names += [KopLine(text, size, True) for text in _balanced(line.split(), size, True)]
    details: list[KopLine] = []
    for text in (address, contact):
        if text:
            details += [KopLine(part, detail_size, False) for part in _balanced(text.split(), detail_size, False)]
    return PrintedKop(tuple(names), tuple(details))


def kop_overflow(office: Letterhead) -> str | None:
    """The first kop word too wide for the kop's column at its size, or None when all fit."""
    for line in printed_kop(office).lines:
        if _width_mm(line.text, line.size_pt, line.bold) > KOP_TEXT_MM:
            return line.text
    return None
