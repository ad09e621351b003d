"""A BAP (berita acara pemeriksaan lapangan) prints what the team found, or is refused before numbering.

Each document is made through the pipeline into a real workspace and read back with python-docx;
the expected texts are written out by hand. The PDF is converted by a real LibreOffice.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import require
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image
from pypdf import PdfReader

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import Result, generate
from docgen.profile import Workspace
from docgen.register import Register
from docgen.render.docx import compile_docx
from docgen.render.docx.bounded import Bounds
from docgen.text import nama_hari

EMBLEM = 1  # the kop's emblem is the one drawing besides the photos


def bap_request(**changes: Any) -> dict[str, Any]:
    """The shipped example (three staff keys, two photos), dated today, with ``changes``."""
    data = copy.deepcopy(get_kind("bap").dated_example())
    data.update(changes)
    return data


def output(ws: Workspace, result: Result, role: str = "docx") -> Path:
    return ws.root / next(f["path"] for f in result.files if f["role"] == role)


def lines(source: Path | bytes) -> list[str]:
    """The body in reading order: one line per paragraph, one per table row (cells joined by ' | ').

    A row merged into one cell holding a table (the decree's last member with its signature) is read
    as that table's rows and the paragraphs under it.

    A borderless one-cell table (the row that keeps a signature block and its tembusan on one
    page) is read as the paragraphs it holds, as a reader sees them.
    """
    document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else source)
    found: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            found.append(block.text)
        elif isinstance(block, Table) and len(block._cells) == 1 and block.style.name != "Table Grid":
            # the decree's last diktum opens it, set in tab columns under the dikta: read like their rows
            found.extend(p.text.replace("\t:\t", " | : | ") for row in block.rows for p in row.cells[0].paragraphs)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(row.cells))  # a merged row's cells are one cell
                if len(cells) == 1 and len(row.cells) > 1:  # the decree's last member and its signature
                    found.extend(_inner(cells[0]))
                else:
                    found.append(" | ".join(cell.text for cell in row.cells))
    return found


def _inner(cell: Any) -> list[str]:
    """A merged cell's content in reading order: a table inside it as rows, its paragraphs as lines."""
    out: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            out.extend(" | ".join(c.text for c in row.cells) for row in block.rows)
        else:
            out.append(block.text)
    return out


def drawings(path: Path) -> int:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode().count("<wp:inline")


def photo(folder: Path, name: str, colour: tuple[int, int, int] = (40, 120, 60)) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (400, 300), colour).save(folder / name, format="JPEG")
    return name


def refused(ws: Workspace, kind: str, data: dict[str, Any], field: str, words: str, **options: Any) -> None:
    """Generating is refused in one line that quotes ``field`` (also in ``fields``) and says ``words``."""
    with pytest.raises(RequestError) as caught:
        generate(ws, kind, data, **options)
    message = str(caught.value)
    assert field in caught.value.fields and f"'{field}'" in message, message
    assert words in message and "\n" not in message, message


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed (LibreOffice breaks lines where it likes)."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def next_number(ws: Workspace) -> str:
    """The number the next BAP takes: proves a refused request took none."""
    return generate(ws, "bap", bap_request()).number or ""


def test_the_opening_says_the_day_date_place_and_team_in_words(workspace: Workspace) -> None:
    today = date.today()
    result = generate(workspace, "bap", bap_request(tempat="Jl. Soekarno Hatta No. 12, Kota Pasuruan"))
    text = lines(output(workspace, result))
    opening = next(line for line in text if line.startswith("Pada hari ini"))
    assert re.fullmatch(
        rf"Pada hari ini {nama_hari(today)} tanggal [a-z ]+ bulan [A-Z][a-z]+ tahun dua ribu [a-z ]+, "
        r"bertempat di Jl\. Soekarno Hatta No\. 12, Kota Pasuruan, kami yang bertanda tangan di bawah ini:",
        opening,
    ), opening
    assert text.index("BERITA ACARA PEMERIKSAAN LAPANGAN") < text.index(f"Nomor: {result.number}") < text.index(opening)


