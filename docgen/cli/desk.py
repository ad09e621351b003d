"""``docgen meja``: the staff's desk in the browser, on the office network only."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import console, handle_errors, workspace


def meja(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default [desk] host; an office-network one).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="TCP port (default [desk] port, 8090).")] = None,
) -> None:
    """Serve the desk: queues, forms, documents, search and batches for logged-in staff.

    Kept apart from 'docgen serve' (the public verification page): run it on an address of the
    office network only. Accounts are made with 'docgen pengguna tambah'.

    Example: docgen meja --host 192.168.1.10 --port 8090
    """
    from docgen.desk.app import create_desk
    from docgen.register import Register
    from docgen.register.actor import acting_as
    from docgen.register.users import list_users
    from docgen.web.server import run_server

    with handle_errors():
        ws = workspace()
        with Register.open(ws) as reg:
            accounts = [u for u in list_users(reg) if u.active]
        app = create_desk(ws)
    settings = ws.profile.desk
    host, port = host or settings.host, port or settings.port
    scheme = "https" if settings.cookie_secure else "http"
    console.print(f"Meja kerja: http://{host}:{port}/ (jaringan kantor saja; jangan dibuka ke internet)")
    if not accounts:
        console.print("[yellow]Belum ada akun aktif[/]: buat dulu dengan 'docgen pengguna tambah NAMA --peran umum'")
    if settings.cookie_secure:
        console.print(
            f"Sesi hanya lewat {scheme} (atau localhost): pasang di belakang proksi https, "
            "atau atur \\[desk] cookie_secure = false untuk jaringan kantor tanpa https"
        )
    with acting_as(None):  # each page acts as its logged-in user, never as whoever started the desk
        run_server(app, host=host, port=port, limits=settings)


def register_desk_command(app: typer.Typer) -> None:
    app.command()(meja)
