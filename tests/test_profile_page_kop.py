"""The profile's paper and the printed kop: one source that every output prints the same way."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from test_profile import _edit

from docgen.errors import ConfigError
from docgen.profile import KOP_TEXT_MM, load_workspace, printed_kop

_MM = 72 / 25.4


def _width_mm(text: str, size: float, bold: bool) -> float:
    return stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size) / _MM


def test_every_printed_kop_line_fits_the_kop_column_and_keeps_every_word(workspace):
    office = workspace.profile.office
    kop = printed_kop(office)
    for line in kop.lines:
        assert _width_mm(line.text, line.size_pt, line.bold) <= KOP_TEXT_MM, line
    # nothing lost, nothing added, order kept: the name lines rejoin to the profile's lines
    assert " ".join(line.text for line in kop.names).split() == " ".join(office.kop).split()
    assert all(line.bold for line in kop.names) and not any(line.bold for line in kop.details)
    assert kop.lines[-1].text.split()[-1] == office.website  # the contact line ends the kop


def test_a_long_agency_name_breaks_into_balanced_lines_not_a_short_tail(workspace):
    names = printed_kop(workspace.profile.office).names
    agency = [line.text for line in names if line.size_pt == 16]
    assert len(agency) == 2  # 'DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU' at 16 pt
    widths = [_width_mm(text, 16, True) for text in agency]
    assert max(widths) - min(widths) < 15  # balanced: no single word left alone on the second line


def test_a_kop_word_wider_than_the_column_is_refused_at_load(workspace):
    _edit(workspace, "kop_sizes_pt = [14, 16]", "kop_sizes_pt = [14, 24]")
    _edit(workspace, '"PEMERINTAH KOTA PASURUAN",', '"PEMERINTAH KOTA PASURUAN", "PENANAMANMODALDANPELAYANANTERPADU",')
    with pytest.raises(ConfigError, match="PENANAMANMODALDANPELAYANANTERPADU.*kop_sizes_pt"):
        load_workspace(workspace.root, env={})


def test_f4_paper_is_folio_and_the_page_label_follows_the_office_style(workspace):
    ws = load_workspace(workspace.root, env={"DOCGEN_PAGE__PAPER": "F4", "DOCGEN_PAGE__NUMBER_FORMAT": "Hal. {n}"})
    assert ws.profile.page.size_mm == (215.0, 330.0)
    assert ws.profile.page.page_label(3) == "Hal. 3"
    assert workspace.profile.page.page_label(2) == "- 2 -"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("kop_sizes_pt = [14, 16]", "kop_sizes_pt = [6, 16]", "8 sampai 24 pt"),
        ('number_format = "- {n} -"', 'number_format = "- halaman -"', r"number_format.*\{n\}"),
        ("margin_left_mm = 25", "margin_left_mm = 40", "margin_left_mm"),
    ],
    ids=["kop under 8 pt", "page number without {n}", "margins too wide for the kop"],
)
def test_a_page_setting_that_cannot_print_is_refused_at_load(workspace, old, new, named):
    _edit(workspace, old, new)
    with pytest.raises(ConfigError, match=named):
        load_workspace(workspace.root, env={})
