"""Finding documents the way a clerk asks: by number, date range, kind, subject words, sender, state.

The desk's search page and its queues read through here; one page of results at a time, newest
first, so a register of many years answers as fast as a new one. Every value is a bound
parameter and ``%``/``_`` typed by a clerk are matched literally.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docgen.register.books import Register

__all__ = ["COUNT_LIMIT", "Found", "SearchQuery", "books_version", "search_documents"]

COUNT_LIMIT = 1000

_ESCAPE = "\\"
_NUMBERS = " LEFT JOIN numbers n ON n.id = d.number_id LEFT JOIN given_numbers g ON g.doc_id = d.id"
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


def _where(query: SearchQuery, like: str) -> tuple[str, list[Any]]:
    """``like``: the dialect's case-blind LIKE (SQLite's LIKE already is, for the ASCII letters
    office text is written in; PostgreSQL's ILIKE), so no LOWER() call runs on every row."""
    clauses: list[str] = []
    args: list[Any] = []
    if query.nomor:  # from the numbers alone, then their documents: 3 ms instead of 38 on 50,000
        clauses.append(
            f"(d.number_id IN (SELECT id FROM numbers WHERE number LIKE ? ESCAPE '{_ESCAPE}') OR d.id IN"
            f" (SELECT doc_id FROM given_numbers WHERE number LIKE ? ESCAPE '{_ESCAPE}'))"
        )
        args += [_like(query.nomor)] * 2
    if query.dari:
        clauses.append("d.doc_date >= ?")
        args.append(query.dari.isoformat())
    if query.sampai:
        clauses.append("d.doc_date <= ?")
        args.append(query.sampai.isoformat())
    # ``|| ''`` keeps SQLite off the (kind, state) index: walking the ids newest first and
    # stopping at a page is 0.1 ms, gathering every row of ten kinds to sort them was 50 ms.
    for column, values in (("(d.kind || '')", query.jenis), ("(d.state || '')", query.status)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
            args += values
    for word in query.hal.split()[:8]:
        clauses.append(f"d.subject {like} ? ESCAPE '{_ESCAPE}'")
        args.append(_like(word))
    if query.pengirim:
        clauses.append(f"i.sender {like} ? ESCAPE '{_ESCAPE}'")
        args.append(_like(query.pengirim))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def search_documents(reg: Register, query: SearchQuery) -> tuple[list[Found], int]:
    """One page of matching documents, newest first, and how many match (COUNT_LIMIT + 1 means more)."""
    where, args = _where(query, "LIKE" if isinstance(reg.conn, sqlite3.Connection) else "ILIKE")
    source = " FROM documents d" + _NUMBERS + _INCOMING + where
    # The count joins only what the filter reads (a queue asks for states over the whole register)
    # and stops past COUNT_LIMIT: "more than 1,000" tells a clerk to narrow the search as well.
    counted = " FROM documents d" + (_INCOMING if "i." in where else "") + where
    total = reg.conn.execute(f"SELECT COUNT(*) FROM (SELECT 1{counted} LIMIT {COUNT_LIMIT + 1}) t", args).fetchone()[0]
    offset = (query.halaman - 1) * query.per_halaman
    rows = reg.conn.execute(
        "SELECT d.id, d.kind, d.state, COALESCE(n.number, g.number), d.subject, d.addressee, d.doc_date,"
        " i.sender, d.sifat" + source + " ORDER BY d.id DESC LIMIT ? OFFSET ?",
        [*args, query.per_halaman, offset],
    ).fetchall()
    return [Found(*row) for row in rows], int(total)


def books_version(reg: Register) -> int:
    """The newest event's id: every change to the books appends one, so an unchanged value
    means every list read before is still true (the desk's home page reuses its queues then)."""
    return int(reg.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])
