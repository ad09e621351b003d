"""Text set in a box form's frames: fitted (shrunk, wrapped, then cut), aligned and numbered.

Both the static layer (labels, borders) and each page (values, footer) draw through these, so a
label and a value in boxes of the same settings look the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.render.boxlayout import LEAD, Box, Frame
from docgen.render.textfit import cut_line, fit_text, wrap_text

__all__ = ["draw_border", "draw_text", "fit_list", "place"]


def draw_border(c: Canvas, frame: Frame, height: float) -> None:
    if frame.border:
        c.setLineWidth(frame.border)
        c.rect(frame.x_mm * mm, height - (frame.y_mm + frame.h_mm) * mm, frame.w_mm * mm, frame.h_mm * mm)


def draw_text(
    c: Canvas, frame: Frame, fonts: Mapping[str, tuple[str, str]], default: str, height: float, text: str
) -> None:
    """Fit ``text`` into the frame (see ``Box.fit``) and draw it, never past the frame's padding."""
    font = fonts[frame.font or default][frame.bold]
    width, room = (frame.w_mm - 2 * frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    top_size = min(frame.size_pt, room / LEAD)
    floor = min(frame.min_size_pt, top_size)
    if isinstance(frame, Box) and frame.fit == "shrink":
        size, lines = fit_text(" ".join(text.split()), font, top_size, floor, width, most=1)
    else:
        size, lines = fit_text(text, font, top_size, floor, width, height=room)
    place(c, frame, font, size, [(0.0, line) for line in lines], height)


def fit_list(
    items: Sequence[str], font: str, size: float, floor: float, width: float, room: float
) -> tuple[float, float, list[tuple[float, str]]]:
    """Numbered items with hanging lines, shrunk together; at the floor what fits, cut with an ellipsis.

    An item's first line carries minus its number as offset, so ``place`` prints the number."""
    while True:
        indent = pdfmetrics.stringWidth(f"{len(items)}. ", font, size) + 0.5 * mm
        laid: list[tuple[float, str]] = []
        for n, item in enumerate(items, start=1):
            wrapped = wrap_text(item, font, size, width - indent) or [""]
            laid += [(-float(n), wrapped[0]), *((indent, line) for line in wrapped[1:])]
        keep = int(room // (LEAD * size))
        if len(laid) <= keep or size <= floor:
            break
        size = max(floor, size - 0.5)
    if len(laid) > keep:
        offset, text = laid[keep - 1]
        laid = [*laid[: keep - 1], (offset, cut_line(text, font, size, width - indent))]
    return size, indent, laid


def place(
    c: Canvas, frame: Frame, font: str, size: float, lines: list[tuple[float, str]], height: float, indent: float = 0
) -> None:
    """Draw fitted lines in the frame, aligned and vertically placed; negative offsets number list items."""
    left, width = (frame.x_mm + frame.pad_mm) * mm, (frame.w_mm - 2 * frame.pad_mm) * mm
    top, room = height - (frame.y_mm + frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    block = LEAD * size * len(lines)
    top -= {"top": 0.0, "middle": (room - block) / 2, "bottom": room - block}[frame.valign]
    c.setFont(font, size)
    for i, (offset, line) in enumerate(lines):
        y = top - size * (0.95 + LEAD * i)
        if offset < 0:  # the first line of list item -offset
            c.drawString(left, y, f"{int(-offset)}.")
            offset = indent
        x, span = left + offset, width - offset
        if frame.align == "center":
            c.drawCentredString(x + span / 2, y, line)
        elif frame.align == "right":
            c.drawRightString(x + span, y, line)
        elif frame.align == "justify" and i < len(lines) - 1 and len(line.split()) > 1:
            words = line.split()
            gap = (span - sum(pdfmetrics.stringWidth(w, font, size) for w in words)) / (len(words) - 1)
            for word in words:
                c.drawString(x, y, word)
                x += pdfmetrics.stringWidth(word, font, size) + gap
        else:
            c.drawString(x, y, line)
