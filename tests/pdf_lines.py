"""Where a PDF prints its text: lines per page with their boxes (poppler) and sizes (pypdf).

Shared by tests that check a page's layout the way a reader sees it: which page a line is on,
where it starts, how far apart its words are, how big its letters are.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    y0: float  # from the top of the page, in points
    y1: float
    words: tuple[tuple[str, float, float], ...]  # (text, xMin, xMax)


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def lines_with(self, text: str) -> list[Line]:
        return [line for line in self.lines if text in line.text]


def read_pages(pdf: Path) -> list[Page]:
    """Every page's printed lines, from the words ``pdftotext -bbox-layout`` places.

    Words are grouped by their baseline, not by poppler's own lines: a justified line's wide gaps
    make poppler cut it into several "lines", and a label, its colon and its value sit in
    separate table cells; a reader sees one line either way.
    """
    done = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True)
    root = etree.fromstring(done.stdout, etree.XMLParser(recover=True))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//h:page", ns):
        words = sorted(
            (float(w.get("yMax")), float(w.get("xMin")), float(w.get("xMax")), float(w.get("yMin")), w.text or "")
            for w in page.iterfind(".//h:word", ns)
        )
        rows: list[list[tuple[float, float, float, float, str]]] = []
        for word in words:
            if rows and abs(rows[-1][0][0] - word[0]) < 2:
                rows[-1].append(word)
            else:
                rows.append([word])
        lines = []
        for row in rows:
            row.sort(key=lambda w: w[1])
            lines.append(
                Line(
                    " ".join(w[4] for w in row),
                    row[0][1],
                    max(w[2] for w in row),
                    min(w[3] for w in row),
                    max(w[0] for w in row),
                    tuple((w[4], w[1], w[2]) for w in row),
                )
            )
        pages.append(Page(float(page.get("width")), float(page.get("height")), tuple(lines)))
    return pages


def page_of(pages: list[Page], text: str) -> int:
    """The 1-based page holding ``text`` in one line; it must be there exactly once."""
    found = [n for n, page in enumerate(pages, 1) for line in page.lines if text in line.text]
    assert len(found) == 1, f"{text!r} found on pages {found}"
    return found[0]


def text_sizes(pdf: Path) -> list[tuple[str, float]]:
    """(text, size in points as printed) of every piece of text, from pypdf's text visitor."""
    from pypdf import PdfReader

    found: list[tuple[str, float]] = []
    for page in PdfReader(pdf).pages:

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
            if text.strip():
                scale = (tm[2] * cm[1] + tm[3] * cm[3]) if tm and cm else 1.0
                found.append((text.strip(), abs(size * scale)))

        page.extract_text(visitor_text=visit)
    return found
