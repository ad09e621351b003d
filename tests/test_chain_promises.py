"""The event chain's promises at its edges: registers written by the issue-8 bug still pass, and
nothing else does; stored timestamps read as the office's own calendar day.

Mutation testing (issue 22) showed the acceptance of the old ``true`` spelling could be widened
to any id, or dropped, without a test noticing. The chain is checked on a real SQLite register.
"""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from docgen.errors import RegisterError
from docgen.register import Register
from docgen.register.events import GENESIS, event_hash, local_date, masked_text, strict_id, verify_chain


def _append_raw(reg: Register, action: str, doc_id: int | None, number_id: int | None, *, hashed: tuple) -> int:
    """Append an event as an older docgen wrote it: ``hashed`` are the (doc_id, number_id) it hashed."""
    prev = reg.conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = prev[0] if prev else GENESIS
    at, detail = "2025-03-01T02:00:00.000000+00:00", json.dumps({"nomor": "x"})
    digest = event_hash(prev_hash, at, action, *hashed, detail)
    with reg.conn:
        cur = reg.conn.execute(
            "INSERT INTO events (at, action, doc_id, number_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, action, doc_id, number_id, detail, prev_hash, digest),
        )
    return int(cur.lastrowid)


@pytest.fixture
def reg(workspace):
    with Register.open(workspace) as opened:
        yield opened


@pytest.mark.parametrize(
    ("stored", "hashed"),
    [((1, None), (True, None)), ((None, 1), (None, True)), ((1, 1), (True, True)), ((1, 1), (True, 1)),
     ((1, 1), (1, True)), ((7, 1), (7, True)), ((1, 9), (True, 9))],
)  # fmt: skip
def test_an_event_the_issue_8_bug_hashed_with_true_for_id_1_still_passes(reg, stored, hashed):
    _append_raw(reg, "document.created", *stored, hashed=hashed)
    assert verify_chain(reg.conn) == []


@pytest.mark.parametrize(
    ("stored", "hashed"),
    [((2, None), (True, None)), ((None, 2), (None, True)), ((2, 2), (True, True)), ((1, None), (2, None)),
     ((1, None), (False, None)), ((None, 1), (None, 2))],
)  # fmt: skip
def test_true_is_accepted_for_an_id_of_1_only_and_no_other_value_passes(reg, stored, hashed):
    event = _append_raw(reg, "document.created", *stored, hashed=hashed)
    assert verify_chain(reg.conn) == [f"peristiwa {event} (document.created): isinya diubah setelah dicatat"]


def test_an_edited_event_of_the_old_spelling_is_still_found(reg):
    event = _append_raw(reg, "document.created", 1, 1, hashed=(True, True))
    with reg.conn:
        reg.conn.execute("DROP TRIGGER events_no_update")
        reg.conn.execute("UPDATE events SET action = 'document.voided' WHERE id = ?", (event,))
    assert verify_chain(reg.conn) == [f"peristiwa {event} (document.voided): isinya diubah setelah dicatat"]


def test_a_broken_link_names_the_event_after_the_removed_one(reg):
    first = _append_raw(reg, "a", None, None, hashed=(None, None))
    second = _append_raw(reg, "b", None, None, hashed=(None, None))
    _append_raw(reg, "c", None, None, hashed=(None, None))
    with reg.conn:
        reg.conn.execute("DROP TRIGGER events_no_delete")
        reg.conn.execute("DELETE FROM events WHERE id = ?", (second,))
    problems = verify_chain(reg.conn)
    assert problems == [f"peristiwa {second + 1}: rantai putus (peristiwa sebelumnya diubah atau dihapus)"]
    assert first == second - 1


