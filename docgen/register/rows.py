"""The rows the register hands out: documents with their numbers, output files, intake records.

Kept apart from the facade in ``books.py`` so each module stays one concern (and short).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from docgen.register.events import append_event
from docgen.store.pg_errors import redacted

__all__ = ["DOC_SELECT", "NUMBER_IS", "DocumentRow", "FileRecord", "Intake", "document_row", "files_in_tx"]


@dataclass(frozen=True)
class FileRecord:
    """An output file as the register keeps it: path relative to the workspace, hash, size."""

    role: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Intake:
    """Where a document came from when the folder watcher made it (see schema v4)."""

    key: str
    file_sha256: str
    source: str
    item: str = ""


@dataclass(frozen=True)
class DocumentRow:
    """One document with its number, as ``register list`` and ``show`` print it."""

    id: int
    kind: str
    state: str
    number: str | None
    number_status: str | None
    kka: str | None
    subject: str
    addressee: str
    doc_date: str
    signer: str
    sifat: str
    template_sha256: str | None
    created_at: str
    void_reason: str | None
    token: str | None
    source_sha256: str | None
    request: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# A number given from outside (``given_numbers``: OSS, an incoming letter) is issued for as long
# as its document is not batal; it shows where a series number would, so every reader works unchanged.
DOC_SELECT = (
    "SELECT d.*, COALESCE(n.number, g.number) AS number, COALESCE(n.status, CASE WHEN g.doc_id IS NULL THEN NULL"
    " WHEN d.state = 'batal' THEN 'void' ELSE 'issued' END) AS number_status FROM documents d "
    "LEFT JOIN numbers n ON n.id = d.number_id LEFT JOIN given_numbers g ON g.doc_id = d.id"
)
#: ``WHERE`` a document's number (drawn or given) ``= ?``, as two indexed look-ups: pass the number twice.
NUMBER_IS = (
    "(d.number_id IN (SELECT id FROM numbers WHERE number = ?) OR d.id IN (SELECT doc_id FROM given_numbers"
    " WHERE number = ?))"
)


def document_row(r: sqlite3.Row) -> DocumentRow:
    return DocumentRow(
        id=r["id"], kind=r["kind"], state=r["state"], number=r["number"],
        number_status=r["number_status"], kka=r["kka"], subject=r["subject"],
        addressee=r["addressee"], doc_date=r["doc_date"], signer=r["signer"], sifat=r["sifat"],
        template_sha256=r["template_sha256"], created_at=r["created_at"],
        void_reason=r["void_reason"] and redacted(r["void_reason"]), token=r["token"],
        source_sha256=r["source_sha256"],
        request=json.loads(r["request_json"]),
    )  # fmt: skip


def files_in_tx(
    conn: sqlite3.Connection, doc_id: int, files: list[FileRecord], stamp: str, *,
    template_sha256: str | None = None, source_sha256: str | None = None,
) -> None:  # fmt: skip
    """Record files already in the outbox; each replaces the document's older one of its role (draft -> numbered)."""
    for f in files:
        conn.execute("UPDATE files SET current = 0 WHERE doc_id = ? AND role = ?", (doc_id, f.role))
        conn.execute(
            "INSERT INTO files (doc_id, role, path, sha256, size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (doc_id, f.role, f.path, f.sha256, f.size, stamp),
        )
        append_event(conn, "file.written", doc_id=doc_id, role=f.role, path=f.path, sha256=f.sha256)
    conn.execute(
        "UPDATE documents SET template_sha256 = COALESCE(?, template_sha256),"
        " source_sha256 = COALESCE(?, source_sha256), updated_at = ? WHERE id = ?",
        (template_sha256, source_sha256, stamp, doc_id),
    )
