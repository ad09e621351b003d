"""One wrapper around every desk page: session, account, role, CSRF, uploads, then the library call.

Each page is a plain function of a :class:`Ctx` that calls the same library functions as the
command line. The wrapper does everything a page must never forget: it finds the session,
reloads the account (deactivated means logged out at once), checks the page's permission on the
server, refuses a form whose CSRF token is missing or wrong, keeps uploads within their limit,
and runs the page in a worker thread inside :func:`acting_as`, so every event the call appends
names the user.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from docgen.desk.sessions import COOKIE, Session, Sessions
from docgen.desk.views import Views
from docgen.errors import DocgenError, RegisterUnusable
from docgen.profile import Workspace
from docgen.register import Register
from docgen.register.actor import acting_as
from docgen.register.users import User, account_version, get_user
from docgen.store.db import file_gone
from docgen.web.guard import Refused

__all__ = ["Ctx", "Desk", "Saved", "endpoint", "on_document_page", "read_form"]

log = logging.getLogger("docgen.desk")
_FORM_SLACK = 1_000_000  # the form's text fields and multipart framing around an upload
_UPLOAD_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".csv"}


@dataclass(frozen=True)
class Saved:
    """An uploaded file, saved under a name docgen chose (the client's name is only shown)."""

    path: Path
    filename: str
    size: int


@dataclass
class Desk:
    """What every page shares: the workspace, the sessions and the page renderer."""

    workspace: Workspace
    sessions: Sessions
    views: Views
    local: threading.local = field(default_factory=threading.local)
    jobs: dict[str, Any] = field(default_factory=dict)  # batch jobs by id (docgen.desk.batches)
    trays: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # home page queues (docgen.desk.home)

    @contextmanager
    def books(self) -> Iterator[Register]:
        """This worker thread's register, opened once and kept, as the watcher keeps its own.

        Opening the register for every page was 40% of the desk's time under 20 clients
        (resolving paths, checking the file is still the one opened, reading the schema
        version); a connection that failed is closed and the next page opens a fresh one.
        """
        reg = getattr(self.local, "register", None)
        if reg is not None and file_gone(reg.conn):  # restored from a backup: read the new books
            with suppress(Exception):
                reg.close()
            reg = None
        if reg is None:
            reg = self.local.register = Register.open(self.workspace, long_running=True)
        try:
            yield reg
        except BaseException as exc:
            if not isinstance(exc, (Refused, DocgenError)) or isinstance(exc, RegisterUnusable):
                self.local.register = None
                with suppress(Exception):
                    reg.close()
            raise


@dataclass
class Ctx:
    request: Request
    desk: Desk
    user: User
    session: Session
    form: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, Saved] = field(default_factory=dict)
    folder: Path | None = None  # where this request's uploads were saved; removed after the answer

    @property
    def workspace(self) -> Workspace:
        return self.desk.workspace

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        flashes, self.session.flashes = self.session.flashes, []
        html = self.desk.views.render(template, user=self.user, csrf=self.session.csrf, flashes=flashes, **values)
        return HTMLResponse(html, status)

    def back(self, url: str, message: str = "", *, error: bool = False) -> RedirectResponse:
        """Post/redirect/get: the next page shows ``message`` once."""
        if message:
            self.session.flashes.append(("galat" if error else "ok", message))
        return RedirectResponse(url, 303)

    def int_param(self, name: str) -> int:
        raw = self.request.path_params.get(name, "")
        if not str(raw).isdigit() or len(str(raw)) > 18:
            raise Refused(404, "Halaman tidak ditemukan")
        return int(raw)


Handler = Callable[[Ctx], Response]
Check = Callable[[User], bool]


def endpoint(desk: Desk, handler: Handler, allowed: Check) -> Callable[[Request], Any]:
    """A Starlette endpoint that runs ``handler`` only for a logged-in user ``allowed`` lets in."""

    async def run(request: Request) -> Response:
        session = desk.sessions.get(request.cookies.get(COOKIE))
        if session is None or session.username is None:
            if request.method == "GET":
                return RedirectResponse(f"/masuk?lanjut={quote(request.url.path)}", 303)
            return desk.views.plain(401, "Sesi berakhir; masuk lagi lalu ulangi")
        form: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        uploads: dict[str, UploadFile] = {}
        if request.method == "POST":
            try:
                data = await read_form(request, desk.workspace.profile.desk.upload_bytes + _FORM_SLACK)
            except Refused as refused:
                return desk.views.plain(refused.status, refused.message)
            if not session.csrf_ok(data.get("csrf") if isinstance(data.get("csrf"), str) else None):
                return desk.views.plain(403, "Formulir ditolak: token keamanan (CSRF) tidak ada atau kedaluwarsa; "
                                             "muat ulang halaman lalu kirim lagi")  # fmt: skip
            for key, value in data.multi_items():
                if isinstance(value, UploadFile):
                    if value.filename:
                        uploads[key] = value
                else:
                    form[key] = value
                    lists.setdefault(key, []).append(value)
        folder = Path(tempfile.mkdtemp(prefix="docgen-meja-")) if uploads else None
        try:
            return await run_in_threadpool(_in_thread, desk, request, session, form, lists, uploads, folder, handler,
                                           allowed)  # fmt: skip
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    return run


