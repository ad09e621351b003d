"""Everything a request can be refused for is refused before a number is taken: characters a
DOCX cannot hold in any field (nested ones too), text over the profile's limits, blank-looking
text, dates outside the profile's window, absurd counts. One Indonesian line names the field."""

from __future__ import annotations

import copy
import dataclasses
import sqlite3
from datetime import date, timedelta

import pytest

from docgen.errors import RequestError
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind, validate_request
from docgen.pipeline import generate
from docgen.profile import Limits, Workspace

TABLES = ("documents", "numbers", "events")


def register_rows(workspace: Workspace) -> dict[str, int]:
    """Rows per register table, read with plain sqlite3 so no docgen code is trusted for it."""
    with sqlite3.connect(workspace.register_path) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def refused(workspace: Workspace, data: dict, kind: str = "surat-keluar") -> str:
    """Generate ``data``; it must be refused with one line and leave the register as it was."""
    before = register_rows(workspace)
    with pytest.raises(RequestError) as caught:
        if kind == "surat-keluar":
            generate(workspace, kind, data)
        else:
            enter_incoming(workspace, data)
    assert register_rows(workspace) == before
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    message.encode("utf-8")  # printable: no lone surrogate reaches the terminal
    return message


def with_limits(workspace: Workspace, **limits: int) -> Workspace:
    profile = workspace.profile.model_copy(update={"limits": Limits(**limits)})
    return dataclasses.replace(workspace, profile=profile)


def _set(data: dict, path: str, value: object) -> None:
    """``lampiran.satuan`` or ``kepada.0``: put ``value`` there, creating the section if needed."""
    *parents, last = path.split(".")
    node = data
    for part in parents:
        if not isinstance(node.get(part), dict | list):
            node[part] = {"jumlah": 2} if part == "lampiran" else {"pejabat": "kadis"}
        node = node[part]
    node[int(last) if isinstance(node, list) else last] = value


TEXT_FIELDS = {
    "hal": "hal",
    "kepada.0": "kepada[1]",
    "isi.1": "isi[2]",
    "tembusan.0": "tembusan[1]",
    "di": "di",
    "lampiran.satuan": "lampiran.satuan",
    "penandatangan.pejabat": "penandatangan.pejabat",
}
UNHOLDABLE = {
    "\ufffe": "U+FFFE",
    "\uffff": "U+FFFF",
    "\ufdd0": "U+FDD0",
    "\U0001fffe": "U+1FFFE",
    "\U0010ffff": "U+10FFFF",
    chr(0xD800): "U+D800",
    chr(0xDFFF): "U+DFFF",
    "\x00": "U+0000",
    "\x1f": "U+001F",
    "\x7f": "U+007F",
    "\x85": "U+0085",
    "\x9f": "U+009F",
}


@pytest.mark.parametrize("path", list(TEXT_FIELDS))
@pytest.mark.parametrize("char", list(UNHOLDABLE), ids=list(UNHOLDABLE.values()))
def test_characters_a_docx_cannot_hold_are_refused_in_every_field(workspace, letter, path, char):
    _set(letter, path, f"Teks {char} biasa")
    message = refused(workspace, letter)
    assert f"'{TEXT_FIELDS[path]}' berisi" in message
    assert UNHOLDABLE[char] in message and "(karakter ke-6" in message


def test_characters_a_docx_cannot_hold_are_refused_in_an_incoming_letter(workspace):
    data = copy.deepcopy(get_kind("surat-masuk").example)
    data["dari"] = "Dinas\ufffe"
    assert "'dari' berisi U+FFFE" in refused(workspace, data, kind="surat-masuk")


@pytest.mark.parametrize(
    "text", ["Tab\tdan\nbaris baru", "Hal\u00a0berspasi tak putus", "ZWJ 👨\u200d👩\u200d👧", "Σ 泗水"]
)
def test_text_a_docx_can_hold_is_accepted(workspace, letter, text):
    letter["hal"] = text
    assert generate(workspace, "surat-keluar", letter).number


