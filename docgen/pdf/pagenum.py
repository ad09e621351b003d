"""Stamping "hal. x dari y" on every page of a packet without re-reading any page's content.

pypdf's ``merge_page`` decodes a page's content streams, wraps them and encodes them again; for a
packet of scans and forms that is most of the assembly time. Here each page only gets two more
entries in its ``/Contents`` array: a shared ``q`` before its own streams and a few bytes after
them (``Q``, then the number drawn in Helvetica, one of the fonts every PDF reader has), plus the
font in a copy of its resources. The page's own bytes are never touched, so a page costs
microseconds, whatever it holds (measured in bench/packet.py against reportlab overlays merged).
"""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject
from reportlab.pdfbase.pdfmetrics import stringWidth

__all__ = ["FONT_NAME", "stamp_page_numbers"]

FONT_NAME = "/DocgenHal"
_SIZE = 8.0
_RIGHT_MM, _BOTTOM_MM = 12.0, 7.0
_PT_PER_MM = 72 / 25.4


def stamp_page_numbers(writer: PdfWriter, *, label: str = "hal. {x} dari {y}") -> int:
    """Draw ``label`` at the bottom right of every page of ``writer`` as the reader sees it (rotation too)."""
    font = writer._add_object(
        DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })
    )  # fmt: skip
    push = writer._add_object(_stream(b"q\n"))
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        text = label.format(x=index + 1, y=total)
        page[NameObject("/Resources")] = _with_font(page.get("/Resources"), font)
        drawn = writer._add_object(_stream(_content(page, text)))
        page[NameObject("/Contents")] = ArrayObject([push, *_contents(writer, page), drawn])
    return total


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _with_font(resources: object, font: IndirectObject) -> DictionaryObject:
    """A copy of the page's resources with our font added (resources are often shared between pages)."""
    res = resources.get_object() if resources is not None else DictionaryObject()
    copy = DictionaryObject(res)
    fonts = res.get("/Font")
    fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
    fonts[NameObject(FONT_NAME)] = font
    copy[NameObject("/Font")] = fonts
    return copy


def _contents(writer: PdfWriter, page: DictionaryObject) -> list[IndirectObject]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    if isinstance(contents, IndirectObject):
        target = contents.get_object()
        return list(target) if isinstance(target, ArrayObject) else [contents]
    if isinstance(contents, ArrayObject):
        return list(contents)
    return [writer._add_object(contents)]  # a direct stream: rare, but it must become an object to be listed


def _content(page: DictionaryObject, text: str) -> bytes:
    """``Q`` closing the page's own graphics state, then ``text`` right-aligned near the bottom right corner."""
    box = page.cropbox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    seen_w = h if rotate in (90, 270) else w  # the width as the reader sees the page
    x = seen_w - _RIGHT_MM * _PT_PER_MM - stringWidth(text, "Helvetica", _SIZE)
    y = _BOTTOM_MM * _PT_PER_MM
    # Maps the seen page (origin at its bottom left) into the page's own coordinates.
    matrix = {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x0 + w, y0),
        180: (-1, 0, 0, -1, x0 + w, y0 + h),
        270: (0, -1, 1, 0, x0, y0 + h),
    }.get(rotate, (1, 0, 0, 1, x0, y0))
    cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in matrix)
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")
    return (
        b"Q\nq %s cm BT 0 g %s %.2f Tf %.2f %.2f Td (" % (cm.encode(), FONT_NAME.encode(), _SIZE, x, y)
        + safe
        + b") Tj ET Q\n"
    )
