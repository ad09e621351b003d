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

from docgen.errors import RegisterError
from docgen.register.actor import current_actor
from docgen.store.pg_errors import redacted

__all__ = [
    "GENESIS",
    "append_event",
    "event_hash",
    "local_date",
    "now_iso",
    "masked_text",
    "strict_id",
    "verify_chain",
]

_SQLITE_MAX = 2**63 - 1

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


def strict_id(value: object, what: str = "dokumen") -> int:
    """``value`` as a row id, refusing anything that is not a plain positive integer.

    ``True`` is an ``int`` in Python and SQLite stores it as 1: a sidecar's ``id: true`` became
    document 1 while its event was hashed as ``true``, breaking the chain for good (issue 8).
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _SQLITE_MAX:
        shown = repr(value)[:40]
        raise RegisterError(f"Nomor {what} harus bilangan bulat positif, bukan {shown}; periksa nilainya")
    return int(value)


def _optional_id(value: object, what: str) -> int | None:
    return None if value is None else strict_id(value, what)


def event_hash(prev_hash: str, at: str, action: str, doc_id: Any, number_id: Any, detail: str) -> str:
    """SHA-256 over exactly the values stored in the row (ids as integers, detail as its text)."""
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
    """Append one event; must run inside the caller's write transaction.

    Ids are checked to be plain integers first, so what is hashed is what SQLite stores.
    """
    doc_id, number_id = _optional_id(doc_id, "dokumen"), _optional_id(number_id, "nomor")
    actor = current_actor()
    if actor is not None:
        detail.setdefault("pengguna", actor)
    prev = conn.last_event_hash() or GENESIS
    at = now_iso()
    text = json.dumps(_masked(detail), ensure_ascii=False, sort_keys=True, default=str)
    digest = event_hash(prev, at, action, doc_id, number_id, text)
    conn.write_event(
        "INSERT INTO events (at, action, doc_id, number_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, action, doc_id, number_id, text, prev, digest),
        digest,
    )


def _masked(value: Any) -> Any:
    """``value`` with every password in its texts masked: an event is kept forever and shown to staff."""
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def masked_text(text: str) -> str:
    """A reason or an event's detail with its passwords masked (:func:`redacted`), JSON staying JSON.

    Used when writing and when showing: events written before the mask are never rewritten (the
    chain is append-only), so staff see them masked; text with nothing to mask comes back as is.
    """
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return redacted(text) if isinstance(text, str) else text
    masked = _masked(value)
    return text if masked == value else json.dumps(masked, ensure_ascii=False, sort_keys=True, default=str)


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
        if row["hash"] != expected and row["hash"] not in _legacy_bool_hashes(row):
            problems.append(f"peristiwa {row['id']} ({row['action']}): isinya diubah setelah dicatat")
        prev = row["hash"]
    return problems


def _legacy_bool_hashes(row: Any) -> set[str]:
    """The hashes docgen before issue 8 wrote when a boolean ``True`` reached it as an id of 1.

    Such an event stores 1 but was hashed with ``true``; accepting exactly that spelling lets an
    office's register written by the old bug pass again without hiding any other edit.
    """
    # Lists, not sets: ``{1, True}`` is a one-element set.
    docs = [row["doc_id"], True] if row["doc_id"] == 1 else [row["doc_id"]]
    numbers = [row["number_id"], True] if row["number_id"] == 1 else [row["number_id"]]
    return {
        event_hash(row["prev_hash"], row["at"], row["action"], d, n, row["detail"])
        for d in docs
        for n in numbers
        if d is True or n is True
    }
