"""The stamp folder's sidecar, checked with strict types before anything reaches the register.

``id: 12`` names a signed draft already in the register; anything else is a request for a new
letter. YAML gives ``id: true`` as a bool, ``id: "1"`` as a string and ``id: 1.0`` as a float,
and Python treats ``True`` as 1: taken as given, ``id: true`` stamped document 1 and was hashed
into the event log as ``true`` while stored as ``1``. So ``id`` must be a real positive integer
that SQLite can hold, and stand alone: a sidecar with ``id`` and request fields is ambiguous.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from docgen.errors import RequestError

__all__ = ["StampSidecar", "stamp_target"]

SQLITE_MAX_INT = 2**63 - 1


class StampSidecar(BaseModel):
    """A sidecar naming an existing document: ``id`` and nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: StrictInt = Field(gt=0, le=SQLITE_MAX_INT)


def stamp_target(data: dict[str, Any], sidecar: str) -> tuple[int | None, dict[str, Any] | None]:
    """``(doc_id, None)`` for ``id: N``, ``(None, data)`` for a new letter; else a RequestError."""
    if "id" not in data:
        return None, data
    try:
        return StampSidecar.model_validate(data).id, None
    except ValidationError as exc:
        extra = sorted(str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden")
        if extra:
            raise RequestError(
                f"{sidecar}: kolom id tidak boleh bersama kolom lain ({', '.join(extra)}); tulis hanya "
                "'id: 12' untuk surat yang sudah ada di register, atau hanya kolom permintaan untuk surat baru"
            ) from None
        raise RequestError(
            f"{sidecar}: kolom id harus bilangan bulat positif seperti 'id: 12' (tertulis: {data['id']!r:.40}); "
            "tulis nomor dokumen tanpa tanda kutip dan tanpa koma"
        ) from None
