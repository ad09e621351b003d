"""Box forms (Sertifikat Standar, izin): real PDFs read back with pypdf, rendered with pdftoppm, scanned with zbar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import decode_qr, render_page, require, require_font
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError, RequestError, TemplateError
from docgen.render.forms.boxform import draw_box_form, load_box_layout

REPO = Path(__file__).resolve().parents[1]
URL = "https://dpmptsp.pasuruankota.go.id/verifikasi/Xq3vT9kLm2Rp8sWz4yBn6c"
FOOTER = [
    "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan BSrE.",
    "Pindai kode QR untuk memeriksa keasliannya.",
]
OFFICE = {  # the kop is no field: the layouts' [kop] prints the profile's (test_form_fit.py)
    "tanggal_terbit": "28 November 2026",
    "penandatangan_jabatan": "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "penandatangan_nama": "Drs. Budi Santoso, M.Si.",
    "penandatangan_nip": "197001011990031001",
}
CERTIFICATE = {
    **OFFICE,
    "nomor": "91200012345670012",
    "nib": "9120001234567",
    "id_proyek": "R-202611271045123450001",
    "nama_usaha": "CV Sumber Rejeki Makmur",
    "alamat_usaha": "Jalan Soekarno Hatta Nomor 12, Bugul Kidul",
    "kbli": "47111",
    "judul_kbli": "Perdagangan Eceran di Minimarket",
    "lokasi_usaha": "Kelurahan Bugul Kidul, Kecamatan Panggungrejo",
    "tingkat_risiko": "MT",
    "skala_usaha": "kecil",
    "status_verifikasi": "Terverifikasi",
    "tanggal_verifikasi": "27 November 2026",
    "penerbit": "DPMPTSP Kota Pasuruan",
    "dasar_hukum": [
        "Peraturan Pemerintah Nomor 28 Tahun 2025 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko"
    ],
    "dasar_dokumen_teks": "Rekomendasi Nomor 600/REK-003/423.104/2026 tanggal 20 November 2026",
    "pernyataan": "Pemenuhan standar kegiatan usaha telah diverifikasi pada tanggal 27 November 2026.",
}
PERMIT = {
    **OFFICE,
    "judul_izin": "IZIN REKLAME",
    "nomor": "500.16.7.4/IR-0007/423.105/2026",
    "pemegang": "PT Cahaya Iklan Nusantara",
    "alamat_pemegang": "Jalan Veteran 5, Pasuruan",
    "objek": "Reklame papan satu muka",
    "lokasi": "Simpang Jalan Pahlawan dan Jalan Veteran",
    "ukuran": "4 x 6 m, tinggi 8 m",
    "berlaku_dari": "1 Desember 2026",
    "berlaku_sampai": "30 November 2027",
    "syarat": ["Konstruksi diperiksa setiap enam bulan.", "Materi reklame tidak melanggar kesusilaan."],
    "dasar_dokumen_teks": "Rekomendasi 600/REK-003/423.104/2026",
    "dasar_hukum": ["Peraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame;"],
    "identitas": "NIB 9120001234567",
    "penanggung_jawab": "Budi Santoso (Direktur)",
    "jenis_reklame": "Papan/billboard",
    "naskah_reklame": "CAHAYA IKLAN - Solusi Promosi Anda",
    "luas": "4 m × 6 m = 24 m²",
    "koordinat": "7,645300° LS; 112,907500° BT",
    "penandatangan_pangkat": "Pembina Tingkat I",
}
LAYOUTS = {"sertifikat-standar": CERTIFICATE, "izin": PERMIT}


def workspace(tmp_path: Path) -> Path:
    """A workspace holding the shipped templates, as ``docgen init`` makes it."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def draw(root: Path, name: str, values: dict, *, qr_url: str = URL, layout: str | None = None) -> Path:
    form = load_box_layout(root / "templates" / (layout or f"{name}.toml"), root)
    pdf = root / f"{name}-{len(list(root.glob('*.pdf')))}.pdf"
    pdf.write_bytes(draw_box_form(form, values, qr_url=qr_url, footer=FOOTER))
    return pdf


