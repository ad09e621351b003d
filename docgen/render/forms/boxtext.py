"""Text set in a box form's frames: fitted (wrapped, then shrunk to the floor, never cut), aligned, numbered.

Both the static layer (labels, borders) and each page (values, footer) draw through these, so a
label and a value in boxes of the same settings look the same. They also share the embedded
fonts: a TrueType subset costs ~1 ms to cut and ~20 KB per face, so the ASCII subset of each
face is cut and compressed once per process (``PageFonts``) and embedded once per page, for
the static layer and the values alike; only characters beyond ASCII get a subset of their own.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from docgen.render.forms.boxlayout import LEAD, Box, Frame
from docgen.render.forms.textfit import shrink_wrap, words_of, wrap_text

__all__ = [
    "Chunks",
    "Laid",
    "PageFonts",
    "Raw",
    "draw_border",
    "fit_list",
    "lay_list",
    "lay_text",
    "place",
    "raw_family",
    "shared_base_fonts",
]

Chunks = tuple[bytes | int, ...]  # a serialised PDF object; ints are references to others of its family
_ASCII_END = 256  # subset 0 holds ASCII only (reportlab's readable layout); other characters start at 256
_PAGE_TAG = 1000  # subset tags for a page's own non-ASCII subsets, apart from the static layer's


class Raw(pdfdoc.PDFObject):
    """A serialised object in a reportlab document; references get numbers as they are written."""

    __RefOnly__ = 1  # always written as an object of its own, referred to where it is used

    def __init__(self, chunks: Chunks, family: list[Raw]) -> None:
        self.chunks, self.family = chunks, family

    def format(self, document: Any) -> bytes:
        return b"".join(
            c if isinstance(c, bytes) else document.Reference(self.family[c]).format(document) for c in self.chunks
        )


def raw_family(objects: Iterable[Chunks]) -> list[Raw]:
    """Fresh objects for one document (reportlab names an object once, for the document it joins)."""
    members: list[Raw] = []
    members.extend(Raw(chunks, members) for chunks in objects)
    return members


def _base_font(name: str, tag: int) -> bytes:
    face = pdfmetrics.getFont(name).face
    return SUBSETN(tag) + b"+" + face.name + face.subfontNameX


def shared_base_fonts(names: Iterable[str]) -> dict[str, str]:
    """``/BaseFont`` of each TrueType font's shared ASCII subset, mapped to the font's name."""
    return {
        "/" + _base_font(n, 0).decode("latin-1"): n for n in set(names) if isinstance(pdfmetrics.getFont(n), TTFont)
    }


@functools.lru_cache(maxsize=256)
def _font_objects(name: str, tag: int, subset: tuple[int, ...]) -> tuple[Chunks, ...]:
    """One TrueType subset as PDF objects (font, ToUnicode map, descriptor, font file), made as
    reportlab's ``TTFont.addObjects`` makes them, but once per process instead of once per page."""
    face = pdfmetrics.getFont(name).face
    base = _base_font(name, tag)
    widths = " ".join(str(face.getCharWidth(code)) for code in subset)
    cmap = zlib.compress(makeToUnicodeCMap(base.decode("latin-1"), list(subset)).encode("latin-1"))
    data = face.makeSubset(list(subset))
    packed = zlib.compress(data)
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    bbox = " ".join(str(v) for v in face.bbox)
    descriptor = (
        f"/Flags {flags}/FontBBox[{bbox}]/ItalicAngle {face.italicAngle}/StemV {face.stemV}"
        f"/MissingWidth {face.defaultWidth}/Ascent {face.ascent}/CapHeight {face.capHeight}/Descent {face.descent}"
    )
    return (
        (
            b"<</Type/Font/Subtype/TrueType/BaseFont/" + base,
            f"/FirstChar 0/LastChar {len(subset) - 1}/Widths[{widths}]/ToUnicode ".encode(),
            1,
            b"/FontDescriptor ",
            2,
            b">>",
        ),
        (f"<</Filter/FlateDecode/Length {len(cmap)}>>\nstream\n".encode() + cmap + b"\nendstream",),
        (b"<</Type/FontDescriptor/FontName/" + base + descriptor.encode() + b"/FontFile2 ", 3, b">>"),
        (
            f"<</Filter/FlateDecode/Length1 {len(data)}/Length {len(packed)}>>\nstream\n".encode()
            + packed
            + b"\nendstream",
        ),
    )


