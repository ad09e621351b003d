"""Searching the register as the desk's search page and queues do (issue 16), on both backends."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register
from docgen.register.search import SearchQuery, search_documents


def _letter(subject: str, day: str, *, draft: bool = False, workspace=None) -> int:
    data = copy.deepcopy(get_kind("surat-keluar").example) | {"hal": subject, "tanggal": day}
    return generate(workspace, "surat-keluar", data, draft=draft).id


@pytest.fixture
def books(workspace):
    today = date.today()
    made = {
        "rapat": _letter("Undangan rapat koordinasi", today.isoformat(), workspace=workspace),
        "diskon": _letter("Potongan 100% retribusi_khusus", today.isoformat(), workspace=workspace),
        "konsep": _letter("Undangan rapat evaluasi", today.isoformat(), draft=True, workspace=workspace),
    }
    made["masuk"] = enter_incoming(workspace, {
        "dari": "Dinas Lingkungan Hidup", "nomor": "600/1/2026", "tanggal": today.isoformat(),
        "diterima": today.isoformat(), "hal": "Permohonan data rapat", "kka": "500.16.7.2",
    }).id  # fmt: skip
    return workspace, made


def _ids(workspace, **asked) -> tuple[set[int], int]:
    with Register.open(workspace) as reg:
        found, total = search_documents(reg, SearchQuery(**asked))
    return {f.id for f in found}, total


def test_subject_words_match_in_any_order_and_case(books) -> None:
    ws, made = books
    assert _ids(ws, hal="RAPAT undangan")[0] == {made["rapat"], made["konsep"]}


def test_percent_and_underscore_typed_by_a_clerk_match_literally(books) -> None:
    ws, made = books
    assert _ids(ws, hal="100%")[0] == {made["diskon"]}
    assert _ids(ws, hal="i_k")[0] == {made["diskon"]}
    assert _ids(ws, hal="0%r")[0] == set()


def test_sender_number_kind_state_and_dates_narrow_the_list(books) -> None:
    ws, made = books
    assert _ids(ws, pengirim="lingkungan")[0] == {made["masuk"]}
    with Register.open(ws) as reg:
        number = reg.document(made["rapat"]).number
    assert _ids(ws, nomor=number)[0] == {made["rapat"]}
    assert _ids(ws, jenis=["surat-masuk"])[0] == {made["masuk"]}
    assert _ids(ws, status=["draft"])[0] == {made["konsep"]}
    today = date.today()
    assert len(_ids(ws, dari=today, sampai=today)[0]) == 4
    assert _ids(ws, sampai=date(today.year - 1, 1, 1))[0] == set()


def test_results_come_newest_first_a_page_at_a_time_with_the_full_count(books) -> None:
    ws, made = books
    with Register.open(ws) as reg:
        first, total = search_documents(reg, SearchQuery(per_halaman=3))
        second, _ = search_documents(reg, SearchQuery(per_halaman=3, halaman=2))
    assert total == 4 and [f.id for f in first] == sorted(made.values(), reverse=True)[:3]
    assert [f.id for f in second] == [min(made.values())]


def test_a_date_range_the_wrong_way_round_is_refused() -> None:
    with pytest.raises(ValueError, match="setelah"):
        SearchQuery(dari=date(2026, 12, 1), sampai=date(2026, 11, 1))
