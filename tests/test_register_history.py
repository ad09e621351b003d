"""A register that went back in time (issue 21): restored backups, a register left behind by copy-to.

Each test restores the register as an administrator would, following the README: a SQLite backup
copied over the register file, or on PostgreSQL ``pg_dump``/``pg_restore`` and ``psql`` renames
with Debian's postgresql-client. Numbering must refuse until ``docgen register reconcile`` has
recorded again what the outbox proves was issued; ``register check`` must say so, and ``--fix``
must never free a number that went out.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PG_SERVER, RawRegister, drop_database, one_galat_line, require_postgres
from conftest import cli as run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.errors import RegisterUnusable
from docgen.pipeline import generate, number_document
from docgen.profile import load_workspace
from docgen.register import Register, State, check_register
from docgen.register.backup import backup_register
from docgen.register.outboxproof import Issued, note_issued
from docgen.register.reconcile import reconcile

KIND = "surat-keluar"


def number(seq: int, year: int = 2026) -> str:
    return f"500.16.7.2/{seq}/423.105/{year}"


def outbox_letters(ws) -> list[str]:
    return sorted(p.relative_to(ws.outbox).as_posix() for p in ws.outbox.rglob("*.docx"))


def rows(ws) -> dict[str, str]:
    with Register.open(ws) as reg:
        return {n["number"]: n["status"] for n in reg.numbers()}


def event_count(ws) -> int:
    with RawRegister(ws) as raw:
        return raw.one("SELECT COUNT(*) FROM events")


def _pg(*args: str) -> None:
    """One of Debian's postgresql-client commands against the test server, as the README runs them."""
    server = urlsplit(PG_SERVER)
    conn = ["-h", server.hostname or "127.0.0.1", "-p", str(server.port or 5432), "-U", server.username or "postgres"]
    subprocess.run([args[0], *conn, *args[1:]], check=True, capture_output=True, timeout=120)


@pytest.fixture
def snapshot(tmp_path: Path) -> Iterator[tuple[Callable[..., Path], Callable[..., None]]]:
    """(take, restore): back the register up, and later put that backup in place of the register."""
    leftovers: list[str] = []

    def take(ws) -> Path:
        if not ws.profile.books.url:
            return backup_register(ws)  # docgen register backup
        dump = tmp_path / f"docgen-{uuid.uuid4().hex[:6]}.dump"
        _pg("pg_dump", "-Fc", "-f", str(dump), urlsplit(ws.profile.books.url).path.lstrip("/"))
        return dump

    def restore(ws, backup: Path) -> None:
        if not ws.profile.books.url:
            # README "Backups and restoring", steps 2-3: damaged files aside (-wal, -shm too), copy the backup.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{ws.register_path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(backup, ws.register_path)
            return
        name = urlsplit(ws.profile.books.url).path.lstrip("/")
        restored, damaged = f"{name}_p", f"{name}_r"
        leftovers.append(damaged)
        _pg("createdb", restored)
        _pg("pg_restore", "--no-owner", "-d", restored, str(backup))
        _pg("psql", "-d", "postgres", "-c", f"ALTER DATABASE {name} RENAME TO {damaged}",
            "-c", f"ALTER DATABASE {restored} RENAME TO {name}")  # fmt: skip

    yield take, restore
    for name in leftovers:
        drop_database(name)


def test_register_restored_from_older_backup_refuses_to_number_until_reconciled(workspace, letter, snapshot):
    take, restore = snapshot
    generate(workspace, KIND, letter)
    backup = take(workspace)
    sent = [generate(workspace, KIND, letter) for _ in range(2)]
    assert [r.number for r in sent] == [number(2), number(3)]
    before = outbox_letters(workspace)

    restore(workspace, backup)

    with pytest.raises(RegisterUnusable, match="register reconcile"):
        generate(workspace, KIND, letter)
    refused = one_galat_line(new_letter(workspace, letter))
    assert "tertinggal" in refused and "docgen register reconcile" in refused
    assert outbox_letters(workspace) == before, "nothing written, no number taken"
    check = run(workspace, "register", "check")
    assert check.exit_code == 1 and "register baik" not in check.output
    assert "tertinggal" in check.output and number(3) in check.output

    done = run(workspace, "register", "reconcile")

    assert done.exit_code == 0, done.output
    assert number(2) in done.output and number(3) in done.output
    assert rows(workspace) == {number(1): "issued", number(2): "issued", number(3): "issued"}
    with Register.open(workspace) as reg:
        assert check_register(reg).ok
        assert reg.by_file_hash(_sha(workspace, sent[1].path)).number == number(3), "the letter verifies again"
    with RawRegister(workspace) as raw:
        who = raw.one("SELECT detail FROM events WHERE action = 'register.reconciled'")
    assert "(perintah)" in who, "the event names who reconciled"
    events = event_count(workspace)
    again = run(workspace, "register", "reconcile")
    assert again.exit_code == 0 and "tidak ada yang diubah" in again.output
    assert event_count(workspace) == events, "a second reconcile changes nothing"
    assert generate(workspace, KIND, letter).number == number(4)


