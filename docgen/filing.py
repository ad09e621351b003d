"""The archive: the daftar arsip grouped by classification code, and the retention report.

Sub Bagian Umum files every letter, in or out, under its archive code and keeps it until its
retention ends. Both lists are computed from the register, never typed, so they agree with
the agenda by construction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

from docgen.archive import AKTIF, BELUM, ArchiveCodes, retention_status
from docgen.profile import Workspace
from docgen.register import Register
from docgen.tables import write_table

__all__ = ["NOT_DUE", "ArchiveEntry", "archive_entries", "export_archive_list", "retention_due"]

#: Actions that need nothing done yet: still active, or no retention known for the code.
NOT_DUE = frozenset({AKTIF, BELUM})

_RECORDS = (
    "SELECT d.id, d.kind, d.kka, d.subject, d.addressee, d.doc_date, n.number, n.year FROM documents d"
    " JOIN numbers n ON n.id = d.number_id WHERE n.status = 'issued' AND d.state != 'batal'"
)


@dataclass(frozen=True)
class ArchiveEntry:
    """One filed record with its classification and where its retention stands on a date."""

    code: str
    code_name: str
    number: str
    doc_date: str
    direction: str  # masuk / keluar
    party: str  # sender of an incoming letter, addressee of an outgoing one
    subject: str
    doc_id: int
    active_until: str
    inactive_until: str
    action: str
    trigger: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def archive_entries(
    reg: Register, codes: ArchiveCodes, *, per: date, year: int | None = None, prefix: str | None = None
) -> list[ArchiveEntry]:
    """Every issued, not-void record, ordered by archive code, then date and number."""
    entries = []
    for row in reg.conn.execute(_RECORDS + " ORDER BY d.kka, d.doc_date, n.seq, n.suffix"):
        code = row["kka"] or ""
        if year is not None and not row["doc_date"].startswith(str(year)):
            continue
        if prefix and not (code == prefix or code.startswith(prefix.rstrip(".") + ".")):
            continue
        status = retention_status(code, date.fromisoformat(row["doc_date"]), per, codes)
        entries.append(
            ArchiveEntry(
                code=code, code_name=codes.name(code), number=row["number"], doc_date=row["doc_date"],
                direction="masuk" if row["kind"] == "surat-masuk" else "keluar", party=row["addressee"],
                subject=row["subject"], doc_id=row["id"],
                active_until=status.active_until.isoformat() if status.active_until else "",
                inactive_until=status.inactive_until.isoformat() if status.inactive_until else "",
                action=status.action, trigger=status.trigger or "",
            )
        )  # fmt: skip
    return sorted(entries, key=lambda e: (_code_key(e.code), e.doc_date, e.doc_id))


def _code_key(code: str) -> tuple[int, ...]:
    """Sort 500.16.7.10 after 500.16.7.2, as a filing cabinet does."""
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


_COLUMNS = (
    ("Kode klasifikasi", "code"),
    ("Klasifikasi", "code_name"),
    ("Nomor", "number"),
    ("Tanggal", "doc_date"),
    ("Masuk/keluar", "direction"),
    ("Dari/kepada", "party"),
    ("Hal", "subject"),
    ("Aktif s.d.", "active_until"),
    ("Inaktif s.d.", "inactive_until"),
    ("Tindakan", "action"),
    ("Pemicu retensi", "trigger"),
    ("Dokumen", "doc_id"),
)


def export_archive_list(entries: list[ArchiveEntry], target: Path, fmt: Literal["csv", "xlsx"]) -> int:
    """The daftar arsip: one group per archive code (heading: code and name), in filing order."""
    groups = [
        (f"{code} {items[0].code_name}".strip(), [_row(e) for e in items])
        for code, group in groupby(entries, key=lambda e: e.code)
        for items in [list(group)]
    ]
    return write_table(
        target, fmt, title="Daftar Arsip", headings=[h for h, _ in _COLUMNS], groups=groups,
        widths=(16, 30, 28, 12, 10, 36, 48, 12, 12, 30, 24, 9),
    )  # fmt: skip


def _row(entry: ArchiveEntry) -> dict[str, Any]:
    data = entry.as_dict()
    return {heading: data[key] for heading, key in _COLUMNS}


def retention_due(workspace: Workspace, *, per: date) -> list[ArchiveEntry]:
    """Records whose active or inactive period has ended on ``per``, with what to do now."""
    with Register.open(workspace) as reg:
        entries = archive_entries(reg, workspace.archive_codes, per=per)
    return [e for e in entries if e.action not in NOT_DUE]
