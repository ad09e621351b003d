"""Number box, cap dinas, QR code and verification footer, laid over an existing PDF.

The clerk numbers and stamps a letter after the Kepala Dinas signs it, often as a scan. The
marks are drawn on a transparent overlay (reportlab) and merged onto a copy (pypdf); the input
file is never changed. Rotated pages are first normalised so the marks land upright.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from docgen.config import CapStyle, Place, Profile, StampLayout, Workspace, safe_join
from docgen.errors import RequestError
from docgen.render.qr import qr_image
from docgen.text import tanggal

__all__ = ["ELEMENTS", "Marks", "make_marks", "read_pdf", "stamp_pdf", "token_in_pdf"]

ELEMENTS = frozenset({"number_box", "cap", "qr", "footer"})
_TOKEN_KEY = "/DocgenToken"
_RINGS = (18.5, 17.5, 13.5)  # mm, the central-government cap rule


@dataclass(frozen=True)
class Marks:
    """What to print: the number and date, the verification URL and token, footer lines."""

    number: str
    date_text: str
    url: str
    token: str
    footer: list[str] = field(default_factory=list)


def read_pdf(data: bytes, name: str) -> PdfReader:
    """Open a PDF someone supplied, refusing broken, encrypted and empty files in one line."""
    if not data:
        raise RequestError(f"Berkas {name} kosong; pindai ulang atau simpan ulang sebagai PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RequestError(f"Berkas {name} terkunci kata sandi; simpan ulang tanpa kata sandi lalu coba lagi")
        pages = len(reader.pages)
    except RequestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise RequestError(f"Berkas {name} bukan PDF yang utuh ({exc}); pindai ulang atau ekspor ulang ke PDF") from exc
    if pages == 0:
        raise RequestError(f"Berkas {name} tidak berisi halaman; pindai ulang")
    return reader


def _applies(place: Place | None, index: int, count: int) -> bool:
    if place is None:
        return False
    return (
        place.page == "all" or (place.page == "first" and index == 0) or (place.page == "last" and index == count - 1)
    )


def _xy(place: Place, height: float) -> tuple[float, float]:
    y = place.y_mm * mm
    return place.x_mm * mm, (height - y if place.edge == "top" else y)


def _number_box(c: Canvas, place: Place, height: float, marks: Marks) -> None:
    x, top = _xy(place, height)
    width, box_h = place.size_mm * mm, 11 * mm
    y = top - box_h if place.edge == "top" else top
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.6)
    c.rect(x, y, width, box_h, stroke=1, fill=1)
    c.setFillColorRGB(0, 0, 0)
    size = 8.5
    while size > 5 and c.stringWidth(f"Nomor   : {marks.number}", "Helvetica-Bold", size) > width - 4 * mm:
        size -= 0.5
    for row, (label, value) in enumerate((("Nomor", marks.number), ("Tanggal", marks.date_text))):
        baseline = y + box_h - (4.3 + row * 4.3) * mm
        c.setFont("Helvetica", size)
        c.drawString(x + 2 * mm, baseline, label)
        c.drawString(x + 15 * mm, baseline, ":")
        c.setFont("Helvetica-Bold", size)
        c.drawString(x + 17 * mm, baseline, value)
    c.restoreState()


def _inside(cx: float, cy: float, radius: float, width: float, height: float, floor: float) -> tuple[float, float]:
    """Move a circle back onto the page (and above ``floor``, the footer's top) if it spills.

    Positions are written for portrait pages; a landscape attachment as the last page would
    otherwise cut the cap at the edge and print it over the footer.
    """
    margin = 5 * mm
    cx = min(max(cx, radius + margin), width - radius - margin)
    cy = min(max(cy, radius + max(margin, floor)), height - radius - margin)
    return cx, cy


def _cap(
    c: Canvas,
    place: Place,
    size: tuple[float, float],
    floor: float,
    style: CapStyle,
    ring_text: str,
    centre: str,
    image: Path | None,
) -> None:
    width, height = size
    cx, cy = _xy(place, height)
    scale = place.size_mm / (2 * _RINGS[0])
    outer = _RINGS[0] * scale * mm
    cx, cy = _inside(cx, cy, outer, width, height, floor)
    c.saveState()
    if image is not None:
        c.drawImage(ImageReader(str(image)), cx - outer, cy - outer, 2 * outer, 2 * outer, mask="auto")
        c.restoreState()
        return
    ink = HexColor(style.color)
    c.setStrokeColor(ink)
    c.setFillColor(ink)
    c.setStrokeAlpha(style.opacity)
    c.setFillAlpha(style.opacity)
    for radius, width in zip(_RINGS, (1.2, 0.5, 0.7), strict=True):
        c.setLineWidth(width)
        c.circle(cx, cy, radius * scale * mm, stroke=1, fill=0)
    # Letters walk clockwise around the band between the inner rings, starting at the top.
    band = (_RINGS[1] + _RINGS[2]) / 2 * scale * mm - 1.1 * mm
    text = ring_text.upper()
    font, size = "Helvetica-Bold", 5.6 * scale
    step = 360.0 / max(len(text), 1)
    for i, ch in enumerate(text):
        angle = 90 - i * step
        rad = math.radians(angle)
        c.saveState()
        c.translate(cx + band * math.cos(rad), cy + band * math.sin(rad))
        c.rotate(angle - 90)
        c.setFont(font, size)
        c.drawCentredString(0, 0, ch)
        c.restoreState()
    size = 8.5 * scale
    while size > 4 and c.stringWidth(centre, font, size) > 2 * _RINGS[2] * scale * mm - 4 * mm:
        size -= 0.5
    c.setFont(font, size)
    c.drawCentredString(cx, cy - size / 3, centre)
    c.restoreState()


def _draw_qr(c: Canvas, image: Image.Image, x: float, y: float, side: float) -> None:
    """Paint the code as a 1-bit inline image mask: renderers scale masks by repeating pixels.

    An ordinary image upscaled less than 4x is smoothed by poppler (pdftoppm, many viewers),
    which blurs a 22 mm code at 150 dpi until zbar cannot read it; a stencil mask stays sharp.
    """
    width, height = image.size
    data = image.tobytes().hex()  # 1 bit per pixel, rows padded to bytes; 0 = dark = painted
    c.addLiteral(
        f"q 0 g {side:.3f} 0 0 {side:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {width} /H {height} /IM true /BPC 1 /F /AHx ID {data}> EI Q"
    )


def _footer_top(layout: StampLayout, height: float, marks: Marks) -> float:
    """The highest point the QR code and footer reach when they sit at the bottom edge."""
    top = 0.0
    if layout.qr is not None and layout.qr.edge == "bottom":
        top = max(top, (layout.qr.y_mm + layout.qr.size_mm) * mm)
    if layout.footer is not None and layout.footer.edge == "bottom":
        lines = sum(len(simpleSplit(line, "Helvetica", 6.5, layout.footer.size_mm * mm)) for line in marks.footer)
        top = max(top, layout.footer.y_mm * mm + lines * 6.5 * 1.2)
    return top


def _footer(c: Canvas, place: Place, height: float, lines: list[str]) -> None:
    x, y = _xy(place, height)
    width = place.size_mm * mm
    size = 6.5
    wrapped = [part for line in lines for part in simpleSplit(line, "Helvetica", size, width)]
    c.saveState()
    c.setFont("Helvetica", size)
    c.setFillColorRGB(0, 0, 0)
    top = y + len(wrapped) * size * 1.2 if place.edge == "bottom" else y
    for row, line in enumerate(wrapped):
        c.drawString(x, top - (row + 1) * size * 1.2 + 1.5, line)
    c.restoreState()


def _placement(page: PageObject) -> tuple[float, ...]:
    """The matrix taking upright (as displayed) overlay coordinates to the page's own space."""
    box = page.cropbox
    left, bottom, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    rotation = page.rotation % 360
    if rotation == 90:
        return (0, 1, -1, 0, left + w, bottom)
    if rotation == 180:
        return (-1, 0, 0, -1, left + w, bottom + h)
    if rotation == 270:
        return (0, -1, 1, 0, left, bottom + h)
    return (1, 0, 0, 1, left, bottom)


def _attach(writer: PdfWriter, page: PageObject, overlay: PageObject, name: str) -> None:
    """Draw ``overlay`` over ``page`` as a form XObject, without parsing the page's content.

    pypdf's merge_page re-parses every operator of the page (a scanned page is cheap, a text
    page from Word or LibreOffice is not); wrapping the old content in q/Q and appending one
    ``Do`` keeps stamping at a few milliseconds whatever the page holds.
    """
    form = DecodedStreamObject()
    form.set_data(overlay.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in overlay.mediabox]),
            NameObject("/Resources"): overlay["/Resources"].clone(writer),
        }
    )
    form_ref = writer._add_object(form)
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[NameObject(name)] = form_ref
    matrix = " ".join(f"{v:.4f}" for v in _placement(page))
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ q {matrix} cm {name} Do Q\n".encode("ascii"))
    contents = page.get("/Contents")
    existing = (
        []
        if contents is None
        else list(contents.get_object())
        if isinstance(contents.get_object(), ArrayObject)
        else [contents]
    )
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *existing, writer._add_object(after)])


