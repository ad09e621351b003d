"""Flowing forms per second through the whole path (validate, trial set before the number, number
from the SQLite register, set again, stamp the QR and footer, write, record), into a fresh workspace:
a one-page SPP, a short SPJ and a ~5-page SPJ, in one process and in two at once.

    .venv/bin/python bench/forms.py [count]

Goal (issue 25): 50 or more one-page forms a second on 2 cores (two processes at once).
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate
from docgen.profile import load_workspace

GOAL = 50.0


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


def _make(root: str, kind: str, data: dict, count: int) -> str:
    ws = load_workspace(Path(root))
    generate(ws, kind, data)  # warm: template, fonts, kop
    result = None
    for _ in range(count):
        result = generate(ws, kind, data)
    assert result is not None
    return result.path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    cases = (
        ("SPP (contoh, satu halaman)", "spp", get_kind("spp").dated_example()),
        ("SPJ pendek (2 baris)", "spj", _spj(2)),
        ("SPJ ~5 halaman (60 baris)", "spj", _spj(60)),
    )
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        one_page = 0.0
        for name, kind, data in cases:
            start = time.perf_counter()
            path = _make(str(ws.root), kind, data, count)
            alone = count / (time.perf_counter() - start)
            with ProcessPoolExecutor(2) as pool:
                start = time.perf_counter()
                list(pool.map(_make, [str(ws.root)] * 2, [kind] * 2, [data] * 2, [count] * 2))
                both = 2 * count / (time.perf_counter() - start)
            pages = len(PdfReader(ws.root / path).pages)
            one_page = both if pages == 1 and not one_page else one_page
            print(f"{name}: {pages} halaman, 1 proses {alone:.1f}/detik, 2 proses {both:.1f}/detik")
        met = "met" if one_page >= GOAL else "NOT met"
        print(f"goal: >= {GOAL:.0f} one-page forms/s on 2 cores: {one_page:.1f}/s, {met}")


if __name__ == "__main__":
    main()
