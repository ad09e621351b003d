"""What goes wrong with a PostgreSQL register, said in one Indonesian line without the password.

Kept apart from the connection adapter (``docgen.store.postgres``): which failures a retry
can mend, and the words a clerk or an admin reads, are one concern; talking to the server another.

:func:`redacted` is the one mask for secrets: every message, log line, void reason and event
that may carry a register URL or a server's error text goes through it. It masks a password
wherever libpq would find one (``user:pw@`` in a URL, ``?password=``, ``password=`` in a
key=value string) and every password this process was given (:func:`remember`), in the forms
it may be quoted in (as typed, decoded, percent-encoded): libpq repeats a URL's password in
some of its own errors (``invalid percent-encoded token: "pa%zz"``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
from typing import Any
from urllib.parse import quote, quote_plus, unquote

from docgen.errors import NOTHING_NUMBERED, RegisterAbsent, RegisterBusy, RegisterError, RegisterUnusable

__all__ = ["is_postgres", "mask_logs", "permanent", "pg_error", "redacted", "remember"]

MASK = "***"
#: A URL's user part: from the scheme to the last ``@`` before the path. It may run over spaces,
#: ``?`` and ``#`` (libpq reads a password up to ``@`` or ``/``); a URL without ``@`` is left alone.
_URL = re.compile(r"(?P<scheme>postgres(?:ql)?://)(?P<userinfo>[^/\n]*)@", re.IGNORECASE)
#: ``password=...`` as a URL query parameter (up to the next ``&``) ...
_QUERY = re.compile(r"(?P<key>[?&](?:ssl)?password=)(?P<value>[^&#\s\"'<>]*)", re.IGNORECASE)
#: ... and in a key=value connection string (a quoted value may hold spaces and \' escapes).
_KEYWORD = re.compile(
    r"(?P<key>(?<![?&\w])(?:pg|ssl)?password\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'?|[^\s'\"]+)", re.IGNORECASE
)
_known: set[str] = set()  # passwords this process was given, never forgotten while it runs
#: Shorter passwords are masked only where a URL or connection string holds them: replacing every
#: "x" in every message would garble them all (and such a password guards nothing anyway).
_MIN_KNOWN = 4


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0] in ("postgresql", "postgres")


def mask_logs() -> None:
    """Mask passwords in every log record this process makes, whichever handler prints it.

    A record factory, not a handler filter: uvicorn's handlers and logging's last-resort handler
    print records too, and a traceback's chained psycopg error may quote a URL's password.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_secrets", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        with contextlib.suppress(Exception):  # a record that cannot be formatted is logging's to report
            record.msg, record.args = redacted(record.getMessage()), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redacted(logging.Formatter().formatException(record.exc_info))
        return record

    factory.masks_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _url_passwords(url: str) -> set[str]:
    """Every string a reader could take for the password of ``url``, as written and decoded.

    Python splits the authority at its last ``@``, libpq at its first: both readings count, and
    the query's ``password`` and ``sslpassword`` values too.
    """
    found: set[str] = set()
    for match in _URL.finditer(url):
        userinfo = match["userinfo"]
        for creds in {userinfo, userinfo.partition("@")[0]}:
            if ":" in creds:
                found.add(creds.partition(":")[2])
    found.update(m["value"] for m in _QUERY.finditer(url))
    found.update(m["value"].strip("'") for m in _KEYWORD.finditer(url))
    return found | {unquote(s) for s in found}


def remember(url: str | None) -> None:
    """Keep the passwords of ``url`` (a register URL from the profile or the environment) to mask them.

    Called wherever a URL enters the program, so a password that a server or libpq quotes in a
    mangled form (cut at an ``@``, inside an error) is still recognised as a whole.
    """
    if not url:
        return
    found = _url_passwords(url)
    try:
        from psycopg.conninfo import conninfo_to_dict  # libpq's own reading, when it can read the URL

        parsed = conninfo_to_dict(url)
        found.update(str(parsed.get(key) or "") for key in ("password", "sslpassword"))
    except Exception:  # noqa: BLE001 - an unreadable URL is reported by url_problem, not here
        pass
    _known.update(s for s in found if len(s) >= _MIN_KNOWN)


def _forms(secret: str) -> set[str]:
    """How a password may be spelled in text: as is, percent-encoded, inside JSON or a repr."""
    return {secret, quote(secret, safe=""), quote(secret), quote_plus(secret), json.dumps(secret)[1:-1],
            repr(secret)[1:-1]} - {""}  # fmt: skip


def redacted(text: str) -> str:
    """``text`` (a URL, a connection string, a message) with every password replaced by ``***``.

    A URL keeps its user, host, port and database, so an admin still sees which server is meant.
    """
    if not text:
        return text

    def authority(match: re.Match[str]) -> str:
        userinfo = match["userinfo"]
        user, colon, _ = userinfo.partition(":")
        user = user.partition("@")[0]
        return f"{match['scheme']}{user}{':' + MASK if colon or '@' in userinfo else ''}@"

    if "@" in text:  # the cheap tests first: most texts (event details) hold no URL at all
        text = _URL.sub(authority, text)
    if "password" in text.lower():
        text = _QUERY.sub(lambda m: m["key"] + MASK, text)
        text = _KEYWORD.sub(lambda m: m["key"] + MASK, text)
    for form in _spellings(frozenset(_known), os.environ.get("PGPASSWORD") or ""):
        if form in text:
            text = text.replace(form, MASK)
    return text


