"""The PPK-SKPD verifies an SPP before its SPM (issue 25): on the command line, on the desk, in the
register's chained log and on the payment packet's checklist page; an SPM refuses an unverified SPP
before any number is taken."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import RawRegister, cli, one_galat_line, verified
from openpyxl import Workbook
from pypdf import PdfReader
from test_desk import PASSWORD, Desk, start_desk
from test_paket import LS, folder_with

from docgen.batch.runner import BatchOptions, run_batch
from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.paket import assemble_packet
from docgen.pipeline import create_workspace, generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register, State
from docgen.register.chain import resting_on
from docgen.register.events import verify_chain
from docgen.register.users import add_user
from docgen.sppverify import verification_of, verify_spp
from docgen.text import tanggal

PPK = "DEWI ANGGRAINI, S.E."  # the shipped profile's [keuangan] ppk_skpd


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _counters(ws: Workspace) -> tuple[int, int, list[tuple[Any, ...]]]:
    """Numbers, documents and every counter, read from the register's own SQLite file."""
    with sqlite3.connect(ws.register_path) as conn:
        numbers = conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0]
        documents = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        counters = conn.execute("SELECT * FROM counters ORDER BY 1, 2").fetchall()
    return numbers, documents, counters


def _events(ws: Workspace, action: str) -> list[tuple[int, dict[str, Any]]]:
    with sqlite3.connect(ws.register_path) as conn:
        rows = conn.execute("SELECT doc_id, detail FROM events WHERE action = ? ORDER BY id", (action,)).fetchall()
    return [(doc_id, json.loads(detail)) for doc_id, detail in rows]


