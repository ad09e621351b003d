"""Stamps land inside what a viewer shows of a page, whatever its MediaBox, CropBox and /Rotate say.

A viewer shows the crop box clipped to the media box, turned by /Rotate. Pages come with
negative origins, crop boxes offset from, larger than or wholly beside their media box, corners
written in any order, sizes from nothing to absurd. Each page is either refused before a number
is taken (one Indonesian line, the register unchanged) or stamped with every mark inside the
visible area: proven by geometry (where the marks are planned, and where the overlay is placed
on the page) and by looking at the copy as a reader does (pdftotext words with their boxes on
the displayed page, the QR code read by zbarimg from a pdftoppm rendering of that page).
"""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import decode_qr, verification_url
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject, NumberObject
from reportlab.lib.units import mm
from test_stamp import words

from docgen.errors import RequestError
from docgen.pdf.stamp import ELEMENTS, _placement, make_marks, stand_in_marks
from docgen.pdf.stampfit import BOX_HEIGHT, FOOTER_SIZE, check_page, footer_lines, plan_page
from docgen.register import Register
from docgen.stamping import stamp_document

KIND = "surat-keluar"
FOOTER_WORDS = ["Dokumen", "ini", "diterbitkan", "oleh"]
QR_DPI = 150
_files = itertools.count()


@dataclass(frozen=True)
class Boxes:
    """One page's dictionary as a scanner or an editor may write it (points)."""

    media: tuple[float, float, float, float]
    crop: tuple[float, float, float, float] | None
    rotate: int

    def visible(self) -> tuple[float, float, float, float] | None:
        """What poppler shows: the crop box clipped to the media box; None when nothing is left."""
        m = _normal(self.media)
        c = _normal(self.crop) if self.crop is not None else m
        box = (max(m[0], c[0]), max(m[1], c[1]), min(m[2], c[2]), min(m[3], c[3]))
        return box if box[2] - box[0] > 0 and box[3] - box[1] > 0 else None


def _normal(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])


def page_pdf(path: Path, boxes: Boxes, content: bytes = b"") -> Path:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if content:
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/MediaBox")] = ArrayObject(FloatObject(v) for v in boxes.media)
    if boxes.crop is not None:
        page[NameObject("/CropBox")] = ArrayObject(FloatObject(v) for v in boxes.crop)
    if boxes.rotate:
        page[NameObject("/Rotate")] = NumberObject(boxes.rotate)
    with path.open("wb") as out:
        writer.write(out)
    return path


def numbers(ws) -> list:
    with Register.open(ws) as reg:
        return reg.numbers()


def displayed(boxes: Boxes) -> tuple[float, float]:
    """Width and height of the visible area as displayed (turned by /Rotate)."""
    left, bottom, right, top = boxes.visible() or (0, 0, 0, 0)
    w, h = right - left, top - bottom
    return (h, w) if boxes.rotate % 180 == 90 else (w, h)


def mark_rects(workspace, result, reader: PdfReader) -> dict[str, tuple[float, float, float, float]]:
    """Where each mark of ``result`` lies on the upright visible area (x0, y0, x1, y1; y up), as planned."""
    geometry = check_page(reader.pages[0], 1, "halaman.pdf")
    with Register.open(workspace) as reg:
        doc = reg.document(result.id)
    marks = make_marks(
        workspace.profile, number=result.number, doc_date=date.fromisoformat(doc.doc_date), token=doc.token
    )
    layout = workspace.profile.stamp_layout(KIND)
    spots = plan_page(layout, set(ELEMENTS), geometry.upright, number=marks.number, footer=marks.footer, page=1)
    rects = {}
    for name, s in spots.items():
        if name == "cap":
            r = s.width * s.scale / 2
            rects[name] = (s.x - r, s.y - r, s.x + r, s.y + r)
        elif name == "footer":
            rows = len(footer_lines(marks.footer, s.width)) * FOOTER_SIZE * 1.2
            rects[name] = (s.x, s.y, s.x + s.width, s.y + rows)
        else:
            height = BOX_HEIGHT if name == "number_box" else s.width
            rects[name] = (s.x, s.y, s.x + s.width * s.scale, s.y + height * s.scale)
    return rects


