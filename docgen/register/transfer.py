"""Moving an office's SQLite register to its PostgreSQL server, and proving nothing changed on the way.

An office that outgrows one PC already has a register full of numbers, letters and a hash-chained
log; numbering must go on from where it stopped, and the outbox (whose ``.register-id`` names the
register) must still belong to it. So the copy keeps every row with its id, the register's own id
included, and is judged afterwards by the same audit a clerk runs: equal rows per table, the event
chain intact on the server, every recorded file's hash matching the outbox.

Everything on the server happens in ONE transaction (PostgreSQL's DDL is transactional): schema,
rows and identity sequences commit together, so a failed copy leaves the target empty and the
same command can simply run again. The SQLite file is only read until the copy checked out; its
write lock is held throughout so that no process can issue a number that would be left behind, and
then it is marked as moved: from then on it refuses every write, naming the server (issue 21: both
registers issued 2001 after a copy).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from docgen.errors import RegisterError
from docgen.profile import Workspace
from docgen.register.events import append_event
from docgen.register.opening import identity_problem, moved_problem, write_place
from docgen.store.db import SCHEMA_VERSION, atomic, connect

__all__ = ["TABLES", "CopyReport", "copy_to_postgres", "target_contents"]

#: Every table of the register in an order that satisfies the foreign keys (documents.number_id is
#: filled in after ``numbers``: the two tables point at each other). A migration that adds a table
#: must add it here; copying refuses a register holding a table this list does not name.
TABLES = (
    "meta",
    "counters",
    "documents",
    "numbers",
    "files",
    "events",
    "incoming",
    "dispositions",
    "intake",
    "links",
    "batches",
    "signatures",
    "users",
    "given_numbers",
)

#: Per table: the columns compared and a fingerprint of the rows under them.
Digests = dict[str, tuple[list[str], str]]


@dataclass
class CopyReport:
    """What was copied and what the checks afterwards found (they found nothing wrong, or it raised)."""

    target: str
    register_id: str
    rows: dict[str, int] = field(default_factory=dict)
    events: int = 0
    files: int = 0
    numbers: int = 0


def _with_url(workspace: Workspace, url: str | None) -> Workspace:
    books = workspace.profile.books.model_copy(update={"url": url})
    return replace(workspace, profile=workspace.profile.model_copy(update={"books": books}))


def _digest(rows: list[Any]) -> str:
    """A fingerprint of a table's content that does not depend on the database's sort order."""
    lines = sorted(json.dumps(list(row), ensure_ascii=False, default=str) for row in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def target_contents(conn: Any) -> str | None:
    """What an intended target already holds, in words, or None when it is empty."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
        )
    ]
    if not tables:
        return None
    held = f"tabel {', '.join(tables[:6])}{' dan lainnya' if len(tables) > 6 else ''}"
    if {"documents", "numbers"} <= set(tables):
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        numbers = conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0]
        held += f"; {docs} dokumen, {numbers} nomor"
    return held


def _refuse_full(target: Any, where: str) -> None:
    held = target_contents(target)
    if held:
        raise RegisterError(
            f"Basis data tujuan {where} tidak kosong ({held}); salin hanya ke basis data kosong: "
            "buat basis data baru (createdb) lalu ulangi"
        )


def _source_tables(source: Any) -> list[str]:
    names = {
        r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    }
    unknown = sorted(names - set(TABLES))
    if unknown:
        raise RegisterError(
            f"Register SQLite berisi tabel yang tidak dikenal program ini ({', '.join(unknown)}); "
            "perbarui docgen di komputer ini lalu ulangi"
        )
    return [t for t in TABLES if t in names]


def _columns(source: Any, table: str) -> list[str]:
    return [r["name"] for r in source.execute(f"PRAGMA table_info({table})")]


def _refuse_unfinished(workspace: Workspace) -> None:
    """A register with a live reservation or a failed check is not copied: fix it where it is."""
    from docgen.register.books import Register
    from docgen.register.check import check_register

    with Register.open(_with_url(workspace, None)) as reg:
        report = check_register(reg)
    if report.in_progress:
        raise RegisterError(
            f"Register SQLite sedang dipakai ({report.in_progress[0]}); hentikan semua proses docgen "
            "(termasuk 'docgen watch') lalu ulangi penyalinan"
        )
    if report.problems:
        raise RegisterError(
            f"Register SQLite belum bersih ({len(report.problems)} masalah, mis. {report.problems[0]}); "
            "jalankan 'docgen register check --fix' dan selesaikan masalahnya dulu, lalu ulangi"
        )