class PageFonts:
    """The TrueType fonts of one canvas, embedded by us instead of by reportlab.

    Made before anything is drawn, it fixes each face's subset 0 to ASCII, so that subset is the
    same on every page: its objects come ready from ``_font_objects`` and the static layer's text
    refers to the very same objects (``shared``). ``finish`` must run before ``Canvas.save``.
    """

    def __init__(self, c: Canvas, names: Iterable[str]) -> None:
        self.doc = c._doc
        self.fonts = {n: f for n in dict.fromkeys(names) if isinstance(f := pdfmetrics.getFont(n), TTFont)}
        self.ascii: dict[str, tuple[int, ...]] = {}
        self.roots: dict[str, Raw] = {}
        for name, font in self.fonts.items():
            state = font._assignState(self.doc, asciiReadable=1)
            state.nextCode = _ASCII_END
            self.ascii[name] = tuple(state.subsets[0])

    def shared(self, name: str) -> Raw:
        """The font object of ``name``'s ASCII subset on this page."""
        if name not in self.roots:
            self.roots[name] = raw_family(_font_objects(name, 0, self.ascii[name]))[0]
        return self.roots[name]

    def finish(self, *, tag: int = _PAGE_TAG) -> None:
        """Put the subsets the page used into its font resources, in place of reportlab's own."""
        fonts = self.doc.idToObject["BasicFonts"].dict
        for name, font in self.fonts.items():
            state = font.state.pop(self.doc, None)
            if state is None or state.internalName is None:
                continue  # not drawn with on this canvas
            self.doc.delayedFonts.remove(font)
            for n, subset in enumerate(state.subsets):
                root = self.shared(name) if n == 0 else raw_family(_font_objects(name, tag + n, tuple(subset)))[0]
                internal = f"{state.internalName}+{n}"
                self.doc.Reference(root, internal)
                fonts[internal] = root


def draw_border(c: Canvas, frame: Frame, height: float) -> None:
    if frame.border:
        c.setLineWidth(frame.border)
        c.rect(frame.x_mm * mm, height - (frame.y_mm + frame.h_mm) * mm, frame.w_mm * mm, frame.h_mm * mm)


Line = tuple[float, str, bool]  # offset from the left (negative: list item -offset's number), text, stretch


@dataclass(frozen=True)
class Laid:
    """Text fitted into a frame: its font and size, its lines, the hanging indent of list items."""

    font: str
    size: float
    lines: tuple[Line, ...]
    indent: float = 0.0


