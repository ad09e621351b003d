"""Putting outputs into the outbox: safe names and atomic, never-overwriting writes.

A document is written to a hidden temporary name, flushed to disk, then linked into place;
a reader never sees half a file, and an existing file is never silently replaced.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import DiskFull, RenderError

__all__ = [
    "MARGIN_BYTES",
    "DISK_FULL_FIX",
    "NameTaken",
    "Written",
    "check_room",
    "disk_full",
    "file_sha256",
    "write_new",
]

#: Free space kept beyond twice the expected output: SQLite's journal and the event log need room too.
MARGIN_BYTES = 20_000_000
DISK_FULL_FIX = "kosongkan ruang disk lalu jalankan 'docgen register check --fix'"
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class NameTaken(RenderError):
    """The outbox name is already taken (by an earlier file, or by another process a moment ago)."""


@dataclass(frozen=True)
class Written:
    path: Path
    sha256: str
    size: int


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk or the file-size limit is full, from the OS or SQLite."""
    seen = 0
    while exc is not None and seen < 10:
        if (isinstance(exc, OSError) and exc.errno in _FULL) or "disk is full" in str(exc):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


def check_room(folder: Path, *, also: Iterable[Path] = (), expected: int = 0) -> None:
    """Refuse, before a number is reserved, a write that cannot succeed.

    ``folder`` is created now and proven writable (with a nameless O_TMPFILE file where the
    system has it, so a crash leaves nothing behind); every disk holding ``folder`` or ``also``
    (the registers folder) must have twice ``expected`` plus a margin free. A year folder that
    cannot be made or a full disk once voided a number with an unexpected error, or left it
    reserved because the void itself could not be written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        if disk_full(exc):
            raise DiskFull(f"Disk penuh: {folder} tidak bisa ditulisi ({exc.strerror}); {DISK_FULL_FIX}") from exc
        raise RenderError(
            f"Folder {folder} tidak bisa dibuat atau ditulisi ({exc.strerror or exc}); periksa izin folder outbox "
            "dan pastikan tidak ada berkas bernama sama dengan folder itu"
        ) from exc
    need = 2 * max(expected, 0) + MARGIN_BYTES
    for place in (folder, *also):
        try:
            stats = os.statvfs(place)
        except (OSError, AttributeError):  # no statvfs (Windows) or a vanished folder: the write will tell
            continue
        free = stats.f_bavail * stats.f_frsize
        if free < need:
            raise DiskFull(
                f"Ruang disk di {place} tinggal {free / 1e6:.1f} MB, kurang dari {need / 1e6:.1f} MB yang dibutuhkan; "
                "kosongkan ruang disk lalu coba lagi"
            )


def write_new(path: Path, data: bytes) -> Written:
    """Write ``data`` to ``path`` atomically; refuse if ``path`` already exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if the name is taken: no silent overwrite
        except FileExistsError:
            raise NameTaken(f"Berkas {path.name} sudah ada di outbox; tidak ditimpa") from None
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        if disk_full(exc):
            raise DiskFull(f"Disk penuh saat menulis {path.name} ({exc.strerror}); {DISK_FULL_FIX}") from exc
        raise RenderError(f"Tidak bisa menulis {path} ({exc}); periksa ruang disk dan izin folder") from exc
    finally:
        with contextlib.suppress(OSError):  # the folder itself is unusable: nothing was written there
            tmp.unlink(missing_ok=True)
    return Written(path, hashlib.sha256(data).hexdigest(), len(data))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file read in 1 MiB blocks, so a large scan never sits whole in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
