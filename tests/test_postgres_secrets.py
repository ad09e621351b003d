"""A register password never leaves the URL it was written in: messages, logs, reasons, events.

libpq takes a password from ``user:pw@`` in a URL, from ``?password=`` (or ``sslpassword``),
from a passfile and from ``PGPASSWORD``; some of its own errors quote the URL's parts (an invalid
percent-encoding quotes the whole password). Whatever form, what docgen prints, logs or stores
masks it. Events already written with a password stay as written (the chain is append-only), and
the desk, ``register show`` and the agenda export mask them when showing them.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import logging
from datetime import date
from urllib.parse import quote

import psycopg
import pytest
from conftest import PG_SERVER, cli, one_galat_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import ConfigError, DocgenError
from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.register.events import GENESIS, event_hash, now_iso
from docgen.store.pg_errors import mask_logs, redacted
from docgen.store.postgres import PgConnection

HOST = PG_SERVER.rsplit("@", 1)[-1]  # 127.0.0.1:5432, trusting every local connection
MISSING_DB = "docgen_test_tidak_ada"  # refused at once (no retry), after libpq has read the URL
SECRET = "Rahasia-Sandi-42"
on_postgres = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def forms(secret: str) -> set[str]:
    """The spellings a leaked password could take in text."""
    return {secret, quote(secret, safe=""), quote(secret), json.dumps(secret)[1:-1]}


def leaked(secret: str, text: str) -> bool:
    return any(form in text for form in forms(secret))


def with_url(ws, url: str, *args: str):
    """``docgen ARGS`` in-process with the register URL given by the environment, as admins do."""
    return CliRunner().invoke(app, ["--workspace", str(ws.root), *args], env={"DOCGEN_REGISTER__URL": url})


# -- the property: any URL form, any characters ------------------------------------------------

# Printable text in any script, with the characters URLs and conninfo strings treat specially.
ODD = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\x00")
RAW_OK = set("!$&'()*+,;=~-._") | {chr(c) for c in range(0x80, 0x2FFF)}  # left unencoded in a URL


def loosely(secret: str) -> str:
    """Percent-encoded only where a URL must be: what an admin hand-writes."""
    return "".join(ch if ch.isalnum() or ch in RAW_OK else quote(ch, safe="") for ch in secret)


def conninfo_quoted(secret: str) -> str:
    return "'" + secret.replace("\\", "\\\\").replace("'", "\\'") + "'"


URL_FORMS = {
    "userinfo": lambda s: f"postgresql://postgres:{quote(s, safe='')}@{HOST}/{MISSING_DB}",
    "userinfo-loose": lambda s: f"postgresql://postgres:{loosely(s)}@{HOST}/{MISSING_DB}",
    "userinfo-raw": lambda s: f"postgres://postgres:{s.replace('@', '%40').replace('/', '%2F')}@{HOST}/{MISSING_DB}",
    "query": lambda s: f"postgresql://postgres@{HOST}/{MISSING_DB}?password={quote(s, safe='')}",
    "query-second": lambda s: f"postgresql://postgres@{HOST}/{MISSING_DB}?sslmode=disable&password={loosely(s)}",
    "sslpassword": lambda s: f"postgresql://postgres@{HOST}/{MISSING_DB}?sslpassword={quote(s, safe='')}",
    "bad-percent": lambda s: f"postgresql://postgres:{quote(s, safe='')}%zz@{HOST}/{MISSING_DB}",
    "bad-port": lambda s: f"postgresql://postgres:{loosely(s)}@127.0.0.1:lima/{MISSING_DB}",
    "conninfo": lambda s: f"host=127.0.0.1 user=postgres dbname={MISSING_DB} password={conninfo_quoted(s)}",
}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """One SQLite register where the property's void reasons and events are written."""
    ws = create_workspace(tmp_path_factory.mktemp("rahasia") / "ws")
    with Register.open(ws) as reg:
        yield reg


def _pg_message(url: str) -> str:
    """What docgen says when it opens this URL with the real libpq against the real server."""
    try:
        PgConnection(url, busy_timeout_s=5).close()
    except DocgenError as exc:
        return str(exc)
    return ""


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(ODD, min_size=1, max_size=14), form=st.sampled_from(sorted(URL_FORMS)))
def test_a_password_in_any_url_form_never_appears_in_what_docgen_says_logs_or_stores(
    books, tmp_path, caplog, body, form
):
    secret = "Zq9" + body  # distinct from any word of a message, whatever the drawn characters
    url = URL_FORMS[form](secret)
    said: list[str] = [redacted(url)]
    try:
        load_workspace(books.workspace.root, env={"DOCGEN_REGISTER__URL": url})
    except ConfigError as exc:
        said.append(str(exc))
    said.append(_pg_message(url))
    try:  # the raw libpq error as a server or a driver would word it, quoting the URL itself
        psycopg.connect(url, connect_timeout=5).close()
        raw = f"connected to {url}"
    except psycopg.Error as exc:
        raw = f"{exc} ({url})"
    said.append(redacted(raw))
    mask_logs()
    with caplog.at_level(logging.INFO, logger="docgen.test"):
        try:
            raise RuntimeError(raw)
        except RuntimeError:
            logging.getLogger("docgen.test").exception("register %s tidak terbuka", url)
    said += [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    caplog.clear()
    reservation = books.reserve("surat-keluar", doc_date=date(2026, 5, 4), kka="500.16.7.2")
    books.abandon(reservation, reason=f"gagal dibuat: {raw}"[:300])
    row = books.conn.execute("SELECT reason FROM numbers WHERE id = ?", (reservation.number_id,)).fetchone()
    events = books.conn.execute("SELECT detail FROM events WHERE number_id = ?", (reservation.number_id,)).fetchall()
    said += [row[0], *(e[0] for e in events)]
    for text in said:
        assert not leaked(secret, text), (form, url, text)


@pytest.mark.parametrize("where", ["env", "passfile"])
def test_a_password_from_pgpassword_or_a_passfile_is_never_printed(workspace, tmp_path, where, monkeypatch):
    url = f"postgresql://postgres@{HOST}/{MISSING_DB}"
    if where == "env":
        monkeypatch.setenv("PGPASSWORD", SECRET)
        text = redacted(f"PGPASSWORD={SECRET} psql {url}; sandi {SECRET}")
    else:
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"*:*:*:*:{SECRET}\n", encoding="utf-8")
        passfile.chmod(0o600)
        url += f"?passfile={passfile}"
        text = redacted(f"password={SECRET} {url}")
    result = with_url(workspace, url, "register", "list")
    assert result.exit_code == 1 and "basis data tidak ada" in result.output
    assert SECRET not in result.output and SECRET not in text


