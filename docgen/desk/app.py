"""``docgen meja``: the staff's desk on the office network (issue 16).

A separate application from the public verification page (``docgen serve``): it listens on its
own address (``[desk] host``/``port``), and no route of it is mounted in the public server, so a
login form or a staff page is never reachable from the internet through the QR codes' address.

Logging in and out live here; the pages live in one module each (home, documents, incoming,
drafting, search, batches) and are all wrapped by :func:`docgen.desk.handling.endpoint`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.desk import batches, documents, drafting, home, incoming, search
from docgen.desk.handling import Desk, read_form
from docgen.desk.logins import LoginGuard
from docgen.desk.sessions import COOKIE, Session, Sessions, cookie_header
from docgen.desk.views import STATIC, Views
from docgen.errors import DocgenError
from docgen.profile import Workspace
from docgen.register import Register
from docgen.register.users import AuthError, account_version, check_login, count_failure, record_shut_out
from docgen.web.guard import RateLimits, Refused, SecurityHeaders, client_address

__all__ = ["create_desk"]

log = logging.getLogger("docgen.desk")

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
     b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]  # fmt: skip
_STATIC = {"meja.css": "text/css", "meja.js": "text/javascript"}
_SMALL_FORM = 64_000  # the login and logout forms: a name, a password and two tokens
_THREADS = 16  # pages worked on at once; more only queue for the same two or four cores


def _next(target: str | None) -> str:
    """Only a path on this desk: ``//evil.example`` or a full URL would send the clerk elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return urlsplit(target).path or "/"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _https(request: Request, proxies: frozenset[str]) -> bool:
    """Did the browser use https: directly, or to the office's https front (a trusted proxy)?"""
    if request.url.scheme == "https":
        return True
    peer = (request.scope.get("client") or ("-", 0))[0]
    return peer in proxies and request.headers.get("x-forwarded-proto", "").lower() == "https"


