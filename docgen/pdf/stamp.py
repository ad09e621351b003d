"""Number box, cap dinas, QR code and verification footer, laid over an existing PDF.

The clerk numbers and stamps a letter after the Kepala Dinas signs it, often as a scan. The
marks are drawn on a transparent overlay (reportlab) and merged onto a copy (pypdf); the input
file is never changed. Rotated pages are first normalised so the marks land upright.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
)
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import DocgenError, RenderError, RequestError
from docgen.pdf.clean import clean_writer
from docgen.pdf.qr import qr_image
from docgen.pdf.stampfit import (
    BOX_HEIGHT,
    FOOTER_SIZE,
    Geometry,
    Spot,
    check_page,
    footer_lines,
    open_saves,
    plan_page,
)
from docgen.profile import CapStyle, Place, Profile, Workspace, safe_join
from docgen.text import tanggal

__all__ = [
    "ELEMENTS",
    "Marks",
    "make_marks",
    "preflight",
    "read_pdf",
    "stamp_pdf",
    "stand_in_marks",
    "token_in_pdf",
]

ELEMENTS = frozenset({"number_box", "cap", "qr", "footer"})
# pypdf logs every oddity it repairs (a non-numeric box value...) to stderr; docgen's answer
# is its own one line, so a refusal never comes with a screenful of warnings.
logging.getLogger("pypdf").setLevel(logging.ERROR)
_TOKEN_KEY = "/DocgenToken"
_RINGS = (18.5, 17.5, 13.5)  # mm, the central-government cap rule
# Tokens are 24 base32 letters (register.books.new_token), or 32 hex digits for documents of the
# first registers; in Helvetica 24 m's are wider than either.
_WIDEST_TOKEN = "m" * 24


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
    except (PdfReadError, Exception) as exc:  # whatever pypdf trips on, the file is not a usable PDF
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


def _number_box(c: Canvas, spot: Spot, marks: Marks) -> None:
    """The box at its natural size (profile width, 11 mm), scaled by ``spot`` to fit the page."""
    width = spot.width
    c.saveState()
    c.translate(spot.x, spot.y)
    c.scale(spot.scale, spot.scale)
    c.setFillColorRGB(1, 1, 1)
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.6)
    c.rect(0, 0, width, BOX_HEIGHT, stroke=1, fill=1)
    c.setFillColorRGB(0, 0, 0)
    size = 8.5
    longest = max(marks.number, marks.date_text, key=lambda text: c.stringWidth(text, "Helvetica-Bold", 8.5))
    while size > 5 and c.stringWidth(longest, "Helvetica-Bold", size) > width - 19 * mm:
        size -= 0.5
    for row, (label, value) in enumerate((("Nomor", marks.number), ("Tanggal", marks.date_text))):
        baseline = BOX_HEIGHT - (4.3 + row * 4.3) * mm
        c.setFont("Helvetica", size)
        c.drawString(2 * mm, baseline, label)
        c.drawString(15 * mm, baseline, ":")
        c.setFont("Helvetica-Bold", size)
        c.drawString(17 * mm, baseline, value)
    c.restoreState()


def _cap(c: Canvas, spot: Spot, style: CapStyle, ring_text: str, centre: str, image: Path | None) -> None:
    """Three rings, the agency around and the city inside; ``spot`` gives centre and diameter."""
    cx, cy = spot.x, spot.y
    scale = spot.width * spot.scale / mm / (2 * _RINGS[0])
    outer = _RINGS[0] * scale * mm
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
    """Paint the code on an opaque white square, as a 1-bit inline image mask.

    The white square covers the code and its quiet zone (4 modules, part of the image), so
    print or a scan's grey beneath never touches the code. Renderers scale masks by repeating
    pixels: an ordinary image upscaled less than 4x is smoothed by poppler (pdftoppm, many
    viewers), which blurs a 22 mm code at 150 dpi until zbar cannot read it.
    """
    width, height = image.size
    data = image.tobytes().hex()  # 1 bit per pixel, rows padded to bytes; 0 = dark = painted
    c.addLiteral(
        f"q 1 g {x:.3f} {y:.3f} {side:.3f} {side:.3f} re f 0 g {side:.3f} 0 0 {side:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {width} /H {height} /IM true /BPC 1 /F /AHx ID {data}> EI Q"
    )


def _footer(c: Canvas, spot: Spot, lines: list[str]) -> None:
    wrapped = footer_lines(lines, spot.width)
    c.saveState()
    c.setFont("Helvetica", FOOTER_SIZE)
    c.setFillColorRGB(0, 0, 0)
    top = spot.y + len(wrapped) * FOOTER_SIZE * 1.2
    for row, line in enumerate(wrapped):
        c.drawString(spot.x, top - (row + 1) * FOOTER_SIZE * 1.2 + 1.5, line)
    c.restoreState()


def _placement(geometry: Geometry) -> tuple[float, ...]:
    """The matrix taking upright (as displayed) overlay coordinates to the page's own space."""
    left, bottom, w, h = geometry.left, geometry.bottom, geometry.width, geometry.height
    if geometry.rotation == 90:
        return (0, 1, -1, 0, left + w, bottom)
    if geometry.rotation == 180:
        return (-1, 0, 0, -1, left + w, bottom + h)
    if geometry.rotation == 270:
        return (0, -1, 1, 0, left, bottom + h)
    return (1, 0, 0, 1, left, bottom)