def on_document_page(handler: Handler) -> Handler:
    """Library refusals (a wrong state, a broken PDF) return to the document's page, shown there."""

    def run(ctx: Ctx) -> Response:
        try:
            return handler(ctx)
        except DocgenError as exc:
            return ctx.back(f"/dokumen/{ctx.int_param('doc_id')}", str(exc), error=True)

    return run


#: What one desk form may hold (issue 21): its parts are bounded, not only its bytes, so memory
#: per request stays small however the body is cut. The largest forms (a kind's fields with 15
#: list rows, a few pictures) stay far below these.
FORM_FILES = 20
FORM_FIELDS = 500
FORM_FIELD_BYTES = 256_000  # one text field; files are counted against upload_bytes instead
_FORM_TOO_BIG = "Formulir terlalu besar atau berisi terlalu banyak isian atau berkas; muat ulang lalu kirim lagi"


async def read_form(
    request: Request,
    limit: int,
    *,
    max_files: int = FORM_FILES,
    max_fields: int = FORM_FIELDS,
    max_part_size: int = FORM_FIELD_BYTES,
) -> FormData:
    """The request's form, refused in one Indonesian line (:class:`Refused`) when it is too large,
    has no length, has too many parts or cannot be read; Starlette's own refusals are in English.

    The body's length is checked before a byte is read: the server stops reading a body longer
    than its Content-Length, so ``limit`` bounds every form, the login form's too.
    """
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise Refused(411, "Kiriman tanpa panjang (Content-Length) ditolak; kirim lagi dari formulir")
    if int(length) > limit:
        size = f"{limit // 1_000_000} MB ([desk] upload_bytes)" if limit >= 1_000_000 else f"{limit // 1000} kB"
        raise Refused(413, f"Kiriman terlalu besar: batasnya {size}; perkecil berkas lalu kirim lagi")
    try:
        return await request.form(max_files=max_files, max_fields=max_fields, max_part_size=max_part_size)
    except HTTPException as exc:
        if "Too many" in str(exc.detail) or "exceeded" in str(exc.detail):
            raise Refused(413, _FORM_TOO_BIG) from exc
        raise Refused(400, "Formulir tidak terbaca; muat ulang halaman lalu kirim lagi") from exc


def _in_thread(
    desk: Desk,
    request: Request,
    session: Session,
    form: dict[str, str],
    lists: dict[str, list[str]],
    uploads: dict[str, UploadFile],
    folder: Path | None,
    handler: Handler,
    allowed: Check,
) -> Response:
    try:
        with desk.books() as reg:
            user = get_user(reg, session.username or "")
            unchanged = account_version(reg, user.username) == session.account
    except DocgenError as exc:  # the register cannot be read: say so, and keep the session
        return desk.views.plain(503, str(exc))
    if not user.active or not unchanged:
        desk.sessions.close(session.token)
        return desk.views.plain(401, "Akun Anda diubah atau dinonaktifkan admin; masuk lagi (atau hubungi admin)")
    if not allowed(user):
        return desk.views.plain(403, "Anda tidak berwenang membuka halaman atau melakukan tindakan ini")
    limit = desk.workspace.profile.desk.upload_bytes
    ctx = Ctx(request, desk, user, session, form, lists, folder=folder)
    try:
        for index, (key, upload) in enumerate(uploads.items()):
            assert folder is not None  # made whenever there are uploads
            ctx.files[key] = _save(upload, folder, index, limit)
        with acting_as(user.username):
            return handler(ctx)
    except Refused as refused:
        return desk.views.plain(refused.status, refused.message)
    except DocgenError as exc:
        return desk.views.plain(400, str(exc))


def _save(upload: UploadFile, folder: Path, index: int, limit: int) -> Saved:
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in _UPLOAD_SUFFIXES:
        raise Refused(415, f"Berkas {upload.filename!r} bukan PDF, JPEG, PNG, XLSX atau CSV; simpan ulang lalu unggah")
    target = folder / f"unggahan-{index}{suffix}"
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise Refused(413, f"Berkas {upload.filename!r} melebihi {limit // 1_000_000} MB; perkecil lalu unggah")
            out.write(chunk)
    return Saved(target, Path(upload.filename or "").name[:120], size)