def test_an_spm_on_an_unverified_spp_is_refused_naming_the_command_and_takes_no_number(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    before = _counters(workspace)
    with pytest.raises(RequestError) as caught:
        generate(workspace, "spm", _example("spm", spp=spp.number))
    message = str(caught.value)
    assert f"SPP {spp.number} belum diverifikasi PPK-SKPD" in message
    assert f"docgen spp verifikasi {spp.number}" in message and "\n" not in message
    assert _counters(workspace) == before


def test_an_spm_on_a_verified_spp_is_made_and_rests_on_it(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    spm = generate(workspace, "spm", _example("spm", spp=verified(workspace, spp.number)))
    assert spm.number and "/SPM/" in spm.number
    with Register.open(workspace) as reg:
        assert [d.id for d in resting_on(reg.conn, spp.id)] == [spm.id]


def test_the_verification_is_an_event_in_the_chained_log_naming_who_and_when(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    with Register.open(workspace) as reg:
        assert verification_of(reg, spp.id) is None
        done = verify_spp(reg, spp.number or "", note="berkas lengkap")
        assert verify_chain(reg.conn) == []
        assert reg.document(spp.id).state == State.NUMBERED  # still sent and archived as before
    [(doc_id, detail)] = _events(workspace, "spp.verified")
    assert doc_id == spp.id and detail["oleh"] == "ppk-skpd" and detail["nama"] == PPK
    assert detail["catatan"] == "berkas lengkap" and detail["nomor"] == spp.number
    assert done.line.startswith(f"Diverifikasi oleh PPK-SKPD {PPK} pada ")


def test_an_edited_verification_event_breaks_the_chain(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    verified(workspace, spp.number)
    with RawRegister(workspace) as raw:  # past the append-only triggers, as someone with the file could
        raw.drop_append_only()
        raw.execute("UPDATE events SET detail = replace(detail, 'ppk-skpd', 'kadis') WHERE action = 'spp.verified'")
    with Register.open(workspace) as reg:
        assert any("spp.verified" in line for line in verify_chain(reg.conn))


def test_verifying_twice_or_a_void_spp_is_refused_and_records_nothing(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    verified(workspace, spp.number)
    with Register.open(workspace) as reg, pytest.raises(RequestError, match="sudah diverifikasi oleh DEWI"):
        verify_spp(reg, spp.number or "")
    void = generate(workspace, "spp", _example("spp"))
    with Register.open(workspace) as reg:
        reg.set_state(void.id, State.BATAL, reason="salah jenis")
        with pytest.raises(RequestError, match="batal"):
            verify_spp(reg, str(void.id))
    assert [d for d, _ in _events(workspace, "spp.verified")] == [spp.id]


def test_only_an_spp_and_an_official_of_the_profile_can_be_verified(workspace):
    spj = generate(workspace, "spj", _example("spj"))
    spp = generate(workspace, "spp", _example("spp"))
    with Register.open(workspace) as reg:
        with pytest.raises(RequestError, match="bukan spp"):
            verify_spp(reg, spj.number or "")
        with pytest.raises(RequestError, match="tidak ada di \\[officials\\]"):
            verify_spp(reg, spp.number or "", oleh="orang-lain")
    assert _events(workspace, "spp.verified") == []


def test_the_cli_verifies_once_and_then_refuses_in_one_line(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    early = one_galat_line(cli(workspace, "spp", "verifikasi", spp.number or "", "--tanggal", "2000-01-03"))
    assert "sebelum tanggal SPP" in early
    day = date.today()
    done = cli(workspace, "spp", "verifikasi", spp.number or "", "--catatan", "lengkap", "--tanggal", day.isoformat())
    assert done.exit_code == 0, done.output
    assert f"SPP {spp.number}: Diverifikasi oleh PPK-SKPD {PPK} pada {tanggal(day)} (lengkap).\n" == done.stdout
    again = one_galat_line(cli(workspace, "spp", "verifikasi", str(spp.id)))
    assert "sudah diverifikasi" in again
    missing = one_galat_line(cli(workspace, "spp", "verifikasi", "9999/SPP/423.105/2026"))
    assert "tidak ada di register" in missing
    spm = generate(workspace, "spm", _example("spm", spp=spp.number))
    assert spm.number


def test_a_batch_of_spms_on_an_unverified_spp_is_refused_before_any_number(workspace, tmp_path):
    spp = generate(workspace, "spp", _example("spp"))
    spm = _example("spm", spp=spp.number)
    book = Workbook()
    book.active.append(["spp", "jenis", "tanggal", "jumlah", "keperluan"])
    book.active.append([spm[c] for c in ("spp", "jenis", "tanggal", "jumlah", "keperluan")])
    book.save(tmp_path / "spm.xlsx")
    common = tmp_path / "umum.json"
    common.write_text(json.dumps({"penerima": spm["penerima"], "rincian": spm["rincian"]}), encoding="utf-8")
    before = _counters(workspace)
    options = BatchOptions(kind="spm", source=tmp_path / "spm.xlsx", common=common, workers=1)
    outcome = run_batch(workspace, options)
    assert [(b.number, b.column) for b in outcome.bad] == [(2, "spp")]
    assert "belum diverifikasi PPK-SKPD" in outcome.bad[0].message
    assert _counters(workspace) == before
    verified(workspace, spp.number)
    assert run_batch(workspace, options).count("selesai") == 1


def _packet_checklist(ws: Workspace, spp: str, folder: Path) -> str:
    result = assemble_packet(ws, spp, folder)
    reader = PdfReader(ws.root / result.path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages[1:2])


def test_the_packet_checklist_page_shows_the_verification_or_its_absence(workspace, tmp_path):
    spp = generate(workspace, "spp", _example("spp"))
    before = _packet_checklist(workspace, spp.number or "", folder_with(tmp_path, LS, "satu"))
    assert "DAFTAR PERIKSA" in before and "Verifikasi PPK-SKPD: BELUM DIVERIFIKASI" in before
    with Register.open(workspace) as reg:
        verify_spp(reg, spp.number or "", note="lengkap")
    after = _packet_checklist(workspace, spp.number or "", folder_with(tmp_path, LS, "dua"))
    assert f"Verifikasi PPK-SKPD: Diverifikasi oleh PPK-SKPD {PPK} pada " in after and "(lengkap)" in after
    assert "BELUM DIVERIFIKASI" not in after


# -- the desk -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    base = tmp_path_factory.mktemp("meja-spp")
    ws = create_workspace(base / "ws")
    with Register.open(ws) as reg:
        add_user(reg, "dewi", "Dewi Anggraini", ["keuangan"], PASSWORD)
        add_user(reg, "siti", "Siti Umum", ["umum"], PASSWORD)
    server = start_desk(ws.root, base / "meja.log")
    yield server
    server.proc.terminate()
    server.proc.wait(10)


def test_on_the_desk_keuangan_verifies_an_spp_and_another_role_cannot(desk):
    ws = load_workspace(desk.root, env={})
    spp = generate(ws, "spp", _example("spp"))
    clerk, ppk = desk.client("siti"), desk.client("dewi")
    page = ppk.get(f"/dokumen/{spp.id}")
    assert "Belum diverifikasi" in page.plain() and 'id="verifikasi-spp-tombol"' in page.text
    assert 'id="verifikasi-spp-tombol"' not in clerk.get(f"/dokumen/{spp.id}").text
    assert clerk.post(f"/dokumen/{spp.id}/verifikasi", {"catatan": "x"}).status == 403
    done = ppk.post(f"/dokumen/{spp.id}/verifikasi", {"catatan": "berkas lengkap"})
    assert done.status == 200 and f"Diverifikasi oleh PPK-SKPD {PPK}" in done.plain()
    assert 'id="verifikasi-spp-tombol"' not in done.text
    [(doc_id, detail)] = _events(ws, "spp.verified")
    assert doc_id == spp.id and detail["pengguna"] == "dewi" and detail["catatan"] == "berkas lengkap"
    again = ppk.post(f"/dokumen/{spp.id}/verifikasi", {})
    assert "sudah diverifikasi" in again.plain() and len(_events(ws, "spp.verified")) == 1
    assert generate(ws, "spm", _example("spm", spp=spp.number)).number
