"""The register is never silently re-created, swapped or written after it vanished (issue 8).

A deleted or emptied register used to come back empty on the next command, and numbering
restarted at 1 beside an outbox full of letters numbered 1, 2, 3.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import (
    _pg_admin,
    drop_database,
    has_register,
    lose_register,
    one_galat_line,
    register_tables,
    set_aside,
    unavailable,
)
from conftest import cli as run

from docgen.errors import DocgenError, RegisterError
from docgen.pipeline import create_workspace, generate
from docgen.profile import load_workspace
from docgen.register import Register, check_register
from docgen.register.backup import backup_register
from docgen.register.opening import MARKER
from docgen.store.db import SCHEMA_VERSION

KIND = "surat-keluar"


def numbers(ws) -> list[str]:
    with Register.open(ws) as reg:
        return [n["number"] for n in reg.numbers()]


def letters(ws, letter, count: int) -> list[str]:
    return [generate(ws, KIND, letter).number for _ in range(count)]


remove_register = lose_register


def schemaless(path: Path) -> None:
    """A valid SQLite file with no tables in it, as a re-created empty database looks."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
        conn.commit()
    assert path.stat().st_size > 0


def _pg_recreated(ws) -> None:
    name = urlsplit(ws.profile.books.url).path.lstrip("/")
    drop_database(name)
    _pg_admin(f"CREATE DATABASE {name}")


def _pg_dropped(ws) -> None:
    drop_database(urlsplit(ws.profile.books.url).path.lstrip("/"))


DAMAGES = {  # on SQLite the file; on PostgreSQL the database
    "deleted": lambda ws: _pg_dropped(ws) if ws.profile.books.url else remove_register(ws),
    "emptied": lambda ws: (
        _pg_recreated(ws) if ws.profile.books.url else (remove_register(ws), ws.register_path.write_bytes(b""))
    ),
    "schema-less": lambda ws: (
        remove_register(ws) if ws.profile.books.url else (remove_register(ws), schemaless(ws.register_path))
    ),
}


def register_state(ws) -> object:
    """What a refused open must leave as it was: the file's bytes, or the database's tables."""
    if ws.profile.books.url:
        return register_tables(ws)
    return ws.register_path.read_bytes() if ws.register_path.exists() else None


# -- opening never creates ------------------------------------------------------------------------


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_register_is_refused_and_numbering_never_restarts(workspace, letter, tmp_path, damage):
    assert letters(workspace, letter, 2) == ["500.16.7.2/1/423.105/2026", "500.16.7.2/2/423.105/2026"]
    DAMAGES[damage](workspace)
    before = register_state(workspace)

    with pytest.raises(RegisterError) as caught:
        generate(workspace, KIND, letter)
    assert "register create" not in str(caught.value), "beside an outbox of letters, creating is no fix"
    assert "\n" not in str(caught.value)
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter), encoding="utf-8")
    for args in (("new", KIND, "--data", str(request)), ("register", "list"), ("register", "check"), ("number", "1")):
        line = one_galat_line(run(workspace, *args))
        assert "cadangan" in line and "tak terduga" not in line

    after = register_state(workspace)
    assert after == before, "a refused open must not create or migrate anything"


@pytest.mark.sqlite_only("docgen's own backups are SQLite files; PostgreSQL is backed up with pg_dump")
def test_missing_register_names_the_newest_backup_and_restoring_it_continues_numbering(workspace, letter):
    letters(workspace, letter, 1)
    backup_register(workspace)
    letters(workspace, letter, 1)
    newest = backup_register(workspace)
    remove_register(workspace)

    with pytest.raises(RegisterError) as caught:
        Register.open(workspace)
    message = str(caught.value)
    assert str(newest) in message and "docgen register check" in message
    assert not workspace.register_path.exists()

    shutil.copyfile(newest, workspace.register_path)
    with Register.open(workspace) as reg:
        assert check_register(reg).ok
    assert generate(workspace, KIND, letter).number == "500.16.7.2/3/423.105/2026"


