"""The public page (``docgen serve``) under hostile uploads: bounded memory whatever the body's shape (issue 21).

The server is the real CLI in a subprocess (test_serve's workspace); its memory is read from
``/proc/<pid>/status`` before and after the attack. The property test drives the upload reader
itself with generated multipart shapes, cut into chunks at arbitrary places.
"""

from __future__ import annotations

import asyncio
import http.client
import select
import threading
import tracemalloc
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_serve import BASE, Books, Server, books, form_parts, started  # noqa: F401  (books: the fixture)

from docgen.web.guard import Refused
from docgen.web.upload import MAX_PARTS, hash_upload

MB = 1_000_000
#: An idle server here holds about 70-90 MB. Each refused body is read through the parser's own
#: 64 KB buffers and dropped, so four at once may add the buffers and allocator slack of four
#: requests; 40 MB is twice the size of ONE body, so buffering any body (or keeping an object per
#: part, 0.8 GB per body before the fix) cannot pass.
RSS_GROWTH_BOUND_KB = 40_000


def rss_kb(pid: int) -> int:
    """The resident memory of process ``pid`` in kB, as the kernel reports it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def empty_parts(boundary: bytes, size: int) -> bytes:
    """A multipart body of about ``size`` bytes made of nothing but empty parts (9 bytes each)."""
    one = b"\r\n--" + boundary + b"\r\n\r\n"
    return b"--" + boundary + b"\r\n\r\n" + one * (size // len(one)) + b"\r\n--" + boundary + b"--\r\n"


@dataclass
class Reply:
    status: int
    text: str


def post(
    port: int, path: str, content_type: str, pieces: Iterable[bytes], length: int, headers: dict[str, str] | None = None
) -> Reply:
    """POST ``pieces`` as one body of ``length`` bytes, each piece its own send; stop once answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("content-type", content_type)
        conn.putheader("content-length", str(length))
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        try:
            for piece in pieces:
                if select.select([conn.sock], [], [], 0)[0]:
                    break  # the answer came before the body ended
                conn.sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = conn.getresponse()
        return Reply(response.status, response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def attack(
    pid: int, port: int, path: str, body: bytes, headers: dict[str, str] | None = None, clients: int = 4
) -> tuple[list[Reply], int, int]:
    """``clients`` concurrent POSTs of ``body`` (multipart, boundary ``b``); the replies and the
    server's RSS in kB before and after."""
    before = rss_kb(pid)
    replies: list[Reply] = []

    def one() -> None:
        pieces = pieces_of(body, 1 << 16)
        replies.append(post(port, path, "multipart/form-data; boundary=b", pieces, len(body), headers))

    attackers = [threading.Thread(target=one) for _ in range(clients)]
    for attacker in attackers:
        attacker.start()
    for attacker in attackers:
        attacker.join(120)
    return replies, before, rss_kb(pid)


def pieces_of(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@pytest.fixture(scope="module")
def server(books: Books, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    running = started(books, tmp_path_factory.mktemp("hostile"))
    yield running
    running.stop()


def test_concurrent_bodies_of_millions_of_empty_parts_leave_the_server_up_and_small(
    server: Server,
    books: Books,  # noqa: F811
) -> None:
    path = f"{BASE}/{books.genuine.token}"
    body = empty_parts(b"b", 20 * MB)  # about 2.2 million parts
    assert server.upload(books.genuine.token, b"%PDF-1.7\n%%EOF\n").status == 200  # warm: imports, first answers
    replies, before, after = attack(server.proc.pid, server.port, path, body)
    assert server.proc.poll() is None, "the server died"
    assert after - before < RSS_GROWTH_BOUND_KB, f"RSS grew {before} -> {after} kB"
    assert [r.status for r in replies] == [413] * 4, [r.text[:200] for r in replies]
    assert all("terlalu banyak bagian" in r.text for r in replies), replies[0].text[:400]
    assert server.page(books.genuine.token).status == 200


@pytest.mark.parametrize("cut", [1, 3, 7, 4093, 65_537])
def test_many_part_bodies_cut_anywhere_are_refused_in_one_indonesian_line(
    server: Server,
    books: Books,  # noqa: F811
    cut: int,
) -> None:
    boundary = "----x" * 10
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n'.encode()
    body = part * 5000 + f"--{boundary}--\r\n".encode()
    before = rss_kb(server.proc.pid)
    reply = post(server.port, f"{BASE}/{books.genuine.token}", f"multipart/form-data; boundary={boundary}",
                 pieces_of(body, cut), len(body))  # fmt: skip
    assert reply.status == 413 and "terlalu banyak bagian" in reply.text, reply.text[:300]
    assert rss_kb(server.proc.pid) - before < RSS_GROWTH_BOUND_KB


def test_a_form_with_a_few_extra_parts_and_the_pdf_last_is_still_compared(
    server: Server,
    books: Books,  # noqa: F811
) -> None:
    head, tail, content_type = form_parts()
    boundary = content_type.split("boundary=")[1]
    extra = f'--{boundary}\r\nContent-Disposition: form-data; name="catatan"\r\n\r\nhalo\r\n'.encode()
    assert books.genuine.pdf is not None
    body = extra * (MAX_PARTS - 1) + head + books.genuine.pdf.read_bytes() + tail
    reply = post(server.port, f"{BASE}/{books.genuine.token}", content_type, pieces_of(body, 5), len(body))
    assert reply.status == 200 and "sama persis" in reply.text, reply.text[:300]


def test_a_part_with_a_huge_header_is_refused_400(server: Server, books: Books) -> None:  # noqa: F811
    head, tail, content_type = form_parts()
    boundary = content_type.split("boundary=")[1]
    body = f"--{boundary}\r\nX-Isi: {'a' * 5 * MB}\r\n\r\n%PDF-1.7\r\n--{boundary}--\r\n".encode()
    reply = post(server.port, f"{BASE}/{books.genuine.token}", content_type, pieces_of(body, 1 << 16), len(body))
    assert reply.status == 400 and "Formulir unggah tidak terbaca" in reply.text, reply.text[:300]


# -- any shape, any cut ---------------------------------------------------------------------------------

BOUNDARY = b"q7Xb"


@st.composite
def multipart_bodies(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    """A multipart body of varied parts (some empty, some without headers, long headers, the PDF or
    not) and the places where the network cuts it into chunks."""
    parts: list[bytes] = []
    for _ in range(draw(st.integers(0, 40))):
        headers = draw(st.lists(st.sampled_from([
            b'Content-Disposition: form-data; name="berkas"; filename="a.pdf"',
            b'Content-Disposition: form-data; name="lain"',
            b"Content-Type: application/pdf",
            b"X-Panjang: " + b"h" * draw(st.integers(0, 3000)),
        ]), max_size=10))  # fmt: skip
        data = draw(st.sampled_from([b"", b"%PDF-1.7\n%%EOF", b"teks", b"\r\n--q7X", b"%PDF" + b"\r" * 50]))
        parts.append(b"--" + BOUNDARY + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + data + b"\r\n")
    ending = draw(st.sampled_from([b"--" + BOUNDARY + b"--\r\n", b"", b"--" + BOUNDARY]))
    body = b"".join(parts) + ending
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=30)))
    return body, cuts


async def _chunks(body: bytes, cuts: list[int]) -> AsyncIterator[bytes]:
    start = 0
    for cut in [*cuts, len(body)]:
        if cut > start:
            yield body[start:cut]
            start = cut


@contextmanager
def peak_memory() -> Iterator[list[int]]:
    """The most memory Python held inside the block (bytes), in the yielded list once it ends."""
    peak: list[int] = []
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(multipart_bodies())
def test_any_multipart_shape_gets_a_bounded_answer(shape: tuple[bytes, list[int]]) -> None:
    body, cuts = shape
    try:
        with peak_memory() as peak:
            upload = asyncio.run(
                hash_upload(f"multipart/form-data; boundary={BOUNDARY.decode()}", _chunks(body, cuts), MB)
            )
    except Refused as refused:
        assert refused.status in (400, 413, 415), refused.status
        assert refused.message.count("\n") == 0 and any(w in refused.message for w in ("Formulir", "berkas", "PDF"))
    else:
        assert len(upload.sha256) == 64 and 0 < upload.size <= MB
    assert peak[0] < 2 * len(body) + 200_000, f"{peak[0]} bytes held for a {len(body)}-byte body"
