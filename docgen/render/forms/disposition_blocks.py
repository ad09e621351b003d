"""The lembar disposisi's blocks, each measured before it is drawn so the sheet can flow.

Each function returns a ``Block``: its height and how to draw it with its top edge at a given y.
Text is set at its layout size and wraps; nothing shrinks or is cut (issue 23), so a block grows
with its values and ``disposition`` decides which page it goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf import draw_qr_path
from docgen.render.forms.disposition_layout import FormLayout
from docgen.render.forms.textfit import wrap_text

__all__ = [
    "GAP",
    "LEAD",
    "PAD",
    "Block",
    "NoteBox",
    "Pen",
    "fields_block",
    "key",
    "later_round_block",
    "round_one_parts",
]

GAP, PAD = 2.5 * mm, 1.3 * mm  # between the sheet's blocks; inside cells
LEAD = 1.2  # line height as a multiple of the type size
_TICKS = {"check": ((0.18, 0.55, 0.42, 0.2), (0.42, 0.2, 0.9, 0.95)), "x": ((0.2, 0.2, 0.8, 0.8), (0.2, 0.8, 0.8, 0.2))}
_BOX_TEXT = 1.2 * mm  # between a checkbox and its label
_ITEM_GAP = 4.0 * mm  # between one checkbox item and the next on a line
_ITEM_SPACE = 0.5 * mm  # between one checklist line and the next


def key(text: str) -> str:
    """Unit and instruction names compare without case or spacing differences."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Block:
    """A measured part of the sheet: ``draw(top)`` puts it with its top edge at ``top``."""

    height: float
    draw: Callable[..., None]  # (top) or, for pieces placed inside another block, (top, left)


@dataclass
class Pen:
    """The canvas with the sheet's fonts and layout, so the block functions stay short."""

    c: Canvas
    regular: str
    bold: str
    lay: FormLayout

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        return wrap_text(text, self.bold if bold else self.regular, size, width) or [""]

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return pdfmetrics.stringWidth(text, self.bold if bold else self.regular, size)

    def text(self, lines: list[str], x: float, top: float, size: float, bold: bool = False, align: str = "l") -> float:
        """Draw ``lines`` from ``top`` down (first baseline about one ascent lower); return their bottom."""
        self.c.setFont(self.bold if bold else self.regular, size)
        draw = {"l": self.c.drawString, "c": self.c.drawCentredString, "r": self.c.drawRightString}[align]
        for i, line in enumerate(lines):
            draw(x, top - size * (0.95 + LEAD * i), line)
        return top - LEAD * size * len(lines)

    def box(self, x: float, y: float, ticked: bool) -> None:
        """A checkbox with its lower-left corner at ``(x, y)``, ticked with a check mark or an X."""
        s = self.lay.checkbox_mm * mm
        self.c.setLineWidth(0.6)
        self.c.rect(x, y, s, s)
        if ticked:
            self.c.saveState()
            self.c.setLineWidth(s * 0.17)
            self.c.setLineCap(1)
            self.c.lines([(x + s * a, y + s * b, x + s * c, y + s * d) for a, b, c, d in _TICKS[self.lay.tick]])
            self.c.restoreState()

    def dotted(self, x1: float, x2: float, y: float) -> None:
        """A line to write on by hand."""
        self.c.setDash(0.6, 1.4)
        self.c.line(x1, y, x2, y)
        self.c.setDash()


def checked(listed: list[str], chosen: list[str]) -> list[tuple[str, bool]]:
    """The listed options, ticked when chosen; a chosen option not listed is added, ticked."""
    wanted = {key(x) for x in chosen}
    extra = list(dict.fromkeys(x.strip() for x in chosen if x.strip() and key(x) not in map(key, listed)))
    return [(x, key(x) in wanted) for x in listed] + [(x, True) for x in extra]


