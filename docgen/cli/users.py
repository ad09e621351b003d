"""``docgen pengguna``: desk accounts, kept by an administrator on the command line."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from docgen.cli.common import console, handle_errors, print_json, workspace

if TYPE_CHECKING:
    from docgen.register import Register

__all__ = ["pengguna_app"]

PASSWORD_ENV = "DOCGEN_PASSWORD"

pengguna_app = typer.Typer(help="Desk accounts (meja kerja): add, change, deactivate, list.", no_args_is_help=True)

UsernameArg = Annotated[str, typer.Argument(help="Login name: 3-32 lowercase letters, digits, '.', '-', '_'.")]
RolesHelp = "Roles, comma-separated: umum, pimpinan, bidang, perizinan, keuangan, admin."
UnitHelp = "For role bidang: one of [disposition] units in docgen.toml."


def _password() -> str:
    """From the environment or a hidden prompt asked twice, never from an argument (shell history)."""
    return os.environ.get(PASSWORD_ENV) or typer.prompt(
        "Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi", err=True
    )


def _roles(text: str) -> list[str]:
    return [r for r in text.split(",") if r.strip()]


def _register() -> Register:
    from docgen.register import Register

    return Register.open(workspace())


@pengguna_app.command("tambah")
def tambah(
    username: UsernameArg,
    nama: Annotated[str, typer.Option("--nama", help="Full name as shown on the desk.")],
    peran: Annotated[str, typer.Option("--peran", help=RolesHelp)],
    unit: Annotated[str, typer.Option("--unit", help=UnitHelp)] = "",
) -> None:
    """Add an account; the password comes from DOCGEN_PASSWORD or a hidden prompt.

    Example: docgen pengguna tambah siti --nama "Siti Aminah" --peran umum
    """
    from docgen.register.users import add_user

    with handle_errors(), _register() as reg:
        user = add_user(reg, username, nama, _roles(peran), _password(), unit=unit)
    console.print(f"Pengguna {escape(user.username)} ditambahkan (peran {', '.join(user.roles)})")


@pengguna_app.command("ubah")
def ubah(
    username: UsernameArg,
    nama: Annotated[str | None, typer.Option("--nama", help="New full name.")] = None,
    peran: Annotated[str | None, typer.Option("--peran", help=RolesHelp)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help=UnitHelp)] = None,
    sandi: Annotated[
        bool, typer.Option("--kata-sandi", help="Set a new password (DOCGEN_PASSWORD or a hidden prompt).")
    ] = False,
) -> None:
    """Change an account's name, roles, unit or password; a new password also lifts a lock-out.

    Example: docgen pengguna ubah budi --peran bidang --unit "Kepala Sub Bagian Keuangan"
    """
    from docgen.register.users import update_user

    with handle_errors(), _register() as reg:
        roles = None if peran is None else _roles(peran)
        user = update_user(reg, username, name=nama, roles=roles, unit=unit, password=_password() if sandi else None)
    console.print(f"Pengguna {escape(user.username)} diperbarui (peran {', '.join(user.roles)})")


@pengguna_app.command("nonaktif")
def nonaktif(username: UsernameArg) -> None:
    """Deactivate an account; it stays in the register so the events keep naming it.

    Example: docgen pengguna nonaktif budi
    """
    from docgen.register.users import deactivate

    with handle_errors(), _register() as reg:
        deactivate(reg, username)
    console.print(f"Pengguna {escape(username)} dinonaktifkan")


@pengguna_app.command("aktifkan")
def aktifkan(username: UsernameArg) -> None:
    """Open a deactivated account again.

    Example: docgen pengguna aktifkan budi
    """
    from docgen.register.users import activate

    with handle_errors(), _register() as reg:
        activate(reg, username)
    console.print(f"Pengguna {escape(username)} aktif kembali")


@pengguna_app.command("daftar")
def daftar(as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False) -> None:
    """List the accounts with their roles, unit and whether they are active.

    Example: docgen pengguna daftar --json
    """
    from docgen.register.users import list_users

    with handle_errors(), _register() as reg:
        users = list_users(reg)
    if as_json:
        print_json([{**u.__dict__, "roles": list(u.roles)} for u in users])
        return
    table = Table("Pengguna", "Nama", "Peran", "Unit", "Aktif")
    for u in users:
        active = "ya" if u.active else "tidak"
        table.add_row(escape(u.username), escape(u.name), ", ".join(u.roles), escape(u.unit), active)
    console.print(table if users else "Belum ada pengguna; tambahkan dengan 'docgen pengguna tambah'")
