"""``docgen serve``: the page every QR code leads to, and its JSON twin for other systems.

``GET  <base>/<token>``            the answer page (ASLI, BATAL or TIDAK DIKENAL, public fields)
``POST <base>/<token>``            the same, comparing an uploaded PDF (form field ``berkas``)
``GET  /api<base>/<token>``        the answer as JSON
``POST /api<base>/<token>``        the comparison as JSON (body: the PDF, or the same form)

``<base>`` is the path of ``verification.base_url`` (``/verifikasi``), so the QR codes already
printed lead here. A malformed token is answered exactly like an unknown one; no answer ever
carries a traceback, a path or anything from the register beyond the public fields.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from docgen.profile import Workspace
from docgen.register.lookup import PublicBooks
from docgen.web.guard import RateLimits, Refused, SecurityHeaders, client_address
from docgen.web.pages import CSS, UNKNOWN, answer, file_verdict, render_page
from docgen.web.upload import hash_upload

__all__ = ["base_path", "create_app"]

log = logging.getLogger("docgen.serve")
_TOO_MANY = "Terlalu banyak permintaan dari alamat Anda; coba lagi beberapa menit lagi"
_FAILED = "Maaf, pemeriksaan sedang tidak dapat dilakukan; coba lagi nanti"


def base_path(base_url: str) -> str:
    """``https://host/verifikasi/`` -> ``/verifikasi``; the QR codes' path is the page's path."""
    return "/" + urlsplit(base_url).path.strip("/") if urlsplit(base_url).path.strip("/") else ""


def create_app(workspace: Workspace, *, books: PublicBooks | None = None) -> Any:
    """The ASGI application for ``workspace`` (its register opened read-only)."""
    profile = workspace.profile
    settings = profile.verification
    base = base_path(settings.base_url)
    books = books or PublicBooks(workspace)
    limits = RateLimits(settings.requests_per_minute, settings.unknown_per_hour)
    trusted = frozenset(settings.trusted_proxies)
    emblem = workspace.emblem.read_bytes() if workspace.emblem.is_file() else b""

    def visitor(request: Request) -> str:
        return client_address(request.scope, trusted)

    def lookup(request: Request, token: str) -> dict[str, Any] | None:
        """The public answer, or None when this visitor has used up its budget."""
        address = visitor(request)
        if not limits.allow(address):
            return None
        result = answer(books.by_token(token), profile)
        if result["status"] == UNKNOWN:
            limits.unknown(address)
        return result

    def too_many(api: bool) -> Response:
        if api:
            return JSONResponse({"status": "DITOLAK", "keterangan": _TOO_MANY}, 429, headers={"retry-after": "60"})
        return PlainTextResponse(_TOO_MANY, 429, headers={"retry-after": "60"})

    async def page(request: Request) -> Response:
        token = request.path_params["token"]
        result = lookup(request, token)
        if result is None:
            return too_many(api=False)
        known = result["status"] != UNKNOWN
        html = render_page(profile, base, result, token=token if known else "")
        return HTMLResponse(html, 200 if known else 404)

    async def compare(request: Request, token: str) -> tuple[dict[str, Any], dict[str, str] | None, str, int]:
        result = lookup(request, token)
        if result is None:
            return {}, None, _TOO_MANY, 429
        if result["status"] == UNKNOWN:
            return result, None, "", 404
        try:
            upload = await hash_upload(request.headers.get("content-type", ""), request.stream(), settings.upload_bytes)
        except Refused as refused:
            return result, None, refused.message, refused.status
        issued = books.token_of_file(upload.sha256)
        other = books.by_token(issued) if issued and issued != token else None
        return result, file_verdict(token, issued, other.number if other else None), "", 200

    async def page_upload(request: Request) -> Response:
        token = request.path_params["token"]
        result, verdict, refused, status = await compare(request, token)
        if status == 429:
            return too_many(api=False)
        html = render_page(profile, base, result, token=token if status != 404 else "", upload=verdict, refused=refused)
        return HTMLResponse(html, status)

    async def api(request: Request) -> Response:
        result = lookup(request, request.path_params["token"])
        if result is None:
            return too_many(api=True)
        return JSONResponse(result, 200 if result["status"] != UNKNOWN else 404)

    async def api_upload(request: Request) -> Response:
        result, verdict, refused, status = await compare(request, request.path_params["token"])
        if status == 429:
            return too_many(api=True)
        body = {**result, **({"berkas": verdict} if verdict else {}), **({"ditolak": refused} if refused else {})}
        return JSONResponse(body, status)

    async def index(request: Request) -> Response:
        html = render_page(
            profile,
            base,
            {
                "status": "PINDAI KODE QR",
                "keterangan": "Pindai kode QR pada dokumen "
                "untuk memeriksa keasliannya; alamatnya membuka halaman ini dengan kode dokumen.",
            },
        )
        return HTMLResponse(html)

    async def stylesheet(request: Request) -> Response:
        return Response(CSS, media_type="text/css", headers={"cache-control": "public, max-age=86400"})

    async def emblem_image(request: Request) -> Response:
        return Response(emblem, media_type="image/png") if emblem else PlainTextResponse("", 404)

    async def failed(request: Request, exc: Exception) -> Response:
        log.error("verifikasi gagal: %s", type(exc).__name__)  # the cause goes to the log, never the answer
        return PlainTextResponse(_FAILED, 500)

    routes = [
        Route(f"{base}/gaya.css", stylesheet),
        Route(f"{base}/lambang.png", emblem_image),
        Route(f"{base}/", index),
        # :path, not :str: a token with a (%2F) slash in it is malformed and answered as unknown too
        Route(f"{base}/{{token:path}}", page, methods=["GET", "HEAD"]),
        Route(f"{base}/{{token:path}}", page_upload, methods=["POST"]),
        Route(f"/api{base}/{{token:path}}", api, methods=["GET", "HEAD"]),
        Route(f"/api{base}/{{token:path}}", api_upload, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={Exception: failed, 500: failed})
    return SecurityHeaders(app)
