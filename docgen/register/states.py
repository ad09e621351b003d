"""Signature states of a document and the moves allowed between them (DESIGN.md 3.5).

The office's flow is drafter -> verifier -> signer -> number and stamp -> messenger -> archive;
a move outside that flow is refused with the moves that are possible from where the document is.
"""

from __future__ import annotations

from enum import StrEnum

from docgen.errors import RegisterError

__all__ = ["LABELS", "State", "TRANSITIONS", "check_transition"]


class State(StrEnum):
    DRAFT = "draft"
    VERIFIED = "verified"
    SIGNED = "signed"
    NUMBERED = "numbered"
    SENT = "sent"
    ARCHIVED = "archived"
    BATAL = "batal"
    SUPERSEDED = "superseded"


LABELS: dict[State, str] = {
    State.DRAFT: "konsep",
    State.VERIFIED: "sudah diverifikasi",
    State.SIGNED: "sudah ditandatangani",
    State.NUMBERED: "sudah bernomor",
    State.SENT: "sudah dikirim",
    State.ARCHIVED: "diarsipkan",
    State.BATAL: "batal",
    State.SUPERSEDED: "digantikan",
}

#: Forward moves; every state but the final ones may also go to ``batal`` with a reason.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.VERIFIED}),
    State.VERIFIED: frozenset({State.DRAFT, State.SIGNED}),  # back to draft for revision
    State.SIGNED: frozenset({State.NUMBERED}),
    # superseded: re-issued under the same number (an MT certificate once verified), never by hand
    State.NUMBERED: frozenset({State.SENT, State.ARCHIVED, State.SUPERSEDED}),
    State.SENT: frozenset({State.ARCHIVED, State.SUPERSEDED}),
    State.ARCHIVED: frozenset(),
    State.BATAL: frozenset(),
    State.SUPERSEDED: frozenset(),
}


def allowed_from(state: State) -> frozenset[State]:
    extra = {State.BATAL} if state not in (State.BATAL, State.ARCHIVED, State.SUPERSEDED) else set()
    return TRANSITIONS[state] | extra


def check_transition(doc_id: int, current: State, target: State, *, reason: str | None) -> None:
    """Raise ``RegisterError`` explaining why ``current -> target`` is not allowed."""
    if target == State.BATAL and not (reason and reason.strip()):
        raise RegisterError(f"Dokumen {doc_id}: pembatalan wajib disertai alasan (--reason)")
    if target in allowed_from(current):
        return
    options = sorted(allowed_from(current))
    possible = ", ".join(f"{s} ({LABELS[s]})" for s in options) or "tidak ada (status akhir)"
    hint = ""
    if target == State.NUMBERED and current in (State.DRAFT, State.VERIFIED):
        hint = "; nomor diberikan setelah surat ditandatangani (status signed)"
    raise RegisterError(
        f"Dokumen {doc_id} berstatus {current} ({LABELS[current]}), tidak bisa langsung menjadi "
        f"{target}; langkah yang mungkin: {possible}{hint}"
    )
