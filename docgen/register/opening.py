"""Opening and creating the register, and proving it belongs to the outbox beside it.

A register that disappeared used to be re-created empty on the next command, and numbering
restarted at 1 beside an outbox full of letters numbered 1, 2, 3 (issue 8). Now opening never
creates; creating is refused wherever an older register may have lived (documents in the
outbox, backups); and a register carries an id that ``outbox/.register-id`` repeats, so a
register swapped for another one refuses to write until someone restores the right one.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError, RegisterAbsent, RegisterError
from docgen.profile import Workspace
from docgen.register.backupfiles import latest_backup
from docgen.store.db import connect, has_schema, migrate

__all__ = [
    "MARKER",
    "ORPHANS",
    "PLACE",
    "create_connection",
    "creation_refusal",
    "identity_problem",
    "moved_problem",
    "open_connection",
    "outbox_documents",
    "write_place",
]

MARKER = ".register-id"  # in outbox/: the id of the register that issued its documents
#: in outbox/, written by ``register copy-to``: the backend the outbox's register moved to (and its
#: URL without password), so a SQLite register left behind, or restored from before the move, refuses
PLACE = ".register-place"
ORPHANS = "_yatim"  # where ``register check --fix`` sets aside outbox files the register does not know


def outbox_documents(outbox: Path) -> Iterator[Path]:
    """Visible regular files in the outbox, outside the set-aside folder, in no particular order."""
    if not outbox.is_dir():
        return
    for folder, dirs, files in os.walk(outbox):
        here = Path(folder)
        if here == outbox:
            dirs[:] = [d for d in dirs if d != ORPHANS]
        for name in files:
            if not name.startswith(".") and (here / name).is_file():
                yield here / name


def _backup_hint(workspace: Workspace) -> str | None:

    with suppress(DocgenError, OSError):
        newest = latest_backup(workspace)
        return str(newest) if newest else None
    return None


def _restore_or_create(workspace: Workspace) -> str:
    """The fix to name when there is no usable register: restore a backup, or create a first one."""
    if workspace.profile.books.url and (workspace.outbox / MARKER).exists():
        return "pulihkan basis data dari cadangan pg_dump terbaru (lihat README: PostgreSQL)"
    newest = _backup_hint(workspace)
    if newest:
        return (
            f"pulihkan cadangan terbaru {newest} ke {workspace.register_path} (lihat README: memulihkan register), "
            "lalu jalankan 'docgen register check'"
        )
    if (workspace.outbox / MARKER).exists() or next(outbox_documents(workspace.outbox), None) is not None:
        return "outbox ini sudah pernah punya register, jadi tidak dibuat baru; pulihkan register dari cadangan"
    return "untuk workspace baru jalankan 'docgen register create' (folder baru: 'docgen init FOLDER')"


def _open_postgres(workspace: Workspace, *, create: bool, pooled: bool = False) -> Any:
    """The register on the office's PostgreSQL server: the same checks as a file's, in its words."""
    from docgen.store.pg_errors import redacted
    from docgen.store.postgres import connect_pg

    url = workspace.profile.books.url
    assert url is not None
    where = f"PostgreSQL {redacted(url)}"
    try:
        conn = connect_pg(url, busy_timeout_s=workspace.profile.books.busy_timeout_s, pooled=pooled)
    except RegisterAbsent as exc:
        outbox = workspace.outbox
        if create or not ((outbox / MARKER).exists() or next(outbox_documents(outbox), None) is not None):
            raise
        # A database dropped beside an outbox of letters: creating it anew would restart numbering.
        fix = _restore_or_create(workspace)
        raise RegisterAbsent(f"Register {where}: {exc.reason}; {fix}", reason=exc.reason) from exc
    try:
        if conn.schema_version() == 0 and not conn.has_schema():
            if not create:
                reason = "belum berisi register docgen"
                raise RegisterAbsent(f"Register {where} {reason}; {_restore_or_create(workspace)}", reason=reason)
        elif create:
            raise RegisterError(f"Register {where} sudah berisi register; register tidak dibuat ulang")
        migrate(conn, where)
        if create:
            _write_marker(workspace, _register_id(conn), replace=True)
        else:
            conn.write_refusal = identity_problem(conn, workspace)
        conn.outbox = workspace.outbox  # where numbering finds what the outbox proves was issued
    except BaseException:
        conn.close()
        raise
    return conn


def open_connection(workspace: Workspace, *, long_running: bool = False) -> Any:
    """Open the existing register; a missing, empty or schema-less one is refused with its fix.

    ``long_running`` (the watcher) keeps a PostgreSQL connection in a pool that outlives server restarts.
    """
    if workspace.profile.books.url:
        return _open_postgres(workspace, create=False, pooled=long_running)
    path = workspace.register_path
    try:
        conn = connect(path, busy_timeout_s=workspace.profile.books.busy_timeout_s)
    except RegisterAbsent as exc:
        message = f"Register {path} {exc.reason}; {_restore_or_create(workspace)}"
        raise RegisterAbsent(message, reason=exc.reason) from exc
    try:
        conn.write_refusal = identity_problem(conn, workspace) or moved_problem(conn, workspace)  # type: ignore[attr-defined]
        conn.outbox = workspace.outbox  # type: ignore[attr-defined]
        conn.guard_moved = True  # type: ignore[attr-defined]  # a process holding it when it moves stops too
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def creation_refusal(workspace: Workspace) -> str | None:
    """Why a new register may not be made here, or None when this is a fresh workspace."""
    path = workspace.register_path
    if not workspace.profile.books.url and path.is_file() and path.stat().st_size > 0:
        try:
            # Read-write, not read-only: a read-only reader of a WAL file leaves -wal/-shm behind.
            uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                held = has_schema(conn)
        except sqlite3.Error:
            held = True
        if held:
            return f"Register {path} sudah ada; register tidak dibuat ulang (pakai yang ada, atau pulihkan cadangan)"
    newest = _backup_hint(workspace)
    if newest:
        return f"Ada cadangan register {newest}; pulihkan cadangan itu (lihat README), jangan membuat register baru"
    if (workspace.outbox / MARKER).exists():
        # The marker outlives its register: a register was made for this outbox before, and a
        # new one would restart numbering (and take the marker, locking the old one out).
        return (
            f"Outbox ini sudah punya register (outbox/{MARKER}); pulihkan register itu dari cadangan. "
            "Bila memang memulai dari nol, pindahkan folder outbox lama ke tempat lain dahulu"
        )
    found = next(outbox_documents(workspace.outbox), None)
    if found is not None:
        return (
            f"Outbox sudah berisi dokumen ({workspace.shown(found)}); register baru akan "
            "mengulang nomor dari 1, jadi tidak dibuat. Pulihkan register lamanya dari cadangan"
        )
    return None


def create_connection(workspace: Workspace) -> Any:
    """Make a new register (``docgen init``, ``docgen register create``) and mark the outbox as its own."""
    # An outbox on a share that is not mounted looks empty: it must be there before it is judged.
    workspace.require_outbox()
    refusal = creation_refusal(workspace)
    if refusal:
        raise RegisterError(refusal)
    if workspace.profile.books.url:
        return _open_postgres(workspace, create=True)
    conn = connect(workspace.register_path, busy_timeout_s=workspace.profile.books.busy_timeout_s, create=True)
    try:
        _write_marker(workspace, _register_id(conn), replace=True)
        conn.outbox = workspace.outbox  # type: ignore[attr-defined]
    except BaseException:
        conn.close()
        raise
    return conn


def _register_id(conn: Any) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'register_id'").fetchone()
    return str(row[0]) if row else ""


def _write_marker(workspace: Workspace, register_id: str, *, replace: bool) -> None:
    """Write ``outbox/.register-id`` atomically; without ``replace`` an existing marker wins."""
    outbox = workspace.outbox
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        tmp = outbox / f"{MARKER}.{os.getpid()}.tmp"
        tmp.write_text(register_id + "\n", encoding="ascii")
        try:
            if replace:
                os.replace(tmp, outbox / MARKER)
            else:
                with suppress(FileExistsError):
                    os.link(tmp, outbox / MARKER)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        if replace:
            raise RegisterError(
                f"Penanda {outbox / MARKER} tidak bisa ditulis ({exc}); periksa izin folder outbox"
            ) from exc
        # Opening only adds a missing marker; a read-only outbox must not stop a reader.


def identity_problem(conn: Any, workspace: Workspace) -> str | None:
    """Why this register must not write beside this outbox, or None when they belong together.

    A missing marker (a register from before issue 8, or a deleted marker) is written now, unless
    the register is empty while the outbox holds documents.
    """
    path, outbox = workspace.register_path, workspace.outbox
    register_id = _register_id(conn)
    try:
        marker: str | None = (outbox / MARKER).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        marker = None
    except (OSError, UnicodeDecodeError):
        marker = "(tak terbaca)"
    if marker is not None and marker != register_id:
        return (
            f"Register {path} (id {register_id[:8]}) bukan register outbox ini (outbox/{MARKER}: {marker[:12]}); "
            "perubahan ditolak. Pulihkan register yang benar dari cadangan lalu jalankan 'docgen register check'"
        )
    if marker is None and not conn.execute("SELECT EXISTS (SELECT 1 FROM documents)").fetchone()[0]:
        # With a matching marker the register was made for this outbox (creating is refused beside
        # documents), so later unknown files are orphans for 'register check'. Without one, an empty
        # register beside documents is what a deleted-and-recreated register looks like.
        found = next(outbox_documents(outbox), None)
        if found is not None:
            return (
                f"Register {path} kosong padahal outbox berisi dokumen ({found.relative_to(outbox).as_posix()}); "
                "perubahan ditolak agar nomor tidak terulang. Pulihkan register dari cadangan terbaru"
            )
    if marker is None and outbox.is_dir():
        _write_marker(workspace, register_id, replace=False)
    return None


def moved_problem(conn: Any, workspace: Workspace) -> str | None:
    """Why this SQLite register may no longer write because its books moved to PostgreSQL, if so.

    Two marks say it: the register's own ``moved_to`` (written by ``register copy-to``), and the
    outbox's ``.register-place``, which still holds when the SQLite file is a backup from before
    the move. Either way both sides would issue the same numbers (issue 21: both issued 2001).
    """
    row = conn.execute("SELECT value FROM meta WHERE key = 'moved_to'").fetchone()
    fix = "Isi [register] url di docgen.toml komputer ini dengan alamat itu (lihat README: PostgreSQL)"
    if row is not None:
        return f"Register {workspace.register_path} sudah dipindah ke {row[0]}; perubahan ditolak. {fix}"
    try:
        place = (workspace.outbox / PLACE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if place and place[0].strip() == "postgresql":
        where = place[1].strip() if len(place) > 1 else "PostgreSQL"
        return (
            f"Outbox ini milik register di {where} (outbox/{PLACE}); register SQLite {workspace.register_path} "
            f"tidak dipakai lagi dan perubahan ditolak. {fix}"
        )
    return None


def write_place(workspace: Workspace, where: str) -> None:
    """Record in the outbox that its register now lives at ``where`` (a redacted PostgreSQL URL)."""
    outbox = workspace.outbox
    tmp = outbox / f"{PLACE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(f"postgresql\n{where}\n", encoding="utf-8")
        os.replace(tmp, outbox / PLACE)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RegisterError(f"Penanda {outbox / PLACE} tidak bisa ditulis ({exc}); periksa izin folder outbox") from exc