def test_a_fresh_copy_of_the_shipped_folder_gets_its_register_only_by_an_explicit_create(
    tmp_path, letter, make_workspace
):
    ws = make_workspace(tmp_path / "salinan", register=False)
    assert not has_register(ws)

    with pytest.raises(RegisterError) as caught:
        generate(ws, KIND, letter)
    assert "docgen register create" in str(caught.value)
    assert not has_register(ws)

    result = run(ws, "register", "create")
    assert result.exit_code == 0, result.output
    assert generate(ws, KIND, letter).number == "500.16.7.2/1/423.105/2026"
    one_galat_line(run(ws, "register", "create"))  # a second create is refused
    assert numbers(ws) == ["500.16.7.2/1/423.105/2026"]


def test_a_register_lost_before_its_first_letter_is_not_replaced_and_comes_back_from_a_copy(workspace, letter):
    """The outbox marker outlives its register: a new one would take the marker and lock the old one out."""
    put_back = set_aside(workspace)

    with pytest.raises(RegisterError) as caught:
        generate(workspace, KIND, letter)
    assert "register create" not in str(caught.value) and "pulihkan" in str(caught.value)
    assert "outbox" in one_galat_line(run(workspace, "register", "create"))
    assert not has_register(workspace)

    put_back()
    assert generate(workspace, KIND, letter).number == "500.16.7.2/1/423.105/2026"


def refuses_to_create(ws) -> None:
    """``register create`` and ``init`` are refused, and neither the register nor its folder changes."""
    before = (sorted(p.name for p in ws.register_path.parent.iterdir()), has_register(ws))
    with pytest.raises(RegisterError):
        Register.create(ws)
    one_galat_line(run(ws, "register", "create"))
    with pytest.raises(DocgenError):
        create_workspace(ws.root)  # init refuses a folder holding a profile anyway
    assert (sorted(p.name for p in ws.register_path.parent.iterdir()), has_register(ws)) == before


@pytest.mark.parametrize("left_behind", ["register", "outbox document"])
def test_creating_is_refused_wherever_a_register_may_have_lived(workspace, letter, left_behind):
    letters(workspace, letter, 1)
    if left_behind != "register":
        remove_register(workspace)
    refuses_to_create(workspace)


@pytest.mark.sqlite_only("docgen's own backups are SQLite files; PostgreSQL is backed up with pg_dump")
def test_creating_is_refused_beside_a_backup_of_a_lost_register(workspace, letter):
    letters(workspace, letter, 1)
    backup_register(workspace)
    remove_register(workspace)
    (workspace.outbox / MARKER).unlink()
    for made in workspace.outbox.rglob("*.docx"):
        made.unlink()  # only the backup is left to tell that a register lived here
    refuses_to_create(workspace)


def test_demo_creates_a_register_in_a_fresh_clone_but_not_beside_old_letters(tmp_path, monkeypatch, make_workspace):
    empty_bin = tmp_path / "tanpa-soffice"
    empty_bin.mkdir()
    fresh = make_workspace(tmp_path / "klon", register=False)
    monkeypatch.setenv("PATH", str(empty_bin))  # DOCX steps only: the demo's PDF steps need LibreOffice

    result = run(fresh, "demo")
    assert result.exit_code == 0, result.output
    assert "pemeriksaan baik" in " ".join(result.stdout.split())
    assert f"500.16.7.2/1/423.105/{date.today().year}" in numbers(fresh)

    remove_register(fresh)
    one_galat_line(run(fresh, "demo"))
    assert not has_register(fresh)


# -- a register deleted or replaced under a running process ---------------------------------------

WAIT_THEN_RESERVE = """
import sys
from datetime import date
from docgen.profile import load_workspace
from docgen.errors import RegisterError
from docgen.register import Register
reg = Register.open(load_workspace(sys.argv[1], env={}))
reg.reserve("surat-keluar", doc_date=date(2026, 11, 28), kka="500.16.7.2")
print("ready", flush=True)
sys.stdin.readline()
try:
    print(reg.reserve("surat-keluar", doc_date=date(2026, 11, 28), kka="500.16.7.2").number, flush=True)
except RegisterError as exc:
    print("refused:", exc, flush=True)
"""


