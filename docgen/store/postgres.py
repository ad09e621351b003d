"""The register on PostgreSQL: the same SQL and the same promises, through a thin adapter.

Several workstations draw numbers from one server, so the register's code stays one code path:
this adapter lets it speak to PostgreSQL as it speaks to SQLite (``?`` parameters, rows read by
name or position, one ``atomic`` write transaction at a time). Writers are serialised with one
transaction-scoped advisory lock, the equivalent of SQLite's ``BEGIN IMMEDIATE``: under READ
COMMITTED every statement after the lock sees every commit before it, so a counter can never be
read twice and the event chain can never fork (proved by the hammer test, not assumed).
psycopg is imported only when a profile names a PostgreSQL URL.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from docgen.errors import NOTHING_NUMBERED, RegisterBusy
from docgen.store.pg_errors import permanent, pg_error, redacted, remember

__all__ = ["PgConnection", "WRITE_LOCK", "connect_pg"]

#: Key of the advisory lock every write transaction takes (any fixed 64-bit number; "docgen" in ASCII).
WRITE_LOCK = 0x646F6367656E
_PARAM = re.compile(r"\?")
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)  # statements that may be asked again after a reconnect
RETRIES = 3  # reconnects before a command gives up (the watcher retries whole files on top of this)


class Row(Sequence[Any]):
    """A result row read by position (``row[0]``) or by column name (``row["number"]``), like
    ``sqlite3.Row``, so the register's queries read the same on both backends."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(index, values)


class _Cursor:
    """What the register uses of a cursor: fetchone, fetchall, iteration and rowcount."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class _Answered:
    """Rows already fetched (with the write lock), answered like a cursor."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows
        self.rowcount = len(rows)

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