def flow_checks(pen: Pen, items: list[tuple[str, bool]], width: float, size: float) -> Block:
    """Checkbox items side by side, wrapping to further lines; an item too long for a line wraps itself."""
    side, line_h = pen.lay.checkbox_mm * mm, LEAD * size
    placed: list[tuple[float, int, list[str], bool]] = []  # x offset, line index, label lines, ticked
    x, line = 0.0, 0
    for text, ticked in items:
        need = side + _BOX_TEXT + pen.width(text, size)
        if x > 0 and x + need > width:
            x, line = 0.0, line + 1
        lines = pen.wrap(text, width - side - _BOX_TEXT, size) if need > width else [text]
        placed.append((x, line, lines, ticked))
        line += len(lines) - 1
        x = width + 1 if len(lines) > 1 else x + need + _ITEM_GAP
    height = (line + 1) * line_h if placed else line_h

    def draw(top: float, left: float = 0.0) -> None:
        for dx, n, lines, ticked in placed:
            y = top - n * line_h
            pen.box(left + dx, y - size * 0.6 - side / 2, ticked)
            pen.text(lines, left + dx + side + _BOX_TEXT, y, size)

    return Block(height, draw)


def labelled(pen: Pen, rows: list[tuple[str, str]], left: float, width: float, size: float) -> Block:
    """``label : value`` rows as aligned columns; values wrap under themselves, never justified."""
    label_w = max(pen.width(label, size) for label, _ in rows) + 1.2 * mm
    laid = [(label, pen.wrap(value, width - label_w - 2.5 * mm, size)) for label, value in rows]
    height = sum(LEAD * size * len(lines) for _, lines in laid)

    def draw(top: float) -> None:
        y = top
        for label, lines in laid:
            pen.text([label], left, y, size)
            pen.text([":"], left + label_w, y, size)
            if lines == [""]:  # nothing recorded yet: a line to write it on by hand
                pen.dotted(left + label_w + 2.5 * mm, left + width, y - size * 1.05)
            y = pen.text(lines, left + label_w + 2.5 * mm, y, size)

    return Block(height, draw)


@dataclass(frozen=True)
class Field:
    """One cell of the letter's fields: a label, and a value (None for the Sifat checkboxes)."""

    label: str
    value: str | None
    share: float = 0.0  # part of the row's width; 0 shares the row equally


def fields_block(
    pen: Pen, rows: list[list[Field]], sifat: list[tuple[str, bool]], left: float, right: float, *, fit: bool = False
) -> tuple[Block, list[tuple[str, int]]]:
    """The letter's fields as a ruled table of ``label : value`` cells; also each value's line count.

    The label column is the layout's, so labels align down the table; ``fit`` sizes each cell's
    label column to its own label instead (the Indeks/Kode box, whose labels are short)."""
    size = pen.lay.body_size_pt
    laid_rows, counts = [], []
    for row in rows:
        widths = [(right - left) * (f.share or 1 / len(row)) for f in row]
        cells = []
        for cell, width in zip(row, widths, strict=True):
            label_w = pen.width(cell.label, size) + PAD + 2 * mm if fit else pen.lay.label_width_mm * mm
            label = pen.wrap(cell.label, label_w - PAD - 1 * mm, size)
            if cell.value is None:
                value: list[str] | Block = flow_checks(pen, sifat, width - label_w - 2.2 * mm - PAD, size)
                lines_h = value.height
            else:
                value = pen.wrap(cell.value, width - label_w - 2.2 * mm - PAD, size)
                lines_h = LEAD * size * len(value)
                counts.append((cell.label, len(value)))
            cells.append((label, value, max(LEAD * size * len(label), lines_h), width, label_w))
        laid_rows.append((cells, max(c[2] for c in cells) + 2 * PAD))
    height = sum(h for _, h in laid_rows)

    def draw(top: float) -> None:
        y = top
        pen.c.setLineWidth(0.6)
        for cells, row_h in laid_rows:
            x = left
            for i, (label, value, _, width, label_w) in enumerate(cells):
                pen.text(label, x + PAD, y - PAD, size)
                pen.text([":"], x + label_w, y - PAD, size)
                if isinstance(value, Block):
                    value.draw(y - PAD, x + label_w + 2.2 * mm)
                else:
                    pen.text(value, x + label_w + 2.2 * mm, y - PAD, size)
                if i:
                    pen.c.line(x, y, x, y - row_h)
                x += width
            y -= row_h
            pen.c.line(left, y, right, y)
        pen.c.rect(left, y, right - left, top - y)

    return Block(height, draw), counts


