"""Stamping what a hostile week brings: broken pages, odd paper sizes, dark print, active content.

Broken inputs are real PDFs edited with pypdf (``/Rotate /abc``, a two-value MediaBox, ...);
what is refused must be refused before a number is reserved, in one ``Galat:`` line. Stamped
copies are looked at as a reader sees them: words and their boxes from pdftotext, pixels from
pdftoppm, the QR code from zbarimg, objects from pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import decode_qr, render_page, verification_url
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from test_stamp import words
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import RequestError
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pdf.stamp import make_marks
from docgen.register import Register, State
from docgen.stamping import stamp_document
from docgen.verify import Verdict, verify

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
DATE_TEXT = "28 November 2026"
F4 = (215 * mm, 330 * mm)
runner = CliRunner()


def text_pdf(
    path: Path, *, size: tuple[float, float] = A4, pages: int = 2, fill: tuple[float, ...] | None = None
) -> Path:
    """A letter of ``pages`` pages; ``fill`` paints every page in that grey/colour first (dark print)."""
    c = Canvas(str(path), pagesize=size)
    for i in range(pages):
        if fill is not None:
            c.setFillColorRGB(*fill)
            c.rect(0, 0, size[0], size[1], stroke=0, fill=1)
            c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica", 10)
        c.drawString(10 * mm, size[1] / 2, f"Halaman {i + 1}")
        c.showPage()
    c.save()
    return path


def edited(source: Path, target: Path, change: Callable[[PdfWriter], None]) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    change(writer)
    with target.open("wb") as out:
        writer.write(out)
    return target


def _set(index: int, key: str, value: object) -> Callable[[PdfWriter], None]:
    return lambda w: w.pages[index].__setitem__(NameObject(key), value)


def _page_tree_loop(w: PdfWriter) -> None:
    pages = w._root_object["/Pages"]
    pages["/Kids"].append(w._root_object.raw_get("/Pages"))
    pages[NameObject("/Count")] = NumberObject(3)


def _xobject_number(w: PdfWriter) -> None:
    w.pages[-1]["/Resources"][NameObject("/XObject")] = NumberObject(3)


BROKEN = {
    "rotate-abc": (_set(-1, "/Rotate", NameObject("/abc")), "halaman 2 rusak (putaran /Rotate /abc"),
    "rotate-45": (_set(-1, "/Rotate", NumberObject(45)), "halaman 2 rusak (putaran /Rotate 45"),
    "rotate-text": (_set(0, "/Rotate", TextStringObject("90")), "halaman 1 rusak (putaran /Rotate"),
    "mediabox-two-values": (_set(0, "/MediaBox", ArrayObject([NumberObject(0), NumberObject(0)])), "/MediaBox harus"),
    "mediabox-text": (_set(0, "/MediaBox", TextStringObject("A4")), "/MediaBox harus berisi empat angka"),
    "mediabox-zero": (_set(0, "/MediaBox", ArrayObject([NumberObject(0)] * 4)), "ukuran halamannya nol"),
    "cropbox-names": (_set(0, "/CropBox", ArrayObject([NameObject("/a")] * 4)), "/CropBox berisi nilai"),
    "resources-5": (_set(-1, "/Resources", NumberObject(5)), "halaman 2 rusak (/Resources bukan kamus"),
    "xobject-3": (_xobject_number, "/XObject bukan kamus"),
    "contents-number": (_set(-1, "/Contents", NumberObject(5)), "/Contents bukan aliran"),
    "contents-dict": (_set(-1, "/Contents", DictionaryObject()), "/Contents bukan aliran"),
    "contents-array-of-numbers": (_set(-1, "/Contents", ArrayObject([NumberObject(1)])), "/Contents bukan aliran"),
    "page-tree-loop": (_page_tree_loop, "bukan PDF yang utuh"),
}


def numbers(ws) -> list:
    with Register.open(ws) as reg:
        return reg.numbers()


def outbox_files(ws) -> list[Path]:
    """Documents in the outbox's year folders (the register's own marker files aside)."""
    return sorted(p for p in ws.outbox.rglob("*") if p.is_file() and p.parent != ws.outbox)


def out_pdf(ws, result) -> Path:
    return ws.root / result.path


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_pdf_with_a_broken_page_is_refused_before_any_number_is_taken(workspace, letter, tmp_path, case):
    change, expected = BROKEN[case]
    pdf = edited(text_pdf(tmp_path / "asli.pdf"), tmp_path / f"{case}.pdf", change)
    with pytest.raises(RequestError) as err:
        stamp_document(workspace, pdf, KIND, data=letter)
    assert expected in str(err.value) and "\n" not in str(err.value)
    assert numbers(workspace) == [] and outbox_files(workspace) == []


def test_a_broken_page_of_a_signed_draft_leaves_the_draft_signed_and_unnumbered(workspace, letter, tmp_path):
    from docgen.pipeline import generate

    draft = generate(workspace, KIND, letter, draft=True)
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    pdf = edited(text_pdf(tmp_path / "asli.pdf"), tmp_path / "rusak.pdf", _set(0, "/Rotate", NameObject("/abc")))
    with pytest.raises(RequestError, match="halaman 1 rusak"):
        stamp_document(workspace, pdf, KIND, doc_id=draft.id)
    assert numbers(workspace) == []
    with Register.open(workspace) as reg:
        assert reg.document(draft.id).state == State.SIGNED


@pytest.mark.parametrize("case", ["rotate-abc", "resources-5", "mediabox-two-values", "page-tree-loop"])
def test_cli_stamp_of_a_broken_page_is_one_galat_line_and_exit_1(workspace, letter, tmp_path, case):
    pdf = edited(text_pdf(tmp_path / "asli.pdf"), tmp_path / f"{case}.pdf", BROKEN[case][0])
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["--workspace", str(workspace.root), "stamp", str(pdf), "--data", str(request)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Galat:") and "tak terduga" not in lines[0], result.stderr
    assert numbers(workspace) == []


def test_a_broken_page_no_mark_touches_does_not_stop_the_stamp(workspace, letter, tmp_path):
    """Only pages a mark lands on are read: a middle page with an odd /Rotate is left as it is."""
    pdf = edited(
        text_pdf(tmp_path / "asli.pdf", pages=3), tmp_path / "tengah.pdf", _set(1, "/Rotate", NumberObject(45))
    )
    result = stamp_document(workspace, pdf, KIND, data=letter)
    assert result.number == FIRST


# -- paper sizes ----------------------------------------------------------------------------------


SIZES = {
    "A5": A5,
    "A5-landscape": landscape(A5),
    "A4": A4,
    "A4-landscape": landscape(A4),
    "F4": F4,
    "80x120mm": (80 * mm, 120 * mm),
}


@pytest.mark.parametrize("paper", sorted(SIZES))
def test_the_number_box_lies_whole_on_every_paper_size(workspace, letter, tmp_path, paper, pdf_tools):
    size = SIZES[paper]
    result = stamp_document(workspace, text_pdf(tmp_path / f"{paper}.pdf", size=size, pages=1), KIND, data=letter)
    pdf = out_pdf(workspace, result)
    found = words(pdf, 1)
    text = " ".join(w for w, *_ in found)
    assert FIRST in text and DATE_TEXT in text, f"number box cut on {paper}: {text!r}"
    for word, x0, y0, x1, y1 in found:
        assert x0 >= 0 and x1 <= size[0] + 0.5 and y0 >= 0 and y1 <= size[1] + 0.5, f"{word!r} off the {paper} page"
    assert decode_qr(render_page(pdf, 1, 200)) == [verification_url(workspace, result.id)]


def test_a5_keeps_the_box_at_its_size_moved_in_from_the_right_edge(workspace, letter, tmp_path, pdf_tools):
    result = stamp_document(workspace, text_pdf(tmp_path / "a5.pdf", size=A5, pages=1), KIND, data=letter)
    top = sorted(words(out_pdf(workspace, result), 1), key=lambda w: w[2])[:8]  # the box is the topmost text
    label = next(w for w in top if w[0] == "Nomor")
    year = next(w for w in top if w[0] == DATE_TEXT.split()[-1])
    assert label[1] < A5[0] - 82 * mm + 3 * mm, "the 82 mm box was not moved in whole"
    assert year[3] < A5[0] - 5 * mm


@pytest.mark.parametrize("size_mm", [(50, 50), (40, 200), (200, 20)])
def test_a_page_too_small_for_a_legible_stamp_is_refused_before_numbering(workspace, letter, tmp_path, size_mm):
    size = (size_mm[0] * mm, size_mm[1] * mm)
    with pytest.raises(RequestError, match="terlalu kecil"):
        stamp_document(workspace, text_pdf(tmp_path / "kecil.pdf", size=size, pages=1), KIND, data=letter)
    assert numbers(workspace) == [] and outbox_files(workspace) == []


# -- the QR code on dark print --------------------------------------------------------------------


@pytest.mark.parametrize("fill", [(0, 0, 0), (0.3, 0.3, 0.3), (0.2, 0.2, 0.6)])
def test_the_qr_code_reads_on_a_page_printed_dark_all_over(workspace, letter, tmp_path, fill, pdf_tools):
    pdf = text_pdf(tmp_path / "gelap.pdf", pages=1, fill=fill)
    result = stamp_document(workspace, pdf, KIND, data=letter)
    assert decode_qr(render_page(out_pdf(workspace, result), 1, 150)) == [verification_url(workspace, result.id)]


# -- the office's name ----------------------------------------------------------------------------


def test_the_footer_names_the_office_exactly_as_the_profile_spells_it(workspace, letter, tmp_path):
    from datetime import date

    office = workspace.profile.verification.office
    assert office == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan"  # shipped docgen.toml
    marks = make_marks(workspace.profile, number=FIRST, doc_date=date(2026, 11, 28), token="t" * 24)
    assert f"diterbitkan oleh {office} dengan nomor" in marks.footer[0]
    result = stamp_document(workspace, text_pdf(tmp_path / "surat.pdf", pages=1), KIND, data=letter)
    text = " ".join(PdfReader(out_pdf(workspace, result)).pages[0].extract_text().split())
    assert "Modal dan Pelayanan" in text and "Modal Dan" not in text


def test_without_verification_office_the_footer_takes_the_last_kop_line_as_written(workspace):
    from datetime import date

    from docgen.profile import load_workspace

    path = workspace.root / "docgen.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("office =")), encoding="utf-8")
    ws = load_workspace(workspace.root, env={})
    marks = make_marks(ws.profile, number=FIRST, doc_date=date(2026, 11, 28), token="t" * 24)
    kop = ws.profile.office.kop[-1]
    assert f"diterbitkan oleh {kop} dengan nomor" in marks.footer[0] and kop.title() not in marks.footer[0]


# -- active content -------------------------------------------------------------------------------

ACTIVE = b"app.alert('docgen-uji')"
PAYLOAD = b"MZ-docgen-uji-lampiran"


def _action(kind: str, **fields: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in fields.items():
        action[NameObject(f"/{key}")] = value
    return action


def _annotation(writer: PdfWriter, subtype: str, action: DictionaryObject | None = None) -> object:
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 150, 80)]),
        }
    )
    if action is not None:
        annot[NameObject("/A")] = writer._add_object(action)
    return writer._add_object(annot)


def active_pdf(source: Path, target: Path) -> Path:
    """JavaScript everywhere it can hide, a launch, a form submit, an embedded file, and one plain link."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.add_attachment("lampiran.exe", PAYLOAD)
    js = TextStringObject(ACTIVE.decode())
    root = writer._root_object
    names = root.setdefault(NameObject("/Names"), DictionaryObject()).get_object()
    names[NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("uji"), writer._add_object(_action("/JavaScript", JS=js))]
            )
        }
    )
    root[NameObject("/OpenAction")] = writer._add_object(_action("/JavaScript", JS=js))
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _action("/JavaScript", JS=js)})
    for page in writer.pages:
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS=js)})
        page[NameObject("/Annots")] = ArrayObject(
            [
                _annotation(writer, "/Link", _action("/Launch", F=TextStringObject("calc.exe"))),
                _annotation(writer, "/Link", _action("/SubmitForm", F=TextStringObject("https://evil.example/"))),
                _annotation(writer, "/Link", _action("/URI", URI=TextStringObject("https://example.org/peta"))),
                _annotation(writer, "/Link", _action("/GoTo", D=ArrayObject([page.indirect_reference]))),
                _annotation(writer, "/FileAttachment"),
            ]
        )
    with target.open("wb") as out:
        writer.write(out)
    return target


