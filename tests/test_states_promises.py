"""Every signature state move, allowed or refused, and what the refusal tells the clerk (DESIGN.md 3.5).

The register tests walk the office's flow through real documents; this walks the whole table, so a
move quietly added or removed (``sent -> draft``, ``archived -> batal``) fails here (issue 22).
"""

from __future__ import annotations

import pytest

from docgen.errors import RegisterError
from docgen.register.states import State, check_transition

ALLOWED = {
    State.DRAFT: {State.VERIFIED, State.BATAL},
    State.VERIFIED: {State.DRAFT, State.SIGNED, State.BATAL},
    State.SIGNED: {State.NUMBERED, State.BATAL},
    State.NUMBERED: {State.SENT, State.ARCHIVED, State.BATAL, State.SUPERSEDED},
    State.SENT: {State.ARCHIVED, State.BATAL, State.SUPERSEDED},
    State.ARCHIVED: set(),
    State.BATAL: set(),
    State.SUPERSEDED: set(),  # final: the re-issue carries the number on (issue 24)
}


@pytest.mark.parametrize("current", list(State))
@pytest.mark.parametrize("target", list(State))
def test_a_move_is_allowed_exactly_when_the_office_flow_has_it(current, target):
    if target in ALLOWED[current]:
        check_transition(7, current, target, reason="salah ketik")
    else:
        with pytest.raises(RegisterError, match=f"^Dokumen 7 berstatus {current} "):
            check_transition(7, current, target, reason="salah ketik")


def test_a_refusal_names_both_states_in_office_words_and_the_possible_moves():
    with pytest.raises(RegisterError) as caught:
        check_transition(12, State.SIGNED, State.SENT, reason=None)
    assert str(caught.value) == (
        "Dokumen 12 berstatus signed (sudah ditandatangani), tidak bisa langsung menjadi sent; "
        "langkah yang mungkin: batal (batal), numbered (sudah bernomor)"
    )


def test_a_final_state_says_there_is_no_move_left():
    with pytest.raises(RegisterError) as caught:
        check_transition(3, State.ARCHIVED, State.SENT, reason=None)
    assert str(caught.value).endswith("langkah yang mungkin: tidak ada (status akhir)")


@pytest.mark.parametrize("current", [State.DRAFT, State.VERIFIED])
def test_numbering_an_unsigned_letter_says_numbers_come_after_signing(current):
    with pytest.raises(RegisterError) as caught:
        check_transition(5, current, State.NUMBERED, reason=None)
    assert str(caught.value).endswith("; nomor diberikan setelah surat ditandatangani (status signed)")


def test_the_signing_hint_is_not_given_where_it_does_not_apply():
    with pytest.raises(RegisterError) as caught:
        check_transition(5, State.SENT, State.NUMBERED, reason=None)
    assert "ditandatangani (status signed)" not in str(caught.value)


@pytest.mark.parametrize("reason", [None, "", "   \t"])
def test_voiding_needs_a_reason_even_where_the_move_is_allowed(reason):
    with pytest.raises(RegisterError) as caught:
        check_transition(9, State.DRAFT, State.BATAL, reason=reason)
    assert str(caught.value) == "Dokumen 9: pembatalan wajib disertai alasan (--reason)"


@pytest.mark.parametrize(
    ("current", "words"),
    [
        ("draft", "konsep"),
        ("verified", "sudah diverifikasi"),
        ("signed", "sudah ditandatangani"),
        ("numbered", "sudah bernomor"),
        ("sent", "sudah dikirim"),
        ("archived", "diarsipkan"),
        ("batal", "batal"),
    ],
)
def test_a_refusal_tells_the_clerk_the_state_in_the_office_words(current, words):
    """The words clerks use for each state (DOMAIN.md's flow), as every refusal prints them."""
    with pytest.raises(RegisterError) as caught:
        check_transition(
            4, State(current), State.SENT if current in ("draft", "verified") else State.DRAFT, reason=None
        )
    assert str(caught.value).startswith(f"Dokumen 4 berstatus {current} ({words}), ")
