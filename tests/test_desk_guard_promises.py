"""The desk's and the public page's guards, in process: who may do what, sessions and their CSRF
token, the per-address lock-out, rate limits and the client's address.

The desk's own tests drive a real server in a subprocess, which proves the wiring; these prove the
rules themselves, each case one a clerk or an attacker would meet (issue 22: mutation testing showed
that a changed role table, a looser CSRF comparison or a lock-out one guess late all passed before).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from docgen.desk.logins import LoginGuard
from docgen.desk.roles import (
    KIND_MAKERS,
    can,
    can_make,
    can_number,
    can_read,
    has_role,
    kinds_made_by,
    readable_kinds,
    reads_everything,
)
from docgen.desk.sessions import COOKIE, Sessions, cookie_header
from docgen.register.users import LOCK_AFTER, User
from docgen.web.guard import HEADERS, RateLimits, Refused, SecurityHeaders, client_address


def user(*roles: str, unit: str = "") -> User:
    return User(username="-".join(roles) or "tamu", name="Pegawai", roles=roles, unit=unit, active=True)


class Clock:
    """A clock the test moves: the lock-out's and the rate limits' windows without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- roles: one table read by every page and action ------------------------------------------------

ROLES = ("umum", "pimpinan", "bidang", "perizinan", "keuangan")
#: Who may take each action besides admin, as the office divides its work (issue 16).
ACTIONS = {
    "enter-incoming": {"umum"},
    "print-sheet": {"umum", "pimpinan"},
    "dispose": {"pimpinan"},
    "receive": {"bidang"},
    "finish": {"bidang"},
    "approve": {"pimpinan"},
    "send": {"umum"},
    "void": {"umum"},
    "export-agenda": {"umum", "pimpinan"},
    "search": set(ROLES),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_is_open_to_its_roles_and_admin_only(action: str) -> None:
    for role in ROLES:
        assert can(user(role), action) is (role in ACTIONS[action]), (role, action)
    assert can(user("admin"), action)
    assert not can(user(), action), "an account without roles may do nothing"


def test_an_action_the_table_does_not_know_is_refused_even_to_admin() -> None:
    assert not can(user("admin"), "delete-register")
    assert not can(user(*ROLES), "Approve")


def test_a_second_role_adds_its_actions_to_the_first() -> None:
    clerk_and_unit = user("umum", "bidang")
    assert can(clerk_and_unit, "receive") and can(clerk_and_unit, "void")
    assert not can(clerk_and_unit, "approve")


@pytest.mark.parametrize("kind", sorted(KIND_MAKERS))
def test_each_kind_is_drafted_by_its_maker_role_and_admin_only(kind: str) -> None:
    maker = {"spp": "keuangan", "spm": "keuangan", "spj": "keuangan", "bap": "perizinan", "rekomendasi": "perizinan",
             "sertifikat-standar": "perizinan", "izin": "perizinan"}.get(kind, "umum")  # fmt: skip
    for role in ROLES:
        assert can_make(user(role), kind) is (role == maker), (role, kind)
    assert can_make(user("admin"), kind)


def test_a_kind_the_desk_does_not_know_is_made_and_numbered_by_nobody_but_umum_numbers() -> None:
    assert not can_make(user("admin"), "memo")
    assert not can_number(user("keuangan"), "memo")
    assert can_number(user("umum"), "memo"), "umum numbers every letter that leaves the office"


def test_umum_numbers_every_kind_and_makers_number_only_their_own() -> None:
    for kind in KIND_MAKERS:
        assert can_number(user("umum"), kind)
    assert can_number(user("keuangan"), "spm")
    assert not can_number(user("keuangan"), "bap")
    assert not can_number(user("pimpinan"), "spp"), "the signer does not number"
    assert not can_number(user("bidang"), "surat-keluar")


def test_has_role_counts_admin_as_every_role() -> None:
    assert has_role(user("admin"), "keuangan")
    assert has_role(user("keuangan"), "keuangan")
    assert not has_role(user("perizinan"), "keuangan")


def test_the_drafting_menu_lists_a_roles_kinds_in_table_order_without_incoming_letters() -> None:
    assert kinds_made_by(user("keuangan")) == ["spp", "spm", "spj"]
    assert kinds_made_by(user("umum")) == ["surat-keluar", "keputusan"]
    assert kinds_made_by(user("pimpinan")) == []
    assert kinds_made_by(user("admin")) == [k for k in KIND_MAKERS if k != "surat-masuk"]


def test_umum_and_pimpinan_read_every_kind_others_their_own() -> None:
    assert readable_kinds(user("umum")) == list(KIND_MAKERS)
    assert readable_kinds(user("pimpinan")) == list(KIND_MAKERS)
    assert readable_kinds(user("admin")) == list(KIND_MAKERS)
    assert readable_kinds(user("keuangan")) == ["spp", "spm", "spj"]
    assert readable_kinds(user("perizinan")) == ["bap", "rekomendasi", "sertifikat-standar", "izin"]
    assert readable_kinds(user("bidang")) == ["surat-keluar", "keputusan", "surat-masuk"]
    assert readable_kinds(user()) == []


def test_only_umum_pimpinan_and_admin_read_everything() -> None:
    assert reads_everything(user("umum")) and reads_everything(user("pimpinan")) and reads_everything(user("admin"))
    for role in ("bidang", "perizinan", "keuangan"):
        assert not reads_everything(user(role))


def test_a_unit_reads_only_incoming_letters_disposed_to_it() -> None:
    unit = user("bidang", unit="pelayanan")
    assert can_read(unit, "surat-masuk", ["pengaduan", "pelayanan"])
    assert not can_read(unit, "surat-masuk", ["pengaduan"])
    assert not can_read(unit, "surat-masuk")
    assert not can_read(user("bidang"), "surat-masuk", [""]), "an account without a unit sees no unit's letters"
    assert can_read(user("umum"), "surat-masuk"), "umum files every incoming letter"


def test_a_confidential_document_is_read_by_its_makers_and_overseers_only() -> None:
    assert can_read(user("perizinan"), "bap", sifat="Rahasia")
    assert can_read(user("pimpinan"), "bap", sifat="Rahasia")
    assert not can_read(user("bidang", unit="pelayanan"), "surat-keluar", sifat="Rahasia")
    assert can_read(user("bidang", unit="pelayanan"), "surat-keluar", sifat="Biasa")
    assert can_read(user("bidang", unit="pelayanan"), "surat-masuk", ["pelayanan"], sifat="Rahasia")


def test_a_role_cannot_open_another_roles_kind() -> None:
    assert not can_read(user("keuangan"), "bap")
    assert not can_read(user("perizinan"), "spp")


# -- sessions: the token in the cookie, the CSRF token on the server ------------------------------


def test_a_form_is_accepted_only_with_its_sessions_own_csrf_token() -> None:
    book = Sessions(idle_s=600)
    mine, other = book.open(), book.open()
    assert mine.csrf_ok(mine.csrf)
    assert not mine.csrf_ok(other.csrf)
    assert not mine.csrf_ok(mine.csrf[:-1])
    assert not mine.csrf_ok("")
    assert not mine.csrf_ok(None)


def test_every_session_gets_its_own_unguessable_token_and_csrf_token() -> None:
    book = Sessions(idle_s=600)
    first, second = book.open(), book.open("siti", account="v1")
    assert len({first.token, first.csrf, second.token, second.csrf}) == 4
    assert all(len(t) >= 43 for t in (first.token, first.csrf))  # 32 random bytes in URL-safe base64
    assert (first.username, second.username, second.account) == (None, "siti", "v1")
    assert book.get(second.token) is second


def test_an_unknown_or_missing_session_token_finds_nothing() -> None:
    book = Sessions(idle_s=600)
    book.open()
    assert book.get(None) is None
    assert book.get("") is None
    assert book.get("not-a-token") is None


def test_a_session_left_idle_past_the_limit_is_over_and_forgotten() -> None:
    book = Sessions(idle_s=600)
    session = book.open("siti")
    session.seen = time.monotonic() - 601
    assert book.get(session.token) is None
    assert session.token not in book._by_token, "an expired session must not stay in memory"
    session.seen = time.monotonic()
    assert book.get(session.token) is None, "an expired session never comes back"


def test_using_a_session_keeps_it_alive() -> None:
    book = Sessions(idle_s=600)
    session = book.open("siti")
    session.seen = time.monotonic() - 590
    assert book.get(session.token) is session
    assert time.monotonic() - session.seen < 5, "each request restarts the idle clock"


def test_logging_out_ends_that_session_only() -> None:
    book = Sessions(idle_s=600)
    here, there = book.open("siti"), book.open("siti")
    book.close(here.token)
    book.close("never-was")
    assert book.get(here.token) is None
    assert book.get(there.token) is there


def test_deactivating_an_account_ends_all_its_sessions_and_no_others() -> None:
    book = Sessions(idle_s=600)
    a, b, other, anonymous = book.open("siti"), book.open("siti"), book.open("budi"), book.open()
    book.close_user("siti")
    assert book.get(a.token) is None and book.get(b.token) is None
    assert book.get(other.token) is other and book.get(anonymous.token) is anonymous


def test_past_twenty_thousand_sessions_the_oldest_anonymous_tenth_goes_first() -> None:
    book = Sessions(idle_s=600)
    clerk = book.open("siti")  # the oldest of all, but logged in
    clerk.seen -= 100
    visitors = [book.open() for _ in range(19_999)]
    assert len(book._by_token) == 20_000
    newest = book.open()
    assert len(book._by_token) == 20_000 - 2_000 + 1
    assert book.get(clerk.token) is clerk, "a logged-in clerk outlives anonymous visitors"
    assert book.get(newest.token) is newest
    assert book.get(visitors[0].token) is None
    assert book.get(visitors[-1].token) is visitors[-1]


def test_the_session_cookie_is_http_only_same_site_strict_and_secure_behind_https() -> None:
    assert cookie_header("abc", secure=False) == f"{COOKIE}=abc; Path=/; HttpOnly; SameSite=Strict"
    assert cookie_header("abc", secure=True, max_age=0) == (
        f"{COOKIE}=abc; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0"
    )


# -- the lock-out: five wrong passwords from one address shut that address out -------------------


def test_the_fifth_wrong_password_shuts_the_address_out_for_fifteen_minutes() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    for _ in range(LOCK_AFTER - 1):
        assert guard.failed("siti", "10.0.0.9") is None
        assert not guard.shut("siti", "10.0.0.9")
    clock.now += 60
    assert guard.failed("siti", "10.0.0.9") == pytest.approx(15 * 60 - 60)
    assert guard.shut("siti", "10.0.0.9")
    assert not guard.shut("siti", "10.0.0.7"), "a colleague's PC is not shut out"
    assert not guard.shut("budi", "10.0.0.9"), "another account is not shut out"
    clock.now += 15 * 60 - 60 - 1
    assert guard.shut("siti", "10.0.0.9")
    clock.now += 1
    assert not guard.shut("siti", "10.0.0.9"), "the window slides: the first failure has aged out"


def test_a_good_login_forgives_that_addresss_failures_only() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    for _ in range(LOCK_AFTER - 1):
        guard.failed("siti", "10.0.0.9")
        guard.failed("siti", "10.0.0.7")
    guard.succeeded("siti", "10.0.0.9")
    assert guard.failed("siti", "10.0.0.9") is None
    assert guard.failed("siti", "10.0.0.7") is not None
    assert guard.shut("siti", "10.0.0.7") and not guard.shut("siti", "10.0.0.9")


def test_an_account_knows_the_addresses_it_logged_in_from_for_thirty_days() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    assert not guard.known("siti", "10.0.0.9")
    guard.succeeded("siti", "10.0.0.9")
    assert guard.known("siti", "10.0.0.9")
    assert not guard.known("budi", "10.0.0.9")
    clock.now += 30 * 24 * 3600 - 1
    assert guard.known("siti", "10.0.0.9")
    clock.now += 1
    assert not guard.known("siti", "10.0.0.9")


def test_an_account_remembers_its_sixteen_latest_addresses() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    for n in range(17):
        clock.now += 1
        guard.succeeded("siti", f"10.0.0.{n}")
    assert not guard.known("siti", "10.0.0.0"), "the oldest address is forgotten past sixteen"
    assert all(guard.known("siti", f"10.0.0.{n}") for n in range(1, 17))


def test_stale_failure_windows_are_swept_from_memory() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    for n in range(50):
        guard.failed(f"guess{n}", "10.0.0.9")
    clock.now += 15 * 60 + 1  # past the window and past the five-minute sweep interval
    guard.failed("siti", "10.0.0.7")
    assert list(guard._failures) == [("siti", "10.0.0.7")]


def test_failures_are_not_swept_before_five_minutes_pass() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    guard.failed("guess", "10.0.0.9")
    clock.now += 299
    guard.failed("siti", "10.0.0.7")
    assert ("guess", "10.0.0.9") in guard._failures


# -- the public page's budgets and the client's address --------------------------------------------


def test_an_address_gets_its_answers_per_minute_then_429_until_the_minute_passes() -> None:
    clock = Clock()
    limits = RateLimits(per_minute=3, unknown_per_hour=100, clock=clock)
    assert [limits.allow("10.0.0.9") for _ in range(4)] == [True, True, True, False]
    assert limits.allow("10.0.0.7"), "another address has its own budget"
    clock.now += 59
    assert not limits.allow("10.0.0.9")
    clock.now += 1
    assert limits.allow("10.0.0.9")


def test_unknown_tokens_spend_the_hourly_budget_and_then_every_answer_is_refused() -> None:
    clock = Clock()
    limits = RateLimits(per_minute=1000, unknown_per_hour=2, clock=clock)
    limits.unknown("10.0.0.9")
    assert limits.allow("10.0.0.9"), "answers do not count as unknown tokens"
    assert limits.allow("10.0.0.9")
    limits.unknown("10.0.0.9")
    assert not limits.allow("10.0.0.9")
    assert limits.allow("10.0.0.7")
    clock.now += 3599
    assert not limits.allow("10.0.0.9")
    clock.now += 1
    assert limits.allow("10.0.0.9")


def test_idle_addresses_are_swept_from_the_rate_tables() -> None:
    clock = Clock()
    limits = RateLimits(per_minute=10, unknown_per_hour=10, clock=clock)
    for n in range(20):
        limits.allow(f"10.0.1.{n}")
    limits.unknown("10.0.2.1")
    clock.now += 299
    limits.allow("10.0.0.9")
    assert "10.0.1.0" in limits._answers, "no sweep before five minutes"
    clock.now += 1
    limits.allow("10.0.0.9")
    assert set(limits._answers) == {"10.0.0.9"}
    assert "10.0.2.1" in limits._unknown, "an unknown token is remembered for its hour"
    clock.now += 3600
    limits.allow("10.0.0.9")
    assert "10.0.2.1" not in limits._unknown


def _scope(peer: str | None, forwarded: str | None = None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode("latin-1"))] if forwarded is not None else []
    return {"client": (peer, 5555) if peer else None, "headers": [(b"host", b"x"), *headers]}


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    proxies = frozenset({"10.0.0.1", "10.0.0.2"})
    assert client_address(_scope("203.0.113.5", "1.2.3.4"), proxies) == "203.0.113.5"
    assert client_address(_scope("10.0.0.1", "198.51.100.7"), proxies) == "198.51.100.7"
    assert client_address(_scope("10.0.0.1", "6.6.6.6, 198.51.100.7 , 10.0.0.2"), proxies) == "198.51.100.7"
    assert client_address(_scope("10.0.0.1", " , 10.0.0.2"), proxies) == "10.0.0.1"
    assert client_address(_scope("10.0.0.1"), proxies) == "10.0.0.1"
    assert client_address(_scope(None), proxies) == "-"