@pytest.mark.parametrize(
    "blank",
    [
        "\u200b\u200b\u200b",
        "\u200c\u200d",
        "\u2060",
        "\ufeff",
        "\u00a0\u00a0",
        "\u3000",
        "\u2800\u3164",
        " \u200b \n\t",
        "\u0301",
    ],
    ids=["zwsp", "zwnj-zwj", "word-joiner", "bom", "nbsp", "ideographic-space", "fillers", "mixed", "lone-mark"],
)
@pytest.mark.parametrize("path", ["hal", "kepada.0", "isi.0", "lampiran.satuan"])
def test_blank_looking_text_is_refused(workspace, letter, path, blank):
    _set(letter, path, blank)
    message = refused(workspace, letter)
    assert "tidak boleh kosong" in message or "hanya berisi spasi atau karakter tak terlihat" in message


def test_a_field_over_the_limit_is_refused_and_one_at_the_limit_is_printed(workspace, letter):
    small = with_limits(workspace, field_chars=300)
    letter["isi"] = ["x" * 301]
    message = refused(small, letter)
    assert "'isi[1]' terlalu panjang (301 karakter, paling banyak 300; batas field_chars di profil)" in message
    letter["isi"] = ["x" * 300]
    assert generate(small, "surat-keluar", letter).number


def test_a_nested_field_over_the_limit_is_refused(workspace, letter):
    letter["lampiran"] = {"jumlah": 1, "satuan": "berkas" * 20}
    assert "'lampiran.satuan' terlalu panjang" in refused(with_limits(workspace, field_chars=100), letter)


def test_a_list_over_the_item_limit_is_refused(workspace, letter):
    letter["tembusan"] = [f"Pihak {i}" for i in range(6)]
    assert "'tembusan' berisi 6 butir, paling banyak 5 (batas items di profil)" in refused(
        with_limits(workspace, items=5), letter
    )


def test_total_text_over_the_limit_is_refused_though_each_field_fits(workspace, letter):
    letter["isi"] = ["x" * 900] * 5
    message = refused(with_limits(workspace, field_chars=1_000, total_chars=4_000), letter)
    assert "lebih dari 4.000 karakter teks (batas total_chars di profil)" in message


def test_deep_nesting_passed_as_data_is_refused(workspace, letter):
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    letter["isi"] = deep
    assert "batas depth di profil" in refused(workspace, letter)


def test_a_self_containing_list_is_refused(workspace, letter):
    loop: list = ["x"]
    loop.append(loop)
    letter["isi"] = loop
    assert "batas depth di profil" in refused(workspace, letter)


@pytest.mark.parametrize("key", [1, None, 2.5, True, ("a",)], ids=["int", "none", "float", "bool", "tuple"])
def test_a_key_that_is_not_a_field_name_is_refused(workspace, letter, key):
    letter[key] = "x"
    assert "harus berupa nama kolom" in refused(workspace, letter)


def test_an_unknown_key_with_odd_characters_is_shown_escaped(workspace, letter):
    letter["hal\nbaru"] = "x"
    assert "'hal\\u000abaru' tidak dikenal" in refused(workspace, letter)


# -- dates ---------------------------------------------------------------------------------------


def _years(day: date, n: int) -> date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:
        return day.replace(year=day.year + n, day=28)


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "9999-12-31", "2000-06-15", "2100-01-01"])
def test_implausible_years_are_refused(workspace, letter, day):
    letter["tanggal"] = day
    message = refused(workspace, letter)
    assert f"'tanggal' {day} di luar rentang yang diterima" in message and "periksa tahunnya" in message


def test_the_date_window_follows_the_profile(workspace, letter):
    today = date.today()
    first, last = _years(today, -10), _years(today, 1)
    for inside in (first, last, today):
        letter["tanggal"] = inside.isoformat()
        assert generate(workspace, "surat-keluar", letter).number
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        letter["tanggal"] = outside.isoformat()
        assert f"({first.isoformat()} s.d. {last.isoformat()}" in refused(workspace, letter)
    letter["tanggal"] = _years(today, -3).isoformat()
    assert "di luar rentang" in refused(with_limits(workspace, years_back=2), letter)


@pytest.mark.parametrize("day", ["2026-02-30", "2026-02-29", "2026-04-31", "2026-13-01", "2026-11-00"])
def test_a_date_that_does_not_exist_is_named_in_data(workspace, letter, day):
    letter["tanggal"] = day
    assert f"'tanggal' {day} tidak ada di kalender; periksa hari dan bulannya" in refused(workspace, letter)


