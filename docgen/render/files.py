"""Putting outputs into the outbox: safe names and atomic, never-overwriting writes.

A document is written to a hidden temporary name, flushed to disk, then linked into place;
a reader never sees half a file, and an existing file is never silently replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import RenderError

__all__ = ["Written", "file_stem", "write_new"]

_UNSAFE = re.compile(r"[^0-9A-Za-z.\-_]+")


@dataclass(frozen=True)
class Written:
    path: Path
    sha256: str
    size: int


def file_stem(number: str) -> str:
    """A file name from a document number: ``500.16.7.2/57/423.105/2026`` -> ``500.16.7.2-57-423.105-2026``.

    Slashes and anything else unsafe become ``-`` and leading dots are dropped, so a number can
    never name a path outside its folder.
    """
    stem = _UNSAFE.sub("-", number).strip("-.")
    return stem or "tanpa-nomor"


def write_new(path: Path, data: bytes) -> Written:
    """Write ``data`` to ``path`` atomically; refuse if ``path`` already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if the name is taken: no silent overwrite
        except FileExistsError:
            raise RenderError(f"Berkas {path.name} sudah ada di outbox; tidak ditimpa") from None
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise RenderError(f"Tidak bisa menulis {path} ({exc}); periksa ruang disk dan izin folder") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return Written(path, hashlib.sha256(data).hexdigest(), len(data))
