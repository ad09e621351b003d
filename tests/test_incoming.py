"""Incoming letters (surat masuk): the agenda, the lembar disposisi, its rounds and queues.

A letter is entered the day it arrives, gets its blank disposition sheet, is disposed by the
Kepala Dinas, carried to the unit named, received, passed on again, and finally followed up.
Expected values are written by hand from docgen.toml ([series.agenda-masuk] "{seq}/{year}",
[disposition] units and instructions) and the surat-masuk example.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import cli as run
from conftest import decode_qr, render_page
from conftest import one_galat_line as one_error_line
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docgen.errors import DocgenError, RegisterError, RequestError
from docgen.incoming import dispose, enter_incoming, finish, print_sheet, receive
from docgen.kinds import get_kind
from docgen.register import Register, check_register
from docgen.register.agenda import QUEUES, incoming_details, queue, rounds
from docgen.verify import Verdict, verify

SENDER = "Dinas Lingkungan Hidup Kota Pasuruan"
LETTER_NO = "600.4/215/423.109/2026"
RECEIVED = date(2026, 11, 23)  # the example's "diterima"
TODAY = date(2026, 11, 28)
PTSP = "Kepala Bidang Pelayanan Terpadu Satu Pintu"
UMUM = "Kepala Sub Bagian Umum dan Kepegawaian"
VERIFY_BASE = "https://dpmptsp.pasuruankota.go.id/verifikasi/"


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def incoming() -> dict:
    """A fresh, valid surat-masuk request (received 2026-11-23, archive code 500.16.7.2)."""
    return copy.deepcopy(get_kind("surat-masuk").example)


def make_scan(path: Path, pages: int = 2, label: str = "Surat asli") -> Path:
    """A small multi-page PDF standing in for the scanner's output."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, pages + 1):
        pdf.drawString(72, 760, f"{label} halaman {page}")
        pdf.showPage()
    pdf.save()
    return path


def page_text(pdf: Path, page: int = 0) -> str:
    """One page's text with runs of whitespace made single spaces."""
    return " ".join(PdfReader(pdf).pages[page].extract_text().split())


def in_queues(ws, today: date = TODAY) -> dict[str, list[str]]:
    with Register.open(ws) as reg:
        return {name: [item["agenda"] for item in queue(reg, name, today=today)] for name in QUEUES}


def queue_items(ws, name: str, today: date = TODAY) -> list[dict]:
    with Register.open(ws) as reg:
        return queue(reg, name, today=today)


def books(ws) -> dict:
    """Everything a refused request must leave as it was: numbers, documents, rows, events, files."""
    with Register.open(ws) as reg:
        conn = reg.conn
        return {
            "numbers": [(n["number"], n["status"]) for n in reg.numbers()],
            "documents": [(d.id, d.state, d.number) for d in reg.documents()],
            "incoming": conn.execute("SELECT COUNT(*) FROM incoming").fetchone()[0],
            "dispositions": [dict(r) for r in conn.execute("SELECT * FROM dispositions ORDER BY id")],
            "events": conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
            "files": conn.execute("SELECT COUNT(*) FROM files").fetchone()[0],
            "outbox": sorted(p.relative_to(ws.root).as_posix() for p in ws.outbox.rglob("*") if p.is_file()),
        }


def assert_register_ok(ws) -> None:
    """The event chain holds and every recorded file is on disk with its recorded hash."""
    with Register.open(ws) as reg:
        report = check_register(reg)
        recorded = reg.conn.execute("SELECT path, sha256 FROM files").fetchall()
    assert report.ok, report.problems
    assert report.files == len(recorded) > 0
    for row in recorded:
        data = (ws.outbox / row["path"]).read_bytes()  # the register keeps paths relative to the outbox
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["path"]


# -- the life of one letter ----------------------------------------------------------------


