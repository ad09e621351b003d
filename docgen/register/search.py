"""Finding documents the way a clerk asks: by number, date range, kind, subject words, sender, state.

The desk's search page and its queues read through here; one page of results at a time, newest
first, so a register of many years answers as fast as a new one. Every value is a bound
parameter and ``%``/``_`` typed by a clerk are matched literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docgen.register.books import Register

__all__ = ["Found", "SearchQuery", "search_documents"]

_ESCAPE = "\\"
_NUMBERS = " LEFT JOIN numbers n ON n.id = d.number_id"
_INCOMING = " LEFT JOIN incoming i ON i.doc_id = d.id"


class SearchQuery(BaseModel):
    """What the search form and the queues may ask; empty fields ask nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nomor: str = Field("", max_length=100, description="Part of the number (or agenda number) as printed.")
    dari: date | None = Field(None, description="Documents dated on or after this day.")
    sampai: date | None = Field(None, description="Documents dated on or before this day.")
    jenis: list[str] = Field(default_factory=list, description="Kinds (surat-keluar, ...); none: every kind.")
    hal: str = Field("", max_length=200, description="Words in the subject (perihal), in any order.")
    pengirim: str = Field("", max_length=200, description="Part of an incoming letter's sender.")
    status: list[str] = Field(default_factory=list, description="States (draft, signed, ...); none: every state.")
    halaman: int = Field(1, ge=1, le=100_000)
    per_halaman: int = Field(50, ge=1, le=500)

    @model_validator(mode="after")
    def _range(self) -> SearchQuery:
        if self.dari and self.sampai and self.dari > self.sampai:
            raise ValueError("tanggal 'dari' jatuh setelah 'sampai'; tukar keduanya")
        return self


@dataclass(frozen=True)
class Found:
    """One line of a result list: enough to show and link, without the whole request."""

    id: int
    kind: str
    state: str
    number: str | None
    subject: str
    addressee: str
    doc_date: str
    sender: str | None
    sifat: str


def _like(text: str) -> str:
    escaped = text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
    return f"%{escaped}%"


def _where(query: SearchQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if query.nomor:
        clauses.append(f"n.number LIKE ? ESCAPE '{_ESCAPE}'")
        args.append(_like(query.nomor))
    if query.dari:
        clauses.append("d.doc_date >= ?")
        args.append(query.dari.isoformat())
    if query.sampai:
        clauses.append("d.doc_date <= ?")
        args.append(query.sampai.isoformat())
    for column, values in (("d.kind", query.jenis), ("d.state", query.status)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
            args += values
    for word in query.hal.split()[:8]:
        clauses.append(f"LOWER(d.subject) LIKE ? ESCAPE '{_ESCAPE}'")
        args.append(_like(word.lower()))
    if query.pengirim:
        clauses.append(f"LOWER(i.sender) LIKE ? ESCAPE '{_ESCAPE}'")
        args.append(_like(query.pengirim.lower()))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def search_documents(reg: Register, query: SearchQuery) -> tuple[list[Found], int]:
    """One page of matching documents, newest first, and how many match in all."""
    where, args = _where(query)
    source = " FROM documents d" + _NUMBERS + _INCOMING + where
    # The count joins only what the filter reads: a queue asks for states over the whole register.
    counted = " FROM documents d" + (_NUMBERS if "n." in where else "") + (_INCOMING if "i." in where else "")
    total = reg.conn.execute("SELECT COUNT(*)" + counted + where, args).fetchone()[0]
    offset = (query.halaman - 1) * query.per_halaman
    rows = reg.conn.execute(
        "SELECT d.id, d.kind, d.state, n.number, d.subject, d.addressee, d.doc_date, i.sender, d.sifat"
        + source
        + " ORDER BY d.id DESC LIMIT ? OFFSET ?",
        [*args, query.per_halaman, offset],
    ).fetchall()
    return [Found(*row) for row in rows], int(total)
