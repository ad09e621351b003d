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

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import RequestError
from docgen.files import FileRefused, read_bounded
from docgen.watch.names import safe_name, shown, thousands

__all__ = ["LINK_REFUSED", "entry_signature", "read_regular", "staged"]

LINK_REFUSED = "tautan tidak diterima"


def _link(name: str) -> RequestError:
    return RequestError(f"{name} adalah tautan (symlink); {LINK_REFUSED}: salin berkas aslinya ke folder ini")


def _not_regular(name: str, what: str) -> RequestError:
    return RequestError(
        f"{name} adalah {what}, bukan berkas biasa; hanya berkas biasa yang diproses: "
        "simpan isinya sebagai berkas biasa"
    )


def read_regular(path: Path, max_bytes: int, limit: str) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``max_bytes``.

    ``limit`` names the profile setting (``request_bytes``...) so a refusal says what to raise.
    Everything else is a RequestError for the note; nothing here can block or follow a link.
    """
    name = shown(path.name)
    try:
        return read_bounded(path, max_bytes)
    except FileRefused as refused:
        if refused.what == "link":
            raise _link(name) from None
        if refused.what == "not-regular":
            raise _not_regular(name, refused.detail) from None
        if refused.what == "too-big":
            raise _too_big(name, refused.size, max_bytes, limit) from None
        raise RequestError(f"{name} tidak bisa dibaca ({refused.detail}); letakkan lagi berkasnya") from None


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
