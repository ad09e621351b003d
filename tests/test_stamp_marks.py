"""The marks docgen lays over a PDF, looked at as an archivist and a clerk would (issue 23).

Every font a stamped PDF carries is embedded (pdffonts), no mark's text is smaller than 8 pt
(font sizes read back with pypdf), the footer says only what is true (a paper-signed letter
says where to check it; only a letter signed electronically cites UU ITE), and a scan of a
letter docgen drafted gets its number on the letter's own "Nomor :" line and the cap over its
signer, compared with the positions poppler reads from the draft itself. The inputs are real:
the example letter drafted through LibreOffice, and its "scan" (the draft rasterised by
pdftoppm and saved back as an image-only PDF).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, cli, render_page, require
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from test_signing import PASSWORD, make_ca

from docgen.kinds import get_kind
from docgen.pdf import stamp_page_numbers
from docgen.pipeline import generate
from docgen.register import Register, State
from docgen.stamping import stamp_document

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
SIGNER = "Dr. BUDI SANTOSO, S.Sos., M.Si."  # the example's kadis, as the shipped profile names him
CHECK_URL = "https://dpmptsp.pasuruankota.go.id/verifikasi/"
CLAUSE = ("Undang-Undang Nomor 11 Tahun 2008", "Pasal 5", "Undang-Undang Nomor 1 Tahun 2024")
CAP_ON_PAPER = (88, 78, 160)  # the cap ink #3b2f8f at 85 % over white paper
ARTIFACTS = REPO / "test-artifacts" / "pages"


# -- inputs ----------------------------------------------------------------------------------------


def scan_of(pdf: Path, out: Path) -> Path:
    """``pdf`` printed and scanned: every page rasterised at 150 dpi and saved as image-only PDF."""
    pages = [
        render_page(pdf, n, 150, out.with_name(f"{out.stem}-{n}")) for n in range(1, len(PdfReader(pdf).pages) + 1)
    ]
    images = [Image.open(p).convert("RGB") for p in pages]
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out


def signed_drafted_letter(ws, tmp_path: Path, data: dict | None = None) -> tuple[int, Path, Path]:
    """A letter drafted here (DOCX and draft PDF), signed on paper: (id, its draft PDF, its scan)."""
    draft = generate(ws, KIND, data or copy.deepcopy(get_kind(KIND).example), draft=True, pdf=True)
    with Register.open(ws) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    pdf = Path(
        shutil.copyfile(ws.root / next(f["path"] for f in draft.files if f["role"] == "pdf"), tmp_path / "konsep.pdf")
    )
    return draft.id, pdf, scan_of(pdf, tmp_path / "pindaian.pdf")


def out_pdf(ws, result) -> Path:
    return ws.root / next(f["path"] for f in result.files if f["role"] == "pdf")


# -- looking at the output -------------------------------------------------------------------------


def embedded(pdf: Path) -> dict[str, bool]:
    """Font name -> embedded, from pdffonts' fixed columns (emb is the first yes/no after the encoding)."""
    done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60, check=True)
    lines = done.stdout.splitlines()
    start = lines[0].index("emb")
    return {line.split()[0]: line[start : start + 3].strip() == "yes" for line in lines[2:] if line.strip()}


def text_sizes(pdf: Path) -> list[tuple[str, float]]:
    """(text, size in points as printed) of every text run on every page."""
    found: list[tuple[str, float]] = []
    for page in PdfReader(pdf).pages:

        def visit(text, cm, tm, font, size):
            if text.strip():
                found.append((text.strip(), abs(size * tm[3] * cm[3])))

        page.extract_text(visitor_text=visit)
    return found


