"""``docgen paket``: the payment packet bound, numbered, bookmarked, recorded, and refused by name (issue 14).

SPP and SPM documents are made here through the register directly (start_document, a real PDF in the
outbox, record_files issuing the number): the spp kind was being written at the same time. Every
packet is read back with pypdf.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import ConfigError, RegisterError, RequestError
from docgen.files import write_new
from docgen.kinds import Summary
from docgen.names import file_stem
from docgen.paket import assemble_packet
from docgen.profile import Workspace
from docgen.register import FileRecord, Register, State
from docgen.register.chain import link_in_tx
from docgen.verify import Verdict, verify

LS = {
    "pengantar.pdf": 1, "ringkasan.pdf": 1, "rincian.pdf": 2, "spd.pdf": 1, "kontrak.pdf": 3,
    "ba-pemeriksaan.pdf": 1, "ba-serah-terima.pdf": 1, "ba-pembayaran.pdf": 1, "kwitansi.pdf": 1,
    "faktur-pajak.pdf": 1,
}  # fmt: skip


def pdf_bytes(text: str, pages: int = 1, *, size: tuple[float, float] = A4) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    for page in range(pages):
        canvas.drawString(72, size[1] - 72, f"{text} halaman {page + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def make_form(ws: Workspace, kind: str, jenis: str = "LS-BARANG-JASA", basis: int | None = None) -> tuple[int, str]:
    """An issued spp/spm with its PDF in the outbox, as the pipeline leaves one."""
    summary = Summary("Belanja alat tulis kantor", "CV Maju Jaya", date(2026, 11, 20), "bendahara", "900.1.3.1")
    request = {"jenis": jenis, "jumlah": "12500000.00"}
    link = (lambda conn, doc_id: link_in_tx(conn, doc_id, basis)) if basis else None
    with Register.open(ws) as reg:
        doc_id, res = reg.start_document(
            kind, summary, request, state=State.NUMBERED, series=kind, kka="900.1.3.1", with_row=link
        )
        title = "SURAT PERMINTAAN PEMBAYARAN" if kind == "spp" else "SURAT PERINTAH MEMBAYAR"
        written = write_new(ws.outbox / "2026" / kind / f"{file_stem(res.number)}.pdf", pdf_bytes(title))
        reg.record_files(
            doc_id, [FileRecord("pdf", reg.relative(written.path), written.sha256, written.size)], issue=res
        )
    return doc_id, res.number


def folder_with(tmp_path: Path, files: dict[str, int], name: str = "lampiran") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, pages in files.items():
        (folder / file).write_bytes(pdf_bytes(file, pages))
    return folder


def outbox_files(ws: Workspace) -> list[Path]:
    return sorted(p for p in ws.outbox.rglob("*") if p.is_file())


def register_state(ws: Workspace) -> tuple[int, int]:
    with Register.open(ws) as reg:
        files = reg.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        events = reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    return files, events


@pytest.fixture
def spp(workspace: Workspace) -> tuple[int, str]:
    return make_form(workspace, "spp")


def test_packet_binds_front_forms_and_attachments_in_checklist_order_with_a_bookmark_each(workspace, spp, tmp_path):
    doc_id, number = spp
    _, spm_number = make_form(workspace, "spm", basis=doc_id)
    result = assemble_packet(workspace, number, folder_with(tmp_path, LS))
    reader = PdfReader(workspace.root / result.path)
    titles = [item.title for item in reader.outline]
    assert titles == [
        "Sampul", "Daftar periksa", f"SPP {number}", f"SPM {spm_number}",
        "Surat pengantar SPP-LS: pengantar.pdf", "Ringkasan SPP-LS: ringkasan.pdf", "Rincian SPP-LS: rincian.pdf",
        "Salinan SPD: spd.pdf", "Salinan kontrak / surat perjanjian / SPK: kontrak.pdf",
        "Berita acara pemeriksaan pekerjaan: ba-pemeriksaan.pdf",
        "Berita acara serah terima pekerjaan: ba-serah-terima.pdf", "Berita acara pembayaran: ba-pembayaran.pdf",
        "Kwitansi bermeterai, ditandatangani penyedia dan PPTK: kwitansi.pdf", "Faktur pajak dan SSP: faktur-pajak.pdf",
    ]  # fmt: skip
    assert len(reader.pages) == result.pages == 2 + 2 + sum(LS.values())
    first_pages = [reader.get_destination_page_number(item) for item in reader.outline]
    assert first_pages[:6] == [0, 1, 2, 3, 4, 5]
    assert "SURAT PERINTAH MEMBAYAR" in reader.pages[3].extract_text()
    assert "kontrak.pdf halaman 1" in reader.pages[first_pages[8]].extract_text()
    cover = reader.pages[0].extract_text()
    assert "PAKET SPP LANGSUNG (LS) BARANG DAN JASA" in cover
    assert number in cover and "Rp 12.500.000,00" in cover and spm_number in cover
    assert (
        "Sampul dan daftar periksa\n1-2" in cover and "kontrak.pdf\n10-12" in cover
    )  # after 2 front pages, SPP, SPM and 5 pages


def test_every_page_is_stamped_hal_x_dari_y(workspace, spp, tmp_path):
    result = assemble_packet(workspace, spp[1], folder_with(tmp_path, LS))
    reader = PdfReader(workspace.root / result.path)
    total = len(reader.pages)
    assert "hal. 3 dari 16" in reader.pages[2].extract_text() and total == 16
    for index, page in enumerate(reader.pages):
        assert f"hal. {index + 1} dari {total}" in page.extract_text()


def test_page_number_is_drawn_on_a_rotated_landscape_page_inside_the_page(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("spd diputar", size=landscape(A4))))
    writer.pages[0].rotate(90)
    with (folder / "spd.pdf").open("wb") as fh:
        writer.write(fh)
    result = assemble_packet(workspace, spp[1], folder)
    page = PdfReader(workspace.root / result.path).pages[7]
    assert page.get("/Rotate") == 90
    drawn = page.get_contents().get_data().decode("latin-1")
    assert "hal. 8 dari 16" in " ".join(page.extract_text().split())  # drawn in a form, in an embedded font
    # 90 degrees: the text's x-axis runs up the page's own y-axis, origin at the right edge of the media box.
    assert f"0 1 -1 0 {float(page.cropbox.width):.4f}".rstrip("0").rstrip(".") in drawn


def test_checklist_page_marks_each_item_present_or_absent_with_its_files(workspace, spp, tmp_path):
    result = assemble_packet(workspace, spp[1], folder_with(tmp_path, LS))
    text = PdfReader(workspace.root / result.path).pages[1].extract_text()
    assert "DAFTAR PERIKSA KELENGKAPAN SPP LANGSUNG (LS) BARANG DAN JASA" in text
    lines = [line.strip() for line in text.splitlines()]  # one cell per line, as pypdf reads the table
    kontrak = lines.index("SPK")  # "Salinan kontrak / surat perjanjian /" wraps before it
    assert lines[kontrak - 2 : kontrak + 4] == [
        "5",
        "Salinan kontrak / surat perjanjian /",
        "SPK",
        "Wajib",
        "Ada",
        "kontrak.pdf",
    ]
    foto = lines.index("Foto hasil pekerjaan")
    assert lines[foto - 1 : foto + 4] == ["11", "Foto hasil pekerjaan", "Pilihan", "Tidak ada", "-"]


def test_missing_required_attachments_are_refused_naming_each_and_nothing_changes(workspace, spp, tmp_path):
    files = {k: v for k, v in LS.items() if k not in ("kontrak.pdf", "kwitansi.pdf")}
    before, state = outbox_files(workspace), register_state(workspace)
    with pytest.raises(RequestError) as err:
        assemble_packet(workspace, spp[1], folder_with(tmp_path, files))
    assert "Salinan kontrak / surat perjanjian / SPK" in str(err.value)
    assert "Kwitansi bermeterai, ditandatangani penyedia dan PPTK" in str(err.value)
    assert "Faktur" not in str(err.value) and "\n" not in str(err.value)
    assert outbox_files(workspace) == before and register_state(workspace) == state


def test_encrypted_attachment_is_refused_naming_the_file(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("kontrak rahasia")))
    writer.encrypt(user_password="rahasia", algorithm="RC4-128")
    with (folder / "kontrak.pdf").open("wb") as fh:
        writer.write(fh)
    state = register_state(workspace)
    with pytest.raises(RequestError, match=r"Lampiran kontrak\.pdf terkunci sandi"):
        assemble_packet(workspace, spp[1], folder)
    assert register_state(workspace) == state and not list(workspace.outbox.rglob("*paket*"))


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "rusak"), (b"PK\x03\x04 a zip file renamed", "bukan PDF")],
    ids=["truncated", "not-a-pdf"],
)
def test_broken_pdf_is_refused_naming_the_file(workspace, spp, tmp_path, content, why):
    folder = folder_with(tmp_path, LS)
    (folder / "ba-serah-terima.pdf").write_bytes(content)
    with pytest.raises(RequestError, match=rf"Lampiran ba-serah-terima\.pdf {why}"):
        assemble_packet(workspace, spp[1], folder)


def test_attachment_that_is_neither_pdf_nor_picture_is_refused_naming_it(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    (folder / "kontrak.pdf").unlink()
    (folder / "kontrak.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(RequestError, match=r"Lampiran kontrak\.docx bukan PDF atau gambar JPEG/PNG"):
        assemble_packet(workspace, spp[1], folder)


def test_jpeg_photo_becomes_one_a4_page_turned_upright(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    photo = Image.new("RGB", (400, 300), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: the picture must be turned 90 degrees to be seen
    photo.save(folder / "foto-lokasi.jpg", "JPEG", exif=exif)
    result = assemble_packet(workspace, spp[1], folder)
    reader = PdfReader(workspace.root / result.path)
    assert reader.outline[-1].title == "Foto hasil pekerjaan: foto-lokasi.jpg"
    page = reader.pages[reader.get_destination_page_number(reader.outline[-1])]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # portrait A4
    (image,) = page.images
    assert image.image.size == (300, 400) and image.image.format == "JPEG"
    assert len(reader.pages) == 17


def test_verify_answers_genuine_for_the_packet_and_the_register_keeps_every_parts_hash(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    result = assemble_packet(workspace, spp[1], folder)
    packet = workspace.root / result.path
    assert verify(workspace, packet).verdict == Verdict.GENUINE
    assert verify(workspace, packet).number == spp[1]
    with Register.open(workspace) as reg:
        files = {f["role"]: f for f in reg.files(spp[0], current_only=True)}
    assert files["paket"]["sha256"] == hashlib.sha256(packet.read_bytes()).hexdigest() == result.sha256
    listing = json.loads((workspace.root / result.parts_path).read_text(encoding="utf-8"))
    assert files["paket-isi"]["sha256"] == hashlib.sha256((workspace.root / result.parts_path).read_bytes()).hexdigest()
    assert listing["sha256"] == result.sha256
    by_file = {p["file"]: p["sha256"] for p in listing["parts"]}
    for name in LS:
        assert by_file[name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    spp_file = workspace.outbox_file(files["pdf"]["path"])
    assert by_file[files["pdf"]["path"]] == hashlib.sha256(spp_file.read_bytes()).hexdigest()


def test_a_second_packet_takes_a_new_name_and_becomes_the_current_one(workspace, spp, tmp_path):
    first = assemble_packet(workspace, spp[1], folder_with(tmp_path, LS))
    second = assemble_packet(workspace, str(spp[0]), folder_with(tmp_path, LS, "lampiran-2"))
    assert first.path != second.path and second.path.endswith("-paket-2.pdf")
    with Register.open(workspace) as reg:
        current = [f["path"] for f in reg.files(spp[0], current_only=True) if f["role"] == "paket"]
    assert current == [str(Path(second.path).relative_to("outbox").as_posix())]


def test_manifest_names_the_files_of_an_item_whatever_they_are_called(workspace, spp, tmp_path):
    files = {k: v for k, v in LS.items() if k != "kontrak.pdf"} | {"Perjanjian CV Maju Jaya 027.PDF": 2}
    folder = folder_with(tmp_path, files)
    (folder / "manifest.yaml").write_text("kontrak: Perjanjian CV Maju Jaya 027.PDF\n", encoding="utf-8")
    result = assemble_packet(workspace, spp[1], folder)
    assert any(p["file"] == "Perjanjian CV Maju Jaya 027.PDF" and p["item"] == "kontrak" for p in result.parts)


def test_manifest_naming_an_unknown_item_or_file_is_refused(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    (folder / "manifest.yaml").write_text("kontrakk: kontrak.pdf\n", encoding="utf-8")
    with pytest.raises(RequestError, match=r"manifest\.yaml: butir 'kontrakk' tidak ada"):
        assemble_packet(workspace, spp[1], folder)
    (folder / "manifest.yaml").write_text("kontrak: hilang.pdf\n", encoding="utf-8")
    with pytest.raises(RequestError, match=r"berkas 'hilang\.pdf' untuk 'kontrak' tidak ada"):
        assemble_packet(workspace, spp[1], folder)


def test_a_file_no_item_takes_is_refused_naming_it(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS | {"catatan-rapat.pdf": 1})
    (folder / "~$kontrak.docx").write_bytes(b"lock")  # Word's lock file is not an attachment
    with pytest.raises(RequestError, match=r"tidak cocok dengan butir daftar periksa mana pun: catatan-rapat\.pdf;"):
        assemble_packet(workspace, spp[1], folder)


def test_checklist_file_with_a_misspelt_key_is_refused_naming_key_and_file(workspace, spp, tmp_path):
    path = workspace.template("paket-spp.toml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('required = false\npatterns = ["*foto*"', 'wajib = false\npatterns = ["*foto*"'))
    with pytest.raises(ConfigError) as err:
        assemble_packet(workspace, spp[1], folder_with(tmp_path, LS))
    assert "paket-spp.toml salah" in str(err.value) and "'LS-BARANG-JASA.item[11].wajib'" in str(err.value)


def test_spp_type_without_a_checklist_is_refused_naming_the_type(workspace, tmp_path):
    _, number = make_form(workspace, "spp", jenis="LS-HIBAH")
    with pytest.raises(ConfigError, match=r"Jenis SPP 'LS-HIBAH' tidak ada di paket-spp\.toml"):
        assemble_packet(workspace, number, folder_with(tmp_path, LS))


def test_spp_whose_outbox_file_changed_is_refused(workspace, spp, tmp_path):
    with Register.open(workspace) as reg:
        record = next(f for f in reg.files(spp[0]) if f["role"] == "pdf")
    workspace.outbox_file(record["path"]).write_bytes(pdf_bytes("SPP yang diubah"))
    with pytest.raises(RegisterError, match="di outbox berubah sejak dicatat"):
        assemble_packet(workspace, spp[1], folder_with(tmp_path, LS))


def test_cli_prints_the_packet_and_refuses_in_one_line(workspace, spp, tmp_path):
    runner = CliRunner()
    folder = folder_with(tmp_path, LS)
    ok = runner.invoke(app, ["-w", str(workspace.root), "paket", spp[1], "--lampiran", str(folder)])
    assert ok.exit_code == 0, ok.output
    assert "16 halaman" in ok.output and "kontrak.pdf" in ok.output
    (folder / "spd.pdf").unlink()
    refused = runner.invoke(app, ["-w", str(workspace.root), "paket", spp[1], "--lampiran", str(folder)])
    assert refused.exit_code == 1
    assert refused.output.startswith("Galat: Lampiran wajib tidak ada di lampiran: Salinan SPD;")


def test_a_packet_of_an_spp_made_by_the_pipeline_is_bound_from_the_command_line(workspace, tmp_path):
    from conftest import cli

    from docgen.kinds import get_kind
    from docgen.pipeline import generate

    data = get_kind("spp").dated_example()
    assert data["jenis"] == "LS-BARANG-JASA"  # the shipped example: its checklist is LS's
    made = generate(workspace, "spp", data)
    result = cli(workspace, "paket", str(made.id), "--lampiran", str(folder_with(tmp_path, LS)))
    assert result.exit_code == 0, result.output
    packet = next(workspace.outbox.rglob("*-paket.pdf"))
    reader = PdfReader(packet)
    assert made.number in reader.pages[0].extract_text()
    assert [item.title for item in reader.outline][2] == f"SPP {made.number}"
    assert verify(workspace, packet).verdict is Verdict.GENUINE