# -- one behaviour each, through the command line and the desk -------------------------------------


def test_a_register_url_with_a_port_that_is_not_a_number_is_one_line_without_the_password(workspace):
    result = with_url(workspace, f"postgresql://postgres:{SECRET}@127.0.0.1:lima/docgen", "register", "list")

    line = one_galat_line(result)
    assert "'register.url'" in line and "port harus angka 1-65535" in line, line
    assert SECRET not in result.output


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres@{HOST}/{MISSING_DB}?password={SECRET}",
        f"postgresql://postgres@{HOST}/{MISSING_DB}?sslmode=disable&password={SECRET}",
        f"postgresql://postgres:{quote('@' + SECRET + ':/', safe='')}@{HOST}/{MISSING_DB}",
    ],
    ids=["query", "query-second", "encoded-userinfo"],
)
def test_a_refusal_names_the_server_but_never_the_password_however_the_url_gives_it(workspace, url):
    result = with_url(workspace, url, "register", "list")

    line = one_galat_line(result)
    assert "Register PostgreSQL postgresql://postgres" in line and f"{HOST}/{MISSING_DB}" in line, line
    assert "basis data tidak ada di server" in line
    assert not leaked(SECRET, result.output), line


def _old_event(reg: Register, doc_id: int, detail: dict) -> None:
    """An event as docgen wrote it before passwords were masked: chained, so the chain stays intact."""
    prev = reg.conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = prev[0] if prev else GENESIS
    at, text = now_iso(), json.dumps(detail, ensure_ascii=False, sort_keys=True)
    digest = event_hash(prev_hash, at, "number.voided", doc_id, None, text)
    reg.conn.execute(
        "INSERT INTO events (at, action, doc_id, number_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, "number.voided", doc_id, None, text, prev_hash, digest),
    )


def test_events_and_reasons_written_before_the_mask_are_shown_masked_and_never_rewritten(workspace, letter, tmp_path):
    url = f"postgresql://docgen:{SECRET}@db.kantor:5432/docgen"
    made = generate(workspace, "surat-keluar", letter)
    with Register.open(workspace) as reg:
        _old_event(reg, made.id, {"reason": f"gagal dibuat: server {url} putus", "pengguna": "siti"})
        reg.conn.execute("UPDATE numbers SET reason = ? WHERE doc_id = ?", (f"dulu: {url}", made.id))
        reg.conn.execute("UPDATE documents SET void_reason = ? WHERE id = ?", (f"dulu: {url}", made.id))
        stored = reg.conn.execute("SELECT detail FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]

    shown = cli(workspace, "register", "show", str(made.id))
    as_json = cli(workspace, "register", "show", str(made.id), "--json")
    exported = tmp_path / "agenda.csv"
    export = cli(workspace, "register", "export", "--format", "csv", "--output", str(exported))
    check = cli(workspace, "register", "check")

    assert shown.exit_code == as_json.exit_code == export.exit_code == 0, (shown.output, export.output)
    for text in (shown.output, as_json.output, exported.read_text(encoding="utf-8-sig")):
        assert not leaked(SECRET, text), text
    assert "postgresql://docgen:***@db.kantor:5432/docgen" in as_json.output
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert any("***" in (r.get("Alasan batal") or "") for r in rows), rows
    assert check.exit_code == 0, check.output  # the chain is intact: nothing was rewritten
    with Register.open(workspace) as reg:
        assert reg.conn.execute("SELECT detail FROM events ORDER BY id DESC LIMIT 1").fetchone()[0] == stored
        assert SECRET in stored


def test_the_desk_shows_an_old_event_with_its_password_masked(tmp_path):
    from test_desk import ACCOUNTS, PASSWORD, start_desk

    from docgen.register.users import add_user

    ws = create_workspace(tmp_path / "ws")
    url = f"postgresql://docgen:{SECRET}@db.kantor:5432/docgen?password={SECRET}"
    made = generate(ws, "surat-keluar", copy.deepcopy(get_kind("surat-keluar").example))
    with Register.open(ws) as reg:
        add_user(reg, "siti", "Siti Pegawai", ACCOUNTS["siti"][0], PASSWORD)
        _old_event(reg, made.id, {"reason": f"gagal dibuat: server {url} putus", "pengguna": "siti"})
        reg.conn.execute("UPDATE documents SET void_reason = ? WHERE id = ?", (f"dulu: {url}", made.id))
    desk = start_desk(ws.root, tmp_path / "meja.log")
    try:
        page = desk.client("siti").get(f"/dokumen/{made.id}")
    finally:
        desk.proc.terminate()
        desk.proc.wait(10)
    assert page.status == 200
    assert "db.kantor" in page.plain()  # the event is shown, with its server named
    assert not leaked(SECRET, page.text), page.plain()