def words(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """Words with their boxes in points, as displayed (pdftotext -bbox: x right, y down)."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, done.stdout)]


def signature_text_sizes(pdf: Path) -> list[float]:
    """Font sizes as printed in the visible signatures' appearances: each Tf scaled by the cm
    matrices in force (q/Q followed) and by the widget's rectangle over the appearance's box."""
    from pypdf.generic import ContentStream

    sizes: list[float] = []
    for page in PdfReader(pdf).pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if "/AP" not in annot:
                continue
            form = annot["/AP"]["/N"].get_object()
            box, rect = [float(v) for v in form["/BBox"]], [float(v) for v in annot["/Rect"]]
            fit = min(abs(rect[2] - rect[0]) / abs(box[2] - box[0]), abs(rect[3] - rect[1]) / abs(box[3] - box[1]))
            stack, scale = [], fit
            for operands, op in ContentStream(form, PdfReader(pdf)).operations:
                if op == b"q":
                    stack.append(scale)
                elif op == b"Q":
                    scale = stack.pop() if stack else fit
                elif op == b"cm":
                    a, b_, c, d = (float(v) for v in operands[:4])
                    scale *= abs(a * d - b_ * c) ** 0.5
                elif op == b"Tf":
                    sizes.append(float(operands[1]) * scale)
    return sizes


def plain_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True)
    return " ".join(done.stdout.split())


def cap_box(pdf: Path, page: int = 1, dpi: int = 100) -> tuple[float, float, float, float] | None:
    """The cap's ink on ``page`` (left, top, right, bottom) in points, as displayed; None: no ink."""
    image = Image.open(render_page(pdf, page, dpi)).convert("RGB")
    bands = [
        b.point(lambda v, c=c: 255 if abs(v - c) <= 8 else 0) for b, c in zip(image.split(), CAP_ON_PAPER, strict=True)
    ]
    ink = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
    box = ink.getbbox()
    return None if box is None else tuple(v * 72 / dpi for v in box)  # type: ignore[return-value]


def save_pages(pdf: Path, name: str) -> None:
    """PNG pages for a reviewer, under test-artifacts/pages/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for n in range(1, len(PdfReader(pdf).pages) + 1):
        shutil.copyfile(render_page(pdf, n, 60), ARTIFACTS / f"{name}-{n}.png")


def assert_cap_over_signer(draft: Path, stamped: Path, page: int) -> None:
    """The cap on ``page``: left of the signer's name in the draft, over a third of it or more,
    centred in the signature space above the name, whole (37 mm)."""
    name = [w for w in words(draft, page) if w[0] in SIGNER.split()[1:3]]  # BUDI SANTOSO, as poppler reads them
    assert name, f"the signer's name is not on page {page} of the draft"
    name_left, name_right = min(w[1] for w in name), max(w[3] for w in name)
    name_top = min(w[2] for w in name)
    found = cap_box(stamped, page)
    assert found is not None, f"no cap on page {page}"
    left, top, right, bottom = found
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    assert centre_x < (name_left + name_right) / 2, "the cap is not left of the signature"
    assert right >= name_left + (name_right - name_left) / 3, "the cap overlaps less than a third of the signature"
    assert name_top - 40 * mm < centre_y < name_top + 5 * mm, "the cap is not over the signature space"
    assert right - left == pytest.approx(37 * mm, abs=3 * mm)


# -- fonts and sizes -------------------------------------------------------------------------------


def test_every_font_in_a_stamped_scan_and_a_stamped_text_pdf_is_embedded(workspace, tmp_path, pdf_tools):
    require("soffice")
    doc_id, draft, scan = signed_drafted_letter(workspace, tmp_path)
    on_line = out_pdf(workspace, stamp_document(workspace, scan, KIND, doc_id=doc_id))
    boxed = out_pdf(workspace, stamp_document(workspace, draft, KIND, data=copy.deepcopy(get_kind(KIND).example)))
    for pdf in (on_line, boxed):
        found = embedded(pdf)
        assert found, f"{pdf.name}: no fonts at all (the marks carry text)"
        assert all(found.values()), f"{pdf.name}: fonts not embedded: {[n for n, e in found.items() if not e]}"
    assert set(embedded(scan)) == set()  # the scan itself has none: every font came with the marks


def test_packet_page_numbers_are_set_in_an_embedded_font(tmp_path, pdf_tools):
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(595, 842)  # pages with no font of their own
    writer.pages[1].rotate(90)
    stamp_page_numbers(writer)
    out = tmp_path / "paket.pdf"
    writer.write(out)
    assert "hal. 1 dari 2" in plain_text(out) and "hal. 2 dari 2" in plain_text(out)
    found = embedded(out)
    assert found and all(found.values()), found


def test_no_mark_is_set_smaller_than_8_pt_on_a_letter_or_a_slip(workspace, tmp_path, pdf_tools):
    letter = copy.deepcopy(get_kind(KIND).example)
    slip = tmp_path / "slip.pdf"
    a4 = tmp_path / "a4.pdf"
    for path, size in ((slip, (80 * mm, 120 * mm)), (a4, (595, 842))):  # the slip: narrower than the 82 mm box
        c = Canvas(str(path), pagesize=size)
        c.rect(10, 10, 20, 20)
        c.showPage()
        c.save()
    for source in (slip, a4):
        result = stamp_document(workspace, source, KIND, data=copy.deepcopy(letter))
        pdf = out_pdf(workspace, result)
        sizes = text_sizes(pdf)
        assert any(result.number in t for t, _ in sizes), "the number is not printed"
        small = [(t, round(s, 2)) for t, s in sizes if s < 8 - 0.01]
        assert small == [], f"{source.name}: marks under 8 pt: {small}"
        assert "..." not in plain_text(pdf)


# -- the footer tells the truth --------------------------------------------------------------------


def test_a_paper_signed_letter_says_where_to_check_it_and_cites_no_electronic_evidence(workspace, tmp_path, pdf_tools):
    require("soffice")
    doc_id, _, scan = signed_drafted_letter(workspace, tmp_path)
    stamped = out_pdf(workspace, stamp_document(workspace, scan, KIND, doc_id=doc_id))
    printed = out_pdf(workspace, generate(workspace, KIND, copy.deepcopy(get_kind(KIND).example), pdf=True))
    for pdf in (stamped, printed):
        text = plain_text(pdf)
        assert CHECK_URL in text and "Keaslian dokumen dapat diperiksa" in text, text[-400:]
        for cited in (*CLAUSE, "UU Nomor 11", "ditandatangani secara elektronik", "alat bukti"):
            assert cited not in text, f"{pdf.name} claims {cited!r} without an electronic signature"


def test_a_letter_signed_electronically_carries_the_clause_as_amended(workspace, tmp_path, monkeypatch, pdf_tools):
    require("soffice")
    (tmp_path / "ca").mkdir()
    ca = make_ca(tmp_path / "ca")
    doc_id = generate(workspace, KIND, copy.deepcopy(get_kind(KIND).example), draft=True, pdf=True).id
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.VERIFIED)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    result = cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"]))
    assert result.exit_code == 0, result.output
    with Register.open(workspace) as reg:
        (current,) = [f for f in reg.files(doc_id, current_only=True) if f["role"] == "pdf"]
    signed = workspace.outbox / current["path"]
    text = plain_text(signed)
    for cited in CLAUSE:
        assert cited in text, f"the signed letter does not cite {cited!r}"
    assert "sebagaimana telah diubah" in text and "alat bukti hukum yang sah" in text
    assert CHECK_URL in text
    footer = [(t, s) for t, s in text_sizes(signed) if any(k in t for k in ("Undang", "BSrE", "Keaslian"))]
    assert footer and all(s >= 8 - 0.01 for _, s in footer), footer
    sizes = signature_text_sizes(signed)
    assert sizes and min(sizes) >= 8 - 0.01, f"the visible signature's text is set at {sizes} pt"
    found = embedded(signed)  # the visible signature's text too
    assert found and all(found.values()), f"fonts not embedded: {[n for n, e in found.items() if not e]}"
    save_pages(signed, "tte-surat-keluar")


# -- a scan of a letter drafted here ---------------------------------------------------------------


def test_a_scan_of_a_drafted_letter_gets_its_number_on_its_nomor_line_and_the_cap_over_its_signer(
    workspace, tmp_path, pdf_tools
):
    require("soffice")
    doc_id, draft, scan = signed_drafted_letter(workspace, tmp_path)
    assert plain_text(scan) == ""  # a scan: pixels only

    result = stamp_document(workspace, scan, KIND, doc_id=doc_id)

    assert result.number == FIRST
    stamped = out_pdf(workspace, result)
    save_pages(stamped, "pindaian-dicap-surat-keluar")
    before = words(draft)
    colons = [w for w in before if w[0] == ":"]
    label = next(w for w in before if w[0] == "Nomor" and any(abs(c[4] - w[4]) < 1 for c in colons))  # not the kop's
    colon = min((c for c in colons if abs(c[4] - label[4]) < 1), key=lambda c: c[1])
    after = words(stamped)
    (number,) = [w for w in after if w[0] == FIRST]
    assert abs(number[4] - label[4]) <= 2, f"number at y {number[4]:.1f}, the Nomor line at {label[4]:.1f}"
    assert number[1] > colon[3], "the number is not right of the colon"
    assert number[1] < colon[3] + 20 * mm, "the number is not where the value column starts"
    body = next(size for text, size in text_sizes(draft) if text == "Nomor")
    (printed,) = [size for text, size in text_sizes(stamped) if text == FIRST]
    assert printed == pytest.approx(body, abs=0.5), f"the number at {printed} pt, the letter's body at {body} pt"
    assert "Tanggal" not in [w[0] for w in after], "the number box was drawn as well"

    assert_cap_over_signer(draft, stamped, 1)


def test_a_foreign_letter_and_a_scan_of_another_shape_keep_the_number_box(workspace, tmp_path, pdf_tools):
    require("soffice")
    doc_id, _, scan = signed_drafted_letter(workspace, tmp_path)
    landscape = tmp_path / "miring.pdf"
    image = Image.open(render_page(scan, 1, 100)).rotate(90, expand=True)
    image.save(landscape, "PDF", resolution=100)  # not the draft's page: the anchors do not apply
    for result in (
        stamp_document(workspace, landscape, KIND, doc_id=doc_id),
        stamp_document(workspace, scan, KIND, data=copy.deepcopy(get_kind(KIND).example)),
    ):
        found = words(out_pdf(workspace, result))
        (number,) = [w for w in found if w[0] == result.number]
        assert number[2] < 16 * mm, "the number is not in the box at the top"
        assert "Tanggal" in [w[0] for w in found]


def test_a_profile_with_its_own_footer_keeps_it_as_written_and_only_a_tte_adds_the_clause(workspace):
    from datetime import date

    from docgen.pdf import make_marks
    from docgen.profile import load_workspace

    profile = workspace.root / "docgen.toml"
    own = '["Diterbitkan oleh {office}, nomor {number}.", "Periksa di {url}"]'
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("\n[verification]\n", f"\n[verification]\nfooter = {own}\n"),
        encoding="utf-8",
    )
    ws = load_workspace(workspace.root, env={})
    paper = make_marks(ws.profile, number="1/2/3", doc_date=date(2026, 11, 28), token="abc")
    tte = make_marks(ws.profile, number="1/2/3", doc_date=date(2026, 11, 28), token="abc", electronic=True)
    office = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan"
    assert paper.footer == [f"Diterbitkan oleh {office}, nomor 1/2/3.", f"Periksa di {CHECK_URL}abc"]
    assert tte.footer[:2] == paper.footer
    assert any("Undang-Undang Nomor 1 Tahun 2024" in line for line in tte.footer[2:])
    assert not any("Undang" in line for line in paper.footer)


def test_a_long_drafted_letter_gets_its_number_on_page_one_and_its_cap_on_its_signers_page(
    workspace, tmp_path, pdf_tools
):
    require("soffice")
    data = copy.deepcopy(get_kind(KIND).example)
    data["isi"] = [data["isi"][0]] * 9 + [data["isi"][-1]]
    data["tembusan"] = [f"Kepala Bagian {i} Sekretariat Daerah Kota Pasuruan" for i in range(1, 7)]
    doc_id, draft, scan = signed_drafted_letter(workspace, tmp_path, data)
    pages = len(PdfReader(draft).pages)
    assert pages >= 2, "the long letter fits one page: lengthen it"

    stamped = out_pdf(workspace, stamp_document(workspace, scan, KIND, doc_id=doc_id))

    save_pages(stamped, "pindaian-dicap-surat-panjang")
    assert [w for w in words(stamped, 1) if w[0] == FIRST], "the number is not on page 1"
    assert all(cap_box(stamped, n) is None for n in range(1, pages)), "a cap on a page without the signer"
    assert_cap_over_signer(draft, stamped, pages)


def test_stamping_a_drafted_letter_in_the_box_says_why(workspace, tmp_path, caplog, pdf_tools):
    require("soffice")
    doc_id, _, scan = signed_drafted_letter(workspace, tmp_path)
    slip = tmp_path / "lain.pdf"
    Image.open(render_page(scan, 1, 100)).crop((0, 0, 600, 600)).save(slip, "PDF", resolution=100)
    with caplog.at_level("WARNING", logger="docgen.stamping"):
        result = stamp_document(workspace, slip, KIND, doc_id=doc_id)
    assert "Tanggal" in [w[0] for w in words(out_pdf(workspace, result))]
    (line,) = [r.getMessage() for r in caplog.records if "kotak nomor" in r.getMessage()]
    assert f"Dokumen {doc_id}" in line and "\n" not in line


def test_a_decree_gets_its_number_after_each_nomor_and_a_cap_on_each_signature(workspace, tmp_path, pdf_tools):
    require("soffice")
    draft = generate(workspace, "keputusan", copy.deepcopy(get_kind("keputusan").dated_example()), draft=True, pdf=True)
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    konsep = workspace.root / next(f["path"] for f in draft.files if f["role"] == "pdf")
    scan = scan_of(konsep, tmp_path / "sk-pindaian.pdf")

    result = stamp_document(workspace, scan, "keputusan", doc_id=draft.id)

    stamped = out_pdf(workspace, result)
    save_pages(stamped, "pindaian-dicap-keputusan")
    pages = len(PdfReader(konsep).pages)
    written = []
    for page in range(1, pages + 1):
        before, after = words(konsep, page), words(stamped, page)
        for label in (w for w in before if w[0] == "NOMOR"):
            (number,) = [w for w in after if w[0] == result.number and abs(w[4] - label[4]) <= 2]
            assert number[1] > label[3], f"page {page}: the number is not after NOMOR"
            written.append(page)
        signs = any(w[0] == SIGNER.split()[1] for w in before)
        assert (cap_box(stamped, page) is not None) == signs, f"page {page}: cap {'missing' if signs else 'astray'}"
        if signs:
            assert_cap_over_signer(konsep, stamped, page)
    assert written[0] == 1 and len(written) >= 2, f"the number went on pages {written}: the heading and the lampiran"
