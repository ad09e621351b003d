"""Names from the inbox as the watcher shows and files them.

A dropped file's name is data from outside: it may hold bytes that are not UTF-8 (Python hands
them over as lone surrogates, which neither SQLite nor a UTF-8 note can store), control
characters, or be so long that ``name.error.txt`` passes the 255-byte limit of the file system.
The note and the register keep a readable, faithful form of the original name (``shown``); the
outcome folders get a printable, length-bounded one (``safe_name``), so filing never fails.
"""

from __future__ import annotations

import hashlib
import os

__all__ = ["NAME_BYTES", "safe_name", "shown", "thousands"]

# 255 bytes (NAME_MAX) less what filing adds: " (20261128-083000-12)", ".duplikat.txt" and ".~.tmp".
NAME_BYTES = 200
_SUFFIX_CHARS = 16  # a longer "extension" is not one worth keeping


def shown(text: str) -> str:
    """``text`` with undecodable bytes written as ``\\xff`` escapes: storable, printable, faithful.

    Names read from the disk carry such bytes as surrogates (``surrogateescape``); writing them
    back as escapes shows the clerk which byte was wrong instead of failing on it.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte (e.g. from JSON "\\ud800")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _printable(ch: str) -> bool:
    return ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "/\\"


def safe_name(name: str, max_bytes: int = NAME_BYTES) -> str:
    """A name for the outcome folders: printable characters only, at most ``max_bytes`` in UTF-8.

    A name that had to change gets a short digest of the original, so two long names that share
    their beginning do not end up as one. The suffix (``.pdf``, ``.yaml``) is kept: the folders
    and the clerk recognise files by it.
    """
    clean = "".join(ch if _printable(ch) else "_" for ch in name).strip() or "_"
    if clean.startswith("."):  # a hidden name would be skipped by the clerk's eye and by our own scan
        clean = "_" + clean[1:]
    if clean == name and len(clean.encode("utf-8")) <= max_bytes:
        return clean
    stem, dot, suffix = clean.rpartition(".")
    if not dot or not stem or len(suffix) > _SUFFIX_CHARS:
        stem, suffix = clean, ""
    else:
        suffix = "." + suffix
    digest = hashlib.sha256(os.fsencode(name) if _fs_encodable(name) else name.encode("utf-8", "replace"))
    tail = f"~{digest.hexdigest()[:8]}{suffix}"
    room = max_bytes - len(tail.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    return stem + tail


def _fs_encodable(name: str) -> bool:
    try:
        os.fsencode(name)
    except UnicodeEncodeError:
        return False
    return True


def thousands(count: int) -> str:
    """``5000`` as ``5.000``: the way the office writes numbers (a comma there is a decimal mark)."""
    return f"{count:,}".replace(",", ".")
