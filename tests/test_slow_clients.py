"""Slow and idle clients of both servers (issue 21): the public page and the desk close them in time.

Each server is the real CLI in a subprocess with short limits ([verification]/[desk]
header_timeout_s 2, body_timeout_s 2, keep_alive_s 2). A raw socket plays the slow client; the
test waits on the socket itself (readable, then ``recv`` returning b'') with a deadline, sending
its next byte whenever a quarter second passes without news.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import configure
from test_desk import start_desk
from test_serve import BASE, Books, books, started  # noqa: F401  (books: the fixture)

from docgen.pipeline import create_workspace

LIMIT_S = 2.0
MARGIN_S = 2.5  # scheduling on a busy machine; under uvicorn's own 5 s keep-alive, so the idle test tells
SHORT = {"header_timeout_s": LIMIT_S, "body_timeout_s": LIMIT_S, "keep_alive_s": LIMIT_S, "max_connections": 8}


@dataclass
class Target:
    name: str
    port: int
    path: str  # a page answering 200 to GET
    post: str  # a path reading a POST body
    body_type: str  # the body it reads
    early: str  # a POST answered before its body is read


@pytest.fixture(scope="module", params=["serve", "meja"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    if request.param == "serve":
        books: Books = request.getfixturevalue("books")  # noqa: F811
        server = started(books, tmp_path_factory.mktemp("slow-serve"),
                         **{f"verification.{k}": str(v) for k, v in SHORT.items()})  # fmt: skip
        yield Target(
            "serve",
            server.port,
            f"{BASE}/",
            f"{BASE}/{books.genuine.token}",
            "application/pdf",
            f"{BASE}/abcdefghijklmnopqrstuvwx",
        )  # an unknown token: 404 before the body is read
        server.stop()
        return
    base = tmp_path_factory.mktemp("slow-meja")
    ws = create_workspace(base / "ws")
    configure(ws.root, {f"desk.{k}": v for k, v in SHORT.items()})
    desk = start_desk(ws.root, base / "meja.log")
    yield Target(
        "meja", desk.port, "/masuk", "/masuk", "application/x-www-form-urlencoded", "/masuk"
    )  # past the login form's 64 kB: 413 before the body is read
    desk.proc.terminate()
    desk.proc.wait(10)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def until_closed(sock: socket.socket, seconds: float, trickle: bytes = b"") -> tuple[float, bytes]:
    """Wait for the server to close ``sock``, sending ``trickle`` after each quiet quarter second.

    Returns the seconds it took and what the server said; fails when still open after ``seconds``.
    """
    start, said = time.monotonic(), b""
    while time.monotonic() - start < seconds:
        try:
            if select.select([sock], [], [], 0.25)[0]:
                chunk = sock.recv(65536)
                if not chunk:
                    return time.monotonic() - start, said
                said += chunk
            elif trickle:
                sock.sendall(trickle)
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start, said
    raise AssertionError(f"still open after {seconds} s; the server said {said[:200]!r}")


def test_headers_sent_a_byte_at_a_time_are_cut_off_with_408(target: Target) -> None:
    with connect(target.port) as sock:
        sock.sendall(f"GET {target.path} HTTP/1.1\r\nHost: kantor\r\n".encode())
        took, said = until_closed(sock, LIMIT_S + MARGIN_S, trickle=b"X")
    assert took <= LIMIT_S + MARGIN_S
    assert said.startswith(b"HTTP/1.1 408") and "terlalu lambat" in said.decode(), said


def test_a_connection_that_sends_nothing_is_closed(target: Target) -> None:
    with connect(target.port) as sock:
        took, said = until_closed(sock, LIMIT_S + MARGIN_S)
    assert said.startswith(b"HTTP/1.1 408"), said


def test_a_body_sent_a_byte_at_a_time_is_cut_off(target: Target) -> None:
    with connect(target.port) as sock:
        head = (f"POST {target.post} HTTP/1.1\r\nHost: kantor\r\nContent-Type: {target.body_type}\r\n"
                "Content-Length: 50000\r\n\r\n%PDF-")  # under both forms' limits  # fmt: skip
        sock.sendall(head.encode())
        took, said = until_closed(sock, LIMIT_S + MARGIN_S, trickle=b"0")
    assert said == b"" or said.startswith(b"HTTP/1.1 408"), said


def test_an_idle_kept_alive_connection_is_closed(target: Target) -> None:
    with connect(target.port) as sock:
        sock.sendall(f"GET {target.path} HTTP/1.1\r\nHost: kantor\r\n\r\n".encode())
        took, said = until_closed(sock, LIMIT_S + MARGIN_S)
    assert said.startswith(b"HTTP/1.1 200"), said[:200]


def test_a_connection_answered_before_its_body_ended_is_closed_once_idle(target: Target) -> None:
    size = 70_000
    with connect(target.port) as sock:
        sock.sendall(f"POST {target.early} HTTP/1.1\r\nHost: kantor\r\nContent-Type: {target.body_type}\r\n"
                     f"Content-Length: {size}\r\n\r\n".encode())  # fmt: skip
        assert select.select([sock], [], [], 30)[0], "no early answer"
        answer = sock.recv(65536)
        assert answer.startswith((b"HTTP/1.1 404", b"HTTP/1.1 413")), answer[:100]
        sock.sendall(b"0" * size)  # the rest of the body, then nothing
        took, said = until_closed(sock, LIMIT_S + MARGIN_S)


def test_headers_past_64_kb_are_refused_431(target: Target) -> None:
    with connect(target.port) as sock:
        sock.sendall(f"GET {target.path} HTTP/1.1\r\nHost: kantor\r\n".encode())
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(b"".join(b"X-Isi-%d: %s\r\n" % (i, b"a" * 1000) for i in range(300)))
        took, said = until_closed(sock, MARGIN_S)
    assert said.startswith(b"HTTP/1.1 431") and "terlalu besar" in said.decode(), said[:300]


def test_connections_past_the_limit_get_503_in_indonesian(target: Target, tmp_path: Path) -> None:
    held = [connect(target.port) for _ in range(8)]
    try:
        with connect(target.port) as extra:
            took, said = until_closed(extra, MARGIN_S)
        assert said.startswith(b"HTTP/1.1 503") and "terlalu banyak sambungan" in said.decode(), said
    finally:
        for sock in held:
            sock.close()
