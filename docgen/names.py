"""Safe file names from document numbers, shared by the books and the outbox.

The register matches outbox files to numbers and the pipeline names the files it writes; both
need the same rule, so it lives below either of them.
"""

from __future__ import annotations

import re

__all__ = ["file_stem"]

_UNSAFE = re.compile(r"[^0-9A-Za-z.\-_]+")


def file_stem(number: str) -> str:
    """A file name from a document number: ``500.16.7.2/57/423.105/2026`` -> ``500.16.7.2-57-423.105-2026``.

    Slashes and anything else unsafe become ``-`` and leading dots are dropped, so a number can
    never name a path outside its folder.
    """
    stem = _UNSAFE.sub("-", number).strip("-.")
    return stem or "tanpa-nomor"
