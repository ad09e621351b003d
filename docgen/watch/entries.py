"""Reading an entry of the inbox without trusting it.

Anyone who can save into the shared folder can leave a symbolic link to a file elsewhere (the
watcher would number a request it was never given, or copy an outside PDF into the outbox), a
FIFO named ``x.yaml`` (opening it blocks forever), a directory named ``d.yaml``, or a file far
larger than any letter. So an entry is read only through a descriptor opened with ``O_NOFOLLOW``
and ``O_NONBLOCK``, checked with ``fstat`` to be a regular file within its size limit, and read
at most one byte past that limit. What is read is then parsed from a private copy (``staged``),
so the bytes that were checked are the bytes that are used.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import RequestError
from docgen.watch.names import safe_name, shown, thousands

__all__ = ["LINK_REFUSED", "entry_signature", "read_regular", "staged"]

LINK_REFUSED = "tautan tidak diterima"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "sebuah folder"
    if stat.S_ISFIFO(mode):
        return "sebuah FIFO (pipa bernama)"
    if stat.S_ISSOCK(mode):
        return "sebuah soket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "sebuah perangkat"
    return "bukan berkas biasa"


def _link(name: str) -> RequestError:
    return RequestError(f"{name} adalah tautan (symlink); {LINK_REFUSED}: salin berkas aslinya ke folder ini")


def _not_regular(name: str, mode: int) -> RequestError:
    return RequestError(
        f"{name} adalah {_kind(mode)}, bukan berkas biasa; hanya berkas biasa yang diproses: "
        "simpan isinya sebagai berkas biasa"
    )


def read_regular(path: Path, max_bytes: int, limit: str) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``max_bytes``.

    ``limit`` names the profile setting (``request_bytes``...) so a refusal says what to raise.
    Everything else is a RequestError for the note; nothing here can block or follow a link.
    """
    name = shown(path.name)
    try:
        before = os.lstat(path)
    except OSError as exc:
        raise RequestError(f"{name} tidak bisa dibaca ({exc.strerror}); letakkan lagi berkasnya") from exc
    if stat.S_ISLNK(before.st_mode):
        raise _link(name)
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(name, before.st_mode)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link after the lstat above
            raise _link(name) from exc
        raise RequestError(f"{name} tidak bisa dibuka ({exc.strerror}); periksa izin berkasnya") from exc
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(name, st.st_mode)
        if st.st_size > max_bytes:
            raise _too_big(name, st.st_size, max_bytes, limit)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while being read
        raise _too_big(name, len(data), max_bytes, limit)
    return data


def _too_big(name: str, size: int, max_bytes: int, limit: str) -> RequestError:
    return RequestError(
        f"{name} berukuran {thousands(size)} bait, melebihi batas {thousands(max_bytes)} bait "
        f"(limits.{limit} di docgen.toml); "
        "perkecil atau pecah berkasnya"
    )


def entry_signature(path: Path) -> tuple[int, int, int] | None:
    """Inode, size and mtime of the entry itself (a link is not followed); None if it is gone."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextmanager
def staged(content: bytes, name: str) -> Iterator[Path]:
    """``content`` in a private temporary folder under a safe form of ``name``.

    Readers that want a path (the request loader, the stamper) get one that nobody else can
    swap for a link between the check and the read; its name is the one shown in messages.
    """
    with tempfile.TemporaryDirectory(prefix="docgen-watch-") as folder:
        path = Path(folder) / safe_name(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        yield path
