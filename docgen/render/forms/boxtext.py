"""Text set in a box form's frames: fitted (shrunk, wrapped, then cut), aligned and numbered.

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
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from docgen.render.forms.boxlayout import LEAD, Box, Frame
from docgen.render.forms.textfit import cut_line, fit_text, wrap_text

__all__ = [
    "Chunks",
    "PageFonts",
    "Raw",
    "draw_border",
    "raw_family",
    "draw_text",
    "fit_list",
    "place",
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


def draw_text(
    c: Canvas, frame: Frame, fonts: Mapping[str, tuple[str, str]], default: str, height: float, text: str
) -> None:
    """Fit ``text`` into the frame (see ``Box.fit``) and draw it, never past the frame's padding."""
    font = fonts[frame.font or default][frame.bold]
    width, room = (frame.w_mm - 2 * frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    top_size = min(frame.size_pt, room / LEAD)
    floor = min(frame.min_size_pt, top_size)
    shrink = isinstance(frame, Box) and frame.fit == "shrink"
    size, lines = _fitted(text, font, top_size, floor, width, room, shrink)
    place(c, frame, font, size, [(0.0, line) for line in lines], height)


@functools.lru_cache(maxsize=4096)
def _fitted(
    text: str, font: str, size: float, floor: float, width: float, room: float, shrink: bool
) -> tuple[float, tuple[str, ...]]:
    """Fitting costs more than drawing; the pipeline draws each request twice (the trial with a
    stand-in number, then the document), so the same values are fitted once."""
    if shrink:
        fitted, lines = fit_text(" ".join(text.split()), font, size, floor, width, most=1)
    else:
        fitted, lines = fit_text(text, font, size, floor, width, height=room)
    return fitted, tuple(lines)


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
