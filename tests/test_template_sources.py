"""Templates saved by LibreOffice, and document properties, render as plain docxtpl renders them.

Each test renders one template and context with docgen's compiled renderer and with
``docxtpl.DocxTemplate(path).render(ctx, autoescape=True)`` and compares what a reader sees.
Where docgen is deliberately stricter or more exact, the test says so in its name.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import require
from lxml import etree

from docgen.errors import TemplateError
from docgen.kinds import get_kind
from docgen.render.check import check_template
from docgen.render.docx.compiled import compile_docx
from docgen.render.docx.source import unescape_tags

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CONTEXT: dict[str, Any] = {
    "sifat": "Rahasia & \"Penting\" <segera> 'hari ini'",
    "tujuan": "Kepala Dinas & Staf",
    "jumlah": 3,
    "hal": "Izin <usaha> & lain-lain",
    "baris": [{"nama": "Ani & Budi"}, {"nama": None}, {"nama": "Candra\nDewi"}],
}


def _docgen(path: Path, context: dict[str, Any]) -> bytes:
    return compile_docx(path).render(context)


def _docxtpl(path: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(path)
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text, body paragraphs then table cells, as a reader sees them."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def _body_c14n(data: bytes) -> bytes:
    """The document body in canonical XML, so that two serialisations of one tree compare equal."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return etree.tostring(root.find(_W + "body"), method="c14n")


def _write_sources(folder: Path) -> tuple[Path, Path]:
    """Two templates as an author types them: quoted literals and comparisons inside tags."""
    folder.mkdir(parents=True, exist_ok=True)
    main = docx.Document()
    main.add_paragraph('Sifat: {{ sifat|default("Biasa") }}')
    main.add_paragraph('Lampiran: {{ lampiran|default("-") }}')
    main.add_paragraph("Yth. {{ 'Bapak ' ~ tujuan }}")
    main.add_paragraph("{% if jumlah > 2 %}banyak{% else %}sedikit{% endif %} {{ kosong|default('<kosong>') }}")
    main.add_paragraph('{%p if jumlah >= 3 and tujuan != "" %}')
    main.add_paragraph("Paragraf bersyarat untuk {{ tujuan }}")
    main.add_paragraph("{%p endif %}")
    table = main.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr for r in baris %}"
    table.cell(1, 0).text = '{{ r.nama or "(tanpa nama)" }}'
    table.cell(2, 0).text = "{%tr endfor %}"
    main.core_properties.title = '{{ hal|default("Tanpa hal") }}'
    main.core_properties.subject = "Untuk {{ 'Yth. ' ~ tujuan }}"
    main.save(folder / "utama.docx")
    ampersand = docx.Document()
    ampersand.add_paragraph('{{ "PT A & B" }}')
    ampersand.save(folder / "ampersand.docx")
    return folder / "utama.docx", folder / "ampersand.docx"


def _resave_with_libreoffice(sources: tuple[Path, ...], outdir: Path) -> list[Path]:
    """``soffice --convert-to docx`` with a private profile, as an office re-saving in Writer."""
    profile = outdir / "lo-profile"
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            *(str(s) for s in sources),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return [outdir / s.name for s in sources]


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    require("soffice")
    folder = tmp_path_factory.mktemp("lo-templates")
    main, ampersand = _resave_with_libreoffice(_write_sources(folder / "src"), folder / "lo")
    xml = zipfile.ZipFile(main).read("word/document.xml").decode("utf-8")
    assert "&quot;Biasa&quot;" in xml and "&gt; 2" in xml  # what the test is about: LibreOffice's entities
    return main, ampersand


def test_a_template_resaved_by_libreoffice_with_quoted_literals_renders_like_docxtpl(resaved):
    main, _ = resaved
    ours, theirs = _docgen(main, CONTEXT), _docxtpl(main, CONTEXT)
    texts = _paragraphs(ours)
    assert texts == _paragraphs(theirs)
    assert _body_c14n(ours) == _body_c14n(theirs)
    assert "Sifat: Rahasia & \"Penting\" <segera> 'hari ini'" in texts
    assert "Lampiran: -" in texts
    assert "Yth. Bapak Kepala Dinas & Staf" in texts
    assert "banyak <kosong>" in texts
    assert "Paragraf bersyarat untuk Kepala Dinas & Staf" in texts
    assert {"Ani & Budi", "(tanpa nama)"} <= set(texts)


def test_a_libreoffice_template_rendered_by_docgen_prints_every_value_in_its_pdf(resaved, tmp_path):
    from pypdf import PdfReader

    from docgen.pdf.convert import ColdConverter

    main, _ = resaved
    docx_path = tmp_path / "surat.docx"
    docx_path.write_bytes(_docgen(main, CONTEXT))
    text = " ".join(PdfReader(ColdConverter().convert(docx_path, tmp_path)).pages[0].extract_text().split())
    for expected in (
        'Sifat: Rahasia & "Penting" <segera>',
        "Yth. Bapak Kepala Dinas & Staf",
        "Ani & Budi",
        "(tanpa nama)",
    ):
        assert expected in text