def make_marks(profile: Profile, *, number: str, doc_date: date, token: str) -> Marks:
    """The marks of one issued document: its number, date, verification URL and footer."""
    url = f"{profile.verification.base_url.rstrip('/')}/{token}"
    office = profile.office.kop[-1].title() if profile.office.kop else ""
    footer = [
        line.replace("{office}", office).replace("{number}", number).replace("{url}", url)
        for line in profile.verification.footer
    ]
    return Marks(number=number, date_text=tanggal(doc_date), url=url, token=token, footer=footer)


def stamp_pdf(
    data: bytes,
    marks: Marks,
    workspace: Workspace,
    kind: str,
    *,
    elements: frozenset[str] = ELEMENTS,
    name: str = "dokumen.pdf",
) -> bytes:
    """Return a stamped copy of ``data`` with the marks the kind's layout places.

    ``elements`` picks which marks to draw: a letter generated by docgen already prints its
    number and is not yet signed, so it gets only the QR code and the footer.
    """
    profile = workspace.profile
    layout = profile.stamp_layout(kind)
    cap = profile.cap
    ring_text = cap.ring_text or " * ".join(profile.office.kop) + " *"
    centre_text = cap.centre_text or profile.office.city.upper()
    cap_image = safe_join(workspace.root, cap.image) if cap.image else None
    reader = read_pdf(data, name)
    writer = PdfWriter(clone_from=reader)
    count = len(writer.pages)
    qr = qr_image(marks.url)
    for index, page in enumerate(writer.pages):
        wanted = {e for e in elements if _applies(getattr(layout, e), index, count)}
        if not wanted:
            continue
        box = page.cropbox
        turned = page.rotation % 180 == 90
        width, height = (float(box.height), float(box.width)) if turned else (float(box.width), float(box.height))
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=(width, height))
        if "footer" in wanted and layout.footer is not None:
            _footer(c, layout.footer, height, marks.footer)
        if "qr" in wanted and layout.qr is not None:
            x, y = _xy(layout.qr, height)
            side = layout.qr.size_mm * mm
            _draw_qr(c, qr, x, y - side if layout.qr.edge == "top" else y, side)
        if "number_box" in wanted and layout.number_box is not None:
            _number_box(c, layout.number_box, height, marks)
        if "cap" in wanted and layout.cap is not None:
            floor = _footer_top(layout, height, marks) if "footer" in wanted or "qr" in wanted else 0.0
            _cap(c, layout.cap, (width, height), floor, cap, ring_text, centre_text, cap_image)
        c.showPage()
        c.save()
        _attach(writer, page, PdfReader(buffer).pages[0], f"/DocgenStamp{index}")
    writer.add_metadata({**(reader.metadata or {}), _TOKEN_KEY: marks.token, "/DocgenNumber": marks.number})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def token_in_pdf(data: bytes) -> str | None:
    """The verification token a docgen-stamped PDF carries in its metadata, if any."""
    try:
        metadata = PdfReader(io.BytesIO(data), strict=False).metadata or {}
    except Exception:  # any unreadable file simply carries no token
        return None
    token = metadata.get(_TOKEN_KEY)
    return str(token) if token else None
