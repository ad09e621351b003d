"""The PPK-SKPD's verification of an SPP, the step before its SPM (business map P3.1, issue 25).

An SPP is numbered when it is made; the PPK-SKPD then checks it against the DPA, the SPD and its
evidence, and only a verified SPP may carry an SPM. The verification is an event in the register's
hash-chained log (``spp.verified``, naming who and when), and the SPP's verification state is read
from that log: an event can be neither edited nor deleted without ``docgen register check`` seeing
it, so the state cannot be set back by hand either. The signature states (``documents.state``) are
left as they are: a verified SPP stays ``numbered`` and may still be sent and archived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from docgen.errors import RegisterError, RequestError
from docgen.register import Register
from docgen.register.chain import find_document
from docgen.register.events import append_event, local_date
from docgen.register.rows import DOC_SELECT, document_row
from docgen.register.states import State
from docgen.store.db import atomic
from docgen.text import tanggal

__all__ = ["EVENT", "NEEDS_VERIFIED", "Verification", "refusal_unverified", "verification_of", "verify_spp"]

EVENT = "spp.verified"

#: Kinds whose basis must have been verified first, and the kind of that basis (an SPM on its SPP).
NEEDS_VERIFIED: dict[str, str] = {"spm": "spp"}


@dataclass(frozen=True)
class Verification:
    """Who verified an SPP and when, as the event recorded it."""

    doc_id: int
    official: str  # the [officials] key
    name: str
    nip: str
    day: date
    at: str  # the event's UTC timestamp
    note: str

    @property
    def line(self) -> str:
        """The one line a checklist or a page prints."""
        note = f" ({self.note})" if self.note else ""
        return f"Diverifikasi oleh PPK-SKPD {self.name} pada {tanggal(self.day)}{note}"


def verification_of(reg: Register, doc_id: int) -> Verification | None:
    """The SPP ``doc_id``'s verification, or ``None`` while it waits for one."""
    row = reg.conn.execute(
        "SELECT at, detail FROM events WHERE doc_id = ? AND action = ? ORDER BY id DESC LIMIT 1", (doc_id, EVENT)
    ).fetchone()
    if row is None:
        return None
    detail = json.loads(row["detail"])
    day = date.fromisoformat(detail["tanggal"]) if detail.get("tanggal") else local_date(row["at"])
    return Verification(
        doc_id, str(detail.get("oleh", "")), str(detail.get("nama", "")), str(detail.get("nip", "")), day,
        row["at"], str(detail.get("catatan") or ""),
    )  # fmt: skip


def verify_spp(
    reg: Register, ref: str, *, oleh: str | None = None, note: str = "", day: date | None = None
) -> Verification:
    """Record that the official ``oleh`` (an [officials] key; default the [keuangan] PPK-SKPD) verified
    the SPP ``ref`` (its number or register id) on ``day`` (default today).

    Refused, with nothing recorded: an SPP that is void, superseded or not numbered, or one already
    verified (a second verification would make two answers to "who verified it").
    """
    profile = reg.profile
    key = (oleh or profile.keuangan.ppk_skpd).strip()
    person = profile.officials.get(key)
    if person is None:
        known = ", ".join(sorted(profile.officials))
        raise RequestError(f"Pejabat '{key[:40]}' tidak ada di [officials] profil; pakai salah satu: {known}")
    note = " ".join(note.split())
    if len(note) > 200:
        raise RequestError("Catatan verifikasi lebih dari 200 huruf; ringkas catatannya")
    try:
        spp = find_document(reg.conn, ref, kinds=("spp",))
    except RegisterError as exc:
        raise RequestError(f"Verifikasi SPP: {exc}") from exc
    day = day or date.today()
    made = date.fromisoformat(spp.doc_date)
    if day < made:
        raise RequestError(
            f"Tanggal verifikasi {tanggal(day)} sebelum tanggal SPP {spp.number} ({tanggal(made)}); periksa tanggalnya"
        )
    with atomic(reg.conn) as conn:  # read again under the lock: voided or verified a moment ago
        current = document_row(conn.execute(DOC_SELECT + " WHERE d.id = ?", (spp.id,)).fetchone())
        if current.state in (State.BATAL, State.SUPERSEDED):
            raise RequestError(f"SPP {spp.number} sudah {current.state}; SPP yang batal tidak dapat diverifikasi")
        done = verification_of(reg, spp.id)
        if done is not None:
            raise RequestError(
                f"SPP {spp.number} sudah diverifikasi oleh {done.name} pada {tanggal(done.day)}; tidak dicatat dua kali"
            )
        append_event(
            conn, EVENT, doc_id=spp.id, oleh=key, nama=person.name, nip=person.nip, tanggal=day.isoformat(),
            catatan=note or None, nomor=spp.number,
        )  # fmt: skip
    found = verification_of(reg, spp.id)
    assert found is not None
    return found


def refusal_unverified(reg: Register, kind_name: str, basis_id: int, basis_number: str | None) -> str | None:
    """Why a ``kind_name`` may not rest on the document ``basis_id`` yet (an SPM on an unverified SPP)."""
    if kind_name not in NEEDS_VERIFIED or verification_of(reg, basis_id) is not None:
        return None
    shown = basis_number or str(basis_id)
    return (
        f"SPP {shown} belum diverifikasi PPK-SKPD; jalankan 'docgen spp verifikasi {shown}' "
        f"(atau tombol Verifikasi di meja) lalu ulangi"
    )
