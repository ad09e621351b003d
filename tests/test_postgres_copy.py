"""``docgen register copy-to``: an office's SQLite register moves to its PostgreSQL server.

The office keeps working afterwards as if nothing happened: the next letter takes the next
number, old letters still verify, the outbox still belongs to the register. A target that holds
anything is refused, a copy that fails half-way leaves the target empty, and the SQLite register
is changed only by being marked as moved (issue 21), after the copy checked out.
"""

from __future__ import annotations

import copy
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import date

import psycopg
import pytest
from conftest import PG_SERVER, drop_database, require_postgres
from conftest import cli as run
from conftest import one_galat_line as one_error_line

from docgen.incoming import dispose, enter_incoming, receive
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Intake, Register, check_register
from docgen.register.transfer import TABLES

KIND = "surat-keluar"
TODAY = date(2026, 11, 28)


@pytest.fixture
def empty_database() -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped afterwards."""
    require_postgres()
    name = f"docgen_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{PG_SERVER}/{name}"
    drop_database(name)


def sqlite_dump(ws) -> list[str]:
    with closing(sqlite3.connect(ws.register_path)) as conn:
        return list(conn.iterdump())


def target_tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]


def books(ws) -> dict[str, list]:
    """Everything a clerk can see in the register, read through the register's own methods."""
    with Register.open(ws) as reg:
        docs = reg.documents()
        return {
            "documents": [d.as_dict() for d in docs],
            "numbers": reg.numbers(),
            "files": [f for d in docs for f in reg.files(d.id)],
            "events": [e for d in docs for e in reg.events(d.id)],
        }


def office_history(ws, letter: dict, incoming: dict) -> None:
    """Letters, a void number, a draft, an incoming letter with two disposition rounds, an intake row."""
    for _ in range(3):
        generate(ws, KIND, letter)
    generate(ws, KIND, letter, intake=Intake(key="k" * 64, file_sha256="f" * 64, source="surat.yaml|1|2"))
    generate(ws, KIND, letter, draft=True)
    with Register.open(ws) as reg:
        reg.void_number("500.16.7.2/2/423.105/2026", reason="salah alamat")
    enter_incoming(ws, incoming)
    dispose(ws, "1/2026", units=["3"], instructions=["2"], by="kadis", note="Segera.", today=TODAY)
    receive(ws, "1/2026", by="Ahmad Fauzi", today=TODAY)
    dispose(ws, "1/2026", units=["sub bagian umum"], instructions=["4"], by="kabid-ptsp", today=TODAY)


def test_a_copied_register_carries_on_numbering_on_the_server_and_the_sqlite_file_is_only_marked_moved(
    workspace, letter, empty_database
):
    incoming = copy.deepcopy(get_kind("surat-masuk").example)
    office_history(workspace, letter, incoming)
    before, dump = books(workspace), sqlite_dump(workspace)
    marker = (workspace.outbox / ".register-id").read_text()

    result = run(workspace, "register", "copy-to", empty_database)

    assert result.exit_code == 0, result.output
    assert "salinan sama dengan register SQLite" in result.output
    assert "6 berkas cocok dengan outbox" in result.output
    added = [line for line in sqlite_dump(workspace) if line not in dump]
    assert len(added) == 2, "copying changed nothing in the SQLite register but marking it as moved"
    assert any("moved_to" in line for line in added) and any("register.moved" in line for line in added)
    dump = sqlite_dump(workspace)
    assert (workspace.outbox / ".register-id").read_text() == marker

    on_server = load_workspace(workspace.root, env={"DOCGEN_REGISTER__URL": empty_database})
    assert books(on_server) == before
    with Register.open(on_server) as reg:
        assert reg.intake("k" * 64)["number"] == "500.16.7.2/4/423.105/2026"
        assert check_register(reg).ok
    # Numbering, ids and the agenda go on where SQLite stopped.
    nxt = generate(on_server, KIND, letter)
    assert nxt.number == "500.16.7.2/5/423.105/2026"
    assert nxt.id == max(d["id"] for d in before["documents"]) + 1
    assert enter_incoming(on_server, {**incoming, "nomor": "600.4/216/423.109/2026"}).number == "2/2026"
    assert dispose(on_server, "1/2026", units=["1"], instructions=["2"], by="kadis", today=TODAY).round == 3
    with Register.open(on_server) as reg:
        assert check_register(reg).ok
    left = run(workspace, "register", "check")  # the CLI reads docgen.toml, still without the url
    assert left.exit_code == 1 and "sudah dipindah ke PostgreSQL" in left.output
    assert sqlite_dump(workspace) == dump


