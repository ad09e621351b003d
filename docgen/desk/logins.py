"""Who may try a desk account from where: the per-address lock-out and the addresses an account knows.

An account used to lock for everyone after five wrong passwords, so five guesses from any PC
locked a colleague out of the desk (issue 21). Now five wrong passwords from one address shut
*that address* out of *that account* for fifteen minutes; the colleague at their own PC is not
affected. Only failures from addresses not yet shut out are counted against the account in the
register (:func:`docgen.register.users.count_failure`), where twenty in a row lock it for every
address it has not logged in from: guessing from many addresses is braked too. Kept in the desk's
memory like its sessions: a restart forgets it, which only an administrator can cause.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from docgen.register.users import LOCK_AFTER, LOCK_FOR

__all__ = ["LoginGuard"]

_KNOWN_FOR = 30 * 24 * 3600.0  # an address an account logged in from stays known this long
_KNOWN_PER_ACCOUNT = 16  # a clerk's PC, a laptop, the meeting room; the oldest is forgotten past it


class LoginGuard:
    """Failed logins per (account, address) and the addresses each account logged in from."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.span = LOCK_FOR.total_seconds()
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._known: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def shut(self, username: str, address: str) -> bool:
        """True while ``address`` has used up its wrong passwords for ``username``."""
        with self._lock:
            return len(self._recent(username, address)) >= LOCK_AFTER

    def failed(self, username: str, address: str) -> float | None:
        """Count a wrong password; when it shuts the address out, the seconds it stays shut out."""
        with self._lock:
            self._sweep()
            now = self.clock()
            recent = self._recent(username, address)
            recent.append(now)
            self._failures[(username, address)] = recent
            return recent[0] + self.span - now if len(recent) == LOCK_AFTER else None

    def succeeded(self, username: str, address: str) -> None:
        """A login from ``address``: its failures are forgiven and the account knows it from now on."""
        with self._lock:
            self._failures.pop((username, address), None)
            known = self._known.setdefault(username, {})
            known[address] = self.clock()
            while len(known) > _KNOWN_PER_ACCOUNT:
                del known[min(known, key=known.__getitem__)]

    def known(self, username: str, address: str) -> bool:
        with self._lock:
            seen = self._known.get(username, {}).get(address)
            return seen is not None and self.clock() - seen < _KNOWN_FOR

    def _recent(self, username: str, address: str) -> deque[float]:
        recent = self._failures.get((username, address), deque())
        now = self.clock()
        while recent and recent[0] <= now - self.span:
            recent.popleft()
        return recent

    def _sweep(self) -> None:
        """Forget stale windows now and then: names guessed once cannot grow memory without end
        (each address is also bounded by the desk's failed_logins_per_hour)."""
        now = self.clock()
        if now - self._swept < 300:
            return
        self._swept = now
        for key in [k for k, w in self._failures.items() if not w or w[-1] <= now - self.span]:
            del self._failures[key]
