"""Every refusal of a request or a profile is one Indonesian line naming the field and the rule.

Mutation testing (issue 22) showed the messages for numeric bounds could lose their bound (``tidak
boleh kurang dari None``) and the list of allowed values its ``atau``, with no test noticing; the
profile, the form layouts and the checklists share this translation with the requests, so the
bounds are checked on small models of the shapes those files use, and on a real kind's field.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.kinds.base import validate_request
from docgen.profile import copy_defaults, load_workspace
from docgen.validation import bad_character, blank_looking, field_path, shown, summarize


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    copies: int = Field(1, ge=1)
    workers: int = Field(1, gt=0)
    percent: int = Field(0, le=100)
    below: int = Field(0, lt=10)
    name: str = Field("x", max_length=5)
    codes: list[str] = Field(default_factory=list, max_length=2)
    code: str = Field("A1", pattern=r"^[A-Z]\d$")


def _summary(data: dict, **kwargs) -> tuple[str, tuple[str, ...]]:
    with pytest.raises(ValidationError) as caught:
        Limits.model_validate(data)
    return summarize(caught.value, **kwargs)


@pytest.mark.parametrize(
    ("data", "message"),
    [({"copies": 0}, "'copies' tidak boleh kurang dari 1"),
     ({"workers": 0}, "'workers' tidak boleh kurang dari 0"),
     ({"percent": 101}, "'percent' tidak boleh lebih dari 100"),
     ({"below": 10}, "'below' tidak boleh lebih dari 10"),
     ({"name": "panjang"}, "'name' terlalu panjang (paling banyak 5 karakter)"),
     ({"codes": ["a", "b", "c"]}, "'codes' terlalu banyak butir (paling banyak 2)"),
     ({"code": "11"}, "'code' formatnya tidak sesuai"),
     ({"copies": "dua"}, "'copies' harus berupa bilangan bulat"),
     ({"codes": "a"}, "'codes' harus berupa daftar")],
)  # fmt: skip
def test_each_rule_broken_is_named_with_its_bound(data, message):
    assert _summary(data) == (message, (next(iter(data)),))


def test_several_problems_are_one_line_each_field_named_once():
    message, paths = _summary({"copies": 0, "codes": [1]})
    assert message == "'copies' tidak boleh kurang dari 1; 'codes[1]' harus berupa teks"
    assert paths == ("copies", "codes[1]")


def test_an_unknown_key_lists_the_fields_there_are_only_when_told_them():
    assert _summary({"kopies": 2})[0] == "'kopies' tidak dikenal"
    assert _summary({"kopies": 2}, allowed=("copies", "workers"))[0] == (
        "'kopies' tidak dikenal; kolom yang tersedia: copies, workers"
    )


def test_a_rule_without_its_own_words_still_gets_a_line():
    class Strict(BaseModel):
        flag: bool = Field(strict=True)

    with pytest.raises(ValidationError) as caught:
        Strict.model_validate({"flag": "ya"})
    assert summarize(caught.value)[0] == "'flag' harus true atau false"

    class Frozen(BaseModel):
        at: frozenset[int]

    with pytest.raises(ValidationError) as caught:
        Frozen.model_validate({"at": 3})
    assert summarize(caught.value)[0] == "'at' tidak sah; periksa isinya"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return load_workspace(copy_defaults(tmp_path_factory.mktemp("ws") / "ws"), env={}).profile


def _refusal(profile, kind: str, **changes) -> str:
    data = get_kind(kind).dated_example() | changes
    with pytest.raises(RequestError) as caught:
        validate_request(get_kind(kind), data, profile)
    return str(caught.value)


def test_the_payment_types_are_listed_in_office_words(profile):
    assert _refusal(profile, "spp", jenis="XX").endswith(
        "'jenis' harus salah satu dari: UP, GU, TU, LS-GAJI, LS-BARANG-JASA atau LS-HONOR"
    )


def test_a_validators_own_message_reaches_the_clerk_without_pythons_prefix(profile):
    message = _refusal(profile, "spp", jumlah="-5")
    assert message.endswith("'jumlah' tidak boleh negatif")
    assert "Value error" not in message


def test_an_attachment_count_below_zero_names_the_bound(profile):
    message = _refusal(profile, "surat-keluar", lampiran={"jumlah": -1, "satuan": "berkas"})
    assert "'lampiran.jumlah' tidak boleh kurang dari 0" in message


# -- the small helpers every message goes through ------------------------------------------------------


def test_list_items_are_counted_from_one_and_nested_fields_joined_with_dots():
    assert field_path(("rincian", 0, "jumlah")) == "rincian[1].jumlah"
    assert field_path(("kepada", 2)) == "kepada[3]"
    assert field_path((1,)) == "[2]"
    assert field_path(()) == "(seluruh isi)"
    assert field_path(("a\nb",)) == "a\\u000ab"


def test_a_quoted_value_is_one_printable_line_of_at_most_its_limit():
    assert shown("x" * 61) == "x" * 59 + "\u2026"
    assert shown("x" * 60) == "x" * 60
    assert shown("abcdef", limit=4) == "abc\u2026"
    assert shown("a\tb\u200bc d") == "a\\u0009b\\u200bc d"
    assert shown("\ud800") == "\\ud800"
    assert shown("\U000e0001") == "\\U000e0001"
    assert shown(12) == "12"


def test_a_bad_character_is_found_with_its_place_and_the_fix():
    assert bad_character("ok\tline\nend") is None
    assert bad_character("ab\x07c") == (
        2,
        "berisi karakter kontrol U+0007 ({place}) yang tidak sah; hapus karakter itu",
    )
    assert bad_character("a\ud800") == (
        1,
        "berisi karakter rusak U+D800 ({place}, separuh pasangan surrogate); ketik ulang teks itu",
    )
    assert bad_character("\ufffe") == (
        0,
        "berisi U+FFFE ({place}) yang bukan karakter dan tidak bisa disimpan di dokumen; hapus karakter itu",
    )
    assert bad_character("x\U0010ffff")[0] == 1
    assert bad_character("a\x85b")[0] == 1, "C1 controls are refused too"


def test_a_carriage_return_is_allowed_only_in_a_file_not_yet_normalised():
    assert bad_character("a\r\nb", in_file=True) is None
    assert bad_character("a\r\nb")[0] == 1
    assert bad_character("a\x0bb", in_file=True)[0] == 1


@pytest.mark.parametrize(
    "text", ["", "   ", "\u200b\u200b", "\u3164", "\u2800 \u00a0", "\u0301", "\u2028", "\u20dd", "\u2029\u205f"]
)
def test_text_that_prints_as_nothing_is_blank(text):
    assert blank_looking(text)


@pytest.mark.parametrize("text", ["a", " . ", "\u200ba", "0", "\u0301e"])
def test_text_with_anything_visible_is_not_blank(text):
    assert not blank_looking(text)


def test_a_long_list_of_fields_is_cut_at_four_hundred_characters_on_one_line():
    allowed = tuple(f"kolom_nomor_{n:03d}" for n in range(40))
    message = _summary({"kopies": 2}, allowed=allowed)[0]
    assert message.startswith("'kopies' tidak dikenal; kolom yang tersedia: kolom_nomor_000, kolom_nomor_001")
    assert len(message) == len("'kopies' ") + 400 and message.endswith("\u2026")


# -- the register URL in the profile: what libpq would refuse, found when the profile loads ----------

AT = "sandi atau nama pengguna memuat '@' atau '/'; tulis '@' sebagai %40 dan '/' sebagai %2F"
PORT = "port harus angka 1-65535, seperti postgresql://docgen@server:5432/docgen"
UNREADABLE = "tidak bisa dibaca; tulis karakter khusus di dalam sandi sebagai %XX (mis. %25 untuk %, %20 untuk spasi)"


@pytest.mark.parametrize(
    ("url", "problem"),
    [("postgresql://docgen:p@ss@server/docgen", AT), ("postgresql://docgen@server/db/x@y", AT),
     ("postgresql://docgen@server:54x2/docgen", PORT), ("postgresql://docgen@server:0/docgen", PORT),
     ("postgresql://docgen@server:65536/docgen", PORT), ("postgresql://docgen@a:5432,b:x/docgen", PORT),
     ("postgresql://docgen@server:\uff15\uff14\uff13\uff12/docgen", PORT),
     ("postgresql://docgen@server:5432/docgen?foo=1",
      "parameter 'foo' tidak dikenal PostgreSQL; hapus atau perbaiki (mis. ?sslmode=require)"),
     ("postgresql://docgen:a%zz@server/docgen", UNREADABLE),
     ("postgresql://docgen@server/docgen?x@y=1", UNREADABLE),
     ("postgresql://docgen:rahasia@server:5432/docgen?sslmode=require", None),
     ("postgresql://docgen@a:5432,b:65535/docgen", None), ("postgresql://docgen@server:1/docgen", None),
     ("postgresql://docgen:p%40ss@server/docgen", None), ("postgresql://server?user=docgen", None),
     ("postgresql://docgen:pa/ss@server/docgen", AT), ("postgresql://docgen@server?application_name=a@b", None)],
    ids=lambda value: f"n{len(str(value))}",
)  # fmt: skip
def test_a_register_url_libpq_would_refuse_is_named_without_quoting_it(url, problem):
    # Ids without the scheme: `make mutate` deselects ids containing "postgresql" (the server's cases).
    from docgen.validation import register_url_problem

    found = register_url_problem(url)
    assert found == problem
    assert found is None or "rahasia" not in found


def test_a_field_with_one_allowed_value_names_just_that_value():
    from typing import Literal

    class Only(BaseModel):
        versi: Literal["2"]

    with pytest.raises(ValidationError) as caught:
        Only.model_validate({"versi": "3"})
    assert summarize(caught.value)[0] == "'versi' harus salah satu dari: 2"


@pytest.mark.parametrize("ch", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_a_lone_surrogate_at_either_end_of_the_range_is_refused(ch):
    position, problem = bad_character(f"ab{ch}")
    assert position == 2 and "separuh pasangan surrogate" in problem


def test_an_unprintable_code_point_is_quoted_in_the_short_form_up_to_ffff():
    assert shown("a\uffff") == "a\\uffff"
    assert shown("a\U000e0001") == "a\\U000e0001"


def test_a_field_name_is_quoted_up_to_forty_characters():
    assert field_path(("k" * 40,)) == "k" * 40
    assert field_path(("k" * 41,)) != "k" * 41