@pytest.mark.sqlite_only("a file deleted or replaced under an open connection; a server database has no file")
@pytest.mark.parametrize("how", ["deleted", "replaced by a backup"])
def test_a_worker_notices_its_register_was_deleted_or_replaced_and_writes_nothing(workspace, letter, how):
    generate(workspace, KIND, letter)
    backup = backup_register(workspace)
    worker = subprocess.Popen(
        [sys.executable, "-c", WAIT_THEN_RESERVE, str(workspace.root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout.readline().strip() == "ready"
        remove_register(workspace)
        if how != "deleted":
            shutil.copyfile(backup, workspace.register_path)
        out, err = worker.communicate("go\n", timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert out.startswith("refused:"), out + err
    assert ("dihapus" if how == "deleted" else "diganti") in out
    if how != "deleted":
        assert numbers(workspace) == ["500.16.7.2/1/423.105/2026"], "nothing was written into the restored file"


@pytest.mark.sqlite_only("a file replaced under an open connection; a server database has no file")
def test_an_open_register_refuses_writes_after_its_file_was_replaced(workspace, letter):
    generate(workspace, KIND, letter)
    backup = backup_register(workspace)
    with Register.open(workspace) as reg:
        os.replace(backup, workspace.register_path)
        with pytest.raises(RegisterError, match="diganti berkas lain"):
            reg.reserve(KIND, doc_date=date(2026, 11, 28), kka="500.16.7.2")
    assert numbers(workspace) == ["500.16.7.2/1/423.105/2026"]


# -- a register that does not belong to the outbox beside it --------------------------------------


def take_register_of(ws, other):
    """Give ``ws`` the register of ``other``: its file copied over, or docgen.toml pointed at its
    database (a workstation set up with another office's url); returns ``ws`` as loaded now."""
    if not ws.profile.books.url:
        remove_register(ws)
        shutil.copyfile(other.register_path, ws.register_path)
        return ws
    profile = ws.root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace(ws.profile.books.url, other.profile.books.url), encoding="utf-8")
    return load_workspace(ws.root, env={})


def test_a_register_from_another_workspace_is_refused_for_writes_and_reported(
    workspace, letter, tmp_path, make_workspace
):
    letters(workspace, letter, 2)
    other = make_workspace(tmp_path / "kantor-lain")
    generate(other, KIND, letter)
    workspace = take_register_of(workspace, other)
    outbox_before = sorted(p for p in workspace.outbox.rglob("*") if p.is_file())

    with pytest.raises(RegisterError, match="bukan register outbox ini"):
        generate(workspace, KIND, letter)
    assert run(workspace, "register", "list").exit_code == 0, "reading stays possible, to look at it"
    result = run(workspace, "register", "check", "--fix")
    assert result.exit_code == 1
    said = " ".join(result.stdout.split())  # rich wraps lines at the terminal's width, between words
    assert "bukan register outbox ini" in said and "--fix tidak dijalankan" in said
    assert sorted(p for p in workspace.outbox.rglob("*") if p.is_file()) == outbox_before, "no letter set aside"
    assert numbers(workspace) == ["500.16.7.2/1/423.105/2026"]


def test_an_empty_register_beside_an_outbox_of_letters_is_refused(workspace, letter, tmp_path, make_workspace):
    letters(workspace, letter, 1)
    fresh = make_workspace(tmp_path / "kosong")
    workspace = take_register_of(workspace, fresh)
    (workspace.outbox / MARKER).unlink()  # as beside an outbox from before issue 8

    with pytest.raises(RegisterError, match="kosong padahal outbox berisi dokumen"):
        generate(workspace, KIND, letter)
    with Register.open(workspace) as reg:
        report = check_register(reg, fix=True)
    assert not report.ok and report.fixed == []
    assert not (workspace.outbox / MARKER).exists(), "an empty register does not claim the outbox"
    assert numbers(workspace) == []


def downgrade_to_v4(ws) -> None:
    """Turn a register into exactly what docgen wrote before issue 8: schema 4, no meta, no marker."""
    with closing(sqlite3.connect(ws.register_path, isolation_level=None)) as conn:
        conn.execute("DROP TABLE links")  # schema 7 (issue 11)
        conn.execute("DROP TABLE batches")  # schema 8 (issue 12)
        conn.execute("DROP TABLE signatures")  # schema 9 (issue 15)
        conn.execute("DROP TABLE users")  # schema 10 (issue 16)
        conn.execute("DROP TABLE given_numbers")  # schema 11 (issue 24)
        conn.execute("DROP TABLE meta")
        conn.execute("PRAGMA user_version = 4")
    (ws.outbox / MARKER).unlink()


@pytest.mark.sqlite_only("PostgreSQL registers begin at issue 9: none predates issue 8")
def test_a_register_from_before_issue_8_migrates_and_marks_its_outbox(workspace, letter):
    letters(workspace, letter, 2)
    downgrade_to_v4(workspace)

    with Register.open(workspace) as reg:
        version = reg.conn.execute("PRAGMA user_version").fetchone()[0]
        register_id = reg.conn.execute("SELECT value FROM meta WHERE key = 'register_id'").fetchone()[0]
        assert check_register(reg).ok
    assert version == SCHEMA_VERSION
    assert len(register_id) == 32
    assert (workspace.outbox / MARKER).read_text().strip() == register_id
    assert generate(workspace, KIND, letter).number == "500.16.7.2/3/423.105/2026"


def test_a_deleted_marker_is_written_again_from_the_register(workspace, letter):
    letters(workspace, letter, 1)
    marker = (workspace.outbox / MARKER).read_text()
    (workspace.outbox / MARKER).unlink()
    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"
    assert (workspace.outbox / MARKER).read_text() == marker


def test_a_changed_marker_refuses_writes_until_the_right_register_is_back(workspace, letter):
    letters(workspace, letter, 1)
    marker = workspace.outbox / MARKER
    good = marker.read_text()
    marker.write_text("0" * 32 + "\n")
    with pytest.raises(RegisterError, match="bukan register outbox ini"):
        generate(workspace, KIND, letter)
    marker.write_text(good)
    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026"


# -- file-system and SQLite failures are one clear line -------------------------------------------


@pytest.fixture
def immutable():
    """``chattr +i``: even root cannot write the file or folder (permission bits do not stop root)."""
    marked: list[Path] = []

    def mark(path: Path) -> None:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            unavailable(f"chattr +i tidak bisa dipakai di sini: {done.stderr.strip()} (perlu root dan ext4)")
        marked.append(path)

    yield mark
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.sqlite_only("file-system permissions of the SQLite file; see the read-only user test")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_register_is_one_clear_line_and_changes_nothing(workspace, letter, tmp_path, immutable, what):
    letters(workspace, letter, 1)
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter), encoding="utf-8")
    immutable(workspace.register_path if what == "file" else workspace.register_path.parent)

    line = one_galat_line(run(workspace, "new", KIND, "--data", str(request)))
    assert "tak terduga" not in line
    assert ("hanya bisa dibaca" if what == "file" else "izin") in line
    if what == "file":
        assert run(workspace, "register", "list").exit_code == 0, "a read-only register can still be read"
        line = one_galat_line(run(workspace, "register", "state", "1", "sent"))
        assert "hanya bisa dibaca" in line


@pytest.mark.postgresql_only(
    "a database that refuses writes (a standby, a read-only setting): the server's read-only file"
)
def test_a_register_the_server_only_lets_us_read_is_one_clear_line_and_changes_nothing(workspace, letter, tmp_path):
    letters(workspace, letter, 1)
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter), encoding="utf-8")
    name = urlsplit(workspace.profile.books.url).path.lstrip("/")
    _pg_admin(f"ALTER DATABASE {name} SET default_transaction_read_only = on")  # for sessions opened from now

    line = one_galat_line(run(workspace, "new", KIND, "--data", str(request)))
    assert "tak terduga" not in line and "tidak boleh menulis" in line
    assert run(workspace, "register", "list").exit_code == 0, "a read-only register can still be read"
    assert "tidak boleh menulis" in one_galat_line(run(workspace, "register", "state", "1", "sent"))

    _pg_admin(f"ALTER DATABASE {name} RESET default_transaction_read_only")
    assert numbers(workspace) == ["500.16.7.2/1/423.105/2026"]
    with Register.open(workspace) as reg:
        assert reg.document(1).state != "sent" and check_register(reg).ok


@pytest.mark.sqlite_only("garbage written into the SQLite file")
def test_a_damaged_register_file_is_one_clear_line(workspace, letter):
    letters(workspace, letter, 3)  # closed: the WAL is checkpointed into the file
    data = bytearray(workspace.register_path.read_bytes())
    page = 4096
    data[page:] = b"\xff" * (len(data) - page)  # every page after the schema is garbage
    workspace.register_path.write_bytes(bytes(data))

    for args in (("register", "list"), ("register", "check"), ("register", "show", "1")):
        line = one_galat_line(run(workspace, *args))
        assert "tak terduga" not in line and "Register" in line
