"""Desk sessions: a random token in an HTTP-only cookie, the account and its CSRF token on the server.

Kept in the desk process's memory, not in a signed cookie: logging out, deactivating an account
or an idle timeout ends the session at once, which a self-contained cookie cannot promise. A
restart of the desk logs everyone out, which an office accepts. Every visitor gets a session
before logging in too, so the login form carries a CSRF token like every other form, and the
token is replaced at login so a session id planted before it is worth nothing after.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

__all__ = ["COOKIE", "Session", "Sessions", "cookie_header"]

COOKIE = "meja_sesi"
_MAX_SESSIONS = 20_000  # far beyond an office's staff; the oldest idle ones go first past it


@dataclass
class Session:
    token: str
    csrf: str
    username: str | None = None
    seen: float = field(default_factory=time.monotonic)
    flashes: list[tuple[str, str]] = field(default_factory=list)  # shown once on the next page
    account: str | None = None  # the account's version at login (docgen.register.users.account_version)

    def csrf_ok(self, offered: str | None) -> bool:
        return bool(offered) and hmac.compare_digest(self.csrf.encode(), str(offered).encode())


class Sessions:
    """Every open session of one desk process, expired after ``idle_s`` seconds unused."""

    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            if now - session.seen > self.idle_s:
                del self._by_token[token]
                return None
            session.seen = now
            return session

    def open(self, username: str | None = None, account: str | None = None) -> Session:
        """A new session with fresh token and CSRF token (anonymous until login)."""
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), username, account=account)
        with self._lock:
            if len(self._by_token) >= _MAX_SESSIONS:
                self._evict()
            self._by_token[session.token] = session
        return session

    def close(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

    def close_user(self, username: str) -> None:
        """End every session of an account (deactivated, or its password changed)."""
        with self._lock:
            for token in [t for t, s in self._by_token.items() if s.username == username]:
                del self._by_token[token]

    def _evict(self) -> None:
        oldest = sorted(self._by_token.values(), key=lambda s: (s.username is not None, s.seen))
        for session in oldest[: len(oldest) // 10 or 1]:
            del self._by_token[session.token]


def cookie_header(token: str, *, secure: bool, max_age: int | None = None) -> str:
    """The Set-Cookie value: HTTP-only (no script reads it), SameSite=Strict (no other site sends it)."""
    parts = [f"{COOKIE}={token}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)
