"""docxtpl's template language renders in docgen as plain docxtpl renders it, feature by feature.

Each template is built with python-docx as an office author types it in Word (fields split over
runs, ``{%p %}`` and ``{%tr %}`` tags in their own paragraph or row, merge and colour tags in a
cell) and rendered by docgen's compiled renderer and by ``DocxTemplate(path).render(ctx,
autoescape=True)``. Every rendered XML part is compared in canonical form, with only the ids that
legitimately differ blanked. The docgen outputs are then converted to PDF by LibreOffice in one
call, and each PDF must show every value and every table column. The deliberate differences
(undefined names are errors; values are escaped) are named tests of their own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import require
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from markupsafe import Markup
from test_template_sources import _docgen, _docxtpl
from test_template_tables import _row

from docgen.errors import TemplateError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
# docProps/core.xml is left out: no template here has a property tag, and docxtpl re-writes the part
# (adding empty dc:identifier and dc:language) where docgen copies it; tests/test_template_sources.py
# compares rendered properties.
PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")


# -- comparing the two renderers (they come from test_template_sources) ---------------------------


def _normalised(data: bytes) -> bytes:
    """Canonical XML of one part, drawing ids and rsid attributes blanked (each renderer numbers its own)."""
    root = etree.fromstring(data)  # no recover: a part that is not well-formed fails here
    for drawing in root.iter(WP + "docPr"):
        drawing.set("id", "0")
    for element in root.iter():
        for name in [a for a in element.attrib if etree.QName(a).localname.startswith("rsid")]:
            del element.attrib[name]
    return etree.tostring(root, method="c14n")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: _normalised(package.read(name)) for name in package.namelist() if PARTS.match(name)}


def _renders_like_docxtpl(path: Path, context: dict[str, Any], *expected_parts: str) -> bytes:
    """Render with both, assert every part is the same after normalising; return docgen's DOCX."""
    ours, theirs = _docgen(path, context), _docxtpl(path, context)
    mine, plain = _parts(ours), _parts(theirs)
    assert mine.keys() == plain.keys()
    assert set(expected_parts) <= mine.keys()
    for name in mine:
        assert mine[name] == plain[name], name
    return ours


