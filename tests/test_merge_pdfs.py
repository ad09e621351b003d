"""The batch's print PDF: real certificates from the pipeline merged, then read back with pypdf.

Checked: pages and bookmarks in the order given, each bookmark on its document's first page,
the shared fonts and background stored once, pages that render exactly as their source, links
inside a multi-page part kept on the merged copy, and a missing or broken part refused by name
with nothing left under the target name.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import render_page, require
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from docgen.errors import RenderError
from docgen.kinds import get_kind
from docgen.pdf.merge import merge_pdfs
from docgen.pipeline import generate


def _certificates(workspace, count: int) -> list[tuple[str, Path]]:
    """(bookmark title, PDF) of ``count`` distinct certificates made through the whole pipeline."""
    parts = []
    for i in range(count):
        data = copy.deepcopy(get_kind("sertifikat-standar").dated_example())
        data["nama_usaha"] = f"CV USAHA GABUNG {i + 1:02d}"
        data["nib"] = f"{9120000000100 + i:013d}"
        data["nomor"] = data["nib"] + "0001"  # OSS's number, one per certificate
        result = generate(workspace, "sertifikat-standar", data)
        parts.append((f"Baris {i + 2} — {result.number}", workspace.root / result.path))
    return parts


def _page_text(reader: PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def _three_pages_with_a_link(path: Path, label: str) -> Path:
    """A 3-page PDF whose first page links to its third (reportlab's internal link and bookmark) and whose
    second links to the office's site."""
    pdf = canvas.Canvas(str(path))
    for page in range(1, 4):
        pdf.drawString(72, 720, f"{label} halaman {page}")
        if page == 1:
            pdf.linkRect("ke akhir", "akhir", (72, 700, 300, 740))
        if page == 2:
            pdf.linkURL("https://dpmptsp.pasuruankota.go.id", (72, 700, 300, 740))
        if page == 3:
            pdf.bookmarkPage("akhir")
        pdf.showPage()
    pdf.save()
    return path


def test_merged_certificates_keep_the_given_order_with_one_bookmark_on_each_first_page(workspace, tmp_path):
    parts = _certificates(workspace, 3)[::-1]  # not the register's order: the caller's order rules
    target = tmp_path / "cetak" / "gabungan.pdf"
    assert merge_pdfs(parts, target) == 3
    reader = PdfReader(target, strict=True)
    assert len(reader.pages) == 3
    assert _outline(reader) == [(title, index) for index, (title, _) in enumerate(parts)]
    for index, (title, _) in enumerate(parts):
        number = title.split(" — ")[1]
        assert f"Nomor: {number}" in _page_text(reader, index)
    assert [p.name for p in target.parent.iterdir()] == ["gabungan.pdf"]  # no temporary file left


def test_fonts_and_background_shared_by_the_certificates_are_stored_once(workspace, tmp_path):
    parts = _certificates(workspace, 4)
    target = tmp_path / "gabungan.pdf"
    merge_pdfs(parts, target)
    reader = PdfReader(target)
    font_files = set()
    for page in reader.pages:
        form = page["/Resources"]["/XObject"]["/FormXob.docgen-latar"]
        for font in page["/Resources"]["/Font"].values():
            font_files.add(font.get_object()["/FontDescriptor"]["/FontFile2"].indirect_reference.idnum)
        font_files.add(form.indirect_reference.idnum)
    assert len(font_files) == 3  # two Liberation faces and the background form, whatever the page count
    one = parts[0][1].stat().st_size
    assert target.stat().st_size < one + 3 * one // 5  # each further certificate adds its own page only


def test_a_merged_page_renders_exactly_like_its_source(workspace, tmp_path):
    require("pdftoppm")
    parts = _certificates(workspace, 2)
    target = tmp_path / "gabungan.pdf"
    merge_pdfs(parts, target)
    merged = render_page(target, page=2, dpi=60, out=tmp_path / "merged")
    source = render_page(parts[1][1], page=1, dpi=60, out=tmp_path / "source")
    assert merged.read_bytes() == source.read_bytes()


def test_a_multi_page_part_keeps_its_links_on_the_merged_copy_each_page_its_own(tmp_path):
    first = _three_pages_with_a_link(tmp_path / "a.pdf", "Satu")
    second = _three_pages_with_a_link(tmp_path / "b.pdf", "Dua")
    target = tmp_path / "gabungan.pdf"
    assert merge_pdfs([("Surat satu", first), ("Surat dua", second)], target) == 6
    reader = PdfReader(target, strict=True)
    assert len(reader.pages) == 6
    assert _outline(reader) == [("Surat satu", 0), ("Surat dua", 3)]
    assert _page_text(reader, 5) == "Dua halaman 3"
    link = reader.pages[3]["/Annots"][0].get_object()
    dest = link["/Dest"] if "/Dest" in link else link["/A"]["/D"]
    if not isinstance(dest, list):  # a named destination: resolve it the way a viewer does
        dest = reader.named_destinations[str(dest)]
        assert reader.get_destination_page_number(dest) == 5
    else:
        assert dest[0].idnum == reader.pages[5].indirect_reference.idnum
    site = [reader.pages[i].get("/Annots")[0] for i in (1, 4)]  # byte-identical in both parts, yet two objects
    assert site[0].idnum != site[1].idnum and site[0].get_object()["/A"]["/URI"] == "https://dpmptsp.pasuruankota.go.id"


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_a_missing_or_broken_part_is_refused_by_name_and_the_old_target_stays(workspace, tmp_path, damage):
    parts = _certificates(workspace, 2)
    bad = tmp_path / "rusak.pdf"
    if damage == "garbage":
        bad.write_bytes(b"bukan pdf sama sekali\n" * 50)
    elif damage == "truncated":
        bad.write_bytes(parts[0][1].read_bytes()[:2000])
    target = tmp_path / "out" / "gabungan.pdf"
    target.parent.mkdir()
    target.write_bytes(b"cetakan lama")
    with pytest.raises(RenderError) as caught:
        merge_pdfs([parts[0], ("Baris 7 — rusak", bad), parts[1]], target)
    message = str(caught.value)
    assert "rusak.pdf" in message and "Baris 7" in message and "\n" not in message
    assert target.read_bytes() == b"cetakan lama"
    assert [p.name for p in target.parent.iterdir()] == ["gabungan.pdf"]


def test_nothing_to_merge_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(RenderError, match="Tidak ada dokumen"):
        merge_pdfs([], tmp_path / "gabungan.pdf")
    assert not (tmp_path / "gabungan.pdf").exists()