def test_every_answer_carries_the_security_headers_and_the_apps_own_choice_wins() -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"Cache-Control", b"max-age=60")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SecurityHeaders(app)({"type": "http"}, None, send))
    headers = sent[0]["headers"]
    names = [name.lower() for name, _ in headers]
    assert names.count(b"cache-control") == 1 and (b"Cache-Control", b"max-age=60") in headers
    for name, value in HEADERS:
        if name != b"cache-control":
            assert (name, value) in headers
    assert sent[1] == {"type": "http.response.body", "body": b"ok"}
    assert dict(HEADERS)[b"x-frame-options"] == b"DENY"


def test_a_non_http_scope_passes_through_untouched() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(send)

    async def send(message: Any) -> None: ...

    asyncio.run(SecurityHeaders(app, headers=[])({"type": "lifespan"}, None, send))
    assert seen == [send]


def test_a_refusal_carries_its_status_and_its_line() -> None:
    refused = Refused(413, "Berkas terlalu besar; kirim yang lebih kecil")
    assert (refused.status, refused.message, str(refused)) == (413, refused.message, refused.message)


# -- edges the first mutation run left open (issue 22) ---------------------------------------------


def test_a_unit_that_also_drafts_payments_reads_both_its_letters_and_its_payments():
    both = user("bidang", "keuangan", unit="pelayanan")
    assert readable_kinds(both) == ["surat-keluar", "keputusan", "surat-masuk", "spp", "spm", "spj"]


