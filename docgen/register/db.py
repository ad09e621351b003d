"""SQLite connection, transactions and migrations for the register.

WAL lets readers work while one writer allocates; ``BEGIN IMMEDIATE`` takes the write lock
before reading the counter so two processes can never read the same last number;
``synchronous=FULL`` makes an issued number survive a power cut.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import RegisterBusy, RegisterError
from docgen.register.schema import MIGRATIONS

__all__ = ["SCHEMA_VERSION", "atomic", "connect"]

SCHEMA_VERSION = len(MIGRATIONS)


class _Connection(sqlite3.Connection):
    """A connection that remembers how long a writer may wait for the lock."""

    busy_timeout_s: float = 30.0


def connect(path: Path, *, busy_timeout_s: float) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the register at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, factory=_Connection)
        conn.busy_timeout_s = busy_timeout_s
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # Waiting for the write lock is done by _begin_immediate's short polls; statements
        # inside a transaction never wait long in WAL mode.
        conn.execute("PRAGMA busy_timeout = 1")
    except sqlite3.DatabaseError as exc:
        raise RegisterError(f"Register {path} tidak bisa dibuka ({exc}); pastikan berkas itu register docgen") from exc
    _migrate(conn, path)
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RegisterError(f"Register {path} dibuat oleh docgen yang lebih baru (skema {version}); perbarui docgen")
    while version < SCHEMA_VERSION:
        with atomic(conn):
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                break
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        version += 1


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements; ``executescript`` would commit our transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the write lock, polling every millisecond or two until the busy deadline.

    SQLite's own busy handler sleeps up to 100 ms between tries, so a waiting process keeps
    losing the lock to one that allocates in a loop (measured: waits of 430 ms among 2,000
    allocations from 4 processes). Short jittered polls shrink those waits.
    """
    deadline = time.monotonic() + getattr(conn, "busy_timeout_s", 30.0)
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise RegisterBusy("Register sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi") from exc
            time.sleep(random.uniform(0.0002, 0.002))


@contextmanager
def atomic(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with ``BEGIN IMMEDIATE``; rolled back on any exception."""
    _begin_immediate(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
