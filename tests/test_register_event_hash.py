"""Every field of a stored event is covered by its hash: changing any one of them is found (issue 22).

An event is the register's account of what happened, when, to which document and number. If
one of those values were left out of the hash, someone with write access to the file could
move a number to another document, or backdate an issue, and ``docgen register check`` would
still say the register is sound. Each test below changes exactly one field of one event and
leaves the rest (its stored hash included) as docgen wrote it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import RawRegister, cli

from docgen.pipeline import generate
from docgen.register import Register, check_register

KIND = "surat-keluar"


def check(ws) -> list[str]:
    with Register.open(ws) as reg:
        return check_register(reg).problems


def altered_content(event_id: int, action: str) -> str:
    return f"peristiwa {event_id} ({action}): isinya diubah setelah dicatat"


@pytest.fixture
def issued(workspace, letter) -> dict:
    """Three numbered letters; returns the middle letter's ``number.issued`` event and its neighbours' ids."""
    for _ in range(3):
        generate(workspace, KIND, letter)
    with RawRegister(workspace) as raw:
        rows = raw.execute(
            "SELECT id, at, action, doc_id, number_id FROM events WHERE action = 'number.issued' ORDER BY id"
        ).fetchall()
    assert len(rows) == 3 and all(r[3] is not None and r[4] is not None for r in rows), rows
    event_id, at, action, doc_id, number_id = rows[1]
    assert check(workspace) == []
    return {
        "id": event_id,
        "at": at,
        "action": action,
        "other_doc": rows[0][3],
        "other_number": rows[0][4],
        "doc_id": doc_id,
        "number_id": number_id,
    }


def _one_second_earlier(at: str) -> str:
    return (datetime.fromisoformat(at) - timedelta(seconds=1)).isoformat(timespec="microseconds")


@pytest.mark.parametrize("field", ["at", "action", "doc_id", "number_id", "detail"])
def test_changing_one_field_of_a_stored_event_is_reported_as_that_event_altered(workspace, issued, field):
    new = {
        "at": _one_second_earlier(issued["at"]),
        "action": "number.voided",
        "doc_id": issued["other_doc"],
        "number_id": issued["other_number"],
        "detail": '{"number": "500.16.7.2/1/423.105/2026"}',
    }[field]
    assert new != issued.get(field)
    with RawRegister(workspace) as raw:
        raw.drop_append_only()
        raw.execute(f"UPDATE events SET {field} = ? WHERE id = ?", (new, issued["id"]))

    shown_action = new if field == "action" else issued["action"]
    assert check(workspace) == [altered_content(issued["id"], shown_action)]


def test_an_event_deleted_and_the_gap_relinked_is_still_found_because_the_link_is_hashed(workspace, issued):
    """Deleting an event and pointing the next one at its predecessor mends the visible link; only
    the hash over ``prev_hash`` still tells, so the next event is reported as altered."""
    with RawRegister(workspace) as raw:
        victim = issued["id"]
        following, its_action = raw.execute(
            "SELECT id, action FROM events WHERE id > ? ORDER BY id LIMIT 1", (victim,)
        ).fetchone()
        before = raw.one("SELECT prev_hash FROM events WHERE id = ?", (victim,))
        raw.drop_append_only()
        raw.execute("DELETE FROM events WHERE id = ?", (victim,))
        raw.execute("UPDATE events SET prev_hash = ? WHERE id = ?", (before, following))

    assert check(workspace) == [altered_content(following, its_action)]


def test_two_events_swapped_in_order_break_the_chain_at_the_first_of_them(workspace, issued):
    """An event's id is its place in the log; swapping two events' contents reorders history."""
    columns = "at, action, doc_id, number_id, detail, prev_hash, hash"
    with RawRegister(workspace) as raw:
        first = issued["id"]
        second = raw.one("SELECT id FROM events WHERE id > ? ORDER BY id LIMIT 1", (first,))
        a = raw.execute(f"SELECT {columns} FROM events WHERE id = ?", (first,)).fetchone()
        b = raw.execute(f"SELECT {columns} FROM events WHERE id = ?", (second,)).fetchone()
        raw.drop_append_only()
        assign = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        raw.execute(f"UPDATE events SET {assign} WHERE id = ?", (*b, first))
        raw.execute(f"UPDATE events SET {assign} WHERE id = ?", (*a, second))

    problems = check(workspace)
    assert problems, "two swapped events passed the check"
    assert problems[0] == f"peristiwa {first}: rantai putus (peristiwa sebelumnya diubah atau dihapus)", problems


def test_register_check_command_exits_1_naming_the_backdated_event(workspace, issued):
    with RawRegister(workspace) as raw:
        raw.drop_append_only()
        raw.execute("UPDATE events SET at = ? WHERE id = ?", (_one_second_earlier(issued["at"]), issued["id"]))

    result = cli(workspace, "register", "check")
    assert result.exit_code == 1, result.output
    assert f"masalah: {altered_content(issued['id'], issued['action'])}" in result.output
    assert "register baik" not in result.output