def test_check_fix_after_a_restore_never_frees_a_number_that_went_out(workspace, letter, snapshot):
    take, restore = snapshot
    generate(workspace, KIND, letter)
    backup = take(workspace)
    generate(workspace, KIND, letter)  # number 2, written seconds ago: young files are no excuse
    restore(workspace, backup)

    fixed = run(workspace, "register", "check", "--fix")

    assert fixed.exit_code == 1, fixed.output
    assert "register baik" not in fixed.output and "register reconcile" in fixed.output
    assert not (workspace.outbox / "_yatim").exists(), "the letter that went out stays in place"
    with pytest.raises(RegisterUnusable):
        generate(workspace, KIND, letter)
    # As the earlier --fix did: the letter set aside in _yatim still holds its number.
    letter_2 = next(p for p in workspace.outbox.rglob("*.docx") if number(2).replace("/", "-") in p.name)
    aside = workspace.outbox / "_yatim" / letter_2.relative_to(workspace.outbox)
    aside.parent.mkdir(parents=True)
    letter_2.rename(aside)
    with pytest.raises(RegisterUnusable):
        generate(workspace, KIND, letter)

    assert run(workspace, "register", "reconcile").exit_code == 0

    assert letter_2.is_file() and not aside.exists(), "reconcile brings the set-aside letter back"
    with Register.open(workspace) as reg:
        assert check_register(reg).ok
    assert generate(workspace, KIND, letter).number == number(3)


def test_a_number_reserved_when_the_backup_was_taken_and_issued_later_is_not_voided(workspace, letter, snapshot):
    take, restore = snapshot
    generate(workspace, KIND, letter)
    later = generate(workspace, KIND, letter)
    restore(workspace, take(workspace))
    # The backup caught letter 2 between its reservation and its issue, by a process now gone.
    with RawRegister(workspace) as raw:
        doc_id = raw.one("SELECT doc_id FROM numbers WHERE number = ?", (later.number,))
        raw.execute("DELETE FROM files WHERE doc_id = ?", (doc_id,))
        raw.execute("UPDATE documents SET number_id = NULL WHERE id = ?", (doc_id,))
        raw.execute(
            "UPDATE numbers SET status = 'reserved', issued_at = NULL, holder_pid = 2147483646 WHERE doc_id = ?",
            (doc_id,),
        )

    assert run(workspace, "register", "check", "--fix").exit_code == 1
    assert rows(workspace)[later.number] == "reserved", "--fix did not void a letter that went out"

    assert run(workspace, "register", "reconcile").exit_code == 0
    assert rows(workspace)[later.number] == "issued"
    with Register.open(workspace) as reg:
        assert reg.document(doc_id).state == "numbered"
        assert check_register(reg).ok


def test_a_draft_numbered_after_the_backup_gets_its_number_back_on_the_same_document(workspace, letter, snapshot):
    take, restore = snapshot
    draft = generate(workspace, KIND, letter, draft=True)
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    backup = take(workspace)
    numbered = number_document(workspace, draft.id)
    restore(workspace, backup)
    with pytest.raises(RegisterUnusable):
        number_document(workspace, draft.id)

    assert run(workspace, "register", "reconcile").exit_code == 0

    with Register.open(workspace) as reg:
        assert [d.id for d in reg.documents()] == [draft.id], "no second document for the same letter"
        doc = reg.document(draft.id)
        assert (doc.number, doc.number_status, doc.state) == (numbered.number, "issued", "numbered")
        assert check_register(reg).ok


def new_letter(ws, letter: dict):
    """``docgen new surat-keluar --data FILE`` as a clerk runs it."""
    request = ws.root.parent / f"surat-{uuid.uuid4().hex[:6]}.json"
    request.write_text(json.dumps(letter, default=str), encoding="utf-8")
    return run(ws, "new", KIND, "--data", str(request))