def test_a_letter_travels_through_the_queues_from_entry_to_follow_up(workspace, incoming):
    entered = enter_incoming(workspace, incoming)
    assert entered.number == "1/2026"
    assert entered.kind == "surat-masuk"
    assert in_queues(workspace) == {"belum-disposisi": ["1/2026"], "belum-diterima": [], "belum-selesai": []}
    [waiting] = queue_items(workspace, "belum-disposisi", today=RECEIVED + timedelta(days=5))
    assert waiting["age_days"] == 5
    assert waiting["sender"] == SENDER
    assert waiting["subject"] == "Permohonan Data Perizinan Usaha Tahun 2026"
    assert waiting["to_units"] == []

    first = dispose(
        workspace, "1/2026", units=["3"], instructions=["proses lebih"], by="kadis",
        note="Mohon segera ditelaah.", today=TODAY,
    )  # fmt: skip
    assert (first.agenda, first.round, first.sheet) == ("1/2026", 1, None)
    assert in_queues(workspace) == {"belum-disposisi": [], "belum-diterima": ["1/2026"], "belum-selesai": []}
    assert queue_items(workspace, "belum-diterima")[0]["to_units"] == [PTSP]

    assert receive(workspace, "1/2026", by="Ahmad Fauzi", today=TODAY) == 1
    assert in_queues(workspace) == {"belum-disposisi": [], "belum-diterima": [], "belum-selesai": ["1/2026"]}

    second = dispose(
        workspace, "1/2026", units=["sub bagian umum"], instructions=["Siapkan bahan", "4"], by="kabid-ptsp",
        note="Siapkan draf jawaban.", today=TODAY,
    )  # fmt: skip
    assert second.round == 2
    assert in_queues(workspace) == {"belum-disposisi": [], "belum-diterima": ["1/2026"], "belum-selesai": []}
    assert queue_items(workspace, "belum-diterima")[0]["to_units"] == [UMUM]

    assert receive(workspace, "1/2026", by="Rina Wulandari", today=TODAY) == 2
    assert in_queues(workspace) == {"belum-disposisi": [], "belum-diterima": [], "belum-selesai": ["1/2026"]}
    assert finish(workspace, "1/2026", follow_up="Data dikirim dengan surat 500.16.7.2/60", today=TODAY) == 2
    assert in_queues(workspace) == {"belum-disposisi": [], "belum-diterima": [], "belum-selesai": []}

    with Register.open(workspace) as reg:
        recorded = rounds(reg, entered.id)
    assert [
        (r["round"], r["by_official"], r["to_units"], r["instructions"], r["note"], r["received_by"], r["follow_up"])
        for r in recorded
    ] == [
        (1, "kadis", [PTSP], ["Proses lebih lanjut"], "Mohon segera ditelaah.", "Ahmad Fauzi", None),
        (2, "kabid-ptsp", [UMUM], ["Siapkan bahan", "Untuk diketahui"], "Siapkan draf jawaban.", "Rina Wulandari",
         "Data dikirim dengan surat 500.16.7.2/60"),
    ]  # fmt: skip
    assert_register_ok(workspace)


def test_queues_list_the_oldest_letter_first_with_its_age(workspace, incoming):
    enter_incoming(workspace, incoming)  # received 2026-11-23
    later = {**incoming, "dari": "PT Sinar Jaya Abadi", "nomor": "045/SJA/XI/2026", "diterima": "2026-11-27"}
    assert enter_incoming(workspace, later).number == "2/2026"
    earlier = {**incoming, "dari": "Bappeda Kota Pasuruan", "nomor": "050/77/2026", "tanggal": "2026-11-02",
               "diterima": "2026-11-03"}  # fmt: skip
    assert enter_incoming(workspace, earlier).number == "3/2026"
    items = queue_items(workspace, "belum-disposisi", today=date(2026, 11, 30))
    assert [(i["agenda"], i["sender"], i["age_days"]) for i in items] == [
        ("3/2026", "Bappeda Kota Pasuruan", 27),
        ("1/2026", SENDER, 7),
        ("2/2026", "PT Sinar Jaya Abadi", 3),
    ]
    dispose(workspace, "1/2026", units=["Sekretaris"], instructions=["Arsip"], by="kadis", today=TODAY)
    assert in_queues(workspace)["belum-disposisi"] == ["3/2026", "2/2026"]
    assert in_queues(workspace)["belum-diterima"] == ["1/2026"]


# -- the lembar disposisi ------------------------------------------------------------------


