"""The lembar disposisi PDF form: real PDFs, read back with pypdf, rendered with pdftoppm, scanned with zbar."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
from conftest import decode_qr, render_page, require, require_font
from PIL import Image, ImageChops
from pypdf import PdfReader

from docgen.errors import ConfigError, RenderError
from docgen.profile import KopLine, PrintedKop, load_workspace, printed_kop
from docgen.render.forms.disposition import (
    DispositionRound,
    DispositionSheet,
    FormLayout,
    load_form_layout,
    render_disposition_sheet,
)

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "templates" / "lembar-disposisi.toml"
MM = 72 / 25.4
URL = "https://dpmptsp.pasuruankota.go.id/verifikasi/Xq3vT9kLm2Rp8sWz4yBn6c"
UNITS = [
    "Sekretaris",
    "Kepala Bidang Penanaman Modal",
    "Kepala Bidang Pelayanan Terpadu Satu Pintu",
    "Kepala Bidang Informasi, Pengembangan dan Pengaduan",
    "Kepala Sub Bagian Umum dan Kepegawaian",
]
INSTRUCTIONS = ["Tanggapan dan saran", "Proses lebih lanjut", "Koordinasikan/konfirmasikan", "Untuk diketahui", "Arsip"]
FIRST = DispositionRound(
    by="Kepala Dinas",
    to_units=["Kepala Bidang Pelayanan Terpadu Satu Pintu"],
    instructions=["Proses lebih lanjut"],
    note="Mohon ditelaah dan disiapkan jawaban paling lambat Jumat.",
    date_text="28 November 2026",
)


def make_sheet(**changes: object) -> DispositionSheet:
    sheet = DispositionSheet(
        kop=printed_kop(load_workspace(REPO, env={}).profile.office),
        emblem=REPO / "templates" / "lambang.png",
        sender="PT Sinar Jaya Abadi",
        letter_number="045/SJA/XI/2026",
        letter_date="20 November 2026",
        received_date="24 November 2026",
        agenda_number="000.5.3.1/0123/423.105/2026",
        sifat="Segera",
        subject="Permohonan rekomendasi izin reklame",
        kka="500.16.7.2",
        index="Pelayanan Perizinan",
        lampiran="1 (satu) berkas",
        units=list(UNITS),
        instructions=list(INSTRUCTIONS),
        rounds=[FIRST],
        qr_url=URL,
    )
    return dataclasses.replace(sheet, **changes)


def write_pdf(tmp_path: Path, sheet: DispositionSheet, layout: FormLayout | None = None, name: str = "ld") -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_disposition_sheet(sheet, layout or load_form_layout(SHIPPED)))
    return path


def page_text(pdf: Path) -> str:
    """The page's text with runs of whitespace made single spaces (wrapping moves line breaks)."""
    return " ".join(PdfReader(pdf).pages[0].extract_text().split())


