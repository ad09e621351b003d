"""Transient failures (the register locked by another program) are retried a bounded number of
times: a short lock costs nothing, a long one fails the file with a note and consumes no number."""

from __future__ import annotations

import sqlite3
import threading

from test_watch import drop, inbox, request, yaml_text

from docgen.profile import load_workspace
from docgen.register import Register
from docgen.watch import Watcher


def _locked_for(ws, seconds: float) -> threading.Thread:
    """Hold the register's write lock from another connection, as a second program would:
    SQLite's BEGIN IMMEDIATE on the file, or the advisory lock every PostgreSQL writer takes."""
    ready = threading.Event()

    def hold() -> None:
        if ws.profile.books.url:
            import psycopg

            from docgen.store.postgres import WRITE_LOCK

            with psycopg.connect(ws.profile.books.url) as conn:  # one transaction until the block ends
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                ready.set()
                threading.Event().wait(seconds)
                conn.rollback()
            return
        conn = sqlite3.connect(ws.register_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        threading.Event().wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    ready.wait(5)
    return holder


def test_a_briefly_locked_register_is_retried_and_the_letter_is_made(workspace):
    ws = load_workspace(workspace.root, env={"DOCGEN_REGISTER__BUSY_TIMEOUT_S": "0.2"})
    drop(inbox(ws) / "surat.yaml", yaml_text(request("Saat register sibuk")))
    holder = _locked_for(ws, 1.0)  # longer than one wait, shorter than three tries

    summary = Watcher(ws, settle_s=0.05).run(once=True)
    holder.join(5)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert (inbox(ws) / "done" / "surat.yaml").is_file()
    with Register.open(ws) as reg:
        assert [d.number for d in reg.documents()] == ["500.16.7.2/1/423.105/2026"]


def test_a_register_locked_too_long_fails_the_file_with_a_note_and_takes_no_number(workspace):
    ws = load_workspace(workspace.root, env={"DOCGEN_REGISTER__BUSY_TIMEOUT_S": "0.2"})
    drop(inbox(ws) / "surat.yaml", yaml_text(request("Register terkunci lama")))
    holder = _locked_for(ws, 8.0)

    summary = Watcher(ws, settle_s=0.05).run(once=True)
    holder.join(10)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    note = (inbox(ws) / "failed" / "surat.yaml.error.txt").read_text(encoding="utf-8")
    assert "Register sedang dipakai proses lain" in note and "dicoba 3 kali" in note
    with Register.open(ws) as reg:
        assert reg.numbers() == [] and reg.documents() == []