def _attach(writer: PdfWriter, page: PageObject, geometry: Geometry, overlay: PageObject, name: str) -> None:
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
    matrix = " ".join(f"{v:.4f}" for v in _placement(geometry))
    beyond, left_open = open_saves(page)  # the page's own q/Q as they are, balanced around it
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n" * (1 + beyond))
    after.set_data(f"\n{'Q ' * (1 + left_open)}q {matrix} cm {name} Do Q\n".encode("ascii"))
    contents = page.get("/Contents")
    target = contents.get_object() if contents is not None else None
    parts = list(target) if isinstance(target, ArrayObject) else [] if target is None else [contents]
    existing = [part for part in parts if not isinstance(part.get_object(), NullObject)]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *existing, writer._add_object(after)])


def make_marks(profile: Profile, *, number: str, doc_date: date, token: str) -> Marks:
    """The marks of one issued document: its number, date, verification URL and footer.

    The office is named as the profile spells it (``verification.office``, else the last kop
    line): title-casing wrote "Modal Dan Pelayanan".
    """
    url = f"{profile.verification.base_url.rstrip('/')}/{token}"
    office = profile.verification.office or (profile.office.kop[-1] if profile.office.kop else "")
    footer = [
        line.replace("{office}", office).replace("{number}", number).replace("{url}", url)
        for line in profile.verification.footer
    ]
    return Marks(number=number, date_text=tanggal(doc_date), url=url, token=token, footer=footer)


def stand_in_marks(profile: Profile, doc_date: date, number: str = "") -> Marks:
    """Marks as long as the real ones will be, to check the layout before a number exists.

    The token is 24 of base32's widest letter: with ``a`` a real token could wrap the footer
    to one more line than was checked, and a page that had room for the check was refused
    after its number was taken.
    """
    stand_in = number or f"{'9' * 9}/99999/{profile.office.unit_code}/{doc_date.year}"
    return make_marks(profile, number=stand_in, doc_date=doc_date, token=_WIDEST_TOKEN)


def _pages(reader: PdfReader, name: str) -> list[PageObject]:
    try:
        return list(reader.pages)
    except RequestError:
        raise
    except Exception as exc:  # a page tree pypdf cannot walk (loops, wrong types): the file is broken
        raise RequestError(f"Berkas {name} bukan PDF yang utuh ({exc}); pindai ulang atau ekspor ulang ke PDF") from exc


def _plan(
    pages: list[PageObject], marks: Marks, workspace: Workspace, kind: str, elements: frozenset[str], name: str
) -> list[tuple[int, Geometry, dict[str, Spot]]]:
    """Every page a mark touches, checked and laid out; refuses broken or too small pages."""
    layout = workspace.profile.stamp_layout(kind)
    planned = []
    for index, page in enumerate(pages):
        wanted = {e for e in elements if _applies(getattr(layout, e), index, len(pages))}
        if not wanted:
            continue
        geometry = check_page(page, index + 1, name)
        spots = plan_page(layout, wanted, geometry.upright, number=marks.number, footer=marks.footer, page=index + 1)
        planned.append((index, geometry, spots))
    return planned


def preflight(data: bytes, marks: Marks, workspace: Workspace, kind: str, *, name: str = "dokumen.pdf") -> None:
    """Everything ``stamp_pdf`` (with all marks) would refuse, refused now: call it before reserving.

    ``marks`` may be :func:`stand_in_marks` (the number is not known yet). The file must open,
    every page must be reachable, and each page a mark touches must be sound and large enough.
    """
    _plan(_pages(read_pdf(data, name), name), marks, workspace, kind, ELEMENTS, name)


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
    number and is not yet signed, so it gets only the QR code and the footer. Active content
    (JavaScript, actions, embedded files) is removed from the copy: it verifies as genuine.
    """
    reader = read_pdf(data, name)
    planned = _plan(_pages(reader, name), marks, workspace, kind, elements, name)
    try:
        return _stamped(reader, planned, marks, workspace)
    except DocgenError:
        raise
    except Exception as exc:  # past the preflight: some other object of the file is broken
        raise RenderError(
            f"Berkas {name} tidak bisa dicap ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
            "ekspor ulang atau pindai ulang ke PDF lalu coba lagi"
        ) from exc


def _stamped(
    reader: PdfReader, planned: list[tuple[int, Geometry, dict[str, Spot]]], marks: Marks, workspace: Workspace
) -> bytes:
    profile = workspace.profile
    cap = profile.cap
    ring_text = cap.ring_text or " * ".join(profile.office.kop) + " *"
    centre_text = cap.centre_text or profile.office.city.upper()
    cap_image = safe_join(workspace.root, cap.image) if cap.image else None
    writer = PdfWriter(clone_from=reader)
    clean_writer(writer)
    qr = qr_image(marks.url)
    for index, geometry, spots in planned:
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=geometry.upright)
        if "footer" in spots:
            _footer(c, spots["footer"], marks.footer)
        if "qr" in spots:
            spot = spots["qr"]
            _draw_qr(c, qr, spot.x, spot.y, spot.width * spot.scale)
        if "number_box" in spots:
            _number_box(c, spots["number_box"], marks)
        if "cap" in spots:
            _cap(c, spots["cap"], cap, ring_text, centre_text, cap_image)
        c.showPage()
        c.save()
        _attach(writer, writer.pages[index], geometry, PdfReader(buffer).pages[0], f"/DocgenStamp{index}")
    try:
        metadata = dict(reader.metadata or {})
    except Exception:  # an unreadable /Info is dropped, not copied
        metadata = {}
    writer.add_metadata({**metadata, _TOKEN_KEY: marks.token, "/DocgenNumber": marks.number})
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