def copy_to_postgres(workspace: Workspace, url: str) -> CopyReport:
    """Copy the workspace's SQLite register into the EMPTY PostgreSQL database at ``url``, then check it.

    Refused before anything is written when the target holds any table, when the SQLite register
    fails its own check or is in use. Raises RegisterError when a check after the copy disagrees:
    the SQLite register stays the books and the target is to be dropped and made again.
    """
    from docgen.store.pg_errors import is_postgres, redacted
    from docgen.store.postgres import PgConnection
    from docgen.store.schema import PG_MIGRATIONS

    if not is_postgres(url):
        raise RegisterError(
            "Tujuan penyalinan bukan alamat PostgreSQL; tulis seperti postgresql://docgen@server:5432/docgen"
        )
    where = f"PostgreSQL {redacted(url)}"
    profile = workspace.profile.books
    target = PgConnection(url, busy_timeout_s=profile.busy_timeout_s)
    try:
        _refuse_full(target, where)  # cheap and first: before hashing the outbox
        _refuse_unfinished(workspace)
        source = connect(workspace.register_path, busy_timeout_s=profile.busy_timeout_s)
        try:
            refusal = identity_problem(source, workspace) or moved_problem(source, workspace)
            if refusal:
                raise RegisterError(refusal)
            # The SQLite write lock for the whole copy and its check: nobody issues a number that
            # would stay behind, and the books are marked as moved before anyone can write again.
            source.begin_write()
            try:
                report, digests = _copy(source, target, where, PG_MIGRATIONS)
                target.close()
                _check_target(workspace, url, where, report, digests)
                _mark_moved(workspace, source, where)
            finally:
                source.rollback_write()
        finally:
            source.close()
    finally:
        target.close()
    return report


def _mark_moved(workspace: Workspace, source: Any, where: str) -> None:
    """After a checked copy, inside the source's write lock: the outbox names its new register, and the
    SQLite register refuses every write from now on, naming where the books went (issue 21: both
    sides issued the same number after a copy)."""
    write_place(workspace, where)
    source.execute("INSERT INTO meta (key, value) VALUES ('moved_to', ?)", (where,))
    append_event(source, "register.moved", to=where)
    source.commit_write()


def _copy(source: Any, target: Any, where: str, steps: list[list[str]]) -> tuple[CopyReport, Digests]:
    """Schema, rows and sequences in one target transaction; returns the report and source digests."""
    tables = _source_tables(source)
    if source.schema_version() != SCHEMA_VERSION:
        raise RegisterError(f"Register SQLite bukan skema {SCHEMA_VERSION}; buka sekali dengan docgen ini lalu ulangi")
    if source.execute("SELECT COUNT(*) FROM numbers WHERE status = 'reserved'").fetchone()[0]:
        # Checked again under the lock: a process that started since the check would issue it here.
        raise RegisterError(
            "Register SQLite sedang dipakai (ada nomor yang sedang dipesan); hentikan semua proses docgen "
            "(termasuk 'docgen watch') lalu ulangi penyalinan"
        )
    register_id = source.execute("SELECT value FROM meta WHERE key = 'register_id'").fetchone()[0]
    report = CopyReport(target=where, register_id=register_id)
    digests: Digests = {}
    with atomic(target):
        _refuse_full(target, where)  # again under the target's write lock: two copies cannot both start
        for step in steps:
            for statement in step:
                target.execute(statement)
        target.set_schema_version(SCHEMA_VERSION)
        target.execute("DELETE FROM meta")  # the new schema's own random id gives way to the register's
        for table in tables:
            columns = _columns(source, table)
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            _check_columns(target, table, columns, where)
            values = [list(r) for r in rows]
            if table == "documents":
                link = columns.index("number_id")
                later = [(v[link], v[columns.index("id")]) for v in values if v[link] is not None]
                for v in values:
                    v[link] = None
            if values:
                names, marks = ", ".join(columns), ", ".join("?" * len(columns))
                target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
            if table == "numbers" and "documents" in tables:
                target.executemany("UPDATE documents SET number_id = ? WHERE id = ?", later)
            report.rows[table] = len(rows)
            digests[table] = (columns, _digest(rows))
        _advance_sequences(target)
    return report, digests


def _check_columns(target: Any, table: str, columns: list[str], where: str) -> None:
    found = {
        r[0]
        for r in target.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?",
            (table,),
        )
    }
    if found != set(columns):
        raise RegisterError(
            f"Tabel {table} berbeda antara register SQLite dan skema {where} "
            f"({', '.join(sorted(found ^ set(columns)))}); laporkan ke pengembang docgen"
        )


def _advance_sequences(target: Any) -> None:
    """Identity columns continue past the highest copied id (an insert would otherwise collide)."""
    identities = target.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall()
    for table, column in identities:
        target.execute(
            f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
            (table, column),
        )


def _check_target(workspace: Workspace, url: str, where: str, report: CopyReport, digests: Digests) -> None:
    """The copy, read back through a fresh connection as every workstation will read it."""
    from docgen.register.books import Register
    from docgen.register.check import check_register

    with Register.open(_with_url(workspace, url)) as reg:
        differ = []
        for table, count in report.rows.items():
            columns, digest = digests[table]
            rows = reg.conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            if len(rows) != count or _digest(rows) != digest:
                differ.append(f"{table} ({len(rows)} baris, sumber {count})")
        check = check_register(reg)
    problems = [f"isi tabel berbeda: {', '.join(differ)}"] if differ else []
    problems += check.problems + check.in_progress
    if problems:
        raise RegisterError(
            f"Salinan di {where} tidak sama dengan register SQLite ({problems[0]}); register SQLite tetap "
            "dipakai. Hapus dan buat ulang basis data tujuan, lalu ulangi penyalinan"
        )
    report.events, report.files, report.numbers = check.events, check.files, check.numbers
