"""A small HTTP client that behaves like a browser towards the desk: cookies, CSRF tokens, forms.

No third-party client: the Python standard library's cookie jar drops ``Secure`` cookies over
plain http (as it should), so this client keeps the session cookie itself and the tests can
check the cookie's attributes as the server set them.
"""

from __future__ import annotations

import http.client
import re
import secrets
import uuid
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

__all__ = ["Answer", "DeskClient", "csrf_of"]

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: list[str] = field(default_factory=list)  # Set-Cookie headers as sent

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def plain(self) -> str:
        """The page's text without tags, entities resolved: what a person reads."""
        return unescape(re.sub(r"<[^>]+>", " ", self.text))


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


class DeskClient:
    """One browser: its own session cookie, following the desk's redirects by hand when asked."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.cookie = ""
        self.csrf = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            sent = dict(headers or {})
            if self.cookie:
                sent["Cookie"] = f"meja_sesi={self.cookie}"
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            cookies = response.headers.get_all("set-cookie") or []
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data, cookies)
        finally:
            conn.close()
        for cookie in cookies:
            value = cookie.split(";", 1)[0].split("=", 1)
            if value[0] == "meja_sesi":
                self.cookie = value[1]
        html = answer.headers.get("content-type", "").startswith("text/html")
        page_csrf = _CSRF.search(answer.text) if html else None
        if page_csrf:
            self.csrf = page_csrf.group(1)
        return answer

    def get(self, path: str, *, follow: bool = True) -> Answer:
        answer = self.request("GET", path)
        while follow and answer.status in (302, 303) and answer.location.startswith("/"):
            answer = self.request("GET", answer.location)
        return answer

    def post(
        self,
        path: str,
        fields: dict[str, str | list[str]] | None = None,
        *,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        csrf: bool = True,
        follow: bool = True,
    ) -> Answer:
        """Post a form (multipart when ``files``), with this session's CSRF token unless ``csrf`` is False."""
        items: list[tuple[str, str]] = []
        for key, value in (fields or {}).items():
            items += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
        if csrf:
            items.append(("csrf", self.csrf))
        if files:
            body, content_type = _multipart(items, files)
        else:
            body, content_type = urlencode(items).encode(), "application/x-www-form-urlencoded"
        answer = self.request("POST", path, body, {"Content-Type": content_type})
        while follow and answer.status in (302, 303) and answer.location.startswith("/"):
            answer = self.request("GET", answer.location)
        return answer

    def login(self, username: str, password: str) -> Answer:
        self.get("/masuk")
        return self.post("/masuk", {"nama": username, "sandi": password})


def _multipart(items: list[tuple[str, str]], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----meja{uuid.uuid4().hex}{secrets.token_hex(4)}"
    parts: list[bytes] = []
    for key, value in items:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for key, (name, data, media) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{Path(name).name}"\r\n'
        parts.append(head.encode() + f"Content-Type: {media}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
