"""The register as the public verification page sees it: read-only, and only what may be shown.

``docgen serve`` answers anybody on the internet who scans a QR code, so it must not be able to
change the books even if it were compromised: SQLite is opened with ``mode=ro``; PostgreSQL with
the read-only role of ``verification.register_url`` (and, whatever the role, every transaction
read-only). It reads the few columns a verification needs and nothing else.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from docgen.errors import RegisterError
from docgen.profile import Workspace
from docgen.store.pg_errors import redacted

__all__ = ["TOKEN", "PublicBooks", "PublicDoc"]

TOKEN = re.compile(r"^[a-z2-7]{24}$")
"""A QR token as docgen issues it (120 bits, lowercase base32); anything else is unknown."""

# A given number (OSS) is issued while its document lives; a superseded print names its successor.
_BY_TOKEN = (
    "SELECT d.id, d.kind, d.state, d.doc_date, d.signer, d.subject, d.sifat, d.void_reason,"
    " COALESCE(n.number, g.number) AS number, COALESCE(n.status, CASE WHEN g.doc_id IS NULL THEN NULL"
    " WHEN d.state = 'batal' THEN 'void' ELSE 'issued' END) AS number_status, COALESCE(n.voided_at,"
    " CASE WHEN d.state = 'batal' THEN d.updated_at END) AS voided_at, (SELECT r.doc_date FROM documents r"
    " JOIN given_numbers rg ON rg.doc_id = r.id WHERE rg.replaces = d.id) AS replaced_on, n.series AS series"
    " FROM documents d"
    " LEFT JOIN numbers n ON n.id = d.number_id LEFT JOIN given_numbers g ON g.doc_id = d.id WHERE d.token = ?"
)
_ISSUED_FILE = (
    "SELECT d.token FROM files f JOIN documents d ON d.id = f.doc_id LEFT JOIN numbers n ON n.id = d.number_id"
    " WHERE f.sha256 = ? AND (d.id IN (SELECT doc_id FROM given_numbers) OR (n.issued_at IS NOT NULL"
    " AND f.created_at >= n.issued_at)) ORDER BY f.id DESC LIMIT 1"
)


@dataclass(frozen=True)
class PublicDoc:
    """The register's facts about one token, before the page chooses what to show."""

    kind: str
    state: str
    doc_date: str
    signer: str
    subject: str
    sifat: str
    void_reason: str | None
    number: str | None
    number_status: str | None
    voided_at: str | None
    replaced_on: str | None = None  # the day of the print that superseded this one (same number)
    series: str | None = None  # the series its number came from: an OPD's series names that OPD as issuer


class PublicBooks:
    """A read-only connection per thread (the server may answer from a thread pool)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        books = workspace.profile.books
        self.url = workspace.profile.verification.register_url or books.url
        self._local = threading.local()
        self._query("SELECT 1 FROM documents LIMIT 1", ())  # refuse at start-up, not on the first visitor

    def _connect(self) -> Any:
        if self.url:
            import psycopg
            from psycopg.rows import dict_row

            try:
                return psycopg.connect(
                    self.url, autocommit=True, row_factory=dict_row, connect_timeout=5,
                    options="-c default_transaction_read_only=on",
                )  # fmt: skip
            except psycopg.Error as exc:
                raise RegisterError(
                    f"Register PostgreSQL tidak bisa dibuka untuk dibaca ({exc}); periksa register_url"
                ) from exc
        path = self.workspace.register_path
        if not path.is_file():
            raise RegisterError(f"Register {path} tidak ada; 'docgen serve' hanya membaca register yang sudah ada")
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA query_only = ON")
        return conn

    def _query(self, sql: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
        conn = getattr(self._local, "conn", None)
        for attempt in (1, 2):  # a connection the server dropped is replaced once
            if conn is None:
                conn = self._local.conn = self._connect()
            try:
                text = sql.replace("?", "%s") if self.url else sql
                row = conn.execute(text, args).fetchone()
                return dict(row) if row is not None else None
            except Exception as exc:  # noqa: BLE001  sqlite3 or psycopg: reconnect once, then say so
                self._local.conn = conn = None
                if attempt == 2:
                    raise RegisterError(f"Register tidak bisa dibaca ({type(exc).__name__})") from exc
        return None

    def by_token(self, token: str) -> PublicDoc | None:
        """The document a QR token names; ``None`` for a token that is not one docgen issues."""
        if not TOKEN.match(token):
            return None
        row = self._query(_BY_TOKEN, (token,))
        if row is None:
            return None
        found = PublicDoc(**{k: row[k] for k in PublicDoc.__dataclass_fields__})
        return replace(found, void_reason=found.void_reason and redacted(found.void_reason))

    def token_of_file(self, sha256: str) -> str | None:
        """The token of the issued document whose recorded file has this SHA-256, if any."""
        row = self._query(_ISSUED_FILE, (sha256,))
        return row["token"] if row else None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
