"""``check_register``: the books, the hash-chained event log and the outbox must agree."""

from __future__ import annotations

import os
import re
import time

import pytest
from conftest import RawRegister, raw_errors

from docgen.pipeline import generate
from docgen.register import Register, State, check_register

KIND = "surat-keluar"


def check(ws, *, fix: bool = False):
    with Register.open(ws) as reg:
        return check_register(reg, fix=fix)


def raw(ws) -> RawRegister:
    """A plain connection to the register (sqlite3 or psycopg), as someone tampering with it would open it."""
    return RawRegister(ws)


def names_event(problem: str, event_id: int) -> bool:
    return re.search(rf"(?<![\d.]){event_id}(?![\d.])", problem) is not None


@pytest.fixture
def letters(workspace, letter):
    """Three numbered letters, one draft and one numbered letter cancelled (batal)."""
    made = [generate(workspace, KIND, letter) for _ in range(3)]
    made.append(generate(workspace, KIND, letter, draft=True))
    batal = generate(workspace, KIND, letter)
    with Register.open(workspace) as reg:
        reg.set_state(batal.id, State.BATAL, reason="salah kirim")
    return made


def test_fresh_register_with_several_letters_passes(workspace, letters):
    report = check(workspace)
    assert report.ok
    assert report.problems == []
    assert report.in_progress == []
    assert report.fixed == []
    assert report.files == 5  # three numbered, one draft, one cancelled letter
    assert report.numbers == 4  # 1, 2, 3 issued and 4 void


def test_empty_register_passes(workspace):
    report = check(workspace)
    assert report.ok and report.problems == []


def test_one_changed_byte_in_an_outbox_docx_is_detected(workspace, letters):
    target = workspace.root / letters[1].path
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))

    report = check(workspace)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert letters[1].path in report.problems[0]
    assert letters[0].path not in report.problems[0]


def test_deleted_outbox_file_is_detected(workspace, letters):
    (workspace.root / letters[2].path).unlink()

    report = check(workspace)
    assert not report.ok
    assert any(letters[2].path in p for p in report.problems), report.problems


def test_edited_event_is_reported_by_its_id(workspace, letters):
    with raw(workspace) as conn:
        [(event_id,)] = conn.execute(
            "SELECT id FROM events WHERE action = 'number.issued' ORDER BY id LIMIT 1 OFFSET 1"
        ).fetchall()
        conn.drop_append_only()
        conn.execute(
            "UPDATE events SET detail = ? WHERE id = ?",
            ('{"number": "500.16.7.2/99/423.105/2026"}', event_id),
        )

    report = check(workspace)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert names_event(report.problems[0], event_id), report.problems


def test_deleted_middle_event_breaks_the_chain(workspace, letters):
    with raw(workspace) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM events ORDER BY id")]
        victim = ids[len(ids) // 2]
        following = ids[ids.index(victim) + 1]
        conn.drop_append_only()
        conn.execute("DELETE FROM events WHERE id = ?", (victim,))

    report = check(workspace)
    assert not report.ok
    assert any(names_event(p, following) for p in report.problems), report.problems


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET detail = '{}' WHERE id = 2",
        "DELETE FROM events WHERE id = 2",
    ],
)
def test_event_log_is_append_only(workspace, letters, statement):
    with raw(workspace) as conn, pytest.raises(raw_errors(), match="append-only"):
        conn.execute(statement)

    report = check(workspace)
    assert report.ok, report.problems


def test_a_file_just_written_by_another_process_is_left_alone(workspace, letters):
    fresh = workspace.outbox / "2026" / KIND / "baru-ditulis.docx"
    fresh.write_bytes(b"sedang dicatat oleh proses lain")
    report = check(workspace, fix=True)
    assert report.ok and report.fixed == []
    assert any("baru-ditulis.docx" in line for line in report.in_progress)
    assert fresh.read_bytes() == b"sedang dicatat oleh proses lain"


