"""The desk (``docgen meja``) under hostile forms: bounded parts and bytes, refusals in Indonesian (issue 21).

The real desk in a subprocess; its memory is read from ``/proc/<pid>/status`` around the attack.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import configure
from deskclient import DeskClient
from hypothesis import HealthCheck, given, settings
from starlette.requests import Request
from test_desk import PASSWORD, Desk, start_desk
from test_web_hostile import (
    BOUNDARY,
    MB,
    RSS_GROWTH_BOUND_KB,
    attack,
    empty_parts,
    multipart_bodies,
    peak_memory,
    pieces_of,
    post,
)

from docgen.desk.handling import read_form
from docgen.pipeline import create_workspace
from docgen.register import Register
from docgen.register.users import add_user
from docgen.web.guard import Refused


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    base = tmp_path_factory.mktemp("meja-hostile")
    ws = create_workspace(base / "ws")
    with Register.open(ws) as reg:
        add_user(reg, "siti", "Siti Pegawai", ["umum"], PASSWORD)
    configure(ws.root, {"logins_per_minute": 100_000, "failed_logins_per_hour": 100_000})
    server = start_desk(ws.root, base / "meja.log")
    yield server
    server.proc.terminate()
    server.proc.wait(10)


def _clerk(desk: Desk) -> tuple[DeskClient, dict[str, str]]:
    clerk = desk.client("siti")
    clerk.get("/surat-masuk/baru")
    return clerk, {"cookie": f"meja_sesi={clerk.cookie}"}


def _named_parts(boundary: str, count: int, csrf: str) -> bytes:
    one = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n\r\n'.encode()
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()
    return head + one * count + f"--{boundary}--\r\n".encode()


def test_a_form_of_thousands_of_fields_is_refused_413_in_indonesian(desk: Desk) -> None:
    clerk, headers = _clerk(desk)
    body = _named_parts("batas", 20_000, clerk.csrf)
    reply = post(desk.port, "/surat-masuk/baru", "multipart/form-data; boundary=batas", pieces_of(body, 7),
                 len(body), headers)  # fmt: skip
    assert reply.status == 413 and "terlalu banyak isian" in reply.text, reply.text[:300]


def test_concurrent_bodies_of_millions_of_empty_parts_leave_the_desk_up_and_small(desk: Desk) -> None:
    _, headers = _clerk(desk)
    body = empty_parts(b"b", 20 * MB)
    replies, before, after = attack(desk.proc.pid, desk.port, "/surat-masuk/baru", body, headers)
    assert desk.proc.poll() is None
    assert after - before < RSS_GROWTH_BOUND_KB, f"RSS grew {before} -> {after} kB"
    assert [r.status for r in replies] == [400] * 4 and "Formulir tidak terbaca" in replies[0].text, replies[0].text
    assert desk.client("siti").get("/").status == 200


def test_the_login_form_refuses_a_large_body_before_reading_it(desk: Desk) -> None:
    client = DeskClient(desk.port)
    client.get("/masuk")
    body = b"&" * 30 * MB
    reply = post(desk.port, "/masuk", "application/x-www-form-urlencoded", pieces_of(body, 1 << 16), len(body),
                 {"cookie": f"meja_sesi={client.cookie}"})  # fmt: skip
    assert reply.status == 413 and "terlalu besar" in reply.text, reply.text[:300]


def test_a_form_without_its_length_is_refused_411(desk: Desk, tmp_path: Path) -> None:
    import http.client

    client = DeskClient(desk.port)
    client.get("/masuk")
    conn = http.client.HTTPConnection("127.0.0.1", desk.port, timeout=30)
    conn.request("POST", "/masuk", body=iter([b"nama=siti&", b"sandi=x"]), encode_chunked=True,
                 headers={"content-type": "application/x-www-form-urlencoded", "cookie": f"meja_sesi={client.cookie}",
                          "transfer-encoding": "chunked"})  # fmt: skip
    response = conn.getresponse()
    assert response.status == 411 and "Content-Length" in response.read().decode()
    conn.close()


# -- any shape, any cut, read by the desk's form reader ---------------------------------------------


def _request(body: bytes, cuts: list[int]) -> Request:
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True) if b > a] or [b""]
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    headers = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY), (b"content-length", b"%d" % len(body))]
    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "headers": headers, "app": None}
    return Request(scope, receive)


TOO_MANY = "Formulir terlalu besar atau berisi terlalu banyak isian atau berkas; muat ulang lalu kirim lagi"
UNREADABLE = "Formulir tidak terbaca; muat ulang halaman lalu kirim lagi"
#: 413 (Content Too Large) for a form with more or larger parts than allowed, 400 for one that
#: cannot be parsed; Starlette answers 400 to both, the desk tells them apart.
STATUS_FOR = {TOO_MANY: 413, UNREADABLE: 400}


def _part(header: bytes, data: bytes) -> bytes:
    return b"--" + BOUNDARY + b"\r\n" + header + b"\r\n\r\n" + data + b"\r\n"


_FILE = b'Content-Disposition: form-data; name="berkas"; filename="a.pdf"'
_FIELD = b'Content-Disposition: form-data; name="lain"'
_END = b"--" + BOUNDARY + b"--\r\n"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (_part(_FILE, b"%PDF") * 4 + _END, 413, TOO_MANY),
        (_part(_FIELD, b"x") * 6 + _END, 413, TOO_MANY),
        (_part(_FIELD, b"x" * 3000) + _END, 413, TOO_MANY),
        (_part(b"Content-Type: text/plain", b"x") + _END, 400, UNREADABLE),
    ],
    ids=["four-files-of-three", "six-fields-of-five", "a-field-past-its-size", "a-part-without-a-name"],
)
def test_a_form_refused_by_its_shape_gets_the_one_status_of_its_cause(body: bytes, status: int, message: str) -> None:
    with pytest.raises(Refused) as caught:
        asyncio.run(read_form(_request(body, []), MB, max_files=3, max_fields=5, max_part_size=2000))
    assert (caught.value.status, caught.value.message) == (status, message)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(multipart_bodies())
def test_any_multipart_shape_gets_a_bounded_answer_from_the_desk(shape: tuple[bytes, list[int]]) -> None:
    body, cuts = shape
    try:
        with peak_memory() as peak:
            form = asyncio.run(read_form(_request(body, cuts), MB, max_files=3, max_fields=5, max_part_size=2000))
    except Refused as refused:  # the cause decides the one status: too many or too large parts, or unreadable
        assert refused.message in STATUS_FOR, refused.message
        assert refused.status == STATUS_FOR[refused.message], (refused.status, refused.message)
    else:
        assert len(form.multi_items()) <= 8
        asyncio.run(form.close())
    assert peak[0] < 3 * len(body) + 300_000, f"{peak[0]} bytes held for a {len(body)}-byte body"