def test_every_register_table_is_copied(workspace, letter, empty_database):
    """A migration that adds a table without adding it to the copy would lose that table's rows."""
    generate(workspace, KIND, letter)
    with closing(sqlite3.connect(workspace.register_path)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names - {"sqlite_sequence"} == set(TABLES)
    assert run(workspace, "register", "copy-to", empty_database).exit_code == 0
    assert set(target_tables(empty_database)) == set(TABLES) | {"docgen_schema"}


@pytest.mark.parametrize(
    ("setup", "held"),
    [
        ("CREATE TABLE catatan (x int)", "tabel catatan"),
        (
            "register",
            "tabel batches, counters, dispositions, docgen_schema, documents, events dan lainnya; 1 dokumen, 1 nomor",
        ),
    ],
    ids=["foreign-table", "docgen-register"],
)
def test_a_target_that_holds_anything_is_refused_naming_what_it_holds(workspace, letter, empty_database, setup, held):
    generate(workspace, KIND, letter)
    if setup == "register":
        assert run(workspace, "register", "copy-to", empty_database).exit_code == 0
    else:
        with psycopg.connect(empty_database, autocommit=True) as conn:
            conn.execute(setup)
    tables, dump = target_tables(empty_database), sqlite_dump(workspace)

    line = one_error_line(run(workspace, "register", "copy-to", empty_database))

    assert line == (
        f"Galat: Basis data tujuan PostgreSQL {empty_database} tidak kosong ({held}); salin hanya ke basis data "
        "kosong: buat basis data baru (createdb) lalu ulangi"
    )
    assert target_tables(empty_database) == tables
    assert sqlite_dump(workspace) == dump


def test_a_copy_that_fails_half_way_leaves_the_target_empty_and_can_run_again(workspace, letter, empty_database):
    incoming = copy.deepcopy(get_kind("surat-masuk").example)
    office_history(workspace, letter, incoming)
    # PostgreSQL refuses a NUL character that SQLite stores: the dispositions come late in the copy,
    # after documents, numbers, files and events were already written inside the transaction.
    with closing(sqlite3.connect(workspace.register_path)) as conn, conn:
        conn.execute("UPDATE dispositions SET note = 'a' || char(0) || 'b' WHERE round = 1")

    line = one_error_line(run(workspace, "register", "copy-to", empty_database))

    assert line.startswith(f"Galat: Register PostgreSQL {empty_database}: galat basis data (")
    assert target_tables(empty_database) == []
    with closing(sqlite3.connect(workspace.register_path)) as conn, conn:
        conn.execute("UPDATE dispositions SET note = 'ab' WHERE round = 1")
    assert run(workspace, "register", "copy-to", empty_database).exit_code == 0


def test_a_register_in_use_is_not_copied(workspace, empty_database, start_holder):
    holder = start_holder(
        "r = reg.reserve('surat-keluar', doc_date=__import__('datetime').date(2026, 5, 4), kka='500.16.7.2')\n"
        "print(r.number, flush=True)\ntime.sleep(120)\n"
    )
    line = one_error_line(run(workspace, "register", "copy-to", empty_database))
    assert line.startswith("Galat: Register SQLite sedang dipakai (nomor 500.16.7.2/1/423.105/2026 sedang dipakai ")
    assert line.endswith("hentikan semua proses docgen (termasuk 'docgen watch') lalu ulangi penyalinan")
    assert target_tables(empty_database) == []
    holder.kill()
    # A dead holder's number is a problem to fix where it is, not to carry over.
    line = one_error_line(run(workspace, "register", "copy-to", empty_database))
    assert "jalankan 'docgen register check --fix'" in line
    assert run(workspace, "register", "check", "--fix").exit_code == 0
    assert run(workspace, "register", "copy-to", empty_database).exit_code == 0