def test_unknown_outbox_files_are_reported_and_moved_to_yatim(workspace, letters):
    stray = workspace.outbox / "2026" / KIND / "salinan-manual.docx"
    stray.write_bytes(b"salinan dari meja sebelah")
    note = workspace.outbox / "catatan.txt"
    note.write_text("catatan", encoding="utf-8")
    long_ago = time.time() - 120  # older than the grace given to a document being recorded now
    for path in (stray, note):
        os.utime(path, (long_ago, long_ago))

    report = check(workspace)
    assert not report.ok
    assert any("outbox/2026/surat-keluar/salinan-manual.docx" in p for p in report.problems), report.problems
    assert any("outbox/catatan.txt" in p for p in report.problems), report.problems

    fixed = check(workspace, fix=True)
    assert len(fixed.fixed) == 2, fixed.fixed
    assert not stray.exists() and not note.exists()
    moved = workspace.outbox / "_yatim" / "2026" / KIND / "salinan-manual.docx"
    assert moved.read_bytes() == b"salinan dari meja sebelah"
    assert (workspace.outbox / "_yatim" / "catatan.txt").read_text(encoding="utf-8") == "catatan"
    for made in letters:  # the register's own files stay where they are
        assert (workspace.root / made.path).is_file()

    again = check(workspace)
    assert again.ok, again.problems
    assert again.fixed == []


# -- hidden temporary copies left by a writer killed between writing and linking (issue 8) ---------

STUCK_BEFORE_LINKING = """
import os
from docgen.files import write_new
def stuck(*args, **kwargs):
    print("written", flush=True)
    time.sleep(120)
os.link = stuck  # write_new links its finished temporary copy into place: die just before that
write_new(ws.outbox / "2026" / "surat-keluar" / "500.16.7.2-9-423.105-2026.docx", b"isi surat")
"""


@pytest.mark.slow
def test_temporary_copy_left_by_a_killed_writer_is_reported_then_set_aside(workspace, letters, start_holder):
    holder = start_holder(STUCK_BEFORE_LINKING)
    hidden = workspace.outbox / "2026" / "surat-keluar" / f".500.16.7.2-9-423.105-2026.docx.{holder.pid}.tmp"
    assert hidden.is_file()

    running = check(workspace, fix=True)
    assert running.ok and hidden.is_file(), "a living writer's copy is left alone"
    assert any(str(holder.pid) in line for line in running.in_progress)

    holder.kill()
    report = check(workspace)
    assert not report.ok
    [problem] = report.problems
    assert hidden.name in problem and "--fix" in problem

    fixed = check(workspace, fix=True)
    assert not hidden.exists()
    moved = workspace.outbox / "_yatim" / "2026" / "surat-keluar" / f"500.16.7.2-9-423.105-2026.docx.{holder.pid}.tmp"
    assert moved.read_bytes() == b"isi surat"
    assert any("_yatim" in line for line in fixed.fixed)
    assert check(workspace).ok


def test_an_old_temporary_copy_is_set_aside_even_if_its_pid_lives_again(workspace, letters):
    folder = workspace.outbox / "2026" / "surat-keluar"
    young = folder / f".surat-baru.docx.{os.getpid()}.tmp"
    old = folder / f".surat-lama.docx.{os.getpid()}.tmp"
    for path in (young, old):
        path.write_bytes(b"sementara")
    past = time.time() - 600
    os.utime(old, (past, past))  # a pid reused by another process long after the writer died

    report = check(workspace, fix=True)
    assert young.is_file() and not old.exists()
    assert (workspace.outbox / "_yatim" / "2026" / "surat-keluar" / f"surat-lama.docx.{os.getpid()}.tmp").is_file()
    assert any("surat-baru" in line for line in report.in_progress)


def test_other_hidden_files_are_not_docgens_and_are_left_alone(workspace, letters):
    folder = workspace.outbox / "2026" / "surat-keluar"
    others = [folder / ".DS_Store", folder / ".~lock.surat.docx#", folder / ".catatan.tmp"]
    for path in others:
        path.write_bytes(b"x")
    past = time.time() - 600
    for path in others:
        os.utime(path, (past, past))
    report = check(workspace, fix=True)
    assert report.ok and report.fixed == []
    assert all(path.is_file() for path in others)
