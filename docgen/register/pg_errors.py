"""What goes wrong with a PostgreSQL register, said in one Indonesian line without the password.

Kept apart from the connection adapter (``docgen.register.postgres``): which failures a retry
can mend, and the words a clerk or an admin reads, are one concern; talking to the server another.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from docgen.errors import RegisterBusy, RegisterError, RegisterUnusable

__all__ = ["is_postgres", "permanent", "pg_error", "redacted"]


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0] in ("postgresql", "postgres")


def redacted(url: str) -> str:
    """The URL without its password: it is never printed, logged or stored in the register."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def permanent(exc: Exception) -> bool:
    """Errors a retry cannot mend: a wrong password, a missing database or role."""
    text = str(exc).lower()
    return any(word in text for word in ("password", "does not exist", "authentication", "no pg_hba.conf"))


def pg_error(exc: Exception, url: str, *, committing: bool = False) -> RegisterError:
    """One Indonesian line naming the cause and the fix; the password never appears in it."""
    import psycopg

    where = f"Register PostgreSQL {redacted(url)}"
    text, password = str(exc), urlsplit(url).password
    low = text.lower()  # classified before redaction: a password "x" must not turn "exist" into "e***ist"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if password:
        first = first.replace(password, "***")
    if "password" in low or "authentication failed" in low:
        return RegisterUnusable(f"{where}: sandi atau pengguna ditolak server; periksa [register] url di docgen.toml")
    if "database" in low and "does not exist" in low:
        from docgen.register.db import RegisterAbsent  # the opener names the fix: create, or restore a dump

        return RegisterAbsent(
            f"{where}: basis data tidak ada di server; buat dulu (README: PostgreSQL), lalu 'docgen register create'",
            reason="basis data tidak ada di server",
        )
    if "role" in low and "does not exist" in low:
        return RegisterUnusable(f"{where}: pengguna tidak ada di server; buat pengguna itu (lihat README: PostgreSQL)")
    if "no pg_hba.conf" in low:
        return RegisterUnusable(f"{where}: server menolak komputer ini (pg_hba.conf); minta admin membuka aksesnya")
    if isinstance(exc, psycopg.errors.UndefinedTable):
        # The register's tables vanished under a running program: not the fault of the file in hand.
        return RegisterUnusable(
            f"{where}: tabel register hilang dari basis data ({first}); pulihkan basis data dari cadangan pg_dump "
            "terbaru (lihat README: PostgreSQL) lalu jalankan 'docgen register check'"
        )
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.InsufficientPrivilege):
        return RegisterError(f"{where}: pengguna ini tidak boleh menulis ({first}); periksa hak akses pengguna")
    if isinstance(exc, psycopg.OperationalError):
        if committing:
            return RegisterBusy(
                f"{where}: sambungan putus saat menyimpan; jalankan 'docgen register check' untuk memastikan "
                "hasilnya, lalu ulangi bila belum tercatat"
            )
        return RegisterBusy(
            f"{where}: server tidak terjangkau atau sambungan putus ({first}); pastikan server hidup dan jaringan "
            "tersambung, lalu ulangi (tidak ada nomor yang terpakai)"
        )
    return RegisterError(f"{where}: galat basis data ({first}); jalankan 'docgen register check'")
