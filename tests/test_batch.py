"""``docgen batch``: a sheet of permits made in worker processes, and what happens when it breaks.

The permits are izin pendidikan: a drawn PDF form numbered from its own series (a Sertifikat
Standar's number is OSS's, given row by row, so it reserves nothing and would test less here).

Real XLSX files written with openpyxl, real worker processes, a real register; a batch killed
with SIGKILL (the whole batch, or one worker) is resumed and the register checked: every row made
exactly once, no number twice, every reserved number issued or voided.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import cli, fill
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from docgen.register import Register, check_register

DOCGEN = str(Path(sys.executable).parent / "docgen")
HEADERS = [
    "jenis",
    "pemohon.nama",
    "pemohon.alamat",
    "pemohon.nib",
    "objek.uraian",
    "objek.alamat",
    "berlaku_dari",
    "tanggal",
]
KIND, SERIES = "izin", "izin-pendidikan"


def _row(n: int) -> list[Any]:
    today = datetime.combine(date.today(), datetime.min.time())  # an Excel date cell
    return [
        "pendidikan",
        f"YAYASAN NOMOR {n}",
        f"Jl. Pahlawan No. {n}, Kota Pasuruan",
        f"91200{n:08d}",
        f"Taman Kanak-Kanak Nomor {n}",
        f"Jl. Pahlawan No. {n}, Kota Pasuruan",
        today,
        today,
    ]


def _sheet(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _numbers(workspace) -> list[dict[str, Any]]:
    with Register.open(workspace) as reg:
        return [
            dict(r) for r in reg.conn.execute("SELECT number, status, seq FROM numbers WHERE series = ?", (SERIES,))
        ]


def _made(workspace) -> dict[str, int]:
    """Row key -> document id of every row a batch made (the intake records)."""
    with Register.open(workspace) as reg:
        rows = reg.conn.execute("SELECT key, doc_id FROM intake WHERE substr(source, 1, 6) = 'batch:'").fetchall()
    return {r[0]: r[1] for r in rows}


def test_a_sheet_with_bad_rows_is_refused_whole_naming_each_cell_and_nothing_is_numbered(workspace, tmp_path):
    rows = [_row(1), _row(2), _row(3), _row(4)]
    rows[1][3] = 912000000002.0  # a NIB Excel stored as a number: its leading zero is gone
    rows[2][0] = "X"  # an unknown permit type
    rows[3][3] = "91200000004"  # a NIB of eleven digits
    source = _sheet(tmp_path / "bulan-ini.xlsx", rows)
    result = cli(workspace, "batch", KIND, str(source), "--workers", "1")
    assert result.exit_code == 1, result.output
    for row, column in ((3, "pemohon.nib"), (4, "jenis"), (5, "pemohon.nib")):
        assert f"Baris {row}, kolom {column}" in result.stderr, result.stderr
    assert _numbers(workspace) == []


def test_with_skip_bad_the_good_rows_are_made_and_the_report_lists_every_row(workspace, tmp_path):
    rows = [_row(1), _row(2), _row(3)]
    rows[1][0] = "X"
    source = _sheet(tmp_path / "bulan-ini.xlsx", rows)
    result = cli(workspace, "batch", KIND, str(source), "--workers", "1", "--skip-bad", "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["counts"] == {"selesai": 2, "sudah ada": 0, "tidak sah": 1, "gagal": 0}
    report = load_workbook(outcome["report"][0]).active
    statuses = {r[0]: r[2] for r in report.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert statuses == {2: "selesai", 3: "tidak sah", 4: "selesai"}
    assert [n["status"] for n in _numbers(workspace)] == ["issued", "issued"]


def test_running_the_same_sheet_again_makes_nothing_twice(workspace, tmp_path):
    source = _sheet(tmp_path / "bulan-ini.xlsx", [_row(n) for n in range(1, 6)])
    first = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--json")
    again = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--json")
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert json.loads(again.stdout)["counts"]["sudah ada"] == 5
    numbers = _numbers(workspace)
    assert len(numbers) == 5 and len({n["number"] for n in numbers}) == 5
    assert sorted(n["seq"] for n in numbers) == [1, 2, 3, 4, 5]


def test_numbers_follow_the_row_order_and_the_merged_pdf_has_a_bookmark_per_document(workspace, tmp_path):
    source = _sheet(tmp_path / "bulan-ini.xlsx", [_row(n) for n in range(1, 9)])
    merged = tmp_path / "cetak.pdf"
    result = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--gabung", str(merged))
    assert result.exit_code == 0, result.output
    reader = PdfReader(merged)
    assert len(reader.pages) == 8
    titles = [item.title for item in reader.outline]
    numbers = sorted(_numbers(workspace), key=lambda n: n["seq"])
    assert titles == [f"Baris {row} - {n['number']}" for row, n in zip(range(2, 10), numbers, strict=True)]
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "YAYASAN NOMOR 1" in first_page and numbers[0]["number"] in first_page


def _start(workspace, source: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_WORKSPACE": str(workspace.root)}
    return subprocess.Popen(
        [DOCGEN, "batch", KIND, str(source), "--workers", "2", *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def _wait_for_made(workspace, at_least: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(_made(workspace)) < at_least:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "the batch made too few documents in time"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize("victim", ["batch", "worker"])
def test_a_batch_killed_mid_run_is_resumed_and_every_row_is_made_exactly_once(workspace, tmp_path, victim):
    count = 120
    source = _sheet(tmp_path / "besar.xlsx", [_row(n) for n in range(1, count + 1)])
    proc = _start(workspace, source)
    _wait_for_made(workspace, 10, proc)
    if victim == "batch":
        os.killpg(proc.pid, signal.SIGKILL)  # the whole batch, workers included, as a power cut would
    else:
        workers = [c for c in _children(proc.pid) if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]
        os.kill(workers[0], signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert len(_made(workspace)) < count

    resumed = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--resume", "--json")
    assert resumed.exit_code == 0, resumed.output
    made = _made(workspace)
    assert len(made) == count and len(set(made.values())) == count  # every row, each once
    numbers = _numbers(workspace)
    issued = [n for n in numbers if n["status"] == "issued"]
    assert len(issued) == count
    assert len({n["number"] for n in numbers}) == len(numbers)  # no number twice
    assert {n["status"] for n in numbers} <= {"issued", "void"}  # every reserved number accounted for
    with Register.open(workspace) as reg:
        report = check_register(reg, fix=True)
    assert not report.problems, report.problems
    # what the check still had to do: set aside what the killed writers left (a temporary file, or a
    # file written under a number the batch then voided), never touching an issued document's file
    from docgen.names import file_stem

    issued_names = {file_stem(n["number"]) for n in issued}
    assert not [line for line in report.fixed if any(name in line for name in issued_names)], report.fixed


def test_two_batches_of_one_kind_at_once_share_one_sequence(workspace, tmp_path):
    first = _sheet(tmp_path / "a.xlsx", [_row(n) for n in range(1, 31)])
    second = _sheet(tmp_path / "b.xlsx", [_row(n) for n in range(101, 131)])
    procs = [_start(workspace, first), _start(workspace, second)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode() if proc.stderr else ""
    numbers = _numbers(workspace)
    assert sorted(n["seq"] for n in numbers) == list(range(1, 61))
    assert len(_made(workspace)) == 60
    with Register.open(workspace) as reg:
        assert check_register(reg).ok


def test_a_disk_filling_up_stops_the_batch_and_every_reserved_number_is_accounted_for(
    make_workspace, small_disk, tmp_path
):
    workspace = make_workspace(small_disk / "ws")
    source = _sheet(tmp_path / "besar.xlsx", [_row(n) for n in range(1, 61)])
    fill(small_disk, leave=21_500_000)  # room for a few certificates above the 20 MB safety margin
    result = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--json")
    assert result.exit_code == 1, result.output
    outcome = json.loads(result.stdout)
    assert "Ruang disk" in outcome["stopped"] or "Disk penuh" in outcome["stopped"]
    assert 0 < outcome["counts"]["selesai"] < 60
    assert sum(outcome["counts"].values()) == 60  # every row in the report, made or not
    numbers = _numbers(workspace)
    assert {n["status"] for n in numbers} <= {"issued", "void"}
    assert len([n for n in numbers if n["status"] == "issued"]) == outcome["counts"]["selesai"]


def test_ctrl_c_stops_the_batch_voiding_what_it_reserved_and_resume_finishes_it(workspace, tmp_path):
    count = 120
    source = _sheet(tmp_path / "besar.xlsx", [_row(n) for n in range(1, count + 1)])
    proc = _start(workspace, source)
    _wait_for_made(workspace, 5, proc)
    os.kill(proc.pid, signal.SIGINT)  # Ctrl-C reaches the batch; its workers finish the row in hand
    assert proc.wait(timeout=60) == 130
    assert {n["status"] for n in _numbers(workspace)} <= {"issued", "void"}  # nothing left reserved
    resumed = cli(workspace, "batch", KIND, str(source), "--workers", "2", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert len(_made(workspace)) == count
    with Register.open(workspace) as reg:
        assert check_register(reg).ok


def test_the_register_records_the_batch_and_shows_which_batch_made_a_document(workspace, tmp_path):
    source = _sheet(tmp_path / "bulan-ini.xlsx", [_row(1), _row(2)])
    outcome = json.loads(cli(workspace, "batch", KIND, str(source), "--workers", "1", "--json").stdout)
    doc_id = next(iter(_made(workspace).values()))
    shown = cli(workspace, "register", "show", str(doc_id))
    assert f"dibuat oleh: batch {outcome['batch']}: bulan-ini.xlsx" in " ".join(shown.output.split())
    with Register.open(workspace) as reg:
        row = reg.conn.execute("SELECT counts, finished_at, run_by FROM batches").fetchone()
    assert json.loads(row[0])["selesai"] == 2 and row[1] and "@" in row[2]