def assert_overlay_covers_exactly_the_visible_area(boxes: Boxes, reader: PdfReader) -> None:
    """The overlay's upright rectangle, placed by its matrix, is the visible area itself."""
    geometry = check_page(reader.pages[0], 1, "halaman.pdf")
    a, b, c, d, e, f = _placement(geometry)
    w, h = geometry.upright
    corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in ((0, 0), (w, 0), (0, h), (w, h))]
    xs, ys = sorted(x for x, _ in corners), sorted(y for _, y in corners)
    expected = boxes.visible()
    assert expected is not None
    got = (xs[0], ys[0], xs[-1], ys[-1])
    assert all(abs(g - v) < 0.01 for g, v in zip(got, expected, strict=True)), (got, expected)


def qr_region(path: Path, rect: tuple[float, float, float, float], size: tuple[float, float], out: Path) -> Path:
    """Render only the QR code's square (and 4 mm around it) of the displayed page, at QR_DPI.

    pdftoppm draws the page as a viewer shows it (the crop box on the media box, rotated); a
    region outside that area is simply not drawn, so a code read here lies on the visible page.
    """
    scale = QR_DPI / 72
    x0, y0, x1, y1 = rect
    margin = 4 * mm
    left, top = max(0.0, x0 - margin), max(0.0, size[1] - y1 - margin)
    right, bottom = min(size[0], x1 + margin), min(size[1], size[1] - y0 + margin)
    args = ["-x", str(int(left * scale)), "-y", str(int(top * scale))]
    args += ["-W", str(int((right - left) * scale) + 1), "-H", str(int((bottom - top) * scale) + 1)]
    done = subprocess.run(
        ["pdftoppm", "-r", str(QR_DPI), "-png", "-cropbox", "-singlefile", "-f", "1", "-l", "1", *args]
        + [str(path), str(out.with_suffix(""))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def stamp_and_check(workspace, letter, folder: Path, boxes: Boxes, content: bytes = b"") -> str:
    """Stamp a page with these boxes; assert the promise; return "stamped" or "refused: <why>"."""
    source = page_pdf(folder / f"halaman-{next(_files)}.pdf", boxes, content)
    before = numbers(workspace)
    try:
        result = stamp_document(workspace, source, KIND, data=letter)
    except RequestError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(("Berkas", "Halaman")), message
        assert "; " in message, f"the refusal names no fix: {message}"
        assert numbers(workspace) == before, "a refused page consumed a number"
        return f"refused: {message}"
    assert len(numbers(workspace)) == len(before) + 1
    stamped = workspace.root / result.path
    reader = PdfReader(stamped)
    width, height = displayed(boxes)
    rects = mark_rects(workspace, result, PdfReader(source))
    assert set(rects) == set(ELEMENTS)
    for name, (x0, y0, x1, y1) in rects.items():
        assert 0 <= x0 <= x1 <= width + 0.01 and 0 <= y0 <= y1 <= height + 0.01, f"{name} planned off the page"
    assert_overlay_covers_exactly_the_visible_area(boxes, reader)
    found = words(stamped, 1)
    texts = [w for w, *_ in found]
    assert result.number in texts, f"the number is not on the displayed page: {texts}"
    assert all(word in texts for word in FOOTER_WORDS), f"the footer is not on the displayed page: {texts}"
    for word, x0, y0, x1, y1 in found:
        assert x0 >= -0.5 and x1 <= width + 0.5 and y0 >= -0.5 and y1 <= height + 0.5, f"{word!r} off the page"
    png = qr_region(stamped, rects["qr"], (width, height), folder / f"qr-{next(_files)}.png")
    assert decode_qr(png) == [verification_url(workspace, result.id)], "no readable QR code on the displayed page"
    return "stamped"


# -- fixed hard cases -----------------------------------------------------------------------------

A4 = (595.28, 841.89)


@pytest.mark.parametrize(
    ("boxes", "outcome"),
    [
        # a crop box larger than its media box on every side: the marks belong on the paper
        (Boxes((0, 0, *A4), (-300, -300, A4[0] + 300, A4[1] + 300), 0), "stamped"),
        (Boxes((0, 0, *A4), (-300, -300, A4[0] + 300, A4[1] + 300), 90), "stamped"),
        # a crop box sliding off the media box's lower left, negative origin, turned 270
        (Boxes((-1000, -2000, -1000 + 700, -2000 + 1000), (-1200, -2150, -1000 + 500, -2000 + 800), 270), "stamped"),
        # corners written upside down, crop box past the right edge, turned 180
        (Boxes((A4[0], A4[1], 0, 0), (100, 50, A4[0] + 400, A4[1] - 20), 180), "stamped"),
        # the largest page PDF allows
        (Boxes((0, 0, 14_400, 14_400), None, 90), "stamped"),
        # a crop box wholly beside the media box, a zero-area crop box, a page larger than PDF allows
        (Boxes((0, 0, *A4), (A4[0] + 10, 0, A4[0] + 600, A4[1]), 0), "refused"),
        (Boxes((0, 0, *A4), (100, 100, 100, 500), 0), "refused"),
        (Boxes((0, 0, 30_000, 30_000), None, 0), "refused"),
        (Boxes((1e9, 1e9, 1e9 + A4[0], 1e9 + A4[1]), None, 0), "refused"),
    ],
    ids=[
        "crop-larger-than-media",
        "crop-larger-than-media-rotated-90",
        "crop-off-lower-left-negative-origin-270",
        "reversed-corners-crop-past-right-180",
        "largest-pdf-page",
        "crop-beside-media",
        "crop-zero-area",
        "page-larger-than-pdf-allows",
        "page-a-million-km-away",
    ],
)
def test_a_stamp_lies_inside_the_visible_area_or_the_page_is_refused_before_numbering(
    workspace, letter, tmp_path, boxes, outcome, pdf_tools
):
    assert stamp_and_check(workspace, letter, tmp_path, boxes).startswith(outcome)


def test_a_crop_box_wholly_off_its_media_box_is_refused_in_one_line_naming_it(workspace, letter, tmp_path):
    boxes = Boxes((0, 0, *A4), (-800, 0, -10, A4[1]), 0)
    with pytest.raises(RequestError) as err:
        stamp_document(workspace, page_pdf(tmp_path / "di-luar.pdf", boxes), KIND, data=letter)
    assert "halaman 1 rusak" in str(err.value) and "/CropBox" in str(err.value) and "/MediaBox" in str(err.value)
    assert numbers(workspace) == []


@pytest.mark.parametrize(
    "content",
    [
        b"3 0 0 3 0 0 cm q 0 0 1 rg 10 10 50 50 re f",  # a scale saved and never restored
        b"q 0.2 0 0 0.2 300 400 cm q 1 0 0 1 5 5 cm 0 0 0 RG 0 0 m 100 100 l S",  # two levels left open
        b"0 0 100 100 re W n q 2 0 0 2 0 0 cm Q Q Q",  # a clip, and more restores than saves
        b"BT /F1 12 Tf 72 720 Td (q q q Q) Tj ET 0.5 0 0 0.5 0 0 cm q",  # letters q in a string
    ],
    ids=["scale-left-open", "two-levels-open", "extra-restores", "q-in-a-string"],
)
def test_a_page_whose_content_leaves_its_graphics_state_changed_gets_its_stamp_in_place(
    workspace, letter, tmp_path, content, pdf_tools
):
    """The marks are drawn after the page's content, in the page's own space, whatever it left open."""
    assert stamp_and_check(workspace, letter, tmp_path, Boxes((0, 0, *A4), None, 0), content) == "stamped"


# -- the property ---------------------------------------------------------------------------------


def _points(low: float, high: float) -> st.SearchStrategy[float]:
    """Coordinates as editors write them (two decimals); pypdf cannot read back a 150-digit real."""
    return st.floats(low, high).map(lambda v: round(v, 2))


PAPER = st.one_of(_points(420, 1400), st.sampled_from([420.0, 595.28, 841.89, 935.43]))  # A5 to A2, F4
SIDE = st.one_of(
    PAPER,
    PAPER,  # ordinary paper half of the time, so stamping is exercised as much as refusing
    _points(0, 400),  # nothing, or too small for some mark
    _points(10_000, 40_000),  # the largest PDF allows, and beyond
    st.sampled_from([0.0, 0.5, 14_400.0]),
)
ORIGIN = st.one_of(st.sampled_from([0.0, -595.0, 72.0]), _points(-20_000, 20_000))
OFFSET = st.one_of(st.just(0.0), _points(-60, 60), _points(-1500, 1500))


@st.composite
def page_boxes(draw) -> Boxes:
    x, y = draw(ORIGIN), draw(ORIGIN)
    w, h = draw(SIDE), draw(SIDE)
    media = (x, y, x + w, y + h)
    if draw(st.booleans()):
        media = (media[2], media[3], media[0], media[1])  # corners in the other order
    crop = None
    if draw(st.booleans()):
        cx, cy = x + draw(OFFSET), y + draw(OFFSET)
        crop = (cx, cy, cx + draw(st.one_of(st.just(w), SIDE)), cy + draw(st.one_of(st.just(h), SIDE)))
    return Boxes(media, crop, draw(st.sampled_from([0, 90, 180, 270, -90, 450])))


def plainly_fine(boxes: Boxes) -> bool:
    """A visible area of ordinary paper (A5 to A2, either way round) near the origin."""
    visible = boxes.visible()
    if visible is None:
        return False
    w, h = visible[2] - visible[0], visible[3] - visible[1]
    return min(w, h) >= 420 and 595 <= max(w, h) <= 1700 and max(abs(v) for v in visible) < 50_000


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(boxes=page_boxes())
@example(boxes=Boxes((0, 0, *A4), (-50, -50, A4[0] - 50, A4[1] - 50), 90))
def test_any_page_boxes_give_a_stamp_inside_the_visible_area_or_a_refusal_before_numbering(
    workspace, letter, tmp_path, pdf_tools, boxes
):
    outcome = stamp_and_check(workspace, letter, tmp_path, boxes)
    event(re.sub(r"[\d.]+|halaman-\S+", "#", outcome.split(";")[0]))
    if plainly_fine(boxes):
        assert outcome == "stamped", f"ordinary paper {boxes} was {outcome}"


# -- the layout checked before numbering ----------------------------------------------------------

TOKENS = st.one_of(
    st.text("abcdefghijklmnopqrstuvwxyz234567", min_size=24, max_size=24),  # register.books.new_token
    st.text("0123456789abcdef", min_size=32, max_size=32),  # tokens of the first registers
)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the profile is only read
)
@given(token=st.one_of(TOKENS, st.just("m" * 24), st.just("w" * 24)), width_mm=st.integers(50, 200))
def test_the_footer_checked_before_numbering_is_never_shorter_than_the_real_one(workspace, token, width_mm):
    """A real footer wrapping to more lines than the one checked could be refused after numbering."""
    day = date(2026, 11, 28)
    number = "500.16.7.2/99999/423.105/2026"
    checked = stand_in_marks(workspace.profile, day, number)
    real = make_marks(workspace.profile, number=number, doc_date=day, token=token)
    assert len(footer_lines(real.footer, width_mm * mm)) <= len(footer_lines(checked.footer, width_mm * mm))
