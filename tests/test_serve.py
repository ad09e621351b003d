"""``docgen serve`` as a visitor meets it: the real server on loopback, spoken to over HTTP (issue 13).

Every server here is the CLI in a subprocess, on a copy of one workspace made once for the
module (two certificates, the second voided, and a Rahasia letter) with the [verification]
settings the test is about. Nothing calls the application in-process: what is checked is what
a phone that scanned the QR code, or another office's system, receives.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from conftest import VERIFY_BASE, RawRegister, configure, drop_database, without_docgen_env

from docgen.kinds import get_kind
from docgen.pipeline import Result, create_workspace, generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register
from docgen.text import tanggal

DOCGEN = str(Path(sys.executable).parent / "docgen")
BASE = urlsplit(VERIFY_BASE).path.rstrip("/")  # "/verifikasi": the path the printed QR codes carry
UNLIMITED = {"requests_per_minute": "1000000", "unknown_per_hour": "1000000"}
VOID_REASON = "Nama usaha salah tulis pada sertifikat (catatan internal 7741)"
SECRET_SUBJECT = "Pemeriksaan khusus atas pengaduan perizinan nomor 0931"
VOIDED_AT = "2026-11-27T23:30:00+00:00"  # 06:30 WIB on 28 November: the office's day is the 28th
VOID_DAY = "28 November 2026"
UNKNOWN_TOKEN = "abcdefghijklmnopqrstuvwx"  # shaped like a token, issued to nobody
TEN_KB_TOKEN = "a" * 10 * 1024
MALFORMED = [
    "ABC",
    TEN_KB_TOKEN,
    "..",
    "'; DROP TABLE documents; --",
    "<script>alert(1)</script>",
    "a/b",
    "../../etc/passwd",
    "\x00",
    "tókén-dengan-huruf-lain",
    "a" * 23,
    "a" * 25,
    "abcdefghijklmnopqrstuvw1",  # 1 is not in the base32 alphabet
]
FAILED = "Maaf, pemeriksaan sedang tidak dapat dilakukan; coba lagi nanti"


# -- the documents, made once ----------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    token: str
    number: str
    pdf: Path | None
    shown: dict[str, str]  # the public fields the page must show, label -> value
    secrets: tuple[str, ...]  # register values about this document no answer may contain


@dataclass(frozen=True)
class Books:
    root: Path  # the pristine workspace; never served itself, only copied
    genuine: Doc
    void: Doc
    secret: Doc


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def _doc(ws: Workspace, made: Result) -> Doc:
    """What the register holds about ``made`` and which of it the page may show."""
    with Register.open(ws) as reg:
        row = reg.conn.execute("SELECT * FROM documents WHERE id = ?", (made.id,)).fetchone()
    assert made.number
    shown = {
        "Nomor": made.number,
        "Jenis": get_kind(row["kind"]).title,
        "Tanggal": tanggal(date.fromisoformat(row["doc_date"])),
        "Penandatangan": row["signer"],
        "Kantor": ws.profile.verification.office,
    }
    if row["sifat"] != "Rahasia":
        shown["Hal"] = row["subject"]
    private = [row["addressee"], row["kka"], *_leaves(json.loads(row["request_json"]))]
    if row["sifat"] == "Rahasia":
        private.append(row["subject"])
    # a value that is part of a public one (the kka inside a letter's number) is not a secret; a
    # single plain word ("berkas", "kecil") is one the page may well say for its own reasons
    distinct = [s for s in private if s and len(s) >= 6 and (" " in s or any(c.isdigit() for c in s))]
    secrets = {s for s in distinct if not any(s in v for v in shown.values())}
    pdf = ws.root / made.path if made.path.endswith(".pdf") else None
    return Doc(row["token"], made.number, pdf, shown, tuple(sorted(secrets)))


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    env = without_docgen_env()
    try:
        ws = create_workspace(tmp_path_factory.mktemp("serve") / "ws")
        certificate = get_kind("sertifikat-standar").dated_example()
        genuine = generate(ws, "sertifikat-standar", certificate)
        voided = generate(ws, "sertifikat-standar", certificate | {"nomor": certificate["nib"] + "0002"})
        letter = get_kind("surat-keluar").dated_example() | {"sifat": "Rahasia", "hal": SECRET_SUBJECT}
        secret = generate(ws, "surat-keluar", letter)
        assert voided.number
        with Register.open(ws) as reg:
            reg.void_number(voided.number, reason=VOID_REASON)
        with RawRegister(ws) as raw:  # voided early in the morning, WIB: the previous day in UTC
            raw.execute("UPDATE numbers SET voided_at = ? WHERE number = ?", (VOIDED_AT, voided.number))
            # OSS's number is given, not drawn: its document's last change is when it was voided
            raw.execute("UPDATE documents SET updated_at = ? WHERE id = ?", (VOIDED_AT, voided.id))
        void = _doc(ws, voided)
        void = Doc(void.token, void.number, void.pdf, void.shown, (*void.secrets, VOID_REASON))
        yield Books(ws.root, _doc(ws, genuine), void, _doc(ws, secret))
    finally:
        env.undo()


# -- a running server and what it answered ----------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict[str, Any]:
        assert self.headers["content-type"] == "application/json", self.headers["content-type"]
        return json.loads(self.body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_of(books: Books, where: Path, settings: dict[str, str]) -> Path:
    root = where / "ws"
    shutil.copytree(books.root, root)
    configure(root, settings)
    return root


@dataclass
class Server:
    """``docgen serve`` on a free loopback port for the workspace at ``root``."""

    root: Path
    port: int = field(default_factory=free_port)
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tmp = self.root.parent / "server-tmp"  # where a form parser would spool an upload
        self.tmp.mkdir(exist_ok=True)
        self.log = self.root.parent / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
        env |= {"DOCGEN_WORKSPACE": str(self.root), "TMPDIR": str(self.tmp), "TZ": "Asia/Jakarta"}
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [DOCGEN, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                cwd=self.root.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"docgen serve ended ({self.proc.returncode}):\n{self.log.read_text()}")
            try:
                if self._exchange("GET", f"{BASE}/", None, {}).status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"docgen serve did not answer within 30 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        return self.record(self._exchange(method, path, body, headers or {}))

    def record(self, answer: Answer) -> Answer:
        self.answers.append(answer)
        assert_safe(answer, self.root)
        return answer

    def page(self, token: str, **headers: str) -> Answer:
        return self.call("GET", f"{BASE}/{quote(token, safe='')}", headers=headers)

    def api(self, token: str) -> Answer:
        return self.call("GET", f"/api{BASE}/{quote(token, safe='')}")

    def upload(self, token: str, data: bytes, *, api: bool = False, raw: bool = False, mime: str = "") -> Answer:
        """The page's form (field ``berkas``), or with ``raw`` the file itself as the request body."""
        path = f"{'/api' if api else ''}{BASE}/{quote(token, safe='')}"
        if raw:
            return self.call("POST", path, data, {"content-type": mime or "application/pdf"})
        body, content_type = form(data, mime=mime or "application/pdf")
        return self.call("POST", path, body, {"content-type": content_type})

    def upload_large(self, path: str, content_type: str, head: bytes, size: int, tail: bytes) -> Answer:
        """Send ``head``, ``size`` bytes and ``tail`` as one body, stopping once the server answers."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("POST", path)
            conn.putheader("content-type", content_type)
            conn.putheader("content-length", str(len(head) + size + len(tail)))
            conn.endheaders()
            chunk = b"\0" * (1 << 16)
            pieces = [head, *[chunk] * (size // len(chunk)), chunk[: size % len(chunk)], tail]
            try:
                for piece in pieces:
                    if select.select([conn.sock], [], [], 0)[0]:
                        break  # the answer is there before the upload ended
                    conn.sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server stopped reading and closed: its answer is still to be read
            response = conn.getresponse()
            return self.record(Answer(response.status, response.headers, response.read()))
        finally:
            conn.close()


def form_parts(*, mime: str = "application/pdf", name: str = "berkas") -> tuple[bytes, bytes, str]:
    """What comes before and after the file in a multipart/form-data body, and its content type."""
    boundary = "----docgen-test-7d2f1c"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="surat.pdf"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    )
    return head.encode(), f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def form(data: bytes, *, mime: str = "application/pdf", name: str = "berkas") -> tuple[bytes, str]:
    """The body a browser sends for the page's upload form, and its content type."""
    head, tail, content_type = form_parts(mime=mime, name=name)
    return head + data + tail, content_type