def _column(pen: Pen, heading: str, items: list[tuple[str | None, bool]], width: float) -> Block:
    """One checklist box: a bold heading, then one checkbox per line with its label wrapping beside it."""
    size, side = pen.lay.checklist_size_pt, pen.lay.checkbox_mm * mm
    head_lines = pen.wrap(heading, width - 2 * PAD, size + 0.5, bold=True)
    head = LEAD * (size + 0.5) * len(head_lines) + 2 * PAD
    laid = [(pen.wrap(t or "", width - 2 * PAD - side - 1.5 * mm, size), t, ok) for t, ok in items]
    height = head + sum(LEAD * size * len(ls) + _ITEM_SPACE for ls, _, _ in laid) + PAD

    def draw(top: float, x: float = 0.0, bottom: float | None = None) -> None:
        bottom = top - height if bottom is None else bottom
        pen.c.setLineWidth(0.6)
        pen.c.rect(x, bottom, width, top - bottom)
        pen.c.line(x, top - head, x + width, top - head)
        pen.text(head_lines, x + width / 2, top - PAD, size + 0.5, True, "c")
        y = top - head - 0.6 * mm
        for lines, text, ok in laid:
            pen.box(x + PAD, y - size * 0.6 - side / 2, ok)
            if text is None:  # a write-in line, for a unit the list lacks
                pen.dotted(x + PAD + side + 1.5 * mm, x + width - PAD, y - size * 0.95)
            y = pen.text(lines, x + PAD + side + 1.5 * mm, y, size) - _ITEM_SPACE

    return Block(height, draw)


