"""Documents resting on others: a rekomendasi on its BAP, a certificate or permit on its rekomendasi.

The office's process (business map P6.1, P6.2) makes one document the basis of the next, so
the register keeps the link: a document names its basis once, in the transaction that creates
it, after the basis was read again inside that transaction (a basis voided a moment earlier is
never linked to). ``docgen register show`` follows the links both ways, and voiding a basis warns
about the documents resting on it.
"""

from __future__ import annotations

import re
import sqlite3

from docgen.errors import RegisterError
from docgen.register.events import append_event, now_iso
from docgen.register.rows import DOC_SELECT, NUMBER_IS, DocumentRow, document_row
from docgen.register.states import State

__all__ = ["basis_of", "find_document", "link_in_tx", "resting_on"]

_ID = re.compile(r"^(?:id[:\s]*)?#?(\d{1,12})$", re.IGNORECASE)


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
        rows = [r for r in rows if r["kind"] in kinds] or rows
        rows = [r for r in rows if r["number_status"] == "issued"] or rows
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
    if doc.kind not in kinds:
        raise RegisterError(f"Dokumen {doc.id} ({doc.number or 'tanpa nomor'}) berjenis {doc.kind}, bukan {wanted}")
    _refuse_unusable(doc)
    return doc


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