def all_text(pdf: Path) -> str:
    """Every page's text, whitespace made single spaces: later rounds and long notes flow onto more pages."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


def page_size_mm(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width), float(box.height)


def ink_box(png: Path) -> tuple[int, int, int, int] | None:
    """The bounding box of everything darker than near-white."""
    gray = Image.open(png).convert("L")
    return gray.point(lambda v: 255 if v < 200 else 0).getbbox()


def test_filled_sheet_prints_the_letter_and_the_disposition(tmp_path):
    pdf = write_pdf(tmp_path, make_sheet())
    text = page_text(pdf)
    for expected in (
        "LEMBAR DISPOSISI",
        "000.5.3.1/0123/423.105/2026",
        "PT Sinar Jaya Abadi",
        "045/SJA/XI/2026",
        "Hal : Permohonan rekomendasi izin reklame",
        "Kode : 500.16.7.2",
        "Lampiran : 1 (satu) berkas",
        "Kepala Bidang Pelayanan Terpadu Satu Pintu",
        "Mohon ditelaah dan disiapkan jawaban paling lambat Jumat.",
        "28 November 2026",
        "Kepala Dinas",
        "Lembar disposisi ini tidak boleh dipisahkan dari surat aslinya.",
    ):
        assert expected in text
    assert len(PdfReader(pdf).pages) == 1
    width, height = page_size_mm(pdf)
    assert width == pytest.approx(165 * MM, abs=1) and height == pytest.approx(215 * MM, abs=1)


def test_a5_layout_gives_an_a5_page(tmp_path):
    pdf = write_pdf(tmp_path, make_sheet(), FormLayout(paper="A5", margins_mm=7))  # the kop at 8 pt needs 7 mm
    width, height = page_size_mm(pdf)
    assert width == pytest.approx(148 * MM, abs=1) and height == pytest.approx(210 * MM, abs=1)
    assert "PT Sinar Jaya Abadi" in page_text(pdf)


def test_blank_sheet_prints_every_label(tmp_path):
    pdf = write_pdf(tmp_path, make_sheet(rounds=[], emblem=None, qr_url=""))
    text = page_text(pdf)
    labels = FormLayout().labels
    for label in (
        labels.title,
        labels.surat_dari,
        labels.nomor_surat,
        labels.tanggal_surat,
        labels.diterima_tanggal,
        labels.nomor_agenda,
        labels.sifat,
        labels.hal,
        labels.indeks,
        labels.kode,
        labels.lampiran,
        labels.batas_waktu,
        labels.diteruskan_kepada,
        labels.dengan_hormat_harap,
        labels.catatan,
        labels.tanggal,
        labels.paraf,
        labels.footer,
        *UNITS,
        *INSTRUCTIONS,
        "Biasa",
        "Sangat Segera",
        "Rahasia",
    ):
        assert label in text
    assert "Kepala Dinas" not in text


def test_later_rounds_are_printed_as_disposisi_lanjutan(tmp_path):
    later = DispositionRound(
        by="Kepala Bidang PTSP",
        to_units=["Kepala Seksi Perizinan"],
        instructions=["Siapkan bahan"],
        note="Telaah teknis dilampirkan.",
        date_text="30 November 2026",
    )
    text = all_text(write_pdf(tmp_path, make_sheet(rounds=[FIRST, later])))
    assert "Disposisi lanjutan 2 dari Kepala Bidang PTSP" in text
    assert "Kepala Seksi Perizinan" in text and "Telaah teknis dilampirkan." in text


def test_ticking_a_unit_marks_only_its_checkbox(tmp_path, pdf_tools):
    """Two sheets that differ only in one ticked unit differ only inside one checkbox-sized spot."""
    ticked = write_pdf(tmp_path, make_sheet(), name="ticked")
    unticked = write_pdf(tmp_path, make_sheet(rounds=[dataclasses.replace(FIRST, to_units=[])]), name="unticked")
    a = Image.open(render_page(ticked)).convert("L")
    b = Image.open(render_page(unticked)).convert("L")
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 60 else 0).getbbox()
    assert diff is not None, "the ticked unit has no mark"
    spot = 4.5 / 25.4 * 150  # a 3 mm box and its check mark, in pixels at 150 dpi
    assert diff[2] - diff[0] <= spot and diff[3] - diff[1] <= spot
    assert diff[0] < a.width / 2, "the mark is not in the 'Diteruskan kepada' box"


def test_unit_not_on_the_list_is_written_in_and_ticked(tmp_path):
    round_ = dataclasses.replace(FIRST, to_units=["Tim Teknis Reklame"])
    assert "Tim Teknis Reklame" in page_text(write_pdf(tmp_path, make_sheet(rounds=[round_])))


def test_qr_code_decodes_to_the_verification_url(tmp_path, pdf_tools):
    pdf = write_pdf(tmp_path, make_sheet())
    assert decode_qr(render_page(pdf, dpi=150)) == [URL]
    assert "Pindai untuk memeriksa di register" in page_text(pdf)


def test_hostile_text_renders_inside_the_page(tmp_path):
    require("pdftoppm", "zbarimg")
    hostile = "& < > \" ' {{ nama }} {% if %} </w:t> \t\x00"
    note = "AWAL catatan " + "kata panjang sekali " * 95 + "AKHIR"  # about 2,000 characters
    assert len(note) > 1900
    kop = PrintedKop((KopLine(f"PEMERINTAH {hostile}", 14, True), KopLine("ꦥꦱꦸꦫꦸꦮꦤ꧀ بلدية باسوروان", 16, True)), ())
    sheet = make_sheet(
        kop=kop,
        sender=f"Yth. {hostile}\nꦥꦱꦸꦫꦸꦮꦤ꧀ " + "X" * 60,
        letter_number=hostile,
        subject="Perihal <b>tebal</b> & {{ hal }} " * 3,
        sifat="Sangat <Segera>",
        units=[*UNITS, hostile],
        rounds=[dataclasses.replace(FIRST, by=hostile, note=f"{note}\n\n{hostile}\nمرحبا", to_units=[hostile])],
    )
    pdf = write_pdf(tmp_path, sheet)
    text = all_text(pdf)
    assert "AWAL catatan kata panjang sekali" in text and "AKHIR" in text  # the note continues, whole
    assert "& < > \" ' {{ nama }}" in text
    for page in range(1, len(PdfReader(pdf).pages) + 1):
        png = render_page(pdf, page, dpi=150)
        width, height = Image.open(png).size
        edge = round(2 / 25.4 * 150)  # 2 mm in pixels
        left, top, right, bottom = ink_box(png)
        assert left >= edge and top >= edge and right <= width - edge and bottom <= height - edge
    assert decode_qr(render_page(pdf, 1, dpi=150)) == [URL]


def test_long_values_wrap_inside_the_margins_and_are_never_cut(tmp_path, pdf_tools):
    sheet = make_sheet(
        sender="Perusahaan " * 8 + "EKORPENGIRIM",
        subject="Permohonan " * 9 + "EKORHAL",
        agenda_number="0" * 30,
        units=[u + " dan seterusnya" for u in UNITS],
        rounds=[dataclasses.replace(FIRST, note="catatan " * 600 + "EKORCATATAN", by="Nama Pejabat " * 4)],
    )
    pdf = write_pdf(tmp_path, sheet)
    text = all_text(pdf)
    assert "…" not in text
    for tail in ("EKORPENGIRIM", "EKORHAL", "EKORCATATAN"):
        assert tail in text
    margin = round((FormLayout().margins_mm - 0.5) / 25.4 * 150)
    for page in range(1, len(PdfReader(pdf).pages) + 1):
        png = render_page(pdf, page, dpi=150)
        width, height = Image.open(png).size
        left, top, right, bottom = ink_box(png)
        assert left >= margin and top >= margin and right <= width - margin and bottom <= height - margin


@pytest.mark.parametrize("name", ["lambang-hilang.png", "bukan-gambar.png"])
def test_missing_or_broken_emblem_is_a_one_line_render_error(tmp_path, name):
    (tmp_path / "bukan-gambar.png").write_text("bukan PNG", encoding="utf-8")
    with pytest.raises(RenderError, match=name) as caught:
        render_disposition_sheet(make_sheet(emblem=tmp_path / name), FormLayout())
    assert "\n" not in str(caught.value)


def test_fonts_are_embedded(tmp_path):
    require_font("LiberationSans-Regular.ttf")
    require_font("LiberationSans-Bold.ttf")
    page = PdfReader(write_pdf(tmp_path, make_sheet())).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} is not embedded"
        assert "Liberation" in str(font["/BaseFont"])


def test_layout_with_a_misspelt_key_is_refused_naming_it(tmp_path):
    path = tmp_path / "tata-letak.toml"
    path.write_text('papper = "A5"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="papper") as caught:
        load_form_layout(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    path.write_text('[labels]\ntitel = "DISPOSISI"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"labels\.titel"):
        load_form_layout(path)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('paper = "A4"', "paper"),
        ("qr_size_mm = 3", "qr_size_mm"),
        ('margins_mm = "lebar"', "margins_mm"),
        ("body_size_pt = 30", "body_size_pt"),
    ],  # fmt: skip
)
def test_layout_with_a_wrong_value_is_refused_naming_the_key(tmp_path, line, key):
    path = tmp_path / "tata-letak.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_form_layout(path)


def test_layout_that_is_not_toml_or_missing_is_a_config_error(tmp_path):
    path = tmp_path / "rusak.toml"
    path.write_text("paper = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="rusak.toml"):
        load_form_layout(path)
    with pytest.raises(ConfigError, match="tidak-ada.toml"):
        load_form_layout(tmp_path / "tidak-ada.toml")


def test_empty_layout_gives_the_defaults(tmp_path):
    path = tmp_path / "kosong.toml"
    path.write_text("", encoding="utf-8")
    assert load_form_layout(path) == FormLayout()


def test_shipped_layout_writes_out_every_setting_at_its_default():
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    assert set(data) == set(FormLayout.model_fields)
    assert set(data["labels"]) == set(type(FormLayout().labels).model_fields)
    assert data["paper"] == "setengah-folio"
    assert load_form_layout(SHIPPED) == FormLayout()
