"""``docgen serve``: the verification page the QR codes lead to."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import console, handle_errors, workspace


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (behind a reverse proxy: 127.0.0.1).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Answer the QR codes: ASLI, BATAL or TIDAK DIKENAL, and compare an uploaded PDF.

    Example: docgen serve --host 127.0.0.1 --port 8000   (then proxy https://.../verifikasi to it)
    """
    from docgen.web.app import base_path, create_app
    from docgen.web.server import run_server

    with handle_errors():
        ws = workspace()
        app = create_app(ws)
    base = base_path(ws.profile.verification.base_url)
    console.print(f"Halaman verifikasi: http://{host}:{port}{base}/<token> (register dibuka hanya-baca)")
    run_server(app, host=host, port=port, limits=ws.profile.verification)


def register_serve_command(app: typer.Typer) -> None:
    app.command()(serve)
