"""Allocating numbers from a series: the one place a counter moves.

Every allocation is a row in ``numbers`` written in the same transaction that moves the
counter, so each number ever handed out is accounted for: issued, void, or still reserved by
a named process that ``docgen register check`` can judge alive or dead.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from docgen.errors import RegisterError
from docgen.pattern import NumberParts, format_number
from docgen.profile import Profile
from docgen.register.events import append_event, now_iso
from docgen.register.outboxproof import refuse_if_behind
from docgen.register.profilelock import FINGERPRINT_READ, require_recorded_profile

__all__ = ["Reservation", "reads_for", "reserve_number", "series_year"]

_HOST = socket.gethostname()


@dataclass(frozen=True)
class Reservation:
    """A number taken from a series but not yet issued to a written document."""

    number_id: int
    number: str
    series: str
    year: int
    seq: int
    suffix: str


def series_year(profile: Profile, series: str, doc_date: date) -> int:
    """The counter's year key: the document's year, or 0 for series that never restart."""
    return doc_date.year if profile.series[series].restart == "yearly" else 0


def _next_suffix(conn: sqlite3.Connection, series: str, year: int, after: int, style: str) -> str:
    last = conn.execute("SELECT last_seq FROM counters WHERE series = ? AND year = ?", (series, year)).fetchone()
    if last is None or after < 1 or after > last[0]:
        top = last[0] if last else 0
        raise RegisterError(
            f"Nomor sisipan harus menempel pada nomor yang sudah ada; nomor terakhir seri {series} "
            f"tahun {year or '-'} adalah {top}"
        )
    taken = conn.execute(
        "SELECT COUNT(*) FROM numbers WHERE series = ? AND year = ? AND seq = ? AND suffix != ''",
        (series, year, after),
    ).fetchone()[0]
    if style == "dot":
        return f".{taken + 1}"
    if taken >= 26:
        raise RegisterError(f"Nomor sisipan setelah {after} sudah habis (a sampai z)")
    return chr(ord("a") + taken)


_LAST_SEQ = "SELECT last_seq FROM counters WHERE series = ? AND year = ?"
_NEXT_ID = "SELECT COALESCE(MAX(id), 0) + 1 FROM numbers"


def reads_for(profile: Profile, series: str, doc_date: date) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The reads :func:`reserve_number` starts with, for ``atomic(conn, reads=...)``.

    PostgreSQL sends them with the write lock, so a reservation costs two round trips (the lock
    with these reads, then the writes with the COMMIT) instead of six; SQLite simply runs them.
    """
    if series not in profile.series:
        return ()
    return ((_LAST_SEQ, (series, series_year(profile, series, doc_date))), (_NEXT_ID, ()), FINGERPRINT_READ)


def reserve_number(
    conn: sqlite3.Connection,
    profile: Profile,
    series: str,
    *,
    doc_date: date,
    kka: str,
    sifat: str = "",
    doc_id: int | None = None,
    insert_after: int | None = None,
) -> Reservation:
    """Take the next number (or an insert number after ``insert_after``).

    Must run inside the caller's ``BEGIN IMMEDIATE`` transaction: the counter update, the
    ``numbers`` row and the event commit together or not at all.
    """
    if insert_after is not None and (isinstance(insert_after, bool) or not isinstance(insert_after, int)):
        shown = repr(insert_after)[:40]
        raise RegisterError(f"Nomor sisipan harus menempel pada nomor urut (bilangan bulat), bukan {shown}")
    if series not in profile.series:
        raise RegisterError(f"Seri nomor '{series}' tidak ada di profil; tambahkan [series.{series}]")
    require_recorded_profile(conn, profile)  # every PC on one register numbers with one profile (issue 21)
    rule = profile.series[series]
    year = series_year(profile, series, doc_date)
    if insert_after is None:
        # Read, then write the known value: under the register's one write lock nobody else can
        # move the counter in between, and the write needs no answer (on PostgreSQL it travels
        # with the COMMIT; the reads were fetched with the lock, see ``reads_for``).
        row = conn.execute(_LAST_SEQ, (series, year)).fetchone()
        refuse_if_behind(conn, series, year, row[0] if row else 0)
        seq = (row[0] if row else 0) + 1
        conn.write(
            "INSERT INTO counters (series, year, last_seq) VALUES (?, ?, ?) "
            "ON CONFLICT (series, year) DO UPDATE SET last_seq = excluded.last_seq",
            (series, year, seq),
        )
        suffix = ""
    else:
        last = conn.execute(_LAST_SEQ, (series, year)).fetchone()
        refuse_if_behind(conn, series, year, last[0] if last else 0)
        seq, suffix = insert_after, _next_suffix(conn, series, year, insert_after, rule.insert_style)
    parts = NumberParts(
        seq=seq,
        year=doc_date.year,
        month=doc_date.month,
        kka=kka,
        unit=profile.agency(rule.instansi).unit_code,  # an agency's series prints its own unit code
        prefix=rule.prefixes.get(sifat, ""),
        suffix=suffix,
    )
    number = format_number(rule.pattern, parts)
    number_id = int(conn.execute(_NEXT_ID).fetchone()[0])  # numbers are never deleted: ids only grow
    conn.write(
        "INSERT INTO numbers (id, series, year, seq, suffix, number, status, doc_id, reserved_at,"
        " holder_pid, holder_host) VALUES (?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?)",
        (number_id, series, year, seq, suffix, number, doc_id, now_iso(), os.getpid(), _HOST),
    )
    append_event(conn, "number.reserved", doc_id=doc_id, number_id=number_id, number=number, series=series)
    return Reservation(number_id, number, series, year, seq, suffix)


def holder_alive(pid: int | None, host: str | None) -> bool:
    """Whether the process that reserved a number may still be writing its document.

    Only a process on this machine can be checked; one on another host is assumed alive.
    """
    if pid is None or host != _HOST:
        return host is not None and host != _HOST
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) can no longer write anything.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