def _room(frame: Frame) -> tuple[float, float]:
    """Width and height (pt) inside the frame's padding."""
    return (frame.w_mm - 2 * frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm


def _sizes(frame: Frame, room: float) -> tuple[float, float]:
    """The largest size the frame sets and its floor; the layout check keeps both at 8 pt or more."""
    floor = frame.min_size_pt
    return max(floor, min(frame.size_pt, room / LEAD)), floor


def lay_text(frame: Frame, fonts: Mapping[str, tuple[str, str]], default: str, text: str) -> Laid | None:
    """``text`` fitted into the frame (see ``Box.fit``), or None when it does not fit at the floor:
    the box forms never shrink below it nor cut, the request is refused instead."""
    font = fonts[frame.font or default][frame.bold]
    width, room = _room(frame)
    size, floor = _sizes(frame, room)
    shrink = isinstance(frame, Box) and frame.fit == "shrink"
    return _laid(text, font, size, floor, width, room, shrink, frame.align == "justify")


@functools.lru_cache(maxsize=4096)
def _laid(
    text: str, font: str, size: float, floor: float, width: float, room: float, shrink: bool, justify: bool
) -> Laid | None:
    """Fitting costs more than drawing; the pipeline fits each request twice (the trial with a
    stand-in number, then the document), so the same values are fitted once."""
    if shrink:
        fitted = shrink_wrap(" ".join(words_of(text.replace("\n", " "))), font, size, floor, width, keep=1)
    else:
        fitted = shrink_wrap(text, font, size, floor, width, height=room)
    if fitted is None:
        return None
    size, lines = fitted
    stretch = [False] * len(lines)
    if justify and not shrink:  # a line a paragraph ends on (a typed line break) is never stretched
        stretch = _stretched(text, font, size, width)
    return Laid(font, size, tuple((0.0, line, s) for line, s in zip(lines, stretch, strict=True)))


def _stretched(text: str, font: str, size: float, width: float) -> list[bool]:
    """For each wrapped line: whether justification may stretch it (not a paragraph's last line)."""
    out: list[bool] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        count = len(wrap_text(paragraph, font, size, width))
        out += [True] * (count - 1) + [False]
    return out


def fit_list(items: Sequence[str], font: str, size: float, floor: float, width: float, room: float) -> Laid | None:
    """Numbered items with hanging lines, left aligned, shrunk together; None when they do not fit
    at the floor. An item's first line carries minus its number as offset, so ``place`` prints it."""
    while True:
        indent = pdfmetrics.stringWidth(f"{len(items)}. ", font, size) + 0.5 * mm
        laid: list[Line] = []
        for n, item in enumerate(items, start=1):
            wrapped = wrap_text(item, font, size, width - indent) or [""]
            laid += [(-float(n), wrapped[0], False), *((indent, line, False) for line in wrapped[1:])]
        if len(laid) <= int(room / (LEAD * size) + 1e-6):
            return Laid(font, size, tuple(laid), indent)
        if size <= floor:
            return None
        size = max(floor, size - 0.5)


def lay_list(frame: Box, fonts: Mapping[str, tuple[str, str]], default: str, items: Sequence[str]) -> Laid | None:
    """A list box's items fitted (``fit_list``); "-" alone when the list is empty."""
    font = fonts[frame.font or default][frame.bold]
    width, room = _room(frame)
    size, floor = _sizes(frame, room)
    if not items:
        return Laid(font, size, ((0.0, "-", False),))
    return fit_list(tuple(items), font, size, floor, width, room)


def place(c: Canvas, frame: Frame, laid: Laid, height: float) -> None:
    """Draw fitted lines in the frame, aligned and vertically placed; negative offsets number list items."""
    font, size, lines = laid.font, laid.size, laid.lines
    left, width = (frame.x_mm + frame.pad_mm) * mm, (frame.w_mm - 2 * frame.pad_mm) * mm
    top, room = height - (frame.y_mm + frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    block = LEAD * size * len(lines)
    top -= {"top": 0.0, "middle": (room - block) / 2, "bottom": room - block}[frame.valign]
    c.setFont(font, size)
    for i, (offset, line, stretch) in enumerate(lines):
        y = top - size * (0.95 + LEAD * i)
        if offset < 0:  # the first line of list item -offset, left aligned after its number
            c.drawString(left, y, f"{int(-offset)}.")
            c.drawString(left + laid.indent, y, line)
            continue
        x, span = left + offset, width - offset
        if laid.indent:  # a list item's further lines hang under its text
            c.drawString(x, y, line)
        elif frame.align == "center":
            c.drawCentredString(x + span / 2, y, line)
        elif frame.align == "right":
            c.drawRightString(x + span, y, line)
        elif frame.align == "justify" and stretch and len(words_of(line)) > 1:
            words = words_of(line)
            gap = (span - sum(pdfmetrics.stringWidth(w, font, size) for w in words)) / (len(words) - 1)
            for word in words:
                c.drawString(x, y, word)
                x += pdfmetrics.stringWidth(word, font, size) + gap
        else:
            c.drawString(x, y, line)
