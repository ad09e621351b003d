"""A register hurt under docgen's feet: a connection cut mid-document, tables and columns gone.

A cut connection: the clerk's message says what the register then holds for the reserved number
(voided, with the reason it was voided for), never "no number was used" beside a voided number.

A damaged schema (a table renamed or dropped, a column dropped, by hand on the server or in the
SQLite file): every command, ``register check`` included, ends in one line naming the table or
column and the fix, exit status 1, no traceback, and nothing is numbered.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
import yaml
from conftest import PG_SERVER, RawRegister, cli, one_galat_line

from docgen.register import Register

KIND = "surat-keluar"
on_postgres = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
on_both = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)

STALL = """
CREATE FUNCTION docgen_test_stall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$;
CREATE TRIGGER docgen_test_stall BEFORE INSERT ON files FOR EACH ROW EXECUTE FUNCTION docgen_test_stall();
"""


def request_file(tmp_path, letter) -> str:
    path = tmp_path / "surat.yaml"
    path.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    return str(path)


def terminate_the_stalled_writer(database: str, killed: list[int], deadline_s: float = 120.0) -> None:
    """From another connection: wait until docgen's writer sleeps in the trigger, then end its backend."""
    end = time.monotonic() + deadline_s
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        while time.monotonic() < end:
            row = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'docgen' "
                "AND wait_event = 'PgSleep'",
                (database,),
            ).fetchone()
            if row:
                admin.execute("SELECT pg_terminate_backend(%s, 10000)", (row[0],))
                killed.append(row[0])
                return
            time.sleep(0.05)  # polling the server's own view of the writer, bounded by the deadline


@on_postgres
def test_a_connection_cut_mid_document_says_the_number_was_voided_as_the_register_says(workspace, letter, tmp_path):
    database = workspace.profile.books.url.rsplit("/", 1)[1]
    with RawRegister(workspace) as raw:
        raw.execute(STALL)
    killed: list[int] = []
    killer = threading.Thread(target=terminate_the_stalled_writer, args=(database, killed))
    killer.start()
    try:
        result = cli(workspace, "new", KIND, "--data", request_file(tmp_path, letter))
    finally:
        killer.join(timeout=150)
    assert killed, "the writer never reached the stalled insert"
    line = one_galat_line(result)
    with RawRegister(workspace) as raw:
        raw.execute("DROP TRIGGER docgen_test_stall ON files")

    with Register.open(workspace) as reg:
        [number] = reg.numbers()
        [doc] = reg.documents()
    assert (number["seq"], number["status"], doc.state) == (1, "void", "batal")
    assert "tidak ada nomor yang terpakai" not in line
    assert f"nomor {number['number']} dibatalkan" in line
    assert number["reason"].startswith("gagal dibuat: Register PostgreSQL ")
    assert number["reason"].removeprefix("gagal dibuat: ") in line  # the reason on record is the one told
    assert not list(workspace.outbox.rglob("*.docx"))
    assert cli(workspace, "register", "check").exit_code == 0
    again = cli(workspace, "new", KIND, "--data", request_file(tmp_path, letter), "--json")
    assert again.exit_code == 0, again.output
    assert '"number": "500.16.7.2/2/423.105/2026"' in again.stdout


# -- a damaged schema --------------------------------------------------------------------------------

DAMAGE = {
    "table-renamed": ("ALTER TABLE numbers RENAME TO numbers_lama", "tabel numbers tidak ada"),
    "table-dropped": ("DROP TABLE links", "tabel links tidak ada"),
    "column-dropped": ("ALTER TABLE documents DROP COLUMN addressee", "kolom addressee hilang dari tabel documents"),
    "roles-dropped": ("ALTER TABLE users DROP COLUMN roles", "kolom roles hilang dari tabel users"),
}


@on_both
@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", [("new",), ("register", "check"), ("pengguna", "daftar")], ids=" ".join)
def test_a_damaged_schema_is_one_line_naming_the_table_or_column_and_nothing_is_numbered(
    workspace, letter, tmp_path, damage, command
):
    sql, named = DAMAGE[damage]
    with RawRegister(workspace) as raw:
        raw.execute(sql)
    args = [*command, KIND, "--data", request_file(tmp_path, letter)] if command == ("new",) else list(command)

    line = one_galat_line(cli(workspace, *args))

    assert named in line, line
    assert "pengguna tidak ada" not in line
    assert "pulihkan" in line and "cadangan" in line
    with RawRegister(workspace) as raw:
        table = "numbers_lama" if damage == "table-renamed" else "numbers"
        assert raw.one(f"SELECT COUNT(*) FROM {table}") == 0
        assert raw.one("SELECT COUNT(*) FROM documents") == 0


@on_both
@pytest.mark.parametrize("damage", ["table-renamed", "column-dropped"])
def test_a_schema_damaged_under_a_running_process_is_named_when_it_next_writes(workspace, letter, damage):
    from docgen.errors import RegisterUnusable
    from docgen.pipeline import generate

    sql, _ = DAMAGE[damage]
    named = "numbers" if damage == "table-renamed" else "addressee"
    with Register.open(workspace) as reg:
        with RawRegister(workspace) as raw:
            raw.execute(sql)
        with pytest.raises(RegisterUnusable) as caught:
            generate(workspace, KIND, letter, register=reg)
    message = str(caught.value)
    assert named in message and "\n" not in message, message
    assert "pulihkan" in message


@on_postgres
def test_a_register_whose_version_table_was_renamed_is_named_damaged_not_foreign(workspace):
    with RawRegister(workspace) as raw:
        raw.execute("ALTER TABLE docgen_schema RENAME TO docgen_schema_lama")

    line = one_galat_line(cli(workspace, "register", "check"))

    assert "tabel docgen_schema (versi skema) tidak ada" in line, line
    assert "bukan register docgen" not in line
