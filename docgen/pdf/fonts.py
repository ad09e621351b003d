"""The one font every PDF docgen draws itself is set in: Liberation Sans, embedded.

Forms, the disposition sheet, the packet cover, the stamp's marks and the verification footer
are drawn with reportlab. Its default Helvetica is one of the "standard 14" fonts that a PDF
names without embedding; an archive copy (PDF/A) must embed every font, and a viewer without
Helvetica substitutes another with other widths. Liberation Sans has Arial's metrics, so text
measured for the Word kinds (set in Arial, printed by LibreOffice in Liberation Sans) measures
the same here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["binary_streams", "embedded_fonts", "font_file"]

_LIBERATION = Path("/usr/share/fonts/truetype/liberation")


@functools.cache
def embedded_fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with reportlab: Liberation Sans, embedded.

    Without Debian's fonts-liberation it falls back to Helvetica, which is not embedded (viewers
    substitute it) and covers Latin-1 only; `make test` installs the fonts, and the layout checker
    fails a PDF with a font that is not embedded.
    """
    files = {"LiberationSans": "LiberationSans-Regular.ttf", "LiberationSans-Bold": "LiberationSans-Bold.ttf"}
    if not all((_LIBERATION / f).is_file() for f in files.values()):
        return "Helvetica", "Helvetica-Bold"
    for name, file in files.items():
        pdfmetrics.registerFont(TTFont(name, str(_LIBERATION / file)))
    return "LiberationSans", "LiberationSans-Bold"


def font_file(*, bold: bool = False) -> Path | None:
    """The Liberation Sans file itself, for what embeds it without reportlab (the drawn cap's
    letters in Pillow, the visible TTE signature in pyHanko); None without fonts-liberation."""
    path = _LIBERATION / ("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf")
    return path if path.is_file() else None


@contextmanager
def binary_streams() -> Iterator[None]:
    """Streams flate-compressed only: reportlab's default ASCII85 on top (for 7-bit channels) costs
    ~2 ms a page in pure Python and a quarter more bytes."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before