def test_a_user_value_with_tag_syntax_in_a_libreoffice_template_is_printed_not_run(resaved):
    main, _ = resaved
    context = {**CONTEXT, "sifat": "{{ 7 * 7 }} &quot; </w:t>"}
    texts = _paragraphs(_docgen(main, context))
    assert "Sifat: {{ 7 * 7 }} &quot; </w:t>" in texts


def test_core_properties_of_a_libreoffice_template_are_rendered_like_docxtpl(resaved):
    main, _ = resaved
    context = {**CONTEXT, "hal": "Izin usaha", "tujuan": "Kepala Dinas"}
    ours = docx.Document(io.BytesIO(_docgen(main, context))).core_properties
    theirs = docx.Document(io.BytesIO(_docxtpl(main, context))).core_properties
    assert (ours.title, ours.subject) == (theirs.title, theirs.subject) == ("Izin usaha", "Untuk Yth. Kepala Dinas")


def test_an_ampersand_literal_inside_a_tag_prints_once_where_docxtpl_prints_its_entity(resaved):
    """Deliberate difference: docxtpl leaves ``&amp;`` in the tag, so the letter reads "A &amp; B"."""
    _, ampersand = resaved
    assert _paragraphs(_docgen(ampersand, {})) == ["PT A & B"]
    assert _paragraphs(_docxtpl(ampersand, {})) == ["PT A &amp; B"]


def test_entities_are_unescaped_inside_tags_and_nowhere_else():
    source = "a &amp; &quot;b&quot; {{ x|default(&quot;&#60;&#x27;c&apos;&gt;&amp;&quot;) }}"
    source += " {% if n &gt; 1 %}d &lt;{% endif %}"
    assert unescape_tags(source) == (
        "a &amp; &quot;b&quot; {{ x|default(\"<'c'>&\") }} {% if n > 1 %}d &lt;{% endif %}"
    )


def test_a_tag_that_still_holds_word_markup_is_left_for_jinja_to_report():
    source = "{{ a &lt;</w:t></w:r><w:r><w:t> b }}"
    assert unescape_tags(source) == source


def _with_properties(path: Path, **properties: str) -> Path:
    document = docx.Document()
    document.add_paragraph("Isi {{ hal }}")
    for name, value in properties.items():
        setattr(document.core_properties, name, value)
    document.save(path)
    return path


def test_core_properties_are_rendered_with_the_request_context_like_docxtpl(tmp_path):
    path = _with_properties(
        tmp_path / "sifat.docx",
        title="Surat {{ hal }}",
        subject='{{ tujuan|default("-") }}',
        author="{{ penandatangan }}",
        comments="Nomor {{ nomor }}",
    )
    context = {"hal": "Izin usaha", "penandatangan": "Drs. Budi", "nomor": "503/12/2026"}
    ours = docx.Document(io.BytesIO(_docgen(path, context))).core_properties
    theirs = docx.Document(io.BytesIO(_docxtpl(path, context))).core_properties
    for name in ("title", "subject", "author", "comments"):
        assert getattr(ours, name) == getattr(theirs, name)
    assert (ours.title, ours.subject, ours.author, ours.comments) == (
        "Surat Izin usaha",
        "-",
        "Drs. Budi",
        "Nomor 503/12/2026",
    )


def test_core_property_values_are_escaped_once_where_docxtpl_escapes_them_twice(tmp_path):
    """Deliberate difference: docxtpl autoescapes a property and python-docx escapes it again."""
    path = _with_properties(tmp_path / "amp.docx", title="{{ hal }}")
    context = {"hal": 'Izin <usaha> & "lain"'}
    assert docx.Document(io.BytesIO(_docgen(path, context))).core_properties.title == 'Izin <usaha> & "lain"'
    assert docx.Document(io.BytesIO(_docxtpl(path, context))).core_properties.title == (
        "Izin &lt;usaha&gt; &amp; &#34;lain&#34;"
    )


def test_keywords_are_rendered_where_docxtpl_leaves_the_tag(tmp_path):
    """Deliberate difference: docxtpl's render_properties skips keywords."""
    path = _with_properties(tmp_path / "kata.docx", keywords="izin, {{ hal }}")
    context = {"hal": "reklame"}
    assert docx.Document(io.BytesIO(_docgen(path, context))).core_properties.keywords == "izin, reklame"
    assert docx.Document(io.BytesIO(_docxtpl(path, context))).core_properties.keywords == "izin, {{ hal }}"


def test_an_unknown_name_in_a_property_is_an_error_where_docxtpl_prints_nothing(tmp_path):
    """Deliberate difference: undefined variables are errors in every part, properties included."""
    path = _with_properties(tmp_path / "salah.docx", title="{{ judul }}")
    with pytest.raises(TemplateError, match="salah.docx"):
        _docgen(path, {"hal": "x"})
    assert docx.Document(io.BytesIO(_docxtpl(path, {"hal": "x"}))).core_properties.title == ""


def test_template_check_names_a_misspelt_variable_in_the_document_title(workspace):
    path = workspace.template("surat-keluar.docx")
    document = docx.Document(path)
    document.core_properties.title = "{{ judul }}"
    document.save(path)
    report = check_template(get_kind("surat-keluar"), path, workspace.profile)
    assert report.unknown == ["judul"]