def test_a_stored_utc_time_is_read_as_the_offices_day(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    time.tzset()
    try:
        # 06:30 WIB on the 28th is 23:30 UTC on the 27th: the disposition is dated the 28th.
        assert local_date("2026-11-27T23:30:00.000000+00:00") == date(2026, 11, 28)
        assert local_date("2026-11-27T16:59:59+00:00") == date(2026, 11, 27)
        assert local_date("2026-11-27") == date(2026, 11, 27), "a plain date is the day itself"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("bad", [True, False, 0, -1, 2**63, "1", 1.0, None])
def test_only_a_plain_positive_integer_is_a_row_id(bad):
    with pytest.raises(RegisterError, match="harus bilangan bulat positif") as caught:
        strict_id(bad, "nomor")
    assert str(caught.value).startswith("Nomor nomor harus bilangan bulat positif, bukan ")
    assert strict_id(2**63 - 1) == 2**63 - 1


def test_a_password_in_an_old_event_is_masked_when_shown_and_plain_text_stays_as_it_was():
    stored = json.dumps({"url": "postgresql://docgen:rahasia@server/docgen"}, sort_keys=True)
    shown = masked_text(stored)
    assert "rahasia" not in shown and json.loads(shown)["url"].startswith("postgresql://docgen:")
    assert masked_text('{"nomor": "1"}') == '{"nomor": "1"}', "text with nothing to mask comes back byte for byte"
    assert masked_text('{"z":1,  "a":"b"}') == '{"z":1,  "a":"b"}', "even when it is not how docgen writes JSON"
    assert "rahasia" not in masked_text("gagal: postgresql://docgen:rahasia@server/docgen")


# -- a document named as the basis of another: by number or by id, and only a usable one ---------------

LETTER = ("surat-keluar",)


@pytest.fixture
def letters(workspace):
    """Three letters: two numbered, one a draft without a number."""
    from docgen.kinds import get_kind
    from docgen.pipeline import generate

    data = get_kind("surat-keluar").dated_example()
    with Register.open(workspace) as opened:
        made = [generate(workspace, "surat-keluar", data, register=opened) for _ in range(2)]
        draft = generate(workspace, "surat-keluar", data, register=opened, draft=True)
    return made, draft


@pytest.mark.parametrize("ref", ["{id}", "id:{id}", "ID {id}", "#{id}", " id:#{id} ", "{number}", " {number} "])
def test_a_basis_is_found_by_its_number_or_its_register_id(reg, letters, ref):
    from docgen.register.chain import find_document

    made = letters[0][1]
    doc = find_document(reg.conn, ref.format(id=made.id, number=made.number), kinds=LETTER)
    assert (doc.id, doc.number) == (made.id, made.number)


def test_a_basis_that_does_not_exist_is_named_with_the_fix(reg, letters):
    from docgen.register.chain import find_document

    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, "999", kinds=("bap", "rekomendasi"))
    assert (
        str(caught.value) == "bap atau rekomendasi '999' tidak ada di register; periksa nomornya atau pakai id dokumen"
    )
    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, "9" * 80, kinds=LETTER)
    assert f"'{'9' * 60}' tidak ada" in str(caught.value)


def test_a_basis_of_another_kind_is_refused_naming_its_kind(reg, letters):
    from docgen.register.chain import find_document

    made = letters[0][0]
    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, made.number, kinds=("bap",))
    assert str(caught.value) == f"Dokumen {made.id} ({made.number}) berjenis surat-keluar, bukan bap"


def test_an_unnumbered_or_void_document_cannot_be_a_basis(reg, letters):
    from docgen.register.chain import find_document
    from docgen.register.states import State

    made, draft = letters
    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, str(draft.id), kinds=LETTER)
    assert str(caught.value) == (f"surat-keluar {draft.id} belum bernomor; beri nomor dulu sebelum menjadikannya dasar")
    reg.set_state(made[0].id, State.BATAL, reason="salah alamat")
    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, made[0].number, kinds=LETTER)
    assert str(caught.value) == (
        f"surat-keluar {made[0].number} sudah batal: salah alamat; dokumen yang batal tidak dapat menjadi dasar"
    )


