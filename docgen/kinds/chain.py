"""What a permit document takes from the document it rests on, so no field is typed twice.

Business map P6.1/P6.2: the BAP records the applicant and the object as the team found them on
site; the rekomendasi written on that BAP, and the izin or Sertifikat Standar printed on that
rekomendasi, describe the same applicant and object. The permit officer used to retype about
twenty fields at every step. Here each kind declares which of its fields come from which
basis kind; the pipeline looks the basis up in the register and lays the request over what the
basis gives (the request wins, so a corrected telephone number or a new condition is typed once
and still checked against the basis by the kind's own ``Basis.check``).

Pure: the basis arrives as the register keeps it (its number and date as registered, its
request as validated JSON); nothing here reads the register or the clock.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, Final

from docgen.kinds.base import Kind

__all__ = ["NOMOR", "TAKES", "TANGGAL", "filled", "merge_under", "taken_from"]

NOMOR: Final = "@nomor"
"""The basis's number as registered (not as its request spelled it: an id, a typo fixed later)."""
TANGGAL: Final = "@tanggal"
"""The basis's date as registered (ISO)."""


def _frozen(table: dict[str, dict[str, dict[str, str]]]) -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """Read-only all the way down: the table is shared by every request in the process."""
    return MappingProxyType(
        {kind: MappingProxyType({b: MappingProxyType(f) for b, f in bases.items()}) for kind, bases in table.items()}
    )


TAKES: Final = _frozen(
    {
        # A rekomendasi cites its BAP by number and date and describes the BAP's applicant and object.
        "rekomendasi": {
            "bap": {
                "bap": NOMOR,
                "tanggal_bap": TANGGAL,
                "jenis_izin": "jenis_izin",
                "pemohon": "pemohon",
                "objek": "objek",
            }
        },
        # An izin is of the type the rekomendasi recommends, for its applicant and object.
        "izin": {"rekomendasi": {"rekomendasi": NOMOR, "jenis": "jenis_izin", "pemohon": "pemohon", "objek": "objek"}},
        # A Sertifikat Standar names the business flat: NIB, name and address, and where it operates.
        # It does not rest on the document it is filled from: its number and first print are OSS's,
        # and only its verification ('docgen sertifikat verifikasi --dasar') names a BAP or rekomendasi.
        "sertifikat-standar": {
            basis: {
                "nib": "pemohon.nib",
                "nama_usaha": "pemohon.nama",
                "alamat_usaha": "pemohon.alamat",
                "lokasi_usaha": "objek.alamat",
            }
            for basis in ("rekomendasi", "bap")
        },
    }
)
"""Per kind, per basis kind: field of the kind -> where the basis holds it (a dotted path into the
basis's request, or ``NOMOR``/``TANGGAL``). Whole ``pemohon``/``objek`` parts are copied, so a
part that gains fields (reklame's naskah, a penanggung jawab) comes along without a change here."""


def taken_from(
    kind: str,
    basis_kind: str,
    *,
    number: str,
    day: str,
    request: Mapping[str, Any],
    only: Collection[str] | None = None,
) -> dict[str, Any]:
    """The fields ``kind`` takes from a basis of ``basis_kind`` (``number`` and ``day`` as registered).

    A source the basis does not hold (an incoming rekomendasi without an object, a BAP applicant
    without NIB) is left out rather than set empty, so the kind's own validation names the field
    to fill. ``only`` keeps the fields the kind's model has, so a field a later model renamed is
    never sent into it as an unknown one.
    """
    out: dict[str, Any] = {}
    for field, source in TAKES.get(kind, {}).get(basis_kind, {}).items():
        if only is not None and field not in only:
            continue
        value = number if source == NOMOR else day if source == TANGGAL else _at(request, source)
        if value is not None and value != "":
            out[field] = copy.deepcopy(value)
    return out


def filled(kind: Kind, data: Any, basis_kind: str, *, number: str, day: str, request: Mapping[str, Any]) -> Any:
    """``data`` laid over what ``kind`` takes from its basis; the basis field names it where ``TAKES`` says so.

    Data that is not a mapping is returned as it is, for the kind's validation to refuse in its
    own words.
    """
    if not isinstance(data, Mapping):
        return data
    taken = taken_from(kind.name, basis_kind, number=number, day=day, request=request, only=kind.model.model_fields)
    return merge_under(taken, data)


def _at(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def merge_under(below: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``below`` with ``over`` laid on it: a dict in both is merged key by key, anything else is ``over``'s.

    So a request giving only ``pemohon.telepon`` keeps the basis's name and address beneath it,
    while a list (``syarat``) or a plain value replaces the basis's whole.
    """
    merged = copy.deepcopy(dict(below))
    for key, value in over.items():
        under = merged.get(key)
        is_part = isinstance(value, Mapping) and isinstance(under, Mapping)
        merged[key] = merge_under(under, value) if is_part else copy.deepcopy(value)
    return merged
