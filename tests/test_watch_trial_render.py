"""A request the template cannot render takes no number when it comes through a watched folder (issue 22).

``docgen new`` renders each request once with a stand-in number before reserving one, so a
template that fails for some data costs no number. The watcher reaches the same pipeline with
an intake record; these tests make sure that path keeps the trial: the register's counter,
numbers and documents are unchanged by the failed file, and the next good request gets the
number the failed one would have had. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import csv
import io

import yaml
from test_templates import _rewrite_document_xml as rewrite

from docgen.kinds import get_kind
from docgen.register import Register
from docgen.watch import Watcher

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
SECOND = "500.16.7.2/2/423.105/2026"
CSV_COLUMNS = ("hal", "tanggal", "sifat", "lampiran", "kepada", "di", "isi", "tembusan", "penandatangan", "kka")
#: Breaks only for the subject "rusak"; the kind's example (which proves the template) still renders.
BROKEN = "{% if hal == 'rusak' %}{{ 1/0 }}{% endif %}"


def request(hal: str) -> dict:
    data = copy.deepcopy(get_kind(KIND).example)
    data["hal"] = hal
    return data


def drop(ws, name: str, text: str) -> None:
    folder = ws.root / "inbox" / KIND
    (folder / f".{name}.part").write_text(text, encoding="utf-8")
    (folder / f".{name}.part").replace(folder / name)


def books(ws) -> dict:
    """What a failed request must not change: the counters, the numbers and the documents."""
    with Register.open(ws) as reg:
        one = lambda sql: reg.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "counters": one("SELECT COALESCE(SUM(last_seq), 0) FROM counters"),
            "numbers": [(n["number"], n["status"]) for n in reg.numbers()],
            "documents": [(d.number, d.subject) for d in reg.documents()],
        }


def run_once(ws):
    return Watcher(ws, settle_s=0.2).run(once=True)


def break_template(ws) -> None:
    rewrite(ws.template(f"{KIND}.docx"), "{{ hal }}", BROKEN + "{{ hal }}")


def test_a_dropped_request_whose_render_fails_takes_no_number_and_the_next_gets_the_first(workspace):
    break_template(workspace)
    drop(workspace, "rusak.yaml", yaml.safe_dump(request("rusak"), allow_unicode=True))

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    note = (workspace.root / "inbox" / KIND / "failed" / "rusak.yaml.error.txt").read_text(encoding="utf-8")
    assert "pembagian dengan nol" in note and "surat-keluar.docx" in note, note
    assert books(workspace) == {"counters": 0, "numbers": [], "documents": []}

    drop(workspace, "baik.yaml", yaml.safe_dump(request("Undangan rapat"), allow_unicode=True))
    assert run_once(workspace).counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert books(workspace) == {
        "counters": 1,
        "numbers": [(FIRST, "issued")],
        "documents": [(FIRST, "Undangan rapat")],
    }


def test_a_dropped_sheet_row_whose_render_fails_leaves_no_gap_between_the_rows_made(workspace):
    break_template(workspace)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for hal in ("Undangan rapat", "rusak", "Permohonan data"):
        row = request(hal)
        writer.writerow(["|".join(row[c]) if isinstance(row.get(c), list) else row.get(c, "") for c in CSV_COLUMNS])
    drop(workspace, "kiriman.csv", buf.getvalue())

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    note = (workspace.root / "inbox" / KIND / "failed" / "kiriman.csv.error.txt").read_text(encoding="utf-8")
    assert "baris 3" in note and "pembagian dengan nol" in note, note
    assert books(workspace) == {
        "counters": 2,
        "numbers": [(FIRST, "issued"), (SECOND, "issued")],
        "documents": [(FIRST, "Undangan rapat"), (SECOND, "Permohonan data")],
    }
