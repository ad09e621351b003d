"""Two re-stamps of one letter at the same moment: both succeed, each under its own reprint name.

A reprint of a numbered letter takes the next free name (``...-2.pdf``, ``...-3.pdf``). Two clerks
(or the watcher and a clerk) re-stamping the same letter used to pick the same free name; the
second one's write then failed ("sudah ada di outbox"). Real processes, started together on a
barrier, write into a real outbox and a real register; the same holds for two packets of one SPP.
"""

from __future__ import annotations

import copy
import os
import traceback
from pathlib import Path
from typing import Any

from conftest import run_together
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from docgen.kinds import get_kind
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.stamping import stamp_document

KIND = "surat-keluar"
ROUNDS = 3  # each round two processes re-stamp at once; one round used to lose a reprint most times


def _signed_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawString(72, A4[1] - 120, "Surat bertanda tangan basah, dipindai")
    canvas.showPage()
    canvas.save()
    return path


def _restamp(root: str, pdf: str, doc_id: int, barrier: Any, queue: Any) -> None:
    try:
        ws = load_workspace(root, env={})
        barrier.wait(timeout=60)
        result = stamp_document(ws, Path(pdf), KIND, doc_id=doc_id)
        queue.put((os.getpid(), "ok", result.files[0]["path"]))
    except BaseException:
        queue.put((os.getpid(), "error", traceback.format_exc()))


def test_two_restamps_at_the_same_moment_both_succeed_with_distinct_reprint_names(workspace, tmp_path):
    pdf = _signed_pdf(tmp_path / "surat-ttd.pdf")
    first = stamp_document(workspace, pdf, KIND, data=copy.deepcopy(get_kind(KIND).example))
    made = [first.files[0]["path"]]
    for _ in range(ROUNDS):
        paths = run_together(_restamp, str(workspace.root), str(pdf), first.id, workers=2)
        assert len(set(paths.values())) == 2
        made += sorted(paths.values())
    stem = made[0].removesuffix(".pdf")
    assert sorted(made) == sorted([made[0], *(f"{stem}-{n}.pdf" for n in range(2, 2 + 2 * ROUNDS))])
    with Register.open(workspace) as reg:
        recorded = {f["path"]: f["sha256"] for f in reg.files(first.id)}
        number = reg.document(first.id).number
    assert number == first.number  # a reprint keeps its number; none was taken
    for path in made:
        shown = path.removeprefix("outbox/")
        assert (workspace.outbox / shown).is_file()
        assert any(p.endswith(shown) for p in recorded), (path, recorded)


def _bind(root: str, number: str, folder: str, barrier: Any, queue: Any) -> None:
    from docgen.paket import assemble_packet

    try:
        ws = load_workspace(root, env={})
        barrier.wait(timeout=60)
        queue.put((os.getpid(), "ok", assemble_packet(ws, number, Path(folder)).path))
    except BaseException:
        queue.put((os.getpid(), "error", traceback.format_exc()))


def test_two_packets_of_one_spp_at_the_same_moment_both_succeed_with_distinct_names(workspace, tmp_path):
    from test_paket import LS, folder_with, make_form

    doc_id, number = make_form(workspace, "spp")
    folder = folder_with(tmp_path, LS)
    made: list[str] = []
    for _ in range(ROUNDS):
        paths = run_together(_bind, str(workspace.root), number, str(folder), workers=4)  # binding takes long: 4
        assert len(set(paths.values())) == 4
        made += paths.values()
    with Register.open(workspace) as reg:
        recorded = [f["path"] for f in reg.files(doc_id) if f["role"] == "paket"]
    assert len(set(made)) == len(recorded) == 4 * ROUNDS
    assert all((workspace.root / path).is_file() for path in made)
