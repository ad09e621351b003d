"""Stamping a signed PDF: number box, cap dinas, QR code and footer laid over a copy of it.

The inputs are built here: a "scan" (a generated letter rendered by pdftoppm and saved back as an
image-only PDF by Pillow), the letter's own text PDF, and reportlab pages in other shapes. The
output is looked at as a reader sees it: text from pypdf and pdftotext, pixels from pdftoppm,
the QR code from zbarimg.
"""

from __future__ import annotations

import copy
import hashlib
import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import VERIFY_BASE, decode_qr, render_page, require, signed_draft, verification_url, without_docgen_env
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import RegisterError, RequestError
from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate
from docgen.register import Register
from docgen.stamping import stamp_document

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
SECOND = "500.16.7.2/2/423.105/2026"
DATE_TEXT = "28 November 2026"
F4 = (609.4, 935.4)  # 215 x 330 mm
# The cap ink #3b2f8f = (59, 47, 143) at 85 % over white paper: 0.85 * ink + 0.15 * 255.
CAP_ON_PAPER = (88, 78, 160)
CAP_TOLERANCE = 6  # a swapped ink (#2f3b8f) or full opacity falls outside it
CAP_MIN_PIXELS = 400  # a whole cap at 100 dpi shows ~800
FOOTER_START = "Dokumen ini diterbitkan oleh"


# -- inputs ----------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reportlab_pdf(path: Path, *, pages: int = 1, size: tuple[float, float] = A4) -> Path:
    """A plain text PDF: one line of text near the top of each page."""
    c = Canvas(str(path), pagesize=size)
    for i in range(1, pages + 1):
        c.setFont("Helvetica", 12)
        c.drawString(25 * mm, size[1] - 40 * mm, f"Surat uji, halaman {i} dari {pages}")
        c.showPage()
    c.save()
    return path


def rotated_copy(source: Path, target: Path, degrees: int = 90) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    for page in writer.pages:
        page.rotate(degrees)
    with target.open("wb") as out:
        writer.write(out)
    return target


@pytest.fixture(scope="module")
def letter_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The example letter as a draft PDF from LibreOffice ("text") and as an image-only scan ("scan")."""
    require("soffice", "pdftoppm", "zbarimg")
    folder = tmp_path_factory.mktemp("letter-pdfs")
    env = without_docgen_env()
    try:
        ws = create_workspace(folder / "ws")
        result = generate(ws, KIND, copy.deepcopy(get_kind(KIND).example), draft=True, pdf=True)
    finally:
        env.undo()
    text = folder / "surat-ttd.pdf"
    shutil.copyfile(ws.root / next(f["path"] for f in result.files if f["role"] == "pdf"), text)
    png = render_page(text, 1, 150, folder / "pindaian.png")
    scan = folder / "pindaian.pdf"
    Image.open(png).convert("RGB").save(scan, "PDF", resolution=150)
    return {"text": text, "scan": scan}


@pytest.fixture
def scan(letter_pdfs, tmp_path) -> Path:
    """This test's own copy of the scanned letter."""
    return Path(shutil.copyfile(letter_pdfs["scan"], tmp_path / "pindaian-surat.pdf"))


@pytest.fixture
def text_pdf(letter_pdfs, tmp_path) -> Path:
    return Path(shutil.copyfile(letter_pdfs["text"], tmp_path / "surat-ttd.pdf"))


def out_pdf(ws, result) -> Path:
    assert [f["role"] for f in result.files] == ["pdf"]
    return ws.root / result.files[0]["path"]


# -- looking at the output ----------------------------------------------------------------------


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Words with their boxes in points, as displayed (pdftotext -bbox: x right, y down)."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-cropbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, done.stdout)]


def px(value_mm: float, dpi: int) -> int:
    return round(value_mm / 25.4 * dpi)


