"""Where the stamp's marks go on one page, checked before any number is reserved.

A signed letter arrives as whatever the scanner or the sender produced: A5 slips, F4 and
landscape attachments, and now and then a page whose dictionary is broken (``/Rotate /abc``,
a two-value MediaBox, ``/Resources 5``). Every page a mark will touch is read here first; a
mark that would run off the page is moved or scaled to fit, and a page too small for a legible
mark is refused, so a copy never carries a cut-off number ("Tanggal : 28 Novem").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PageObject
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NullObject, StreamObject
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from docgen.errors import RequestError
from docgen.pdf.fonts import embedded_fonts
from docgen.profile import Place, StampLayout

__all__ = [
    "BOX_HEIGHT",
    "FOOTER_SIZE",
    "MIN_FONT",
    "Geometry",
    "Spot",
    "box_width",
    "check_page",
    "footer_lines",
    "open_saves",
    "plan_page",
    "visible_area",
]

MARGIN = 5 * mm  # a moved mark keeps this far from the edge
BOX_HEIGHT = 11 * mm
FOOTER_SIZE = 8.0  # pt: no mark's text is smaller (issue 23); a long footer wraps into more lines
MIN_FONT = 8.0  # pt
# The number box is never scaled (its text would drop below 8 pt): it moves in, or is refused.
_MIN_SCALE = {"number_box": 1.0, "qr": 0.7, "cap": 0.6}  # 15 mm QR, 22 mm cap: smaller is no longer legible
_MIN_FOOTER = 50 * mm
# q and Q as operators: after a delimiter or whitespace, before one (not inside a name such as /Q1)
_SAVES = re.compile(rb"(?<![^\s\]\)>}])([qQ])(?=[\s\[(<{/%]|$)")
_LEAST = 1.0  # pt: a visible side shorter than this is no page at all
_LARGEST = 14_400.0  # pt: the largest page side PDF allows (ISO 32000-1, annex C): 200 inches
_FARTHEST = 14_400.0 * 100  # pt: corners further out than this are no scan's or editor's doing
_WHAT = {"number_box": "kotak nomor", "qr": "kode QR", "cap": "cap dinas", "footer": "catatan kaki verifikasi"}


@dataclass(frozen=True)
class Geometry:
    """A page as displayed: its visible box (crop box on media box) and its rotation in degrees."""

    left: float
    bottom: float
    width: float  # of the unrotated box
    height: float
    rotation: int

    @property
    def upright(self) -> tuple[float, float]:
        """Width and height as a reader sees the page (turned by /Rotate)."""
        return (self.height, self.width) if self.rotation % 180 == 90 else (self.width, self.height)


@dataclass(frozen=True)
class Spot:
    """Where one mark lands: lower-left corner (the cap: its centre), scale, and its width."""

    x: float
    y: float
    scale: float = 1.0
    width: float = 0.0  # number box: natural width; footer: wrapped width; cap: diameter


def _refuse(name: str, number: int, problem: str) -> RequestError:
    return RequestError(
        f"Berkas {name} halaman {number} rusak ({problem}); ekspor ulang atau pindai ulang ke PDF lalu coba lagi"
    )


def _box(page: PageObject, key: str, name: str, number: int) -> list[float] | None:
    raw = page.get(key)
    if raw is None:
        return None
    raw = raw.get_object()
    if not isinstance(raw, ArrayObject) or len(raw) != 4:
        raise _refuse(name, number, f"{key} harus berisi empat angka")
    values = []
    for item in raw:
        item = item.get_object()
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise _refuse(name, number, f"{key} berisi nilai yang bukan angka")
        if not math.isfinite(float(item)):
            raise _refuse(name, number, f"{key} berisi angka tak hingga")
        values.append(float(item))
    return values


def check_page(page: PageObject, number: int, name: str) -> Geometry:
    """Read what the stamp uses of one page, refusing a broken dictionary in one clear line.

    ``number`` is 1-based, as the clerk counts pages. Checked: /Rotate (a multiple of 90),
    /MediaBox and /CropBox (four finite numbers), the visible area (:func:`visible_area`),
    /Resources (a dictionary, its /XObject too) and /Contents (absent, a stream, or an array of
    streams).
    """
    rotate = page.get("/Rotate", 0)
    rotate = rotate.get_object() if hasattr(rotate, "get_object") else rotate
    if isinstance(rotate, bool) or not isinstance(rotate, int) or rotate % 90:
        raise _refuse(name, number, f"putaran /Rotate {rotate} bukan kelipatan 90")
    media = _box(page, "/MediaBox", name, number)
    if media is None:
        raise _refuse(name, number, "tidak ada /MediaBox")
    left, bottom, right, top = visible_area(media, _box(page, "/CropBox", name, number), name, number)
    resources = page.get("/Resources")
    if resources is not None:
        resources = resources.get_object()
        if not isinstance(resources, DictionaryObject):
            raise _refuse(name, number, "/Resources bukan kamus")
        xobjects = resources.get("/XObject")
        if xobjects is not None and not isinstance(xobjects.get_object(), DictionaryObject):
            raise _refuse(name, number, "/XObject bukan kamus")
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
        parts = list(contents) if isinstance(contents, ArrayObject) else [contents]
        for part in parts:
            part = part.get_object() if part is not None else None
            if not isinstance(part, StreamObject | NullObject):
                raise _refuse(name, number, "/Contents bukan aliran isi halaman")
    return Geometry(left, bottom, right - left, top - bottom, rotate % 360)


def visible_area(
    media: list[float], crop: list[float] | None, name: str, number: int
) -> tuple[float, float, float, float]:
    """What a viewer shows of a page: the crop box clipped to the media box (left, bottom, right, top).

    Viewers (poppler, pdf.js, Acrobat) show the part of the crop box that lies on the media
    box; placing the marks by the crop box alone put them off the paper when a scanner wrote a
    crop box larger than, or beside, its media box. Refused here, before a number is taken: a
    media box or visible area with no size, a crop box wholly off the media box, a page larger
    than PDF allows (200 inches a side) and a page placed absurdly far from the origin.
    """
    m_left, m_right = sorted((media[0], media[2]))
    m_bottom, m_top = sorted((media[1], media[3]))
    if m_right - m_left < _LEAST or m_top - m_bottom < _LEAST:
        raise _refuse(name, number, "ukuran halamannya nol")
    left, bottom, right, top = m_left, m_bottom, m_right, m_top
    if crop is not None:
        c_left, c_right = sorted((crop[0], crop[2]))
        c_bottom, c_top = sorted((crop[1], crop[3]))
        left, bottom = max(left, c_left), max(bottom, c_bottom)
        right, top = min(right, c_right), min(top, c_top)
        if right - left < _LEAST or top - bottom < _LEAST:
            raise _refuse(name, number, "bagian yang tampil (/CropBox) tidak menutupi kertasnya (/MediaBox)")
    if max(abs(v) for v in (left, bottom, right, top)) > _FARTHEST:
        raise _refuse(name, number, f"letak halamannya lebih dari {_FARTHEST / mm / 1000:.0f} m dari titik asal")
    if right - left > _LARGEST or top - bottom > _LARGEST:
        raise _refuse(
            name,
            number,
            f"ukuran halamannya {(right - left) / mm:.0f} x {(top - bottom) / mm:.0f} mm, "
            f"lebih dari {_LARGEST / mm:.0f} mm yang diizinkan PDF",
        )
    return left, bottom, right, top


def _too_small(number: int, size: tuple[float, float], element: str) -> RequestError:
    width, height = size
    return RequestError(
        f"Halaman {number} berukuran {width / mm:.0f} x {height / mm:.0f} mm, terlalu kecil untuk {_WHAT[element]} "
        "yang masih terbaca; pindai surat di kertas A5 atau lebih besar, atau ubah letak [stamp] di docgen.toml"
    )


def _fit(element: str, x: float, y: float, w: float, h: float, size: tuple[float, float], number: int) -> Spot:
    """Keep a box as the profile places it if it lies on the page; else move it in and scale it down."""
    width, height = size
    if x >= 0 and y >= 0 and x + w <= width and y + h <= height:
        return Spot(x, y, 1.0, w)
    scale = min(1.0, (width - 2 * MARGIN) / w, (height - 2 * MARGIN) / h)
    if scale < _MIN_SCALE[element]:
        raise _too_small(number, size, element)
    x = min(max(x, MARGIN), width - MARGIN - w * scale)
    y = min(max(y, MARGIN), height - MARGIN - h * scale)
    return Spot(x, y, scale, w)


def _anchor(place: Place, height: float, h: float) -> tuple[float, float]:
    """Lower-left corner of a box ``h`` high placed by ``place``."""
    y = place.y_mm * mm
    return place.x_mm * mm, (height - y - h if place.edge == "top" else y)


def box_width(place: Place, number: str) -> float:
    """The number box's width: the profile's, or wider when the number needs it at 8 pt."""
    return max(place.size_mm * mm, _box_needs(number))


def _box_needs(number: str) -> float:
    return 19 * mm + stringWidth(number, embedded_fonts()[1], MIN_FONT) + 2 * mm


def footer_lines(lines: list[str], width: float) -> list[str]:
    """The footer wrapped at spaces, and a word longer than the width (the verification URL on a
    narrow page: its length varies with the token) broken after a ``/`` or, failing that, anywhere."""
    font = embedded_fonts()[0]  # measured in the font it is drawn in
    wrapped: list[str] = []
    for line in lines:
        for part in simpleSplit(line, font, FOOTER_SIZE, width):
            while part and stringWidth(part, font, FOOTER_SIZE) > width:
                cut = len(part) - 1
                while cut > 1 and stringWidth(part[:cut], font, FOOTER_SIZE) > width:
                    cut -= 1
                slash = part.rfind("/", 0, cut)
                cut = slash + 1 if slash > cut // 2 else cut
                wrapped.append(part[:cut])
                part = part[cut:]
            if part:
                wrapped.append(part)
    return wrapped


def plan_page(
    layout: StampLayout, wanted: set[str], size: tuple[float, float], *, number: str, footer: list[str], page: int
) -> dict[str, Spot]:
    """Where each wanted mark goes on a page of ``size`` (points, upright); refuse what cannot fit."""
    width, height = size
    spots: dict[str, Spot] = {}
    floor = 0.0  # the top of what sits at the bottom edge: the cap stays above it
    if "footer" in wanted and layout.footer is not None:
        place = layout.footer
        x = place.x_mm * mm
        w = min(place.size_mm * mm, width - MARGIN - x)
        if w < _MIN_FOOTER:
            x = max(MARGIN, width - MARGIN - place.size_mm * mm)
            w = min(place.size_mm * mm, width - MARGIN - x)
        if w < _MIN_FOOTER:
            raise _too_small(page, size, "footer")
        rows = len(footer_lines(footer, w)) * FOOTER_SIZE * 1.2
        y = place.y_mm * mm if place.edge == "bottom" else height - place.y_mm * mm - rows
        if y + rows > height or y < 0:
            raise _too_small(page, size, "footer")
        spots["footer"] = Spot(x, y, 1.0, w)
        if place.edge == "bottom":
            floor = max(floor, y + rows)
    if "qr" in wanted and layout.qr is not None:
        side = layout.qr.size_mm * mm
        spot = _fit("qr", *_anchor(layout.qr, height, side), side, side, size, page)
        spots["qr"] = spot
        if layout.qr.edge == "bottom":
            floor = max(floor, spot.y + side * spot.scale)
    if "number_box" in wanted and layout.number_box is not None:
        # On a slip narrower than the box, the box narrows (down to what its 8 pt text needs):
        # scaling it would print the number below 8 pt.
        w = max(min(box_width(layout.number_box, number), width - 2 * MARGIN), _box_needs(number))
        spots["number_box"] = _fit(
            "number_box", *_anchor(layout.number_box, height, BOX_HEIGHT), w, BOX_HEIGHT, size, page
        )
    if "cap" in wanted and layout.cap is not None:
        spots["cap"] = _cap_spot(layout.cap, size, floor, page)
    return spots


def _cap_spot(place: Place, size: tuple[float, float], floor: float, page: int) -> Spot:
    """The cap's centre, moved onto the page and above ``floor``; scaled down if the page is short.

    Positions are written for portrait pages; a landscape attachment as the last page would
    otherwise cut the cap at the edge and print it over the footer.
    """
    width, height = size
    diameter = place.size_mm * mm
    room = min(width - 2 * MARGIN, height - max(MARGIN, floor) - MARGIN)
    scale = min(1.0, room / diameter)
    if scale < _MIN_SCALE["cap"]:
        raise _too_small(page, size, "cap")
    radius = diameter * scale / 2
    cx = place.x_mm * mm
    cy = height - place.y_mm * mm if place.edge == "top" else place.y_mm * mm
    cx = min(max(cx, radius + MARGIN), width - radius - MARGIN)
    cy = min(max(cy, radius + max(MARGIN, floor)), height - radius - MARGIN)
    return Spot(cx, cy, scale, diameter)


def open_saves(page: PageObject) -> tuple[int, int]:
    """Restores (``Q``) the page's content does beyond its saves, and saves (``q``) it leaves open.

    The stamp is drawn after the page's content, in a ``q`` ... ``Q`` of its own. A content that
    saves the graphics state and never restores it (``3 0 0 3 0 0 cm q``, from a careless
    generator) left its scale in force and drew the marks three times as large, off the page;
    one that restores more than it saved stops poppler drawing the rest of the page, stamp and
    all. A quick scan of the operators settles the common case (both 0); only otherwise is the
    content parsed (strings and inline images may hold the letters) to count exactly.
    """
    contents = page.get("/Contents")
    target = contents.get_object() if contents is not None else None
    parts = list(target) if isinstance(target, ArrayObject) else [] if target is None else [target]
    data = b"\n".join(p.get_object().get_data() for p in parts if isinstance(p.get_object(), StreamObject))
    quick = _balance(op for op in _SAVES.findall(data))
    if quick == (0, 0):
        return quick
    from pypdf.generic import ContentStream

    stream = DecodedStreamObject()
    stream.set_data(data)
    try:
        return _balance(operator for _operands, operator in ContentStream(stream, None).operations)
    except Exception:  # content pypdf cannot parse: viewers draw what they can; count as scanned
        return quick


def _balance(operators: Iterable[bytes]) -> tuple[int, int]:
    depth = lowest = 0
    for operator in operators:
        if operator == b"q":
            depth += 1
        elif operator == b"Q":
            depth -= 1
            lowest = min(lowest, depth)
    return -lowest, depth - lowest
