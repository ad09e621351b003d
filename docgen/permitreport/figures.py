"""The figures of the permit report, read from the register: what counts where, and why.

Every count comes from numbers the register issued, never from files, so a reprint is not a
second permit and a void one is shown apart. The definitions (the office's monthly report, P6.1,
P6.2) are:

- **Permit type**: an izin is reported under its profile title (``[izin.<jenis>].title``,
  "Izin Reklame"); a Sertifikat Standar under "Sertifikat Standar (<risk>)", one row per risk
  level, since the office reports MR and MT apart. A BAP is reported under the permit type it
  inspected for (its ``jenis_izin``).
- **Terbit** (issued): numbered izin and Sertifikat Standar dated in the month, not void. A
  certificate re-issued after its verification (the first print left as ``superseded``, or the
  re-issue resting on it) is the same certificate: counted once, in the month of its first issue.
- **Terverifikasi** (verified): a Sertifikat Standar whose request says ``terverifikasi``,
  counted once per certificate in the month of ``tanggal_verifikasi`` (its date when absent);
  an izin issued on a rekomendasi counts as verified in its issue month, since the rekomendasi
  is the technical verification the DPMPTSP checks before it prints (an izin without one is not).
- **Ditolak** (refused): BAP, not void, concluded *tidak sesuai*, in the month of the BAP.
- **Hari BAP–terbit** (days from BAP to issue): for each permit counted as issued, the basis
  links are followed (izin -> rekomendasi -> BAP) and the days between the BAP's date and the
  permit's date are taken. OSS prints an MT certificate before the inspection, so for a
  certificate the step measured is from the BAP to its verification (the re-issue resting on the
  BAP or rekomendasi), shown with the first print. A group gives how many had a BAP, the mean
  (one decimal), the median and the longest. A permit on a rekomendasi that came from outside has no
  BAP here and is left out of the day figures, not counted as zero.

States are compared as text, so a state the register learns later (``superseded``) needs no
change here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from docgen.errors import RequestError
from docgen.register import Register
from docgen.register.chain import basis_of
from docgen.register.rows import DocumentRow

__all__ = ["Figures", "Permit", "PermitReport", "Refusal", "month_key", "permit_report"]

PERMIT_KINDS = ("izin", "sertifikat-standar")
VOID, SUPERSEDED = "batal", "superseded"
Chain = Callable[[DocumentRow], list[DocumentRow]]  # a document -> the documents it rests on, nearest first
_CHAIN_LIMIT = 8  # izin -> rekomendasi -> BAP is three; a re-issued certificate adds one per re-issue


def month_key(day: date) -> str:
    """``2026-10``: sorts as text in calendar order."""
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class Permit:
    """One izin or certificate with a number, and where it counts."""

    doc: DocumentRow
    type: str
    counted: bool
    """Counted as issued: not void and not the re-issue of a certificate already counted."""
    status: str
    bap: DocumentRow | None
    days: int | None
    """Days from the BAP to this permit, for a counted permit resting on a BAP."""
    verified: str | None
    """Month (``2026-10``) in which it counts as verified, if it does."""

    @property
    def month(self) -> str:
        return self.doc.doc_date[:7]


@dataclass(frozen=True)
class Refusal:
    """A BAP concluded *tidak sesuai*: the inspection refused the permit as applied for."""

    doc: DocumentRow
    type: str

    @property
    def month(self) -> str:
        return self.doc.doc_date[:7]


@dataclass(frozen=True)
class Figures:
    """One line of the summary: the counts and the day figures of a group of permits."""

    issued: int = 0
    verified: int = 0
    refused: int = 0
    void: int = 0
    days: tuple[int, ...] = ()

    @property
    def average(self) -> float | None:
        return round(statistics.fmean(self.days), 1) if self.days else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def longest(self) -> int | None:
        return max(self.days) if self.days else None


@dataclass(frozen=True)
class PermitReport:
    """Permits and refusals between two dates, and the figures per month and type."""

    start: date
    end: date
    permits: tuple[Permit, ...]
    refusals: tuple[Refusal, ...]

    def months(self) -> list[str]:
        """Every month from ``start`` to ``end``, empty ones too (a month with no permit is a figure)."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def figures(self, key: Callable[[str, str], Any]) -> dict[Any, Figures]:
        """Figures grouped by ``key(month, type)``; only groups with something in them."""
        tally: dict[str, Counter[Any]] = {name: Counter() for name in ("issued", "verified", "refused", "void")}
        days: dict[Any, list[int]] = {}
        for p in self.permits:
            if p.counted and self._within(p.month):
                tally["issued"][key(p.month, p.type)] += 1
                if p.days is not None:
                    days.setdefault(key(p.month, p.type), []).append(p.days)
            if p.doc.state == VOID and self._within(p.month):
                tally["void"][key(p.month, p.type)] += 1
            if p.verified and self._within(p.verified):
                tally["verified"][key(p.verified, p.type)] += 1
        for r in self.refusals:
            tally["refused"][key(r.month, r.type)] += 1
        keys = sorted(set().union(*tally.values()))
        return {k: Figures(**{name: c[k] for name, c in tally.items()}, days=tuple(days.get(k, ()))) for k in keys}

    def _within(self, month: str) -> bool:
        return month_key(self.start) <= month <= month_key(self.end)


def _within(doc: DocumentRow, start: date, end: date) -> bool:
    return doc.number is not None and start.isoformat() <= doc.doc_date[:10] <= end.isoformat()


def _chain(reg: Register, doc: DocumentRow) -> list[DocumentRow]:
    """The documents ``doc`` rests on, nearest first (its rekomendasi, then that one's BAP)."""
    chain: list[DocumentRow] = []
    current: DocumentRow | None = doc
    while current is not None and len(chain) < _CHAIN_LIMIT:
        current = basis_of(reg.conn, current.id)
        if current is not None:
            chain.append(current)
    return chain