def page_text(pdf: Path) -> str:
    return " ".join(PdfReader(pdf).pages[0].extract_text().split())


def write_layout(root: Path, body: str, name: str = "coba.toml") -> Path:
    """The shipped certificate layout with ``body`` put first (top-level keys precede TOML tables);
    a key ``body`` sets replaces the shipped line."""
    shipped = (REPO / "templates" / "sertifikat-standar.toml").read_text(encoding="utf-8").splitlines()
    keys = {line.split("=")[0].strip() for line in body.splitlines() if "=" in line and not line.startswith("[")}
    kept = [line for line in shipped if line.split("=")[0].strip() not in keys or line.startswith(" ")]
    path = root / "templates" / name
    path.write_text(body + "\n" + "\n".join(kept) + "\n", encoding="utf-8")
    return path


MINIMAL = "[qr]\nx_mm = 20\ny_mm = 252\nsize_mm = 28\n[footer]\nx_mm = 50\ny_mm = 254\nw_mm = 140\nh_mm = 24\n"


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_value_appears_on_the_page(tmp_path, name):
    values = LAYOUTS[name]
    text = page_text(draw(workspace(tmp_path), name, values))
    for field, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if field in ("tingkat_risiko", "skala_usaha"):
                continue  # printed through the layout's choices, checked below
            assert item in text, f"{field}: {item!r} missing"
    assert all(line in text for line in FOOTER)
    if name == "sertifikat-standar":
        assert "Menengah Tinggi (MT)" in text and "Usaha Kecil" in text and "SERTIFIKAT STANDAR" in text
    else:
        assert "1. Konstruksi diperiksa" in text and "2. Materi reklame" in text


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_fields_are_the_documents_fields(name):
    form = load_box_layout(REPO / "templates" / f"{name}.toml", REPO)
    assert form.fields == set(LAYOUTS[name])
    assert form.size == (210.0, 297.0)


def test_values_are_printed_as_data_not_read_for_placeholders(tmp_path):
    text = page_text(draw(workspace(tmp_path), "sertifikat-standar", {**CERTIFICATE, "nama_usaha": "{nomor} & {{x}}"}))
    assert "{nomor} & {{x}}" in text


def test_a_long_business_name_wraps_inside_its_box_and_a_600_character_one_is_refused(tmp_path):
    """Two pages differing only in the name differ only inside the name's box (row 2 of the table);
    a name the box cannot hold at 8 pt is refused naming the field, never cut with an ellipsis."""
    require("pdftoppm")
    root = workspace(tmp_path)
    long_name = ("Koperasi Serba Usaha Sumber Rejeki Makmur Sejahtera Bersama " * 3)[:125] + " EKORNAMA"
    short = render_page(draw(root, "sertifikat-standar", CERTIFICATE), dpi=100)
    long = render_page(draw(root, "sertifikat-standar", {**CERTIFICATE, "nama_usaha": long_name}), dpi=100)
    diff = ImageChops.difference(Image.open(short).convert("L"), Image.open(long).convert("L"))
    left, top, right, bottom = diff.point(lambda v: 255 if v > 40 else 0).getbbox()
    px = 100 / 25.4  # pixels per mm; the box is x 70-190, y 103-113 mm, its padding 1 mm
    assert left >= 70 * px and right <= 190 * px + 1 and top >= 103 * px and bottom <= 113 * px + 1
    text = page_text(root / "sertifikat-standar-1.pdf")
    assert "Koperasi Serba Usaha" in text and "EKORNAMA" in text and "…" not in text
    with pytest.raises(
        RequestError, match=r"Kolom 'nama_usaha' \(Nama Pelaku Usaha\) terlalu panjang untuk kotaknya: muat ±\d+ huruf"
    ):
        draw(root, "sertifikat-standar", {**CERTIFICATE, "nama_usaha": long_name * 4})


