"""Benchmark: ``docgen batch`` on a large sheet, its speed and the memory of the whole batch.

(1) N Sertifikat Standar (default 10,000) from one XLSX with 2 workers: documents per second
    (wall time of the whole command, validation of every row included) and the peak memory of
    the batch: the sum over the batch process and its workers of each one's peak RSS (VmHWM in
    /proc, sampled every 0.1 s while the batch runs; a process's VmHWM is its own peak, so
    the sum is an upper bound of what the batch held at once). Goal: <= 300 MB.
(2) M surat-keluar letters (default 500) with ``--pdf`` on 2 workers, each with its own warm
    LibreOffice: PDF letters per second (goal >= 8 on 2 cores), and the warm pool's start-up
    (``ConverterPool(2)``) timed on its own.

Run from the repository root: ``.venv/bin/python bench/batch.py [--certificates 10000]
[--letters 500]``. It uses temporary workspaces only.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from docgen.kinds import get_kind
from docgen.pipeline import create_workspace
from docgen.register import Register, check_register

DOCGEN = str(Path(sys.executable).parent / "docgen")
CERT_HEADERS = [
    "nomor",
    "id_proyek",
    "nib",
    "nama_usaha",
    "alamat_usaha",
    "kbli",
    "judul_kbli",
    "lokasi_usaha",
    "tingkat_risiko",
    "skala_usaha",
    "tanggal",
]
LETTER_HEADERS = ["hal", "kepada", "tanggal"]


def certificate_sheet(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(CERT_HEADERS)
    today = datetime.combine(date.today(), datetime.min.time())
    for n in range(1, count + 1):
        sheet.append(
            [
                f"91{n:011d}0001",  # OSS's numbers, given row by row: a certificate reserves none
                f"R-{n:021d}",
                f"91{n:011d}",
                f"CV USAHA {n}",
                f"Jl. Pahlawan {n}, Pasuruan",
                "56101",
                "Restoran",
                "Pasuruan",
                "MR",
                "mikro",
                today,
            ]
        )
    book.save(path)
    return path


def letter_sheet(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(LETTER_HEADERS)
    for n in range(1, count + 1):
        sheet.append([f"Undangan Sosialisasi OSS RBA sesi {n}", f"Pimpinan CV Usaha {n}", date.today().isoformat()])
    book.save(path)
    return path


def _tree(root: int) -> set[int]:
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(args: list[str], workspace: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a docgen command; wall seconds, and the sum of each process's peak RSS in kB."""
    env = {**os.environ, "DOCGEN_WORKSPACE": str(workspace)}
    peaks: dict[int, int] = {}
    start = time.perf_counter()
    proc = subprocess.Popen([DOCGEN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _tree(proc.pid):
                peaks[pid] = max(peaks.get(pid, 0), _hwm_kb(pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return wall, sum(peaks.values()), subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=500)
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="docgen-bench-batch-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        profile = ws.root / "docgen.toml"  # a month's certificates may pass the default 5,000-row limit
        text = profile.read_text(encoding="utf-8").replace("rows = 5000 ", "rows = 20000")
        profile.write_text(text, encoding="utf-8")
        sheet = certificate_sheet(Path(tmp) / "sertifikat.xlsx", args.certificates)
        wall, peak_kb, done = run_measured(["batch", "sertifikat-standar", str(sheet), "--workers", "2"], ws.root)
        ok &= done.returncode == 0
        if done.returncode:
            print(done.stderr.decode()[-1500:])
        with Register.open(ws) as reg:
            issued = reg.conn.execute("SELECT COUNT(*) FROM numbers WHERE status = 'issued'").fetchone()[0]
            ok &= issued == args.certificates and check_register(reg).ok
        rate = args.certificates / wall
        print(f"(1) {args.certificates} Sertifikat Standar, 2 workers: {wall:.1f} s, {rate:.0f} documents/s")
        print(f"    peak memory of the batch (sum of each process's peak RSS): {peak_kb / 1024:.0f} MB")
        print(f"    goal: peak <= 300 MB: {'met' if peak_kb <= 300 * 1024 else 'NOT met'}")

    with tempfile.TemporaryDirectory(prefix="docgen-bench-batch-") as tmp:
        from docgen.pdf.pool import ConverterPool

        t0 = time.perf_counter()
        with ConverterPool(2):
            startup = time.perf_counter() - t0
        print(f"(2) warm pool start-up, 2 servers: {startup:.2f} s (timed on its own)")
        ws = create_workspace(Path(tmp) / "ws")
        common = Path(tmp) / "bersama.yaml"
        letter = copy.deepcopy(get_kind("surat-keluar").dated_example())
        letter.pop("hal"), letter.pop("kepada"), letter.pop("tanggal")
        import yaml

        common.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
        sheet = letter_sheet(Path(tmp) / "undangan.xlsx", args.letters)
        wall, peak_kb, done = run_measured(
            ["batch", "surat-keluar", str(sheet), "--data", str(common), "--pdf", "--workers", "2"], ws.root
        )
        ok &= done.returncode == 0
        pdfs = len(list((ws.outbox).rglob("*.pdf")))
        ok &= pdfs == args.letters
        print(
            f"    {args.letters} letters with --pdf, 2 workers: {wall:.1f} s, {args.letters / wall:.1f} PDF letters/s "
            f"(pool start-up included), peak {peak_kb / 1024:.0f} MB"
        )
        print(f"    goal: >= 8 PDF letters/s: {'met' if args.letters / wall >= 8 else 'NOT met'}")
    print(f"sanity: {'OK' if ok else 'FAILED'}")
    if not ok:
        print(done.stderr.decode()[-2000:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
