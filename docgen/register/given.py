"""Numbers given from outside (OSS's certificate number, an incoming letter's): no series drew them.

Kept in ``given_numbers``, never in ``numbers``: no counter, no gap, no high-water mark. One live
document holds a number of a source at a time; a re-issue (a certificate once verified) supersedes
the earlier print in the transaction that creates the new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.errors import RegisterError
from docgen.kinds import Summary
from docgen.register.events import append_event, now_iso
from docgen.register.rows import DOC_SELECT, DocumentRow, FileRecord, document_row, files_in_tx
from docgen.register.states import LABELS, State

if TYPE_CHECKING:
    from docgen.register.books import Register

__all__ = ["GivenNumber", "replacement_of", "start_given"]

_DEAD = (State.BATAL, State.SUPERSEDED)


@dataclass(frozen=True)
class GivenNumber:
    """A number as its owner gave it: ``source`` ("oss", "masuk"), ``issuer`` (who), the day given."""

    source: str
    number: str
    issuer: str
    given_date: date


def start_given(
    reg: Register,
    kind: str,
    summary: Summary,
    request: dict[str, Any],
    given: GivenNumber,
    *,
    kka: str,
    replaces: int | None = None,
    token: str | None = None,
    files: list[FileRecord] | None = None,
    template_sha256: str | None = None,
    with_row: Callable[[sqlite3.Connection, int], None] | None = None,
) -> int:
    """Create a numbered document carrying ``given`` in one transaction; return its id.

    Refused, under the lock, while a live document (not batal, not superseded) of the same source
    holds the number, except ``replaces``, which must hold it and becomes superseded. ``files``
    already written (``token`` in their QR code) are recorded in the same transaction.
    """

    def rows(conn: sqlite3.Connection, doc_id: int) -> None:
        holders = [h for h in _holders(conn, given) if h.id != replaces]
        if holders:
            h = holders[0]
            raise RegisterError(
                f"Nomor {given.number} ({given.source}) sudah dipakai dokumen {h.id} ({h.kind}, "
                f"{LABELS[State(h.state)]}); satu nomor hanya untuk satu dokumen yang berlaku"
            )
        if replaces is not None:
            _supersede(reg, conn, replaces, given, doc_id)
        conn.execute(
            "INSERT INTO given_numbers (doc_id, source, number, issuer, given_date, replaces, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, given.source, given.number, given.issuer, given.given_date.isoformat(), replaces, now_iso()),
        )
        append_event(
            conn, "number.given", doc_id=doc_id, number=given.number, source=given.source, issuer=given.issuer,
            replaces=replaces,
        )  # fmt: skip
        if with_row is not None:
            with_row(conn, doc_id)
        if files:
            files_in_tx(conn, doc_id, files, now_iso(), template_sha256=template_sha256)

    doc_id, _ = reg.start_document(
        kind, summary, request, state=State.NUMBERED, series=None, kka=kka, with_row=rows, token=token
    )
    return doc_id


def _holders(conn: sqlite3.Connection, given: GivenNumber) -> list[DocumentRow]:
    sql = DOC_SELECT + " WHERE d.id IN (SELECT doc_id FROM given_numbers WHERE number = ? AND source = ?)"
    return [d for r in conn.execute(sql, (given.number, given.source)) if (d := document_row(r)).state not in _DEAD]


def _supersede(reg: Register, conn: sqlite3.Connection, old_id: int, given: GivenNumber, new_id: int) -> None:
    """The earlier print, read again under the lock, must still be live and carry this number."""
    held = conn.execute("SELECT source, number FROM given_numbers WHERE doc_id = ?", (old_id,)).fetchone()
    if held is None or (held["source"], held["number"]) != (given.source, given.number):
        raise RegisterError(f"Dokumen {old_id} tidak bernomor {given.number}; tidak bisa digantikan olehnya")
    reg._move(old_id, State.SUPERSEDED, reason=None)  # refuses a batal or already superseded print
    append_event(conn, "document.superseded", doc_id=old_id, by=new_id, number=given.number)


def replacement_of(conn: sqlite3.Connection, doc_id: int) -> DocumentRow | None:
    """The document that superseded ``doc_id``, if one did."""
    row = conn.execute(
        DOC_SELECT + " WHERE d.id = (SELECT doc_id FROM given_numbers WHERE replaces = ?)", (doc_id,)
    ).fetchone()
    return document_row(row) if row else None