def test_a_fixed_date_prints_fully_in_words(workspace: Workspace) -> None:
    """2026-11-28 may lie outside the profile's date window, so this renders the template directly."""
    kind = get_kind("bap")
    request = kind.model.model_validate(
        bap_request(), context={"profile": workspace.profile, "roots": (workspace.root,)}
    )
    request = request.model_copy(update={"tanggal": date(2026, 11, 28)})
    compiled = compile_docx(workspace.template("bap.docx"), emblem=workspace.emblem)
    rendered = compiled.render(kind.render_context(request, workspace.profile, number="1"), Bounds())
    assert (
        "Pada hari ini Sabtu tanggal dua puluh delapan bulan November tahun dua ribu dua puluh enam, bertempat di"
        in "\n".join(lines(rendered))
    )


def test_the_team_prints_with_grouped_nips_and_every_member_signs(workspace: Workspace) -> None:
    guest = {"nama": "Ir. SUSANTO", "jabatan": "Tenaga Ahli Konstruksi", "instansi": "Universitas Merdeka Pasuruan"}
    result = generate(workspace, "bap", bap_request(tim=["penata-perizinan", "teknik-pupr", guest]))
    text = lines(output(workspace, result))
    team = text[text.index("No | Nama | NIP | Jabatan | Instansi") + 1 :][:3]
    assert team == [
        "1 | RINA KUSUMA, S.AP. | 19900114 201503 2 002 | Penata Perizinan Ahli Muda | "
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan",  # as the others, not the kop's capitals
        "2 | DEDI PRASETYO, S.T. | 19881105 201402 1 001 | Penata Ruang Ahli Pertama | "
        "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan",
        "3 | Ir. SUSANTO | - | Tenaga Ahli Konstruksi | Universitas Merdeka Pasuruan",
    ]
    signatures = text[text.index("No | Nama / NIP | Jabatan | Tanda tangan") + 1 :][:3]
    assert signatures == [
        "1 | RINA KUSUMA, S.AP.\nNIP 19900114 201503 2 002 | Penata Perizinan Ahli Muda | "
        "1. ..........................",
        "2 | DEDI PRASETYO, S.T.\nNIP 19881105 201402 1 001 | Penata Ruang Ahli Pertama | "
        "2. ..........................",
        "3 | Ir. SUSANTO\nNIP - | Tenaga Ahli Konstruksi | 3. ..........................",
    ]
    applicant = [line for line in text[text.index("Pemohon,") :] if line]  # blank: signing room, footer room
    assert applicant[1] == "CV. Maju Jaya Reklame"  # the business, then who signs for it
    assert applicant[-2:] == ["Budi Santoso", "Direktur"]  # who signs for it, and in what post


def test_the_applicant_and_object_print_with_coordinates_and_size(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "bap", bap_request())))
    assert "telah melakukan pemeriksaan lapangan atas permohonan Izin Reklame yang diajukan oleh:" in text
    for row in (
        "Nama pemohon | : | CV. Maju Jaya Reklame",
        "Penanggung jawab | : | Budi Santoso",
        "NIB | : | 9120001234567",
        "Objek | : | Reklame papan (billboard) 'Toko Maju' dua sisi",
        "Lokasi | : | Jl. Soekarno Hatta No. 12, Kelurahan Bugul Kidul, Kota Pasuruan",
        "Koordinat | : | 7,645300° LS; 112,907500° BT",
        "Ukuran | : | 4\u00a0m × 6\u00a0m, tinggi 8\u00a0m, 2\u00a0sisi",
        "Luas | : | 4\u00a0m × 6\u00a0m × 2\u00a0sisi = 48\u00a0m²",
    ):
        assert row in text
    assert not any(line.startswith("NIK |") for line in text)  # not given: the row is left out


def test_findings_are_numbered_and_a_sesuai_conclusion_lists_no_corrections(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "bap", bap_request(temuan=["Tiang tegak.", "Bidang utuh."]))))
    findings = text[text.index("Hasil pemeriksaan:") + 1 :][:2]
    assert findings == ["1.\tTiang tegak.", "2.\tBidang utuh."]
    assert (
        "Berdasarkan hasil pemeriksaan tersebut, objek permohonan dinyatakan SESUAI dengan permohonan "
        "dan ketentuan yang berlaku." in text
    )
    assert not any(line.startswith("Pemohon wajib memperbaiki") for line in text)


