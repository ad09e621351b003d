"""Electronic signatures in the books: which file was signed, by whose certificate, when.

The signed PDF itself carries the signature; the register keeps what an auditor asks first (the
signer's certificate subject and SHA-256 fingerprint, the time, the PAdES level) so the answer
does not depend on opening the file, and ties them to the file's hash.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from docgen.register.events import append_event, now_iso
from docgen.store.db import atomic

__all__ = ["SignatureRow", "record_signature", "record_signature_in_tx", "signatures_of"]


@dataclass(frozen=True)
class SignatureRow:
    doc_id: int
    file_sha256: str
    subject: str
    fingerprint: str
    level: str
    signed_at: str


def record_signature_in_tx(conn: sqlite3.Connection, row: SignatureRow) -> None:
    """Record a signature; call inside the transaction that records the signed file."""
    conn.execute(
        "INSERT INTO signatures (doc_id, file_sha256, subject, fingerprint, level, signed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (row.doc_id, row.file_sha256, row.subject, row.fingerprint, row.level, row.signed_at or now_iso()),
    )
    append_event(
        conn, "document.signed", doc_id=row.doc_id, sha256=row.file_sha256, fingerprint=row.fingerprint, level=row.level
    )


def record_signature(reg: Any, row: SignatureRow) -> None:
    with atomic(reg.conn):
        record_signature_in_tx(reg.conn, row)


def signatures_of(conn: sqlite3.Connection, doc_id: int) -> list[SignatureRow]:
    rows = conn.execute(
        "SELECT doc_id, file_sha256, subject, fingerprint, level, signed_at FROM signatures"
        " WHERE doc_id = ? ORDER BY id",
        (doc_id,),
    ).fetchall()
    return [SignatureRow(*tuple(r)) for r in rows]
