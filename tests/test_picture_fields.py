"""Pictures from a request (site photos, a map) go into the document, or are refused before numbering.

A BAP carries the photos the inspection team took. The request names them by path; docgen finds
them only under the request's folder or the workspace, checks them at validation (so a bad photo
costs no number), scales them to print resolution and adds media part, relationship and content
type to the package. Outputs are compared with plain docxtpl's ``InlineImage`` and converted to
PDF by LibreOffice, whose images are listed again with pypdf.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import require
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from docgen.errors import RequestError, TemplateError
from docgen.kinds import KINDS, Kind, Request, Summary, validate_request
from docgen.kinds.base import Tanggal, TeksList
from docgen.kinds.gambar import Gambar, gambar_field
from docgen.pdf.convert import ColdConverter
from docgen.pictures import load_picture
from docgen.pipeline import generate, number_document
from docgen.register import Register, State
from docgen.render.docx import compile_docx

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU_PER_MM = 36_000
LIMIT = {"max_bytes": 20_000_000, "max_pixels": 40_000_000}


def _photo(path: Path, size: tuple[int, int], *, noise: bool = False, exif_orientation: int | None = None) -> Path:
    """A JPEG like a phone's: with noise it compresses like a real photo (megabytes, not kilobytes)."""
    image = Image.new("RGB", size, (40, 120, 60))
    if noise:
        grain = Image.effect_noise(size, 60).convert("RGB")
        image = Image.blend(image, grain, 0.5)
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    image.save(path, format="JPEG", quality=92, exif=exif.tobytes())
    return path


def _template(path: Path, *, header: bool = False, plain: bool = False) -> Path:
    """A template with a picture field, a loop of pictures and a table row per picture.

    ``plain``: sized by the values only, for plain docxtpl, which has no size filter.
    """
    loop, row, rows = (
        ("{{ f }}", "{{ f }}", "baris") if plain else ("{{ f|gambar(60) }}", "{{ f|gambar(tinggi=25) }}", "foto")
    )
    document = docx.Document()
    document.add_paragraph("Peta lokasi: {{ peta }} selesai")
    document.add_paragraph("{%p for f in foto %}")
    document.add_paragraph("Foto {{ loop.index }}: " + loop)
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "{%tr for f in " + rows + " %}"
    table.cell(1, 0).text = row
    table.cell(1, 1).text = "Baris {{ loop.index }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    if header:
        document.sections[0].header.paragraphs[0].text = "Kepala {{ peta|gambar(15) }}"
    document.save(path)
    return path


def _drawings(data: bytes, part: str = "word/document.xml") -> list[etree._Element]:
    return list(etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part)).iter(WP + "inline"))


