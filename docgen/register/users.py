"""Desk accounts in the register: who may log in, with which roles, and the lock-out after guessing.

Accounts live in the register beside the documents so that every change to them is an event in
the same hash chain (an auditor sees who was given ``pimpinan`` and when), and a register copied
to PostgreSQL takes its accounts along. Passwords are kept only as argon2id hashes; neither a
password nor its hash ever reaches a message or an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from docgen.errors import DocgenError, RegisterError
from docgen.register.events import append_event, now_iso
from docgen.store.db import atomic

__all__ = [
    "ACCOUNT_LOCK_AFTER",
    "account_version",
    "activate",
    "check_login",
    "count_failure",
    "record_shut_out",
    "LOCK_AFTER",
    "LOCK_FOR",
    "MIN_PASSWORD",
    "ROLES",
    "AuthError",
    "User",
    "add_user",
    "authenticate",
    "deactivate",
    "get_user",
    "list_users",
    "update_user",
]

#: The office's roles (issue 16): Sub Bagian Umum, the head, unit heads, permits, finance, admin.
ROLES = ("umum", "pimpinan", "bidang", "perizinan", "keuangan", "admin")
#: Wrong passwords from one address that shut that address out of that account for LOCK_FOR
#: (kept by the desk, docgen.desk.logins); ACCOUNT_LOCK_AFTER in a row from anywhere lock the
#: account in the register for every address it has not logged in from.
LOCK_AFTER = 5
ACCOUNT_LOCK_AFTER = 20
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 10
_MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte "password" is only a way to burn CPU
_USERNAME = re.compile(r"[a-z0-9._-]{3,32}")
_BAD_LOGIN = (
    "Nama pengguna atau kata sandi salah; periksa keduanya lalu coba lagi (setelah 5 kali salah, "
    "masuk dari komputer ini ditahan 15 menit)"
)

_hasher = PasswordHasher()  # argon2id with the library's current parameters
_dummy_hash: list[str] = []  # hashed once: an unknown name costs a verification too, so timing tells nothing


class AuthError(DocgenError):
    """A login was refused: wrong name or password (one message for both), inactive, or locked."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    roles: tuple[str, ...]
    unit: str
    active: bool


_COLUMNS = "username, name, roles, unit, active"


def _user(row: Any) -> User:
    roles = tuple(r for r in str(row[2]).split(",") if r)
    return User(username=row[0], name=row[1], roles=roles, unit=row[3], active=bool(row[4]))


def _check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise RegisterError(
            f"Nama pengguna '{username[:40]}' tidak sah; pakai 3-32 huruf kecil, angka, titik, '-' atau '_'"
        )
    return username


def _check_password(password: str) -> None:
    # The password itself never appears in the message: it may be a near-miss of the real one.
    if len(password) < MIN_PASSWORD:
        raise RegisterError(f"Kata sandi terlalu pendek; pakai paling sedikit {MIN_PASSWORD} karakter")
    if len(password) > _MAX_PASSWORD:
        raise RegisterError(f"Kata sandi terlalu panjang; pakai paling banyak {_MAX_PASSWORD} karakter")


def _check_roles(reg: Any, roles: list[str] | tuple[str, ...], unit: str) -> tuple[tuple[str, ...], str]:
    """Roles in ROLES order without repeats; a ``bidang`` account needs one of the profile's units."""
    wanted = {r.strip().lower() for r in roles if r.strip()}
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise RegisterError(f"Peran {', '.join(unknown)} tidak dikenal; pilih dari {', '.join(ROLES)}")
    if not wanted:
        raise RegisterError(f"Sebutkan paling sedikit satu peran: {', '.join(ROLES)}")
    unit = unit.strip()
    if "bidang" in wanted:
        units = list(reg.profile.disposition.units)
        if unit not in units:
            shown = f"'{unit}' tidak ada di" if unit else "belum dipilih; pilih dari"
            raise RegisterError(f"Unit untuk peran bidang {shown} [disposition] units: {'; '.join(units)}")
    elif unit:
        raise RegisterError("Unit hanya untuk akun dengan peran bidang; hapus --unit atau tambahkan peran bidang")
    return tuple(r for r in ROLES if r in wanted), unit


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RegisterError("Nama lengkap pengguna kosong; isi --nama")
    return name


