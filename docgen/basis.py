"""The document a request rests on: found by the number it names, filled from, checked, printed.

A rekomendasi rests on its BAP, an izin or a certificate on its rekomendasi (DOMAIN.md section 4,
business map P6.1, P6.2). The pipeline asks here before any number is taken: what the basis
gives fills what the request leaves out (``--dasar``), the finished request is checked against
the basis, and the basis is printed as registered; a basis that must be verified first (an SPP
under its SPM, ``docgen.sppverify``) is refused until it is; the link itself is written by the register
in the transaction that creates the document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.errors import RegisterError, RequestError
from docgen.kinds import Kind, get_kind
from docgen.kinds.chain import filled
from docgen.register import Register
from docgen.register.chain import find_document
from docgen.register.rows import DocumentRow
from docgen.sppverify import refusal_unverified
from docgen.text import tanggal

__all__ = ["checked_basis", "from_basis", "printed_basis"]


def from_basis(reg: Register, kind: Kind, data: dict[str, Any], dasar: str) -> dict[str, Any]:
    """``data`` laid over what ``kind`` takes from the document ``dasar`` names (number or register id).

    Only read here: ``checked_basis`` checks the finished request against it and the link re-reads it
    under the lock. A request naming another basis than ``dasar`` is refused, not guessed at.
    """
    if kind.basis is None:
        raise RequestError(f"Jenis {kind.name} tidak berdasar dokumen lain; hapus dasar '{dasar[:60]}' dari permintaan")
    basis, own = _found(reg, kind, dasar, f"Dasar {kind.name}:"), kind.basis.field
    named = str(data.get(own) or "").strip() if isinstance(data, dict) else ""
    if named and not _same(reg, kind, named, basis.id):
        raise RequestError(
            f"Permintaan {kind.name} menyebut '{own}' {named[:60]}, padahal dasarnya {basis.kind} {basis.number}; "
            f"hapus '{own}' dari permintaan atau samakan dengan dasarnya"
        )
    _refuse_unverified(reg, kind, basis)
    return filled(kind, data, basis.kind, number=basis.number or "", day=basis.doc_date, request=basis.request)


def _found(reg: Register, kind: Kind, ref: str, told: str) -> DocumentRow:
    """The basis ``ref`` names (number or register id); refused with ``told`` before the reason."""
    try:
        return find_document(reg.conn, ref, kinds=kind.basis.kinds if kind.basis else ())
    except RegisterError as exc:
        raise RequestError(f"{told} {exc}") from exc


def _refuse_unverified(reg: Register, kind: Kind, basis: DocumentRow) -> None:
    """An SPM on an SPP the PPK-SKPD has not verified yet is refused, like a void basis."""
    refusal = refusal_unverified(reg, kind.name, basis.id, basis.number)
    if refusal:
        raise RequestError(f"Permintaan {kind.name}: {refusal}")


def _same(reg: Register, kind: Kind, ref: str, doc_id: int) -> bool:
    try:  # a basis that cannot be found is not the one --dasar found
        return _found(reg, kind, ref, "").id == doc_id
    except RequestError:
        return False


def checked_basis(reg: Register, kind: Kind, request: Any) -> DocumentRow | None:
    """The document this request rests on, checked before any number is taken (and again, under
    the lock, when the link is written)."""
    if kind.basis is None:
        return None
    ref = kind.basis.named_by(request)
    if ref is None:
        return None
    basis = _found(reg, kind, ref, f"Permintaan {kind.name}: '{kind.basis.field}'")
    _refuse_unverified(reg, kind, basis)
    refusal = kind.basis.check(request, basis.kind, basis.request)
    if refusal:
        raise RequestError(f"Permintaan {kind.name}: '{kind.basis.field}' {basis.number}: {refusal}")
    return basis


def printed_basis(kind: Kind, basis: DocumentRow, context: dict[str, Any]) -> dict[str, Any]:
    """What the template prints of the basis: its title, number and date as registered (a received
    rekomendasi: the OPD's own number and date), and the basis field as that number however named."""
    day, title = tanggal(date.fromisoformat(basis.doc_date)), get_kind(basis.kind).title.split(" (")[0]
    shown: dict[str, Any] = {
        "dasar_dokumen": {"nomor": basis.number, "tanggal": day, "teks": f"{title} Nomor {basis.number} tanggal {day}"}
    }
    if kind.basis is not None and kind.basis.field in context:
        shown[kind.basis.field] = basis.number
    return shown
