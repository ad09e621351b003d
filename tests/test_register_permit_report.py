"""``docgen laporan izin`` on each register backend: the figures come from the books, SQLite or PostgreSQL.

The figures themselves, the day counts and the chart are checked in ``test_permit_report.py``.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from conftest import cli
from openpyxl import load_workbook

from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.text import nama_bulan

TODAY = date.today()


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example(TODAY))
    data.update(changes)
    return data


def test_the_permit_report_counts_per_type_and_month_and_lists_each(workspace, tmp_path):
    generate(workspace, "izin", _example("izin"))
    generate(workspace, "izin", _example("izin"))
    generate(workspace, "sertifikat-standar", _example("sertifikat-standar"))
    generate(workspace, "bap", _example("bap", kesimpulan="tidak sesuai", perbaikan=["Tiang dipindah 1 m"]))
    target = tmp_path / "laporan.xlsx"
    result = cli(
        workspace, "laporan", "izin", "--dari", TODAY.isoformat(), "--sampai", TODAY.isoformat(), "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    rows = list(book["Rekap"].iter_rows(values_only=True))
    summary = {(r[0], r[1]): r[2:5] for r in rows if r[1]}  # (Bulan, Jenis izin): (Terbit, Terverifikasi, Ditolak)
    month = f"{nama_bulan(TODAY.month)} {TODAY.year}"
    assert summary[(month, "Izin Operasional Satuan Pendidikan")][0] == 2
    assert summary[(month, "Sertifikat Standar (MR)")][0] == 1
    assert summary[(month, "Izin Reklame")] == (0, 0, 1)
    listed = [" ".join(map(str, r)) for r in book["Daftar izin"].iter_rows(values_only=True)]
    assert sum(1 for line in listed if "YAYASAN PENDIDIKAN BINA INSANI" in line) == 2
