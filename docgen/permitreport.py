"""``docgen laporan izin``: permits and certificates issued per type and month, for reporting (P6, P7.3).

The office reports how many permits of each type it issued each month, with the list behind
every count. Both come from the register (numbers issued, not files), so a void permit is
counted apart and a reprint is never counted twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from docgen.errors import RequestError
from docgen.register import Register
from docgen.register.rows import DocumentRow
from docgen.register.states import State
from docgen.tables import Group, write_table
from docgen.text import nama_bulan, tanggal

__all__ = ["PermitReport", "permit_report", "write_permit_report"]

KINDS = ("izin", "sertifikat-standar")
HEADINGS = ("No", "Jenis", "Bulan", "Nomor", "Tanggal", "Pemegang / pelaku usaha", "Objek / KBLI", "Status")


@dataclass(frozen=True)
class PermitReport:
    """Issued documents between two dates, grouped by (type, month); ``counts`` per group."""

    start: date
    end: date
    groups: dict[tuple[str, str], list[DocumentRow]]

    @property
    def counts(self) -> dict[tuple[str, str], Counter[str]]:
        return {
            key: Counter("batal" if d.state == State.BATAL else "terbit" for d in docs)
            for key, docs in self.groups.items()
        }


def _type_of(doc: DocumentRow, titles: dict[str, str]) -> str:
    if doc.kind == "sertifikat-standar":
        return f"Sertifikat Standar ({doc.request.get('tingkat_risiko', '?')})"
    jenis = str(doc.request.get("jenis", ""))
    return titles.get(jenis, jenis).title()


def permit_report(reg: Register, start: date, end: date) -> PermitReport:
    """Every certificate and permit with an issued number, dated from ``start`` to ``end``."""
    if end < start:
        raise RequestError(f"--sampai ({end.isoformat()}) sebelum --dari ({start.isoformat()}); tukar keduanya")
    titles = {key: permit.title for key, permit in reg.profile.izin.items()}
    groups: dict[tuple[str, str], list[DocumentRow]] = {}
    for kind in KINDS:
        for doc in reg.documents(kind=kind):
            day = date.fromisoformat(doc.doc_date)
            if doc.number is None or not start <= day <= end:
                continue
            month = f"{day.year}-{day.month:02d}"
            groups.setdefault((_type_of(doc, titles), month), []).append(doc)
    ordered = dict(sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])))
    return PermitReport(start, end, ordered)


def _row(n: int, kind: str, month: str, doc: DocumentRow) -> dict[str, Any]:
    request = doc.request
    if doc.kind == "sertifikat-standar":
        holder = f"{request.get('nama_usaha', '')} (NIB {request.get('nib', '')})"
        what = f"{request.get('kbli', '')} {request.get('judul_kbli', '')}"
    else:
        holder = (request.get("pemohon") or {}).get("nama", "")
        what = (request.get("objek") or {}).get("uraian", "")
    status = f"batal: {doc.void_reason}" if doc.state == State.BATAL else "terbit"
    return dict(
        zip(
            HEADINGS,
            (n, kind, month, doc.number, tanggal(date.fromisoformat(doc.doc_date)), holder, what, status),
            strict=True,
        )
    )


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return f"{nama_bulan(int(number))} {year}"


def write_permit_report(report: PermitReport, target: Path, fmt: Literal["csv", "xlsx"] = "xlsx") -> int:
    """The summary (counts per type and month) first, then each group's list under its heading."""
    summary = [
        {
            "No": n,
            "Jenis": kind,
            "Bulan": _month_name(month),
            "Nomor": f"{counts['terbit']} terbit",
            "Status": f"{counts['batal']} batal",
        }
        for n, ((kind, month), counts) in enumerate(report.counts.items(), 1)
    ]
    groups: list[Group] = [("Rekap per jenis dan bulan", summary)]
    for (kind, month), docs in report.groups.items():
        rows = [_row(n, kind, _month_name(month), d) for n, d in enumerate(docs, 1)]
        groups.append((f"{kind}, {_month_name(month)}: {len(docs)} dokumen", rows))
    title = f"Izin {report.start.isoformat()} sd {report.end.isoformat()}"
    return write_table(
        target, fmt, title=title, headings=HEADINGS, groups=groups, widths=(5, 30, 16, 34, 18, 40, 40, 24)
    )
