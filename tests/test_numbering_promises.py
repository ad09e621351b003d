"""Numbers reserved in blocks for a batch, bound to their documents, and the batch's own record.

Mutation testing (issue 22) found that ``docgen register show`` could lose which batch made a
document (the batch's id, file, counts) with every test passing: the batch tests drive the whole
command and only looked at the summary line. These run the register calls a batch makes, on a
real SQLite register, with the pipeline writing each document.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from docgen.errors import RegisterError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register
from docgen.register.batches import NumberWanted, attach_in_tx, batch_of, finish_batch, reserve_many, start_batch
from docgen.register.rows import Intake

KIND = "surat-keluar"


@pytest.fixture
def letter() -> dict:
    return get_kind(KIND).dated_example()


def test_a_batch_is_recorded_with_its_file_and_counts_and_named_on_each_document(workspace, letter):
    content = b"no,hal\n1,Undangan\n"
    sha = hashlib.sha256(content).hexdigest()
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "undangan.csv", sha)
        day = date.fromisoformat(letter["tanggal"])
        wanted = [NumberWanted(KIND, day, "500.16.7.2"), NumberWanted(KIND, day, "500.16.7.2", "Rahasia")]
        block = reserve_many(reg, wanted)
        assert [r.seq for r in block] == [1, 2]
        assert block[1].number.startswith("R."), "a row's sifat chooses its number's prefix"
        made = generate(
            workspace, KIND, letter, register=reg, reserved=block[0],
            intake=Intake("row-1", sha, f"batch:{batch_id}", "baris 1"),
        )  # fmt: skip
        finish_batch(reg, batch_id, {"dibuat": 1, "gagal": 0})
        record = batch_of(reg.conn, made.id)
        events = [e["action"] for e in reg.events(made.id)]
        assigned = reg.conn.execute(
            "SELECT number_id, detail FROM events WHERE action = 'number.assigned' AND doc_id = ?", (made.id,)
        ).fetchone()
    assert [r.number for r in block] == [f"500.16.7.2/1/423.105/{day.year}", f"R.500.16.7.2/2/423.105/{day.year}"]
    assert made.number == block[0].number
    assert (assigned[0], json.loads(assigned[1])["number"]) == (block[0].number_id, block[0].number)
    assert record is not None
    assert (record.id, record.kind, record.source_name, record.source_sha256) == (batch_id, KIND, "undangan.csv", sha)
    assert "@" in record.run_by and record.started_at <= (record.finished_at or "")
    assert record.counts == {"dibuat": 1, "gagal": 0}
    assert "number.assigned" in events


def test_a_document_made_outside_a_batch_names_no_batch(workspace, letter):
    with Register.open(workspace) as reg:
        made = generate(workspace, KIND, letter, register=reg)
        assert batch_of(reg.conn, made.id) is None


def test_an_unfinished_batch_has_no_end_and_no_counts(workspace, letter):
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "x.csv", "0" * 64)
        block = reg.reserve_block(KIND, 1, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2")
        made = generate(workspace, KIND, letter, register=reg, reserved=block[0],
                        intake=Intake("row-1", "0" * 64, f"batch:{batch_id}", "baris 1"))  # fmt: skip
        record = batch_of(reg.conn, made.id)
    assert record is not None and record.finished_at is None and record.counts == {}


def test_an_empty_block_takes_no_number_and_writes_nothing(workspace):
    with Register.open(workspace) as reg:
        before = reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert reserve_many(reg, []) == []
        assert reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before


def test_a_reserved_number_binds_to_one_document_only(workspace, letter):
    with Register.open(workspace) as reg:
        block = reg.reserve_block(KIND, 1, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2")
        made = generate(workspace, KIND, letter, register=reg, reserved=block[0])
        taken = f"Nomor {block[0].number} tidak lagi tersedia untuk baris ini"
        with pytest.raises(RegisterError, match=taken), reg.conn:
            attach_in_tx(reg.conn, made.id + 1, block[0])
        row = reg.conn.execute("SELECT doc_id, status FROM numbers WHERE id = ?", (block[0].number_id,)).fetchone()
    assert (row[0], row[1]) == (made.id, "issued")


def test_a_batch_start_and_end_are_events_in_the_chain(workspace):
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "x.csv", "0" * 64)
        finish_batch(reg, batch_id, {"dibuat": 3})
        rows = reg.conn.execute("SELECT action, detail FROM events ORDER BY id DESC LIMIT 2").fetchall()
    finished, started = (json.loads(r[1]) for r in rows)
    assert [r[0] for r in rows] == ["batch.finished", "batch.started"]
    assert started == {"batch_id": batch_id, "kind": KIND, "source": "x.csv"}
    assert finished == {"batch_id": batch_id, "dibuat": 3}


# -- insert numbers, series that never restart, and who still holds a reservation --------------------

DAY = date(2026, 5, 4)


def test_twenty_six_insert_numbers_run_a_to_z_and_a_twenty_seventh_is_refused(workspace):
    with Register.open(workspace) as reg:
        first = reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        inserts = [reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2", insert_after=1) for _ in range(26)]
        with pytest.raises(RegisterError) as caught:
            reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2", insert_after=1)
        taken = reg.conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0]
    assert first.number == "500.16.7.2/1/423.105/2026"
    assert [r.suffix for r in inserts] == [chr(c) for c in range(ord("a"), ord("z") + 1)]
    assert inserts[0].number == "500.16.7.2/1a/423.105/2026" and {r.seq for r in inserts} == {1}
    assert str(caught.value) == "Nomor sisipan setelah 1 sudah habis (a sampai z)"
    assert taken == 27, "the refused insert took nothing"


@pytest.mark.parametrize("after", [0, 3])
def test_an_insert_must_follow_an_existing_number_and_says_which_is_the_last(workspace, after):
    with Register.open(workspace) as reg:
        reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        with pytest.raises(RegisterError) as caught:
            reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2", insert_after=after)
    assert str(caught.value) == (
        "Nomor sisipan harus menempel pada nomor yang sudah ada; nomor terakhir seri surat-keluar tahun 2026 adalah 2"
    )


def test_an_insert_into_an_empty_series_says_there_is_no_number_yet(workspace):
    with Register.open(workspace) as reg, pytest.raises(RegisterError) as caught:
        reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2", insert_after=1)
    assert str(caught.value).endswith("nomor terakhir seri surat-keluar tahun 2026 adalah 0")


@pytest.mark.parametrize("after", [True, "1", 1.0, "9" * 60])
def test_an_insert_position_must_be_a_whole_number(workspace, after):
    with Register.open(workspace) as reg:
        reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        with pytest.raises(RegisterError) as caught:
            reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2", insert_after=after)
    shown = repr(after)[:40]
    assert str(caught.value) == f"Nomor sisipan harus menempel pada nomor urut (bilangan bulat), bukan {shown}"


def test_a_series_the_profile_does_not_have_is_refused_with_the_fix(workspace):
    with Register.open(workspace) as reg, pytest.raises(RegisterError) as caught:
        reg.reserve("memo", doc_date=DAY, kka="500")
    assert str(caught.value) == "Seri nomor 'memo' tidak ada di profil; tambahkan [series.memo]"


def test_a_series_that_never_restarts_counts_on_across_years(tmp_path, make_workspace):
    from docgen.profile import load_workspace

    ws = make_workspace(tmp_path / "ws")
    profile = ws.root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    spp = 'pattern = "{seq:04}/SPP/{unit}/{year}"'
    profile.write_text(text.replace(spp, f'{spp}\nrestart = "never"'), encoding="utf-8")
    ws = load_workspace(ws.root, env={})
    with Register.open(ws) as reg:
        numbers = [reg.reserve("spp", doc_date=date(y, 12, 30), kka="900").number for y in (2025, 2026)]
        yearly = [reg.reserve("spm", doc_date=date(y, 12, 30), kka="900").number for y in (2025, 2026)]
        with pytest.raises(RegisterError) as caught:
            reg.reserve("spp", doc_date=date(2026, 12, 30), kka="900", insert_after=5)
    assert str(caught.value).endswith("nomor terakhir seri spp tahun - adalah 2"), "a series without years says so"
    assert numbers == ["0001/SPP/423.105/2025", "0002/SPP/423.105/2026"]
    assert yearly == ["0001/SPM/423.105/2025", "0001/SPM/423.105/2026"]


def test_a_reservation_is_judged_alive_only_while_its_process_can_still_write():
    import multiprocessing
    import os
    import signal
    import subprocess
    import sys

    from docgen.register.numbering import _HOST, holder_alive

    assert holder_alive(os.getpid(), _HOST), "this process is alive"
    assert holder_alive(12345, "another-pc"), "a process on another PC cannot be checked: assumed alive"
    assert holder_alive(None, "another-pc")
    assert not holder_alive(None, _HOST), "no process recorded on this PC: nobody is writing"
    assert not holder_alive(None, None)
    assert holder_alive(1, _HOST), "a process of another user (init) is alive though we may not signal it"
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=os._exit, args=(0,))
    child.start()
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # it has exited and is not yet reaped
    assert not holder_alive(child.pid, _HOST), "a zombie can no longer write"
    child.join()
    assert not holder_alive(child.pid, _HOST), "a process that is gone holds nothing"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert holder_alive(sleeper.pid, _HOST)
        assert sleeper.poll() is None, "asking whether a holder lives must not signal it"
    finally:
        sleeper.send_signal(signal.SIGKILL)
        sleeper.wait()


def test_a_register_whose_counter_is_behind_the_outbox_refuses_to_number(workspace, letter):
    """A register restored from an old copy must not hand out a number the outbox proves was issued
    (issue 21); a counter row lost altogether counts as zero, not as one."""
    import sqlite3

    from docgen.errors import RegisterUnusable

    made = generate(workspace, KIND, letter)
    raw = sqlite3.connect(workspace.register_path, isolation_level=None)
    try:
        raw.execute("DELETE FROM counters")
    finally:
        raw.close()
    with Register.open(workspace) as reg, pytest.raises(RegisterUnusable) as caught:
        reg.reserve(KIND, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2")
    assert made.number and "Register tertinggal dari outbox: seri surat-keluar" in str(caught.value)
    assert "sudah terbit sampai urutan 1, register baru mencatat sampai 0" in str(caught.value)
    with Register.open(workspace) as reg, pytest.raises(RegisterUnusable, match="Register tertinggal dari outbox"):
        reg.reserve(KIND, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2", insert_after=1)


def _exit_named(name: str) -> None:
    with open("/proc/self/comm", "w", encoding="ascii") as fh:
        fh.write(name)
    import os

    os._exit(0)


def test_a_zombie_is_seen_as_dead_whatever_its_process_name():
    """The state follows the *last* ')' of /proc/PID/stat: a name may hold ')' and spaces itself."""
    import multiprocessing
    import os

    from docgen.register.numbering import _HOST, holder_alive

    child = multiprocessing.get_context("fork").Process(target=_exit_named, args=("x) R",))
    child.start()
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    try:
        assert not holder_alive(child.pid, _HOST)
    finally:
        child.join()


def test_a_reservation_is_an_event_naming_its_number_and_series(workspace):
    with Register.open(workspace) as reg:
        taken = reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        row = reg.conn.execute("SELECT action, number_id, detail FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert (row[0], row[1]) == ("number.reserved", taken.number_id)
    assert json.loads(row[2]) == {"number": taken.number, "series": KIND}


def test_a_documents_reservation_event_names_the_document(workspace, letter):
    made = generate(workspace, KIND, letter)
    with Register.open(workspace) as reg:
        row = reg.conn.execute("SELECT doc_id, number_id FROM events WHERE action = 'number.reserved'").fetchone()
        number_id = reg.conn.execute("SELECT id FROM numbers WHERE number = ?", (made.number,)).fetchone()[0]
    assert (row[0], row[1]) == (made.id, number_id)
