"""Templates: every kind has one that matches its model; a broken one is caught before numbering."""

from __future__ import annotations

import shutil
import zipfile

import docx
import pytest

from docgen.errors import TemplateError
from docgen.kinds import docx_kinds, get_kind
from docgen.pipeline import generate
from docgen.register import Register
from docgen.render.check import check_template


def _rewrite_document_xml(path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new).encode("utf-8")
            out.writestr(info, data)


@pytest.mark.parametrize("kind", [k.name for k in docx_kinds()])
def test_every_kind_ships_a_template_that_matches_its_model(workspace, kind):
    report = check_template(
        get_kind(kind), workspace.template(get_kind(kind).template), workspace.profile, roots=(workspace.root,)
    )
    assert report.ok, report


def _example_with_its_basis(workspace, name: str) -> dict:
    """The kind's example; a kind resting on another (a rekomendasi on its BAP) gets that made first."""
    kind = get_kind(name)
    data = dict(kind.example)
    if kind.basis is not None and data.get(kind.basis.field):
        basis = kind.basis.kinds[0]
        data[kind.basis.field] = generate(workspace, basis, _example_with_its_basis(workspace, basis)).number
    return data


@pytest.mark.parametrize("kind", [k.name for k in docx_kinds()])
def test_every_kind_renders_its_example_into_a_docx_python_docx_opens(workspace, kind):
    result = generate(workspace, kind, _example_with_its_basis(workspace, kind))
    assert docx.Document(workspace.root / result.path).paragraphs


def test_template_check_names_a_misspelt_variable_and_a_field_never_shown(workspace):
    path = workspace.template("surat-keluar.docx")
    _rewrite_document_xml(path, "{{ hal }}", "{{ perihal }}")
    report = check_template(get_kind("surat-keluar"), path, workspace.profile)
    assert "perihal" in report.unknown
    assert "hal" in report.unshown


def test_template_check_names_a_wrong_attribute(workspace):
    path = workspace.template("surat-keluar.docx")
    _rewrite_document_xml(path, "{{ penandatangan.nama }}", "{{ penandatangan.name }}")
    report = check_template(get_kind("surat-keluar"), path, workspace.profile)
    assert report.unknown == ["penandatangan.name"]


def test_a_template_with_broken_syntax_fails_before_a_number_is_taken(workspace, letter):
    _rewrite_document_xml(workspace.template("surat-keluar.docx"), "{{ hal }}", "{{ hal ")
    with pytest.raises(TemplateError, match="surat-keluar.docx"):
        generate(workspace, "surat-keluar", letter)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []


def test_an_unreadable_template_is_one_clear_error(workspace, letter):
    workspace.template("surat-keluar.docx").write_bytes(b"bukan docx")
    with pytest.raises(TemplateError, match="tidak bisa dibaca"):
        generate(workspace, "surat-keluar", letter)


def test_the_office_emblem_replaces_the_placeholder_picture(workspace, letter, tmp_path):
    from PIL import Image

    emblem = workspace.root / "templates" / "lambang.png"
    Image.new("RGB", (40, 50), (200, 0, 0)).save(emblem)
    result = generate(workspace, "surat-keluar", letter)
    with zipfile.ZipFile(workspace.root / result.path) as out:
        media = [n for n in out.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        extracted = tmp_path / "lambang.png"
        extracted.write_bytes(out.read(media[0]))
    with Image.open(extracted) as image:
        assert image.size == (40, 50)
        assert image.convert("RGB").getpixel((5, 5)) == (200, 0, 0)


def test_a_missing_emblem_file_is_reported_with_the_profile_key(workspace, letter):
    (workspace.root / "templates" / "lambang.png").unlink()
    shutil.rmtree(workspace.outbox)
    with pytest.raises(TemplateError, match="office.emblem"):
        generate(workspace, "surat-keluar", letter)
