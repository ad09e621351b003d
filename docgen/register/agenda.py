"""The incoming agenda and its dispositions: the paper book and the pile of forms, as tables.

A surat masuk is a document row (its agenda number is an ordinary number from the incoming
series) plus an ``incoming`` row; each disposition round is a row that is later marked received
(the caraka handed the letter over) and done (the follow-up is recorded).
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from typing import Any

from docgen.errors import RegisterError
from docgen.register.books import Register
from docgen.register.events import append_event, local_date, now_iso
from docgen.register.rows import DocumentRow
from docgen.store.db import atomic

__all__ = [
    "QUEUES",
    "add_disposition",
    "close_disposition",
    "dedup_key",
    "find_incoming",
    "incoming_details",
    "insert_incoming_row",
    "queue",
    "receive_disposition",
    "rounds",
]

#: The questions the national correspondence system asks, as ``register list --antrian`` names.
QUEUES = {
    "belum-disposisi": "surat masuk yang belum didisposisikan",
    "belum-diterima": "disposisi yang belum diterima tujuannya",
    "belum-selesai": "disposisi yang sudah diterima tetapi belum ditindaklanjuti",
}


def dedup_key(sender: str, number: str, letter_date: date) -> str:
    """The same letter written twice differs only in case and spacing."""

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().casefold()

    return f"{norm(sender)}|{norm(number).replace(' ', '')}|{letter_date.isoformat()}"


def insert_incoming_row(
    conn: sqlite3.Connection,
    doc_id: int,
    *,
    sender: str,
    number: str,
    letter_date: date,
    received_date: date,
    scan_sha256: str | None,
) -> None:
    """Add the agenda row inside the document's transaction, refusing a letter already entered."""
    key = dedup_key(sender, number, letter_date)
    earlier = conn.execute(
        "SELECT i.doc_id, (SELECT n.number FROM numbers n WHERE n.doc_id = i.doc_id ORDER BY n.id DESC LIMIT 1)"
        " AS agenda, i.dedup_key = ? AS same_letter FROM incoming i JOIN documents d ON d.id = i.doc_id"
        " WHERE d.state != 'batal' AND (i.dedup_key = ?"
        " OR (CAST(? AS TEXT) IS NOT NULL AND i.scan_sha256 = ?)) LIMIT 1",  # typed: PostgreSQL must know ?'s type
        (key, key, scan_sha256, scan_sha256),
    ).fetchone()
    if earlier is not None:
        what = "Surat ini" if earlier["same_letter"] else "Pindaian ini"
        raise RegisterError(
            f"{what} sudah tercatat dengan nomor agenda {earlier['agenda']} (dokumen {earlier['doc_id']}); "
            "tidak dicatat dua kali"
        )
    conn.execute(
        "INSERT INTO incoming (doc_id, sender, letter_number, letter_date, received_date, dedup_key, scan_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (doc_id, sender, number, letter_date.isoformat(), received_date.isoformat(), key, scan_sha256),
    )


def find_incoming(reg: Register, agenda: str, *, year: int) -> DocumentRow:
    """Find an entry by its agenda number as printed (``12/2026``) or by its bare sequence."""
    row = reg.conn.execute(
        "SELECT n.doc_id FROM numbers n JOIN incoming i ON i.doc_id = n.doc_id WHERE n.number = ?"
        " ORDER BY n.id DESC LIMIT 1",
        (agenda.strip(),),
    ).fetchone()
    if row is None and agenda.strip().isdigit():
        row = reg.conn.execute(
            "SELECT n.doc_id FROM numbers n JOIN incoming i ON i.doc_id = n.doc_id"
            " WHERE n.seq = ? AND n.year IN (?, 0) ORDER BY n.id DESC LIMIT 1",
            (int(agenda), year),
        ).fetchone()
    if row is None:
        raise RegisterError(
            f"Nomor agenda {agenda} tidak ada di register; lihat 'docgen register list --kind surat-masuk'"
        )
    doc = reg.document(row["doc_id"])
    if doc.state == "batal":
        raise RegisterError(f"Surat dengan nomor agenda {agenda} sudah batal: {doc.void_reason}")
    return doc


def incoming_details(reg: Register, doc_id: int) -> dict[str, Any]:
    row = reg.conn.execute("SELECT * FROM incoming WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        raise RegisterError(f"Dokumen {doc_id} bukan surat masuk")
    return dict(row)


def rounds(reg: Register, doc_id: int) -> list[dict[str, Any]]:
    """Every round of a letter, first to last; ``deadline`` is its batas waktu (ISO date) or None."""
    deadlines = _deadlines(reg, doc_id)
    out = []
    for r in reg.conn.execute("SELECT * FROM dispositions WHERE doc_id = ? ORDER BY round", (doc_id,)):
        item = dict(r)
        item["to_units"], item["instructions"] = json.loads(r["to_units"]), json.loads(r["instructions"])
        item["deadline"] = deadlines.get(r["round"])
        out.append(item)
    return out


def _deadlines(reg: Register, doc_id: int) -> dict[int, str]:
    """Each round's batas waktu, as its ``disposition.recorded`` event holds it.

    Issue 23 added the deadline without a schema migration: the event is written in the round's
    own transaction and is append-only, so it is as final as the round's row.
    """
    found: dict[int, str] = {}
    for row in reg.conn.execute(
        "SELECT detail FROM events WHERE doc_id = ? AND action = 'disposition.recorded' ORDER BY id", (doc_id,)
    ):
        detail = json.loads(row["detail"])
        if detail.get("deadline") and isinstance(detail.get("round"), int):
            found[detail["round"]] = str(detail["deadline"])
    return found


def add_disposition(
    reg: Register,
    doc_id: int,
    *,
    by: str,
    units: list[str],
    instructions: list[str],
    note: str = "",
    deadline: date | None = None,
) -> int:
    """Record one disposition round (with its batas waktu, if set); returns its round number (1 for the
    Kepala Dinas's)."""
    if not units:
        raise RegisterError("Disposisi harus diteruskan kepada sedikitnya satu tujuan (--kepada)")
    with atomic(reg.conn):
        number = reg.conn.execute(
            "SELECT COALESCE(MAX(round), 0) + 1 FROM dispositions WHERE doc_id = ?", (doc_id,)
        ).fetchone()[0]
        reg.conn.execute(
            "INSERT INTO dispositions (doc_id, round, by_official, to_units, instructions, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, number, by, json.dumps(units, ensure_ascii=False), json.dumps(instructions, ensure_ascii=False),
             note, now_iso()),
        )  # fmt: skip
        extra = {"deadline": deadline.isoformat()} if deadline else {}
        append_event(reg.conn, "disposition.recorded", doc_id=doc_id, round=number, by=by, to=units, **extra)
    return number


