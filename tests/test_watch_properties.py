"""Whatever a sidecar or a spreadsheet row holds, the watcher makes documents or files the input in
``failed/`` with a note: never an unexpected error, and a refusal never changes the register
(property-based, Hypothesis). Inputs go through the watcher's own path: ``process_file`` on a
file in the inbox, then ``file_away``, against a real register.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import yaml
from conftest import count_rows, signed_draft
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_watch import CSV_COLUMNS, inbox, request, scan_pdf
from test_watch_hostile import counts, sheet_row, xlsx_bytes

from docgen.inbox import jobs
from docgen.kinds import get_kind
from docgen.profile import Workspace
from docgen.register import Register
from docgen.watch.intake import file_away, process_file

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing is written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KIND = "surat-keluar"
UNEXPECTED = ("galat tak terduga", "tidak bisa diproses (")

ODD = st.sampled_from(["\ufffe", "\x00", "\x0b", "\r", "\u200b", "\u00a0", "\t", "|", "\n", "{", "<", '"', ";"])
TEXT = st.one_of(
    st.text(st.one_of(st.characters(exclude_categories=("Cs",)), ODD), max_size=30),
    st.sampled_from(["", " ", "kadis", "Biasa", "2 lembar", "2026-02-30", "2026-11-28", "{{ 1/0 }}", "<w:t>"]),
)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
)
SCALAR = st.one_of(
    CELL,
    st.integers(),
    st.floats(),
    st.sampled_from([True, False, 0, -1, 1.0, "1", 2**63, 2**63 - 1, None]),
)
VALUE = st.recursive(
    SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8
)


def job_for(ws: Workspace, folder: str):
    return next(j for j in jobs(ws) if j.folder == inbox(ws, folder))


def tally(ws: Workspace) -> dict[str, int]:
    """Rows of the register's books, and the voided numbers among them."""
    return {**counts(ws), "void": count_rows(ws, "numbers", "WHERE status = 'void'")}


def take(ws: Workspace, folder: str, path: Path) -> tuple[dict, dict, object]:
    """Process ``path`` as the watcher would; return register row counts before and after, and the outcome."""
    before = tally(ws)
    with Register.open(ws) as reg:
        outcome = process_file(ws, job_for(ws, folder), path, reg)
    after = tally(ws)
    file_away(path, outcome)
    return before, after, outcome


def check(before: dict, after: dict, outcome, path: Path) -> None:
    """The promises: an answer for every input, one-line reasons, and a refusal leaves the register alone."""
    assert outcome.made or outcome.errors or outcome.again or outcome.duplicates
    event(outcome.folder)  # --hypothesis-show-statistics: both made and refused inputs must occur
    for _, message in outcome.errors:
        assert not message.lower().startswith(UNEXPECTED) and "Traceback" not in message, message
        assert "\n" not in message, message
    made = len(outcome.made)  # a stamp by id numbers a draft already in the register: no new document
    assert after["documents"] - before["documents"] <= made and after["numbers"] - before["numbers"] <= made
    assert after["void"] == before["void"], "a number was taken and then voided"
    if not outcome.made:
        assert after == before
    if outcome.errors:
        assert (path.parent / "failed" / f"{path.name}.error.txt").is_file(), "a failed input without its note"
    else:
        assert (path.parent / outcome.folder / path.name).is_file()


# -- the stamp folder's sidecar ------------------------------------------------------------------------


ID = st.one_of(st.sampled_from([1, 1, 2, 0]), SCALAR)  # 1: the signed draft made below
STAMP_SIDECAR = st.one_of(
    st.fixed_dictionaries({"id": ID}),
    st.fixed_dictionaries({"id": ID}, optional={"hal": TEXT, "tanggal": VALUE}),
    st.dictionaries(st.one_of(TEXT, st.sampled_from(list(request()))), VALUE, max_size=5),
)


