"""The batch's account to the office: every sheet row once, what became of it, and why.

Staff reconcile a batch against their list in Excel, so the XLSX opens with the counts per
status (do they add up to the sheet?) and then one line per row in row order. The CSV holds
only the row lines, one header line, so a script can read it without skipping a summary.
Status values are the Indonesian words the clerk reads, not codes translated later: they are
what the runner records, the report prints and the CSV carries, one spelling everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.tables import write_table

__all__ = ["HEADINGS", "STATUSES", "BatchLine", "write_batch_report"]

#: done now, made by an earlier run (same key), refused before numbering, failed while being made.
STATUSES = ("selesai", "sudah ada", "tidak sah", "gagal")
HEADINGS = ("Baris", "Kunci", "Status", "Nomor", "Berkas", "Keterangan")
_WIDTHS = (7, 24, 11, 32, 60, 60)
_SHEET_FORBIDS = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name


@dataclass(frozen=True)
class BatchLine:
    """What became of one sheet row."""

    row: int
    """The row's number as the sheet shows it (the header is row 1)."""
    key: str
    """The row's key: the column the user named, or the hash of its normalised content."""
    status: str
    """One of ``STATUSES``."""
    number: str | None = None
    """The document's number; None for a row refused, failed before numbering, or a draft."""
    files: list[str] = field(default_factory=list)
    """The files made, as shown to the user (relative to the workspace); empty if none."""
    error: str = ""
    """Why the row was refused or failed (one Indonesian line); empty when all went well."""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown batch status {self.status!r}; expected one of {STATUSES}")


def _cells(line: BatchLine) -> dict[str, Any]:
    return {
        "Baris": line.row,
        "Kunci": line.key,
        "Status": line.status,
        "Nomor": line.number or None,
        "Berkas": "; ".join(str(f) for f in line.files) or None,
        "Keterangan": line.error or None,
    }


def write_batch_report(lines: Sequence[BatchLine], folder: Path, *, title: str) -> tuple[Path, Path]:
    """Write ``batch-report.xlsx`` and ``batch-report.csv`` into ``folder``; returns (xlsx, csv).

    ``title`` names the XLSX sheet (Excel's limits applied). Lines are written in row order
    whatever order the workers finished in.
    """
    ordered = sorted(lines, key=lambda line: line.row)
    details = [_cells(line) for line in ordered]
    counts = {status: sum(1 for line in ordered if line.status == status) for status in STATUSES}
    summary = [{"Status": status, "Keterangan": f"{n} baris"} for status, n in counts.items()]
    summary.append({"Status": "jumlah", "Keterangan": f"{len(ordered)} baris"})
    xlsx, csv = folder / "batch-report.xlsx", folder / "batch-report.csv"
    sheet = _SHEET_FORBIDS.sub("-", title).strip() or "Batch"
    groups = [("Ringkasan", summary), ("Rincian per baris", details)]
    write_table(xlsx, "xlsx", title=sheet, headings=HEADINGS, groups=groups, widths=_WIDTHS)
    write_table(csv, "csv", title=sheet, headings=HEADINGS, groups=[("", details)])
    return xlsx, csv
