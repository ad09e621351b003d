"""Reading a finished PDF for the layout checker: text runs with their place and size, page furniture.

pdfplumber gives each character with its position, size and font; this module groups them into
runs of one baseline (cut where a wide gap separates table cells) and knows what a page carries
besides its content (kop, page number, RAHASIA marks, the QR footer), so the rules in
``layoutcheck`` can look at the content alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4  # points per millimetre
MIN_PT = 7.95  # "nothing smaller than 8 pt": a size printed as 8 may be stored as 7.99...

__all__ = [
    "ENUM",
    "MIN_PT",
    "MM",
    "Document",
    "Finding",
    "Furniture",
    "Line",
    "Page",
    "content",
    "item",
    "norm",
    "read_layout",
]


@dataclass(frozen=True)
class Finding:
    """One thing a clerk would send back: the page (1-based; 0 = the whole file), the rule, the text."""

    page: int
    rule: str
    text: str

    def __str__(self) -> str:
        where = f"halaman {self.page}" if self.page else "berkas"
        return f"{where}: {self.rule}: {self.text}"


@dataclass(frozen=True)
class Line:
    """A run of text on one baseline, cut where a wide gap separates columns (a table's cells).

    ``row`` numbers the baselines of a page top to bottom: the cells of one table row share it.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the smallest character size in the run, in points
    row: int


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Document:
    path: Path
    pages: tuple[Page, ...]


def norm(text: str) -> str:
    """Text compared as a reader compares it: case and every space ignored, end punctuation too.

    Without spaces a NIP printed "19780512 200501 1 002" equals the unspaced one, and a jabatan
    wrapped over three lines is three pieces of the one line the profile holds.
    """
    return re.sub(r"\s+", "", text).casefold().strip(".,;:")


ENUM = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-\u2022])\s+")


def item(text: str) -> str:
    """A listed item without its printed number or letter ("1. ", "a. ", "- ")."""
    return norm(ENUM.sub("", text))


# -- reading ---------------------------------------------------------------------------------


def read_layout(pdf: Path) -> Document:
    """Every page's text runs with their positions and smallest size (pdfplumber's characters)."""
    try:
        import pdfplumber
    except ImportError:  # an environment made before the [test] extra listed it
        from conftest import unavailable

        unavailable("pdfplumber tidak terpasang (jalankan .venv/bin/pip install -e '.[test]')")

    pages: list[Page] = []
    with pdfplumber.open(pdf) as doc:
        for index, page in enumerate(doc.pages, start=1):
            chars = [c for c in page.chars if c.get("upright", True) and c["text"] != "\x00"]
            pages.append(Page(index, float(page.width), float(page.height), tuple(_lines(chars))))
    return Document(Path(pdf), tuple(pages))


def _lines(chars: list[dict]) -> list[Line]:
    """Group characters by baseline, then split each baseline where a gap is wider than 2 em."""
    rows: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - char["bottom"]) <= max(1.5, 0.2 * char["size"]):
            rows[-1].append(char)
        else:
            rows.append([char])
    lines: list[Line] = []
    for number, row in enumerate(rows):
        row.sort(key=lambda c: c["x0"])
        run: list[dict] = []
        for char in row:
            if run and char["x0"] - run[-1]["x1"] > 2 * max(char["size"], run[-1]["size"]):
                lines += _line(run, number)
                run = []
            run.append(char)
        lines += _line(run, number)
    return lines


def _line(run: list[dict], row: int) -> list[Line]:
    text = ""
    last: dict | None = None
    for char in run:
        if last is not None and char["x0"] - last["x1"] > 0.2 * char["size"] and not text.endswith(" "):
            text += " "  # a gap without a space character (some engines position each word)
        text += char["text"]
        last = char
    text = " ".join(text.split())
    if not text:
        return []
    inked = [c for c in run if c["text"].strip()]
    return [
        Line(
            text=text,
            x0=min(c["x0"] for c in inked),
            x1=max(c["x1"] for c in inked),
            top=min(c["top"] for c in inked),
            bottom=max(c["bottom"] for c in inked),
            size=min(float(c["size"]) for c in inked),
            row=row,
        )
    ]


# -- what every page carries besides its content ---------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """What a page carries that is not its content: kop, page number, RAHASIA marks, QR footer.

    ``footer`` holds the footer's wording with ``{office}``, ``{number}`` and ``{url}`` left in
    (the profile's ``verification.footer``); a printed line belongs to the footer when every word
    of it is a word of that wording, of ``office``, or a number/address (letters with digits,
    ``/`` or ``http``). ``label`` gives page n's printed number.
    """

    kop: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    office: str = ""
    marks: tuple[str, ...] = ("RAHASIA",)
    label: Callable[[int], str] | None = None
    footer_band_mm: float = 60.0  # the footer sits at the foot of the page: a body line is never taken for it
    _vocabulary: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = " ".join([*self.footer, self.office]).replace("{office}", " ").replace("{number}", " ")
        words = words.replace("{url}", " ")
        object.__setattr__(self, "_vocabulary", frozenset(_words(words)))

    def holds(self, page: Page, line: Line) -> bool:
        text = norm(line.text)
        if self.label is not None and text == norm(self.label(page.number)):
            return True
        if text in {norm(m) for m in self.marks}:
            return True
        if page.number == 1 and text in {norm(k) for k in self.kop}:
            return True
        return line.bottom >= page.height - self.footer_band_mm * MM and self._in_footer(line.text)

    def _in_footer(self, text: str) -> bool:
        if not self._vocabulary:
            return False
        words = _words(text)
        return bool(words) and all(w in self._vocabulary or _filled(w) for w in words)


def _words(text: str) -> list[str]:
    return [w.casefold().strip(".,;:()") for w in text.split() if w.strip(".,;:()")]


def _filled(word: str) -> bool:
    """A word a footer placeholder put there: the document's number or its verification address."""
    return "http" in word or "/" in word or any(ch.isdigit() for ch in word)


def content(page: Page, furniture: Furniture | None) -> list[Line]:
    return [line for line in page.lines if furniture is None or not furniture.holds(page, line)]