def test_a_tidak_sesuai_conclusion_lists_the_corrections(workspace: Workspace) -> None:
    data = bap_request(
        kesimpulan="tidak sesuai",
        perbaikan=["Tinggi tiang diturunkan menjadi 6 m.", "Jarak dari trotoar dijadikan 3 m."],
    )
    text = lines(output(workspace, generate(workspace, "bap", data)))
    at = text.index(
        "Berdasarkan hasil pemeriksaan tersebut, objek permohonan dinyatakan TIDAK SESUAI dengan permohonan "
        "dan ketentuan yang berlaku."
    )
    assert text[at + 1 : at + 4] == [
        "Pemohon wajib memperbaiki hal berikut sebelum permohonannya diproses lebih lanjut:",
        "1.\tTinggi tiang diturunkan menjadi 6 m.",
        "2.\tJarak dari trotoar dijadikan 3 m.",
    ]
    assert text.index(
        "Demikian berita acara ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya."
    )


def test_every_photo_prints_with_its_caption(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "permintaan"
    names = [photo(folder / "foto", f"{n}.jpg", (40 * n, 100, 60)) for n in (1, 2, 3)]
    foto = [{"berkas": f"foto/{name}", "keterangan": f"Sisi {n}"} for n, name in enumerate(names, 1)]
    result = generate(workspace, "bap", bap_request(foto=foto), request_dir=folder)
    path = output(workspace, result)
    assert drawings(path) == 3 + EMBLEM
    text = lines(path)
    assert "Dokumentasi pemeriksaan:" in text
    # one row per photo: the picture's paragraph (no text), then its caption
    assert [line for line in text if line.strip().startswith("Foto ")] == [
        "\nFoto 1. Sisi 1",
        "\nFoto 2. Sisi 2",
        "\nFoto 3. Sisi 3",
    ]


def test_without_photos_the_documentation_block_is_left_out(workspace: Workspace) -> None:
    path = output(workspace, generate(workspace, "bap", bap_request(foto=[])))
    assert drawings(path) == EMBLEM
    assert "Dokumentasi pemeriksaan:" not in lines(path)


def test_the_register_row_names_permit_object_applicant_and_first_member(workspace: Workspace) -> None:
    result = generate(workspace, "bap", bap_request())
    with Register.open(workspace) as reg:
        row = reg.document(result.id)
    assert row.subject == "BAP Izin Reklame: Reklame papan (billboard) 'Toko Maju' dua sisi"
    assert (row.addressee, row.signer, row.kka) == ("CV. Maju Jaya Reklame", "RINA KUSUMA, S.AP.", "500.16.7.2")
    assert re.fullmatch(r"500\.16\.7\.2/BAP-001/423\.105/\d{4}", result.number or ""), result.number


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"foto": [{"berkas": "bukan-foto.jpg", "keterangan": "Tampak depan"}]}, "foto[1].berkas", "gambar"),
        ({"jenis_izin": "baliho"}, "jenis_izin", "pilih: reklame, trotoar"),
        ({"kesimpulan": "tidak sesuai"}, "perbaikan", "wajib diisi bila kesimpulan 'tidak sesuai'"),
        ({"perbaikan": ["Cat ulang."]}, "perbaikan", "hanya diisi bila kesimpulan 'tidak sesuai'"),
        ({"tim": ["penata-perizinan", "tukang-ukur"]}, "tim[2]", "anggota 'tukang-ukur' tidak ada di [staff]"),
        ({"tim": []}, "tim", ""),
        ({"objek": {"uraian": "Reklame", "alamat": "Jl. Soekarno Hatta No. 12"}}, "objek", "ukuran objek wajib"),
    ],
    ids=["photo-not-an-image", "unknown-permit", "no-corrections", "corrections-when-sesuai", "unknown-staff",
         "no-team", "billboard-without-size"],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_takes_no_number(
    workspace: Workspace, tmp_path: Path, changes: dict[str, Any], field: str, words: str
) -> None:
    folder = tmp_path / "permintaan"
    folder.mkdir()
    (folder / "bukan-foto.jpg").write_text("ini catatan, bukan foto", encoding="utf-8")
    refused(workspace, "bap", bap_request(**changes), field, words, request_dir=folder)
    assert next_number(workspace).startswith("500.16.7.2/BAP-001/")


def test_the_pdf_shows_the_number_the_applicant_and_the_photos(workspace: Workspace) -> None:
    require("soffice")
    result = generate(workspace, "bap", bap_request(), pdf=True)
    path = output(workspace, result, "pdf")
    text = pdf_text(path)
    assert result.number and result.number in text
    assert "BERITA ACARA PEMERIKSAAN LAPANGAN" in text and "CV. Maju Jaya Reklame" in text
    images = sum(len(page.images) for page in PdfReader(path).pages)
    assert images >= 2 + EMBLEM  # the photos (and the emblem; the QR code may be drawn as an image too)
