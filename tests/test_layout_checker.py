"""The layout checker catches what it claims: each rule fails on a PDF drawn to break exactly it.

Each PDF is drawn here with reportlab from a plain description (text, place, size), so what is
wrong with it is known without the checker; the clean letter passes every rule at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_font
from layoutcheck import (
    MM,
    Finding,
    Furniture,
    ellipsis_cuts,
    evidence_clause,
    kop_differs,
    missing_page_numbers,
    missing_rahasia,
    numbered_single_tembusan,
    read_layout,
    separated_signatures,
    small_text,
    split_tembusan,
    stranded_pages,
    unembedded_fonts,
    wrong_paper,
)

A4 = (210 * MM, 297 * MM)
KOP = ("PEMERINTAH KOTA PASURUAN", "DINAS PENANAMAN MODAL DAN", "Jalan Pahlawan Nomor 28, Pasuruan")
FOOTER = ("Dokumen ini diterbitkan oleh {office} dengan nomor {number}.", "Periksa di {url}")
OFFICE = "Dinas Penanaman Modal Kota Pasuruan"
SIGNATURE = ("KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU", "BUDI SANTOSO", "NIP 197805122005011002")
TEMBUSAN = ("Tembusan:", "Wali Kota Pasuruan", "Sekretaris Daerah Kota Pasuruan")
BODY = "Dalam rangka meningkatkan pemahaman pelaku usaha tentang perizinan berusaha"


def label(n: int) -> str:
    return f"- {n} -"


FURNITURE = Furniture(kop=KOP, footer=FOOTER, office=OFFICE, label=label)

# A text on a page: (text, x in mm from the left, y in mm from the top, size in pt, centred)
Text = tuple[str, float, float, float, bool]


def kop_texts() -> list[Text]:
    return [(KOP[0], 105, 15, 14, True), (KOP[1], 105, 22, 16, True), (KOP[2], 105, 29, 10, True)]


def signature_texts(top: float) -> list[Text]:
    return [
        ("KEPALA DINAS PENANAMAN MODAL DAN", 150, top, 12, True),
        ("PELAYANAN TERPADU SATU PINTU", 150, top + 5, 12, True),
        ("BUDI SANTOSO", 150, top + 30, 12, True),
        ("NIP 19780512 200501 1 002", 150, top + 35, 12, True),
    ]


def tembusan_texts(top: float) -> list[Text]:
    return [("Tembusan:", 25, top, 11, False), ("1. Wali Kota Pasuruan", 25, top + 5, 11, False),
            ("2. Sekretaris Daerah Kota Pasuruan", 25, top + 10, 11, False)]  # fmt: skip


def footer_texts() -> list[Text]:
    return [
        (f"Dokumen ini diterbitkan oleh {OFFICE} dengan nomor 500/1/423.105/2026.", 25, 280, 8, False),
        ("Periksa di https://dpmptsp.pasuruankota.go.id/verifikasi/abc123", 25, 285, 8, False),
    ]


def body(first: float, count: int) -> list[Text]:
    return [(BODY, 25, first + 6 * i, 12, False) for i in range(count)]


def clean_pages() -> list[list[Text]]:
    """A two-page letter as a careful clerk wants it: kop, body over the break, page number, block."""
    first = kop_texts() + body(45, 38)
    second = [(label(2), 105, 12, 12, True), *body(25, 3), *signature_texts(50), *tembusan_texts(100), *footer_texts()]
    return [first, second]


def draw(path: Path, pages: list[list[Text]], *, font: str = "ttf", size: tuple[float, float] = A4) -> Path:
    """Draw ``pages``; ``font="ttf"`` embeds Liberation Sans, ``"helvetica"`` leaves the base 14 font out."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    name = "Helvetica"
    if font == "ttf":
        name = "LiberationSans"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(require_font("LiberationSans-Regular.ttf"))))
    canvas = Canvas(str(path), pagesize=size, initialFontName=name)
    for texts in pages:
        for text, x_mm, y_mm, pt, centred in texts:
            canvas.setFont(name, pt)
            y = size[1] - y_mm * MM
            if centred:
                canvas.drawCentredString(x_mm * MM, y, text)
            else:
                canvas.drawString(x_mm * MM, y, text)
        canvas.showPage()
    canvas.save()
    return path


def every_rule(pdf: Path, values: tuple[str, ...] = ()) -> list[Finding]:
    doc = read_layout(pdf)
    blocks = [*SIGNATURE, *TEMBUSAN]
    return [
        *small_text(doc),
        *ellipsis_cuts(doc, values),
        *missing_page_numbers(doc, label),
        *stranded_pages(doc, blocks, FURNITURE),
        *separated_signatures(doc, [SIGNATURE], FURNITURE, others=TEMBUSAN),
        *split_tembusan(doc, TEMBUSAN[1:], FURNITURE),
        *unembedded_fonts(pdf),
        *kop_differs(doc, KOP, FURNITURE),
    ]


