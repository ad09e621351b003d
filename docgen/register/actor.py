"""Who is changing the register: a desk account, or the person at the command line.

Kept apart from the event log so that the command line can name its user without loading
SQLite for ``docgen --help``.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["acting_as", "command_user", "current_actor"]

_actor: ContextVar[str | None] = ContextVar("docgen_actor", default=None)


@contextmanager
def acting_as(who: str | None) -> Iterator[None]:
    """Every event appended inside the block names ``who`` as ``pengguna`` (None: nobody).

    A context variable rather than a parameter: the desk and the command line call the same
    library functions (pipeline, incoming, stamping), and threading a user through each of them
    would give every caller a second way to call them.
    """
    token = _actor.set(who)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str | None:
    return _actor.get()


def command_user() -> str:
    """The operating-system account and machine a command runs under, as events name it."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "tanpa-nama"
    return f"{login}@{socket.gethostname()} (perintah)"