def colour_mask(image: Image.Image, rgb: tuple[int, int, int], tolerance: int) -> Image.Image:
    """255 where the pixel is within ``tolerance`` of ``rgb`` on every channel, else 0."""
    bands = image.convert("RGB").split()
    masks = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0) for band, c in zip(bands, rgb, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def cap_ink(png: Path) -> Image.Image:
    return colour_mask(Image.open(png), CAP_ON_PAPER, CAP_TOLERANCE)


def qr_box(image: Image.Image, dpi: int, *, margin_mm: float = 3) -> tuple[int, int, int, int]:
    """Where the profile puts the 22 mm code: 18 mm from the left, 8 mm from the bottom."""
    height = image.size[1]
    return (
        px(18 - margin_mm, dpi),
        height - px(8 + 22 + margin_mm, dpi),
        px(18 + 22 + margin_mm, dpi),
        height - px(8 - margin_mm, dpi),
    )


def assert_qr_only_in_bottom_left(png: Path, dpi: int, url: str) -> None:
    """The code decodes from its 22 mm square in the bottom-left, and nowhere else on the page."""
    image = Image.open(png).convert("RGB")
    width, height = image.size
    box = qr_box(image, dpi)
    assert box[2] < width / 2 and box[1] > height / 2, "expected square is not in the bottom-left quarter"
    crop = png.with_name(png.stem + "-qr.png")
    image.crop(box).save(crop)
    assert decode_qr(crop) == [url], "no readable QR code in the bottom-left 22 mm square"
    dark = colour_mask(image.crop(box), (0, 0, 0), 60)
    assert count(dark) > 0.2 * px(22, dpi) ** 2  # a real code, not a speck
    rest = png.with_name(png.stem + "-rest.png")
    image.paste((255, 255, 255), box)
    image.save(rest)
    assert decode_qr(rest) == [], "a QR code also appears outside the bottom-left square"


# -- stamping -------------------------------------------------------------------------------


def test_stamping_a_scan_numbers_it_into_the_outbox_and_leaves_the_input_untouched(workspace, letter, scan, pdf_tools):
    assert page_texts(scan) == [""]  # a scan: pixels only, no text
    before = sha256(scan)
    mtime = scan.stat().st_mtime_ns

    result = stamp_document(workspace, scan, KIND, data=letter)

    assert (result.number, result.state) == (FIRST, "numbered")
    stamped = out_pdf(workspace, result)
    assert stamped == workspace.root / "outbox/2026/surat-keluar/500.16.7.2-1-423.105-2026.pdf"
    assert sha256(scan) == before and scan.stat().st_mtime_ns == mtime
    with Register.open(workspace) as reg:
        doc = reg.document(result.id)
        rows = reg.files(result.id)
        numbers = reg.numbers()
    assert doc.source_sha256 == before
    assert (doc.state, doc.number) == ("numbered", FIRST)
    assert [(r["role"], r["sha256"]) for r in rows] == [("pdf", sha256(stamped))]
    assert [(n["number"], n["status"]) for n in numbers] == [(FIRST, "issued")]

    first = page_texts(stamped)[0]
    assert "Nomor" in first and FIRST in first
    assert "Tanggal" in first and DATE_TEXT in first
    assert decode_qr(render_page(stamped, 1, 150)) == [VERIFY_BASE + doc.token]


def test_stamping_a_signed_draft_gives_it_its_number(workspace, letter, text_pdf, pdf_tools):
    doc_id = signed_draft(workspace, letter)
    before = sha256(text_pdf)

    result = stamp_document(workspace, text_pdf, KIND, doc_id=doc_id)

    assert result.id == doc_id
    assert (result.number, result.state) == (FIRST, "numbered")
    assert sha256(text_pdf) == before
    with Register.open(workspace) as reg:
        doc = reg.document(doc_id)
        assert (doc.state, doc.number, doc.number_status) == ("numbered", FIRST, "issued")
        assert doc.source_sha256 == before
        assert [n["number"] for n in reg.numbers()] == [FIRST]
    stamped = out_pdf(workspace, result)
    assert FIRST in page_texts(stamped)[0]
    assert decode_qr(render_page(stamped, 1, 150)) == [verification_url(workspace, doc_id)]


def test_cap_and_qr_lie_where_the_profile_puts_them(workspace, letter, scan, pdf_tools):
    result = stamp_document(workspace, scan, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    dpi = 100
    png = render_page(stamped, 1, dpi)

    # Nothing of the cap's colour on the input: every such pixel comes from the stamp.
    assert count(cap_ink(render_page(scan, 1, dpi))) == 0

    ink = cap_ink(png)
    circle = Image.new("L", ink.size, 0)
    cx, cy, r = px(125, dpi), px(200, dpi), px(18.5 + 1.5, dpi)
    ImageDraw.Draw(circle).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    inside = count(ImageChops.multiply(ink, circle))
    outside = count(ImageChops.multiply(ink, ImageChops.invert(circle)))
    assert inside > CAP_MIN_PIXELS, f"only {inside} cap-coloured pixels around (125 mm, 200 mm)"
    assert outside == 0, f"{outside} cap-coloured pixels outside the cap's circle"
    # the three rings span the whole 37 mm, not a dot in the middle
    left, top, right, bottom = ink.getbbox()
    assert right - left == pytest.approx(px(37, dpi), abs=px(2, dpi))
    assert bottom - top == pytest.approx(px(37, dpi), abs=px(2, dpi))

    assert_qr_only_in_bottom_left(png, dpi, verification_url(workspace, result.id))


def test_multi_page_letter_number_box_on_first_page_qr_and_footer_on_last(workspace, letter, tmp_path, pdf_tools):
    source = reportlab_pdf(tmp_path / "tiga-halaman.pdf", pages=3)
    result = stamp_document(workspace, source, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    url = verification_url(workspace, result.id)

    texts = page_texts(stamped)
    assert len(texts) == 3
    for i, text in enumerate(texts, start=1):
        assert f"halaman {i} dari 3" in text  # the original content is still there
    first, middle, last = texts
    assert "Tanggal" in first and FIRST in first and DATE_TEXT in first
    assert FOOTER_START not in first and url not in first
    assert "Tanggal" not in middle and FIRST not in middle and FOOTER_START not in middle and url not in middle
    assert "Tanggal" not in last and FOOTER_START in last and url in last

    assert [decode_qr(render_page(stamped, page, 150)) for page in (1, 2, 3)] == [[], [], [url]]
    assert [count(cap_ink(render_page(stamped, page, 100))) > CAP_MIN_PIXELS for page in (1, 2, 3)] == [
        False,
        False,
        True,
    ]


def assert_number_box_upright_at_top_right(pdf: Path, page: int = 1) -> None:
    """As displayed, the number reads left to right in the box 118 mm from the left, 5-16 mm from the top."""
    boxes = [w[1:] for w in words(pdf, page) if w[0] == FIRST]
    assert len(boxes) == 1, f"number box text not found once on page {page}: {boxes}"
    x0, y0, x1, y1 = boxes[0]
    assert x1 - x0 > 5 * (y1 - y0), "the number is not written horizontally on the displayed page"
    assert 5 * mm < y0 and y1 < 16 * mm, f"the number box is not at the top of the displayed page ({y0:.0f} pt)"
    assert 118 * mm < x0 < 140 * mm, f"the number box is not 118 mm from the left ({x0:.0f} pt)"


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_gets_upright_marks_on_the_displayed_page(workspace, letter, scan, tmp_path, rotation, pdf_tools):
    source = rotated_copy(scan, tmp_path / "pindaian-miring.pdf", rotation)
    assert PdfReader(source).pages[0].rotation == rotation

    result = stamp_document(workspace, source, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    page = PdfReader(stamped).pages[0]
    assert page.rotation == rotation  # the page itself is kept as it was
    assert FIRST in page.extract_text()
    assert_number_box_upright_at_top_right(stamped)

    dpi = 100
    png = render_page(stamped, 1, dpi)
    width, height = Image.open(png).size
    assert (width > height) == (rotation != 180)  # 90 and 270 display the A4 page landscape
    assert_qr_only_in_bottom_left(png, dpi, verification_url(workspace, result.id))


@pytest.mark.parametrize("rotation", [0, 90], ids=["upright", "rotated-90"])
def test_page_with_a_crop_box_is_stamped_on_its_visible_area(workspace, letter, tmp_path, rotation, pdf_tools):
    """Scanners often show only part of the media box: the marks belong on the part that is shown."""
    writer = PdfWriter(clone_from=PdfReader(reportlab_pdf(tmp_path / "besar.pdf", size=(700, 950))))
    page = writer.pages[0]
    page.cropbox = RectangleObject([50, 60, 50 + A4[0], 60 + A4[1]])
    page.rotate(rotation)
    source = tmp_path / "terpotong-tampil.pdf"
    with source.open("wb") as out:
        writer.write(out)

    result = stamp_document(workspace, source, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    assert_number_box_upright_at_top_right(stamped)
    dpi = 100
    png = render_page(stamped, 1, dpi)  # the crop box, as a viewer shows it
    assert_qr_only_in_bottom_left(png, dpi, verification_url(workspace, result.id))


@pytest.mark.parametrize(
    ("name", "size"), [("lanskap.pdf", landscape(A4)), ("f4.pdf", F4)], ids=["landscape-a4", "portrait-f4"]
)
def test_landscape_and_f4_pages_get_a_readable_qr_in_the_bottom_left(
    workspace, letter, tmp_path, name, size, pdf_tools
):
    source = reportlab_pdf(tmp_path / name, size=size)
    result = stamp_document(workspace, source, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    page = PdfReader(stamped).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size, abs=0.5)
    assert FIRST in page.extract_text()
    assert_number_box_upright_at_top_right(stamped)

    dpi = 100
    png = render_page(stamped, 1, dpi)
    assert_qr_only_in_bottom_left(png, dpi, verification_url(workspace, result.id))


def test_cap_is_drawn_whole_on_a_landscape_last_page(workspace, letter, tmp_path, pdf_tools):
    """A landscape lampiran as the last page: the 37 mm cap must still be whole on the paper."""
    source = reportlab_pdf(tmp_path / "lampiran-lanskap.pdf", size=landscape(A4))
    result = stamp_document(workspace, source, KIND, data=letter)
    dpi = 100
    ink = cap_ink(render_page(out_pdf(workspace, result), 1, dpi))
    box = ink.getbbox()
    assert box is not None, "no cap on the page"
    left, top, right, bottom = box
    assert bottom - top == pytest.approx(px(37, dpi), abs=px(2, dpi)), (
        f"the cap shows only {(bottom - top) / dpi * 25.4:.0f} of its 37 mm: "
        f"it is cut by the page edge (lowest ink at row {bottom} of {ink.size[1]})"
    )


def test_qr_is_sharp_enough_to_read_at_100_150_and_300_dpi(workspace, letter, scan, pdf_tools):
    result = stamp_document(workspace, scan, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    url = verification_url(workspace, result.id)
    assert {dpi: decode_qr(render_page(stamped, 1, dpi)) for dpi in (100, 150, 300)} == {
        100: [url],
        150: [url],
        300: [url],
    }


# -- refusals -------------------------------------------------------------------------------------


def _broken(path: Path) -> None:
    path.write_bytes(random.Random(20261128).randbytes(8192))


def _encrypted(path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(reportlab_pdf(path.with_name("terbuka.pdf"))))
    writer.encrypt("rahasia")
    with path.open("wb") as out:
        writer.write(out)
    assert PdfReader(path).is_encrypted


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    whole = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(whole, "PDF", resolution=150)
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])


@pytest.mark.parametrize("mode", ["data", "doc_id"])
@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("rusak.pdf", _broken, "bukan PDF yang utuh"),
        ("terkunci.pdf", _encrypted, "kata sandi"),
        ("kosong.pdf", _empty, "kosong"),
        ("terpotong.pdf", _truncated, "bukan PDF yang utuh"),
    ],
    ids=["random-bytes", "encrypted", "empty", "truncated"],
)
def test_unreadable_pdf_is_refused_in_one_line_before_any_number_is_taken(
    workspace, letter, tmp_path, name, make, says, mode
):
    issued = generate(workspace, KIND, letter)  # the books are not empty: nothing may change in them
    draft_id = signed_draft(workspace, letter) if mode == "doc_id" else None
    with Register.open(workspace) as reg:
        numbers_before = reg.numbers()
        documents_before = reg.documents()
    files_before = sorted(p for p in workspace.outbox.rglob("*") if p.is_file())
    bad = tmp_path / name
    make(bad)
    bad_bytes = bad.read_bytes()

    kwargs = {"doc_id": draft_id} if mode == "doc_id" else {"data": letter}
    with pytest.raises(RequestError) as caught:
        stamp_document(workspace, bad, KIND, **kwargs)

    message = str(caught.value)
    assert message.startswith(f"Berkas {name} "), message
    assert says in message
    assert "\n" not in message
    assert bad.read_bytes() == bad_bytes
    with Register.open(workspace) as reg:
        assert reg.numbers() == numbers_before
        assert reg.documents() == documents_before
        assert [n["number"] for n in reg.numbers()] == [issued.number]
    assert sorted(p for p in workspace.outbox.rglob("*") if p.is_file()) == files_before


def test_stamping_an_unsigned_draft_is_refused_and_consumes_nothing(workspace, letter, text_pdf):
    draft_id = generate(workspace, KIND, letter, draft=True).id
    files_before = sorted(p for p in workspace.outbox.rglob("*") if p.is_file())

    with pytest.raises(RegisterError) as caught:
        stamp_document(workspace, text_pdf, KIND, doc_id=draft_id)

    assert "draft" in str(caught.value)
    assert f"Dokumen {draft_id}" in str(caught.value)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []
        assert reg.document(draft_id).state == "draft"
        assert reg.document(draft_id).number is None
        assert [r["role"] for r in reg.files(draft_id)] == ["docx"]
    assert sorted(p for p in workspace.outbox.rglob("*") if p.is_file()) == files_before


def test_stamping_an_already_numbered_letter_keeps_its_number(workspace, letter, text_pdf, pdf_tools):
    numbered = generate(workspace, KIND, letter)
    assert numbered.number == FIRST

    result = stamp_document(workspace, text_pdf, KIND, doc_id=numbered.id)

    assert (result.id, result.number, result.state) == (numbered.id, FIRST, "numbered")
    with Register.open(workspace) as reg:
        assert [(n["number"], n["status"]) for n in reg.numbers()] == [(FIRST, "issued")]
        assert sorted(r["role"] for r in reg.files(numbered.id)) == ["docx", "pdf"]
    stamped = out_pdf(workspace, result)
    assert stamped.name == "500.16.7.2-1-423.105-2026.pdf"
    assert FIRST in page_texts(stamped)[0]
    assert SECOND not in "".join(page_texts(stamped))
    assert decode_qr(render_page(stamped, 1, 150)) == [verification_url(workspace, numbered.id)]