def test_a_clean_two_page_letter_passes_every_rule(tmp_path):
    assert every_rule(draw(tmp_path / "bersih.pdf", clean_pages())) == []


def test_text_under_8_pt_is_found_with_its_size_and_8_pt_itself_passes(tmp_path):
    pages = clean_pages()
    pages[1].append(("Nama usaha yang dikecilkan", 25, 200, 7, False))
    pages[1].append(("Delapan poin tepat", 25, 210, 8, False))
    findings = every_rule(draw(tmp_path / "kecil.pdf", pages))
    assert findings == [Finding(2, "huruf di bawah 8 pt", "7.0 pt: Nama usaha yang dikecilkan")]


def test_an_ellipsis_cut_is_found_unless_the_data_itself_holds_it(tmp_path):
    pages = clean_pages()
    pages[1].append(("Nama usaha: CV MAJU JAYA REKLAME DAN PERCET...", 25, 200, 12, False))
    pages[1].append(("Keterangan: menunggu hasil uji\u2026", 25, 210, 12, False))
    pages[1].append(("Tanggal: ..........................", 25, 220, 12, False))  # a fill-in leader
    pdf = draw(tmp_path / "elipsis.pdf", pages)
    assert every_rule(pdf, ("menunggu hasil uji...",)) == [
        Finding(2, "terpotong dengan elipsis", "Nama usaha: CV MAJU JAYA REKLAME DAN PERCET...")
    ]
    assert len(every_rule(pdf, ("CV MAJU JAYA REKLAME DAN PERCETAKAN",))) == 2  # the data has no ellipsis


def test_a_page_after_the_first_without_its_number_is_found(tmp_path):
    pages = clean_pages()
    pages[1] = pages[1][1:]
    assert every_rule(draw(tmp_path / "tanpa.pdf", pages)) == [Finding(2, "tanpa nomor halaman", "'- 2 -' tidak ada")]


def test_a_page_number_off_centre_or_below_the_top_band_does_not_count(tmp_path):
    for name, place in (("kanan", (180, 12)), ("tengah", (105, 60))):
        pages = clean_pages()
        pages[1][0] = (label(2), *place, 12, True)
        findings = missing_page_numbers(read_layout(draw(tmp_path / f"{name}.pdf", pages)), label)
        assert [(f.page, f.rule) for f in findings] == [(2, "tanpa nomor halaman")], name


def test_a_numbered_first_page_is_found_and_bottom_numbers_are_read_at_the_bottom(tmp_path):
    pages = clean_pages()
    pages[0].append((label(1), 105, 12, 12, True))
    assert missing_page_numbers(read_layout(draw(tmp_path / "satu.pdf", pages)), label) == [
        Finding(1, "halaman pertama bernomor", "- 1 -")
    ]
    pages = clean_pages()
    pages[1][0] = (label(2), 105, 290, 12, True)
    doc = read_layout(draw(tmp_path / "bawah.pdf", pages))
    assert missing_page_numbers(doc, label, position="bottom") == []
    assert len(missing_page_numbers(doc, label, position="top")) == 1


def test_a_page_holding_only_the_signature_block_and_tembusan_is_found(tmp_path):
    pages = clean_pages()
    pages[1] = [p for p in pages[1] if p[0] != BODY]
    pages[0] += body(275, 3)  # the body ends on page 1; the block went over alone
    findings = every_rule(draw(tmp_path / "sendiri.pdf", pages))
    rules = sorted({(f.page, f.rule) for f in findings})
    assert rules == [
        (2, "blok tanda tangan terpisah dari baris sebelumnya"),
        (2, "halaman hanya berisi blok tanda tangan/tembusan"),
    ]


def test_a_page_holding_only_tembusan_lines_is_found(tmp_path):
    pages = clean_pages()
    pages.append([(label(3), 105, 12, 12, True), *tembusan_texts(30)])
    pages[1] = [p for p in pages[1] if not p[0].startswith(("Tembusan", "1.", "2."))]
    findings = stranded_pages(read_layout(draw(tmp_path / "tembusan.pdf", pages)), [*SIGNATURE, *TEMBUSAN], FURNITURE)
    assert [(f.page, f.rule) for f in findings] == [(3, "halaman hanya berisi blok tanda tangan/tembusan")]


