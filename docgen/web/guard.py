"""What keeps the public page safe: security headers, per-address rate limits, the client's address.

Tokens are 120 bits, but a page that answers any number of guesses invites trying; so every
address gets a budget of answers per minute and of *unknown* tokens per hour, and is refused
with 429 beyond it. Behind the office's reverse proxy the client is the address the proxy
reports, believed only from a proxy the profile trusts.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["RateLimits", "Refused", "SecurityHeaders", "client_address"]

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]  # fmt: skip


class Refused(Exception):
    """A request answered with an HTTP status and one Indonesian line (an upload too large, a page
    the account may not open); the public page and the desk both turn it into their answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Scope = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware adding the headers to every answer (a plain wrapper: no per-request task)."""

    def __init__(self, app: App, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.headers = HEADERS if headers is None else headers

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                own = message.get("headers", [])
                named = {name.lower() for name, _ in own}  # the app's own choice wins (the stylesheet's caching)
                message["headers"] = [*own, *((name, value) for name, value in self.headers if name not in named)]
            await send(message)

        await self.app(scope, receive, with_headers)


class _Window:
    """Events of one address within a sliding window."""

    __slots__ = ("events",)

    def __init__(self) -> None:
        self.events: deque[float] = deque()


class RateLimits:
    """Per-address counters: answers per minute, unknown tokens per hour. In memory, per process."""

    def __init__(self, per_minute: int, unknown_per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.unknown_per_hour, self.clock = per_minute, unknown_per_hour, clock
        self._answers: dict[str, _Window] = {}
        self._unknown: dict[str, _Window] = {}
        self._swept = clock()

    def _count(self, table: dict[str, _Window], address: str, span: float, limit: int, add: bool) -> bool:
        now = self.clock()
        window = table.get(address)
        if window is None:
            window = table[address] = _Window()
        while window.events and window.events[0] <= now - span:
            window.events.popleft()
        if len(window.events) >= limit:
            return False
        if add:
            window.events.append(now)
        return True

    def allow(self, address: str) -> bool:
        """Count one answer to ``address``; False when its budget for the minute is spent."""
        self._sweep()
        return self._count(self._answers, address, 60.0, self.per_minute, add=True) and self._count(
            self._unknown, address, 3600.0, self.unknown_per_hour, add=False
        )

    def unknown(self, address: str) -> None:
        """Count an unknown or malformed token asked by ``address``."""
        self._count(self._unknown, address, 3600.0, self.unknown_per_hour, add=True)

    def _sweep(self) -> None:
        """Forget idle addresses now and then, so many visitors cannot grow memory without end."""
        now = self.clock()
        if now - self._swept < 300:
            return
        self._swept = now
        for table, span in ((self._answers, 60.0), (self._unknown, 3600.0)):
            for address in [a for a, w in table.items() if not w.events or w.events[-1] <= now - span]:
                del table[address]


def client_address(scope: Scope, trusted: frozenset[str]) -> str:
    """The visitor's address: the peer, or what a trusted proxy says in X-Forwarded-For."""
    peer = (scope.get("client") or ("-", 0))[0]
    if peer not in trusted:
        return peer
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            hops = [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
            for hop in reversed(hops):  # the nearest hop not a trusted proxy is the client
                if hop not in trusted:
                    return hop
    return peer
