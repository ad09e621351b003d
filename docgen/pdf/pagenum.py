"""Stamping "hal. x dari y" on every page of a packet without re-reading any page's content.

pypdf's ``merge_page`` decodes a page's content streams, wraps them and encodes them again; for a
packet of scans and forms that is most of the assembly time. Here each page only gets two more
entries in its ``/Contents`` array: a shared ``q`` before its own streams and a few bytes after
them (``Q``, then a form XObject holding its label), plus the form in a copy of its resources.
The page's own bytes are never touched, so a page costs microseconds, whatever it holds
(measured in bench/packet.py against reportlab overlays merged). The labels of all pages are
drawn by reportlab in one document, in the embedded Liberation Sans (issue 23: every font
embedded, so an archive copy can become PDF/A); the pages share its one font subset.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf.fonts import binary_streams, embedded_fonts

__all__ = ["FORM_NAME", "overlay_form", "stamp_page_numbers"]

FORM_NAME = "/DocgenHal"
_SIZE = 8.0
_RIGHT_MM, _BOTTOM_MM = 12.0, 7.0
_PT_PER_MM = 72 / 25.4


def stamp_page_numbers(writer: PdfWriter, *, label: str = "hal. {x} dari {y}") -> int:
    """Draw ``label`` at the bottom right of every page of ``writer`` as the reader sees it (rotation too)."""
    total = len(writer.pages)
    seen = [_seen(page) for page in writer.pages]
    labels = _labels([label.format(x=i + 1, y=total) for i in range(total)], [(w, h) for _, w, h, _ in seen])
    push = writer._add_object(_stream(b"q\n"))
    for index, page in enumerate(writer.pages):
        form = overlay_form(writer, labels.pages[index])
        page[NameObject("/Resources")] = _with_form(page.get("/Resources"), form)
        drawn = writer._add_object(_stream(_content(seen[index])))
        page[NameObject("/Contents")] = ArrayObject([push, *_contents(writer, page), drawn])
    return total


def _seen(page: DictionaryObject) -> tuple[tuple[float, float, float, float], float, float, int]:
    """The page's crop box, its width and height as the reader sees it, and its rotation."""
    box = page.cropbox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    return (x0, y0, w, h), (h if rotate in (90, 270) else w), (w if rotate in (90, 270) else h), rotate


def _labels(texts: list[str], sizes: list[tuple[float, float]]) -> PdfReader:
    """One reportlab page per label, the size of the page as seen, the label at its bottom right."""
    regular, _ = embedded_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=sizes[0] if sizes else (595, 842), initialFontName=regular, initialFontSize=_SIZE)
    for text, size in zip(texts, sizes, strict=True):
        canvas.setPageSize(size)
        canvas.setFont(regular, _SIZE)
        canvas.drawRightString(size[0] - _RIGHT_MM * _PT_PER_MM, _BOTTOM_MM * _PT_PER_MM, text)
        canvas.showPage()
    with binary_streams():
        canvas.save()
    return PdfReader(out)


def overlay_form(writer: PdfWriter, label_page: DictionaryObject) -> IndirectObject:
    """A reportlab page as a form XObject in ``writer``, its resources cloned (a font shared by
    several such pages is cloned once): drawn over a page with one ``Do``, the page's own content
    is never parsed (the stamp's marks and the packet's labels both go on this way)."""
    form = DecodedStreamObject()
    form.set_data(label_page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in label_page.mediabox]),
            NameObject("/Resources"): label_page["/Resources"].clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())  # the cap stencil and the text: 20 KB raw


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _with_form(resources: object, form: IndirectObject) -> DictionaryObject:
    """A copy of the page's resources with our label added (resources are often shared between pages)."""
    res = resources.get_object() if resources is not None else DictionaryObject()
    copy = DictionaryObject(res)
    xobjects = res.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects[NameObject(FORM_NAME)] = form
    copy[NameObject("/XObject")] = xobjects
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


def _content(seen: tuple[tuple[float, float, float, float], float, float, int]) -> bytes:
    """``Q`` closing the page's own graphics state, then the label's form placed on the page as seen."""
    (x0, y0, w, h), _, _, rotate = seen
    # Maps the seen page (origin at its bottom left) into the page's own coordinates.
    matrix = {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x0 + w, y0),
        180: (-1, 0, 0, -1, x0 + w, y0 + h),
        270: (0, -1, 1, 0, x0, y0 + h),
    }.get(rotate, (1, 0, 0, 1, x0, y0))
    cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in matrix)
    return b"Q\nq %s cm %s Do Q\n" % (cm.encode(), FORM_NAME.encode())