def assert_inert(pdf: bytes) -> None:
    """No JavaScript, automatic action, launch, submit or embedded file left; plain links stay."""
    assert ACTIVE not in pdf and PAYLOAD not in pdf
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {}) and "/EmbeddedFiles" not in root.get("/Names", {})
    kinds, subtypes = set(), set()
    for page in reader.pages:
        assert "/AA" not in page
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            subtypes.add(annot["/Subtype"])
            if "/A" in annot:
                kinds.add(annot["/A"].get_object().get("/S"))
    assert kinds <= {"/URI", "/GoTo"} and "/URI" in kinds, kinds
    assert "/FileAttachment" not in subtypes


def test_a_stamped_copy_loses_the_inputs_active_content_and_still_verifies(workspace, letter, tmp_path):
    source = active_pdf(text_pdf(tmp_path / "asli.pdf"), tmp_path / "aktif.pdf")
    assert ACTIVE in source.read_bytes() or "/JavaScript" in PdfReader(source).trailer["/Root"]["/Names"]
    result = stamp_document(workspace, source, KIND, data=letter)
    stamped = out_pdf(workspace, result)
    assert_inert(stamped.read_bytes())
    assert verify(workspace, stamped).verdict == Verdict.GENUINE


def test_an_incoming_scan_with_active_content_is_copied_and_merged_without_it(workspace, tmp_path):
    data = dict(get_kind("surat-masuk").example)
    scan = active_pdf(text_pdf(tmp_path / "pindaian.pdf"), tmp_path / "pindaian-aktif.pdf")
    result = enter_incoming(workspace, data, scan=scan, merge=True)
    roles = {f["role"]: workspace.root / f["path"] for f in result.files}
    for role in ("scan", "gabung"):
        assert_inert(roles[role].read_bytes())
    assert len(PdfReader(roles["gabung"]).pages) == 3  # the sheet and both scan pages
    assert verify(workspace, roles["gabung"]).verdict == Verdict.GENUINE


def test_an_incoming_scan_with_a_broken_page_is_refused_before_the_agenda_number_when_merged(workspace, tmp_path):
    data = dict(get_kind("surat-masuk").example)
    scan = edited(text_pdf(tmp_path / "pindaian.pdf"), tmp_path / "rusak.pdf", _set(1, "/Resources", NumberObject(5)))
    with pytest.raises(RequestError, match="halaman 2 rusak"):
        enter_incoming(workspace, data, scan=scan, merge=True)
    assert numbers(workspace) == []


@pytest.mark.parametrize("token", ["a" * 24, "w" * 24, "m" * 24])
def test_a_footer_url_longer_than_a_narrow_page_is_broken_inside_the_width(token):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from docgen.pdf.stampfit import FOOTER_SIZE, footer_lines

    url = f"https://dpmptsp.pasuruankota.go.id/verifikasi/{token}"
    lines = footer_lines([f"Periksa di {url}"], 120.0)  # wide letters (w, m) made the URL overflow
    assert all(stringWidth(line, "Helvetica", FOOTER_SIZE) <= 120.0 for line in lines), lines
    assert "".join(lines).replace(" ", "") == f"Periksadi{url}"
