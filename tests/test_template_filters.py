"""The office filters print Indonesian dates, money, terbilang, NIP and Roman numerals in a real DOCX.

Templates are built with python-docx in ``tmp_path``, one tag per paragraph, rendered by docgen's
compiled renderer and read back with python-docx. Every expected value is written out by hand in
its correct Indonesian form, never computed with ``docgen.text``.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from docgen.errors import TemplateError
from docgen.render.docx import compile_docx
from docgen.render.docx.filters import OFFICE_FILTERS, FilterError, unknown_filter_hint

_counter = [0]


def _template(tmp_path: Path, lines: dict[str, str]) -> Path:
    """A DOCX with one paragraph ``label=<tag>`` per line, as an author would type it in Word."""
    _counter[0] += 1
    document = docx.Document()
    for label, tag in lines.items():
        document.add_paragraph(f"{label}={tag}")
    path = tmp_path / f"filter-{_counter[0]}.docx"
    document.save(path)
    return path


def _render(tmp_path: Path, lines: dict[str, str], context: dict[str, Any]) -> dict[str, str]:
    """Render the lines and read them back from the DOCX as ``{label: printed text}``."""
    data = compile_docx(_template(tmp_path, lines)).render(context)
    printed = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if "=" in p.text]
    return dict(text.split("=", 1) for text in printed)


def _refusal(tmp_path: Path, tag: str, context: dict[str, Any]) -> str:
    with pytest.raises(TemplateError) as caught:
        compile_docx(_template(tmp_path, {"x": tag})).render(context)
    return str(caught.value)


def test_dates_print_in_indonesian_from_dates_datetimes_and_iso_text(tmp_path):
    printed = _render(
        tmp_path,
        {
            "a": "{{ d|tanggal }}",
            "b": "{{ dt|tanggal_hari }}",
            "c": "{{ iso|tanggal_terbilang }}",
            "d": "{{ d|hari_tanggal_terbilang }}",
            "e": "{{ '2026-08-07T09:30'|tanggal_hari }}",
            "f": "{{ jumat|tanggal_hari }}",
        },
        {"d": date(2026, 11, 28), "dt": datetime(2026, 11, 28, 14, 5), "iso": "2026-11-28", "jumat": "2026-01-02"},
    )
    assert printed == {
        "a": "28 November 2026",
        "b": "Sabtu, 28 November 2026",
        "c": "dua puluh delapan bulan November tahun dua ribu dua puluh enam",
        "d": "Sabtu tanggal dua puluh delapan bulan November tahun dua ribu dua puluh enam",
        "e": "Jumat, 7 Agustus 2026",
        "f": "Jumat, 2 Januari 2026",
    }


def test_rupiah_groups_thousands_with_dots_and_rounds_sen_half_up(tmp_path):
    printed = _render(
        tmp_path,
        {"a": "{{ a|rupiah }}", "b": "{{ b|rupiah }}", "c": "{{ c|rupiah }}", "d": "{{ d|rupiah }}"},
        {"a": 1250000, "b": "1250000.5", "c": Decimal("0.005"), "d": -75000},
    )
    assert printed == {"a": "Rp 1.250.000,00", "b": "Rp 1.250.000,50", "c": "Rp 0,01", "d": "-Rp 75.000,00"}


def test_terbilang_spells_whole_numbers_and_money_in_words(tmp_path):
    printed = _render(
        tmp_path,
        {
            "a": "{{ a|terbilang }}",
            "b": "{{ b|terbilang }}",
            "c": "{{ c|terbilang }}",
            "d": "{{ d|terbilang_rupiah }}",
            "e": "{{ e|terbilang_rupiah }}",
        },
        {"a": 1250000, "b": "1001000", "c": Decimal("115"), "d": "1500.50", "e": 2000000},
    )
    assert printed == {
        "a": "satu juta dua ratus lima puluh ribu",
        "b": "satu juta seribu",
        "c": "seratus lima belas",
        "d": "seribu lima ratus rupiah lima puluh sen",
        "e": "dua juta rupiah",
    }


def test_nip_is_grouped_as_birth_date_appointment_sex_and_serial(tmp_path):
    printed = _render(
        tmp_path,
        {"a": "{{ a|nip }}", "b": "{{ b|nip }}", "c": "{{ c|nip }}"},
        {"a": "197001011990031001", "b": 198512312010122003, "c": "19700101 199003 1 001"},
    )
    assert printed == {"a": "19700101 199003 1 001", "b": "19851231 201012 2 003", "c": "19700101 199003 1 001"}


def test_roman_numerals_for_numbers_and_for_the_month_of_a_date(tmp_path):
    printed = _render(
        tmp_path,
        {
            "a": "{{ 14|romawi }}",
            "b": "{{ '1994'|romawi }}",
            "c": "{{ tgl|bulan_romawi }}",
            "d": "{{ '2026-04-01'|bulan_romawi }}",
            "e": "{{ 9|bulan_romawi }}",
            "f": "500/12/{{ tgl|bulan_romawi }}/{{ tgl.year }}",
        },
        {"tgl": date(2026, 11, 28)},
    )
    assert printed == {"a": "XIV", "b": "MCMXCIV", "c": "XI", "d": "IV", "e": "IX", "f": "500/12/XI/2026"}


def test_lampiran_counts_attachments_in_figures_and_words(tmp_path):
    printed = _render(
        tmp_path,
        {"a": "{{ 2|lampiran }}", "b": "{{ 3|lampiran('lembar') }}", "c": "{{ 0|lampiran }}"},
        {},
    )
    assert printed == {"a": "2 (dua) berkas", "b": "3 (tiga) lembar", "c": "-"}


@pytest.mark.parametrize(
    ("tag", "value", "shown"),
    [
        ("{{ v|rupiah }}", "abc", "'abc'"),
        ("{{ v|rupiah }}", "1.250.000", "'1.250.000'"),  # Indonesian grouping: refused, never guessed
        ("{{ v|rupiah }}", "1.250", "'1.250'"),  # 1,25 or 1250? refused
        ("{{ v|rupiah }}", "1.250.000,50", "'1.250.000,50'"),
        ("{{ v|rupiah }}", 1250000.5, "1250000.5"),  # a float may have lost its last sen
        ("{{ v|terbilang }}", Decimal("2.5"), "2.5"),
        ("{{ v|terbilang }}", 10**18, "1000000000000000000"),
        ("{{ v|tanggal }}", "28/11/2026", "'28/11/2026'"),
        ("{{ v|tanggal_hari }}", None, "None"),
        ("{{ v|romawi }}", 0, "0"),
        ("{{ v|bulan_romawi }}", 13, "13"),
        ("{{ v|nip }}", "19700101199003100", "'19700101199003100'"),
        ("{{ v|nip }}", "1970-01-01-1990031001", "'1970-01-01-1990031001'"),
        ("{{ v|terbilang_rupiah }}", True, "True"),
        ("{{ v|lampiran }}", -1, "-1"),
    ],
)
def test_a_value_a_filter_cannot_format_is_one_line_naming_filter_value_and_fix(tmp_path, tag, value, shown):
    message = _refusal(tmp_path, tag, {"v": value})
    name = tag.split("|")[1].split()[0]
    assert f"filter {name} tidak bisa memformat {shown}: berikan " in message
    assert message.startswith("Templat filter-")
    assert "\n" not in message
    assert "Error" not in message  # no Python exception names for office staff


def test_a_long_value_is_shortened_to_one_line_in_the_message(tmp_path):
    message = _refusal(tmp_path, "{{ v|rupiah }}", {"v": "satu\njuta " * 50})
    assert "filter rupiah tidak bisa memformat 'satu\\njuta satu\\njuta" in message
    assert "...: berikan angka" in message
    assert "\n" not in message and len(message) < 400


def test_a_misspelt_variable_under_a_filter_names_the_variable(tmp_path):
    message = _refusal(tmp_path, "{{ biaya_salah|rupiah }}", {"biaya": 1})
    assert "biaya_salah" in message and "nama yang tidak dikenal" in message


def test_filters_return_plain_str_so_user_text_is_still_escaped(tmp_path):
    satuan = "lembar <w:br/> & A&B"
    printed = _render(
        tmp_path,
        {"a": "{{ 2|lampiran(satuan) }}", "b": "{{ 2|lampiran('<w:t>x</w:t>'|safe) }}"},
        {"satuan": satuan},
    )
    # python-docx could open the part, so it is well-formed XML; the text reads as typed
    assert printed == {"a": f"2 (dua) {satuan}", "b": "2 (dua) <w:t>x</w:t>"}
    for name, value in [("tanggal", Markup("2026-11-28")), ("rupiah", Markup("5")), ("lampiran", 1)]:
        assert type(OFFICE_FILTERS[name](value)) is str


def test_filters_refuse_with_a_value_error_subclass():
    with pytest.raises(FilterError, match="^filter romawi tidak bisa memformat 4000: ") as caught:
        OFFICE_FILTERS["romawi"](4000)
    assert isinstance(caught.value, ValueError)


def _jinja_error(source: str) -> Exception:
    with pytest.raises(Exception) as caught:
        ImmutableSandboxedEnvironment().from_string(source)
    return caught.value


def test_unknown_filter_hint_names_the_closest_office_filter_first():
    hint = unknown_filter_hint(_jinja_error("{{ x|rupia }}"))
    assert hint is not None
    assert hint.startswith("filter 'rupia' tidak dikenal; yang tersedia: rupiah, ")
    for name in ("tanggal", "tanggal_hari", "terbilang", "terbilang_rupiah", "nip", "romawi", "bulan_romawi"):
        assert f" {name}," in hint or hint.endswith(f" {name}")


def test_unknown_filter_hint_suggests_a_jinja_builtin_when_that_is_closest():
    hint = unknown_filter_hint(_jinja_error("{{ x|uper }}"))
    assert hint is not None and hint.startswith("filter 'uper' tidak dikenal; yang tersedia: upper, tanggal")


def test_unknown_filter_hint_lists_all_when_nothing_is_close():
    hint = unknown_filter_hint(_jinja_error("{{ x|qqqq }}"))
    assert hint is not None and hint.startswith("filter 'qqqq' tidak dikenal; yang tersedia: tanggal, tanggal_hari")


def test_unknown_filter_hint_is_none_for_other_errors():
    assert unknown_filter_hint(_jinja_error("{{ x| }}")) is None
    assert unknown_filter_hint(ValueError("something else")) is None


def test_a_misspelt_filter_fails_compiling_the_template(tmp_path):
    # Only that compiling fails: the hint in this message is wired into compile_docx by the lead.
    with pytest.raises(TemplateError):
        compile_docx(_template(tmp_path, {"x": "{{ biaya|rupia }}"}))


def test_a_misspelt_filter_under_a_condition_is_named_when_the_render_reaches_it(tmp_path):
    message = _refusal(tmp_path, "{% if ada %}{{ biaya|rupia }}{% endif %}", {"ada": True, "biaya": 1})
    assert "filter 'rupia' tidak dikenal; yang tersedia: rupiah, " in message
