"""``docgen register backup``: a checked copy with a date in its name, retention, and restoring it."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import cli as run

from docgen.errors import ConfigError, RegisterError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Register, check_register
from docgen.register.backup import backup_register
from docgen.register.backupfiles import backups, latest_backup
from docgen.register.events import verify_chain
from docgen.store.db import SCHEMA_VERSION

pytestmark = pytest.mark.sqlite_only("docgen's own backups are SQLite files; PostgreSQL is backed up with pg_dump")

KIND = "surat-keluar"
NAME = re.compile(r"^docgen-\d{8}-\d{6}(-\d+)?\.sqlite$")


def issued(path: Path) -> list[str]:
    """The numbers a register file holds, read with plain sqlite3 as a restorer would look."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [r[0] for r in conn.execute("SELECT number FROM numbers ORDER BY id")]


def test_backup_is_a_checked_self_contained_copy_in_the_default_folder(workspace, letter):
    made = [generate(workspace, KIND, letter).number for _ in range(3)]

    path = backup_register(workspace)

    assert path.parent == workspace.root / "registers" / "cadangan"
    assert NAME.match(path.name)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "no temporary, -wal or -shm file left"
    assert issued(path) == made
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert verify_chain(conn) == []
    assert latest_backup(workspace) == path


def test_restoring_a_backup_brings_the_register_back_and_check_names_later_letters(workspace, letter):
    generate(workspace, KIND, letter)
    path = backup_register(workspace)
    later = generate(workspace, KIND, letter)

    # The README's procedure: stop docgen, set the damaged files aside, copy the backup, check.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workspace.register_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, workspace.register_path)
    old = (workspace.root / later.path).stat().st_mtime - 600  # restored some minutes after the letter
    os.utime(workspace.root / later.path, (old, old))

    with Register.open(workspace) as reg:
        report = check_register(reg)
    assert not report.ok
    assert any(later.path in problem and "tidak tercatat" in problem for problem in report.problems)
    with Register.open(workspace) as reg:
        check_register(reg, fix=True)
        assert not check_register(reg).ok, "--fix does not free the number of a letter that went out"
    assert (workspace.root / later.path).is_file()
    assert run(workspace, "register", "reconcile").exit_code == 0
    with Register.open(workspace) as reg:
        assert check_register(reg).ok
        assert reg.document(later.id).number == later.number


def _write_letters(root: str, count: int, started) -> None:
    ws = load_workspace(root, env={})
    with Register.open(ws) as reg:
        for index in range(count):
            generate(ws, KIND, dict(get_kind(KIND).example), register=reg)
            if index == 2:
                started.set()


@pytest.mark.slow
def test_backup_while_another_process_writes_is_a_consistent_snapshot(workspace):
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    started = ctx.Event()
    writer = ctx.Process(target=_write_letters, args=(str(workspace.root), 40, started))
    writer.start()
    try:
        assert started.wait(timeout=120)
        taken = [backup_register(workspace) for _ in range(3)]
    finally:
        writer.join(timeout=300)
    assert writer.exitcode == 0
    for path in taken:
        got = issued(path)
        assert got == [f"500.16.7.2/{i}/423.105/2026" for i in range(1, len(got) + 1)], "a prefix, no gap"
    with Register.open(workspace) as reg:
        assert len(reg.numbers()) == 40


def test_retention_keeps_the_newest_backups_and_touches_nothing_else(workspace, letter):
    generate(workspace, KIND, letter)
    folder = workspace.root / "registers" / "cadangan"
    folder.mkdir()
    old = ["docgen-20240101-080000.sqlite", "docgen-20250101-080000.sqlite", "docgen-20250101-080000-2.sqlite"]
    for name in old:
        (folder / name).write_bytes(b"old")
    others = ["catatan.txt", "docgen-lama.sqlite", "docgen-20240101-080000.sqlite.bak"]
    for name in others:
        (folder / name).write_text("not a backup")

    newest = backup_register(workspace, keep=2)

    assert sorted(p.name for p in folder.iterdir()) == sorted(["docgen-20250101-080000-2.sqlite", newest.name, *others])
    assert backups(folder) == [folder / "docgen-20250101-080000-2.sqlite", newest]