def create_desk(workspace: Workspace) -> Any:
    """The ASGI application of the desk for ``workspace``."""
    settings = workspace.profile.desk
    desk = Desk(workspace, Sessions(settings.idle_minutes * 60), Views(workspace.profile))
    # Lock-out guards each account; this guards the form: one address trying many names or
    # passwords is refused for a while before it can lock the whole office out.
    attempts = RateLimits(settings.logins_per_minute, settings.failed_logins_per_hour)
    guard = LoginGuard()  # and this guards each colleague: guessing from one address shuts out only that address
    proxies = frozenset(settings.trusted_proxies)

    def with_cookie(response: Response, session: Session) -> Response:
        response.headers.append("set-cookie", cookie_header(session.token, secure=settings.cookie_secure))
        return response

    async def login_page(request: Request) -> Response:
        session = desk.sessions.get(request.cookies.get(COOKIE))
        if session is not None and session.username is not None:
            return RedirectResponse(_next(request.query_params.get("lanjut")), 303)
        session = session or desk.sessions.open()
        html = desk.views.render("masuk.html", csrf=session.csrf, lanjut=_next(request.query_params.get("lanjut")))
        return with_cookie(Response(html, media_type="text/html"), session)

    async def login(request: Request) -> Response:
        session = desk.sessions.get(request.cookies.get(COOKIE))
        try:
            form = await read_form(request, _SMALL_FORM, max_files=0, max_fields=10, max_part_size=4096)
        except Refused as refused:
            return desk.views.plain(refused.status, refused.message)
        if session is None or not session.csrf_ok(str(form.get("csrf", ""))):
            return desk.views.plain(403, "Formulir masuk kedaluwarsa (token CSRF); buka lagi halaman masuk")
        target = _next(str(form.get("lanjut", "")))

        def again(message: str, status: int) -> Response:
            html = desk.views.render("masuk.html", csrf=session.csrf, lanjut=target, galat=message,
                                     nama=str(form.get("nama", ""))[:40])  # fmt: skip
            return Response(html, status, media_type="text/html")

        address = client_address(request.scope, proxies)
        if not attempts.allow(address):
            return again("Terlalu banyak percobaan masuk dari alamat ini; tunggu beberapa menit lalu coba lagi", 429)
        if settings.cookie_secure and not _https(request, proxies) and not _loopback(request.url.hostname or ""):
            return again("Meja kerja ini harus dibuka lewat https; atau atur [desk] cookie_secure = false "
                         "untuk jaringan kantor tanpa https", 400)  # fmt: skip
        name = str(form.get("nama", "")).strip().lower()
        shut = guard.shut(name, address)
        try:
            user, account = await run_in_threadpool(_authenticate, workspace, name, str(form.get("sandi", "")),
                                                    guard.known(name, address), shut)  # fmt: skip
        except AuthError as refused:
            attempts.unknown(address)
            answer = again(str(refused), 401)
            if not shut:  # counted after the answer went out: its time cannot tell whether the name exists
                answer.background = BackgroundTask(_count_failure, workspace, name, address,
                                                   guard.failed(name, address))  # fmt: skip
            return answer
        except DocgenError as exc:
            return again(str(exc), 503)
        guard.succeeded(user.username, address)
        desk.sessions.close(session.token)  # a new id at login: a planted session id is worth nothing
        fresh = desk.sessions.open(user.username, account)
        log.info("masuk: %s", user.username)
        return with_cookie(RedirectResponse(target, 303), fresh)

    async def logout(request: Request) -> Response:
        session = desk.sessions.get(request.cookies.get(COOKIE))
        try:
            form = await read_form(request, _SMALL_FORM, max_files=0, max_fields=10, max_part_size=4096)
        except Refused as refused:
            return desk.views.plain(refused.status, refused.message)
        if session is None or not session.csrf_ok(str(form.get("csrf", ""))):
            return desk.views.plain(403, "Formulir keluar kedaluwarsa (token CSRF); muat ulang halaman")
        desk.sessions.close(session.token)
        response = RedirectResponse("/masuk", 303)
        response.headers.append("set-cookie", cookie_header("", secure=settings.cookie_secure, max_age=0))
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return desk.views.plain(404, "Halaman tidak ditemukan")
        return Response((STATIC / name).read_bytes(), media_type=_STATIC[name],
                        headers={"cache-control": "private, max-age=3600"})  # fmt: skip

    async def missing(request: Request, exc: Exception) -> Response:
        return desk.views.plain(404, "Halaman tidak ditemukan; kembali ke beranda")

    async def failed(request: Request, exc: Exception) -> Response:
        log.exception("meja kerja gagal", exc_info=exc)  # the cause goes to the log, never the page
        return desk.views.plain(500, "Maaf, terjadi kesalahan; coba lagi atau hubungi admin")

    routes = [
        Route("/masuk", login_page, methods=["GET"]),
        Route("/masuk", login, methods=["POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Route("/statis/{name}", static, methods=["GET"]),
    ]
    for module in (home, documents, incoming, drafting, search, batches):
        routes += module.routes(desk)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        # Each worker thread keeps a register connection (handling.Desk.books): bound their
        # number, so a PostgreSQL register sees at most this many connections from the desk.
        anyio.to_thread.current_default_thread_limiter().total_tokens = _THREADS
        yield

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: missing, 405: missing, Exception: failed, 500: failed})  # fmt: skip
    return SecurityHeaders(app, HEADERS)


def _authenticate(
    workspace: Workspace, username: str, password: str, known: bool, shut: bool
) -> tuple[Any, str | None]:
    with Register.open(workspace) as reg:
        user = check_login(reg, username, password, known=known, shut=shut)
        return user, account_version(reg, user.username)


def _count_failure(workspace: Workspace, username: str, address: str, shut_for: float | None) -> None:
    """After a refused login's answer: count it against the account, and record a new shut-out."""
    try:
        with Register.open(workspace) as reg:
            count_failure(reg, username)
            if shut_for is not None:
                record_shut_out(reg, username, address, datetime.now(UTC) + timedelta(seconds=shut_for))
    except DocgenError as exc:  # the register is busy or gone: the login was refused all the same
        log.warning("percobaan masuk gagal tidak tercatat: %s", exc)