def test_links_are_shown_both_ways_oldest_first(reg, letters):
    from docgen.register.chain import basis_of, link_in_tx, resting_on

    (first, second), draft = letters
    with reg.conn:
        link_in_tx(reg.conn, draft.id, first.id)
        link_in_tx(reg.conn, second.id, first.id)
    assert [d.id for d in resting_on(reg.conn, first.id)] == [second.id, draft.id]
    assert basis_of(reg.conn, draft.id).id == first.id
    assert basis_of(reg.conn, first.id) is None
    assert resting_on(reg.conn, draft.id) == []
    last = reg.conn.execute("SELECT action, doc_id, detail FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert (last[0], last[1], json.loads(last[2])["basis_id"]) == ("document.linked", second.id, first.id)


def test_a_basis_voided_before_the_link_is_written_refuses_the_link(reg, letters):
    from docgen.register.chain import link_in_tx
    from docgen.register.states import State

    (first, second), _ = letters
    reg.set_state(first.id, State.BATAL, reason="dicabut")
    with pytest.raises(RegisterError, match="sudah batal: dicabut"), reg.conn:
        link_in_tx(reg.conn, second.id, first.id)
    with pytest.raises(RegisterError, match="^Dokumen dasar 999 tidak ada lagi di register$"), reg.conn:
        link_in_tx(reg.conn, second.id, 999)
    assert reg.conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0


# -- what an event records ----------------------------------------------------------------------------


def _last_event(reg: Register) -> dict:
    row = reg.conn.execute("SELECT * FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return dict(zip(row.keys(), tuple(row), strict=True))


def test_an_event_names_who_acted_unless_it_names_someone_itself(reg):
    from docgen.register.actor import acting_as
    from docgen.register.events import append_event

    with acting_as("siti"), reg.conn:
        append_event(reg.conn, "document.sent", doc_id=None, kepada="Bagian Umum")
    assert json.loads(_last_event(reg)["detail"]) == {"kepada": "Bagian Umum", "pengguna": "siti"}
    with acting_as("siti"), reg.conn:
        append_event(reg.conn, "user.created", pengguna="admin")
    assert json.loads(_last_event(reg)["detail"]) == {"pengguna": "admin"}
    with reg.conn:
        append_event(reg.conn, "batch.started")
    assert _last_event(reg)["detail"] == "{}", "no actor, no pengguna"
    assert verify_chain(reg.conn) == []


def test_an_event_is_stored_as_readable_text_with_passwords_masked(reg):
    from docgen.register.events import append_event

    with reg.conn:
        append_event(reg.conn, "register.copied", number_id=3, tujuan="Kantor Wilayah Sémarang",
                     url="postgresql://docgen:rahasia@server/docgen", at=date(2026, 5, 4))  # fmt: skip
    event = _last_event(reg)
    assert "Sémarang" in event["detail"] and "rahasia" not in event["detail"]
    detail = json.loads(event["detail"])
    assert list(detail) == sorted(detail) and detail["at"] == "2026-05-04"
    assert (event["doc_id"], event["number_id"], event["action"]) == (None, 3, "register.copied")
    assert event["hash"] == event_hash(event["prev_hash"], event["at"], event["action"], None, 3, event["detail"])


def test_the_first_event_rests_on_the_genesis_hash_and_each_next_on_the_one_before(reg):
    from docgen.register.events import append_event

    with reg.conn:
        for n in range(3):
            append_event(reg.conn, "batch.started", batch_id=n)
    rows = reg.conn.execute("SELECT prev_hash, hash FROM events ORDER BY id").fetchall()
    assert len(rows) >= 3 and rows[0][0] == GENESIS == "0" * 64
    assert all(rows[n][0] == rows[n - 1][1] for n in range(1, len(rows)))
    assert all(len(r[1]) == 64 for r in rows)


@pytest.mark.parametrize("bad", [True, 0, "2"])
def test_an_event_refuses_an_id_that_is_not_a_plain_positive_integer(reg, bad):
    from docgen.register.events import append_event

    with pytest.raises(RegisterError, match="^Nomor dokumen harus bilangan bulat positif"), reg.conn:
        append_event(reg.conn, "document.created", doc_id=bad)
    with pytest.raises(RegisterError, match="^Nomor nomor harus bilangan bulat positif"), reg.conn:
        append_event(reg.conn, "number.reserved", number_id=bad)


def test_one_number_printed_by_two_series_is_told_apart_by_kind_then_by_being_issued(workspace):
    """surat-keluar and keputusan share the pattern ``{kka}/{seq}/{unit}/{year}``: with the same code
    their first numbers read alike, and a basis named by that number must still find the right one."""
    from docgen.kinds import get_kind
    from docgen.pipeline import generate
    from docgen.register.chain import find_document
    from docgen.register.states import State

    with Register.open(workspace) as reg:
        letter = generate(workspace, "surat-keluar", get_kind("surat-keluar").dated_example() | {"kka": "100.3"},
                          register=reg)  # fmt: skip
        decree = generate(workspace, "keputusan", get_kind("keputusan").dated_example() | {"kka": "100.3"},
                          register=reg)  # fmt: skip
        assert letter.number == decree.number
        assert find_document(reg.conn, decree.number, kinds=("keputusan",)).id == decree.id
        assert find_document(reg.conn, letter.number, kinds=LETTER).id == letter.id
        with pytest.raises(RegisterError) as caught:
            find_document(reg.conn, letter.number, kinds=("surat-keluar", "keputusan"))
        assert str(caught.value) == (
            f"Nomor {letter.number} dipakai beberapa dokumen; sebut id dokumennya (lihat 'docgen register list')"
        )
        reg.set_state(letter.id, State.BATAL, reason="salah kode")
        assert find_document(reg.conn, letter.number, kinds=("surat-keluar", "keputusan")).id == decree.id


def test_a_draft_of_another_kind_named_by_id_is_refused_as_without_number(reg, letters):
    from docgen.register.chain import find_document

    draft = letters[1]
    with pytest.raises(RegisterError) as caught:
        find_document(reg.conn, f"id:{draft.id}", kinds=("bap",))
    assert str(caught.value) == f"Dokumen {draft.id} (tanpa nomor) berjenis surat-keluar, bukan bap"


def test_a_masked_event_is_shown_as_docgen_writes_details_with_its_words_readable():
    stored = '{"url": "postgresql://docgen:rahasia@server/docgen", "tujuan": "Sémarang"}'
    shown = masked_text(stored)
    assert shown == json.dumps(json.loads(shown), ensure_ascii=False, sort_keys=True)
    assert '"tujuan": "Sémarang"' in shown and shown.index('"tujuan"') < shown.index('"url"')


def test_a_refused_id_is_quoted_in_the_message_cut_to_forty_characters():
    with pytest.raises(RegisterError) as caught:
        strict_id("9" * 100)
    assert str(caught.value) == (
        f"Nomor dokumen harus bilangan bulat positif, bukan {repr('9' * 100)[:40]}; periksa nilainya"
    )


def test_passwords_in_a_list_of_an_event_are_masked_item_by_item():
    shown = json.loads(masked_text('{"urls": ["postgresql://docgen:rahasia@server/docgen", "lain"]}'))
    assert shown["urls"][1] == "lain" and shown["urls"][0].startswith("postgresql://docgen:")
    assert "rahasia" not in shown["urls"][0]


def test_event_times_are_utc_so_they_order_across_machines():
    from datetime import datetime, timedelta

    from docgen.register.events import now_iso

    stamp = datetime.fromisoformat(now_iso())
    assert stamp.utcoffset() == timedelta(0)


def test_an_events_hash_is_the_same_in_every_docgen_version_non_ascii_text_included():
    """A register written today must verify under the next docgen: the hashed form (JSON with the
    text as written, not escaped) is fixed, so this value must never change."""
    digest = event_hash("0" * 64, "2026-05-04T01:02:03.000004+00:00", "document.created", 7, 9,
                        '{"hal": "Undangan Sémarang"}')  # fmt: skip
    assert digest == "addddbf4fda42538b5b8083e0f6bf2972d0d4bf84e1304a00ac340b490f77dc5"