def _normalised(data: bytes, part: str = "word/document.xml") -> bytes:
    """The part with what legitimately differs between two renderers removed: ids, names, alt text."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))
    for element in root.iter(WP + "docPr", "{http://schemas.openxmlformats.org/drawingml/2006/picture}cNvPr"):
        for name in ("id", "name", "descr"):
            element.attrib.pop(name, None)
    for blip in root.iter(A + "blip"):
        blip.attrib.pop(R + "embed", None)
    for element in root.iter():
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.tostring(root, method="c14n", exclusive=True)  # namespaces declared where used


def _pdf_images(docx_bytes: bytes, tmp_path: Path) -> list[tuple[int, int]]:
    """Every image LibreOffice put into the PDF, as (width, height) in pixels, page by page."""
    require("soffice")
    source = tmp_path / "dokumen.docx"
    source.write_bytes(docx_bytes)
    pdf = ColdConverter().convert(source, tmp_path)
    found = []
    for page in PdfReader(pdf).pages:
        found += [(image.image.width, image.image.height) for image in page.images]
    return found


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Any]:
    folder = tmp_path / "permintaan"
    (folder / "foto").mkdir(parents=True)
    big = _photo(folder / "foto" / "depan.jpg", (4000, 3000), noise=True)
    small = folder / "foto" / "denah.png"
    Image.new("RGB", (300, 200), (0, 0, 160)).save(small)
    return {"folder": folder, "big": big, "small": small}


def _load(name: str, folder: Path) -> Any:
    return load_picture(name, (folder,), **LIMIT)


def test_pictures_render_like_docxtpl_inline_images_in_fields_loops_and_table_rows(pictures, tmp_path):
    template = _template(tmp_path / "t.docx", plain=True)
    small = _load("foto/denah.png", pictures["folder"])
    ours = compile_docx(template).render(
        {"peta": small.sized(40), "foto": [small.sized(60)] * 3, "baris": [small.sized(25)] * 2}
    )
    plain = DocxTemplate(template)
    path = str(pictures["small"])
    plain.render(
        {
            "peta": InlineImage(plain, path, width=Mm(40)),
            "foto": [InlineImage(plain, path, width=Mm(60)) for _ in range(3)],
            "baris": [InlineImage(plain, path, width=Mm(25)) for _ in range(2)],
        },
        autoescape=True,
    )
    buffer = io.BytesIO()
    plain.save(buffer)
    assert _normalised(ours) == _normalised(buffer.getvalue())
    assert len(_drawings(ours)) == 6


def test_a_picture_is_placed_at_the_size_the_template_or_the_kind_gives_in_millimetres(pictures, tmp_path):
    template = _template(tmp_path / "t.docx")
    folder = pictures["folder"]
    photo = _load("foto/depan.jpg", folder)  # 4000 x 3000: 4:3
    out = compile_docx(template).render({"peta": photo.sized(40), "foto": [photo, photo]})
    sizes = [(int(e.find(WP + "extent").get("cx")), int(e.find(WP + "extent").get("cy"))) for e in _drawings(out)]
    assert sizes[0] == (40 * EMU_PER_MM, 30 * EMU_PER_MM)  # the kind's size, given to the field
    assert sizes[1:3] == [(60 * EMU_PER_MM, 45 * EMU_PER_MM)] * 2  # |gambar(60) in the loop
    assert sizes[3] == (round(25 * 4 / 3 * EMU_PER_MM), 25 * EMU_PER_MM)  # |gambar(tinggi=25) in the row
    assert gambar_field(lebar_mm=50, tinggi_mm=20)  # a kind may give a box: the picture fits inside it
    boxed = photo.sized(50, 20)
    assert boxed.placed_mm() == pytest.approx((20 * 4 / 3, 20))


def test_every_placed_picture_has_its_media_part_relationship_and_content_type(pictures, tmp_path):
    template = _template(tmp_path / "t.docx", header=True)
    folder = pictures["folder"]
    out = compile_docx(template).render(
        {"peta": _load("foto/denah.png", folder), "foto": [_load("foto/depan.jpg", folder)] * 2}
    )
    package = zipfile.ZipFile(io.BytesIO(out))
    names = package.namelist()
    assert len(names) == len(set(names)), "a part is written twice"
    types = package.read("[Content_Types].xml").decode()
    for part in ("word/document.xml", "word/header1.xml"):
        folder_name, _, base = part.rpartition("/")
        rels = etree.fromstring(package.read(f"{folder_name}/_rels/{base}.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        blips = [b.get(R + "embed") for b in etree.fromstring(package.read(part)).iter(A + "blip")]
        assert blips
        for rid in blips:
            media = "word/" + targets[rid]
            assert media in names
            ext = media.rsplit(".", 1)[1]
            assert f'Extension="{ext}"' in types
            Image.open(io.BytesIO(package.read(media))).verify()
    docpr = [e.get("id") for part in names if part.endswith(".xml") for e in _docpr(package, part)]
    assert len(docpr) == len(set(docpr)) >= 5


def _docpr(package: zipfile.ZipFile, part: str) -> list[etree._Element]:
    data = package.read(part)
    return list(etree.fromstring(data).iter(WP + "docPr")) if b"docPr" in data else []


def test_ten_phone_photos_are_scaled_down_so_the_report_stays_small(pictures, tmp_path):
    folder = pictures["folder"]
    for n in range(10):
        _photo(folder / "foto" / f"situs-{n}.jpg", (4000, 3000), noise=True)
    raw = sum((folder / "foto" / f"situs-{n}.jpg").stat().st_size for n in range(10))
    photos = [_load(f"foto/situs-{n}.jpg", folder) for n in range(10)]
    out = compile_docx(_template(tmp_path / "t.docx")).render({"peta": photos[0], "foto": photos})
    package = zipfile.ZipFile(io.BytesIO(out))
    media = [n for n in package.namelist() if n.startswith("word/media/docgen-")]
    for name in media:
        with Image.open(io.BytesIO(package.read(name))) as image:
            assert image.width <= round(80 / 25.4 * 200) + 1  # the widest placement: 80 mm at 200 dpi
    assert raw > 30_000_000
    assert len(out) < raw / 10, f"{len(out)} bytes for {raw} bytes of photos"


def test_a_photo_taken_with_the_phone_turned_is_placed_upright(pictures, tmp_path):
    folder = pictures["folder"]
    _photo(folder / "foto" / "tegak.jpg", (1200, 900), exif_orientation=6)  # stored landscape, seen portrait
    photo = _load("foto/tegak.jpg", folder)
    assert (photo.width_px, photo.height_px) == (900, 1200)
    out = compile_docx(_template(tmp_path / "t.docx")).render({"peta": photo.sized(30), "foto": []})
    extent = _drawings(out)[0].find(WP + "extent")
    assert int(extent.get("cy")) > int(extent.get("cx"))
    package = zipfile.ZipFile(io.BytesIO(out))
    media = next(n for n in package.namelist() if n.startswith("word/media/docgen-"))
    with Image.open(io.BytesIO(package.read(media))) as image:
        assert image.height > image.width
        assert image.getexif().get(0x0112, 1) == 1


def test_images_show_in_the_pdf_libreoffice_makes(pictures, tmp_path):
    folder = pictures["folder"]
    photo = _load("foto/depan.jpg", folder)
    out = compile_docx(_template(tmp_path / "t.docx", header=True)).render(
        {"peta": _load("foto/denah.png", folder), "foto": [photo, photo, photo]}
    )
    images = _pdf_images(out, tmp_path)
    # peta in the body and in the header, three photos in the loop, three in the table rows
    assert len(images) >= 8, images
    # the 4000 px photo arrives scaled: 60 mm at 200 dpi is 473 px (JPEG decoding may keep up to 10% more)
    assert max(w for w, _ in images) <= 473 * 1.1


# --- refusals at validation: before any number -------------------------------------------------


class _Laporan(Request):
    tanggal: Tanggal
    isi: TeksList
    foto: list[Gambar]


def _kind() -> Kind:
    return Kind(
        name="uji-gambar",
        title="Uji gambar",
        model=_Laporan,
        template="uji-gambar.docx",
        series="surat-keluar",
        kka="500.16.7.2",
        numbered="generation",
        context=lambda req, profile: {"isi": list(req.isi), "foto": list(req.foto), "peta": req.foto[0]},
        summary=lambda req, profile: Summary(subject="Uji", addressee="-", doc_date=req.tanggal, signer="-"),
        example={"tanggal": "2026-11-28", "isi": ["Contoh"], "foto": ["templates/lambang.png"]},
    )


def _request(*photos: str) -> dict[str, Any]:
    return {"tanggal": date.today().isoformat(), "isi": ["Pemeriksaan lapangan"], "foto": list(photos)}


@pytest.mark.parametrize(
    ("name", "fault"),
    [
        ("foto/tidak-ada.jpg", "tidak ditemukan"),
        ("../rahasia.jpg", "'..'"),
        ("/etc/passwd", "jalur mutlak"),
        ("C:\\Users\\foto.jpg", "jalur mutlak"),
        ("foto/bukan.jpg", "bukan gambar"),
        ("foto/terpotong.jpg", "rusak atau terpotong"),
        ("foto/raksasa.png", "40 MP"),
        ("foto/berat.jpg", "20 MB"),
        ("foto/tautan.jpg", "luar folder"),
        ("foto", "bukan berkas gambar biasa"),
    ],
)
def test_a_bad_picture_is_refused_at_validation_naming_the_field(workspace, pictures, name, fault):
    folder = pictures["folder"]
    (folder / "foto" / "bukan.jpg").write_text("ini teks, bukan foto")
    whole = (pictures["big"]).read_bytes()
    (folder / "foto" / "terpotong.jpg").write_bytes(whole[: len(whole) // 2])
    Image.new("1", (8000, 5001)).save(folder / "foto" / "raksasa.png")
    with open(folder / "foto" / "berat.jpg", "wb") as handle:
        handle.truncate(21_000_000)
    outside = folder.parent / "di-luar.jpg"
    _photo(outside, (40, 30))
    (folder / "foto" / "tautan.jpg").symlink_to(outside)
    with pytest.raises(RequestError) as caught:
        validate_request(_kind(), _request("foto/denah.png", name), workspace.profile, roots=(folder,))
    message = str(caught.value)
    assert "'foto[2]'" in message and fault in message, message
    assert "\n" not in message


def test_a_picture_is_found_beside_the_request_then_in_the_workspace_and_nowhere_else(workspace, pictures):
    folder = pictures["folder"]
    request = validate_request(
        _kind(), _request("foto/denah.png", "templates/lambang.png"), workspace.profile, roots=(folder, workspace.root)
    )
    assert [p.path for p in request.foto] == [
        (folder / "foto" / "denah.png").resolve(),
        (workspace.root / "templates" / "lambang.png").resolve(),
    ]
    with pytest.raises(RequestError, match="tidak ditemukan"):
        validate_request(_kind(), _request("templates/lambang.png"), workspace.profile, roots=(folder,))


@pytest.fixture
def picture_kind(workspace, monkeypatch) -> Kind:
    kind = _kind()
    monkeypatch.setitem(KINDS, kind.name, kind)
    _template(workspace.root / "templates" / kind.template)
    return kind


def test_a_request_with_a_bad_picture_takes_no_number(workspace, pictures, picture_kind):
    folder = pictures["folder"]
    (folder / "foto" / "bukan.jpg").write_text("bukan foto")
    with pytest.raises(RequestError, match=r"'foto\[1\]'"):
        generate(workspace, picture_kind.name, _request("foto/bukan.jpg"), request_dir=folder)
    with Register.open(workspace) as reg:
        assert reg.conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0] == 0


def test_a_numbered_document_with_photos_is_written_with_them(workspace, pictures, picture_kind):
    folder = pictures["folder"]
    result = generate(workspace, picture_kind.name, _request("foto/depan.jpg", "foto/denah.png"), request_dir=folder)
    out = (workspace.root / result.path).read_bytes()
    assert len(_drawings(out)) == 1 + 2 + 2  # peta, the loop, the table rows


def test_a_draft_with_photos_is_numbered_later_with_the_same_photos(workspace, pictures, picture_kind):
    folder = pictures["folder"]
    draft = generate(workspace, picture_kind.name, _request("foto/denah.png"), request_dir=folder, draft=True)
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    os.chdir(workspace.root)  # the request's folder is not where 'docgen number' runs
    numbered = number_document(workspace, draft.id)
    assert numbered.number
    assert len(_drawings((workspace.root / numbered.path).read_bytes())) == 3


def test_a_picture_cannot_be_put_in_the_document_properties(pictures, tmp_path):
    document = docx.Document()
    document.core_properties.title = "{{ peta }}"
    document.add_paragraph("isi")
    document.save(tmp_path / "t.docx")
    with pytest.raises(TemplateError, match="gambar"):
        compile_docx(tmp_path / "t.docx").render({"peta": _load("foto/denah.png", pictures["folder"])})


def test_a_template_pointing_at_a_missing_relationship_is_refused_naming_part_and_line(tmp_path):
    document = docx.Document()
    document.add_paragraph("Satu {{ a }}")
    document.add_paragraph("Dua")
    document.save(tmp_path / "t.docx")
    with zipfile.ZipFile(tmp_path / "t.docx") as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["word/document.xml"].decode()

    def with_link(name: str, rid: str) -> Path:
        link = f'<w:hyperlink r:id="{rid}"><w:r><w:t>tautan</w:t></w:r></w:hyperlink>'
        parts["word/document.xml"] = re.sub(r"(<w:t>Dua</w:t></w:r>)", r"\1" + link, xml).encode()
        with zipfile.ZipFile(tmp_path / name, "w") as out:
            for part, data in parts.items():
                out.writestr(part, data)
        return tmp_path / name

    sound = compile_docx(with_link("utuh.docx", "rId1"))  # a relationship the package has
    line = next(n for n, text in enumerate(dict(sound.sources())["word/document.xml"].split("\n"), 1) if "Dua" in text)
    with pytest.raises(TemplateError) as caught:
        compile_docx(with_link("rusak.docx", "rId999")).render({"a": "x"})
    message = str(caught.value)
    assert f"(word/document.xml, baris {line})" in message and "rId999" in message
