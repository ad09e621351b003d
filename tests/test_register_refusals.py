"""What the register refuses before it writes: odd ids, a second number for one draft (issue 8).

Also: listings of a register holding megabyte-long values stay short and quick to print.
"""

from __future__ import annotations

import enum
import json
import os
import traceback
from datetime import date

import pytest
from conftest import RawRegister, run_together
from conftest import signed_draft as make_signed_draft
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import RegisterError
from docgen.pipeline import generate, number_document
from docgen.profile import load_workspace
from docgen.register import Register, State, check_register
from docgen.register.events import append_event, event_hash, verify_chain

KIND = "surat-keluar"
runner = CliRunner()


def counts(ws) -> tuple[int, int, int, int]:
    """Rows in documents, numbers, events and the counters' sum: a refusal changes none of them."""
    with Register.open(ws) as reg:
        one = lambda sql: reg.conn.execute(sql).fetchone()[0]  # noqa: E731
        return (
            one("SELECT COUNT(*) FROM documents"),
            one("SELECT COUNT(*) FROM numbers"),
            one("SELECT COUNT(*) FROM events"),
            one("SELECT COALESCE(SUM(last_seq), 0) FROM counters"),
        )


@pytest.fixture
def signed_draft(workspace, letter) -> int:
    return make_signed_draft(workspace, letter)


# -- strict ids ------------------------------------------------------------------------------------

BAD_IDS = [True, False, "1", 1.0, -1, 0, 2**70, None, [1]]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_an_id_that_is_not_a_plain_integer_is_refused_everywhere_and_changes_nothing(workspace, signed_draft, bad):
    assert signed_draft == 1  # so True would have been taken as this very document
    before = counts(workspace)
    with Register.open(workspace) as reg:
        for call in (
            lambda: reg.document(bad),
            lambda: reg.files(bad),
            lambda: reg.events(bad),
            lambda: reg.set_state(bad, State.BATAL, reason="uji"),
            lambda: reg.reserve_for(bad, KIND),
            lambda: reg.redate(bad, date(2026, 12, 1), {}),
        ):
            with pytest.raises(RegisterError, match="bilangan bulat"):
                call()
    with pytest.raises(RegisterError):
        number_document(workspace, bad)
    assert counts(workspace) == before
    with Register.open(workspace) as reg:
        assert reg.document(1).state == "signed"
        assert check_register(reg).ok


@pytest.mark.parametrize("bad", [True, "2", 2.0])
def test_an_insert_number_that_is_not_an_integer_is_refused_before_reserving(workspace, letter, bad):
    generate(workspace, KIND, letter)
    generate(workspace, KIND, letter)
    before = counts(workspace)
    with pytest.raises(RegisterError):
        generate(workspace, KIND, letter, insert_after=bad)
    assert counts(workspace) == before


class Kode(enum.IntEnum):
    SATU = 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc_id=st.one_of(st.none(), st.booleans(), st.integers(-3, 2**64), st.just(Kode.SATU), st.text(max_size=3)),
    detail=st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=20), st.integers(), st.booleans())),
)
def test_every_event_either_is_refused_or_verifies_from_what_is_stored(workspace, doc_id, detail):
    with Register.open(workspace) as reg:
        conn = reg.conn
        conn.begin_write()
        try:
            append_event(conn, "uji", doc_id=doc_id, **{f"k_{k}": v for k, v in detail.items()})
            conn.commit_write()
        except RegisterError:
            conn.rollback_write()
            assert isinstance(doc_id, bool) or not isinstance(doc_id, int) or not 0 < doc_id < 2**63
        except UnicodeEncodeError:
            conn.rollback_write()  # a lone surrogate: refused by the database driver, nothing stored
        assert verify_chain(conn) == []


def test_a_register_written_by_the_old_boolean_bug_still_verifies_but_other_edits_do_not(workspace, letter):
    generate(workspace, KIND, letter)
    with RawRegister(workspace) as conn:
        prev = conn.one("SELECT hash FROM events ORDER BY id DESC LIMIT 1")
        at, detail = "2026-11-28T01:00:00.000000+00:00", json.dumps({"source": "sidecar"})
        old_bug = event_hash(prev, at, "stamp.sidecar", True, None, detail)  # hashed as true, stored as 1
        insert = "INSERT INTO events (at, action, doc_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)"
        conn.execute(insert, (at, "stamp.sidecar", 1, detail, prev, old_bug))
        forged = event_hash(old_bug, at, "stamp.sidecar", True, None, detail)
        conn.execute(insert, (at, "stamp.sidecar", 2, detail, old_bug, forged))
    with Register.open(workspace) as reg:
        problems = check_register(reg).problems
    assert len(problems) == 1 and "diubah" in problems[0], "only the event whose id 2 was hashed as true fails"


