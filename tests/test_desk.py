"""The desk as office staff meet it: ``docgen meja`` on loopback, spoken to over HTTP (issue 16).

One server per module, started by the CLI in a subprocess on a workspace with an account per
role; every test makes its own letters. What is checked is what a browser receives and what the
register holds afterwards: nothing calls the application in-process.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import configure
from deskclient import Answer, DeskClient
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docgen.pipeline import create_workspace
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.register.users import add_user, deactivate

DOCGEN = str(Path(sys.executable).parent / "docgen")
PASSWORD = "sandi-kantor-2026"
UNIT = "Kepala Bidang Pelayanan Terpadu Satu Pintu"
OTHER_UNIT = "Kepala Bidang Penanaman Modal"
ACCOUNTS = {  # username: (roles, unit)
    "siti": (["umum"], ""),
    "kadis": (["pimpinan"], ""),
    "fauzi": (["bidang"], UNIT),
    "yuni": (["bidang"], OTHER_UNIT),
    "rina": (["perizinan"], ""),
    "dewi": (["keuangan"], ""),
    "admin": (["admin"], ""),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Desk:
    root: Path
    port: int
    proc: subprocess.Popen

    def client(self, username: str | None = None) -> DeskClient:
        client = DeskClient(self.port)
        if username is not None:
            answer = client.login(username, PASSWORD)
            assert answer.status == 200 and "Selamat bekerja" in answer.text, answer.plain()[:400]
        return client

    def numbers(self) -> int:
        with Register.open(load_workspace(self.root)) as reg:
            return int(reg.conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0])

    def events(self, action: str) -> list[dict]:
        with Register.open(load_workspace(self.root)) as reg:
            rows = reg.conn.execute("SELECT detail, doc_id FROM events WHERE action = ? ORDER BY id", (action,))
            return [json.loads(r["detail"]) | {"doc_id": r["doc_id"]} for r in rows]


def start_desk(root: Path, log: Path) -> Desk:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env |= {"DOCGEN_WORKSPACE": str(root), "TZ": "Asia/Jakarta"}
    with log.open("wb") as out:
        proc = subprocess.Popen([DOCGEN, "meja", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                cwd=root, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"docgen meja ended ({proc.returncode}):\n{log.read_text()}")
        try:
            if DeskClient(port).get("/masuk").status == 200:
                return Desk(root, port, proc)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"docgen meja did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    base = tmp_path_factory.mktemp("meja")
    ws = create_workspace(base / "ws")
    with Register.open(ws) as reg:
        for username, (roles, unit) in ACCOUNTS.items():
            add_user(reg, username, f"{username.title()} Pegawai", roles, PASSWORD, unit=unit)
    # This module logs in over a hundred times from one address; the throttle has its own test.
    configure(ws.root, {"logins_per_minute": 100_000, "failed_logins_per_hour": 100_000})
    server = start_desk(ws.root, base / "meja.log")
    yield server
    server.proc.terminate()
    server.proc.wait(10)


def pdf_bytes(text: str = "Surat bertanda tangan") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(100, 500, text)
    page.showPage()
    page.save()
    return out.getvalue()


def enter_letter(clerk: DeskClient, subject: str, *, scan: bytes | None = None) -> int:
    clerk.get("/surat-masuk/baru")
    fields = {"dari": "Dinas Lingkungan Hidup", "nomor": f"600.4/{time.monotonic_ns() % 10**6}/423.109/2026",
              "tanggal": "2026-11-20", "diterima": "2026-11-27", "hal": subject, "sifat": "Biasa",
              "kka": "500.16.7.2"}  # fmt: skip
    answer = clerk.post(
        "/surat-masuk/baru", fields, files={"pindaian": ("surat.pdf", scan or pdf_bytes(), "application/pdf")}
    )
    assert answer.status == 200 and "nomor agenda" in answer.text, answer.plain()[:600]
    return doc_id_of(answer)


def doc_id_of(answer: Answer) -> int:
    found = re.search(r'action="/dokumen/(\d+)/', answer.text) or re.search(r'href="/dokumen/(\d+)/berkas', answer.text)
    assert found, answer.plain()[:600]
    return int(found.group(1))


def draft_letter(clerk: DeskClient, subject: str) -> int:
    clerk.get("/buat/surat-keluar")
    answer = clerk.post("/buat/surat-keluar", {"tanggal": time.strftime("%Y-%m-%d"), "hal": subject, "sifat": "Biasa",
                        "kepada": "Kepala Dinas Perhubungan", "isi": "Paragraf pertama.\nParagraf kedua.",
                        "penandatangan.pejabat": "kadis", "kka": "000.1.2"})  # fmt: skip
    assert answer.status == 200 and "konsep dibuat" in answer.text, answer.plain()[:800]
    return doc_id_of(answer)


def dispose(head: DeskClient, doc_id: int, unit: str = UNIT) -> Answer:
    head.get(f"/dokumen/{doc_id}")
    return head.post(
        f"/dokumen/{doc_id}/disposisi", {"kepada": [unit], "harap": ["Proses lebih lanjut"], "oleh": "kadis"}
    )


# -- sessions, CSRF, lock-out ----------------------------------------------------------------------


def test_session_cookie_is_secure_http_only_and_same_site(desk: Desk) -> None:
    client = desk.client()
    first = client.get("/masuk")
    answer = client.post("/masuk", {"nama": "siti", "sandi": PASSWORD}, follow=False)
    assert answer.status == 303
    cookie = next(c for c in answer.cookies if c.startswith("meja_sesi="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite"} <= attributes and "SameSite=Strict" in cookie
    assert cookie.split(";")[0] != next(c for c in first.cookies if c.startswith("meja_sesi=")).split(";")[0], (
        "the session id must change at login"
    )


def test_every_page_asks_for_login_first(desk: Desk) -> None:
    client = desk.client()
    for path in ("/", "/cari?hal=a", "/surat-masuk/baru", "/buat/surat-keluar", "/dokumen/1", "/batch", "/agenda"):
        answer = client.get(path, follow=False)
        assert answer.status == 303 and answer.location.startswith("/masuk"), path
    assert client.post("/surat-masuk/baru", {"hal": "x"}, follow=False).status == 401


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(desk: Desk) -> None:
    clerk = desk.client("siti")
    before = desk.numbers()
    fields = {
        "dari": "Dinas X",
        "nomor": "1/CSRF/2026",
        "tanggal": "2026-11-20",
        "diterima": "2026-11-27",
        "hal": "Uji",
    }
    refused = clerk.post("/surat-masuk/baru", fields, csrf=False)
    assert refused.status == 403 and "CSRF" in refused.plain()
    clerk.csrf = "token-dari-situs-lain"
    assert clerk.post("/surat-masuk/baru", fields).status == 403
    assert desk.numbers() == before
    stranger = desk.client()
    stranger.get("/masuk")
    assert stranger.post("/masuk", {"nama": "siti", "sandi": PASSWORD}, csrf=False).status == 403


def test_five_wrong_passwords_shut_this_address_out_of_the_account(desk: Desk, tmp_path: Path) -> None:
    with Register.open(load_workspace(desk.root)) as reg:
        add_user(reg, "tebak", "Akun Tebakan", ["umum"], PASSWORD)
    client = desk.client()
    wrong = [client.login("tebak", "bukan-sandinya-123") for _ in range(5)]
    assert all(answer.status == 401 and "salah" in answer.plain() for answer in wrong)
    locked = client.login("tebak", PASSWORD)  # the right password, from the address that guessed
    assert locked.status == 401 and locked.plain() == wrong[-1].plain()  # told like a wrong password
    assert client.get("/", follow=False).status == 303  # still not logged in
    deadline = time.monotonic() + 30  # the event is written after the answer went out
    while not [e for e in desk.events("user.locked") if e["username"] == "tebak"] and time.monotonic() < deadline:
        time.sleep(0.05)
    locked_event = [e for e in desk.events("user.locked") if e["username"] == "tebak"][-1]
    assert locked_event["address"] == "127.0.0.1"
    assert "pengguna" not in locked_event  # nobody is logged in: not whoever started the desk


def test_logout_ends_the_session_on_the_server(desk: Desk) -> None:
    clerk = desk.client("siti")
    stolen = clerk.cookie
    out = clerk.post("/keluar", follow=False)
    assert out.status == 303 and any("Max-Age=0" in c for c in out.cookies)
    replay = DeskClient(desk.port)
    replay.cookie = stolen
    assert replay.get("/", follow=False).status == 303


@pytest.mark.parametrize("token", ["none", "wrong", "another sessions"])
def test_logout_without_this_sessions_csrf_token_is_refused_and_the_clerk_stays_logged_in(
    desk: Desk, token: str
) -> None:
    """A page elsewhere must not be able to log a clerk out mid-work (issue 22: the check was droppable)."""
    clerk = desk.client("siti")
    clerk.get("/")
    if token == "wrong":
        clerk.csrf = "token-dari-situs-lain"
    elif token == "another sessions":
        clerk.csrf = desk.client("siti").csrf
    out = clerk.post("/keluar", csrf=token != "none", follow=False)
    assert out.status == 403, out.status
    assert "Formulir keluar kedaluwarsa (token CSRF); muat ulang halaman" in out.plain()
    assert not any("Max-Age=0" in c for c in out.cookies)
    home = clerk.get("/", follow=False)
    assert home.status == 200 and "Selamat bekerja" in home.text


def test_a_deactivated_account_is_shut_out_at_once(desk: Desk) -> None:
    with Register.open(load_workspace(desk.root)) as reg:
        add_user(reg, "cuti", "Pegawai Cuti", ["umum"], PASSWORD)
    clerk = desk.client("cuti")
    with Register.open(load_workspace(desk.root)) as reg:
        deactivate(reg, "cuti")
    assert clerk.get("/").status == 401


def test_login_never_redirects_off_the_desk(desk: Desk) -> None:
    client = desk.client()
    client.get("/masuk?lanjut=//penipu.example/x")
    answer = client.post("/masuk", {"nama": "siti", "sandi": PASSWORD, "lanjut": "//penipu.example/x"}, follow=False)
    assert answer.status == 303 and answer.location == "/"


# -- roles ------------------------------------------------------------------------------------------


def test_each_role_reaches_its_own_pages_and_gets_403_on_anothers(desk: Desk) -> None:
    pages = {
        "/surat-masuk/baru": {"siti", "admin"},
        "/buat/surat-keluar": {"siti", "admin"},
        "/buat/sertifikat-standar": {"rina", "admin"},
        "/buat/spp": {"dewi", "admin"},
        "/agenda": {"siti", "kadis", "admin"},
        "/cari?hal=surat": {"siti", "kadis", "fauzi", "yuni", "rina", "dewi", "admin"},
    }
    clients = {name: desk.client(name) for name in ACCOUNTS}
    for path, allowed in pages.items():
        for name, client in clients.items():
            status = client.get(path).status
            assert status == (200 if name in allowed else 403), f"{name} {path}: {status}"


def test_only_the_head_disposes_and_only_the_addressed_unit_receives(desk: Desk) -> None:
    clerk, head, unit, other = (desk.client(n) for n in ("siti", "kadis", "fauzi", "yuni"))
    doc_id = enter_letter(clerk, "Undangan koordinasi perizinan")
    clerk.get(f"/dokumen/{doc_id}")
    assert (
        clerk.post(f"/dokumen/{doc_id}/disposisi", {"kepada": [UNIT], "harap": ["Arsip"], "oleh": "kadis"}).status
        == 403
    )
    assert other.get(f"/dokumen/{doc_id}").status == 403  # not disposed to anyone yet
    assert dispose(head, doc_id).status == 200
    assert other.get(f"/dokumen/{doc_id}").status == 403  # disposed to another unit
    # 403, not 401: yuni is logged in (401 means no session or an ended one) and bidang may receive,
    # but this letter went to another unit, so she may not open it (open_document: 403 for another's)
    refused = other.post(f"/dokumen/{doc_id}/terima")
    assert refused.status == 403 and "Anda tidak berwenang membuka dokumen ini" in refused.plain()
    unit.get(f"/dokumen/{doc_id}")
    received = unit.post(f"/dokumen/{doc_id}/terima")
    assert received.status == 200 and "diterima oleh Fauzi Pegawai" in received.plain()
    done = unit.post(f"/dokumen/{doc_id}/selesai", {"tindak_lanjut": "Rapat dihadiri"})
    assert "Rapat dihadiri" in done.plain()
    assert [e["pengguna"] for e in desk.events("disposition.recorded") if e["doc_id"] == doc_id] == ["kadis"]
    assert [e["pengguna"] for e in desk.events("disposition.received") if e["doc_id"] == doc_id] == ["fauzi"]


def test_only_the_head_verifies_and_signs_a_draft(desk: Desk) -> None:
    clerk, head, permits = desk.client("siti"), desk.client("kadis"), desk.client("rina")
    doc_id = draft_letter(clerk, "Pemberitahuan jadwal layanan")
    clerk.get(f"/dokumen/{doc_id}")
    assert clerk.post(f"/dokumen/{doc_id}/status", {"status": "verified"}).status == 403
    assert permits.get(f"/dokumen/{doc_id}").status == 403
    head.get(f"/dokumen/{doc_id}")
    assert "sudah diverifikasi" in head.post(f"/dokumen/{doc_id}/status", {"status": "verified"}).plain()
    assert "sudah ditandatangani" in head.post(f"/dokumen/{doc_id}/status", {"status": "signed"}).plain()
    assert (
        head.post(f"/dokumen/{doc_id}/cap", files={"berkas": ("ttd.pdf", pdf_bytes(), "application/pdf")}).status == 403
    )
    moves = [e for e in desk.events("state.changed") if e["doc_id"] == doc_id]
    assert [(e["new"], e["pengguna"]) for e in moves] == [("verified", "kadis"), ("signed", "kadis")]


# -- forms and documents ----------------------------------------------------------------------------


def test_an_invalid_form_consumes_no_number_and_shows_the_error_by_its_field(desk: Desk) -> None:
    officer = desk.client("rina")
    officer.get("/buat/sertifikat-standar")
    before = desk.numbers()
    answer = officer.post("/buat/sertifikat-standar", {"nama_usaha": "CV Maju", "tanggal": "2026-02-30"})
    assert answer.status == 400
    assert re.search(r'id="galat-tanggal"[^>]*>[^<]+', answer.text), answer.plain()[:1500]
    assert 'value="CV Maju"' in answer.text  # what was typed stays in the form
    assert "perlu diperbaiki" in answer.plain()  # a long form says at its top that something below is wrong
    assert desk.numbers() == before


def test_signed_scan_upload_numbers_stamps_and_downloads(desk: Desk) -> None:
    clerk, head = desk.client("siti"), desk.client("kadis")
    doc_id = draft_letter(clerk, "Undangan sosialisasi OSS")
    head.get(f"/dokumen/{doc_id}")
    head.post(f"/dokumen/{doc_id}/status", {"status": "verified"})
    head.post(f"/dokumen/{doc_id}/status", {"status": "signed"})
    clerk.get(f"/dokumen/{doc_id}")
    refused = clerk.post(f"/dokumen/{doc_id}/cap", files={"berkas": ("ttd.pdf", b"%PDF-1.4 rusak", "application/pdf")})
    assert "belum bernomor" in refused.plain()  # the broken PDF is refused; the letter keeps waiting
    stamped = clerk.post(f"/dokumen/{doc_id}/cap", files={"berkas": ("ttd.pdf", pdf_bytes(), "application/pdf")})
    number = re.search(r'id="nomor">([^<]+)<', stamped.text).group(1)
    assert number.startswith("000.1.2/")
    link = re.search(r'href="(/dokumen/\d+/berkas/\d+)" data-peran="pdf"', stamped.text).group(1)
    pdf = clerk.get(link)
    assert pdf.headers["content-type"] == "application/pdf"
    assert number in PdfReader(io.BytesIO(pdf.body)).pages[0].extract_text()


def test_uploads_past_the_limit_or_of_the_wrong_type_are_refused(desk: Desk) -> None:
    clerk = desk.client("siti")
    before = desk.numbers()
    clerk.get("/surat-masuk/baru")
    fields = {
        "dari": "Dinas Y",
        "nomor": "9/BESAR/2026",
        "tanggal": "2026-11-20",
        "diterima": "2026-11-27",
        "hal": "Besar",
    }
    huge = b"%PDF-1.4\n" + b"0" * 22_000_000
    assert (
        clerk.post("/surat-masuk/baru", fields, files={"pindaian": ("besar.pdf", huge, "application/pdf")}).status
        == 413
    )
    exe = clerk.post("/surat-masuk/baru", fields, files={"pindaian": ("surat.exe", b"MZ....", "application/pdf")})
    assert exe.status == 415
    assert desk.numbers() == before


def test_another_documents_file_id_is_not_served(desk: Desk) -> None:
    clerk = desk.client("siti")
    first, second = enter_letter(clerk, "Surat A"), enter_letter(clerk, "Surat B")
    page = clerk.get(f"/dokumen/{second}")
    file_id = re.search(rf'href="/dokumen/{second}/berkas/(\d+)"', page.text).group(1)
    assert clerk.get(f"/dokumen/{first}/berkas/{file_id}").status == 404
    assert clerk.get("/dokumen/99999999").status == 404


def test_search_finds_by_subject_sender_number_and_dates(desk: Desk) -> None:
    clerk = desk.client("siti")
    doc_id = enter_letter(clerk, "Permohonan rekomendasi reklame")
    page = clerk.get(f"/dokumen/{doc_id}")
    agenda = re.search(r'id="nomor">([^<]+)<', page.text).group(1)
    for query in (
        "hal=reklame+permohonan",
        "pengirim=lingkungan",
        f"nomor={agenda}",
        "dari=2026-11-27&sampai=2026-11-27",
    ):
        assert f'href="/dokumen/{doc_id}"' in clerk.get(f"/cari?{query}").text, query
    assert f'href="/dokumen/{doc_id}"' not in clerk.get("/cari?hal=reklame&sampai=2026-11-26").text
    assert "setelah" in clerk.get("/cari?dari=2026-12-01&sampai=2026-11-01").plain()


def test_the_agenda_book_downloads_as_a_spreadsheet(desk: Desk) -> None:
    clerk = desk.client("siti")
    enter_letter(clerk, "Surat untuk buku agenda")
    book = clerk.get("/agenda")
    assert book.status == 200
    sheet = load_workbook(io.BytesIO(book.body)).active
    assert any("Surat untuk buku agenda" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_a_batch_upload_runs_and_reports_its_progress(desk: Desk) -> None:
    clerk = desk.client("siti")
    today = time.strftime("%Y-%m-%d")
    rows = ["tanggal,hal,kepada,isi,penandatangan.pejabat,kka"]
    rows += [f"{today},Undangan batch {i},Kepala Dinas {i},Isi surat {i},kadis,000.1.2" for i in range(3)]
    clerk.get("/batch")
    started = clerk.post(
        "/batch", {"jenis": "surat-keluar"}, files={"lembar": ("daftar.csv", "\n".join(rows).encode(), "text/csv")}
    )
    job = re.search(r'data-status="(/batch/[^"]+/status)"', started.text).group(1)
    deadline = time.monotonic() + 120
    while (status := json.loads(clerk.get(job).body))["state"] == "berjalan" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert status["state"] == "selesai" and status["done"] == status["total"] == 3, status
    assert status["report"], "the batch report is offered for download"
    # 404, not 403: rina may run batches of her own kinds, and another's job is hidden as if absent
    for path in (job, job.removesuffix("/status")):
        hidden = desk.client("rina").get(path)
        assert hidden.status == 404 and "Batch ini tidak ada" in hidden.plain(), (path, hidden.status)
    # 403 is for a role refusal: the head runs no batches at all
    refused = desk.client("kadis").get(job)
    assert refused.status == 403 and "tidak berwenang" in refused.plain()


def test_the_public_server_has_no_desk_pages(tmp_path: Path, desk: Desk) -> None:
    from docgen.web.app import create_app

    routes = {getattr(r, "path", "") for r in create_app(load_workspace(desk.root)).app.routes}
    assert not {"/masuk", "/keluar", "/", "/cari", "/batch"} & routes


def test_a_rahasia_letter_stays_with_umum_pimpinan_and_its_unit(desk: Desk) -> None:
    clerk, unit = desk.client("siti"), desk.client("fauzi")
    clerk.get("/buat/surat-keluar")
    answer = clerk.post("/buat/surat-keluar", {"tanggal": time.strftime("%Y-%m-%d"), "hal": "Hasil audit internal",
                        "sifat": "Rahasia", "kepada": "Inspektorat", "isi": "Isi rahasia.",
                        "penandatangan.pejabat": "kadis", "kka": "000.1.2"})  # fmt: skip
    secret = doc_id_of(answer)
    open_letter = draft_letter(clerk, "Jadwal pelayanan keliling")
    assert unit.get(f"/dokumen/{open_letter}").status == 200  # a bidang reads the office's ordinary letters
    assert unit.get(f"/dokumen/{secret}").status == 403
    assert "Hasil audit internal" not in unit.get("/cari?hal=audit").text
    assert desk.client("kadis").get(f"/dokumen/{secret}").status == 200


def test_search_results_come_a_page_at_a_time(desk: Desk) -> None:
    clerk = desk.client("siti")
    with Register.open(load_workspace(desk.root)) as reg:
        total = int(reg.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    for i in range(max(0, 51 - total)):
        enter_letter(clerk, f"Surat penghitung halaman {i}")
    first = clerk.get("/cari?jenis=&dari=2000-01-01")
    assert first.text.count('<tr><td><a href="/dokumen/') == 50
    following = re.search(r'href="([^"]+)" id="berikutnya"', first.text).group(1).replace("&amp;", "&")
    second = clerk.get(following)
    assert second.status == 200 and "Halaman 2 dari" in second.plain()
    assert not set(re.findall(r'href="/dokumen/(\d+)"', first.text)) & set(
        re.findall(r'href="/dokumen/(\d+)"', second.text)
    )


def test_a_signed_draft_is_numbered_by_umum_like_docgen_number(desk: Desk) -> None:
    clerk, head = desk.client("siti"), desk.client("kadis")
    doc_id = draft_letter(clerk, "Permintaan data realisasi investasi")
    clerk.get(f"/dokumen/{doc_id}")
    early = clerk.post(f"/dokumen/{doc_id}/nomor")
    assert "belum bernomor" in early.plain()  # a draft not yet signed keeps waiting, no number taken
    head.get(f"/dokumen/{doc_id}")
    head.post(f"/dokumen/{doc_id}/status", {"status": "verified"})
    head.post(f"/dokumen/{doc_id}/status", {"status": "signed"})
    assert head.post(f"/dokumen/{doc_id}/nomor").status == 403
    before = desk.numbers()
    numbered = clerk.post(f"/dokumen/{doc_id}/nomor")
    number = re.search(r'id="nomor">([^<]+)<', numbered.text).group(1)
    assert desk.numbers() == before + 1 and number.startswith("000.1.2/")
    link = re.findall(r'href="(/dokumen/\d+/berkas/\d+)" data-peran="docx"', numbered.text)[-1]
    docx = clerk.get(link)
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(docx.body)) as parts:
        assert number in parts.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_desk_works_the_same_on_a_postgresql_register(tmp_path: Path, make_workspace) -> None:
    ws = make_workspace(tmp_path / "ws")
    with Register.open(ws) as reg:
        for username in ("siti", "kadis", "fauzi"):
            roles, unit = ACCOUNTS[username]
            add_user(reg, username, f"{username.title()} Pegawai", roles, PASSWORD, unit=unit)
    server = start_desk(ws.root, tmp_path / "meja.log")
    try:
        clerk, head, unit = (server.client(n) for n in ("siti", "kadis", "fauzi"))
        doc_id = enter_letter(clerk, "Surat di register bersama")
        assert dispose(head, doc_id).status == 200
        unit.get(f"/dokumen/{doc_id}")
        assert "diterima oleh" in unit.post(f"/dokumen/{doc_id}/terima").plain()
        who = [(e["pengguna"]) for e in server.events("disposition.received") + server.events("document.created")]
        assert who == ["fauzi", "siti"]
    finally:
        server.proc.terminate()
        server.proc.wait(10)


def test_a_command_names_the_account_that_ran_it_in_its_events(tmp_path: Path, letter: dict) -> None:
    import getpass
    import socket

    import yaml

    ws = create_workspace(tmp_path / "ws")
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter | {"tanggal": time.strftime("%Y-%m-%d")}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    made = subprocess.run([DOCGEN, "--workspace", str(ws.root), "new", "surat-keluar", "--data", str(request)],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    with Register.open(ws) as reg:
        details = [json.loads(r["detail"]) for r in reg.conn.execute("SELECT detail FROM events")]
    assert details and {d.get("pengguna") for d in details} == {
        f"{getpass.getuser()}@{socket.gethostname()} (perintah)"
    }


def _failures(ws) -> dict[str, int]:
    with Register.open(ws) as reg:
        return dict(reg.conn.execute("SELECT username, failed FROM users").fetchall())


def test_one_address_guessing_is_refused_before_it_locks_the_office_out(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws")
    with Register.open(ws) as reg:
        for username in ("satu", "dua", "tiga"):
            add_user(reg, username, "Pegawai", ["umum"], PASSWORD)
    configure(ws.root, {"logins_per_minute": 1000, "failed_logins_per_hour": 4})
    server = start_desk(ws.root, tmp_path / "meja.log")
    try:
        guesser = DeskClient(server.port)
        answers = [guesser.login(name, "tebakan-yang-salah") for name in ("satu", "dua", "tiga", "satu", "dua")]
        assert [a.status for a in answers] == [401, 401, 401, 401, 429]
        assert "Terlalu banyak percobaan" in answers[-1].plain()
        assert DeskClient(server.port).login("tiga", PASSWORD).status == 429  # this address waits, whoever types
        expected = {"satu": 2, "dua": 1, "tiga": 1}  # the fifth guess never reached an account
        deadline = time.monotonic() + 15  # a failure is counted after its answer went out (same timing for all)
        while (failed := _failures(ws)) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert failed == expected
    finally:
        server.proc.terminate()
        server.proc.wait(10)


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(desk: Desk) -> None:
    from docgen.register.users import update_user

    with Register.open(load_workspace(desk.root)) as reg:
        add_user(reg, "gantisandi", "Pegawai Baru", ["umum"], PASSWORD)
    clerk = desk.client("gantisandi")
    with Register.open(load_workspace(desk.root)) as reg:
        update_user(reg, "gantisandi", password="sandi-baru-yang-panjang")
    assert clerk.get("/").status == 401
    assert clerk.get("/", follow=False).status == 303  # the session is gone: log in again


def test_behind_the_https_front_the_secure_cookie_is_set_and_plain_http_is_told(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws")
    with Register.open(ws) as reg:
        add_user(reg, "siti", "Siti Pegawai", ["umum"], PASSWORD)
    configure(ws.root, {"desk.trusted_proxies": '["127.0.0.1"]'})
    server = start_desk(ws.root, tmp_path / "meja.log")
    try:
        for proto, status in (("https", 303), ("http", 400)):
            client = DeskClient(server.port)
            client.get("/masuk")
            body = urlencode({"nama": "siti", "sandi": PASSWORD, "csrf": client.csrf}).encode()
            headers = {"Host": "meja.dpmptsp.local", "X-Forwarded-Proto": proto,
                       "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
            answer = client.request("POST", "/masuk", body, headers)
            assert answer.status == status, answer.plain()[:300]
            if status == 400:
                assert "https" in answer.plain() and "cookie_secure" in answer.plain()
            else:
                assert any("Secure" in c for c in answer.cookies)
    finally:
        server.proc.terminate()
        server.proc.wait(10)