def test_a_signature_block_with_one_line_before_it_on_its_page_is_found(tmp_path):
    pages = clean_pages()
    pages[1] = [p for p in pages[1] if p[0] != BODY] + body(40, 1)
    findings = every_rule(draw(tmp_path / "satu-baris.pdf", pages))
    assert findings == [
        Finding(
            2,
            "blok tanda tangan terpisah dari baris sebelumnya",
            "KEPALA DINAS PENANAMAN MODAL DAN (baris isi di atasnya: 1)",
        )
    ]


def test_a_font_left_out_of_the_file_is_found_by_name(tmp_path):
    findings = every_rule(draw(tmp_path / "helvetica.pdf", clean_pages(), font="helvetica"))
    assert findings == [Finding(1, "huruf tidak tertanam", "Helvetica")]


def test_a_kop_broken_differently_from_the_profile_is_found_naming_both(tmp_path):
    pages = clean_pages()
    pages[0][1] = ("DINAS PENANAMAN MODAL", 105, 22, 16, True)
    pages[0].insert(2, ("DAN", 105, 26, 16, True))
    findings = every_rule(draw(tmp_path / "kop.pdf", pages))
    assert findings == [
        Finding(1, "kop berbeda", "baris 2 tercetak 'DINAS PENANAMAN MODAL', profil 'DINAS PENANAMAN MODAL DAN'")
    ]


@pytest.mark.parametrize("mark", ["RAHASIA"])
def test_rahasia_marks_and_the_page_number_are_not_content(tmp_path, mark):
    """A page with the marks, its number and the footer but nothing else is an empty page."""
    pages = clean_pages()
    pages.append([(mark, 105, 8, 12, True), (label(3), 105, 14, 12, True), *footer_texts(), (mark, 105, 292, 12, True)])
    findings = stranded_pages(read_layout(draw(tmp_path / "kosong.pdf", pages)), SIGNATURE, FURNITURE)
    assert [(f.page, f.rule) for f in findings] == [(3, "halaman tanpa isi")]


def test_a_tembusan_heading_left_behind_or_a_short_tembusan_split_is_found(tmp_path):
    pages = clean_pages()
    pages[1] = [p for p in pages[1] if not p[0].startswith(("Tembusan", "1.", "2."))]
    pages[1].append(("Tembusan:", 25, 270, 11, False))
    pages.append([(label(3), 105, 12, 12, True), *tembusan_texts(25)[1:], *body(50, 3)])
    findings = split_tembusan(read_layout(draw(tmp_path / "pisah.pdf", pages)), TEMBUSAN[1:], FURNITURE)
    assert findings == [
        Finding(2, "judul tembusan terpisah dari butirnya", "butir mulai di halaman 3"),
        Finding(3, "tembusan pendek terpecah", "2 butir di halaman 2, 3"),
    ]
    pages = clean_pages()
    pages.append([(label(3), 105, 12, 12, True), ("3. Inspektur Kota Pasuruan", 25, 25, 11, False), *body(35, 3)])
    doc = read_layout(draw(tmp_path / "terbelah.pdf", pages))
    items = [*TEMBUSAN[1:], "Inspektur Kota Pasuruan"]
    assert split_tembusan(doc, items, FURNITURE) == [Finding(2, "tembusan pendek terpecah", "3 butir di halaman 2, 3")]
    assert split_tembusan(doc, items, FURNITURE, short=2) == []  # a long tembusan may run over


def test_a_name_of_a_tembusan_addressee_elsewhere_in_the_letter_is_not_taken_for_the_tembusan(tmp_path):
    pages = clean_pages()
    pages[0].append(("Wali Kota Pasuruan", 25, 40, 12, False))  # the addressee, before the body
    pages.append([(label(3), 105, 12, 12, True), *body(25, 3), ("Wali Kota Pasuruan", 25, 50, 12, False)])
    assert split_tembusan(read_layout(draw(tmp_path / "yth.pdf", pages)), TEMBUSAN[1:], FURNITURE) == []


def test_a_page_on_other_paper_than_the_profiles_is_found(tmp_path):
    doc = read_layout(draw(tmp_path / "a4.pdf", clean_pages()))
    assert wrong_paper(doc, (210, 297)) == []
    assert wrong_paper(doc, (215, 330)) == [
        Finding(1, "ukuran kertas", "210 x 297 mm, profil 215 x 330 mm"),
        Finding(2, "ukuran kertas", "210 x 297 mm, profil 215 x 330 mm"),
    ]
    half = read_layout(draw(tmp_path / "setengah.pdf", clean_pages(), size=(165 * MM, 215 * MM)))
    assert wrong_paper(half, (215, 330), half=True) == []
    assert [f.text for f in wrong_paper(half, (210, 297), half=True)] == [
        "165 x 215 mm, profil 210 x 297 mm atau 148.5 x 210 mm"
    ] * 2


