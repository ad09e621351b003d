"""``docgen register backup``: a checked copy of the register, with the date in its name.

SQLite's online backup API copies a consistent snapshot while other processes keep working;
the copy is checked (``PRAGMA integrity_check`` and the event chain) before it gets its final
name, so a file named ``docgen-YYYYMMDD-HHMMSS.sqlite`` is always one that can be restored.
``docgen watch`` calls :func:`backup_register` once a day.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from datetime import datetime
from pathlib import Path

from docgen.errors import RegisterError
from docgen.profile import Workspace
from docgen.register.backupfiles import backup_dir, backups
from docgen.register.events import verify_chain
from docgen.register.opening import open_connection
from docgen.store.db import SCHEMA_VERSION

__all__ = ["backup_register"]


def _fsync(path: Path, *, folder: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if folder else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _problems(copy: sqlite3.Connection) -> list[str]:
    """What is wrong with a backup copy; empty when it can be restored as it is."""
    result = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        return [f"integrity_check: {'; '.join(result[:3])}"]
    version = copy.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        return [f"skema {version}, bukan {SCHEMA_VERSION}"]
    return verify_chain(copy)


def _place(tmp: Path, folder: Path, stamp: str) -> Path:
    """Link the checked copy to the first free name for ``stamp``; an existing backup is never replaced."""
    for counter in range(1, 1000):
        name = f"{stamp}.sqlite" if counter == 1 else f"{stamp}-{counter}.sqlite"
        try:
            os.link(tmp, folder / name)
        except FileExistsError:
            continue
        return folder / name
    raise RegisterError(f"Terlalu banyak cadangan bernama {stamp} di {folder}; tunggu sedetik lalu ulangi")


def backup_register(workspace: Workspace, *, target_dir: Path | None = None, keep: int | None = None) -> Path:
    """Write a checked copy of the register; with ``keep`` > 0 delete the oldest beyond that many.

    ``target_dir`` defaults to ``[register] backup_dir``, ``keep`` to ``[register] backup_keep``
    (0 keeps every backup). Returns the new backup's path.
    """
    if workspace.profile.books.url:
        raise RegisterError(
            "Register di PostgreSQL dicadangkan di server dengan pg_dump (lihat README: PostgreSQL), "
            "bukan dengan 'docgen register backup'"
        )
    folder = Path(target_dir) if target_dir is not None else backup_dir(workspace)
    keep = workspace.profile.books.backup_keep if keep is None else keep
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise RegisterError(f"Jumlah cadangan yang disimpan harus bilangan bulat 0 atau lebih, bukan {keep!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegisterError(f"Folder cadangan {folder} tidak bisa dibuat ({exc}); periksa jalur dan izinnya") from exc
    stamp = datetime.now().strftime("docgen-%Y%m%d-%H%M%S")
    tmp = folder / f".{stamp}.{os.getpid()}.tmp"
    try:
        with closing(open_connection(workspace)) as source, closing(sqlite3.connect(tmp)) as copy:
            source.backup(copy)
            # One self-contained file: no -wal/-shm beside the backup.
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.row_factory = sqlite3.Row
            problems = _problems(copy)
        if problems:
            raise RegisterError(
                f"Cadangan tidak dibuat: salinan register gagal diperiksa ({problems[0]}); jalankan "
                "'docgen register check' dan perbaiki registernya dulu"
            )
        _fsync(tmp)
        final = _place(tmp, folder, stamp)
        _fsync(folder, folder=True)
    except sqlite3.Error as exc:
        raise RegisterError(f"Cadangan ke {folder} gagal ({exc}); periksa ruang disk dan izin folder") from exc
    except OSError as exc:
        raise RegisterError(f"Cadangan ke {folder} gagal ({exc}); periksa ruang disk dan izin folder") from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
    if keep > 0:
        for old in backups(folder)[:-keep]:
            with suppress(FileNotFoundError):
                old.unlink()
    return final