def _row(conn: Any, username: str) -> Any:
    return conn.execute(
        f"SELECT {_COLUMNS}, id, password_hash, failed, locked_until FROM users WHERE username = ?", (username,)
    ).fetchone()


def _existing(conn: Any, username: str) -> Any:
    row = _row(conn, username)
    if row is None:
        raise RegisterError(f"Pengguna '{username}' tidak ada; lihat 'docgen pengguna daftar'")
    return row


def add_user(
    reg: Any, username: str, name: str, roles: list[str] | tuple[str, ...], password: str, unit: str = ""
) -> User:
    """Create an account; the name is checked again under the write lock, so two admins cannot race."""
    _check_username(username)
    name = _check_name(name)
    role_list, unit = _check_roles(reg, roles, unit)
    _check_password(password)
    digest = _hasher.hash(password)
    with atomic(reg.conn):
        if _row(reg.conn, username) is not None:
            raise RegisterError(f"Pengguna '{username}' sudah ada; pakai 'docgen pengguna ubah' untuk mengubahnya")
        at = now_iso()
        reg.conn.execute(
            "INSERT INTO users (username, name, roles, unit, password_hash, active, failed, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?)",
            (username, name, ",".join(role_list), unit, digest, at, at),
        )
        append_event(reg.conn, "user.added", username=username, name=name, roles=list(role_list), unit=unit)
    return User(username=username, name=name, roles=role_list, unit=unit, active=True)


def update_user(
    reg: Any,
    username: str,
    *,
    name: str | None = None,
    roles: list[str] | tuple[str, ...] | None = None,
    unit: str | None = None,
    password: str | None = None,
) -> User:
    """Change what is given; a new password also lifts a lock-out (the admin has spoken to the user)."""
    if password is not None:
        _check_password(password)
    digest = None if password is None else _hasher.hash(password)
    with atomic(reg.conn):
        old = _user(_existing(reg.conn, username))
        new_name = old.name if name is None else _check_name(name)
        wanted_roles = old.roles if roles is None else tuple(r.strip().lower() for r in roles)
        # Dropping bidang drops its unit unless a unit is named (then _check_roles refuses it).
        new_unit = unit if unit is not None else (old.unit if "bidang" in wanted_roles else "")
        new_roles, new_unit = _check_roles(reg, wanted_roles, new_unit)
        changed = [
            field
            for field, before, after in (
                ("name", old.name, new_name),
                ("roles", old.roles, new_roles),
                ("unit", old.unit, new_unit),
            )
            if before != after
        ]
        if digest is not None:
            changed.append("password")
        if not changed:
            return old
        sets = "name = ?, roles = ?, unit = ?, updated_at = ?"
        params: list[Any] = [new_name, ",".join(new_roles), new_unit, now_iso()]
        if digest is not None:
            sets += ", password_hash = ?, failed = 0, locked_until = NULL"
            params.append(digest)
        reg.conn.execute(f"UPDATE users SET {sets} WHERE username = ?", (*params, username))
        append_event(
            reg.conn, "user.changed", username=username, fields=changed,
            name=new_name, roles=list(new_roles), unit=new_unit,
        )  # fmt: skip
    return User(username=username, name=new_name, roles=new_roles, unit=new_unit, active=old.active)


def deactivate(reg: Any, username: str) -> None:
    """Close an account for good without deleting it: events and documents keep naming it."""
    with atomic(reg.conn):
        if not _user(_existing(reg.conn, username)).active:
            return
        reg.conn.execute("UPDATE users SET active = 0, updated_at = ? WHERE username = ?", (now_iso(), username))
        append_event(reg.conn, "user.deactivated", username=username)


def activate(reg: Any, username: str) -> None:
    """Open a deactivated account again (a clerk back from leave); its lock-out count starts afresh."""
    with atomic(reg.conn):
        if _user(_existing(reg.conn, username)).active:
            return
        reg.conn.execute(
            "UPDATE users SET active = 1, failed = 0, locked_until = NULL, updated_at = ? WHERE username = ?",
            (now_iso(), username),
        )
        append_event(reg.conn, "user.activated", username=username)


def account_version(reg: Any, username: str) -> str | None:
    """When the account was last changed by an administrator (None: no such account).

    A desk session remembers it at login; a new password, new roles or a deactivation since then
    ends the session, so a leaked password stops working the moment it is replaced.
    """
    row = reg.conn.execute("SELECT updated_at FROM users WHERE username = ?", (username,)).fetchone()
    return None if row is None else str(row[0])