# -- one number for one signed draft, however many ask at once -------------------------------------


def _number_worker(root: str, doc_id: int, barrier, queue) -> None:
    try:
        ws = load_workspace(root, env={})
        barrier.wait(timeout=60)
        try:
            queue.put((os.getpid(), "ok", ("issued", number_document(ws, doc_id).number)))
        except RegisterError as exc:
            queue.put((os.getpid(), "ok", ("refused", str(exc))))
    except BaseException:
        queue.put((os.getpid(), "error", traceback.format_exc()))


@pytest.mark.slow
def test_several_number_commands_on_one_signed_draft_consume_exactly_one_number(workspace, signed_draft, letter):
    workers = 6
    results = list(run_together(_number_worker, str(workspace.root), signed_draft, workers=workers).values())

    assert [payload for outcome, payload in results if outcome == "issued"] == ["500.16.7.2/1/423.105/2026"]
    refusals = [payload for outcome, payload in results if outcome == "refused"]
    assert len(refusals) == workers - 1
    assert all("sudah bernomor" in m or "sedang diberi nomor oleh proses" in m for m in refusals), refusals
    with Register.open(workspace) as reg:
        assert [(n["number"], n["status"]) for n in reg.numbers()] == [("500.16.7.2/1/423.105/2026", "issued")]
        assert reg.document(signed_draft).state == "numbered"
        assert check_register(reg).ok
    assert generate(workspace, KIND, letter).number == "500.16.7.2/2/423.105/2026", "no number was lost"


RESERVE_FOR_DOCUMENT_1 = """
res = reg.reserve_for(1, "surat-keluar")
print(res.number, flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_numbering_a_draft_another_process_is_numbering_is_refused_without_a_number(
    workspace, signed_draft, start_holder
):
    holder = start_holder(RESERVE_FOR_DOCUMENT_1)
    before = counts(workspace)
    with pytest.raises(RegisterError, match=f"sedang diberi nomor oleh proses {holder.pid}"):
        number_document(workspace, signed_draft)
    assert counts(workspace) == before

    holder.kill()
    with pytest.raises(RegisterError, match="register check --fix"):
        number_document(workspace, signed_draft)
    assert counts(workspace) == before
    with Register.open(workspace) as reg:
        check_register(reg, fix=True)
    assert number_document(workspace, signed_draft).number == "500.16.7.2/2/423.105/2026"


def test_a_numbered_letter_is_not_numbered_again(workspace, signed_draft):
    number_document(workspace, signed_draft)
    before = counts(workspace)
    with pytest.raises(RegisterError, match="sudah bernomor 500.16.7.2/1/423.105/2026"):
        number_document(workspace, signed_draft)
    with Register.open(workspace) as reg, pytest.raises(RegisterError, match="sudah bernomor"):
        reg.reserve_for(signed_draft, KIND)
    assert counts(workspace) == before


# -- listings of huge values -------------------------------------------------------------------------


def test_list_and_show_cut_megabyte_values_and_json_keeps_them(workspace, letter):
    made = generate(workspace, KIND, letter)
    huge = "Hal sangat panjang " * 60_000  # about 1 MB, as a register from before the limits may hold
    with RawRegister(workspace) as conn:
        conn.execute("UPDATE documents SET subject = ?, addressee = ? WHERE id = ?", (huge, huge, made.id))

    for args in (("register", "list"), ("register", "show", str(made.id))):
        result = runner.invoke(app, ["--workspace", str(workspace.root), *args])
        assert result.exit_code == 0, result.output
        assert len(result.stdout) < 20_000
        assert "…" in result.stdout
    result = runner.invoke(app, ["--workspace", str(workspace.root), "register", "list", "--json"])
    assert json.loads(result.stdout)[0]["subject"] == huge
