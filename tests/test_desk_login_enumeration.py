"""The desk's login form tells no account name apart, and one address cannot lock a colleague out (issue 21).

The real desk behind a trusted proxy (127.0.0.1, so each request names its client address in
X-Forwarded-For, as the office's https front does): every test speaks from its own addresses.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from conftest import configure
from deskclient import Answer, DeskClient
from test_desk import PASSWORD, Desk, start_desk

from docgen.pipeline import create_workspace
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.register.users import ACCOUNT_LOCK_AFTER, LOCK_AFTER, add_user

WRONG = "bukan-sandinya-123"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    base = tmp_path_factory.mktemp("meja-masuk")
    ws = create_workspace(base / "ws")
    with Register.open(ws) as reg:
        for name in ("siti", "budi", "rina", "kadis"):
            add_user(reg, name, name.title(), ["umum"], PASSWORD)
    configure(ws.root, {"logins_per_minute": 100_000, "failed_logins_per_hour": 100_000,
                        "desk.trusted_proxies": '["127.0.0.1"]'})  # fmt: skip
    server = start_desk(ws.root, base / "meja.log")
    yield server
    server.proc.terminate()
    server.proc.wait(10)


def login_from(desk: Desk, address: str, name: str, password: str) -> Answer:
    """A fresh browser at ``address`` opens the login page and logs in."""
    client = DeskClient(desk.port)
    forwarded = {"X-Forwarded-For": address}
    client.request("GET", "/masuk", headers=forwarded)
    body = urlencode({"nama": name, "sandi": password, "csrf": client.csrf}).encode()
    return client.request("POST", "/masuk", body, {"Content-Type": "application/x-www-form-urlencoded", **forwarded})


def counted(desk: Desk, name: str) -> tuple[int, bool]:
    """The account's failures in a row, and whether it is locked, as the register holds them."""
    with Register.open(load_workspace(desk.root)) as reg:
        row = reg.conn.execute("SELECT failed, locked_until FROM users WHERE username = ?", (name,)).fetchone()
        return int(row[0]), row[1] is not None


def wait_counted(desk: Desk, name: str, expected: tuple[int, bool]) -> None:
    """Failures are counted after the answer went out: wait for the count, with a deadline."""
    deadline = time.monotonic() + 30
    while counted(desk, name) != expected:
        assert time.monotonic() < deadline, f"{name}: {counted(desk, name)}, not {expected}"
        time.sleep(0.05)


def seen(answer: Answer, name: str) -> tuple[int, str]:
    """The answer as the guesser compares it: status and page, without the tokens and the name typed."""
    page = re.sub(r'value="[A-Za-z0-9_-]{40,}"', 'value="TOKEN"', answer.text).replace(
        f'value="{name}"', 'value="NAME"'
    )
    return answer.status, page


def test_unknown_name_wrong_password_and_locked_account_get_the_same_answer(desk: Desk) -> None:
    for _ in range(LOCK_AFTER):  # 10.0.0.1 guesses budi's password until shut out of budi
        assert login_from(desk, "10.0.0.1", "budi", WRONG).status == 401
    answers = {
        "unknown name": seen(login_from(desk, "10.0.0.2", "tidak.ada", PASSWORD), "tidak.ada"),
        "wrong password": seen(login_from(desk, "10.0.0.3", "siti", WRONG), "siti"),
        "locked, right password": seen(login_from(desk, "10.0.0.1", "budi", PASSWORD), "budi"),
    }
    assert len(set(answers.values())) == 1, {k: v[0] for k, v in answers.items()}
    status, page = answers["unknown name"]
    assert status == 401 and "salah" in page and "terkunci" not in page


def test_a_colleague_at_their_own_pc_logs_in_after_another_address_guessed(desk: Desk) -> None:
    for _ in range(3 * LOCK_AFTER):  # three times the old lock-out's five guesses, from one address
        assert login_from(desk, "10.0.1.1", "rina", WRONG).status == 401
    wait_counted(desk, "rina", (LOCK_AFTER, False))  # only the guesses before the address was shut out count
    colleague = login_from(desk, "10.0.1.2", "rina", PASSWORD)
    assert colleague.status == 303 and colleague.location == "/", colleague.plain()[:300]


def test_guessing_from_many_addresses_locks_the_account_but_not_for_its_own_pc(desk: Desk) -> None:
    assert login_from(desk, "10.0.2.99", "kadis", PASSWORD).status == 303  # kadis's own PC
    for address in range(ACCOUNT_LOCK_AFTER // LOCK_AFTER):
        for _ in range(LOCK_AFTER):
            assert login_from(desk, f"10.0.2.{address}", "kadis", WRONG).status == 401
    wait_counted(desk, "kadis", (0, True))  # the twentieth in a row locked the account, count restarted
    stranger = login_from(desk, "10.0.2.50", "kadis", PASSWORD)
    assert stranger.status == 401 and "salah" in stranger.plain()  # the right password, from a new address
    assert login_from(desk, "10.0.2.99", "kadis", PASSWORD).status == 303
