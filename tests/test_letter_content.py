"""User data reaches the DOCX literally: escaped, never evaluated, never corrupting the XML."""

from __future__ import annotations

import docx
import pytest

from docgen.errors import RequestError
from docgen.pipeline import generate
from docgen.register import Register

NASTY = "Tom & Jerry <b>tebal</b> \"kutip\" 'tunggal' {{ kantor.kop }} {% if true %}x{% endif %} {{ 7*7 }}"
NON_LATIN = "ꦥꦱꦸꦫꦸꦮꦤ꧀ · بسم الله · 泗水 · Ελληνικά · Привет · 🇮🇩"


def _all_text(path) -> str:
    document = docx.Document(path)
    chunks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            chunks += [cell.text for cell in row.cells]
    return "\n".join(chunks)


def test_markup_and_template_syntax_in_fields_are_printed_literally(workspace, letter):
    letter.update(hal=NASTY, kepada=[NASTY, NON_LATIN], isi=[NASTY, "baris satu\nbaris dua"], tembusan=[NASTY])
    result = generate(workspace, "surat-keluar", letter)
    text = _all_text(workspace.root / result.path)
    assert text.count(NASTY) >= 4  # hal, kepada, isi, tembusan
    assert "{{ 7*7 }}" in text and "49" not in text
    assert NON_LATIN in text
    assert "baris satu\nbaris dua" in text


def test_ten_thousand_character_paragraph_survives_intact(workspace, letter):
    long = ("Paragraf panjang & <aman> " * 400)[:10_000]
    letter["isi"] = [long, "Penutup."]
    result = generate(workspace, "surat-keluar", letter)
    paragraphs = [p.text for p in docx.Document(workspace.root / result.path).paragraphs]
    assert long.strip() in paragraphs


def test_word_manual_line_break_becomes_a_line_break(workspace, letter):
    letter["isi"] = ["baris pertama\x0bbaris kedua\r\nbaris ketiga"]
    result = generate(workspace, "surat-keluar", letter)
    assert "baris pertama\nbaris kedua\nbaris ketiga" in _all_text(workspace.root / result.path)


@pytest.mark.parametrize("bad", ["nol\x00byte", "bel\x07", "escape\x1b[31m"])
def test_control_characters_are_refused_before_a_number_is_taken(workspace, letter, bad):
    letter["hal"] = bad
    with pytest.raises(RequestError, match="'hal' berisi karakter kontrol"):
        generate(workspace, "surat-keluar", letter)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []


def test_the_shown_number_and_fields_are_in_the_letter(workspace, letter):
    letter.update(lampiran="2 lembar", sifat="Segera", penandatangan={"pejabat": "sekretaris", "sebagai": "a.n."})
    result = generate(workspace, "surat-keluar", letter)
    text = _all_text(workspace.root / result.path)
    assert "500.16.7.2/1/423.105/2026" in text
    assert "2 (dua) lembar" in text
    assert "Segera" in text
    assert "Pasuruan, 28 November 2026" in text
    assert "a.n. KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA PASURUAN," in text
    assert "SITI RAHAYU, S.H., M.H." in text
    assert "NIP 19820315 200604 2 003" in text


def test_a_draft_leaves_the_number_line_blank(workspace, letter):
    result = generate(workspace, "surat-keluar", letter, draft=True)
    document = docx.Document(workspace.root / result.path)
    nomor_row = next(row for t in document.tables for row in t.rows if row.cells[0].text == "Nomor")
    assert nomor_row.cells[-1].text == ""
    assert result.number is None