@pytest.mark.parametrize("field", ["tanggal", "diterima"])
def test_both_dates_of_an_incoming_letter_are_in_the_window(workspace, field):
    data = copy.deepcopy(get_kind("surat-masuk").example)
    data.update(tanggal="2026-11-20", diterima="2026-11-23")
    data[field] = "1900-01-01" if field == "tanggal" else "9999-01-01"
    assert f"'{field}' " in refused(workspace, data, kind="surat-masuk")


def test_a_date_with_a_time_is_refused_in_office_words(workspace, letter):
    letter["tanggal"] = "2026-11-28T10:30:00"
    assert "'tanggal' harus tanggal saja, tanpa jam" in refused(workspace, letter)


# -- counts and choices --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lampiran", [10**18, 10**30, "1000000000000000000 lembar", {"jumlah": 10**18}, 10_000, "99999 berkas"]
)
def test_an_absurd_attachment_count_is_refused_with_the_cap(workspace, letter, lampiran):
    letter["lampiran"] = lampiran
    message = refused(workspace, letter)
    assert "'lampiran" in message and "9999" in message and "Galat tak terduga" not in message


def test_the_largest_attachment_count_is_written_in_words(workspace, letter):
    letter["lampiran"] = "9999 lembar"
    request = validate_request(get_kind("surat-keluar"), letter, workspace.profile)
    assert request.lampiran.text() == "9999 (sembilan ribu sembilan ratus sembilan puluh sembilan) lembar"


@pytest.mark.parametrize("number", [10**200, -(10**200)])
def test_a_huge_number_in_a_text_field_is_refused_not_a_crash(workspace, letter, number):
    letter["hal"] = number
    assert "'hal' berisi angka yang terlalu panjang" in refused(workspace, letter)


def test_the_allowed_values_are_listed_in_indonesian(workspace, letter):
    letter["sifat"] = "Kilat"
    message = refused(workspace, letter)
    assert "'sifat' harus salah satu dari: Biasa, Segera, Sangat Segera atau Rahasia" in message
    assert " or " not in message


def test_an_unknown_official_with_a_line_break_stays_one_line(workspace, letter):
    letter["penandatangan"] = "kadis\nsekretaris"
    assert "pejabat 'kadis\\u000asekretaris' tidak ada di profil" in refused(workspace, letter)


# -- from the command line -----------------------------------------------------------------------


def _cli(workspace: Workspace, path) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from docgen.cli import app

    result = CliRunner().invoke(app, ["--workspace", str(workspace.root), "new", "surat-keluar", "--data", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_a_windows_json_request_with_a_bom_is_numbered_from_the_cli(workspace, letter, tmp_path):
    import json

    path = tmp_path / "surat.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(letter, ensure_ascii=False, indent=2).replace("\n", "\r\n").encode())
    code, out, err = _cli(workspace, path)
    assert code == 0, err
    assert register_rows(workspace)["documents"] == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a0: &a [x, x]\n" + "".join(f"a{i}: *a\n" for i in range(1, 60)), "batas aliases di profil"),
        ("hal: " + "[" * 100_000, "batas depth di profil"),
        ("tanggal: 2026-02-30\nhal: x\n", "(baris 1): tanggal 2026-02-30 tidak ada di kalender"),
        ("hal: x\n\tisi: y\n", "(baris 2): tab tidak boleh dipakai di sana; pakai spasi"),
        ("2026: x\n", "kunci '2026' harus berupa nama kolom"),
        ("hal: a\nhal: b\n", "kolom 'hal' ditulis dua kali"),
        ("tanggal: 1900-01-01\nhal: x\n", "'tanggal' 1900-01-01 di luar rentang"),
        ('hal: "\\u200b\\u200b"\n', "'hal' hanya berisi spasi atau karakter tak terlihat"),
        ("lampiran: 1000000000000000000\n", "'lampiran.jumlah' tidak boleh lebih dari 9999"),
    ],
    ids=["alias-bomb", "deep", "no-such-date", "tab", "number-key", "duplicate", "year-1900", "zero-width", "1e18"],
)
def test_hostile_request_files_give_one_galat_line_and_no_number(workspace, letter, tmp_path, content, expected):
    path = tmp_path / "surat.yaml"
    path.write_text(content, encoding="utf-8")
    before = register_rows(workspace)
    code, _, err = _cli(workspace, path)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Galat: ") and expected in lines[0], err
    assert "tak terduga" not in err
    assert register_rows(workspace) == before
