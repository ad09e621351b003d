"""Numbers given from outside (OSS, an incoming letter): recorded as given, never drawn from a series.

Runs on SQLite and on PostgreSQL (``test_register_`` modules run on both backends).
"""

from __future__ import annotations

from datetime import date

import pytest

from docgen.errors import RegisterError
from docgen.kinds import Summary
from docgen.register import Register, State, check_register
from docgen.register.chain import find_document
from docgen.register.events import verify_chain
from docgen.register.given import GivenNumber, replacement_of, start_given
from docgen.register.search import SearchQuery, search_documents
from tests.conftest import count_rows

OSS = GivenNumber("oss", "9120001234567000100001", "Lembaga OSS", date(2026, 11, 28))
SUMMARY = Summary("Sertifikat Standar KBLI 56101", "CV SUMBER REJEKI", date(2026, 11, 28), "Kadis")


def _give(reg: Register, given: GivenNumber = OSS, **kw) -> int:
    return start_given(reg, "sertifikat-standar", SUMMARY, {"nib": "9120001234567"}, given, kka="500.16.7.2", **kw)


def test_a_given_number_is_issued_found_and_never_touches_a_series(workspace):
    with Register.open(workspace) as reg:
        doc_id = _give(reg)
        doc = reg.document(doc_id)
        assert (doc.number, doc.number_status, doc.state) == (OSS.number, "issued", State.NUMBERED)
        assert find_document(reg.conn, OSS.number, kinds=("sertifikat-standar",)).id == doc_id
        found, total = search_documents(reg, SearchQuery(nomor="0001000"))
        assert total == 1 and found[0].number == OSS.number
        assert verify_chain(reg.conn) == []
        report = check_register(reg)
        assert report.ok, report.problems
        actions = [e["action"] for e in reg.events(doc_id)]
        assert "number.given" in actions
    assert count_rows(workspace, "numbers") == 0
    assert count_rows(workspace, "counters") == 0


def test_the_same_given_number_twice_is_refused_and_nothing_is_written(workspace):
    with Register.open(workspace) as reg:
        first = _give(reg)
    before = (count_rows(workspace, "documents"), count_rows(workspace, "events"))
    with Register.open(workspace) as reg, pytest.raises(RegisterError, match=f"sudah dipakai dokumen {first}"):
        _give(reg)
    assert (count_rows(workspace, "documents"), count_rows(workspace, "events")) == before


def test_the_same_number_from_another_source_is_another_number(workspace):
    with Register.open(workspace) as reg:
        _give(reg)
        other = _give(reg, GivenNumber("masuk", OSS.number, "Dinas PUPR", date(2026, 11, 28)))
        assert reg.document(other).number_status == "issued"


def test_a_voided_holder_frees_its_given_number(workspace):
    with Register.open(workspace) as reg:
        first = _give(reg)
        reg.set_state(first, State.BATAL, reason="salah ketik NIB")
        assert reg.document(first).number_status == "void"
        again = _give(reg)
        assert reg.document(again).number_status == "issued"
        assert find_document(reg.conn, OSS.number, kinds=("sertifikat-standar",)).id == again


def test_a_reissue_supersedes_the_earlier_print_in_the_same_transaction(workspace):
    with Register.open(workspace) as reg:
        old = _give(reg)
        new = _give(reg, replaces=old)
        assert reg.document(old).state == State.SUPERSEDED
        assert reg.document(new).state == State.NUMBERED
        assert replacement_of(reg.conn, old).id == new
        # the printed number names the live print; the old one is kept, never a basis
        assert find_document(reg.conn, OSS.number, kinds=("sertifikat-standar",)).id == new
        with pytest.raises(RegisterError, match="digantikan"):
            find_document(reg.conn, str(old), kinds=("sertifikat-standar",))
        with pytest.raises(RegisterError, match=f"sudah dipakai dokumen {new}"):
            _give(reg, replaces=old)  # re-issuing the superseded print again
        assert reg.document(new).state == State.NUMBERED
        assert verify_chain(reg.conn) == []


def test_superseded_is_never_set_by_hand_and_is_final(workspace):
    with Register.open(workspace) as reg:
        doc_id = _give(reg)
        with pytest.raises(RegisterError, match="terbitan ulang"):
            reg.set_state(doc_id, State.SUPERSEDED)
        _give(reg, replaces=doc_id)
        with pytest.raises(RegisterError, match="status akhir"):
            reg.set_state(doc_id, State.BATAL, reason="coba")


def test_a_reissue_of_another_number_is_refused_and_leaves_the_old_print(workspace):
    with Register.open(workspace) as reg:
        old = _give(reg)
        other = GivenNumber("oss", "9120001234567000100002", "Lembaga OSS", date(2026, 11, 28))
        documents = count_rows(workspace, "documents")
        with pytest.raises(RegisterError, match="tidak bernomor"):
            _give(reg, other, replaces=old)
        assert reg.document(old).state == State.NUMBERED
        assert count_rows(workspace, "documents") == documents