def _latest(reg: Register, doc_id: int) -> sqlite3.Row:
    row = reg.conn.execute(
        "SELECT * FROM dispositions WHERE doc_id = ? ORDER BY round DESC LIMIT 1", (doc_id,)
    ).fetchone()
    if row is None:
        raise RegisterError(
            f"Surat (dokumen {doc_id}) belum didisposisikan; catat dulu dengan 'docgen disposisi catat'"
        )
    return row


def receive_disposition(reg: Register, doc_id: int, *, by: str) -> int:
    """The addressee of the latest round received the letter from the caraka."""
    with atomic(reg.conn):
        row = _latest(reg, doc_id)
        if row["received_at"]:
            when = local_date(row["received_at"])
            raise RegisterError(f"Disposisi ke-{row['round']} sudah diterima oleh {row['received_by']} pada {when}")
        reg.conn.execute(
            "UPDATE dispositions SET received_by = ?, received_at = ? WHERE id = ?", (by, now_iso(), row["id"])
        )
        append_event(reg.conn, "disposition.received", doc_id=doc_id, round=row["round"], by=by)
    return row["round"]


def close_disposition(reg: Register, doc_id: int, *, follow_up: str) -> int:
    """Record the follow-up of the latest round; it must have been received first."""
    if not follow_up.strip():
        raise RegisterError("Tindak lanjut wajib diisi (--tindak-lanjut)")
    with atomic(reg.conn):
        row = _latest(reg, doc_id)
        if not row["received_at"]:
            raise RegisterError(
                f"Disposisi ke-{row['round']} belum diterima tujuannya; catat dulu 'docgen disposisi terima'"
            )
        if row["done_at"]:
            raise RegisterError(f"Disposisi ke-{row['round']} sudah selesai: {row['follow_up']}")
        reg.conn.execute(
            "UPDATE dispositions SET follow_up = ?, done_at = ? WHERE id = ?", (follow_up, now_iso(), row["id"])
        )
        append_event(reg.conn, "disposition.done", doc_id=doc_id, round=row["round"], follow_up=follow_up)
    return row["round"]


def queue(reg: Register, name: str, *, today: date) -> list[dict[str, Any]]:
    """One of :data:`QUEUES`, oldest first, each item with its age in days."""
    if name not in QUEUES:
        raise RegisterError(f"Antrian '{name}' tidak dikenal; pilih: {', '.join(QUEUES)}")
    # Each queue starts from the table that holds its few rows (letters without a round, rounds
    # not received or not done), never from every issued number: 40 ms against 3 ms on a register
    # of 50,000 documents (bench/desk.py), and the desk's home page asks twice per visit. Without
    # statistics SQLite takes ``status = 'issued'`` for a narrow index and an ORDER BY on the
    # document id for a reason to walk every document; ``|| ''`` and sorting here prevent both.
    letter = (
        "SELECT d.id AS doc_id, n.number AS agenda, i.sender, d.subject, i.received_date, {round} FROM {source}"
        " JOIN documents d ON d.id = i.doc_id JOIN numbers n ON n.id = d.number_id"
        " WHERE d.state != 'batal' AND (n.status || '') = 'issued' AND "
    )
    disposed = "r.round, r.to_units, r.created_at, r.received_by, r.received_at"
    rounds_of = "dispositions r JOIN incoming i ON i.doc_id = r.doc_id"
    latest = "r.round = (SELECT MAX(q.round) FROM dispositions q WHERE q.doc_id = r.doc_id)"
    sql, since = {
        "belum-disposisi": (
            letter.format(round=disposed.replace("r.", "NULL AS "), source="incoming i")
            + "NOT EXISTS (SELECT 1 FROM dispositions q WHERE q.doc_id = i.doc_id)",
            "received_date",
        ),
        "belum-diterima": (
            letter.format(round=disposed, source=rounds_of) + f"r.received_at IS NULL AND {latest}",
            "created_at",
        ),
        "belum-selesai": (
            letter.format(round=disposed, source=rounds_of)
            + f"r.received_at IS NOT NULL AND r.done_at IS NULL AND {latest}",
            "received_at",
        ),
    }[name]
    items = []
    for row in reg.conn.execute(sql):
        item = dict(row)
        item["to_units"] = json.loads(row["to_units"]) if row["to_units"] else []
        item["age_days"] = (today - local_date(row[since])).days
        items.append(item)
    return sorted(items, key=lambda i: (-i["age_days"], i["doc_id"]))
