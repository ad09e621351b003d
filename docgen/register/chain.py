"""Documents resting on others: a rekomendasi on its BAP, a certificate or permit on its rekomendasi.

The office's process (business map P6.1, P6.2) makes one document the basis of the next, so
the register keeps the link: a document names its basis once, in the transaction that creates
it, after the basis was read again inside that transaction (a basis voided a moment earlier is
never linked to). ``docgen register show`` follows the links both ways, and voiding a basis warns
about the documents resting on it.

A basis may also have come from outside: a rekomendasi the OPD teknis sent is entered as an
incoming letter (surat-masuk) carrying the rekomendasi's data, and is found here by the number the
OPD printed on it, seen as a document of that kind with the OPD's number and date.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3

from docgen.errors import RegisterError
from docgen.register.events import append_event, now_iso
from docgen.register.rows import DOC_SELECT, NUMBER_IS, DocumentRow, document_row
from docgen.register.states import State

__all__ = ["RECEIVED_AS", "basis_of", "find_document", "link_in_tx", "resting_on"]

_ID = re.compile(r"^(?:id[:\s]*)?#?(\d{1,12})$", re.IGNORECASE)

RECEIVED_AS = ("rekomendasi",)
"""Kinds an incoming letter may be entered as; its request keeps that kind's data under the kind's name."""
_LETTER = "SELECT sender, letter_number, letter_date FROM incoming WHERE doc_id = ?"
_BY_LETTER_NUMBER = DOC_SELECT + " JOIN incoming i ON i.doc_id = d.id WHERE i.letter_number = ? ORDER BY d.id"


def _received(conn: sqlite3.Connection, doc: DocumentRow, kinds: tuple[str, ...]) -> DocumentRow | None:
    """An incoming letter seen as the document it is (a received rekomendasi), or None.

    Its number and date are the sender's, as printed on the letter; its id stays the incoming
    entry's, so the link, the void check and ``register show`` all point at the entry.
    """
    wanted = [k for k in kinds if k in RECEIVED_AS and isinstance(doc.request.get(k), dict)]
    letter = conn.execute(_LETTER, (doc.id,)).fetchone() if wanted and doc.kind == "surat-masuk" else None
    if letter is None:
        return None
    data = {**doc.request[wanted[0]], "tanggal": letter["letter_date"], "dari": letter["sender"]}
    return dataclasses.replace(
        doc, kind=wanted[0], number=letter["letter_number"], doc_date=letter["letter_date"], signer=letter["sender"],
        request=data,
    )  # fmt: skip


def find_document(conn: sqlite3.Connection, ref: str, *, kinds: tuple[str, ...]) -> DocumentRow:
    """The document ``ref`` names: its number as printed, or its register id (``12``, ``id:12``).

    Refused when it does not exist, is not one of ``kinds``, is void or has no number yet.
    """
    text = ref.strip()
    match = _ID.match(text)
    if match:
        row = conn.execute(DOC_SELECT + " WHERE d.id = ?", (int(match[1]),)).fetchone()
    else:
        rows = conn.execute(DOC_SELECT + " WHERE " + NUMBER_IS, (text, text)).fetchall()  # a void one: named void
        if not any(r["kind"] in kinds for r in rows) and any(k in RECEIVED_AS for k in kinds):
            received = [r for r in conn.execute(_BY_LETTER_NUMBER, (text,)).fetchall() if _received_row(r, kinds)]
            rows = received or rows
        rows = [r for r in rows if r["kind"] in kinds or _received_row(r, kinds)] or rows
        rows = [r for r in rows if r["number_status"] == "issued"] or rows
        rows = [r for r in rows if r["state"] != State.BATAL] or rows
        rows = [r for r in rows if r["state"] != State.SUPERSEDED] or rows  # a re-issued print: its successor
        if len(rows) > 1:
            raise RegisterError(
                f"Nomor {text} dipakai beberapa dokumen; sebut id dokumennya (lihat 'docgen register list')"
            )
        row = rows[0] if rows else None
    wanted = " atau ".join(kinds)
    if row is None:
        raise RegisterError(f"{wanted} '{text[:60]}' tidak ada di register; periksa nomornya atau pakai id dokumen")
    doc = document_row(row)
    doc = (_received(conn, doc, kinds) or doc) if doc.kind not in kinds else doc
    if doc.kind not in kinds:
        raise RegisterError(f"Dokumen {doc.id} ({doc.number or 'tanpa nomor'}) berjenis {doc.kind}, bukan {wanted}")
    _refuse_unusable(doc)
    return doc


def _received_row(row: sqlite3.Row, kinds: tuple[str, ...]) -> bool:
    """Whether a register row is an incoming letter entered as one of ``kinds``."""
    if row["kind"] != "surat-masuk":
        return False
    request = document_row(row).request
    return any(k in RECEIVED_AS and isinstance(request.get(k), dict) for k in kinds)


def _refuse_unusable(doc: DocumentRow) -> None:
    label = f"{doc.kind} {doc.number or doc.id}"
    if doc.state == State.BATAL:
        reason = f": {doc.void_reason}" if doc.void_reason else ""
        raise RegisterError(f"{label} sudah batal{reason}; dokumen yang batal tidak dapat menjadi dasar")
    if doc.state == State.SUPERSEDED:
        raise RegisterError(f"{label} sudah digantikan cetakan baru; pakai id dokumen penggantinya")
    if doc.number_status != "issued":
        raise RegisterError(f"{label} belum bernomor; beri nomor dulu sebelum menjadikannya dasar")


def link_in_tx(conn: sqlite3.Connection, doc_id: int, basis_id: int) -> None:
    """Record that ``doc_id`` rests on ``basis_id``; call inside the transaction creating ``doc_id``.

    The basis is read again here, under the write lock: if it was voided since it was checked,
    the whole transaction (and the number it was about to take) is refused.
    """
    row = conn.execute(DOC_SELECT + " WHERE d.id = ?", (basis_id,)).fetchone()
    if row is None:
        raise RegisterError(f"Dokumen dasar {basis_id} tidak ada lagi di register")
    _refuse_unusable(document_row(row))
    conn.execute("INSERT INTO links (doc_id, basis_id, created_at) VALUES (?, ?, ?)", (doc_id, basis_id, now_iso()))
    append_event(conn, "document.linked", doc_id=doc_id, basis_id=basis_id)


def basis_of(conn: sqlite3.Connection, doc_id: int) -> DocumentRow | None:
    """The document ``doc_id`` rests on, if any."""
    row = conn.execute(DOC_SELECT + " WHERE d.id = (SELECT basis_id FROM links WHERE doc_id = ?)", (doc_id,)).fetchone()
    return document_row(row) if row else None


def resting_on(conn: sqlite3.Connection, doc_id: int) -> list[DocumentRow]:
    """The documents that name ``doc_id`` as their basis, oldest first."""
    rows = conn.execute(
        DOC_SELECT + " WHERE d.id IN (SELECT doc_id FROM links WHERE basis_id = ?) ORDER BY d.id", (doc_id,)
    ).fetchall()
    return [document_row(r) for r in rows]
