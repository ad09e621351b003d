"""Flowing forms per second through the whole path: a 1-page-table and a ~5-page SPJ, generated
into a fresh workspace (validate, trial render, number from the SQLite register, render, stamp).

    PYTHONPATH=. python bench/forms.py [count]

Goal (issue 25): 50 or more short SPJ a second on 2 cores (the figure printed is one process).
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate


def _spj(lines: int) -> dict:
    data = copy.deepcopy(get_kind("spj").dated_example())
    data["rincian"] = [
        {"kode_rekening": f"5.1.02.01.01.{n:04d}", "uraian": f"Belanja {n} rapat koordinasi perizinan",
         "pagu": "50000000.00", "sd_bulan_lalu": "12000000.50", "bulan_ini": "125000.25"}
        for n in range(1, lines + 1)
    ]  # fmt: skip
    data["jumlah"] = str(Decimal("125000.25") * lines)
    data["uang_persediaan"] = None
    return data


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        for name, lines in (("SPJ pendek (2 baris)", 2), ("SPJ ~5 halaman (60 baris)", 60)):
            data = _spj(lines)
            generate(ws, "spj", data)  # warm: template, fonts, kop
            start = time.perf_counter()
            for _ in range(count):
                result = generate(ws, "spj", data)
            took = time.perf_counter() - start
            from pypdf import PdfReader

            pages = len(PdfReader(ws.root / result.path).pages)
            print(f"{name}: {pages} halaman, {count / took:.1f} dokumen/detik ({took / count * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
