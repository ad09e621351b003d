"""Signature states, cancellation (batal) and schema migrations of the register."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import RawRegister

from docgen.errors import DocgenError, RegisterError
from docgen.pipeline import generate, number_document
from docgen.register import Register, State, check_register
from docgen.store.schema import MIGRATIONS

KIND = "surat-keluar"


def moves(reg: Register, doc_id: int) -> list[tuple[str, str]]:
    out = []
    for event in reg.events(doc_id):
        if event["action"] == "state.changed":
            detail = json.loads(event["detail"])
            out.append((detail["old"], detail["new"]))
    return out


def event_count(reg: Register) -> int:
    return reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


@pytest.fixture
def draft(workspace, letter) -> int:
    return generate(workspace, KIND, letter, draft=True).id


def signed(workspace, doc_id: int) -> None:
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.VERIFIED)
        reg.set_state(doc_id, State.SIGNED)


# -- the allowed flow ---------------------------------------------------------------------------


def test_letter_goes_through_the_whole_signature_flow(workspace, draft):
    with Register.open(workspace) as reg:
        doc = reg.document(draft)
        assert (doc.state, doc.number) == ("draft", None)
        assert reg.set_state(draft, State.VERIFIED).state == "verified"
        assert reg.set_state(draft, State.SIGNED).state == "signed"

    result = number_document(workspace, draft)
    assert result.number == "500.16.7.2/1/423.105/2026"
    assert result.state == "numbered"
    assert result.path == "outbox/2026/surat-keluar/500.16.7.2-1-423.105-2026.docx"
    assert (workspace.root / result.path).is_file()

    with Register.open(workspace) as reg:
        assert reg.set_state(draft, State.SENT).state == "sent"
        doc = reg.set_state(draft, State.ARCHIVED)
        assert (doc.state, doc.number, doc.number_status) == ("archived", "500.16.7.2/1/423.105/2026", "issued")
        assert moves(reg, draft) == [
            ("draft", "verified"),
            ("verified", "signed"),
            ("signed", "numbered"),
            ("numbered", "sent"),
            ("sent", "archived"),
        ]
        assert "number.issued" in [e["action"] for e in reg.events(draft)]
        current = reg.files(draft, current_only=True)
        assert [f"outbox/{f['path']}" for f in current] == [result.path]  # the register's paths: outbox-relative
        report = check_register(reg)
    assert report.ok, report.problems


def test_verified_letter_can_go_back_to_draft_for_revision(workspace, draft):
    with Register.open(workspace) as reg:
        reg.set_state(draft, State.VERIFIED)
        assert reg.set_state(draft, State.DRAFT).state == "draft"
        assert reg.set_state(draft, State.VERIFIED).state == "verified"
        assert moves(reg, draft) == [("draft", "verified"), ("verified", "draft"), ("draft", "verified")]


# -- refused moves ------------------------------------------------------------------------------


def test_draft_cannot_be_signed_without_verification(workspace, draft):
    with Register.open(workspace) as reg:
        before = event_count(reg)
        with pytest.raises(RegisterError) as info:
            reg.set_state(draft, State.SIGNED)
        message = str(info.value)
        assert "draft" in message  # the current state
        assert "verified" in message and "batal" in message  # the possible moves
        assert reg.document(draft).state == "draft"
        assert event_count(reg) == before


@pytest.mark.parametrize("steps", [[], [State.VERIFIED]], ids=["draft", "verified"])
def test_unsigned_letter_cannot_be_numbered(workspace, draft, steps):
    with Register.open(workspace) as reg:
        for step in steps:
            reg.set_state(draft, step)
        current = reg.document(draft).state

    with pytest.raises(RegisterError) as info:
        number_document(workspace, draft)

    message = str(info.value)
    assert current in message
    assert "signed" in message
    with Register.open(workspace) as reg:
        assert reg.document(draft).state == current
        assert reg.numbers() == []


def test_numbered_state_is_only_reached_by_giving_a_number(workspace, draft):
    """``numbered`` means the letter has an issued number; a bare state change must not fake it."""
    signed(workspace, draft)
    with Register.open(workspace) as reg:
        with pytest.raises(RegisterError):
            reg.set_state(draft, State.NUMBERED)
        doc = reg.document(draft)
        assert (doc.state, doc.number) == ("signed", None)


@pytest.mark.parametrize("target", [s for s in State if s != State.ARCHIVED])
def test_archived_letter_cannot_move(workspace, letter, target):
    doc_id = generate(workspace, KIND, letter).id
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.ARCHIVED)
        with pytest.raises(RegisterError) as info:
            reg.set_state(doc_id, target, reason="alasan uji")
        assert "archived" in str(info.value)
        doc = reg.document(doc_id)
        assert (doc.state, doc.number_status) == ("archived", "issued")


# -- batal ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_batal_needs_a_reason(workspace, letter, reason):
    doc_id = generate(workspace, KIND, letter).id
    with Register.open(workspace) as reg:
        with pytest.raises(RegisterError):
            reg.set_state(doc_id, State.BATAL, reason=reason)
        doc = reg.document(doc_id)
        assert (doc.state, doc.number_status) == ("numbered", "issued")


def test_batal_voids_the_number_and_it_is_never_reused(workspace, letter):
    doc_id = generate(workspace, KIND, letter).id
    with Register.open(workspace) as reg:
        doc = reg.set_state(doc_id, State.BATAL, reason="salah tanggal")
        assert (doc.state, doc.void_reason) == ("batal", "salah tanggal")
        assert (doc.number, doc.number_status) == ("500.16.7.2/1/423.105/2026", "void")
        [row] = reg.numbers()
        assert (row["status"], row["reason"]) == ("void", "salah tanggal")

    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"
    with Register.open(workspace) as reg:
        assert [(r["seq"], r["status"]) for r in reg.numbers()] == [(1, "void"), (2, "issued")]
        assert check_register(reg).ok


def test_draft_can_be_cancelled_without_consuming_a_number(workspace, draft, letter):
    with Register.open(workspace) as reg:
        assert reg.set_state(draft, State.BATAL, reason="tidak jadi dikirim").state == "batal"
        assert reg.numbers() == []
    assert generate(workspace, KIND, letter).number == "500.16.7.2/1/423.105/2026"


def test_voiding_a_number_cancels_its_letter_once(workspace, letter):
    doc_id = generate(workspace, KIND, letter).id
    with Register.open(workspace) as reg:
        doc = reg.void_number("500.16.7.2/1/423.105/2026", reason="salah alamat")
        assert doc is not None and doc.id == doc_id
        assert (doc.state, doc.void_reason) == ("batal", "salah alamat")
        [row] = reg.numbers()
        assert (row["status"], row["reason"]) == ("void", "salah alamat")

        with pytest.raises(RegisterError):
            reg.void_number("500.16.7.2/1/423.105/2026", reason="sekali lagi")
        [row] = reg.numbers()
        assert row["reason"] == "salah alamat"
        assert check_register(reg).ok


@pytest.mark.parametrize(
    ("number", "reason"),
    [("500.16.7.2/1/423.105/2026", "  "), ("500.16.7.2/7/423.105/2026", "salah alamat")],
    ids=["no-reason", "unknown-number"],
)
def test_void_number_refuses_without_reason_or_unknown_number(workspace, letter, number, reason):
    generate(workspace, KIND, letter)
    with Register.open(workspace) as reg:
        with pytest.raises(RegisterError):
            reg.void_number(number, reason=reason)
        assert [r["status"] for r in reg.numbers()] == ["issued"]


# -- numbering a signed draft fails or is interrupted ---------------------------------------------


def test_failed_numbering_keeps_the_signed_draft_and_voids_the_number(workspace, draft):
    signed(workspace, draft)
    planted = workspace.outbox / "2026" / KIND / "500.16.7.2-1-423.105-2026.docx"
    planted.write_bytes(b"not ours")

    with pytest.raises((DocgenError, OSError)):
        number_document(workspace, draft)

    with Register.open(workspace) as reg:
        doc = reg.document(draft)
        assert (doc.state, doc.number) == ("signed", None)
        [row] = reg.numbers()
        assert row["status"] == "void"
        assert (row["reason"] or "").startswith("gagal dibuat")
    planted.unlink()

    result = number_document(workspace, draft)
    assert (result.number, result.state) == ("500.16.7.2/2/423.105/2026", "numbered")


RESERVE_FOR_DOCUMENT_1 = """
res = reg.reserve_for(1, "surat-keluar")
print(res.number, flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_interrupted_numbering_leaves_the_signed_draft_ready_to_number_again(workspace, draft, start_holder):
    assert draft == 1
    signed(workspace, draft)
    holder = start_holder(RESERVE_FOR_DOCUMENT_1)
    assert holder.line == "500.16.7.2/1/423.105/2026"
    holder.kill()

    with Register.open(workspace) as reg:
        assert not check_register(reg).ok
        check_register(reg, fix=True)
        [row] = reg.numbers()
        assert (row["status"], row["reason"]) == ("void", "interrupted")
        assert reg.document(draft).state == "signed"
        assert check_register(reg).ok

    assert number_document(workspace, draft).number == "500.16.7.2/2/423.105/2026"


# -- schema migrations ---------------------------------------------------------------------------


def test_reopening_the_register_keeps_its_data_and_schema_version(workspace, letter):
    made = generate(workspace, KIND, letter)
    for _ in range(2):
        with Register.open(workspace) as reg:
            [doc] = reg.documents()
            assert (doc.id, doc.number) == (made.id, "500.16.7.2/1/423.105/2026")
            assert reg.conn.schema_version() == len(MIGRATIONS)
    with RawRegister(workspace) as raw:
        assert raw.schema_version == len(MIGRATIONS)
    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"


def test_register_from_a_newer_docgen_is_refused(workspace, letter):
    generate(workspace, KIND, letter)
    newer = len(MIGRATIONS) + 1
    with RawRegister(workspace) as raw:
        raw.schema_version = newer

    with pytest.raises(RegisterError, match="lebih baru"):
        Register.open(workspace)

    with RawRegister(workspace) as raw:
        assert raw.schema_version == newer
        assert raw.one("SELECT COUNT(*) FROM documents") == 1


def test_a_letter_signed_on_another_day_is_numbered_and_dated_that_day(workspace, letter):
    """Drafted on 31 December, signed on 2 January: the letter bears the signing date and takes
    the first number of the new year; the old date stays in the event log."""
    import docx as python_docx

    letter["tanggal"] = "2026-12-31"
    made = generate(workspace, KIND, letter, draft=True)
    with Register.open(workspace) as reg:
        reg.set_state(made.id, State.VERIFIED)
        reg.set_state(made.id, State.SIGNED)
    result = number_document(workspace, made.id, tanggal=date(2027, 1, 2))

    assert result.number == "500.16.7.2/1/423.105/2027"
    text = "\n".join(p.text for p in python_docx.Document(workspace.root / result.path).paragraphs)
    assert "Pasuruan, 2 Januari 2027" in text
    with Register.open(workspace) as reg:
        doc = reg.document(made.id)
        assert (doc.doc_date, doc.request["tanggal"]) == ("2027-01-02", "2027-01-02")
        redated = [e for e in reg.events(made.id) if e["action"] == "document.redated"]
        assert len(redated) == 1 and "2026-12-31" in redated[0]["detail"]


def test_an_unsigned_draft_keeps_its_date_when_numbering_is_refused(workspace, letter):
    made = generate(workspace, KIND, letter, draft=True)
    with pytest.raises(RegisterError, match="berstatus draft"):
        number_document(workspace, made.id, tanggal=date(2026, 12, 1))
    with Register.open(workspace) as reg:
        assert reg.document(made.id).doc_date == "2026-11-28"
