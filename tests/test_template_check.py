"""``docgen template check`` tells a template author, by part and line, what would break a document.

The shipped letter template is edited the way an author breaks it: a hyperlink whose relationship
was lost, a misspelt office filter, a table whose columns come from a loop. The check names the
part and the line (one paragraph per line, as Jinja's own errors count them), exits 1 for what
stops a document, and only tells what every output fixes by itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import cli

from docgen.kinds import get_kind
from docgen.render.check import check_template


def _edit(path: Path, change) -> None:
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)


def _line_of(path: Path, needle: str) -> int:
    """The line the renderer's source gives the paragraph holding ``needle`` (paragraphs per line)."""
    from docgen.render.docx import compile_docx

    source = dict(compile_docx(path).sources())["word/document.xml"]
    return next(n for n, line in enumerate(source.split("\n"), 1) if needle in line)


def _with_link(path: Path, rid: str) -> None:
    link = f'<w:hyperlink r:id="{rid}"><w:r><w:t>laman kami</w:t></w:r></w:hyperlink>'
    _edit(path, lambda xml: xml.replace("{{ hal }}</w:t></w:r>", "{{ hal }}</w:t></w:r>" + link, 1))


def test_a_lost_relationship_is_a_problem_named_by_part_and_line(workspace, tmp_path):
    path = workspace.template("surat-keluar.docx")
    sound = tmp_path / "utuh.docx"
    sound.write_bytes(path.read_bytes())
    _with_link(sound, "rId1")  # a relationship the package has: the same paragraph, compiled
    line = _line_of(sound, "laman kami")
    _with_link(path, "rId4242")
    report = check_template(get_kind("surat-keluar"), path, workspace.profile, roots=(workspace.root,))
    assert not report.ok
    assert any(f"(word/document.xml, baris {line})" in p and "rId4242" in p for p in report.problems), report
    result = cli(workspace, "template", "check", str(path), "--kind", "surat-keluar")
    assert result.exit_code == 1
    assert f"word/document.xml, baris {line}" in result.output and "rId4242" in result.output


def test_a_misspelt_filter_is_named_with_the_filters_that_exist(workspace):
    path = workspace.template("surat-keluar.docx")
    _edit(path, lambda xml: xml.replace("{{ hal }}", "{{ hal|rupia }}", 1))
    report = check_template(get_kind("surat-keluar"), path, workspace.profile, roots=(workspace.root,))
    assert len(report.problems) == 1
    assert "rupia" in report.problems[0] and "rupiah" in report.problems[0]
    assert "baris" in report.problems[0]


def test_the_office_filters_a_template_uses_are_listed_and_accepted(workspace):
    path = workspace.template("surat-keluar.docx")
    _edit(path, lambda xml: xml.replace("{{ hal }}", "{{ hal }} {{ 14|romawi }} {{ 1500|terbilang }}", 1))
    report = check_template(get_kind("surat-keluar"), path, workspace.profile, roots=(workspace.root,))
    assert report.ok, report
    assert report.filters == ["romawi", "terbilang"]
    result = cli(workspace, "template", "check", str(path), "--kind", "surat-keluar")
    assert result.exit_code == 0, result.output
    assert "romawi" in result.output


def test_a_table_whose_grid_does_not_match_its_cells_is_told_but_not_refused(workspace):
    path = workspace.template("surat-keluar.docx")
    table = (
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>'
        "<w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    _edit(path, lambda xml: xml.replace("<w:sectPr", table + "<w:p/><w:sectPr", 1))
    report = check_template(get_kind("surat-keluar"), path, workspace.profile, roots=(workspace.root,))
    assert report.ok, report
    assert any("word/document.xml baris" in n and "2 kolom" in n and "3 sel" in n for n in report.notes), report
    result = cli(workspace, "template", "check", str(path), "--kind", "surat-keluar")
    assert result.exit_code == 0 and "3 sel" in result.output


def test_a_form_layout_with_a_placeholder_its_kind_lacks_is_named(workspace):
    path = workspace.template("izin.toml")
    path.write_text(path.read_text(encoding="utf-8").replace("{pemegang}", "{pemegang_izin}"), encoding="utf-8")
    result = cli(workspace, "template", "check", str(path))
    assert result.exit_code == 1
    assert "pemegang_izin" in result.output
    result = cli(workspace, "template", "check")  # every kind's template or layout, forms included
    assert "sertifikat-standar.toml cocok" in result.output and "pemegang_izin" in result.output


def test_a_flowing_form_with_a_placeholder_its_kind_lacks_is_named_and_one_without_its_number_too(workspace):
    path = workspace.template("spj.flow.toml")
    original = path.read_text(encoding="utf-8")
    assert cli(workspace, "template", "check", str(path)).exit_code == 0  # the shipped one is whole
    path.write_text(original.replace('lines = ["Nomor: {nomor}"]', 'lines = ["Nomor: {nomor_spj}"]'), encoding="utf-8")
    result = cli(workspace, "template", "check", str(path))
    assert result.exit_code == 1
    assert "nomor_spj" in result.output and "spj.flow.toml" in result.output
    result = cli(workspace, "template", "check")  # every kind's template, flowing forms included
    assert "spm.flow.toml cocok" in result.output and "nomor_spj" in result.output