def _certificate(doc: DocumentRow) -> tuple[str, str, str]:
    """What makes two prints the same certificate: the business, its OSS project and the KBLI."""
    request = doc.request
    return (str(request.get("nib", "")), str(request.get("id_proyek", "")), str(request.get("kbli", "")))


def _first_issues(docs: Iterable[DocumentRow], chain: Chain) -> dict[int, DocumentRow]:
    """For each certificate print, the print that first issued it (itself unless it is a re-issue).

    A print is a re-issue when it rests on an earlier certificate, or when the print before it
    of the same certificate was left ``superseded`` by it.
    """
    first: dict[int, DocumentRow] = {}
    previous: dict[tuple[str, str, str], DocumentRow] = {}
    for doc in sorted(docs, key=lambda d: (d.doc_date, d.id)):
        if doc.state == VOID:
            first[doc.id] = doc
            continue
        earlier = next((d for d in chain(doc) if d.kind == "sertifikat-standar"), None)
        before = previous.get(_certificate(doc))
        if earlier is None and before is not None and str(before.state) == SUPERSEDED:
            earlier = before
        first[doc.id] = first.get(earlier.id, earlier) if earlier is not None else doc
        previous[_certificate(doc)] = doc
    return first


def _type_of(doc: DocumentRow, titles: dict[str, str]) -> str:
    if doc.kind == "sertifikat-standar":
        return f"Sertifikat Standar ({doc.request.get('tingkat_risiko', '?')})"
    jenis = str(doc.request.get("jenis") or doc.request.get("jenis_izin") or "")
    return titles.get(jenis, jenis).title()


def _verified_day(doc: DocumentRow) -> str:
    return str(doc.request.get("tanggal_verifikasi") or doc.doc_date)[:7]


def _days(bap: DocumentRow, day: str) -> int:
    return (date.fromisoformat(day[:10]) - date.fromisoformat(bap.doc_date[:10])).days


def _inspected(doc: DocumentRow, chain: Chain, reissues: list[DocumentRow]) -> tuple[DocumentRow | None, str]:
    """The BAP behind a permit and the day the step after it ended: an izin's issue, a certificate's
    verification (its first print rests on nothing; the verified re-issue rests on the BAP)."""
    for printed in (doc, *reissues):
        bap = next((d for d in chain(printed) if d.kind == "bap"), None)
        if bap is not None:
            return bap, str(printed.request.get("tanggal_verifikasi") or printed.doc_date)
    return None, doc.doc_date


def _status(doc: DocumentRow, first: DocumentRow) -> str:
    if doc.state == VOID:
        return f"batal: {doc.void_reason}" if doc.void_reason else "batal"
    if first.id != doc.id:
        return f"terbit ulang setelah verifikasi (dihitung sekali, pada {first.number or first.id})"
    if str(doc.state) == SUPERSEDED:
        return "terbit; diganti cetakan terverifikasi"
    return "terbit"


def permit_report(reg: Register, start: date, end: date) -> PermitReport:
    """Every izin and Sertifikat Standar with an issued number dated ``start`` to ``end``, and every
    BAP *tidak sesuai* of that period, with the links that give each permit its BAP."""
    if end < start:
        raise RequestError(f"--sampai ({end.isoformat()}) sebelum --dari ({start.isoformat()}); tukar keduanya")
    titles = {key: permit.title for key, permit in reg.profile.izin.items()}
    # later documents cannot be counted; earlier ones are read for the first print of a certificate
    docs = [
        d
        for kind in PERMIT_KINDS
        for d in reg.documents(kind=kind)
        if d.number is not None and d.doc_date[:10] <= end.isoformat()
    ]
    chains: dict[int, list[DocumentRow]] = {}

    def chain(doc: DocumentRow) -> list[DocumentRow]:
        if doc.id not in chains:
            chains[doc.id] = _chain(reg, doc)
        return chains[doc.id]

    first = _first_issues((d for d in docs if d.kind == "sertifikat-standar"), chain)
    reissues: dict[int, list[DocumentRow]] = {}
    for later in docs:
        if first.get(later.id, later).id != later.id:
            reissues.setdefault(first[later.id].id, []).append(later)
    counted_verified: set[int] = set()
    permits = []
    for doc in docs:
        if doc.kind != "sertifikat-standar" and not _within(doc, start, end):
            continue  # an izin counts only in its own month
        origin = first.get(doc.id, doc)
        counted = doc.state != VOID and origin.id == doc.id
        bap, until = _inspected(doc, chain, reissues.get(doc.id, []) if counted else [])
        verified = None
        if doc.state != VOID and doc.kind == "sertifikat-standar":
            if doc.request.get("status_verifikasi") == "terverifikasi" and origin.id not in counted_verified:
                counted_verified.add(origin.id)
                verified = _verified_day(doc)
        elif counted and any(d.kind == "rekomendasi" for d in chain(doc)):
            verified = doc.doc_date[:7]
        days = _days(bap, until) if bap is not None and counted else None
        permit = Permit(doc, _type_of(doc, titles), counted, _status(doc, origin), bap, days, verified)
        if _within(doc, start, end) or (verified and month_key(start) <= verified <= month_key(end)):
            permits.append(permit)
    refusals = [
        Refusal(d, _type_of(d, titles))
        for d in reg.documents(kind="bap")
        if d.state != VOID and d.request.get("kesimpulan") == "tidak sesuai" and _within(d, start, end)
    ]
    ordered = sorted(permits, key=lambda p: (p.month, p.type, p.doc.doc_date, p.doc.id))
    return PermitReport(start, end, tuple(ordered), tuple(refusals))