class PgConnection:
    """A psycopg connection that answers like the register's SQLite connection.

    ``execute`` takes the register's ``?`` placeholders. Outside ``atomic`` each statement runs
    in autocommit; inside it one transaction holds :data:`WRITE_LOCK`. A connection the server
    dropped is opened again before the next transaction (never inside one: that transaction is
    lost, rolled back by the server, and reported so that the caller may run it again).
    """

    path = None
    identity = None
    write_refusal: str | None = None

    def __init__(self, url: str, *, busy_timeout_s: float, pooled: bool = False) -> None:
        remember(url)  # its password is masked wherever a server's words may quote it
        self.url = url
        self.busy_timeout_s = busy_timeout_s
        self._conn: Any = None
        self._pool: Any = None
        self._writing = False  # inside begin_write .. commit_write/rollback_write
        # Round trips are what a numbering transaction costs here (the write lock is held through
        # them), so the chain head is fetched with the lock and event rows, whose result nobody
        # reads, travel with the next statement or the COMMIT: a reservation costs 2 round trips.
        self._head: str | None = None  # newest event hash, valid inside the current write transaction
        self._head_known = False
        self._events_exist = False  # once true, begin_write fetches the head with the lock
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._prefetched: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        self._open()  # a direct first connection: a wrong password or a missing database is named exactly
        if pooled:
            self._start_pool()

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    def _start_pool(self) -> None:
        """Hand the connection over to a one-connection pool, for processes that run for days.

        The watcher keeps its register open across server restarts and network cuts: the pool
        checks a connection before handing it out again and opens new ones in the background with
        backoff, so the next file finds a working connection (or a clear "unreachable" line).
        """
        from psycopg_pool import ConnectionPool

        self._conn.close()
        self._conn = None
        self._pool = ConnectionPool(
            self.url, min_size=1, max_size=1, open=True, name="docgen", check=ConnectionPool.check_connection,
            kwargs={"autocommit": True, "row_factory": _row_factory, "connect_timeout": 10,
                    "application_name": "docgen"},
        )  # fmt: skip
        self._conn = self._take()

    def _take(self) -> Any:
        from psycopg_pool import PoolTimeout

        try:
            return self._pool.getconn(timeout=min(self.busy_timeout_s, 30.0))
        except PoolTimeout as exc:
            raise RegisterBusy(
                f"Register PostgreSQL {redacted(self.url)}: server tidak terjangkau; pastikan server hidup dan "
                f"jaringan tersambung, lalu ulangi {NOTHING_NUMBERED}"
            ) from exc

    # -- the connection ----------------------------------------------------------------------

    def _open(self) -> None:
        import psycopg

        if self._pool is not None:
            if self._conn is not None:
                self._pool.putconn(self._conn)  # a broken one is discarded and replaced by the pool
            self._conn = None
            self._conn = self._take()
            return
        last: Exception | None = None
        for attempt in range(RETRIES):
            try:
                self._conn = psycopg.connect(
                    self.url, autocommit=True, row_factory=_row_factory, connect_timeout=10,
                    application_name="docgen",
                )  # fmt: skip
                return
            except psycopg.OperationalError as exc:
                last = exc
                if permanent(exc):
                    break
                time.sleep(0.5 * 2**attempt)
            except psycopg.Error as exc:  # a URL libpq cannot read (a % not followed by two hex digits)
                raise pg_error(exc, self.url) from exc
        assert last is not None
        raise pg_error(last, self.url) from last

    @property
    def in_transaction(self) -> bool:
        import psycopg

        return self._conn is not None and self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        if self._pool is not None:
            if self._conn is not None:
                self._pool.putconn(self._conn)
                self._conn = None
            self._pool.close()
        elif self._conn is not None:
            self._conn.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        """Run one statement; outside ``atomic`` a connection the server dropped is replaced first.

        A long-running process (the watcher) keeps one connection for days; a server restart or an
        idle-connection cut is only noticed when the next statement fails. A read outside a write
        transaction changed nothing, so it is asked again once on a new connection; inside one, the
        failure is reported (the server rolled the transaction back) and ``begin_write`` reconnects.
        """
        import psycopg

        if self._prefetched:
            rows = self._prefetched.pop((sql, tuple(params)), None)
            if rows is not None:
                # Read with the lock at the start of this transaction; used once, before the
                # transaction wrote anything it could change (reserve_number reads first).
                return _Answered(rows)
        query, args = _PARAM.sub("%s", sql), tuple(params)
        if self._pending:
            try:
                return _Cursor(self._send_pending(query, args))
            except psycopg.Error as exc:
                raise pg_error(exc, self.url) from exc
        if not self._writing and (self._conn.closed or self._conn.broken):
            self._open()
        try:
            return _Cursor(self._conn.execute(query, args))
        except psycopg.OperationalError as exc:
            if self._writing or not (self._conn.closed or self._conn.broken) or not _READ.match(sql):
                raise pg_error(exc, self.url) from exc
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc
        self._open()
        try:
            return _Cursor(self._conn.execute(query, args))
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows, pipelined by psycopg: copying a register is not a round trip per row."""
        import psycopg

        try:
            with self._conn.cursor() as cursor:
                cursor.executemany(_PARAM.sub("%s", sql), [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc

    # -- what ``atomic`` needs -----------------------------------------------------------------

    def begin_write(self, reads: tuple[tuple[str, tuple[Any, ...]], ...] = ()) -> None:
        """Start a write transaction holding the register's one write lock (like BEGIN IMMEDIATE).

        ``reads`` are answered in the same round trip, after the lock is held (see ``execute``).

        A connection the server dropped while idle is opened again first: nothing was done yet.
        """
        import psycopg

        if self._conn.closed or self._conn.broken:
            self._open()
        try:
            self._begin(reads)
        except psycopg.errors.LockNotAvailable as exc:
            self.rollback_write()
            raise RegisterBusy("Register sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi") from exc
        except psycopg.OperationalError:
            self.rollback_write()
            self._open()
            try:
                self._begin(reads)
            except psycopg.Error as again:
                self.rollback_write()
                raise pg_error(again, self.url) from again
        except psycopg.Error as exc:  # the first reads, sent with the lock, met a table renamed meanwhile
            self.rollback_write()
            raise pg_error(exc, self.url) from exc

    def _begin(self, reads: tuple[tuple[str, tuple[Any, ...]], ...] = ()) -> None:
        # One round trip for BEGIN, the lock, the chain head and the caller's first reads: psycopg
        # binds the reads' values on the client (mogrify) and sends it all as one simple query.
        import psycopg

        self._writing = True
        self._pending.clear()
        self._prefetched.clear()
        statements = [
            "BEGIN",
            f"SET LOCAL lock_timeout = '{int(self.busy_timeout_s * 1000)}ms'",
            f"SELECT pg_advisory_xact_lock({int(WRITE_LOCK)})",
        ]
        head = self._events_exist
        if head:
            statements.append("SELECT hash FROM events ORDER BY id DESC LIMIT 1")
        binder = psycopg.ClientCursor(self._conn)
        statements += [binder.mogrify(_PARAM.sub("%s", sql), params) for sql, params in reads]
        cursor = self._conn.cursor()
        cursor.execute("; ".join(statements).encode("utf-8"), prepare=False)
        results = [cursor.fetchall() if cursor.description else []]
        while cursor.nextset():
            results.append(cursor.fetchall() if cursor.description else [])
        answers = results[len(results) - len(reads) :] if reads else []
        for (sql, params), rows in zip(reads, answers, strict=True):
            self._prefetched[(sql, tuple(params))] = rows
        if head:
            row = results[3][0] if results[3] else None
            self._head, self._head_known = (row[0] if row else None), True
        else:
            self._head, self._head_known = None, False

    def last_event_hash(self) -> str | None:
        """The newest event's hash, as of holding the write lock (fetched with it once events exist)."""
        if not self._head_known:
            row = self.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
            self._head, self._head_known, self._events_exist = (row[0] if row else None), True, True
        return self._head

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """Queue a statement whose result nobody reads; sent with the next statement or the COMMIT."""
        if not self._writing:
            self.execute(sql, params)
            return
        self._pending.append((_PARAM.sub("%s", sql), tuple(params)))

    def write_event(self, sql: str, params: tuple[Any, ...], new_hash: str) -> None:
        """Queue an event row and remember it as the chain's head for the next event."""
        self.write(sql, params)
        self._head = new_hash

    def _send_pending(self, query: str, args: tuple[Any, ...]) -> Any:
        """The queued rows and one more statement as one simple query: a single round trip.

        Values are bound on the client by psycopg's own quoting (``ClientCursor.mogrify``), never
        pasted by us; the cursor comes back positioned on the last statement's result.
        """
        import psycopg

        pending, self._pending = self._pending, []
        binder = psycopg.ClientCursor(self._conn)
        text = "; ".join(binder.mogrify(q, v) for q, v in [*pending, (query, args)])
        cursor = self._conn.cursor()
        cursor.execute(text.encode("utf-8"), prepare=False)
        while cursor.nextset():
            pass
        return cursor

    def commit_write(self) -> None:
        import psycopg

        try:
            if self._pending:
                self._send_pending("COMMIT", ())
            else:
                self._conn.execute("COMMIT")
        except psycopg.Error as exc:
            self.rollback_write()
            raise pg_error(exc, self.url, committing=True) from exc
        self._writing = False
        self._prefetched.clear()
        self._head_known = False

    def rollback_write(self) -> None:
        import contextlib

        import psycopg

        self._writing = False
        self._pending.clear()
        self._prefetched.clear()
        self._head_known = False
        if self._conn is None or self._conn.closed:
            return
        with contextlib.suppress(psycopg.Error):
            self._conn.execute("ROLLBACK")

    def check_same(self) -> None:
        """SQLite checks its file was not swapped; a server database has no such file."""

    # -- schema --------------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.execute("SELECT to_regclass('docgen_schema') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        found = self.execute("SELECT version FROM docgen_schema").fetchone()
        return int(found[0]) if found else 0

    def set_schema_version(self, version: int) -> None:
        self.execute("CREATE TABLE IF NOT EXISTS docgen_schema (version INTEGER NOT NULL)")
        self.execute("DELETE FROM docgen_schema")
        self.execute("INSERT INTO docgen_schema (version) VALUES (?)", (version,))

    def has_schema(self) -> bool:
        row = self.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()
        return int(row[0]) > 0


def connect_pg(url: str, *, busy_timeout_s: float, pooled: bool = False) -> PgConnection:
    return PgConnection(url, busy_timeout_s=busy_timeout_s, pooled=pooled)