def get_user(reg: Any, username: str) -> User:
    return _user(_existing(reg.conn, username))


def list_users(reg: Any) -> list[User]:
    return [_user(r) for r in reg.conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username").fetchall()]


def _utc(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now.astimezone(UTC)


def _verify(digest: str | None, password: str) -> bool:
    if digest is None:
        if not _dummy_hash:
            _dummy_hash.append(_hasher.hash("docgen-no-such-user"))
        digest = _dummy_hash[0]
    try:
        return _hasher.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_login(
    reg: Any, username: str, password: str, *, now: datetime | None = None, known: bool = False, shut: bool = False
) -> User:
    """The account behind a correct name and password, or :class:`AuthError` with one message.

    An unknown name, a wrong password, an account locked for everyone (``ACCOUNT_LOCK_AFTER``
    failures in a row) unless this address is ``known`` to it, and a login ``shut`` out by the
    caller (this address guessed too often) are told apart by nothing: the same message, one
    argon2 verification each (a dummy hash for a name that does not exist) and no register
    write, so neither the answer nor its time says whether the name exists (issue 21). Failures
    are counted afterwards with :func:`count_failure`. Only the right password learns that an
    account is inactive. A success clears the account's count.
    """
    at = _utc(now)
    row = _row(reg.conn, username) if _USERNAME.fullmatch(username) else None
    right = _verify(None if row is None else row[6], password)
    locked = row is not None and bool(row[8]) and datetime.fromisoformat(row[8]) > at and not known
    if not right or locked or shut:
        raise AuthError(_BAD_LOGIN)
    user = _user(row)
    if not user.active:
        raise AuthError("Akun ini sudah dinonaktifkan; hubungi admin docgen bila perlu diaktifkan")
    if row[7] or row[8] or _hasher.check_needs_rehash(row[6]):
        digest = _hasher.hash(password) if _hasher.check_needs_rehash(row[6]) else row[6]
        with atomic(reg.conn):
            reg.conn.execute(
                "UPDATE users SET failed = 0, locked_until = NULL, password_hash = ? WHERE username = ?",
                (digest, username),
            )
    return user


def authenticate(reg: Any, username: str, password: str, *, now: datetime | None = None, known: bool = False) -> User:
    """:func:`check_login`, counting a refusal against the account (the desk counts after answering)."""
    try:
        return check_login(reg, username, password, now=now, known=known)
    except AuthError as refused:
        if str(refused) == _BAD_LOGIN:
            count_failure(reg, username, now=now)
        raise


def count_failure(reg: Any, username: str, *, now: datetime | None = None) -> None:
    """One more refused login for ``username`` (nothing for a name that does not exist).

    ``ACCOUNT_LOCK_AFTER`` in a row lock the account for ``LOCK_FOR`` from every address it has
    not logged in from: the slow, office-wide brake behind the desk's per-address lock-out
    (``LOCK_AFTER`` from one address shuts that address out of that account only), so guessing
    from many addresses stops too, while the colleague at their own PC still logs in.
    """
    at = _utc(now)
    with atomic(reg.conn):
        row = reg.conn.execute("SELECT failed FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            return
        failed = int(row[0]) + 1
        if failed < ACCOUNT_LOCK_AFTER:
            reg.conn.execute("UPDATE users SET failed = ? WHERE username = ?", (failed, username))
            return
        until = (at + LOCK_FOR).isoformat(timespec="microseconds")
        reg.conn.execute("UPDATE users SET failed = 0, locked_until = ? WHERE username = ?", (until, username))
        append_event(reg.conn, "user.locked", username=username, until=until, failures=failed)


def record_shut_out(reg: Any, username: str, address: str, until: datetime) -> None:
    """An event for the auditors: ``address`` guessed ``username``'s password too often and is shut
    out of it until ``until`` (nothing for a name that does not exist)."""
    with atomic(reg.conn):
        if reg.conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone() is None:
            return
        append_event(reg.conn, "user.locked", username=username, address=address, failures=LOCK_AFTER,
                     until=until.astimezone(UTC).isoformat(timespec="microseconds"))  # fmt: skip
