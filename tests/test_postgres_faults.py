"""A PostgreSQL register under faults: no server, no database, no such user, cut connections.

Every refusal is one Indonesian line naming the server (never its password) and the fix; a
connection the server ends (``pg_terminate_backend``, what a restart looks like to a client) is
replaced before the next command, and one ended inside a transaction writes nothing: no number
is lost or issued twice, and the same call succeeds afterwards.

Not reproducible here: "wrong password". The test server trusts every local connection, so it
never asks for one; the password in a URL is still checked never to be printed or stored.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from conftest import PG_SERVER, require_postgres
from conftest import one_galat_line as error_line
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import RegisterBusy
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Register, check_register
from docgen.register.numbering import reserve_number
from docgen.store.db import atomic

runner = CliRunner()
KIND = "surat-keluar"
DAY = date(2026, 5, 4)
SECRET = "Rahasia-Sandi-42"
on_postgres = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def with_password(url: str, password: str = SECRET) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def backend_pid(reg: Register) -> int:
    return int(reg.conn.execute("SELECT pg_backend_pid()").fetchone()[0])


def terminate(pid: int) -> None:
    """End a backend the way a server restart or an admin does, and wait until it is gone."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,)).fetchone()[0]


def seqs(ws) -> list[tuple[int, str]]:
    with Register.open(ws) as reg:
        return [(r["seq"], r["status"]) for r in reg.numbers()]


# -- the server cannot be used ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            "127.0.0.1:1/docgen",
            "server tidak terjangkau atau sambungan putus (connection failed: connection to server at "
            '"127.0.0.1", port 1 failed: Connection refused); pastikan server hidup dan jaringan tersambung, '
            "lalu ulangi (tidak ada nomor yang terpakai)",
        ),
        (
            "127.0.0.1:5432/docgen_test_tidak_ada",
            "basis data tidak ada di server; pulihkan basis data dari cadangan pg_dump terbaru "
            "(lihat README: PostgreSQL)",
        ),
        (
            "127.0.0.1:5432/docgen_test_tidak_ada",
            "basis data tidak ada di server; buat dulu (README: PostgreSQL), lalu 'docgen register create'",
        ),
    ],
    ids=["closed-port", "missing-database-beside-letters", "missing-database-new-office"],
)
def test_an_unusable_server_is_one_line_naming_it_and_the_fix_without_the_password(workspace, where, expected, request):
    require_postgres()
    if request.node.callspec.id == "missing-database-new-office":
        (workspace.outbox / ".register-id").unlink()  # no register was ever made for this outbox
    user = "postgres"
    url = f"postgresql://{user}:{SECRET}@{where}"
    result = runner.invoke(
        app, ["--workspace", str(workspace.root), "register", "list"], env={"DOCGEN_REGISTER__URL": url}
    )
    line = error_line(result)
    assert line == f"Galat: Register PostgreSQL postgresql://{user}:***@{where}: {expected}"
    assert SECRET not in result.output


def test_an_unknown_user_is_refused_naming_the_fix(workspace):
    require_postgres()
    host = urlsplit(PG_SERVER).netloc.split("@")[-1]
    url = f"postgresql://tidak_ada_{SECRET.lower().replace('-', '_')}:x@{host}/postgres"
    result = runner.invoke(
        app, ["--workspace", str(workspace.root), "register", "list"], env={"DOCGEN_REGISTER__URL": url}
    )
    line = error_line(result)
    assert line.startswith("Galat: Register PostgreSQL postgresql://tidak_ada_")
    assert line.endswith(
        ":***@" + host + "/postgres: pengguna tidak ada di server; buat pengguna itu (lihat README: PostgreSQL)"
    )


@on_postgres
def test_a_password_in_the_url_is_never_printed_or_stored_in_the_register(workspace, letter):
    ws = load_workspace(workspace.root, env={"DOCGEN_REGISTER__URL": with_password(workspace.profile.books.url)})
    made = generate(ws, KIND, letter)
    env = {"DOCGEN_REGISTER__URL": ws.profile.books.url}
    outputs = [
        runner.invoke(app, ["--workspace", str(ws.root), *args], env=env)
        for args in (["register", "list"], ["register", "show", str(made.id)], ["register", "check"])
    ]
    assert all(r.exit_code == 0 for r in outputs), [r.output for r in outputs]
    assert not any(SECRET in r.output for r in outputs)
    with Register.open(ws) as reg:
        tables = [r[0] for r in reg.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )]  # fmt: skip
        stored = [str(list(row)) for t in tables for row in reg.conn.execute(f"SELECT * FROM {t}").fetchall()]
    assert stored and not any(SECRET in text for text in stored)
    assert not any(SECRET in p.read_text(errors="replace") for p in ws.outbox.rglob(".*") if p.is_file())


# -- connections the server ends -------------------------------------------------------------


@on_postgres
@pytest.mark.parametrize("long_running", [False, True], ids=["command", "watcher-pool"])
def test_a_connection_ended_while_idle_is_replaced_before_the_next_read_and_write(workspace, long_running):
    with Register.open(workspace, long_running=long_running) as reg:
        assert reg.conn.pooled == long_running
        first = reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        terminate(backend_pid(reg))
        assert [n["number"] for n in reg.numbers()] == [first.number]  # a read outside a transaction
        terminate(backend_pid(reg))
        second = reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")  # a write transaction first thing
    assert (first.seq, second.seq) == (1, 2)
    assert seqs(workspace) == [(1, "reserved"), (2, "reserved")]


@on_postgres
@pytest.mark.parametrize("moment", ["statement", "commit"])
@pytest.mark.parametrize("long_running", [False, True], ids=["command", "watcher-pool"])
def test_a_connection_ended_inside_a_transaction_writes_nothing_and_the_next_one_succeeds(
    workspace, moment, long_running
):
    with Register.open(workspace, long_running=long_running) as reg:
        reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        pid = backend_pid(reg)
        with pytest.raises(RegisterBusy) as caught, atomic(reg.conn):
            reserve_number(reg.conn, reg.profile, KIND, doc_date=DAY, kka="500.16.7.2")
            terminate(pid)
            if moment == "statement":
                reg.conn.execute("SELECT COUNT(*) FROM numbers")
        message = str(caught.value)
        after = reg.reserve(KIND, doc_date=DAY, kka="500.16.7.2")
        assert backend_pid(reg) != pid
    where = f"Register PostgreSQL {workspace.profile.books.url}: "
    assert message.startswith(where) and "\n" not in message
    if moment == "commit":
        assert message == where + (
            "sambungan putus saat menyimpan; jalankan 'docgen register check' untuk memastikan hasilnya, "
            "lalu ulangi bila belum tercatat"
        )
    else:
        assert "server tidak terjangkau atau sambungan putus" in message
        assert message.endswith("lalu ulangi (tidak ada nomor yang terpakai)")
    # The cut transaction left nothing: its number was never issued, so the next call takes seq 2.
    assert after.seq == 2
    assert seqs(workspace) == [(1, "reserved"), (2, "reserved")]
    with Register.open(workspace) as reg:
        assert reg.conn.execute("SELECT last_seq FROM counters").fetchone()[0] == 2
        assert check_register(reg).events == 2