def _texts(data: bytes, part: str = "word/document.xml") -> list[str]:
    """The text of each paragraph of a part (``w:br`` read as a newline), table cells included."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read(part))
    texts = []
    for paragraph in root.iter(W + "p"):
        pieces = [(n.text or "") if n.tag == W + "t" else "\n" for n in paragraph.iter(W + "t", W + "br")]
        texts.append("".join(pieces))
    return texts


# -- the templates, as an office author writes them ----------------------------------------------


def _fields_and_nested_loops(path: Path) -> None:
    document = docx.Document()
    split = document.add_paragraph("Nomor: ")
    split.add_run("{{ no").bold = True  # Word splits a field over runs when part of it is formatted
    split.add_run("mor }}")
    document.add_paragraph("Kepada Yth. {{ tujuan }} di {{ tempat }}")
    document.add_paragraph("{% if mendesak %}SEGERA{% else %}Biasa{% endif %}")
    document.add_paragraph("{%p for s in seksi %}")
    document.add_paragraph("Seksi {{ loop.index }}: {{ s.judul }}")
    document.add_paragraph("{%p for b in s.butir %}")
    document.add_paragraph("{{ loop.index }}. {{ b }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Demikian.")
    document.save(path)


def _row_loop(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Rincian biaya")
    _row(
        document,
        [
            ["No", "Uraian", "Jumlah"],
            ["{%tr for r in rincian %}", "", ""],
            ["{{ loop.index }}", "{{ r.uraian }}", "{{ r.jumlah }}"],
            ["{%tr endfor %}", "", ""],
            ["", "Total", "{{ total }}"],
        ],
    )
    document.add_paragraph("Persyaratan per jenis izin")
    _row(
        document,
        [
            ["{%tr for j in jenis %}", ""],
            ["{{ j.nama }}", ""],
            ["{%tr for s in j.syarat %}", ""],
            ["", "{{ s }}"],
            ["{%tr endfor %}", ""],
            ["{%tr if j.catatan %}", ""],
            ["Catatan", "{{ j.catatan }}"],
            ["{%tr endif %}", ""],
            ["{%tr endfor %}", ""],
        ],
    )
    document.save(path)


def _vertical_merge(path: Path) -> None:
    document = docx.Document()
    _row(
        document,
        [
            ["Bidang", "Uraian", "Jumlah"],
            ["{%tr for i in kegiatan %}", "", ""],
            ["{% vm %}{{ bidang }}", "{{ i.uraian }}", "{{ i.jumlah }}"],
            ["{%tr endfor %}", "", ""],
        ],
    )
    document.save(path)


def _horizontal_merge(path: Path) -> None:
    document = docx.Document()
    _row(
        document,
        [
            ["Nama", "{%tc for t in triwulan %}", "{% hm %}Realisasi", "{%tc endfor %}"],
            ["", "{%tc for t in triwulan %}", "{{ t }}", "{%tc endfor %}"],
            ["{{ nama }}", "{%tc for t in triwulan %}", "{{ realisasi[t] }}", "{%tc endfor %}"],
        ],
    )
    document.save(path)


def _cell_background(path: Path) -> None:
    document = docx.Document()
    _row(
        document,
        [
            ["Permohonan", "Status"],
            ["{%tr for p in permohonan %}", ""],
            ["{{ p.nama }}", "{% cellbg p.warna %}{{ p.status }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    document.save(path)


def _special_characters(path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Sifat: {{ sifat }}"
    document.add_paragraph("Perihal: {{ hal }}")
    document.add_paragraph("Alamat: {{ alamat }}")
    _row(document, [["Pemohon", "{{ pemohon }}"], ["Catatan", "{{ alamat }}"]])
    document.save(path)


def _headers_and_footers(path: Path) -> None:
    document = docx.Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "{{ instansi }}"
    header.add_paragraph("{%p for a in alamat_kantor %}")
    header.add_paragraph("{{ a }}")
    header.add_paragraph("{%p endfor %}")
    footer = document.sections[0].footer
    footer.paragraphs[0].text = "Nomor {{ nomor }} | {% for t in tembusan %}{{ t }}{% if not loop.last %}, {% endif %}"
    footer.paragraphs[0].add_run("{% endfor %}")
    document.add_paragraph("Isi surat untuk {{ tujuan }}.")
    document.save(path)


_FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>\
<w:r><w:t xml:space="preserve"> {{{{ catatan }}}}</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>\
<w:r><w:t xml:space="preserve"> Dasar: {{% for d in dasar %}}{{{{ d }}}}; {{% endfor %}}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def _footnotes(path: Path) -> None:
    """python-docx cannot add footnotes: the part, its relationship and content type go in by hand."""
    document = docx.Document()
    paragraph = document.add_paragraph("Berdasarkan peraturan {{ peraturan }}")
    for number in ("1", "2"):
        run = paragraph.add_run()
        run.font.superscript = True
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), number)
        run._r.append(reference)
    document.add_paragraph("Penutup.")
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCatatan" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            out.writestr(info, data)
        out.writestr("word/footnotes.xml", _FOOTNOTES.encode("utf-8"))


# -- the contexts and what each PDF must show ---------------------------------------------------

TRIWULAN = ["TW I", "TW II", "TW III", "TW IV"]


class Case:
    """One feature: its template builder, its context, and the texts its PDF must show."""

    def __init__(self, build: Callable[[Path], None], context: dict[str, Any], shows: list[str]) -> None:
        self.build, self.context, self.shows = build, context, shows


CASES: dict[str, Case] = {
    "fields": Case(
        _fields_and_nested_loops,
        {
            "nomor": "503/417/423.107/2026",
            "tujuan": "Kepala Bappeda",
            "tempat": "Pasuruan",
            "mendesak": True,
            "seksi": [
                {"judul": "Perizinan", "butir": ["IMB Gudang", "Reklame Baliho"]},
                {"judul": "Pengaduan", "butir": []},
                {"judul": "Pelayanan", "butir": ["Loket Satu"]},
            ],
        },
        [
            "Nomor: 503/417/423.107/2026",
            "Kepada Yth. Kepala Bappeda di Pasuruan",
            "SEGERA",
            "Seksi 1: Perizinan",
            "1. IMB Gudang",
            "2. Reklame Baliho",
            "Seksi 2: Pengaduan",
            "Seksi 3: Pelayanan",
            "1. Loket Satu",
            "Demikian.",
        ],
    ),
    "rows": Case(
        _row_loop,
        {
            "rincian": [
                {"uraian": "Retribusi", "jumlah": "Rp 150.000"},
                {"uraian": "Materai", "jumlah": "Rp 10.000"},
                {"uraian": "Salinan", "jumlah": "Rp 5.000"},
            ],
            "total": "Rp 165.000",
            "jenis": [
                {"nama": "Reklame", "syarat": ["KTP", "Desain"], "catatan": "Ukuran > 4 m & menyala"},
                {"nama": "PBG", "syarat": ["Gambar teknis"], "catatan": ""},
            ],
        },
        [
            *["No", "Uraian", "Jumlah", "Retribusi", "Rp 150.000", "Materai", "Salinan", "Rp 5.000", "Rp 165.000"],
            *["Reklame", "KTP", "Desain", "Ukuran > 4 m & menyala", "PBG", "Gambar teknis"],
        ],
    ),
    "vm": Case(
        _vertical_merge,
        {
            "bidang": "Penanaman Modal",
            "kegiatan": [{"uraian": "Sosialisasi", "jumlah": 3}, {"uraian": "Monitoring", "jumlah": 12}],
        },
        ["Bidang", "Uraian", "Jumlah", "Penanaman Modal", "Sosialisasi", "Monitoring", "12"],
    ),
    "hm": Case(
        _horizontal_merge,
        {
            "triwulan": TRIWULAN,
            "nama": "PAD",
            "realisasi": dict(zip(TRIWULAN, ["11%", "27%", "58%", "94%"], strict=True)),
        },
        ["Nama", "Realisasi", *TRIWULAN, "PAD", "11%", "27%", "58%", "94%"],
    ),
    "cellbg": Case(
        _cell_background,
        {
            "permohonan": [
                {"nama": "CV Maju", "status": "Ditolak", "warna": "FF0000"},
                {"nama": "PT Jaya", "status": "Diproses", "warna": "FFDD00"},
                {"nama": "UD Sentosa", "status": "Terbit", "warna": "00B050"},
            ]
        },
        ["Permohonan", "Status", "CV Maju", "Ditolak", "PT Jaya", "Diproses", "UD Sentosa", "Terbit"],
    ),
    "escaping": Case(
        _special_characters,
        {
            "sifat": "Rahasia & <Segera>",
            "hal": "Izin \"Reklame\" & <Baliho> 'Besar'",
            "alamat": "Baris satu\nBaris dua",
            "pemohon": "PT A&B <Tbk> \"Cabang\" 'Timur'",
        },
        [
            "Sifat: Rahasia & <Segera>",
            "Perihal: Izin \"Reklame\" & <Baliho> 'Besar'",
            "Alamat: Baris satu",
            "Baris dua",
            "PT A&B <Tbk> \"Cabang\" 'Timur'",
        ],
    ),
    "headers": Case(
        _headers_and_footers,
        {
            "instansi": "DPMPTSP Kota Pasuruan",
            "alamat_kantor": ["Jl. Pahlawan No. 28", "Telp. (0343) 424242"],
            "nomor": "800/12/2026",
            "tembusan": ["Wali Kota", "Sekda"],
            "tujuan": "Camat Gadingrejo",
        },
        [
            "DPMPTSP Kota Pasuruan",
            "Jl. Pahlawan No. 28",
            "Telp. (0343) 424242",
            "Nomor 800/12/2026 | Wali Kota, Sekda",
            "Isi surat untuk Camat Gadingrejo.",
        ],
    ),
    "footnotes": Case(
        _footnotes,
        {
            "peraturan": "Perwali 12/2024",
            "catatan": "Lihat lampiran & <tabel> II",
            "dasar": ["UU 6/2023", "PP 5/2021"],
        },
        ["Berdasarkan peraturan Perwali 12/2024", "Lihat lampiran & <tabel> II", "Dasar: UU 6/2023; PP 5/2021;"],
    ),
}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("language")
    paths = {}
    for name, case in CASES.items():
        paths[name] = folder / f"{name}.docx"
        case.build(paths[name])
    return paths


# -- 1-7: the same XML as docxtpl ----------------------------------------------------------------


def test_fields_split_over_runs_and_nested_paragraph_loops_render_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["fields"], CASES["fields"].context, "word/document.xml")
    texts = _texts(ours)
    assert [t for t in texts if t] == CASES["fields"].shows
    assert not any("{%" in t or "{{" in t for t in texts)


def test_row_loops_nested_and_conditional_rows_render_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["rows"], CASES["rows"].context, "word/document.xml")
    table = docx.Document(io.BytesIO(ours)).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["No", "Uraian", "Jumlah"],
        ["1", "Retribusi", "Rp 150.000"],
        ["2", "Materai", "Rp 10.000"],
        ["3", "Salinan", "Rp 5.000"],
        ["", "Total", "Rp 165.000"],
    ]
    nested = docx.Document(io.BytesIO(ours)).tables[1]
    assert [[c.text for c in row.cells] for row in nested.rows] == [
        ["Reklame", ""],
        ["", "KTP"],
        ["", "Desain"],
        ["Catatan", "Ukuran > 4 m & menyala"],
        ["PBG", ""],
        ["", "Gambar teknis"],
    ]  # an empty note takes its row away


def test_vertical_merge_in_a_row_loop_renders_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["vm"], CASES["vm"].context, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(ours)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    rows = body.find(f"{W}body/{W}tbl").findall(W + "tr")
    merges = [row.find(f"{W}tc/{W}tcPr/{W}vMerge") for row in rows[1:]]
    assert [m.get(W + "val") for m in merges] == ["restart", "continue"]
    first_cells = ["".join(row.find(W + "tc").itertext()) for row in rows[1:]]
    assert first_cells == ["Penanaman Modal", ""]  # printed once, in the first row of the merge


def test_horizontal_merge_in_a_column_loop_renders_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["hm"], CASES["hm"].context, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(ours)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    table = body.find(f"{W}body/{W}tbl")
    heading, *others = table.findall(W + "tr")
    spans = [c.find(f"{W}tcPr/{W}gridSpan") for c in heading.findall(W + "tc")]
    assert [None if s is None else s.get(W + "val") for s in spans] == [None, str(len(TRIWULAN))]
    assert [len(row.findall(W + "tc")) for row in others] == [1 + len(TRIWULAN)] * 2
    assert len(table.findall(f"{W}tblGrid/{W}gridCol")) == 1 + len(TRIWULAN)


def test_cell_background_in_a_row_loop_renders_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["cellbg"], CASES["cellbg"].context, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(ours)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    fills = [shd.get(W + "fill") for shd in body.iter(W + "shd")]
    assert fills == [p["warna"] for p in CASES["cellbg"].context["permohonan"]]


def test_quotes_ampersands_angle_brackets_and_newlines_render_like_docxtpl_as_well_formed_xml(templates):
    context = CASES["escaping"].context
    ours = _renders_like_docxtpl(templates["escaping"], context, "word/document.xml", "word/header1.xml")
    body = _texts(ours)
    assert f"Perihal: {context['hal']}" in body
    assert "Alamat: Baris satu\nBaris dua" in body  # the newline becomes a line break (w:br)
    assert context["pemohon"] in body and "Baris satu\nBaris dua" in body
    assert _texts(ours, "word/header1.xml") == ["Sifat: Rahasia & <Segera>"]


def test_headers_and_footers_with_fields_and_a_loop_render_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["headers"], CASES["headers"].context, "word/header1.xml", "word/footer1.xml")
    assert _texts(ours, "word/header1.xml") == ["DPMPTSP Kota Pasuruan", "Jl. Pahlawan No. 28", "Telp. (0343) 424242"]
    assert _texts(ours, "word/footer1.xml") == ["Nomor 800/12/2026 | Wali Kota, Sekda"]


def test_footnotes_render_like_docxtpl(templates):
    ours = _renders_like_docxtpl(templates["footnotes"], CASES["footnotes"].context, "word/footnotes.xml")
    notes = [t.strip() for t in _texts(ours, "word/footnotes.xml") if t.strip()]
    assert notes == ["Lihat lampiran & <tabel> II", "Dasar: UU 6/2023; PP 5/2021;"]


# -- 8: where docgen is deliberately stricter ----------------------------------------------------


def _one_field(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return path


def test_an_undefined_variable_is_an_error_in_docgen_where_docxtpl_prints_nothing(tmp_path):
    path = _one_field(tmp_path / "salah_ketik.docx", "Kepada Yth. {{ tujuan }} {{ tujaun }}.")
    context = {"tujuan": "Camat"}
    with pytest.raises(TemplateError, match="salah_ketik.docx") as caught:
        _docgen(path, context)
    assert "tujaun" in str(caught.value) and "\n" not in str(caught.value)
    assert "Kepada Yth. Camat ." in _texts(_docxtpl(path, context))


def test_a_value_holding_word_markup_is_printed_as_text_not_as_xml(tmp_path):
    path = _one_field(tmp_path / "markup.docx", "Isi: {{ isi }}")
    context = {"isi": 'satu<w:br/>dua</w:t></w:r><w:r><w:t xml:space="preserve">tiga'}
    ours = _docgen(path, context)
    assert f"Isi: {context['isi']}" in _texts(ours)
    with zipfile.ZipFile(io.BytesIO(ours)) as package:
        assert etree.fromstring(package.read("word/document.xml")).find(f".//{W}br") is None


def test_a_markup_value_from_docgen_itself_is_inserted_as_xml_like_docxtpl(tmp_path):
    """``__html__`` is how docgen's own objects (a placed picture) put XML into a part, as docxtpl's
    InlineImage does. Request data never arrives as Markup: validation makes every field a plain
    ``str``, which is escaped (see the test above)."""
    path = _one_field(tmp_path / "markup.docx", "Isi: {{ isi }}")
    context = {"isi": Markup("satu<w:br/>dua")}
    plain, ours = _docxtpl(path, context), _docgen(path, context)
    assert _texts(ours) == _texts(plain)
    for data in (plain, ours):
        assert b"satu<w:br/>dua" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


# -- the PDFs of 1-7, converted by LibreOffice in one call ---------------------------------------


@pytest.fixture(scope="module")
def pdf_texts(templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The text of each docgen render's PDF, whitespace collapsed (table cells wrap their lines)."""
    require("soffice")
    from pypdf import PdfReader

    from docgen.pdf.convert import ColdConverter

    folder = tmp_path_factory.mktemp("language-pdf")
    rendered = []
    for name, case in CASES.items():
        rendered.append(folder / f"{name}.docx")
        rendered[-1].write_bytes(_docgen(templates[name], case.context))
    pdfs = ColdConverter().convert_many(rendered, folder / "pdf")
    return {
        name: " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
        for name, pdf in zip(CASES, pdfs, strict=True)
    }


@pytest.mark.parametrize("feature", list(CASES))
def test_the_pdf_of_a_docgen_render_shows_every_value_and_column(pdf_texts, feature):
    text = pdf_texts[feature]
    for expected in CASES[feature].shows:
        assert " ".join(expected.split()) in text, expected
    assert "{{" not in text and "{%" not in text