def test_backups_in_the_same_second_never_replace_each_other(workspace, letter):
    generate(workspace, KIND, letter)
    made = [backup_register(workspace) for _ in range(4)]
    assert len(set(made)) == 4
    assert all(p.is_file() for p in made)
    assert latest_backup(workspace) == made[-1]


def test_cli_backup_to_another_folder_with_retention(workspace, letter, tmp_path):
    generate(workspace, KIND, letter)
    usb = tmp_path / "usb" / "cadangan"
    for _ in range(3):
        result = run(workspace, "register", "backup", "--ke", str(usb), "--simpan", "2")
        assert result.exit_code == 0, result.output
    assert len(backups(usb)) == 2
    assert "diperiksa" in result.stdout
    assert not (workspace.root / "registers" / "cadangan").exists()


def test_backup_folder_and_retention_come_from_the_profile(workspace, letter):
    generate(workspace, KIND, letter)
    ws = load_workspace(
        workspace.root, env={"DOCGEN_REGISTER__BACKUP_DIR": "arsip/cadangan", "DOCGEN_REGISTER__BACKUP_KEEP": "1"}
    )
    first, second = backup_register(ws), backup_register(ws)
    assert second.parent == workspace.root / "arsip" / "cadangan"
    assert backups(second.parent) == [second] and not first.exists()
    elsewhere = workspace.root.parent / "disk-lain"
    ws = load_workspace(workspace.root, env={"DOCGEN_REGISTER__BACKUP_DIR": str(elsewhere)})
    assert backup_register(ws).parent == elsewhere, "an absolute folder (another disk) is the admin's choice"
    ws = load_workspace(workspace.root, env={"DOCGEN_REGISTER__BACKUP_DIR": "../di-luar"})
    with pytest.raises(ConfigError):
        backup_register(ws)  # a relative folder never climbs out of the workspace
    assert not (workspace.root.parent / "di-luar").exists()
    with pytest.raises(ConfigError):
        load_workspace(workspace.root, env={"DOCGEN_REGISTER__BACKUP_KEEP": "-1"})


def test_a_register_with_a_broken_event_chain_is_not_backed_up(workspace, letter):
    generate(workspace, KIND, letter)
    with closing(sqlite3.connect(workspace.register_path, isolation_level=None)) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET detail = '{}' WHERE id = 2")

    with pytest.raises(RegisterError, match="gagal diperiksa"):
        backup_register(workspace)
    result = run(workspace, "register", "backup")
    assert result.exit_code == 1 and result.stderr.startswith("Galat: Cadangan tidak dibuat")
    folder = workspace.root / "registers" / "cadangan"
    assert list(folder.iterdir()) == [], "neither a backup nor its temporary copy is left"


def test_a_missing_register_cannot_be_backed_up(workspace):
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workspace.register_path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(RegisterError, match="tidak ada"):
        backup_register(workspace)
    assert not workspace.register_path.exists()


@pytest.mark.parametrize("keep", [-1, True, "2"])
def test_retention_must_be_a_whole_number(workspace, keep):
    with pytest.raises(RegisterError):
        backup_register(workspace, keep=keep)
    assert latest_backup(workspace) is None


def test_an_unwritable_backup_folder_is_one_clear_line(workspace, tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("a file where the folder should be")
    result = run(workspace, "register", "backup", "--ke", str(blocker / "cadangan"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Galat: Folder cadangan") and "tak terduga" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["berkas", "ws"]


@pytest.mark.postgresql_only("the refusal is PostgreSQL's")
def test_a_register_on_postgresql_is_not_backed_up_by_docgen_but_points_to_pg_dump(workspace, letter):
    generate(workspace, KIND, letter)
    with pytest.raises(RegisterError, match="pg_dump"):
        backup_register(workspace)
    result = run(workspace, "register", "backup")
    assert result.exit_code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Galat: ") and "pg_dump" in line
    assert not (workspace.root / "registers" / "cadangan").exists()