def test_qr_decodes_at_150_dpi_and_an_empty_url_draws_none(tmp_path, pdf_tools):
    root = workspace(tmp_path)
    assert decode_qr(render_page(draw(root, "izin", PERMIT), dpi=150)) == [URL]
    assert decode_qr(render_page(draw(root, "izin", PERMIT, qr_url=""), dpi=150)) == []


def make_background(root: Path, kind: str) -> str:
    """A light grey page with a dark word at the bottom, as a PDF or an image."""
    if kind == "pdf":
        c = Canvas(str(root / "templates" / "latar.pdf"), pagesize=A4)
        c.setFillGray(0.85)
        c.rect(0, 0, *A4, stroke=0, fill=1)
        c.setFillGray(0)
        c.setFont("Helvetica", 20)
        c.drawString(200, 15, "LATAR BELAKANG")
        c.save()
        return "templates/latar.pdf"
    image = Image.new("RGB", (420, 594), (217, 217, 217))
    name = f"templates/latar.{kind}"
    image.save(root / name)
    return name


@pytest.mark.parametrize("kind", ["pdf", "png", "jpg"])
def test_background_is_drawn_under_the_text(tmp_path, kind):
    require("pdftoppm", "zbarimg")
    root = workspace(tmp_path)
    write_layout(root, f'background = "{make_background(root, kind)}"')
    plain = Image.open(render_page(draw(root, "plain", CERTIFICATE, layout="sertifikat-standar.toml"))).convert("L")
    pdf = draw(root, "latar", CERTIFICATE, layout="coba.toml")
    over = Image.open(render_page(pdf)).convert("L")
    assert 200 <= over.getpixel((over.width // 2, over.height - 60)) <= 230 or kind == "pdf"
    assert 200 <= over.getpixel((5, 5)) <= 230, "the background is missing"
    ink = [(x, y) for x in range(0, plain.width, 3) for y in range(0, plain.height, 3) if plain.getpixel((x, y)) < 60]
    assert len(ink) > 500
    hidden = [p for p in ink if over.getpixel(p) > 150]
    assert len(hidden) < len(ink) * 0.02, "text is covered by the background"
    assert decode_qr(render_page(pdf, dpi=150)) == [URL]
    if kind == "pdf":
        assert "LATAR BELAKANG" in page_text(pdf) and "CV Sumber Rejeki Makmur" in page_text(pdf)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("warna = 1", "warna"),
        ('background = "../rahasia.pdf"', "background"),
        ('page = "B5"', "page"),
        ("[[box]]\ntext = 'x'\nx_mm = 150\ny_mm = 10\nw_mm = 80\nh_mm = 8", "box[1]"),
        ("[[box]]\ntext = 'x'\nx_mm = 10\ny_mm = 10\nw_mm = 80\nh_mm = 8\nukuran = 3", "box[1].ukuran"),
        ("[[box]]\ntext = 'x {a!r}'\nx_mm = 10\ny_mm = 10\nw_mm = 80\nh_mm = 8", "box[1].text"),
        ("[[box]]\ntext = 'x'\nx_mm = 10\ny_mm = 10\nw_mm = 80\nh_mm = 1", "box[1].h_mm"),
        ("[[box]]\ntext = 'x'\nfont = 'Comic'\nx_mm = 10\ny_mm = 10\nw_mm = 80\nh_mm = 8", "box[1].font"),
    ],
)
def test_bad_layout_is_refused_naming_the_key(tmp_path, body, key):
    root = workspace(tmp_path)
    path = root / "templates" / "coba.toml"
    if body.startswith("[[box]]"):
        path.write_text(body + "\n" + MINIMAL, encoding="utf-8")
    else:
        write_layout(root, body)
    with pytest.raises(ConfigError) as caught:
        load_box_layout(path, root)
    message = str(caught.value)
    assert f"'{key}" in message or f"{key} " in message, message
    assert str(path) in message and "\n" not in message


