"""The warm pool started the fast way: launchers that start LibreOffice themselves, polled until they answer.

Not timed (the start-up figure lives in bench/pdf.py): these tests prove that a pool started this
way converts, survives a SIGKILLed server, and leaves no LibreOffice behind when stopped or when
docgen itself is killed. Each pool works under the test's own temp dir, so its processes are told
apart from any other LibreOffice on the machine by that path in their command line.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import require
from pypdf import PdfReader
from test_pdf_convert import _alive, _pool_processes

from docgen.kinds import get_kind, validate_request
from docgen.pdf.pool import ConverterPool
from docgen.pipeline import create_workspace
from docgen.render.docx import compile_docx

KIND = "surat-keluar"
NUMBER = "500.16.7.2/77/423.105/2026"


@pytest.fixture
def pool_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temp dir for the pool's folder, so its processes can be found by path."""
    require("soffice")
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    return private


@pytest.fixture
def letter_docx(tmp_path: Path) -> Path:
    """A rendered surat-keluar carrying NUMBER, outside the pool's folder."""
    ws = create_workspace(tmp_path / "ws")
    kind = get_kind(KIND)
    request = validate_request(kind, copy.deepcopy(kind.example), ws.profile)
    context = kind.render_context(request, ws.profile, number="")
    docx = tmp_path / "surat.docx"
    docx.write_bytes(compile_docx(ws.template(kind.template), emblem=ws.emblem).render({**context, "nomor": NUMBER}))
    return docx


def processes(marker: str) -> dict[int, str]:
    """Live (not zombie) processes whose command line mentions ``marker``."""
    return {pid: cmd for pid, cmd in _pool_processes(marker).items() if _alive(pid)}


def named(found: dict[int, str], word: str) -> list[int]:
    return [pid for pid, cmd in found.items() if word in cmd]


def assert_letter_pdf(pdf: Path) -> None:
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    assert NUMBER in reader.pages[0].extract_text()


def gone_within(marker: str, seconds: float) -> dict[int, str]:
    """What is still alive of ``marker``'s processes after waiting up to ``seconds`` for it to end."""
    end = time.monotonic() + seconds
    while (left := processes(marker)) and time.monotonic() < end:
        time.sleep(0.1)
    return left


def test_pool_started_by_polling_converts_a_docx_to_a_pdf_pypdf_opens(pool_tmp, letter_docx, tmp_path):
    with ConverterPool(2) as pool:
        running = processes(f"{pool_tmp}/docgen-pool-")
        assert len(named(running, "docgen_unoserver.py")) == 2, running
        assert len(named(running, "soffice.bin")) == 2, running
        pdf = pool.convert(letter_docx, tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "surat.pdf"
    assert_letter_pdf(pdf)


@pytest.mark.parametrize("victim", ["soffice.bin", "docgen_unoserver.py"])
def test_server_killed_with_sigkill_is_restarted_and_converts_again(pool_tmp, letter_docx, tmp_path, victim):
    marker = f"{pool_tmp}/docgen-pool-"
    with ConverterPool(1) as pool:
        assert_letter_pdf(pool.convert(letter_docx, tmp_path / "before"))
        before = processes(marker)
        [pid] = named(before, victim)
        os.kill(pid, signal.SIGKILL)

        pdf = pool.convert(letter_docx, tmp_path / "after")
        assert_letter_pdf(pdf)
        after = processes(marker)
        assert len(named(after, "soffice.bin")) == 1, after
        assert not set(named(before, "soffice.bin")) & set(after), "the old LibreOffice is still running"


def test_stop_leaves_no_libreoffice_of_the_pool_behind(pool_tmp, letter_docx, tmp_path):
    marker = f"{pool_tmp}/docgen-pool-"
    pool = ConverterPool(2)
    pool.start()
    try:
        pool.convert_many([letter_docx], tmp_path / "pdf")
        seen = processes(marker)
    finally:
        pool.stop()
    assert len(named(seen, "soffice.bin")) == 2, seen
    assert processes(marker) == {}
    assert not any(pool_tmp.glob("docgen-pool-*")), "the pool's folder was left behind"


CHILD = """
import sys, tempfile
tempfile.tempdir = sys.argv[1]
from docgen.pdf.pool import ConverterPool
pool = ConverterPool(2)
pool.start()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.mark.slow
def test_libreoffice_ends_when_the_process_that_owns_the_pool_is_killed(pool_tmp):
    marker = f"{pool_tmp}/docgen-pool-"
    owner = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(pool_tmp)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        assert owner.stdout.readline().strip() == "ready"
        assert len(named(processes(marker), "soffice.bin")) == 2
    finally:
        owner.kill()
        owner.wait()
    assert gone_within(marker, 15.0) == {}
