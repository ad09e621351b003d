"""The rows the register hands out: documents with their numbers, output files, intake records.

Kept apart from the facade in ``books.py`` so each module stays one concern (and short).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from docgen.store.pg_errors import redacted

__all__ = ["DOC_SELECT", "DocumentRow", "FileRecord", "Intake", "document_row"]


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


DOC_SELECT = (
    "SELECT d.*, n.number AS number, n.status AS number_status FROM documents d "
    "LEFT JOIN numbers n ON n.id = d.number_id"
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