def test_background_outside_the_workspace_through_a_link_is_refused(tmp_path):
    root = workspace(tmp_path)
    make_background(root, "png")
    (root / "templates" / "tautan.png").symlink_to(tmp_path / "luar.png")
    (tmp_path / "luar.png").write_bytes((root / "templates" / "latar.png").read_bytes())
    write_layout(root, 'background = "templates/tautan.png"')
    with pytest.raises(ConfigError, match="'background' menunjuk ke luar folder kerja"):
        load_box_layout(root / "templates" / "coba.toml", root)


def test_unknown_placeholder_is_refused_given_the_known_fields(tmp_path):
    root = workspace(tmp_path)
    path = root / "templates" / "coba.toml"
    path.write_text(
        (REPO / "templates" / "sertifikat-standar.toml").read_text(encoding="utf-8").replace("{nib}", "{nbi}"),
        encoding="utf-8",
    )
    load_box_layout(path, root)  # without the kind's fields the layout itself is fine
    with pytest.raises(ConfigError, match=r"'box\[\d+\]\.text' memakai \{nbi\} yang tidak dikenal") as caught:
        load_box_layout(path, root, known=set(CERTIFICATE))
    assert "nib" in str(caught.value) and str(path) in str(caught.value)


def test_missing_value_is_a_template_error_naming_the_placeholder(tmp_path):
    root = workspace(tmp_path)
    values = {k: v for k, v in CERTIFICATE.items() if k != "judul_kbli"}
    with pytest.raises(TemplateError, match=r"\{judul_kbli\}") as caught:
        draw(root, "sertifikat-standar", values)
    assert "\n" not in str(caught.value)


def test_list_value_in_a_text_box_and_text_in_a_list_box_are_refused(tmp_path):
    root = workspace(tmp_path)
    with pytest.raises(TemplateError, match="daftar"):
        draw(root, "izin", {**PERMIT, "syarat": "satu syarat"})
    with pytest.raises(TemplateError, match=r"\{objek\}"):
        draw(root, "izin", {**PERMIT, "objek": ["a", "b"]})


def test_many_conditions_shrink_to_8_pt_then_are_refused_naming_the_list(tmp_path):
    root = workspace(tmp_path)
    text = page_text(draw(root, "izin", {**PERMIT, "syarat": [f"Syarat nomor {n} " * 3 for n in range(9)]}))
    assert "1. Syarat nomor 0" in text and "9. Syarat nomor 8" in text and "…" not in text
    with pytest.raises(RequestError, match=r"Kolom 'syarat' terlalu panjang untuk kotaknya: muat 9 baris.*60 butir"):
        draw(root, "izin", {**PERMIT, "syarat": [f"Syarat nomor {n} " * 8 for n in range(60)]})


def test_layout_is_cached_until_the_file_changes(tmp_path):
    root = workspace(tmp_path)
    path = write_layout(root, 'orientation = "landscape"\nwidth_mm = 400\nheight_mm = 300')
    with pytest.raises(ConfigError, match="page dan width_mm"):
        load_box_layout(path, root)
    path = write_layout(root, "")
    first = load_box_layout(path, root)
    assert load_box_layout(path, root) is first
    write_layout(root, 'page = "F4"\n# longer file')
    second = load_box_layout(path, root)
    assert second is not first and second.size == (215.0, 330.0)


def test_truetype_font_from_the_workspace_is_embedded(tmp_path):
    liberation = require_font("LiberationSerif-Regular.ttf")
    root = workspace(tmp_path)
    (root / "fonts").mkdir()
    shutil.copy(liberation, root / "fonts" / "serif.ttf")
    write_layout(root, 'font = "serif"\nfonts.serif.regular = "fonts/serif.ttf"')
    pdf = draw(root, "serif", CERTIFICATE, layout="coba.toml")
    fonts = [f.get_object() for f in PdfReader(pdf).pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("LiberationSerif" in str(f["/BaseFont"]) for f in fonts)
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts), "the font is not embedded"
    assert "CV Sumber Rejeki Makmur" in page_text(pdf)
