"""Numbers reserved in blocks for a batch, bound to their documents, and the batch's own record.

Mutation testing (issue 22) found that ``docgen register show`` could lose which batch made a
document (the batch's id, file, counts) with every test passing: the batch tests drive the whole
command and only looked at the summary line. These run the register calls a batch makes, on a
real SQLite register, with the pipeline writing each document.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from docgen.errors import RegisterError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register
from docgen.register.batches import NumberWanted, attach_in_tx, batch_of, finish_batch, reserve_many, start_batch
from docgen.register.rows import Intake

KIND = "surat-keluar"


@pytest.fixture
def letter() -> dict:
    return get_kind(KIND).dated_example()


def test_a_batch_is_recorded_with_its_file_and_counts_and_named_on_each_document(workspace, letter):
    content = b"no,hal\n1,Undangan\n"
    sha = hashlib.sha256(content).hexdigest()
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "undangan.csv", sha)
        day = date.fromisoformat(letter["tanggal"])
        wanted = [NumberWanted(KIND, day, "500.16.7.2"), NumberWanted(KIND, day, "500.16.7.2", "Rahasia")]
        block = reserve_many(reg, wanted)
        assert [r.seq for r in block] == [1, 2]
        assert block[1].number.startswith("R."), "a row's sifat chooses its number's prefix"
        made = generate(
            workspace, KIND, letter, register=reg, reserved=block[0],
            intake=Intake("row-1", sha, f"batch:{batch_id}", "baris 1"),
        )  # fmt: skip
        finish_batch(reg, batch_id, {"dibuat": 1, "gagal": 0})
        record = batch_of(reg.conn, made.id)
        events = [e["action"] for e in reg.events(made.id)]
    assert made.number == block[0].number
    assert record is not None
    assert (record.id, record.kind, record.source_name, record.source_sha256) == (batch_id, KIND, "undangan.csv", sha)
    assert "@" in record.run_by and record.started_at <= (record.finished_at or "")
    assert record.counts == {"dibuat": 1, "gagal": 0}
    assert "number.assigned" in events


def test_a_document_made_outside_a_batch_names_no_batch(workspace, letter):
    with Register.open(workspace) as reg:
        made = generate(workspace, KIND, letter, register=reg)
        assert batch_of(reg.conn, made.id) is None


def test_an_unfinished_batch_has_no_end_and_no_counts(workspace, letter):
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "x.csv", "0" * 64)
        block = reg.reserve_block(KIND, 1, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2")
        made = generate(workspace, KIND, letter, register=reg, reserved=block[0],
                        intake=Intake("row-1", "0" * 64, f"batch:{batch_id}", "baris 1"))  # fmt: skip
        record = batch_of(reg.conn, made.id)
    assert record is not None and record.finished_at is None and record.counts == {}


def test_an_empty_block_takes_no_number_and_writes_nothing(workspace):
    with Register.open(workspace) as reg:
        before = reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert reserve_many(reg, []) == []
        assert reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before


def test_a_reserved_number_binds_to_one_document_only(workspace, letter):
    with Register.open(workspace) as reg:
        block = reg.reserve_block(KIND, 1, doc_date=date.fromisoformat(letter["tanggal"]), kka="500.16.7.2")
        made = generate(workspace, KIND, letter, register=reg, reserved=block[0])
        taken = f"Nomor {block[0].number} tidak lagi tersedia untuk baris ini"
        with pytest.raises(RegisterError, match=taken), reg.conn:
            attach_in_tx(reg.conn, made.id + 1, block[0])
        row = reg.conn.execute("SELECT doc_id, status FROM numbers WHERE id = ?", (block[0].number_id,)).fetchone()
    assert (row[0], row[1]) == (made.id, "issued")


def test_a_batch_start_and_end_are_events_in_the_chain(workspace):
    with Register.open(workspace) as reg:
        batch_id = start_batch(reg, KIND, "x.csv", "0" * 64)
        finish_batch(reg, batch_id, {"dibuat": 3})
        rows = reg.conn.execute("SELECT action, detail FROM events ORDER BY id DESC LIMIT 2").fetchall()
    finished, started = (json.loads(r[1]) for r in rows)
    assert [r[0] for r in rows] == ["batch.finished", "batch.started"]
    assert started == {"batch_id": batch_id, "kind": KIND, "source": "x.csv"}
    assert finished == {"batch_id": batch_id, "dibuat": 3}
