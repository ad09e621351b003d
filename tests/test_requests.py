"""Reading request files: what Windows editors write is accepted, what would hang, exhaust or
mislead is refused with one line naming the file, the line and the fix."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from conftest import unavailable

from docgen.errors import RequestError
from docgen.profile import Limits
from docgen.requests import load_request
from docgen.requests import load_request as pipeline_load_request


def _file(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _refusal(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(RequestError) as caught:
        load_request(path, limits)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"Berkas permintaan {path.name}"), message
    return message


def test_the_pipeline_reads_requests_with_the_same_reader():
    assert pipeline_load_request is load_request


# -- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("bom.json", codecs.BOM_UTF8 + json.dumps({"hal": "Undangan Rapat"}).encode("utf-8")),
        ("bom.yaml", codecs.BOM_UTF8 + b"hal: Undangan Rapat\n"),
        ("utf16le.json", json.dumps({"hal": "Undangan Rapat"}).encode("utf-16")),
        ("utf16le.yaml", codecs.BOM_UTF16_LE + "hal: Undangan Rapat\r\n".encode("utf-16-le")),
        ("utf16be.yaml", codecs.BOM_UTF16_BE + "hal: Undangan Rapat\n".encode("utf-16-be")),
        ("plain.yaml", b"hal: Undangan Rapat\n"),
        ("crlf.json", b'{\r\n  "hal": "Undangan Rapat"\r\n}\r\n'),
    ],
)
def test_files_windows_editors_write_are_read(tmp_path, name, encoded):
    assert load_request(_file(tmp_path, name, encoded)) == {"hal": "Undangan Rapat"}


def test_non_ascii_text_survives_reading(tmp_path):
    text = "ꦥꦱꦸꦫꦸꦮꦤ꧀ · 泗水 · Привет · 🇮🇩"
    assert load_request(_file(tmp_path, "a.json", json.dumps({"hal": text}, ensure_ascii=False)))["hal"] == text
    assert load_request(_file(tmp_path, "a.yaml", f"hal: '{text}'\n"))["hal"] == text


@pytest.mark.parametrize(
    "raw",
    [b"hal: caf\xe9\n", b"hal: \xed\xa0\x80\n", b"hal: \xff\xfe\xfd\n", b"\x80hal: x\n"],
    ids=["latin-1", "encoded-surrogate", "garbage", "stray-continuation"],
)
def test_text_that_is_not_utf8_is_refused_with_the_fix(tmp_path, raw):
    message = _refusal(_file(tmp_path, "latin.yaml", raw))
    assert "bukan teks UTF-8" in message and "simpan ulang sebagai UTF-8" in message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hal: bel\x07\n", "U+0007"),
        ("hal: nul\x00\n", "U+0000"),
        ("hal: x\ufffe\n", "U+FFFE"),
        ('{"hal": "\x1b"}', "U+001B"),
    ],
)
def test_characters_a_document_cannot_hold_are_refused_with_their_line(tmp_path, text, code):
    name = "a.json" if text.startswith("{") else "a.yaml"
    message = _refusal(_file(tmp_path, name, "tanggal: 2026-11-28\n" * (name == "a.yaml") + text))
    assert code in message
    assert f"(baris {2 if name == 'a.yaml' else 1})" in message


def test_escaped_lone_surrogate_never_crashes_the_message(tmp_path):
    data = load_request(_file(tmp_path, "a.json", '{"hal": "\\ud800"}'))  # the field check refuses it
    assert data == {"hal": "\ud800"}
    message = _refusal(_file(tmp_path, "b.json", '{"\\udc80": "x"}'))
    assert "\\udc80" in message and "karakter rusak" in message
    message.encode("utf-8")  # printable on any terminal


# -- syntax made clear -------------------------------------------------------------------------


def test_broken_syntax_still_names_its_line(tmp_path):
    message = _refusal(_file(tmp_path, "rusak.yaml", "hal: Undangan\nkepada: [tidak ditutup\n"))
    assert "tidak sah (baris" in message and "periksa titik dua dan tanda kutip" in message
    message = _refusal(_file(tmp_path, "rusak.json", '{"hal": "x",\n "isi": }'))
    assert "(baris 2)" in message


@pytest.mark.parametrize(
    "text",
    ["hal: x\n\tkepada: y\n", "hal:\n\t- x\n", "penandatangan:\n  pejabat: kadis\n\tsebagai: a.n.\n", "\thal: x\n"],
    ids=["indent-key", "indent-item", "nested", "first-line"],
)
def test_tabs_where_yaml_forbids_them_are_named(tmp_path, text):
    message = _refusal(_file(tmp_path, "tab.yaml", text))
    assert "tab tidak boleh dipakai di sana; pakai spasi" in message
    assert "titik dua" not in message


@pytest.mark.parametrize(
    ("text", "hal"),
    [("hal: 'a\tb'\n", "a\tb"), ("hal: Undangan\tRapat\n", "Undangan\tRapat"), ("hal:\tUndangan\n", "Undangan"),
     ("hal: Undangan \t# catatan\n", "Undangan")],
)  # fmt: skip
def test_a_tab_inside_a_value_or_after_the_colon_is_accepted(tmp_path, text, hal):
    assert load_request(_file(tmp_path, "tab.yaml", text)) == {"hal": hal}


@pytest.mark.parametrize("day", ["2026-02-30", "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10"])
def test_a_date_that_does_not_exist_is_named(tmp_path, day):
    message = _refusal(_file(tmp_path, "a.yaml", f"hal: x\ntanggal: {day}\n"))
    assert f"(baris 2): tanggal {day} tidak ada di kalender; periksa hari dan bulannya" in message


def test_a_leap_day_that_exists_is_a_date(tmp_path):
    assert str(load_request(_file(tmp_path, "a.yaml", "tanggal: 2028-02-29\n"))["tanggal"]) == "2028-02-29"


@pytest.mark.parametrize(
    ("text", "shown"),
    [("2026: x\n", "'2026'"), ("true: x\n", "'true'"), ("null: x\n", "'null'"), ("2026-11-28: x\n", "'2026-11-28'"),
     ("? [a, b]\n: x\n", "'[...]'"), ("penandatangan:\n  1: kadis\n", "'1'"), ("1.5: x\n", "'1.5'")],
)  # fmt: skip
def test_a_key_that_is_not_a_field_name_is_named(tmp_path, text, shown):
    message = _refusal(_file(tmp_path, "a.yaml", text))
    assert f"kunci {shown} harus berupa nama kolom" in message


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("a.yaml", "hal: pertama\nisi: x\nhal: kedua\n", "(baris 3)"),
        ("b.yaml", "penandatangan:\n  pejabat: kadis\n  pejabat: sekretaris\n", "(baris 3)"),
        ("c.yaml", "{hal: a, hal: b}\n", "(baris 1)"),
        ("d.json", '{"hal": "pertama", "hal": "kedua"}', ""),
        ("e.json", '{"p": {"pejabat": "kadis", "pejabat": "x"}}', ""),
    ],
)
def test_a_duplicated_key_is_refused_not_silently_overwritten(tmp_path, name, text, line):
    message = _refusal(_file(tmp_path, name, text))
    assert "ditulis dua kali" in message and "hapus salah satunya" in message
    assert line in message


def test_a_merge_key_may_be_overridden(tmp_path):
    text = "dasar: &d {pejabat: kadis, sebagai: ''}\npenandatangan:\n  <<: *d\n  pejabat: sekretaris\n"
    assert load_request(_file(tmp_path, "a.yaml", text))["penandatangan"] == {"pejabat": "sekretaris", "sebagai": ""}


@pytest.mark.parametrize(
    ("name", "text"),
    [("a.yaml", "hal: " + "9" * 5000), ("b.json", '{"hal": ' + "9" * 5000 + "}"), ("c.yaml", "x: -" + "1" * 40)],
)
def test_an_absurdly_long_number_is_refused_not_a_crash(tmp_path, name, text):
    assert "angka lebih dari 30 digit" in _refusal(_file(tmp_path, name, text))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_numbers_are_refused(tmp_path, constant):
    assert f"berisi {constant}" in _refusal(_file(tmp_path, "a.json", f'{{"lampiran": {constant}}}'))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("list.yaml", "- hal: x\n"),
        ("scalar.yaml", "Undangan\n"),
        ("empty.yaml", ""),
        ("list.json", "[1]"),
        ("null.json", "null"),
    ],
)
def test_a_file_that_is_not_a_set_of_fields_is_refused(tmp_path, name, text):
    assert "harus berisi kolom seperti 'hal: ...'" in _refusal(_file(tmp_path, name, text))


# -- size and shape limits ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = _file(tmp_path, "besar.yaml", "hal: " + "x" * 2_000)
    message = _refusal(path, Limits(request_bytes=1_000))
    assert "batas request_bytes" in message and "1.000" in message
    assert load_request(path, Limits(request_bytes=3_000))["hal"] == "x" * 2_000


def test_a_huge_sparse_file_costs_nothing_to_refuse(tmp_path):
    path = tmp_path / "jarang.yaml"
    with path.open("wb") as out:
        out.truncate(50 * 1024**3)  # 50 GB of holes: reading it would take minutes
    assert "batas request_bytes" in _refusal(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    if not hasattr(os, "mkfifo"):
        unavailable("os.mkfifo tidak ada di sistem ini (perlu Linux atau macOS)")
    path = tmp_path / "pipa.yaml"
    os.mkfifo(path)
    assert "bukan berkas biasa" in _refusal(path)


def test_a_directory_or_missing_file_is_one_line(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    assert "bukan berkas biasa" in _refusal(tmp_path / "folder.yaml")
    assert "tidak bisa dibuka" in _refusal(tmp_path / "tidak-ada.yaml")


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    path = _file(tmp_path, "bom.yaml", _bomb(9))  # 32 aliases expanding to 655,360 items
    assert len(path.read_bytes()) < 1_000
    message = _refusal(path, Limits(aliases=100))
    assert "batas total_chars" in message or "batas items" in message
    assert "batas aliases" in _refusal(_file(tmp_path, "bom2.yaml", _bomb(20)))


def test_aliases_over_the_limit_are_refused_with_the_limit_named(tmp_path):
    text = "nama: &n Dinas\n" + "".join(f"k{i}: *n\n" for i in range(6))
    assert "lebih dari 5 alias YAML" in _refusal(_file(tmp_path, "a.yaml", text), Limits(aliases=5))
    assert load_request(_file(tmp_path, "b.yaml", text), Limits(aliases=6))["k5"] == "Dinas"


def test_a_large_value_repeated_by_aliases_is_refused_by_its_expanded_size(tmp_path):
    text = "x: &x " + "A" * 10_000 + "\n" + "".join(f"y{i}: *x\n" for i in range(40))
    assert "batas total_chars" in _refusal(_file(tmp_path, "a.yaml", text))


def test_a_self_referencing_alias_is_refused(tmp_path):
    assert "batas depth" in _refusal(_file(tmp_path, "a.yaml", "a: &a [*a]\n"))
    assert "batas depth" in _refusal(_file(tmp_path, "b.yaml", "a: &a {b: *a}\n"))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flow.yaml", "a: " + "[" * 50 + "]" * 50),
        ("block.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(30)) + "  " * 30 + "v: 1\n"),
        ("deep.json", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}"),
        ("deep.yaml", "[" * 200_000 + "]" * 200_000),
        ("objects.json", '{"a": ' * 100 + "1" + "}" * 100),
    ],
)
def test_deep_nesting_is_refused_with_the_limit_named(tmp_path, name, text):
    message = _refusal(_file(tmp_path, name, text))
    assert "bersarang lebih dari 12 tingkat (batas depth di profil)" in message


def test_nesting_within_the_limit_is_read(tmp_path):
    assert load_request(_file(tmp_path, "a.json", '{"a": ' + "[" * 10 + "]" * 10 + "}"))["a"] == [[[[[[[[[[]]]]]]]]]]


def test_brackets_inside_json_strings_do_not_count_as_nesting(tmp_path):
    assert load_request(_file(tmp_path, "a.json", json.dumps({"hal": "[" * 100 + '"{' * 50})))["hal"].startswith("[[")


def test_a_long_list_is_refused_with_the_limit_named(tmp_path):
    path = _file(tmp_path, "a.json", json.dumps({"isi": ["x"] * 11}))
    assert "'isi' berisi 11 butir, paling banyak 10 (batas items di profil)" in _refusal(path, Limits(items=10))


def test_a_request_just_under_the_size_limit_is_read_whole(tmp_path):
    rows = "".join(f"  - 'Paragraf nomor {i} dengan teks biasa yang cukup panjang untuk surat'\n" for i in range(900))
    text = "hal: Undangan\nisi:\n" + rows
    text += "catatan: '" + "x" * (Limits().request_bytes - len(text.encode()) - 20) + "'\n"
    path = _file(tmp_path, "besar.yaml", text)
    assert len(path.read_bytes()) <= Limits().request_bytes
    data = load_request(path, Limits(total_chars=2_000_000))
    assert len(data["isi"]) == 900 and data["isi"][899].startswith("Paragraf nomor 899")


@pytest.mark.parametrize("escape", ["\\uDF13", "\\uD800x", "\\q", "\\U0011FFFF"])
def test_a_broken_escape_between_double_quotes_is_named(tmp_path, escape):
    message = _refusal(_file(tmp_path, "a.yaml", f'tanggal: 2026-11-28\nhal: "ab{escape}"\n'))
    assert "(baris 2): kode \\ di antara tanda kutip ganda tidak sah" in message