def assert_safe(answer: Answer, root: Path) -> None:
    """No trace of the server's insides in the body, and the security headers on the answer."""
    text = answer.body.decode("utf-8", "replace")
    for trace in ("Traceback", 'File "/', '.py"', str(root.parent), "sqlite", "psycopg", "postgresql://"):
        assert trace not in text, f"answer {answer.status} contains {trace!r}:\n{text[:2000]}"
    csp = answer.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, csp
    assert answer.headers.get("x-content-type-options") == "nosniff"


def shown(answer: Answer) -> dict[str, Any]:
    """What the page says: its status and its list of fields (label -> value)."""
    status = re.search(r'id="status">([^<]*)<', answer.text)
    assert status, answer.text
    fields = {html.unescape(k): html.unescape(v) for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", answer.text)}
    return {"status": html.unescape(status.group(1)), "fields": fields}


def said(answer: Answer) -> dict[str, Any]:
    """What the JSON says, in the page's terms."""
    body = answer.json()
    assert set(body) <= {"status", "keterangan", "data", "dibatalkan", "alasan", "berkas", "ditolak"}, body
    fields = dict(body.get("data", {}))
    fields |= {"Dibatalkan": body["dibatalkan"]} if "dibatalkan" in body else {}
    fields |= {"Alasan": body["alasan"]} if "alasan" in body else {}
    return {"status": body["status"], "fields": fields}


def verdict(answer: Answer) -> str:
    found = re.search(r'id="berkas"><strong>([A-Z]+)</strong>', answer.text)
    assert found, answer.text
    return found.group(1)


def started(books: Books, where: Path, **settings: str) -> Server:
    return Server(copy_of(books, where, UNLIMITED | settings))


@pytest.fixture(scope="module")
def server(books: Books, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The module's server: the shipped profile without rate limits in the way."""
    running = started(books, tmp_path_factory.mktemp("main"))
    yield running
    running.stop()


# -- what a token is answered ------------------------------------------------------------------------


def test_qr_path_answers_a_genuine_document_asli_with_its_public_fields(server: Server, books: Books) -> None:
    answer = server.page(books.genuine.token)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert shown(answer) == {"status": "ASLI", "fields": books.genuine.shown}
    assert 'name="viewport" content="width=device-width' in answer.text  # the QR is scanned with a phone
    assert "<script" not in answer.text.lower()
    assert f'action="{BASE}/{books.genuine.token}"' in answer.text  # the upload form
    assert "DINAS PENANAMAN MODAL" in answer.text and f'src="{BASE}/lambang.png"' in answer.text


def test_void_document_is_batal_with_the_office_day_and_without_the_reason(server: Server, books: Books) -> None:
    for answer, what in ((server.page(books.void.token), shown), (server.api(books.void.token), said)):
        assert answer.status == 200
        assert what(answer) == {"status": "BATAL", "fields": books.void.shown | {"Dibatalkan": VOID_DAY}}
        assert VOID_REASON not in answer.text and "Alasan" not in answer.text


def test_void_reason_is_shown_when_the_profile_makes_it_public(books: Books, tmp_path: Path) -> None:
    public = started(books, tmp_path, public_void_reason="true")
    try:
        page, api = public.page(books.void.token), public.api(books.void.token)
        genuine = public.api(books.genuine.token)
    finally:
        public.stop()
    expected = books.void.shown | {"Dibatalkan": VOID_DAY, "Alasan": VOID_REASON}
    assert shown(page) == said(api) == {"status": "BATAL", "fields": expected}
    assert "alasan" not in genuine.json()


def test_subject_of_a_rahasia_letter_is_never_shown(server: Server, books: Books) -> None:
    assert books.genuine.pdf
    answers = [
        server.page(books.secret.token),
        server.api(books.secret.token),
        server.upload(books.secret.token, books.genuine.pdf.read_bytes()),
        server.upload(books.secret.token, books.genuine.pdf.read_bytes(), api=True, raw=True),
    ]
    assert shown(answers[0]) == {"status": "ASLI", "fields": books.secret.shown}
    assert "Hal" not in books.secret.shown and books.secret.shown["Nomor"] == books.secret.number
    for answer in answers:
        assert answer.status == 200
        assert SECRET_SUBJECT not in answer.text and "<dt>Hal</dt>" not in answer.text
        assert '"Hal"' not in answer.text


def test_unknown_token_is_tidak_dikenal_with_nothing_else(server: Server) -> None:
    page, api = server.page(UNKNOWN_TOKEN), server.api(UNKNOWN_TOKEN)
    assert page.status == api.status == 404
    assert shown(page) == said(api) == {"status": "TIDAK DIKENAL", "fields": {}}
    assert UNKNOWN_TOKEN not in page.text and "<form" not in page.text  # nothing to compare a file with


def test_malformed_and_10_kb_tokens_are_answered_exactly_like_an_unknown_one(server: Server, books: Books) -> None:
    unknown_page, unknown_api = server.page(UNKNOWN_TOKEN), server.api(UNKNOWN_TOKEN)
    assert unknown_page.status == unknown_api.status == 404
    near_misses = [books.genuine.token.upper(), books.genuine.token + "a", books.genuine.token[:-1]]
    for token in [*MALFORMED, *near_misses]:
        page, api = server.page(token), server.api(token)
        assert (page.status, page.body) == (unknown_page.status, unknown_page.body), token[:40]
        assert page.headers["content-type"] == unknown_page.headers["content-type"]
        assert (api.status, api.body) == (unknown_api.status, unknown_api.body), token[:40]
        assert books.genuine.number not in page.text
        posted = server.upload(token, b"%PDF-1.7\n")
        assert (posted.status, posted.body) == (unknown_page.status, unknown_page.body), token[:40]


def test_api_gives_the_same_status_and_fields_as_the_page(server: Server, books: Books) -> None:
    for token in [books.genuine.token, books.void.token, books.secret.token, UNKNOWN_TOKEN, "ABC"]:
        page, api = server.page(token), server.api(token)
        assert page.status == api.status, token
        assert shown(page) == said(api), token
        assert api.json()["keterangan"] in page.text


def test_only_public_fields_leave_the_register(server: Server, books: Books) -> None:
    genuine_pdf = books.genuine.pdf
    assert genuine_pdf
    # the test can fail: the register does hold private values about each document
    # (the NIB is printed inside OSS's certificate number, so it is public; the ID proyek is not)
    assert "R-202611281045123450001" in books.genuine.secrets and "500.16.7.2" in books.genuine.secrets
    assert SECRET_SUBJECT in books.secret.secrets and VOID_REASON in books.void.secrets
    for doc in (books.genuine, books.void, books.secret):
        answers = [
            server.page(doc.token),
            server.api(doc.token),
            server.upload(doc.token, genuine_pdf.read_bytes()),
            server.upload(doc.token, genuine_pdf.read_bytes(), api=True, raw=True),
        ]
        for answer in answers:
            assert answer.status == 200
            leaked = [secret for secret in doc.secrets if secret in html.unescape(answer.text)]
            assert not leaked, f"{doc.number}: {leaked}"
            leaked = [s for s in doc.secrets if json.dumps(s)[1:-1] in answer.text]  # as JSON escapes them
            assert not leaked, f"{doc.number}: {leaked}"


# -- uploads ---------------------------------------------------------------------------------------


def test_upload_of_the_issued_file_is_sama(server: Server, books: Books) -> None:
    assert books.genuine.pdf
    data = books.genuine.pdf.read_bytes()
    page = server.upload(books.genuine.token, data)
    assert page.status == 200 and verdict(page) == "SAMA"
    assert shown(page) == {"status": "ASLI", "fields": books.genuine.shown}
    for raw in (True, False):  # the file as the body, and the page's form sent to the API
        api = server.upload(books.genuine.token, data, api=True, raw=raw)
        assert api.status == 200
        assert api.json()["berkas"]["hasil"] == "SAMA" and api.json()["status"] == "ASLI"


def test_upload_with_one_byte_changed_is_diubah(server: Server, books: Books) -> None:
    assert books.genuine.pdf
    data = bytearray(books.genuine.pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    assert hashlib.sha256(data).digest() != hashlib.sha256(books.genuine.pdf.read_bytes()).digest()
    page = server.upload(books.genuine.token, bytes(data))
    assert page.status == 200 and verdict(page) == "DIUBAH"
    assert "TIDAK sama" in page.text
    api = server.upload(books.genuine.token, bytes(data), api=True, raw=True)
    assert api.status == 200 and api.json()["berkas"]["hasil"] == "DIUBAH"


def test_issued_file_of_another_document_is_named_by_its_number(server: Server, books: Books) -> None:
    assert books.genuine.pdf
    page = server.upload(books.void.token, books.genuine.pdf.read_bytes())
    assert page.status == 200 and verdict(page) == "LAIN"
    assert books.genuine.number in page.text
    assert shown(page)["status"] == "BATAL"  # still the answer for the token asked about


def test_upload_that_is_not_a_pdf_is_refused_with_415(server: Server, books: Books) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
    answers = [
        server.upload(books.genuine.token, b"Ini surat, sungguh.\n", mime="text/plain"),
        server.upload(books.genuine.token, png),  # claims to be a PDF; its bytes say otherwise
        server.upload(books.genuine.token, png, api=True, raw=True),
        server.upload(books.genuine.token, b"%PDF-1.7", api=True, raw=True, mime="text/plain"),
    ]
    for answer in answers:
        assert answer.status == 415, answer.text
    assert "bukan PDF" in answers[0].text and "SAMA" not in answers[0].text
    assert "bukan PDF" in answers[2].json()["ditolak"]


def test_upload_over_the_limit_is_refused_413_and_nothing_is_stored(server: Server, books: Books) -> None:
    size = 25 * 1024 * 1024
    head, tail, content_type = form_parts()
    page = server.upload_large(f"{BASE}/{books.genuine.token}", content_type, head + b"%PDF-1.7\n", size, tail)
    assert page.status == 413
    assert "20 MB" in page.text
    api = server.upload_large(f"/api{BASE}/{books.genuine.token}", "application/pdf", b"%PDF-1.7\n", size, b"")
    assert api.status == 413 and "20 MB" in api.json()["ditolak"]
    assert list(server.tmp.iterdir()) == [], "an upload was written to the server's temporary folder"
    assert server.page(books.genuine.token).status == 200  # and the server is still answering


# -- limits, errors, headers --------------------------------------------------------------------------


def test_rate_limit_answers_429_per_address(books: Books, tmp_path: Path) -> None:
    limited = started(books, tmp_path, requests_per_minute="5")
    try:
        first = [limited.page(books.genuine.token) for _ in range(3)] + [limited.api(books.genuine.token)]
        first.append(limited.api(books.void.token))
        refused = [
            limited.page(books.genuine.token),
            limited.api(books.genuine.token),
            limited.upload(books.genuine.token, b"%PDF-1.7\n"),
            limited.page(books.genuine.token, **{"x-forwarded-for": "203.0.113.9"}),  # not a trusted proxy
        ]
    finally:
        limited.stop()
    assert [a.status for a in first] == [200] * 5
    assert [a.status for a in refused] == [429] * 4
    for answer in refused:
        assert answer.headers["retry-after"] == "60"
        assert books.genuine.number not in answer.text and "Terlalu banyak permintaan" in answer.text
    assert refused[1].json()["status"] == "DITOLAK"


def test_unknown_tokens_are_counted_and_refused_429_beyond_the_hourly_budget(books: Books, tmp_path: Path) -> None:
    limited = started(books, tmp_path, unknown_per_hour="3")
    try:
        before = limited.page(books.genuine.token)
        guesses = [limited.page(UNKNOWN_TOKEN), limited.api("ABC"), limited.page(TEN_KB_TOKEN)]
        after = [limited.page(books.genuine.token), limited.api(books.genuine.token), limited.page(UNKNOWN_TOKEN)]
    finally:
        limited.stop()
    assert before.status == 200
    assert [a.status for a in guesses] == [404] * 3
    assert [a.status for a in after] == [429] * 3
    assert books.genuine.number not in after[0].text


def test_hostile_requests_get_one_line_answers_and_no_answer_ever_carried_a_trace(server: Server, books: Books) -> None:
    token_path = f"{BASE}/{books.genuine.token}"
    multipart = "multipart/form-data; boundary=xyz"
    hostile = [
        ("POST", token_path, b"--xyz\r\nthis is not a form", {"content-type": multipart}, 400),
        ("POST", token_path, form(b"%PDF-1.7\n", name="lain")[0], {"content-type": form(b"")[1]}, 400),
        ("POST", token_path, b"%PDF-1.7\n", {"content-type": "multipart/form-data"}, 415),
        ("POST", token_path, b"%PDF-1.7\n", {}, 415),
        ("POST", f"/api{token_path}", b"", {"content-type": "application/pdf"}, 415),
        ("PUT", token_path, b"%PDF-1.7\n", {"content-type": "application/pdf"}, 405),
        ("DELETE", f"/api{token_path}", None, {}, 405),
        ("GET", "/etc/passwd", None, {}, 404),
        ("GET", f"{BASE}/../../etc/passwd", None, {}, 404),
        ("GET", f"/api{BASE}/", None, {}, 404),
        ("GET", f"{BASE}/a%2Fb", None, {}, 404),
        ("GET", f"{BASE}/{books.genuine.token}?debug=1&token[]=x", None, {}, 200),
    ]
    for method, path, body, headers, status in hostile:
        answer = server.call(method, path, body, headers)
        assert answer.status == status, (method, path, answer.status, answer.text[:300])
        assert len(answer.text.strip().splitlines()) == 1 or answer.headers["content-type"].startswith("text/html")
    head = server.call("HEAD", token_path)
    assert head.status == 200 and head.body == b""
    assert len(server.answers) >= len(hostile)
    for answer in server.answers:  # every body this module's server sent, in this test and before it
        assert_safe(answer, server.root)
        assert answer.status < 500, answer.text


def test_security_headers_on_pages_api_and_stylesheet(server: Server, books: Books) -> None:
    answers = [server.page(books.genuine.token), server.api(books.genuine.token)]
    answers += [server.call("GET", f"{BASE}/gaya.css"), server.call("GET", "/tidak-ada")]
    for answer in answers:  # assert_safe checked CSP and nosniff on each already
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert len(answer.headers.get_all("cache-control") or []) == 1, answer.headers.get_all("cache-control")
    assert answers[0].headers["cache-control"] == "no-store"
    assert answers[2].headers["content-type"].startswith("text/css")
    assert "max-age" in answers[2].headers["cache-control"]  # the stylesheet may be kept; answers not


# -- the register: read, never written -----------------------------------------------------------------


def _register_state(ws: Path) -> tuple[str, int, int, int]:
    path = load_workspace(ws, env={}).register_path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stat = path.stat()
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        conn.close()
    return digest, stat.st_mtime_ns, stat.st_size, events


def test_register_is_only_read_while_serving(books: Books, tmp_path: Path) -> None:
    root = copy_of(books, tmp_path, UNLIMITED)
    before = _register_state(root)
    running = Server(root)
    assert books.genuine.pdf
    data = books.genuine.pdf.read_bytes()
    try:
        statuses = [
            running.page(books.genuine.token).status,
            running.api(books.void.token).status,
            running.page(books.secret.token).status,
            running.page(UNKNOWN_TOKEN).status,
            running.api(TEN_KB_TOKEN).status,
            running.upload(books.genuine.token, data).status,
            running.upload(books.genuine.token, data[:-1] + b"\n", api=True, raw=True).status,
        ]
    finally:
        running.stop()
    assert statuses == [200, 200, 200, 404, 404, 200, 200]
    assert _register_state(root) == before
    wal = Path(f"{load_workspace(root, env={}).register_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the server wrote to the register's WAL"


def test_serve_without_a_register_refuses_to_start_with_one_galat_line(books: Books, tmp_path: Path) -> None:
    root = copy_of(books, tmp_path, {})
    register = load_workspace(root, env={}).register_path
    register.unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")} | {"DOCGEN_WORKSPACE": str(root)}
    done = subprocess.run(
        [DOCGEN, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Galat: "), done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "tak terduga" not in lines[0]
    assert not register.exists(), "serve created a register"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_register_is_read_and_a_lost_one_is_answered_500_in_one_line(
    tmp_path: Path, make_workspace: Any
) -> None:
    ws = make_workspace(tmp_path / "ws")
    made = generate(ws, "sertifikat-standar", get_kind("sertifikat-standar").dated_example())
    with RawRegister(ws) as raw:
        token = raw.one("SELECT token FROM documents WHERE id = ?", (made.id,))
        events = raw.one("SELECT COUNT(*) FROM events")
    running = Server(ws.root)
    try:
        genuine = running.page(token)
        with RawRegister(ws) as raw:
            assert raw.one("SELECT COUNT(*) FROM events") == events
        drop_database(ws.profile.books.url.rsplit("/", 1)[1])  # the register goes away under the server
        lost = [running.page(token), running.api(token)]
    finally:
        running.stop()
    assert genuine.status == 200 and shown(genuine)["status"] == "ASLI"
    for answer in lost:
        assert answer.status == 500
        assert answer.text == FAILED