def _sha(ws, path: str) -> str:
    from docgen.files import file_sha256

    return file_sha256(ws.root / path)


# -- any outbox ahead of the register ---------------------------------------------------------------

_years = iter(range(2030, 3000))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counted=st.integers(0, 4), ahead=st.sets(st.integers(1, 40), min_size=1, max_size=6))
def test_any_numbers_issued_past_the_counter_are_refused_then_reconciled_past_every_one(workspace, counted, ahead):
    year = next(_years)
    doc_date = date(year, 3, 1)
    outbox = workspace.outbox
    seqs = sorted(counted + s for s in ahead)
    with Register.open(workspace) as reg:
        for _ in range(counted):
            reg.reserve(KIND, doc_date=doc_date, kka="500.16.7.2")
        for seq in seqs:  # letters issued by a register that has since been replaced by an older one
            rel = f"{year}/{KIND}/500.16.7.2-{seq}-423.105-{year}.docx"
            (outbox / rel).parent.mkdir(parents=True, exist_ok=True)
            (outbox / rel).write_bytes(b"surat %d" % seq)
            from docgen.files import file_sha256

            files = [("docx", rel, file_sha256(outbox / rel), (outbox / rel).stat().st_size)]
            note_issued(outbox, Issued(KIND, year, seq, "", number(seq, year), KIND, "numbered", doc_date.isoformat(),
                                       subject="hal", files=files))  # fmt: skip

        with pytest.raises(RegisterUnusable):
            reg.reserve(KIND, doc_date=doc_date, kka="500.16.7.2")
        assert reconcile(reg).changed
        assert not reconcile(reg).changed

        nxt = reg.reserve(KIND, doc_date=doc_date, kka="500.16.7.2")
        assert nxt.seq == max(seqs) + 1
        got = {n["seq"]: n["status"] for n in reg.numbers(series=KIND) if n["year"] == year}
        assert sorted(got) == list(range(1, nxt.seq + 1)), "every number up to the counter is accounted for"
        assert all(got[s] == "issued" for s in seqs)
        reg.abandon(nxt, reason="uji")


# -- two registers for one outbox -------------------------------------------------------------------


@pytest.fixture
def empty_database() -> Iterator[str]:
    require_postgres()
    name = f"docgen_test_{uuid.uuid4().hex[:16]}"
    _pg("createdb", name)
    yield f"{PG_SERVER}/{name}"
    drop_database(name)


def _with_password(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(f"//{parts.netloc}", f"//{parts.username}:rahasia-sekali@{parts.hostname}:{parts.port}")


@pytest.mark.sqlite_only("copy-to moves a SQLite register to PostgreSQL")
def test_a_register_copied_to_postgresql_refuses_to_number_on_sqlite(workspace, letter, empty_database):
    generate(workspace, KIND, letter)
    old_backup = backup_register(workspace)
    target = _with_password(empty_database)  # trust authentication ignores it; it must never be shown

    assert run(workspace, "register", "copy-to", target).exit_code == 0

    refused = one_galat_line(new_letter(workspace, letter))
    assert "dipindah" in refused and "[register] url" in refused
    assert "rahasia-sekali" not in refused and "***" in refused
    with closing(sqlite3.connect(workspace.register_path)) as raw:
        assert raw.execute("SELECT MAX(seq) FROM numbers").fetchone()[0] == 1, "SQLite issued nothing more"
    checked = run(workspace, "register", "check")
    assert checked.exit_code == 1 and "dipindah" in checked.output
    # A backup from before the move is refused too: the outbox knows where its register went.
    shutil.copyfile(old_backup, workspace.register_path)
    refused = one_galat_line(new_letter(workspace, letter))
    assert "milik register di PostgreSQL" in refused and "rahasia-sekali" not in refused

    on_server = load_workspace(workspace.root, env={"DOCGEN_REGISTER__URL": empty_database})
    assert generate(on_server, KIND, letter).number == number(2)
    with Register.open(on_server) as reg:
        assert check_register(reg).ok


@pytest.mark.sqlite_only("a process holding the SQLite register while it is copied")
def test_a_process_holding_the_sqlite_register_stops_writing_once_it_moved(workspace, letter, empty_database):
    reg = Register.open(workspace)
    try:
        generate(workspace, KIND, letter, register=reg)
        assert run(workspace, "register", "copy-to", empty_database).exit_code == 0
        with pytest.raises(RegisterUnusable, match="dipindah"):
            generate(workspace, KIND, letter, register=reg)
    finally:
        reg.close()