def test_the_new_sheet_names_the_agenda_number_the_sender_and_the_letter_number(workspace, incoming):
    entered = enter_incoming(workspace, incoming)
    assert [f["role"] for f in entered.files] == ["disposisi"]
    assert entered.path == "outbox/2026/surat-masuk/1-2026-disposisi.pdf"
    sheet = workspace.root / entered.path
    assert hashlib.sha256(sheet.read_bytes()).hexdigest() == entered.sha256
    assert len(PdfReader(sheet).pages) == 1
    text = page_text(sheet)
    for expected in (
        "LEMBAR DISPOSISI",
        "Nomor agenda : 1/2026",
        f"Surat dari : {SENDER}",
        f"Nomor surat : {LETTER_NO}",
        "Tanggal surat : 20 November 2026",
        "Diterima tanggal : 23 November 2026",
        "Lampiran : 1 (satu) berkas",
        "Hal : Permohonan Data Perizinan Usaha Tahun 2026",
        "Indeks : Pelayanan Perizinan",
        "Kode : 500.16.7.2",
    ):
        assert expected in text
    assert "(500.16.7.2)" not in text  # the archive code has its own box, not pasted after Hal
    assert "Disposisi lanjutan" not in text


def test_a_reprinted_sheet_carries_the_notes_of_every_round(workspace, incoming):
    entered = enter_incoming(workspace, incoming)
    done = dispose(
        workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", note="Mohon segera ditelaah.",
        print_it=True, today=TODAY,
    )  # fmt: skip
    assert done.sheet is not None
    first_print = workspace.root / done.sheet.path
    assert first_print != workspace.root / entered.path
    assert (workspace.root / entered.path).is_file()  # the blank sheet stays as it was recorded
    assert "Mohon segera ditelaah." in page_text(first_print)
    assert "Mohon segera ditelaah." not in page_text(workspace.root / entered.path)

    receive(workspace, "1/2026", by="Ahmad Fauzi", today=TODAY)
    dispose(workspace, "1/2026", units=["5"], instructions=["6"], by="kabid-ptsp", note="Siapkan draf jawaban.")
    again = print_sheet(workspace, "1/2026", today=TODAY)
    assert again.number == "1/2026"
    assert [f["role"] for f in again.files] == ["disposisi"]
    text = page_text(workspace.root / again.path)
    assert "Nomor agenda : 1/2026" in text
    assert "Mohon segera ditelaah." in text
    text += " " + page_text(workspace.root / again.path, -1)  # a later round may flow onto another page
    assert "Disposisi lanjutan 2 dari Kepala Bidang Pelayanan Terpadu Satu Pintu" in text
    assert "Siapkan draf jawaban." in text
    assert len({entered.path, done.sheet.path, again.path}) == 3  # every print is its own file


def test_the_sheets_qr_code_leads_to_a_genuine_register_entry(workspace, incoming, pdf_tools):
    entered = enter_incoming(workspace, incoming)
    with Register.open(workspace) as reg:
        token = reg.document(entered.id).token
    assert token
    url = VERIFY_BASE + token
    assert decode_qr(render_page(workspace.root / entered.path, 1, 150)) == [url]

    done = dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", note="Catat", print_it=True)
    assert decode_qr(render_page(workspace.root / done.sheet.path, 1, 150)) == [url]

    answer = verify(workspace, url)
    assert answer.verdict == Verdict.GENUINE
    assert (answer.doc_id, answer.number, answer.kind) == (entered.id, "1/2026", "surat-masuk")
    assert answer.subject == "Permohonan Data Perizinan Usaha Tahun 2026"
    assert verify(workspace, VERIFY_BASE + "bukan-token-kantor").verdict == Verdict.UNKNOWN