@SETTINGS
@given(sidecar=STAMP_SIDECAR, form=st.sampled_from(["yaml", "json"]), serial=st.uuids())
def test_any_stamp_sidecar_gives_a_stamped_copy_or_a_note_and_a_refusal_changes_nothing(
    workspace, sidecar, form, serial
):
    folder = inbox(workspace, f"stamp/{KIND}")
    if not any(True for _ in (workspace.root / "outbox").rglob("*.docx")):
        signed_draft(workspace, request())  # so that some ids name a real signed draft
    try:
        text = json.dumps(sidecar, default=str) if form == "json" else yaml.safe_dump(sidecar, allow_unicode=True)
    except (ValueError, yaml.YAMLError):
        text = "id: [\n"
    (folder / f"{serial}.{form}").write_text(text, encoding="utf-8", errors="surrogatepass")
    pdf = folder / f"{serial}.pdf"
    pdf.write_bytes(scan_pdf(f"Surat {serial}"))

    before, after, outcome = take(workspace, f"stamp/{KIND}", pdf)

    check(before, after, outcome, pdf)
    if "id" in sidecar and not (type(sidecar["id"]) is int and sidecar["id"] > 0):
        assert not outcome.made, "a sidecar id that is not a positive integer was taken"
        if set(sidecar) == {"id"} and isinstance(sidecar["id"], bool | float | type(None)):
            assert any("kolom id" in m for _, m in outcome.errors), outcome.errors


@SETTINGS
@given(raw=st.binary(max_size=300), serial=st.uuids())
def test_any_bytes_as_a_masuk_sidecar_give_an_entry_or_a_note(workspace, raw, serial):
    folder = inbox(workspace, "masuk")
    (folder / f"{serial}.yaml").write_bytes(raw)
    pdf = folder / f"{serial}.pdf"
    pdf.write_bytes(scan_pdf(f"Pindaian {serial}"))

    before, after, outcome = take(workspace, "masuk", pdf)

    check(before, after, outcome, pdf)


@SETTINGS
@given(
    changes=st.dictionaries(st.sampled_from(list(get_kind("surat-masuk").example)), VALUE, max_size=3),
    serial=st.uuids(),
)
def test_any_masuk_sidecar_fields_give_an_entry_or_a_note(workspace, changes, serial):
    folder = inbox(workspace, "masuk")
    data = {**get_kind("surat-masuk").example, **changes}
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    (folder / f"{serial}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    pdf = folder / f"{serial}.pdf"
    pdf.write_bytes(scan_pdf(f"Pindaian {serial}"))

    before, after, outcome = take(workspace, "masuk", pdf)

    check(before, after, outcome, pdf)


# -- spreadsheet rows ---------------------------------------------------------------------------------------


@st.composite
def sheets(draw) -> list[list]:
    """A header row (the usual columns, sometimes changed) and rows: valid ones with a few cells changed."""
    headers: list = list(CSV_COLUMNS)
    if draw(st.booleans()):
        headers[draw(st.integers(0, len(headers) - 1))] = draw(st.one_of(TEXT, st.just("penandatangan.pejabat")))
    rows = [headers]
    for n in range(draw(st.integers(0, 4))):
        row = sheet_row(request(f"Surat baris {draw(st.integers(0, 10**6))}-{n}"))
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
        if draw(st.integers(0, 9)) == 0:
            row += [draw(CELL) for _ in range(draw(st.integers(1, 3)))]
        rows.append(row)
    return rows


def csv_bytes(rows: list[list], delimiter: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8", "surrogatepass")


def xlsx_safe(value):
    """openpyxl refuses to write control characters; a real XLSX cannot hold them either."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value


@SETTINGS
@given(rows=sheets(), form=st.sampled_from(["csv", "csv;", "xlsx"]), serial=st.uuids())
def test_any_spreadsheet_rows_give_documents_or_a_note_and_refused_rows_change_nothing(workspace, rows, form, serial):
    folder = inbox(workspace)
    if form == "xlsx":
        path = folder / f"{serial}.xlsx"
        path.write_bytes(xlsx_bytes([[xlsx_safe(v) for v in row] for row in rows]))
    else:
        path = folder / f"{serial}.csv"
        path.write_bytes(csv_bytes(rows, ";" if form == "csv;" else ","))

    before, after, outcome = take(workspace, KIND, path)

    check(before, after, outcome, path)
    assert len(outcome.made) + len(outcome.errors) + len(outcome.again) + len(outcome.duplicates) >= 1