@functools.lru_cache(maxsize=8)
def _spellings(known: frozenset[str], env: str) -> tuple[str, ...]:
    """Every spelling of the known passwords, longest first; worked out once per set of passwords."""
    secrets = set(known) | ({env} if len(env) >= _MIN_KNOWN else set())
    return tuple(sorted({f for s in secrets for f in _forms(s)}, key=len, reverse=True))


def permanent(exc: Exception) -> bool:
    """Errors a retry cannot mend: a wrong password, a missing database or role, a malformed URL."""
    text = str(exc).lower()
    words = ("password", "does not exist", "authentication", "no pg_hba.conf")
    return any(word in text for word in words) or bool(_BAD_URL.search(text))


def pg_error(exc: Exception, url: str, *, committing: bool = False) -> RegisterError:
    """One Indonesian line naming the cause and the fix; the password never appears in it.

    Statement errors are told by their SQLSTATE class, connection errors by libpq's words: read
    as words, ``column "roles" does not exist`` once came out as "no such user on the server".
    """
    import psycopg

    where = f"Register PostgreSQL {redacted(url)}"
    text = str(exc)
    first = redacted(text.strip().splitlines()[0] if text.strip() else type(exc).__name__)
    damage = _named_damage(exc)
    if damage:
        return RegisterUnusable(f"{where}: {damage}; {_RESTORE}")
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.InsufficientPrivilege):
        return RegisterError(f"{where}: pengguna ini tidak boleh menulis ({first}); periksa hak akses pengguna")
    if isinstance(exc, psycopg.OperationalError):
        return _connection_error(exc, where, first, committing=committing)
    if isinstance(exc, psycopg.ProgrammingError) and _BAD_URL.search(text):
        return RegisterUnusable(f"{where}: alamat tidak sah ({first}); perbaiki [register] url di docgen.toml")
    return RegisterError(f"{where}: galat basis data ({first}); jalankan 'docgen register check'")


_RESTORE = (
    "pulihkan basis data dari cadangan pg_dump terbaru (lihat README: PostgreSQL) lalu jalankan 'docgen register check'"
)
_BAD_URL = re.compile(r"invalid (?:percent-encoded|integer value|port|URI|connection option)|missing \"=\"", re.I)
_RELATION = re.compile(r'relation "(?:[^"]+\.)?([^"]+)" does not exist')
_COLUMN = re.compile(r'column "?([\w.]+?)"? (?:of relation "([^"]+)" )?does not exist')


def _named_damage(exc: Exception) -> str | None:
    """The register's table or column a server error says is missing, as a clerk reads it, or None.

    A table renamed or dropped, a column dropped: the books were changed outside docgen, and no
    retry or fix of the request in hand will mend that.
    """
    import psycopg

    text = str(exc)
    if isinstance(exc, psycopg.errors.UndefinedTable):
        found = _RELATION.search(text)
        return f"tabel register {found[1] if found else '(tak bernama)'} tidak ada di basis data (skema rusak)"
    if isinstance(exc, psycopg.errors.UndefinedColumn):
        found = _COLUMN.search(text)
        if found is None:
            return "kolom tabel register hilang (skema rusak)"
        table, _, column = found[1].rpartition(".")
        table = found[2] or table
        return f"kolom {column} hilang dari tabel register{' ' + table if table else ''} (skema rusak)"
    return None


def _connection_error(exc: Exception, where: str, first: str, *, committing: bool) -> RegisterError:
    """Connection failures, told by libpq's words (they carry no SQLSTATE before a session exists)."""
    low = str(exc).lower()  # classified before masking: a password "x" must not turn "exist" into "e***ist"
    if "password" in low or "authentication failed" in low:
        return RegisterUnusable(f"{where}: sandi atau pengguna ditolak server; periksa [register] url di docgen.toml")
    if "database" in low and "does not exist" in low:
        return RegisterAbsent(
            f"{where}: basis data tidak ada di server; buat dulu (README: PostgreSQL), lalu 'docgen register create'",
            reason="basis data tidak ada di server",
        )
    if "role" in low and "does not exist" in low:
        return RegisterUnusable(f"{where}: pengguna tidak ada di server; buat pengguna itu (lihat README: PostgreSQL)")
    if "no pg_hba.conf" in low:
        return RegisterUnusable(f"{where}: server menolak komputer ini (pg_hba.conf); minta admin membuka aksesnya")
    if _BAD_URL.search(low):
        return RegisterUnusable(f"{where}: alamat tidak sah ({first}); perbaiki [register] url di docgen.toml")
    if committing:
        return RegisterBusy(
            f"{where}: sambungan putus saat menyimpan; jalankan 'docgen register check' untuk memastikan "
            "hasilnya, lalu ulangi bila belum tercatat"
        )
    return RegisterBusy(
        f"{where}: server tidak terjangkau atau sambungan putus ({first}); pastikan server hidup dan jaringan "
        f"tersambung, lalu ulangi {NOTHING_NUMBERED}"
    )