def test_a_rahasia_mark_missing_at_the_top_or_bottom_of_a_page_is_found(tmp_path):
    pages = clean_pages()
    pages[0] += [("RAHASIA", 105, 8, 12, True), ("RAHASIA", 105, 290, 12, True)]
    pages[1] += [("RAHASIA", 105, 290, 12, True), ("Sifat : RAHASIA", 25, 150, 12, False)]
    assert missing_rahasia(read_layout(draw(tmp_path / "rahasia.pdf", pages))) == [
        Finding(2, "tanda rahasia tidak ada", "'RAHASIA' di atas halaman")
    ]


def test_a_single_tembusan_printed_with_a_number_is_found(tmp_path):
    pages = clean_pages()
    pages[1] = [p for p in pages[1] if not p[0].startswith("2.")]
    doc = read_layout(draw(tmp_path / "satu.pdf", pages))
    assert numbered_single_tembusan(doc, TEMBUSAN[1:2], FURNITURE) == [
        Finding(2, "tembusan tunggal bernomor", "1. Wali Kota Pasuruan")
    ]
    pages[1] = [("Wali Kota Pasuruan", 25, 105, 11, False) if p[0].startswith("1.") else p for p in pages[1]]
    assert numbered_single_tembusan(read_layout(draw(tmp_path / "polos.pdf", pages)), TEMBUSAN[1:2], FURNITURE) == []


def test_the_electronic_evidence_clause_on_a_paper_signed_document_is_found(tmp_path):
    pages = clean_pages()
    assert evidence_clause(read_layout(draw(tmp_path / "kertas.pdf", pages))) == []
    pages[1].append(("Dokumen elektronik merupakan alat bukti hukum yang sah (UU ITE).", 25, 290, 8, False))
    assert evidence_clause(read_layout(draw(tmp_path / "ite.pdf", pages))) == [
        Finding(
            2,
            "klausul UU ITE pada dokumen bertanda tangan basah",
            "Dokumen elektronik merupakan alat bukti hukum yang sah (UU ITE).",
        )
    ]


def test_a_body_line_in_the_footers_words_counts_as_content_above_the_foot_of_the_page(tmp_path):
    """Only the foot of the page holds the footer: the office's name typed in the body is content."""
    pages = clean_pages()
    pages[1] = [p for p in pages[1] if p[0] != BODY] + [
        (OFFICE, 25, 30, 12, False),
        (f"{OFFICE} 2026", 25, 36, 12, False),
    ]
    assert every_rule(draw(tmp_path / "nama-kantor.pdf", pages)) == []
    pages[1] = [(text, x, y + 235 if y in (30, 36) else y, pt, c) for text, x, y, pt, c in pages[1]]
    findings = stranded_pages(read_layout(draw(tmp_path / "di-kaki.pdf", pages)), [*SIGNATURE, *TEMBUSAN], FURNITURE)
    assert [(f.page, f.rule) for f in findings] == [(2, "halaman hanya berisi blok tanda tangan/tembusan")]


def _with_code(path: Path, pages: list[list[Text]], at_mm: tuple[float, float]) -> Path:
    """``pages`` drawn, then a 22 mm 'QR code' picture stamped on the last page at (x, y) mm from top-left."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    draw(path, pages)
    code = path.with_suffix(".png")
    Image.new("L", (66, 66), 0).save(code)
    overlay = path.with_name("kode.pdf")
    canvas = Canvas(str(overlay), pagesize=A4)
    canvas.drawImage(str(code), at_mm[0] * MM, A4[1] - (at_mm[1] + 22) * MM, 22 * MM, 22 * MM)
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.pages[-1].merge_page(PdfReader(overlay).pages[0])
    writer.write(path)
    return path


def test_a_line_under_the_stamped_code_or_footer_is_found_and_free_room_passes(tmp_path):
    from layoutcheck import marks_over_text

    clean = _with_code(tmp_path / "bebas.pdf", clean_pages(), (18, 262))
    assert marks_over_text(clean, read_layout(clean), FURNITURE) == []
    pages = clean_pages()
    pages[1].append(("3. Kepala Bagian Hukum Sekretariat Daerah", 25, 270, 11, False))  # under the code
    pages[1].append(("4. Inspektur Kota Pasuruan", 120, 281, 11, False))  # on the footer's lines
    crowded = _with_code(tmp_path / "tertimpa.pdf", pages, (18, 262))
    found = marks_over_text(crowded, read_layout(crowded), FURNITURE)
    assert [(f.page, f.text) for f in found] == [
        (2, "3. Kepala Bagian Hukum Sekretariat Daerah"),
        (2, "4. Inspektur Kota Pasuruan"),
    ]