def test_the_lock_out_lasts_fifteen_minutes_from_the_first_of_the_five_failures():
    clock = Clock()
    guard = LoginGuard(clock)
    for _ in range(LOCK_AFTER - 1):
        guard.failed("siti", "10.0.0.9")
        clock.now += 10
    assert guard.failed("siti", "10.0.0.9") == pytest.approx(15 * 60 - 40)


def test_the_oldest_address_is_forgotten_whatever_its_name():
    clock = Clock()
    guard = LoginGuard(clock)
    for n in reversed(range(17)):  # 10.0.0.16 first: the oldest is not the smallest name
        clock.now += 1
        guard.succeeded("siti", f"10.0.0.{n}")
    assert not guard.known("siti", "10.0.0.16")
    assert guard.known("siti", "10.0.0.0") and guard.known("siti", "10.0.0.15")


def test_a_window_fifteen_minutes_old_is_swept_at_the_five_minute_mark_and_fresh_ones_stay():
    clock = Clock()
    guard = LoginGuard(clock)  # created at 1000: the first sweep is due at 1300
    guard.failed("old", "10.0.0.1")
    clock.now = 1600
    guard.failed("mid", "10.0.0.2")  # swept here; "old" is only ten minutes old
    clock.now = 1900  # five minutes after that sweep, and "old" exactly fifteen minutes old
    guard.failed("new", "10.0.0.3")
    assert set(guard._failures) == {("mid", "10.0.0.2"), ("new", "10.0.0.3")}


