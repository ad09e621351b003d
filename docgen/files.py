"""Putting outputs into the outbox: safe names and atomic, never-overwriting writes.

A document is written to a hidden temporary name, flushed to disk, then linked into place;
a reader never sees half a file, and an existing file is never silently replaced.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import DiskFull, RenderError

__all__ = [
    "MARGIN_BYTES",
    "DISK_FULL_FIX",
    "FileRefused",
    "NameTaken",
    "Written",
    "check_room",
    "disk_full",
    "file_sha256",
    "read_bounded",
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


class FileRefused(Exception):
    """Why :func:`read_bounded` did not return a file's bytes, for the caller to word for its user.

    ``what``: ``unreadable`` (stat or open failed; ``detail`` is the system's reason), ``link``,
    ``not-regular`` (``detail`` names what it is: "sebuah folder", "sebuah FIFO (pipa bernama)"...),
    ``too-big`` (``size`` is what was seen).
    """

    def __init__(self, what: str, *, detail: str = "", size: int = 0) -> None:
        super().__init__(what, detail, size)
        self.what, self.detail, self.size = what, detail, size


#: What a path that is not a regular file is, in the words of a refusal.
_NOT_REGULAR = {
    stat.S_IFDIR: "sebuah folder", stat.S_IFIFO: "sebuah FIFO (pipa bernama)", stat.S_IFCHR: "sebuah perangkat",
    stat.S_IFBLK: "sebuah perangkat", stat.S_IFSOCK: "sebuah soket", stat.S_IFLNK: "sebuah tautan (symlink)",
}  # fmt: skip


def _checked(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused("not-regular", detail=_NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "bukan berkas biasa"))
    if info.st_size > max_bytes:
        raise FileRefused("too-big", size=info.st_size)


def read_bounded(path: Path, max_bytes: int, *, follow_links: bool = False) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``max_bytes``; else :class:`FileRefused`.

    Whatever a user (or anyone who can save into a shared folder) put under the name, nothing here
    blocks or reads without bound: a FIFO is refused before it is opened and opened non-blocking in
    case it replaced the file meanwhile, the size is checked on the open descriptor, and at most one
    byte past the limit is read (a file that grew while being read is refused too). Links are
    refused unless ``follow_links`` (a certificate the user names is their own choice; an entry of
    the shared inbox is not).
    """
    try:
        before = os.stat(path) if follow_links else os.lstat(path)  # a stat never blocks, not even on a FIFO
    except (OSError, ValueError) as exc:
        raise FileRefused("unreadable", detail=getattr(exc, "strerror", None) or "nama tidak sah") from None
    if stat.S_ISLNK(before.st_mode):
        raise FileRefused("link")
    _checked(before, max_bytes)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link after the lstat above
            raise FileRefused("link") from None
        raise FileRefused("unreadable", detail=exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        _checked(os.fstat(handle.fileno()), max_bytes)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise FileRefused("unreadable", detail=exc.strerror or str(exc)) from None
    if len(data) > max_bytes:  # it grew while being read
        raise FileRefused("too-big", size=len(data))
    return data
