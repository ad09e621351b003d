"""A batch row the template cannot render: its number is voided at once with the cause (issue 22).

Unlike ``docgen new`` and the watcher, a batch reserves its numbers a block at a time in row
order before the workers render (DESIGN.md section 3: one transaction per block, numbers in row
order), so a row that fails to render has already taken a number. The promise for a batch is
that such a number is accounted for: voided by the worker with the render's cause, never left
reserved or silently reused, and the other rows issued. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import csv

from test_templates import _rewrite_document_xml as rewrite

from docgen.batch.runner import BatchOptions, run_batch
from docgen.kinds import get_kind
from docgen.register import Register, check_register

KIND = "surat-keluar"
CSV_COLUMNS = ("hal", "tanggal", "sifat", "lampiran", "kepada", "di", "isi", "tembusan", "penandatangan", "kka")
FIRST, SECOND, THIRD = (f"500.16.7.2/{n}/423.105/2026" for n in (1, 2, 3))


def test_a_batch_row_whose_render_fails_has_its_number_voided_with_the_cause_and_the_others_issued(workspace, tmp_path):
    rewrite(workspace.template(f"{KIND}.docx"), "{{ hal }}", "{% if hal == 'rusak' %}{{ 1/0 }}{% endif %}{{ hal }}")
    sheet = tmp_path / "daftar.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for hal in ("Undangan rapat", "rusak", "Permohonan data"):
            row = copy.deepcopy(get_kind(KIND).example) | {"hal": hal}
            writer.writerow(["|".join(row[c]) if isinstance(row.get(c), list) else row.get(c, "") for c in CSV_COLUMNS])

    outcome = run_batch(workspace, BatchOptions(kind=KIND, source=sheet, workers=1))

    lines = {line.row: (line.status, line.number) for line in outcome.lines}
    assert lines == {2: ("selesai", FIRST), 3: ("gagal", None), 4: ("selesai", THIRD)}
    failed = next(line for line in outcome.lines if line.row == 3)
    assert "pembagian dengan nol" in failed.error and "surat-keluar.docx" in failed.error, failed.error
    with Register.open(workspace) as reg:
        numbers = {n["number"]: (n["status"], n["reason"] or "") for n in reg.numbers()}
        assert set(numbers) == {FIRST, SECOND, THIRD}
        assert numbers[FIRST][0] == numbers[THIRD][0] == "issued"
        status, reason = numbers[SECOND]
        assert status == "void" and reason.startswith("baris 3 gagal: ") and "pembagian dengan nol" in reason, reason
        assert [(d.number, d.subject) for d in reg.documents()] == [
            (FIRST, "Undangan rapat"),
            (THIRD, "Permohonan data"),
        ]
        assert check_register(reg).ok
