"""Whatever a request holds, docgen answers with a document or one ``Galat:`` line, never an
unexpected error, and a refusal never changes the register (property-based, Hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_request_validation import register_rows

from docgen.errors import DocgenError, RequestError
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.requests import load_request

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing is written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any code point, lone surrogates and noncharacters included, with the troublemakers often.
ODD = st.sampled_from(
    ["\ufffe", "\uffff", chr(0xD800), "\x00", "\x0b", "\r", "\u200b", "\u00a0", "\t", "\x85", "{", "<"]
)
CHARS = st.one_of(st.characters(exclude_categories=()), ODD)
TEXT = st.one_of(st.text(CHARS, max_size=40), st.sampled_from(["", " ", "kadis", "Biasa", "2 lembar", "2026-02-30"]))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([10**18, 10**300, -1, 0, 9999, 10_000]),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["2026-11-28", "1900-01-01", "9999-12-31", "2026-11-28T10:00"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(TEXT, st.integers(), st.sampled_from(["pejabat", "sebagai", "jumlah", "satuan"])),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def _deep(levels: int) -> list:
    node: list = ["x"]
    for _ in range(levels):
        node = [node]
    return node


NESTED = st.integers(min_value=1, max_value=3_000).map(_deep)
FIELDS = list(get_kind("surat-keluar").model.model_fields) + ["perihal", "lampiran.satuan", "penandatangan.pejabat"]


WORDS = st.text(st.characters(categories=("L", "N", "P", "Zs", "So")), min_size=1, max_size=60)
PLAIN = st.one_of(WORDS, WORDS, WORDS, TEXT)
PLAUSIBLE = {
    "tanggal": st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)).map(dt.date.isoformat),
    "lampiran": st.one_of(st.integers(min_value=-5, max_value=20_000), st.sampled_from(["-", "2 lembar", "3 buku"])),
    "kepada": st.lists(PLAIN, min_size=1, max_size=3),
    "isi": st.lists(PLAIN, min_size=1, max_size=3),
    "tembusan": st.lists(PLAIN, max_size=3),
}


@st.composite
def letters(draw: st.DrawFn) -> dict:
    """A real letter with a few fields replaced, removed or added: close enough to valid that
    many examples get a number, odd enough that every validator is exercised."""
    data = copy.deepcopy(get_kind("surat-keluar").example)
    data["tanggal"] = dt.date.today().isoformat()
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        field = draw(st.sampled_from(FIELDS))
        action = draw(st.sampled_from(["plausible", "plausible", "plausible", "any", "remove", "nested"]))
        if action == "remove":
            data.pop(field, None)
        elif field == "lampiran.satuan":
            data["lampiran"] = {"jumlah": draw(st.one_of(st.integers(), SCALARS)), "satuan": draw(PLAIN)}
        elif field == "penandatangan.pejabat":
            pejabat = draw(st.one_of(st.sampled_from(["kadis", "sekretaris"]), VALUES))
            data["penandatangan"] = {"pejabat": pejabat, "sebagai": draw(st.sampled_from(["", "a.n.", "Plt.", "x"]))}
        elif action == "plausible":
            data[field] = draw(PLAUSIBLE.get(field, PLAIN))
        else:
            data[field] = draw(NESTED if action == "nested" else VALUES)
    return data


@SETTINGS
@given(data=st.one_of(letters(), st.dictionaries(TEXT, VALUES, max_size=6)))
def test_any_letter_request_gives_a_document_or_one_line_and_refusals_leave_the_register(workspace, data):
    before = register_rows(workspace)
    try:
        result = generate(workspace, "surat-keluar", data)
    except DocgenError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, message
        message.encode("utf-8")
        assert register_rows(workspace) == before, message
    else:
        assert result.number and (workspace.root / result.path).is_file()
        assert register_rows(workspace)["documents"] == before["documents"] + 1


@st.composite
def incoming(draw: st.DrawFn) -> dict:
    data = copy.deepcopy(get_kind("surat-masuk").example)
    data.update(tanggal=dt.date.today().isoformat(), diterima=dt.date.today().isoformat())
    for field in draw(st.lists(st.sampled_from([*data, "lampiran"]), max_size=2)):
        data[field] = draw(VALUES)
    return data


@settings(SETTINGS, max_examples=40)
@given(data=incoming())
def test_any_incoming_letter_gives_an_entry_or_one_line_and_refusals_leave_the_register(workspace, data):
    before = register_rows(workspace)
    try:
        enter_incoming(workspace, data)
    except DocgenError as exc:
        assert "\n" not in str(exc)
        str(exc).encode("utf-8")
        assert register_rows(workspace) == before, str(exc)


YAML_PIECES = st.sampled_from(
    ["hal", "isi", "tanggal", ":", ": ", "\n", "  ", "\t", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<", "'", '"',
     "2026-02-30", "2026-11-28", "9" * 40, "!!binary", "!!python/object", "?", "#", "\\u", "\ufeff", "%YAML 1.1\n---"]
)  # fmt: skip
YAML_TEXT = st.lists(st.one_of(YAML_PIECES, st.text(CHARS, max_size=5)), max_size=40).map("".join)


def _encode(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="surrogatepass")


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.builds(_encode, YAML_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])),
    ),
    suffix=st.sampled_from([".yaml", ".yml", ".json", ".txt"]),
)
def test_any_bytes_in_a_request_file_give_fields_or_one_line(tmp_path: Path, content: bytes, suffix: str):
    path = tmp_path / f"permintaan{suffix}"
    path.write_bytes(content)
    try:
        data = load_request(path)
    except RequestError as exc:
        message = str(exc)
        assert message.startswith(f"Berkas permintaan {path.name}") and "\n" not in message, message
        message.encode("utf-8")
    else:
        assert isinstance(data, dict) and all(isinstance(k, str) for k in data)


@settings(SETTINGS, max_examples=40)
@given(text=YAML_TEXT)
def test_any_request_file_through_the_pipeline_gives_a_document_or_one_line(workspace, tmp_path: Path, text: str):
    path = tmp_path / "surat.yaml"
    path.write_bytes(_encode(text, "utf-8"))
    before = register_rows(workspace)
    try:
        generate(workspace, "surat-keluar", load_request(path))
    except DocgenError as exc:
        assert "\n" not in str(exc)
        assert register_rows(workspace) == before


JSON_LIKE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(CHARS, max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(CHARS, max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@SETTINGS
@given(data=st.dictionaries(st.text(CHARS, max_size=8), JSON_LIKE, max_size=5), dump=st.sampled_from(["json", "yaml"]))
def test_a_request_within_the_limits_is_read_back_exactly(tmp_path: Path, data: dict, dump: str):
    """What another program writes with a standard library comes back unchanged, or is refused
    for a named reason (a key or text a document cannot hold), never misread."""
    import json

    import yaml

    path = tmp_path / f"permintaan.{dump}"
    text = json.dumps(data) if dump == "json" else yaml.safe_dump(data, allow_unicode=False)
    path.write_text(text, encoding="utf-8")
    try:
        assert load_request(path) == data
    except RequestError as exc:
        # a key or text a document cannot hold, or (YAML) a lone surrogate written as an escape
        assert any(reason in str(exc) for reason in ("kunci", "berisi", "tanda kutip ganda")), str(exc)