@dataclass(frozen=True)
class NoteBox:
    """A ruled Catatan box: a bold heading and the note's lines; the box may be taller than its lines.

    The first round's Catatan stretches into the first page's spare room; lines it cannot hold
    continue in boxes of their own (heading "Catatan (lanjutan)") on the following pages."""

    pen: Pen
    heading: str
    lines: list[str]
    left: float
    right: float

    @property
    def head(self) -> float:
        return LEAD * self.pen.lay.body_size_pt + 0.5 * mm + PAD

    @property
    def line_h(self) -> float:
        return LEAD * self.pen.lay.note_size_pt

    def height(self, count: int) -> float:
        """The height of a box holding ``count`` lines."""
        return self.head + self.line_h * count + PAD

    def capacity(self, height: float) -> int:
        """How many lines a box ``height`` tall holds."""
        return max(0, int((height - self.head - PAD) // self.line_h))

    def draw(self, top: float, bottom: float, lines: list[str] | None = None) -> None:
        pen, left, right = self.pen, self.left, self.right
        lines = self.lines if lines is None else lines
        pen.c.setLineWidth(0.6)
        pen.c.rect(left, bottom, right - left, top - bottom)
        y = pen.text([self.heading], left + PAD, top - PAD, pen.lay.body_size_pt, True) - 0.5 * mm
        if lines:
            pen.text(lines, left + PAD, y, pen.lay.note_size_pt)
        else:  # a blank sheet gets lines to write on
            for n in range(1, int((y - bottom - PAD) // (6.5 * mm)) + 1):
                pen.dotted(left + PAD, right - PAD, y - n * 6.5 * mm)

    def block(self, lines: list[str]) -> Block:
        """A box of exactly ``lines``, for the pages after the first."""
        height = self.height(len(lines))
        return Block(height, lambda top: self.draw(top, top - height, lines))


def round_one_parts(
    pen: Pen,
    columns: list[tuple[str, list[tuple[str, bool]]]],
    note: str,
    paraf: list[tuple[str, str]],
    by: str,
    qr: tuple[str, str],
    left: float,
    right: float,
) -> tuple[Block, NoteBox, Block]:
    """The first round: the two checklists, the Catatan box with its note, and the paraf block
    (date, batas waktu, paraf, and the QR code)."""
    lay = pen.lay
    col_w = (right - left - GAP) / 2
    blocks = [_column(pen, h, [*items, *[(None, False)] * lay.write_in_lines], col_w) for h, items in columns]
    tallest = max(b.height for b in blocks)

    def draw_checklists(top: float) -> None:
        for i, block in enumerate(blocks):
            block.draw(top, left + i * (col_w + GAP), top - tallest)

    lines = pen.wrap(note.strip(), right - left - 2 * PAD, lay.note_size_pt) if note.strip() else []
    catatan = NoteBox(pen, lay.labels.catatan + ":", lines, left, right)
    return Block(tallest, draw_checklists), catatan, _paraf(pen, paraf, by, qr, left, right)


def _paraf(pen: Pen, rows: list[tuple[str, str]], by: str, qr: tuple[str, str], left: float, right: float) -> Block:
    """QR code and its caption bottom left; date, batas waktu and paraf bottom right."""
    lay, size = pen.lay, pen.lay.body_size_pt
    pw = lay.paraf_width_mm * mm
    px = right - pw
    fields = labelled(pen, rows, px, pw, size)
    by_lines = pen.wrap(f"( {by} )", pw, size)
    right_h = fields.height + lay.paraf_space_mm * mm + LEAD * size * len(by_lines)
    url, caption = qr
    side = lay.qr_size_mm * mm if url else 0.0
    small = lay.small_size_pt
    text_w = max(10 * mm, px - left - side - 4 * mm)
    cap = pen.wrap(caption, text_w, small) if url else []
    link = pen.wrap(url, text_w, small) if url else []
    left_h = max(side, LEAD * small * (len(cap) + len(link)))
    height = max(right_h, left_h)

    def draw(top: float) -> None:
        fields.draw(top)
        base = top - height
        pen.text(by_lines, px + pw / 2, base + LEAD * size * len(by_lines), size, align="c")
        if url:
            draw_qr_path(pen.c, url, left, top - side, side)
            x = left + side + 1 * mm
            y = top - side / 2 + LEAD * small * (len(cap) + len(link)) / 2
            pen.text(link, x, pen.text(cap, x, min(top, y), small), small)

    return Block(height, draw)


def later_round_block(
    pen: Pen,
    heading: str,
    units: list[tuple[str, bool]],
    instructions: list[tuple[str, bool]],
    note: str,
    dates: list[tuple[str, str]],
    left: float,
    right: float,
) -> Block:
    """A later round (disposisi lanjutan) as its own ruled block: heading, its ticks, note, dates, paraf."""
    lay, lab, size = pen.lay, pen.lay.labels, pen.lay.body_size_pt
    inner = right - left - 2 * PAD
    head = pen.wrap(heading, inner, size, bold=True)
    label_w = max(pen.width(t, size) for t in (lab.kepada, lab.harap, lab.catatan)) + 1.2 * mm
    value_x, value_w = PAD + label_w + 2.5 * mm, inner - label_w - 2.5 * mm
    checks = [(lab.kepada, flow_checks(pen, units, value_w, lay.checklist_size_pt)),
              (lab.harap, flow_checks(pen, instructions, value_w, lay.checklist_size_pt))]  # fmt: skip
    note_lines = pen.wrap(note.strip(), value_w, lay.note_size_pt) if note.strip() else []
    note_h = LEAD * lay.note_size_pt * max(1, len(note_lines))
    half = inner / 2
    date_rows = [labelled(pen, [row], 0.0, half - PAD, size) for row in dates]
    dates_h = max(b.height for b in date_rows)
    paraf_h = LEAD * size + lay.paraf_space_mm * mm * 0.6
    head_h = LEAD * size * len(head) + 2 * PAD
    body = sum(b.height + 0.8 * mm for _, b in checks) + note_h + 0.8 * mm + dates_h + paraf_h
    height = head_h + body + PAD

    def draw(top: float) -> None:
        pen.c.setLineWidth(0.6)
        pen.c.rect(left, top - height, right - left, height)
        pen.c.line(left, top - head_h, right, top - head_h)
        pen.text(head, left + PAD, top - PAD, size, True)
        y = top - head_h - 0.8 * mm
        for label, block in checks:
            pen.text([label], left + PAD, y, lay.checklist_size_pt)
            pen.text([":"], left + PAD + label_w, y, lay.checklist_size_pt)
            block.draw(y, left + value_x)
            y -= block.height + 0.8 * mm
        pen.text([lab.catatan], left + PAD, y, size)
        pen.text([":"], left + PAD + label_w, y, size)
        if note_lines:
            pen.text(note_lines, left + value_x, y, lay.note_size_pt)
        else:
            pen.dotted(left + value_x, right - PAD, y - size * 1.05)
        y -= note_h + 0.8 * mm
        for i, block in enumerate(date_rows):
            pen.c.saveState()
            pen.c.translate(left + PAD + i * half, 0)
            block.draw(y)
            pen.c.restoreState()
        y -= dates_h
        px = left + PAD + half
        pen.text([lab.paraf, ""], px, y, size)
        pen.text([":"], px + pen.width(lab.batas_waktu, size) + 1.2 * mm, y, size)

    return Block(height, draw)
