"""Number box, cap dinas, QR code and verification footer, laid over an existing PDF.

The clerk numbers and stamps a letter after the Kepala Dinas signs it, often as a scan. The
marks are drawn on a transparent overlay (reportlab) and merged onto a copy (pypdf); the input
file is never changed. Rotated pages are first normalised so the marks land upright.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NullObject,
)
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import DocgenError, RenderError, RequestError
from docgen.pdf.anchors import Anchors, anchor_spots, usable
from docgen.pdf.clean import clean_writer
from docgen.pdf.fonts import binary_streams, embedded_fonts
from docgen.pdf.markdraw import RINGS, draw_cap, draw_footer, draw_number_box, draw_number_line, draw_qr
from docgen.pdf.pagenum import overlay_form
from docgen.pdf.qr import qr_image
from docgen.pdf.stampfit import FOOTER_SIZE, Geometry, Spot, check_page, footer_lines, open_saves, plan_page
from docgen.profile import Place, Profile, Workspace, safe_join
from docgen.text import tanggal

__all__ = [
    "ELEMENTS",
    "Marks",
    "fit_anchors",
    "footer_room_mm",
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
# Tokens are 24 base32 letters (register.books.new_token), or 32 hex digits for documents of the
# first registers; in Liberation Sans (Arial's widths) 24 m's are wider than either.
_WIDEST_TOKEN = "m" * 24


@dataclass(frozen=True)
class Marks:
    """What to print: the number and date, the verification URL and token, footer lines.

    ``electronic``: the document is signed electronically (TTE), so ``footer`` includes the
    clause on electronic evidence; a paper-signed document's footer does not claim it.
    ``issuer``: the [instansi] key of the agency that issued it (an OPD teknis' rekomendasi), whose
    cap a stamp draws; None: this office.
    """

    number: str
    date_text: str
    url: str
    token: str
    footer: list[str] = field(default_factory=list)
    electronic: bool = False
    issuer: str | None = None


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
    form_ref = overlay_form(writer, overlay)
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


def make_marks(
    profile: Profile, *, number: str, doc_date: date, token: str, electronic: bool = False, issuer: str | None = None
) -> Marks:
    """The marks of one issued document: its number, date, verification URL and footer.

    The footer names who issued it: this office as the profile spells it (``verification.office``,
    else the last kop line: title-casing wrote "Modal Dan Pelayanan"), or the issuing agency
    (``issuer``, an [instansi] key: its ``name``, else its last kop line). The URL is always this
    office's verification page, which finds every document docgen made by its token. ``electronic``
    (the signing job, which stamps before the TTE goes on) adds ``footer_electronic``; a draft
    printed for a wet signature and a stamped scan pass False: the footer must not claim an
    electronic signature.
    """
    settings = profile.verification
    url = f"{settings.base_url.rstrip('/')}/{token}"
    office = profile.agency_name(issuer)
    lines = [*settings.footer, *(settings.footer_electronic if electronic else ())]
    footer = [line.replace("{office}", office).replace("{number}", number).replace("{url}", url) for line in lines]
    return Marks(
        number=number, date_text=tanggal(doc_date), url=url, token=token, footer=footer, electronic=electronic,
        issuer=profile.agency_key(issuer),
    )  # fmt: skip


def stand_in_marks(profile: Profile, doc_date: date, number: str = "", *, electronic: bool = False) -> Marks:
    """Marks as long as the real ones will be, to check the layout before a number exists.

    The token is 24 of base32's widest letter: with ``a`` a real token could wrap the footer
    to one more line than was checked, and a page that had room for the check was refused
    after its number was taken. Of this office and every [instansi] (each with its unit code in
    the number and its name in the footer), the longest footer stands in, whoever will issue.
    """

    def stand_in(key: str | None) -> Marks:
        unit = profile.agency(key).unit_code
        wide = number or f"{'9' * 9}/99999/{unit}/{doc_date.year}"
        return make_marks(
            profile, number=wide, doc_date=doc_date, token=_WIDEST_TOKEN, electronic=electronic, issuer=key
        )

    made = [stand_in(key) for key in (None, *profile.instansi)]
    return max(made, key=lambda marks: sum(len(line) for line in marks.footer))


def footer_room_mm(profile: Profile, kind: str) -> float:
    """How far above the bottom margin the QR code and the footer reach on the last page, in mm.

    Both are stamped from the paper's bottom edge up (``[stamp.<kind>]``), past the margin the
    text of the page may fill; a Word kind keeps this much room under its last block so the
    marks never land on the tembusan. Measured with the electronic footer, the longer wording,
    since a draft printed for a wet signature may later be signed electronically.
    """
    layout = profile.stamp_layout(kind)
    reach = 0.0
    if layout.qr is not None and layout.qr.edge == "bottom":
        reach = layout.qr.y_mm + layout.qr.size_mm
    if layout.footer is not None and layout.footer.edge == "bottom":
        footer = stand_in_marks(profile, date.today(), electronic=True).footer
        rows = len(footer_lines(footer, layout.footer.size_mm * mm))
        reach = max(reach, layout.footer.y_mm + rows * FOOTER_SIZE * 1.2 / mm)
    return max(0.0, reach + 2.0 - profile.page.margin_bottom_mm)  # 2 mm between the text and the marks


def _pages(reader: PdfReader, name: str) -> list[PageObject]:
    try:
        return list(reader.pages)
    except RequestError:
        raise
    except Exception as exc:  # a page tree pypdf cannot walk (loops, wrong types): the file is broken
        raise RequestError(f"Berkas {name} bukan PDF yang utuh ({exc}); pindai ulang atau ekspor ulang ke PDF") from exc


def _plan(
    pages: list[PageObject],
    marks: Marks,
    workspace: Workspace,
    kind: str,
    elements: frozenset[str],
    name: str,
    anchors: Anchors | None = None,
) -> list[tuple[int, Geometry, dict[str, Spot]]]:
    """Every page a mark touches, checked and laid out; refuses broken or too small pages.

    With ``anchors`` (from the draft docgen made, see :func:`fit_anchors`) the number goes into
    the letter's "Nomor :" line instead of a box, and the cap over the signer's block instead of
    the profile's fixed place; a mark without its anchor keeps the profile's place.
    """
    layout = workspace.profile.stamp_layout(kind)
    number_at = anchors.numbers if anchors is not None and "number_box" in elements else ()
    signer_at = anchors.signers if anchors is not None and "cap" in elements else ()
    skip = {"number_box"} if number_at else set()
    skip |= {"cap"} if signer_at else set()
    anchored = {a.page for a in (*number_at, *signer_at)}
    diameter = (layout.cap.size_mm if layout.cap is not None else 2 * RINGS[0]) * mm
    planned = []
    for index, page in enumerate(pages):
        wanted = {e for e in elements - skip if _applies(getattr(layout, e), index, len(pages))}
        if not wanted and index not in anchored:
            continue
        geometry = check_page(page, index + 1, name)
        spots = plan_page(layout, wanted, geometry.upright, number=marks.number, footer=marks.footer, page=index + 1)
        if anchors is not None and index in anchored:
            mine = Anchors(anchors.size, anchors.pages, number_at, signer_at)
            floor = _floor(spots, marks.footer, geometry.upright[1])
            spots.update(anchor_spots(mine, index, geometry.upright, diameter, floor=floor))
        planned.append((index, geometry, spots))
    return planned


def _floor(spots: dict[str, Spot], footer: list[str], height: float) -> float:
    """The top of the footer and QR code where they sit in the page's lower half: a cap moved
    over its signer stays above them (drawn over the code, it made the code unreadable)."""
    tops = [0.0]
    if "footer" in spots and spots["footer"].y < height / 2:
        spot = spots["footer"]
        tops.append(spot.y + len(footer_lines(footer, spot.width)) * FOOTER_SIZE * 1.2)
    if "qr" in spots and spots["qr"].y < height / 2:
        spot = spots["qr"]
        tops.append(spot.y + spot.width * spot.scale)
    return max(tops)


def fit_anchors(data: bytes, anchors: Anchors, *, name: str = "dokumen.pdf") -> Anchors:
    """``anchors`` found in a draft, kept where the PDF to stamp has that page in the draft's shape.

    A scan with fewer pages than the draft, or a page of another shape (landscape, a slip), is
    not the draft printed: that anchor is dropped and its mark keeps the profile's place.
    """
    pages = _pages(read_pdf(data, name), name)
    wanted = {a.page for a in (*anchors.numbers, *anchors.signers) if a.page < len(pages)}
    return usable(anchors, {i: check_page(pages[i], i + 1, name).upright for i in wanted})


def preflight(
    data: bytes,
    marks: Marks,
    workspace: Workspace,
    kind: str,
    *,
    name: str = "dokumen.pdf",
    anchors: Anchors | None = None,
) -> None:
    """Everything ``stamp_pdf`` (with all marks) would refuse, refused now: call it before reserving.

    ``marks`` may be :func:`stand_in_marks` (the number is not known yet). The file must open,
    every page must be reachable, and each page a mark touches must be sound and large enough.
    """
    _plan(_pages(read_pdf(data, name), name), marks, workspace, kind, ELEMENTS, name, anchors)


def stamp_pdf(
    data: bytes,
    marks: Marks,
    workspace: Workspace,
    kind: str,
    *,
    elements: frozenset[str] = ELEMENTS,
    name: str = "dokumen.pdf",
    anchors: Anchors | None = None,
) -> bytes:
    """Return a stamped copy of ``data`` with the marks the kind's layout places.

    ``elements`` picks which marks to draw: a letter generated by docgen already prints its
    number and is not yet signed, so it gets only the QR code and the footer. ``anchors`` (from
    :func:`fit_anchors`) put the number on the letter's own "Nomor :" line and the cap over its
    signer. Active content (JavaScript, actions, embedded files) is removed from the copy: it
    verifies as genuine.
    """
    reader = read_pdf(data, name)
    planned = _plan(_pages(reader, name), marks, workspace, kind, elements, name, anchors)
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
    if marks.issuer is not None:  # an OPD teknis' document: its own cap, never this office's [cap]
        agency = profile.agency(marks.issuer)
        ring_text, centre_text, cap_image = " * ".join(agency.kop) + " *", agency.city.upper(), None
    writer = PdfWriter(clone_from=reader)
    clean_writer(writer)
    qr = qr_image(marks.url)
    for index, geometry, spots in planned:
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=geometry.upright, initialFontName=embedded_fonts()[0])
        if "footer" in spots:
            draw_footer(c, spots["footer"], marks.footer)
        if "qr" in spots:
            spot = spots["qr"]
            draw_qr(c, qr, spot.x, spot.y, spot.width * spot.scale)
        if "number_box" in spots:
            draw_number_box(c, spots["number_box"], marks.number, marks.date_text)
        for key, spot in spots.items():
            if key.startswith("number_line"):
                draw_number_line(c, spot, marks.number)
            elif key == "cap" or key.startswith("cap_on_signer"):
                draw_cap(c, spot, cap, ring_text, centre_text, cap_image)
        c.showPage()
        with binary_streams():  # the embedded font as ASCII85 doubled the cost of a stamp
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
