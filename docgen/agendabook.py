"""Export the buku agenda (every number with its document) as CSV or XLSX.

Staff open the agenda in a spreadsheet; void numbers stay in it with their reason so every gap
in the sequence is explained on paper too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from docgen.register.books import Register
from docgen.tables import write_table

__all__ = ["AGENDA_COLUMNS", "agenda_rows", "export_agenda"]

#: (heading, source key) of each agenda column, in print order.
AGENDA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Seri", "series"),
    ("Tahun", "year"),
    ("Urut", "seq_text"),
    ("Nomor", "number"),
    ("Status nomor", "status"),
    ("Tanggal surat", "doc_date"),
    ("Kode klasifikasi", "kka"),
    ("Hal", "subject"),
    ("Kepada", "addressee"),
    ("Sifat", "sifat"),
    ("Penandatangan", "signer"),
    ("Jenis", "kind"),
    ("Dokumen", "doc_id"),
    ("Alasan batal", "reason"),
)

_STATUS = {"issued": "terbit", "void": "batal", "reserved": "dipesan"}


def agenda_rows(reg: Register) -> list[dict[str, Any]]:
    rows = []
    for n in reg.numbers():
        n["seq_text"] = f"{n['seq']}{n['suffix']}"
        n["status"] = _STATUS.get(n["status"], n["status"])
        rows.append({heading: n.get(key) for heading, key in AGENDA_COLUMNS})
    return rows


def export_agenda(reg: Register, target: Path, fmt: Literal["csv", "xlsx"]) -> int:
    """Write the agenda to ``target``; returns the number of rows written."""
    return write_table(
        target, fmt, title="Buku Agenda", headings=[h for h, _ in AGENDA_COLUMNS], groups=[("", agenda_rows(reg))],
        widths=(14, 7, 7, 30, 12, 12, 14, 50, 40, 12, 30, 14, 9, 30),
    )  # fmt: skip