@pytest.fixture
def wib() -> Iterator[None]:
    """The office's clock: Pasuruan keeps Western Indonesian Time (WIB, UTC+7)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "WIB-7"  # POSIX notation: 7 hours east of UTC, no tz database needed
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_a_round_recorded_early_in_the_morning_carries_the_offices_date(workspace, incoming, wib, monkeypatch):
    # The Kepala Dinas disposes at 06:30 WIB on Saturday 28 November 2026, which is 23:30 UTC on
    # the 27th. The sheet is a paper form read in Pasuruan: its round date is the local day, and
    # the letter has waited 0 days for its receiver on the 28th.
    monkeypatch.setattr("docgen.register.agenda.now_iso", lambda: "2026-11-27T23:30:00.000000+00:00")
    enter_incoming(workspace, incoming)
    done = dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", print_it=True, today=TODAY)
    text = page_text(workspace.root / done.sheet.path)
    assert "28 November 2026" in text
    assert "27 November 2026" not in text
    [waiting] = queue_items(workspace, "belum-diterima", today=TODAY)
    assert waiting["age_days"] == 0


# -- the scan ------------------------------------------------------------------------------


def test_the_scan_is_copied_with_its_hash_and_the_original_is_left_alone(workspace, incoming, tmp_path):
    scan = make_scan(tmp_path / "pindaian-dlh.pdf", pages=2)
    original = scan.read_bytes()
    mtime = scan.stat().st_mtime_ns
    digest = hashlib.sha256(original).hexdigest()

    entered = enter_incoming(workspace, incoming, scan=scan)
    assert scan.is_file() and scan.read_bytes() == original and scan.stat().st_mtime_ns == mtime
    assert [f["role"] for f in entered.files] == ["disposisi", "scan"]
    copy_record = entered.files[1]
    assert copy_record["path"] == "outbox/2026/surat-masuk/1-2026-pindaian.pdf"
    assert copy_record["sha256"] == digest
    assert (workspace.root / copy_record["path"]).read_bytes() == original
    with Register.open(workspace) as reg:
        assert incoming_details(reg, entered.id)["scan_sha256"] == digest
        stored = {f["role"]: f["sha256"] for f in reg.files(entered.id, current_only=True)}
    assert stored == {"disposisi": entered.sha256, "scan": digest}
    assert_register_ok(workspace)


def test_merge_puts_the_sheet_in_front_of_every_scan_page(workspace, incoming, tmp_path):
    scan = make_scan(tmp_path / "pindaian.pdf", pages=2)
    entered = enter_incoming(workspace, incoming, scan=scan, merge=True)
    assert [f["role"] for f in entered.files] == ["disposisi", "scan", "gabung"]
    merged = workspace.root / entered.files[2]["path"]
    assert merged.name == "1-2026-gabung.pdf"
    assert len(PdfReader(merged).pages) == 1 + 2
    first = page_text(merged, 0)
    assert "LEMBAR DISPOSISI" in first and "Nomor agenda : 1/2026" in first
    assert page_text(merged, 1) == "Surat asli halaman 1"
    assert page_text(merged, 2) == "Surat asli halaman 2"

    dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", note="Mohon segera ditelaah.")
    again = print_sheet(workspace, "1/2026", merge=True, today=TODAY)
    assert [f["role"] for f in again.files] == ["disposisi", "gabung"]
    remerged = workspace.root / again.files[1]["path"]
    assert len(PdfReader(remerged).pages) == 3
    assert "Mohon segera ditelaah." in page_text(remerged, 0)
    assert page_text(remerged, 2) == "Surat asli halaman 2"
    assert_register_ok(workspace)


def test_merge_without_a_scan_is_refused_before_a_number_is_taken(workspace, incoming):
    before = books(workspace)
    with pytest.raises(RequestError, match="sertakan --scan"):
        enter_incoming(workspace, incoming, merge=True)
    assert books(workspace) == before
    enter_incoming(workspace, incoming)
    with pytest.raises(RequestError, match="tidak punya pindaian untuk digabung"):
        print_sheet(workspace, "1/2026", merge=True, today=TODAY)


# -- duplicates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [SENDER, "dinas lingkungan hidup kota pasuruan", "  DINAS  Lingkungan   Hidup\tKota Pasuruan "],
    ids=["same", "lower-case", "spacing-and-case"],
)
def test_the_same_letter_is_refused_naming_its_agenda_number(workspace, incoming, sender):
    enter_incoming(workspace, incoming)
    before = books(workspace)
    with pytest.raises(RegisterError) as caught:
        enter_incoming(workspace, {**incoming, "dari": sender, "hal": "Hal ditulis lain", "diterima": "2026-11-24"})
    message = str(caught.value)
    assert "Surat ini sudah tercatat dengan nomor agenda 1/2026" in message
    assert "\n" not in message
    assert books(workspace) == before
    other = enter_incoming(workspace, {**incoming, "nomor": "600.4/216/423.109/2026"})
    assert other.number == "2/2026"


def test_the_same_scan_with_other_fields_is_refused(workspace, incoming, tmp_path):
    scan = make_scan(tmp_path / "pindaian.pdf")
    enter_incoming(workspace, incoming, scan=scan)
    before = books(workspace)
    other = {**incoming, "dari": "PT Sinar Jaya Abadi", "nomor": "045/SJA/XI/2026", "hal": "Permohonan izin"}
    with pytest.raises(RegisterError, match="Pindaian ini sudah tercatat dengan nomor agenda 1/2026"):
        enter_incoming(workspace, other, scan=scan)
    assert books(workspace) == before
    assert scan.is_file()
    fresh = enter_incoming(workspace, other, scan=make_scan(tmp_path / "pindaian-sja.pdf", label="Surat SJA"))
    assert fresh.number == "2/2026"
    with Register.open(workspace) as reg:
        assert [(n["number"], n["status"]) for n in reg.numbers()] == [("1/2026", "issued"), ("2/2026", "issued")]


def test_a_voided_entry_does_not_block_entering_the_letter_again(workspace, incoming):
    enter_incoming(workspace, incoming)
    with Register.open(workspace) as reg:
        reg.void_number("1/2026", reason="dicatat pada hari yang salah")
    again = enter_incoming(workspace, incoming)
    assert again.number == "2/2026"
    assert in_queues(workspace)["belum-disposisi"] == ["2/2026"]
    with pytest.raises(RegisterError, match="sudah batal: dicatat pada hari yang salah"):
        dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis")


# -- mistakes change nothing ---------------------------------------------------------------

GOOD = {"units": ["3"], "instructions": ["2"], "by": "kadis"}
UNITS_LISTING = "pilih nomor atau nama dari: 1. Sekretaris; 2. Kepala Bidang Penanaman Modal; 3. " + PTSP


@pytest.mark.parametrize(
    ("agenda", "changes", "error", "expected"),
    [
        ("7/2026", {}, RegisterError, "Nomor agenda 7/2026 tidak ada di register"),
        ("1/2025", {}, RegisterError, "Nomor agenda 1/2025 tidak ada di register"),
        ("1/2026", {"units": ["Kepala Seksi Perizinan"]}, RequestError,
         f"Tujuan disposisi 'Kepala Seksi Perizinan' tidak dikenal; {UNITS_LISTING}"),
        ("1/2026", {"units": ["7"]}, RequestError, "Tujuan disposisi '7' tidak dikenal"),
        ("1/2026", {"units": []}, RegisterError, "Disposisi harus diteruskan kepada sedikitnya satu tujuan"),
        ("1/2026", {"units": ["3", "Kepala Bidang"]}, RequestError,
         f"Tujuan disposisi 'Kepala Bidang' cocok dengan lebih dari satu; {UNITS_LISTING}"),
        ("1/2026", {"instructions": ["Segera laksanakan"]}, RequestError,
         "Instruksi 'Segera laksanakan' tidak dikenal; pilih nomor atau nama dari: 1. Tanggapan dan saran"),
        ("1/2026", {"by": "nobody"}, RequestError,
         "Pejabat 'nobody' tidak ada di profil; pilih: kadis, sekretaris, kabid-ptsp"),
    ],
    ids=["no-such-agenda", "agenda-of-another-year", "unknown-unit", "unit-number-out-of-range", "no-unit",
         "ambiguous-unit",
         "unknown-instruction", "unknown-official"],
)  # fmt: skip
def test_a_bad_disposition_is_one_clear_line_and_changes_nothing(workspace, incoming, agenda, changes, error, expected):
    entered = enter_incoming(workspace, incoming)
    before = books(workspace)
    with pytest.raises(error) as caught:
        dispose(workspace, agenda, **{**GOOD, **changes}, note="tidak boleh tercatat", today=TODAY)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert books(workspace) == before
    with Register.open(workspace) as reg:
        assert rounds(reg, entered.id) == []
    assert in_queues(workspace)["belum-disposisi"] == ["1/2026"]


@pytest.mark.parametrize("action", ["receive", "finish"])
def test_receiving_or_finishing_an_unknown_agenda_number_changes_nothing(workspace, incoming, action):
    enter_incoming(workspace, incoming)
    dispose(workspace, "1/2026", **GOOD, today=TODAY)
    before = books(workspace)
    with pytest.raises(RegisterError, match="Nomor agenda 9/2026 tidak ada di register"):
        if action == "receive":
            receive(workspace, "9/2026", by="Ahmad Fauzi", today=TODAY)
        else:
            finish(workspace, "9/2026", follow_up="Dijawab", today=TODAY)
    assert books(workspace) == before


def test_an_unknown_archive_code_is_refused_with_the_codes_it_probably_meant(workspace, incoming):
    before = books(workspace)
    with pytest.raises(RequestError) as caught:
        enter_incoming(workspace, {**incoming, "kka": "500.16.7.9"})
    message = str(caught.value)
    assert "kode klasifikasi '500.16.7.9' tidak dikenal" in message
    assert "500.16.7.2" in message.split("yang mirip:", 1)[1]
    assert "\n" not in message
    assert books(workspace) == before
    assert enter_incoming(workspace, incoming).number == "1/2026"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not-a-pdf", "Berkas foto-surat.jpg bukan PDF yang utuh"),
        ("missing-scan", "tidak bisa dibaca"),
        ("received-before-written", "'diterima' tidak boleh sebelum 'tanggal' surat"),
        ("no-sender", "'dari' wajib diisi"),
    ],
)
def test_an_unusable_entry_is_refused_before_a_number_is_taken(workspace, incoming, tmp_path, case, expected):
    scan = None
    if case == "not-a-pdf":
        scan = tmp_path / "foto-surat.jpg"
        scan.write_bytes(b"\xff\xd8\xff\xe0 JFIF, a photo of the letter, not a PDF")
    elif case == "missing-scan":
        scan = tmp_path / "belum-dipindai.pdf"
    elif case == "received-before-written":
        incoming["diterima"] = "2026-11-19"
    else:
        del incoming["dari"]
    before = books(workspace)
    with pytest.raises(RequestError) as caught:
        enter_incoming(workspace, incoming, scan=scan)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
    assert books(workspace) == before


# -- steps out of order --------------------------------------------------------------------


def test_receiving_before_any_disposition_is_refused(workspace, incoming):
    enter_incoming(workspace, incoming)
    before = books(workspace)
    with pytest.raises(RegisterError, match="belum didisposisikan; catat dulu dengan 'docgen disposisi catat'"):
        receive(workspace, "1/2026", by="Ahmad Fauzi", today=TODAY)
    with pytest.raises(RegisterError, match="belum didisposisikan"):
        finish(workspace, "1/2026", follow_up="Dijawab", today=TODAY)
    assert books(workspace) == before


def test_finishing_before_the_letter_was_received_is_refused(workspace, incoming):
    enter_incoming(workspace, incoming)
    dispose(workspace, "1/2026", **GOOD, today=TODAY)
    before = books(workspace)
    with pytest.raises(RegisterError, match="Disposisi ke-1 belum diterima tujuannya"):
        finish(workspace, "1/2026", follow_up="Dijawab", today=TODAY)
    assert books(workspace) == before
    assert in_queues(workspace)["belum-diterima"] == ["1/2026"]


def test_receiving_twice_is_refused_naming_who_received_it(workspace, incoming):
    enter_incoming(workspace, incoming)
    dispose(workspace, "1/2026", **GOOD, today=TODAY)
    receive(workspace, "1/2026", by="Ahmad Fauzi", today=TODAY)
    before = books(workspace)
    with pytest.raises(RegisterError, match="Disposisi ke-1 sudah diterima oleh Ahmad Fauzi pada "):
        receive(workspace, "1/2026", by="Rina Wulandari", today=TODAY)
    assert books(workspace) == before
    finish(workspace, "1/2026", follow_up="Dijawab", today=TODAY)
    with pytest.raises(RegisterError, match="Disposisi ke-1 sudah selesai: Dijawab"):
        finish(workspace, "1/2026", follow_up="Dijawab lagi", today=TODAY)


def test_a_blank_receiver_or_follow_up_is_refused(workspace, incoming):
    enter_incoming(workspace, incoming)
    dispose(workspace, "1/2026", **GOOD, today=TODAY)
    before = books(workspace)
    with pytest.raises(DocgenError, match="Nama penerima wajib diisi"):
        receive(workspace, "1/2026", by="   ", today=TODAY)
    receive(workspace, "1/2026", by="Ahmad Fauzi", today=TODAY)
    after_receive = books(workspace)
    assert after_receive != before
    with pytest.raises(DocgenError, match="Tindak lanjut wajib diisi"):
        finish(workspace, "1/2026", follow_up="  ", today=TODAY)
    assert books(workspace) == after_receive


# -- the command line ----------------------------------------------------------------------

ADD = ("masuk", "add", "--dari", SENDER, "--nomor", LETTER_NO, "--tanggal", "2026-11-20", "--diterima",
       "2026-11-23", "--hal", "Permohonan Data Perizinan Usaha Tahun 2026", "--kka", "500.16.7.2")  # fmt: skip


def test_cli_masuk_add_prints_the_agenda_number_and_the_sheet(workspace):
    result = run(workspace, *ADD)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Dokumen 1 (1/2026) ditulis ke outbox/2026/surat-masuk/1-2026-disposisi.pdf" in out
    assert (workspace.root / "outbox/2026/surat-masuk/1-2026-disposisi.pdf").is_file()


def test_cli_masuk_add_json_gives_id_number_path_and_true_hashes(workspace, tmp_path):
    scan = make_scan(tmp_path / "pindaian.pdf", pages=1)
    result = run(workspace, *ADD, "--scan", str(scan), "--gabung", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["id"], out["number"], out["kind"]) == (1, "1/2026", "surat-masuk")
    assert out["path"] == "outbox/2026/surat-masuk/1-2026-disposisi.pdf"
    assert hashlib.sha256((workspace.root / out["path"]).read_bytes()).hexdigest() == out["sha256"]
    assert [f["role"] for f in out["files"]] == ["disposisi", "scan", "gabung"]
    for f in out["files"]:
        assert hashlib.sha256((workspace.root / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert out["files"][1]["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert len(PdfReader(workspace.root / out["files"][2]["path"]).pages) == 2


def test_cli_duplicate_exits_1_naming_the_agenda_number(workspace):
    assert run(workspace, *ADD).exit_code == 0
    before = books(workspace)
    again = run(workspace, *[a.upper() if a == SENDER else a for a in ADD])
    line = one_error_line(again)
    assert "sudah tercatat dengan nomor agenda 1/2026" in line
    assert books(workspace) == before


def test_cli_unknown_archive_code_exits_1_suggesting_the_right_one(workspace):
    args = [("500.16.7.9" if a == "500.16.7.2" else a) for a in ADD]
    line = one_error_line(run(workspace, *args))
    assert "'500.16.7.9' tidak dikenal" in line and "500.16.7.2" in line
    with Register.open(workspace) as reg:
        assert reg.numbers() == []


def test_cli_queue_json_lists_the_letter_with_its_age(workspace):
    received = date.today() - timedelta(days=4)
    written = received - timedelta(days=3)
    added = run(workspace, *ADD[:6], "--tanggal", written.isoformat(), "--diterima", received.isoformat(),
                "--hal", "Permohonan data", "--kka", "500.16.7.2", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    agenda = f"1/{received.year}"
    assert json.loads(added.stdout)["number"] == agenda

    listed = run(workspace, "register", "list", "--antrian", "belum-disposisi", "--json")
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(listed.stdout)
    assert (item["agenda"], item["sender"], item["subject"], item["age_days"]) == (
        agenda, SENDER, "Permohonan data", 4,
    )  # fmt: skip
    for other in ("belum-diterima", "belum-selesai"):
        shown = run(workspace, "register", "list", "--antrian", other, "--json")
        assert shown.exit_code == 0 and json.loads(shown.stdout) == []


def test_cli_unknown_queue_name_exits_1_listing_the_valid_names(workspace):
    line = one_error_line(run(workspace, "register", "list", "--antrian", "belum-dibaca"))
    assert "Antrian 'belum-dibaca' tidak dikenal" in line
    assert "belum-disposisi, belum-diterima, belum-selesai" in line


def test_cli_disposition_round_trip(workspace):
    assert run(workspace, *ADD).exit_code == 0
    refused = run(workspace, "disposisi", "terima", "1/2026", "--oleh", "Ahmad Fauzi")
    assert "belum didisposisikan" in one_error_line(refused)
    ambiguous = run(workspace, "disposisi", "catat", "1/2026", "--kepada", "kepala bidang", "--harap", "2",
                    "--oleh", "kadis")  # fmt: skip
    assert "Tujuan disposisi 'kepala bidang' cocok dengan lebih dari satu" in one_error_line(ambiguous)

    done = run(workspace, "disposisi", "catat", "1/2026", "--kepada", "3", "--kepada", "sekretaris", "--harap",
               "proses lebih", "--oleh", "kadis", "--catatan", "Mohon segera ditelaah.", "--cetak")  # fmt: skip
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert "Disposisi ke-1 untuk agenda 1/2026 dicatat." in out
    assert "Lembar disposisi: outbox/2026/surat-masuk/1-2026-disposisi-2.pdf" in out
    assert "Mohon segera ditelaah." in page_text(workspace.root / "outbox/2026/surat-masuk/1-2026-disposisi-2.pdf")
    [waiting] = json.loads(run(workspace, "register", "list", "--antrian", "belum-diterima", "--json").stdout)
    assert waiting["to_units"] == [PTSP, "Sekretaris"]

    taken = run(workspace, "disposisi", "terima", "1/2026", "--oleh", "Ahmad Fauzi")
    assert taken.exit_code == 0, taken.output
    assert "Disposisi ke-1 agenda 1/2026 diterima oleh Ahmad Fauzi." in " ".join(taken.stdout.split())
    closed = run(workspace, "disposisi", "selesai", "1/2026", "--tindak-lanjut", "Data dikirim")
    assert closed.exit_code == 0, closed.output
    assert "Disposisi ke-1 agenda 1/2026 selesai." in closed.stdout
    for name in QUEUES:
        assert json.loads(run(workspace, "register", "list", "--antrian", name, "--json").stdout) == []

    printed = run(workspace, "disposisi", "cetak", "1/2026")
    assert printed.exit_code == 0, printed.output
    assert "1-2026-disposisi-3.pdf" in printed.stdout
    no_scan = run(workspace, "disposisi", "cetak", "1/2026", "--gabung")
    assert "tidak punya pindaian untuk digabung" in one_error_line(no_scan)


# -- the books stay sound ------------------------------------------------------------------


def test_register_check_stays_ok_after_entries_rounds_reprints_and_refusals(workspace, incoming, tmp_path):
    scan = make_scan(tmp_path / "pindaian.pdf", pages=3)
    enter_incoming(workspace, incoming, scan=scan, merge=True)
    second = {**incoming, "dari": "PT Sinar Jaya Abadi", "nomor": "045/SJA/XI/2026", "kka": "900.1.3.1"}
    enter_incoming(workspace, second)
    for bad in (
        lambda: enter_incoming(workspace, incoming),
        lambda: enter_incoming(workspace, {**second, "nomor": "lain"}, scan=scan),
        lambda: enter_incoming(workspace, {**incoming, "kka": "500.16.7.9"}),
        lambda: dispose(workspace, "1/2026", units=["Kepala Bidang"], instructions=["2"], by="kadis"),
        lambda: receive(workspace, "2/2026", by="Ahmad Fauzi"),
    ):
        with pytest.raises(DocgenError):
            bad()
    dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", note="Telaah", print_it=True)
    receive(workspace, "1/2026", by="Ahmad Fauzi")
    dispose(workspace, "1/2026", units=["5"], instructions=["7"], by="kabid-ptsp", note="Arsipkan", print_it=True)
    print_sheet(workspace, "1/2026", merge=True)
    print_sheet(workspace, "2/2026")

    assert_register_ok(workspace)
    with Register.open(workspace) as reg:
        assert [(n["number"], n["status"]) for n in reg.numbers()] == [("1/2026", "issued"), ("2/2026", "issued")]
        roles = sorted(f["role"] for f in reg.files(1))
    assert roles == ["disposisi", "disposisi", "disposisi", "disposisi", "gabung", "gabung", "scan"]
    checked = run(workspace, "register", "check", "--json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["files"] == 9
    assert report["numbers"] == 2
