"""The append-only event log, each event chained to the previous one by SHA-256.

Editing or deleting any past event breaks every later hash, so ``docgen register check``
finds tampering with a single pass and no key to keep secret.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["GENESIS", "append_event", "event_hash", "local_date", "now_iso", "verify_chain"]

GENESIS = "0" * 64


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def local_date(stamp: str) -> date:
    """The office's calendar day of a stored timestamp (UTC) or plain date.

    Timestamps are kept in UTC so they order across machines; people read days in local time
    (a disposition at 06:30 WIB is dated that day, not the previous UTC day).
    """
    if len(stamp) == 10:
        return date.fromisoformat(stamp)
    return datetime.fromisoformat(stamp).astimezone().date()


def event_hash(prev_hash: str, at: str, action: str, doc_id: Any, number_id: Any, detail: str) -> str:
    payload = json.dumps([prev_hash, at, action, doc_id, number_id, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_event(
    conn: sqlite3.Connection,
    action: str,
    *,
    doc_id: int | None = None,
    number_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one event; must run inside the caller's write transaction."""
    row = conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = now_iso()
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    conn.execute(
        "INSERT INTO events (at, action, doc_id, number_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, action, doc_id, number_id, text, prev, event_hash(prev, at, action, doc_id, number_id, text)),
    )


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Return one Indonesian line per broken link; an empty list means the chain is intact."""
    problems: list[str] = []
    prev = GENESIS
    for row in conn.execute("SELECT * FROM events ORDER BY id"):
        if row["prev_hash"] != prev:
            problems.append(f"peristiwa {row['id']}: rantai putus (peristiwa sebelumnya diubah atau dihapus)")
        expected = event_hash(
            row["prev_hash"], row["at"], row["action"], row["doc_id"], row["number_id"], row["detail"]
        )
        if row["hash"] != expected:
            problems.append(f"peristiwa {row['id']} ({row['action']}): isinya diubah setelah dicatat")
        prev = row["hash"]
    return problems
