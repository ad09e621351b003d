"""Batches in the books: numbers reserved in blocks in row order, and the record of each run.

``docgen batch`` numbers hundreds of rows. Taking the numbers one transaction per row from
several worker processes would interleave them out of row order (row 7 getting a smaller number
than row 3) and cost a transaction each; so the batch reserves them in blocks, in row order, in
one transaction per block, and a worker later binds each reserved number to the document it
creates (:func:`attach_in_tx`, inside that document's creating transaction). A number reserved
but never issued (a worker killed, a row that failed to render) is voided with its cause by the
batch, or by ``docgen register check --fix`` once its reserving process is gone.
"""

from __future__ import annotations

import getpass
import json
import socket
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from docgen.errors import RegisterError
from docgen.register.events import append_event, now_iso
from docgen.register.numbering import Reservation, reserve_number
from docgen.store.db import atomic

__all__ = ["BatchRow", "NumberWanted", "attach_in_tx", "batch_of", "finish_batch", "reserve_many", "start_batch"]


@dataclass(frozen=True)
class NumberWanted:
    """What one row's number is made of: its series and the date, code and sifat it prints."""

    series: str
    doc_date: date
    kka: str
    sifat: str = ""


@dataclass(frozen=True)
class BatchRow:
    id: int
    kind: str
    source_name: str
    source_sha256: str
    run_by: str
    started_at: str
    finished_at: str | None
    counts: dict[str, int]


def reserve_many(reg: Any, wanted: Sequence[NumberWanted]) -> list[Reservation]:
    """Reserve one number per item, in the given order, in one transaction (all or none)."""
    if not wanted:
        return []
    with atomic(reg.conn):
        return [
            reserve_number(reg.conn, reg.profile, w.series, doc_date=w.doc_date, kka=w.kka, sifat=w.sifat)
            for w in wanted
        ]


def attach_in_tx(conn: sqlite3.Connection, doc_id: int, reservation: Reservation) -> None:
    """Bind a block-reserved number to the document being created, in that document's transaction.

    Refused when the number is no longer a free reservation (voided meanwhile by ``register
    check --fix``, or given to another document): the document is then not created at all.
    """
    changed = conn.execute(
        "UPDATE numbers SET doc_id = ? WHERE id = ? AND status = 'reserved' AND doc_id IS NULL",
        (doc_id, reservation.number_id),
    ).rowcount
    if changed != 1:
        raise RegisterError(
            f"Nomor {reservation.number} tidak lagi tersedia untuk baris ini; jalankan ulang dengan --resume"
        )
    append_event(conn, "number.assigned", doc_id=doc_id, number_id=reservation.number_id, number=reservation.number)


def start_batch(reg: Any, kind: str, source_name: str, source_sha256: str) -> int:
    """Record that a batch starts: who (user@host), when, from which file."""
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    with atomic(reg.conn):
        batch_id = reg.conn.execute(
            "INSERT INTO batches (kind, source_name, source_sha256, run_by, started_at) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            (kind, source_name, source_sha256, who, now_iso()),
        ).fetchone()[0]
        append_event(reg.conn, "batch.started", batch_id=batch_id, kind=kind, source=source_name)
    return int(batch_id)


def finish_batch(reg: Any, batch_id: int, counts: dict[str, int]) -> None:
    with atomic(reg.conn):
        reg.conn.execute(
            "UPDATE batches SET finished_at = ?, counts = ? WHERE id = ?",
            (now_iso(), json.dumps(counts, sort_keys=True), batch_id),
        )
        append_event(reg.conn, "batch.finished", batch_id=batch_id, **counts)


def batch_of(conn: sqlite3.Connection, doc_id: int) -> BatchRow | None:
    """The batch that made ``doc_id`` (its intake source is ``batch:<id>``), if any."""
    row = conn.execute(
        "SELECT b.* FROM intake i JOIN batches b ON i.source = 'batch:' || b.id WHERE i.doc_id = ?", (doc_id,)
    ).fetchone()
    if row is None:
        return None
    return BatchRow(
        id=row["id"], kind=row["kind"], source_name=row["source_name"], source_sha256=row["source_sha256"],
        run_by=row["run_by"], started_at=row["started_at"], finished_at=row["finished_at"],
        counts=json.loads(row["counts"] or "{}"),
    )  # fmt: skip
