"""Numbering behaviour of the register: unique, gap-free, accounted-for numbers.

Expected numbers are written out by hand from docgen.toml: kka 500.16.7.2, unit code 423.105,
pattern ``{prefix}{kka}/{seq}/{unit}/{year}``, prefix ``R.`` for sifat Rahasia.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from datetime import date
from pathlib import Path

import pytest
from conftest import run_together

from docgen.errors import DocgenError, RegisterError, RenderError, RequestError
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Register, check_register

KIND = "surat-keluar"


def outbox_files(ws) -> list[Path]:
    """Documents in the outbox (not the hidden outbox/.register-id marker)."""
    return sorted(p for p in ws.outbox.rglob("*") if p.is_file() and not p.name.startswith("."))


def number_rows(ws) -> list[dict]:
    with Register.open(ws) as reg:
        return reg.numbers()


def last_seq(ws, year: int) -> int | None:
    with Register.open(ws) as reg:
        row = reg.conn.execute("SELECT last_seq FROM counters WHERE series = ? AND year = ?", (KIND, year)).fetchone()
    return None if row is None else row[0]


# -- concurrency -------------------------------------------------------------------------------


def _reserve_worker(root: str, count: int, barrier, queue) -> None:
    try:
        ws = load_workspace(root, env={})
        with Register.open(ws) as reg:
            barrier.wait(timeout=60)
            got = []
            for _ in range(count):
                r = reg.reserve(KIND, doc_date=date(2026, 5, 4), kka="500.16.7.2")
                got.append((r.number_id, r.seq, r.number))
        queue.put((os.getpid(), "ok", got))
    except BaseException:
        queue.put((os.getpid(), "error", traceback.format_exc()))


def _generate_worker(root: str, count: int, data: dict, barrier, queue) -> None:
    try:
        ws = load_workspace(root, env={})
        barrier.wait(timeout=60)
        got = [tuple(generate(ws, KIND, dict(data)).as_dict().values()) for _ in range(count)]
        queue.put((os.getpid(), "ok", got))
    except BaseException:
        queue.put((os.getpid(), "error", traceback.format_exc()))


@pytest.mark.slow
def test_number_is_never_issued_twice_under_concurrency(workspace):
    got = run_together(_reserve_worker, str(workspace.root), 250)

    assert all(len(v) == 250 for v in got.values())
    seqs = sorted(seq for v in got.values() for _, seq, _ in v)
    assert seqs == list(range(1, 1001)), "duplicate or missing sequence numbers"
    numbers = {number for v in got.values() for _, _, number in v}
    assert numbers == {f"500.16.7.2/{i}/423.105/2026" for i in range(1, 1001)}

    # Every reservation is a row in `numbers`, held by the worker that got it.
    holder_of = {number_id: pid for pid, v in got.items() for number_id, _, _ in v}
    rows = number_rows(workspace)
    assert len(rows) == 1000
    assert {r["id"] for r in rows} == set(holder_of)
    assert all(r["status"] == "reserved" for r in rows)
    assert all(r["holder_pid"] == holder_of[r["id"]] for r in rows)
    assert last_seq(workspace, 2026) == 1000

    # The workers have exited without issuing: the check names every one of the 1000 numbers.
    with Register.open(workspace) as reg:
        report = check_register(reg)
    assert not report.ok
    assert len(report.problems) == 1000
    named = {token for p in report.problems for token in p.split()}
    assert numbers <= named


@pytest.mark.slow
def test_generated_letters_get_distinct_numbers_and_files_under_concurrency(workspace, letter):
    got = run_together(_generate_worker, str(workspace.root), 25, letter)

    results = [r for v in got.values() for r in v]  # (id, kind, number, state, path, sha256)
    assert len(results) == 100
    assert len({r[0] for r in results}) == 100
    assert {r[2] for r in results} == {f"500.16.7.2/{i}/423.105/2026" for i in range(1, 101)}
    assert {r[3] for r in results} == {"numbered"}
    paths = {r[4] for r in results}
    assert len(paths) == 100
    for _, _, _, _, path, sha, *_ in results:
        assert hashlib.sha256((workspace.root / path).read_bytes()).hexdigest() == sha
    assert {p.relative_to(workspace.root).as_posix() for p in outbox_files(workspace)} == paths

    with Register.open(workspace) as reg:
        assert len(reg.documents()) == 100
        assert sorted(r["seq"] for r in reg.numbers()) == list(range(1, 101))
        assert {r["status"] for r in reg.numbers()} == {"issued"}
        report = check_register(reg)
    assert report.ok, report.problems
    assert report.in_progress == []


# -- series rules --------------------------------------------------------------------------------


def test_numbers_restart_each_year_with_default_kka_and_unit_code(workspace, letter):
    del letter["kka"]  # the kind's default from docgen.toml applies
    old = generate(workspace, KIND, {**letter, "tanggal": "2025-12-31"})
    new = generate(workspace, KIND, {**letter, "tanggal": "2026-01-01"})
    assert old.number == "500.16.7.2/1/423.105/2025"
    assert new.number == "500.16.7.2/1/423.105/2026"

    assert generate(workspace, KIND, {**letter, "tanggal": "2025-06-30"}).number == "500.16.7.2/2/423.105/2025"
    assert generate(workspace, KIND, {**letter, "tanggal": "2026-02-01"}).number == "500.16.7.2/2/423.105/2026"


def test_requests_own_kka_is_used_in_the_number(workspace, letter):
    letter["kka"] = "800.1.2.3"
    assert generate(workspace, KIND, letter).number == "800.1.2.3/1/423.105/2026"


def test_profile_kka_and_unit_code_come_from_the_profile(workspace, letter):
    del letter["kka"]
    ws = load_workspace(
        workspace.root,
        env={"DOCGEN_KINDS__SURAT_KELUAR__KKA": "000.9", "DOCGEN_OFFICE__UNIT_CODE": "999.001"},
    )
    assert generate(ws, KIND, letter).number == "000.9/1/999.001/2026"


def test_insert_numbers_use_letters_after_an_existing_number(workspace, letter):
    got = [generate(workspace, KIND, letter).number for _ in range(3)]
    assert got == [f"500.16.7.2/{i}/423.105/2026" for i in (1, 2, 3)]

    first = generate(workspace, KIND, letter, insert_after=2)
    second = generate(workspace, KIND, letter, insert_after=2)
    assert first.number == "500.16.7.2/2a/423.105/2026"
    assert second.number == "500.16.7.2/2b/423.105/2026"
    assert (workspace.root / first.path).is_file()
    assert (workspace.root / second.path).is_file()
    assert first.path != second.path

    # Inserts do not move the counter.
    assert generate(workspace, KIND, letter).number == "500.16.7.2/4/423.105/2026"
    with Register.open(workspace) as reg:
        assert check_register(reg).ok


@pytest.mark.parametrize("after", [4, 10, 0])
def test_insert_after_a_number_that_does_not_exist_is_refused_and_consumes_nothing(workspace, letter, after):
    for _ in range(3):
        generate(workspace, KIND, letter)

    with pytest.raises(RegisterError):
        generate(workspace, KIND, letter, insert_after=after)

    assert last_seq(workspace, 2026) == 3
    assert len(number_rows(workspace)) == 3
    with Register.open(workspace) as reg:
        assert len(reg.documents()) == 3
    assert len(outbox_files(workspace)) == 3
    assert generate(workspace, KIND, letter).number == "500.16.7.2/4/423.105/2026"


def test_insert_numbers_use_dots_when_the_series_says_so(workspace, letter):
    ws = load_workspace(workspace.root, env={"DOCGEN_SERIES__SURAT_KELUAR__INSERT_STYLE": "dot"})
    for _ in range(3):
        generate(ws, KIND, letter)
    assert generate(ws, KIND, letter, insert_after=2).number == "500.16.7.2/2.1/423.105/2026"
    assert generate(ws, KIND, letter, insert_after=2).number == "500.16.7.2/2.2/423.105/2026"
    assert generate(ws, KIND, letter).number == "500.16.7.2/4/423.105/2026"


def test_pattern_with_zero_padding_and_roman_month(workspace, letter):
    ws = load_workspace(
        workspace.root,
        env={"DOCGEN_SERIES__SURAT_KELUAR__PATTERN": "{kka}/{seq:03}/{unit}/{month_roman}/{year}"},
    )
    assert generate(ws, KIND, {**letter, "tanggal": "2026-04-07"}).number == "500.16.7.2/001/423.105/IV/2026"
    assert generate(ws, KIND, {**letter, "tanggal": "2026-12-01"}).number == "500.16.7.2/002/423.105/XII/2026"


def test_rahasia_letter_gets_the_r_prefix_from_the_same_counter(workspace, letter):
    secret = generate(workspace, KIND, {**letter, "sifat": "Rahasia"})
    plain = generate(workspace, KIND, {**letter, "sifat": "Biasa"})
    assert secret.number == "R.500.16.7.2/1/423.105/2026"
    assert plain.number == "500.16.7.2/2/423.105/2026"


# -- nothing is consumed by a bad request ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("hal", lambda d: d.pop("hal")),
        ("tanggal", lambda d: d.update(tanggal="kemarin")),
        ("penandatangan", lambda d: d.update(penandatangan="nobody")),
    ],
)
def test_invalid_request_names_the_field_and_consumes_no_number(workspace, letter, field, change):
    bad = dict(letter)
    change(bad)

    with pytest.raises(RequestError) as info:
        generate(workspace, KIND, bad)

    message = str(info.value)
    assert field in message
    assert "\n" not in message and message.strip() == message
    with Register.open(workspace) as reg:
        assert reg.numbers() == []
        assert reg.documents() == []
    assert outbox_files(workspace) == []
    assert generate(workspace, KIND, letter).number == "500.16.7.2/1/423.105/2026"


# -- a failure after the number was reserved -----------------------------------------------------


def test_failed_write_voids_the_number_and_the_next_letter_takes_the_next(workspace, letter):
    # The first letter will be 500.16.7.2/1/423.105/2026; its file name is already taken.
    planted = workspace.outbox / "2026" / KIND / "500.16.7.2-1-423.105-2026.docx"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"not ours")

    with pytest.raises((DocgenError, OSError)) as info:
        generate(workspace, KIND, letter)

    rows = number_rows(workspace)
    assert [(r["seq"], r["status"]) for r in rows] == [(1, "void")], "the reserved number must be voided"
    assert (rows[0]["reason"] or "").startswith("gagal dibuat")
    assert planted.read_bytes() == b"not ours"  # never overwritten
    assert outbox_files(workspace) == [planted]  # no stray file from the attempt
    with Register.open(workspace) as reg:
        assert reg.document(rows[0]["doc_id"]).state == "batal"
    assert isinstance(info.value, RenderError), f"the write failure should surface, got {info.value!r}"

    planted.unlink()
    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"
    with Register.open(workspace) as reg:
        report = check_register(reg)
    assert report.ok, report.problems
    assert report.in_progress == []


def test_failure_while_recording_removes_the_file_and_voids_the_number(workspace, letter, monkeypatch):
    def disk_full(self, *args, **kwargs):
        raise OSError("disk penuh (simulasi)")

    monkeypatch.setattr(Register, "record_files", disk_full)
    with pytest.raises((DocgenError, OSError)) as info:
        generate(workspace, KIND, letter)
    monkeypatch.undo()

    assert outbox_files(workspace) == [], "the file written before the failure must be removed"
    rows = number_rows(workspace)
    assert [(r["seq"], r["status"]) for r in rows] == [(1, "void")], "the reserved number must be voided"
    assert (rows[0]["reason"] or "").startswith("gagal dibuat")
    assert "disk penuh" in rows[0]["reason"]
    # The cause reaches the user: as the OSError itself or as one Galat line naming it.
    assert "disk penuh" in str(info.value), f"the original failure should surface, got {info.value!r}"

    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"
    with Register.open(workspace) as reg:
        report = check_register(reg)
    assert report.ok, report.problems
    assert report.in_progress == []


# -- a process killed between reserving and writing ---------------------------------------------

RESERVE_FOR_NEW_LETTER = """
req = validate_request(kind, kind.example, ws.profile)
summary = kind.summary(req, ws.profile)
doc_id, res = reg.start_document(
    kind.name, summary, req.model_dump(mode="json"), state=State.NUMBERED,
    series="surat-keluar", kka="500.16.7.2",
)
print(doc_id, res.number, flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_number_held_by_a_killed_process_is_reported_then_voided_as_interrupted(workspace, letter, start_holder):
    assert generate(workspace, KIND, letter).number == "500.16.7.2/1/423.105/2026"
    holder = start_holder(RESERVE_FOR_NEW_LETTER)
    assert holder.line == "2 500.16.7.2/2/423.105/2026"
    number = "500.16.7.2/2/423.105/2026"

    with Register.open(workspace) as reg:
        # While the holder lives, the number is in progress, not a problem, and --fix leaves it.
        alive = check_register(reg, fix=True)
        assert alive.ok, alive.problems
        assert any(number in line for line in alive.in_progress)
        assert alive.fixed == []
        assert [r["status"] for r in reg.numbers()] == ["issued", "reserved"]

        holder.kill()

        report = check_register(reg)
        assert not report.ok
        assert any(number in p for p in report.problems), report.problems

        fixed = check_register(reg, fix=True)
        assert any(number in line for line in fixed.fixed)
        rows = {r["seq"]: r for r in reg.numbers()}
        assert rows[2]["status"] == "void"
        assert rows[2]["reason"] == "interrupted"
        doc = reg.document(2)
        assert doc.state == "batal"
        assert doc.void_reason == "interrupted"

        again = check_register(reg)
        assert again.ok, again.problems
        assert again.fixed == [] and again.in_progress == []

    assert generate(workspace, KIND, letter).number == "500.16.7.2/3/423.105/2026"
    rows = number_rows(workspace)
    assert [(r["seq"], r["number"], r["status"]) for r in rows] == [
        (1, "500.16.7.2/1/423.105/2026", "issued"),
        (2, "500.16.7.2/2/423.105/2026", "void"),
        (3, "500.16.7.2/3/423.105/2026", "issued"),
    ]


RESERVE_ONLY = """
from datetime import date
res = reg.reserve("surat-keluar", doc_date=date(2026, 3, 2), kka="500.16.7.2")
print(res.number, flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_bare_reservation_of_a_killed_process_is_voided_as_interrupted(workspace, letter, start_holder):
    holder = start_holder(RESERVE_ONLY)
    assert holder.line == "500.16.7.2/1/423.105/2026"
    holder.kill()

    with Register.open(workspace) as reg:
        report = check_register(reg)
        assert not report.ok
        assert any("500.16.7.2/1/423.105/2026" in p for p in report.problems)
        check_register(reg, fix=True)
        [row] = reg.numbers()
        assert (row["status"], row["reason"]) == ("void", "interrupted")
        assert check_register(reg).ok

    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"


@pytest.mark.slow
def test_a_file_written_by_a_killed_run_is_set_aside_at_once(workspace, start_holder):
    """Killed after writing its DOCX but before recording it: the fix voids the number and moves
    the orphan without waiting for the grace given to files another process may be recording."""
    holder = start_holder(RESERVE_ONLY)
    orphan = workspace.outbox / "2026" / KIND / "500.16.7.2-1-423.105-2026.docx"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"ditulis sebelum proses dihentikan")
    holder.kill()

    with Register.open(workspace) as reg:
        fixed = check_register(reg, fix=True)
        assert any("500.16.7.2/1/423.105/2026" in line for line in fixed.fixed)
        assert any("500.16.7.2-1-423.105-2026.docx" in line for line in fixed.fixed)
        assert check_register(reg).ok
    assert not orphan.exists()
    moved = workspace.outbox / "_yatim" / "2026" / KIND / "500.16.7.2-1-423.105-2026.docx"
    assert moved.read_bytes() == b"ditulis sebelum proses dihentikan"