def test_no_sweep_runs_within_five_minutes_of_the_last():
    clock = Clock()
    guard = LoginGuard(clock)
    guard.failed("old", "10.0.0.1")
    clock.now = 1650
    guard.failed("mid", "10.0.0.2")
    clock.now = 1920  # "old" is stale now, but the last sweep was 270 s ago
    guard.failed("new", "10.0.0.3")
    assert ("old", "10.0.0.1") in guard._failures


def test_an_unknown_token_an_hour_after_the_first_takes_its_place_in_the_budget():
    clock = Clock()
    limits = RateLimits(per_minute=1000, unknown_per_hour=1, clock=clock)
    limits.unknown("10.0.0.9")
    clock.now += 3600
    limits.unknown("10.0.0.9")
    assert not limits.allow("10.0.0.9"), "the second unknown token counts once the first has aged out"


def test_rate_windows_are_swept_exactly_when_they_end():
    clock = Clock()
    limits = RateLimits(per_minute=10, unknown_per_hour=10, clock=clock)
    clock.now = 1240
    limits.allow("10.0.0.1")
    clock.now = 1300  # the first sweep: the answer to 10.0.0.1 is exactly a minute old
    limits.allow("10.0.0.2")
    assert "10.0.0.1" not in limits._answers
    limits.unknown("10.0.0.3")
    clock.now = 1300 + 3600
    limits.allow("10.0.0.2")
    assert "10.0.0.3" not in limits._unknown, "an unknown token exactly an hour old is forgotten"


def _run(middleware: SecurityHeaders, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent


def test_the_app_behind_the_headers_gets_the_request_as_it_came():
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope["type"], (await receive())["type"]))
        await send({"type": "http.response.start", "status": 204})

    for kind in ("http", "websocket"):
        sent = _run(SecurityHeaders(app), {"type": kind})
        assert seen[-1] == (kind, "http.request")
    assert sent == [{"type": "http.response.start", "status": 204}], "only HTTP answers get the headers"


def test_an_answer_without_headers_of_its_own_gets_the_security_headers():
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200})

    assert _run(SecurityHeaders(app), {"type": "http"})[0]["headers"] == HEADERS


def test_headers_given_to_the_middleware_replace_the_defaults():
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    own = [(b"x-kantor", b"dpmptsp")]
    assert _run(SecurityHeaders(app, headers=own), {"type": "http"})[0]["headers"] == own


def test_a_trusted_proxy_without_forwarding_headers_is_the_client():
    assert client_address({"client": ("10.0.0.1", 5555)}, frozenset({"10.0.0.1"})) == "10.0.0.1"
