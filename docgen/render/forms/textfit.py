"""Fitting text into boxes on reportlab forms: embedded fonts, word wrap, shrink-to-fit.

Forms printed in volume (the lembar disposisi, certificates, permits, SPP/SPM) take values of
any length; these helpers wrap and shrink a value into its cell, down to a floor. The box forms
never cut (``shrink_wrap`` says when text does not fit, so the request is refused before a
number is taken); ``fit_text`` still cuts with an ellipsis for the disposition sheet.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

from reportlab.pdfbase import pdfmetrics

__all__ = ["Fitted", "cut_line", "fit_text", "shrink_wrap", "words_of", "wrap_text"]

Fitted = tuple[float, list[str]]  # the size text was set in, and its lines
_SPACES = re.compile(r"[ \t]+")  # where a line may break: not at a no-break space (U+00A0, "48\u00a0m²")


def words_of(text: str) -> list[str]:
    """The words of one line, split at spaces and tabs only: a no-break space binds a number to its
    unit (``4\u00a0m``), which Python's ``str.split()`` would part."""
    return [w for w in _SPACES.split(text) if w]


def _greedy(words: list[str], font: str, size: float, width: float) -> list[str]:
    """Words joined into lines no wider than ``width`` (a word alone on its line may be wider)."""
    lines: list[str] = []
    space = pdfmetrics.stringWidth(" ", font, size)
    line: list[str] = []
    used = -space
    for word in words:
        wide = pdfmetrics.stringWidth(word, font, size)
        if line and used + space + wide > width:
            lines.append(" ".join(line))
            line, used = [], -space
        line.append(word)
        used += space + wide
    return [*lines, " ".join(line)] if line else lines


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap keeping newlines; a word wider than the line (a URL) breaks by letter. Control
    characters become spaces; glyphs the font lacks print as boxes; Arabic is not shaped or reordered."""
    text = "".join(" " if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text.replace("\r\n", "\n"))
    lines: list[str] = []
    for para in text.split("\n"):
        words: list[str] = []
        for word in words_of(para):
            while pdfmetrics.stringWidth(word, font, size) > width:  # no kerning: widths add up by letter
                cut = max(1, sum(w <= width for w in accumulate(pdfmetrics.stringWidth(c, font, size) for c in word)))
                soft = max((i + 1 for i, c in enumerate(word[:cut]) if c in "/.-_,;"), default=0)
                cut = soft if soft > cut // 2 else cut  # a number breaks after a slash or dot, if one is near
                words, word = [*words, word[:cut]], word[cut:]
            words.append(word)
        lines += _greedy(words, font, size, width) or [""]
    return lines


def shrink_wrap(
    text: str, font: str, size: float, floor: float, width: float, *, keep: int = 0, height: float = 0
) -> Fitted | None:
    """The largest size from ``size`` down to ``floor`` (half-point steps) at which ``text`` wraps
    into ``keep`` lines (or into ``height`` points); None when it does not fit even at the floor."""
    while True:
        lines = wrap_text(text, font, size, width)
        if len(lines) <= (keep or int(height / (1.2 * size) + 1e-6)):
            return size, lines
        if size <= floor:
            return None
        size = max(floor, size - 0.5)


def fit_text(text: str, font: str, size: float, floor: float, width: float, most: int = 0, height: float = 0) -> Fitted:
    """Shrink from ``size`` towards ``floor`` until ``text`` wraps into ``most`` lines (or into
    ``height``); at the floor keep what fits, the last line ending in an ellipsis to show the cut."""
    while True:
        lines, keep = wrap_text(text, font, size, width), most or int(height // (1.2 * size))
        if len(lines) <= keep or size <= floor:
            break
        size = max(floor, size - 0.5)
    if len(lines) <= keep or keep <= 0:
        return size, lines[: max(keep, 0)]
    return size, [*lines[: keep - 1], cut_line(lines[keep - 1], font, size, width)]


def cut_line(line: str, font: str, size: float, width: float) -> str:
    """``line`` ending in an ellipsis, shortened until both fit ``width``: the mark of text cut off."""
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"
