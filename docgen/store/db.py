"""SQLite connection, transactions and migrations for the register.

WAL lets readers work while one writer allocates; ``BEGIN IMMEDIATE`` takes the write lock
before reading the counter so two processes can never read the same last number;
``synchronous=FULL`` makes an issued number survive a power cut.

Opening never creates: a register that vanished must be restored, not silently re-created
with its numbering back at 1 (issue 8). Only :func:`connect` with ``create=True`` (used by
``docgen init`` and ``docgen register create``) makes a new file.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from docgen.errors import RegisterAbsent, RegisterBusy, RegisterError, RegisterUnusable
from docgen.store.schema import MIGRATIONS, statements

__all__ = [
    "SCHEMA_VERSION",
    "atomic",
    "connect",
    "file_gone",
    "has_schema",
    "migrate",
    "register_error",
]

SCHEMA_VERSION = len(MIGRATIONS)


class _Connection(sqlite3.Connection):
    """A connection that remembers its file, how long a writer may wait, and whether it may write.

    ``identity`` is the (st_dev, st_ino) of the file when it was opened: a process must not keep
    writing into a register that was deleted or replaced under it. ``write_refusal`` is set when
    the register does not belong to the outbox beside it; reads still work so it can be checked.
    """

    busy_timeout_s: float = 30.0
    path: Path | None = None
    identity: tuple[int, int] | None = None
    write_refusal: str | None = None

    # The backend seam: what ``atomic`` and the migrations ask of a connection. The PostgreSQL
    # adapter (docgen.store.postgres.PgConnection) answers the same calls.

    def begin_write(self, reads: tuple[tuple[str, tuple[Any, ...]], ...] = ()) -> None:
        """Take the write lock; ``reads`` (what the transaction will read first) cost nothing extra
        in-process, so SQLite runs them when they are asked for."""
        _begin_immediate(self)

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """A statement whose result nobody reads (PostgreSQL defers it to the next round trip)."""
        self.execute(sql, params)

    def commit_write(self) -> None:
        try:
            self.execute("COMMIT")
        except sqlite3.Error as exc:
            self.rollback_write()
            raise register_error(exc, self.path) from exc

    def rollback_write(self) -> None:
        # After some failures (disk full, I/O) SQLite has already rolled back on its own.
        if self.in_transaction:
            with suppress(sqlite3.Error):
                self.execute("ROLLBACK")

    def check_same(self) -> None:
        _same_file(self)
        if getattr(self, "guard_moved", False):
            # Read under the write lock: 'register copy-to' may have moved the books since this opened.
            row = self.execute("SELECT value FROM meta WHERE key = 'moved_to'").fetchone()
            if row is not None:
                raise RegisterUnusable(
                    f"Register {self.path} sudah dipindah ke {row[0]}; tidak ada yang ditulis. Isi [register] url "
                    "di docgen.toml komputer ini dengan alamat itu lalu jalankan ulang proses docgen"
                )

    def last_event_hash(self) -> str | None:
        """The newest event's hash (None for an empty log), read inside the write transaction."""
        row = self.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def write_event(self, sql: str, params: tuple[Any, ...], new_hash: str) -> None:
        """Insert an event row; nothing is read back (PostgreSQL defers it to save a round trip)."""
        self.write(sql, params)

    def schema_version(self) -> int:
        return int(self.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def has_schema(self) -> bool:
        """Whether the file holds any table at all (a fresh or zero-length file holds none)."""
        return self.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def register_error(exc: sqlite3.Error, path: Path | None) -> RegisterError:
    """One line naming the cause of an SQLite failure and what a clerk or admin can do about it."""
    text = str(exc).lower()
    where = f"Register {path}" if path is not None else "Register"
    if "locked" in text or "busy" in text:
        return RegisterBusy(f"{where} sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi")
    if "readonly" in text or "read-only" in text:
        return RegisterError(
            f"{where} hanya bisa dibaca; beri izin tulis pada berkas itu dan foldernya untuk pengguna yang "
            "menjalankan docgen, lalu ulangi"
        )
    if "unable to open" in text:
        return RegisterError(
            f"{where} tidak bisa dibuka untuk ditulis (izin berkas atau folder {path.parent if path else ''}); "
            "beri izin baca-tulis pada folder itu dan isinya, lalu ulangi"
        )
    if "full" in text:
        return RegisterError(f"{where} tidak bisa ditulis: disk penuh; kosongkan ruang disk lalu ulangi")
    if any(w in text for w in ("no such table", "no such column", "has no column named")):  # changed meanwhile
        return RegisterUnusable(
            f"{where} rusak ({exc}; diubah di luar docgen); pulihkan cadangan terbaru dari registers/cadangan "
            "(lihat README) lalu jalankan 'docgen register check'"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return RegisterError(f"{where} rusak ({exc}); pulihkan cadangan terbaru dari registers/cadangan (lihat README)")
    if "disk i/o" in text:
        return RegisterError(f"{where}: galat baca/tulis disk ({exc}); periksa disk dan ruang kosong, lalu ulangi")
    return RegisterError(
        f"{where}: galat SQLite ({exc}); jalankan 'docgen register check', dan bila berulang pulihkan cadangan"
    )


def connect(path: Path, *, busy_timeout_s: float, create: bool = False) -> sqlite3.Connection:
    """Open and migrate the register at ``path``; only ``create`` may make a new file."""
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RegisterError(f"Folder {path.parent} tidak bisa dibuat ({exc}); periksa izin folder") from exc
    elif not path.is_file():
        raise RegisterAbsent(f"Register {path} tidak ada", reason="tidak ada")
    elif path.stat().st_size == 0:
        raise RegisterAbsent(f"Register {path} kosong (0 bita)", reason="kosong (0 bita)")
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None, factory=_Connection)
    except sqlite3.Error as exc:
        raise register_error(exc, path) from exc
    try:
        conn.busy_timeout_s = busy_timeout_s
        conn.path = path
        st = path.stat()
        conn.identity = (st.st_dev, st.st_ino)
        conn.row_factory = sqlite3.Row
        if not create and conn.execute("PRAGMA user_version").fetchone()[0] == 0 and not has_schema(conn):
            # Checked before any pragma writes to the file: a refused open leaves it as it was.
            raise RegisterAbsent(f"Register {path} tidak berisi skema docgen", reason="tidak berisi skema docgen")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # Waiting for the write lock is done by _begin_immediate's short polls; statements
        # inside a transaction never wait long in WAL mode.
        conn.execute("PRAGMA busy_timeout = 1")
        migrate(conn, str(path))
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise RegisterError(
                f"Register {path} tidak bisa dibuka ({exc}); pastikan berkas itu register docgen, "
                "atau pulihkan cadangan terbaru dari registers/cadangan (lihat README)"
            ) from exc
        raise register_error(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def has_schema(conn: Any) -> bool:
    """Whether the register's store holds any table at all (a fresh one holds none)."""
    method = getattr(conn, "has_schema", None)
    if method is not None:
        return bool(method())
    return conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0  # a bare sqlite3


def migrate(conn: Any, where: str) -> None:
    """Bring the register to this program's schema, one migration per transaction.

    A register newer than the program is refused before anything is touched; each migration
    and its version number commit together, so a register is never half-migrated.
    """
    from docgen.store.damage import check_schema
    from docgen.store.schema import PG_MIGRATIONS

    steps = MIGRATIONS if isinstance(conn, sqlite3.Connection) else PG_MIGRATIONS
    version = conn.schema_version()
    if version > SCHEMA_VERSION:
        raise RegisterError(
            f"Register {where} dibuat oleh docgen yang lebih baru (skema {version}, program ini {SCHEMA_VERSION}); "
            "perbarui docgen di komputer ini"
        )
    if version == 0 and conn.has_schema():
        check_schema(conn, where, version_lost=True)  # docgen's own tables without their version: damaged
        raise RegisterError(f"Register {where} berisi tabel yang bukan register docgen; pastikan jalurnya benar")
    while version < SCHEMA_VERSION:
        with atomic(conn):
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = conn.schema_version()
            if version >= SCHEMA_VERSION:
                break
            step = steps[version]
            for statement in statements(step) if isinstance(step, str) else step:
                conn.execute(statement)
            conn.set_schema_version(version + 1)
        version += 1
    check_schema(conn, where)  # a table or column renamed or dropped outside docgen, named before any work


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
                raise register_error(exc, getattr(conn, "path", None)) from exc
            if time.monotonic() >= deadline:
                raise RegisterBusy("Register sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi") from exc
            time.sleep(random.uniform(0.0002, 0.002))


def file_gone(conn: Any) -> str | None:
    """How the register file at the connection's path stopped being the one it holds, if it did:
    ``"dihapus"`` or ``"diganti berkas lain"`` (None for PostgreSQL and for the same file)."""
    identity, path = getattr(conn, "identity", None), getattr(conn, "path", None)
    if identity is None or path is None:
        return None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "dihapus"
    return None if (st.st_dev, st.st_ino) == identity else "diganti berkas lain"


def _same_file(conn: sqlite3.Connection) -> None:
    """Refuse to write when the register file at the path is no longer the one this connection holds.

    SQLite keeps writing into a deleted file's inode without complaint: a worker running while the
    register was removed (and another process re-created it) would issue numbers nobody can see.
    """
    what = file_gone(conn)
    if what is None:
        return
    path = getattr(conn, "path", None)
    raise RegisterUnusable(
        f"Register {path} {what} sejak proses ini membukanya; tidak ada yang ditulis. Hentikan proses docgen "
        "yang masih berjalan, pulihkan register dari cadangan terbaru (lihat README), lalu ulangi"
    )


@contextmanager
def atomic(conn: Any, *, reads: tuple[tuple[str, tuple[Any, ...]], ...] = ()) -> Iterator[Any]:
    """One write transaction holding the register's write lock; rolled back on any exception.

    SQLite takes ``BEGIN IMMEDIATE``, PostgreSQL a transaction-scoped advisory lock: either way one
    writer at a time, reading the counters after the lock. ``reads`` names the statements the
    transaction will read first (a reservation's counter), which PostgreSQL fetches with the lock.
    Database errors leave as one-line ``RegisterError`` naming cause and fix.
    """
    refusal = getattr(conn, "write_refusal", None)
    if refusal:
        raise RegisterUnusable(refusal)
    conn.begin_write(reads)
    try:
        conn.check_same()
        yield conn
        conn.commit_write()  # PostgreSQL sends its deferred event rows with the COMMIT
    except sqlite3.Error as exc:
        conn.rollback_write()
        raise register_error(exc, getattr(conn, "path", None)) from exc
    except (UnicodeEncodeError, OverflowError) as exc:
        # Text with a lone surrogate or a number past 2**63 cannot be stored at all.
        conn.rollback_write()
        raise RegisterError(
            f"Nilai yang akan dicatat di register tidak bisa disimpan ({exc}); perbaiki teks atau angkanya lalu ulangi"
        ) from exc
    except BaseException:
        conn.rollback_write()
        raise
