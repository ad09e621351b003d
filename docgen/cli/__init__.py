"""The ``docgen`` command line: parsing options and printing results, nothing more.

Every command calls one library function; errors become one Indonesian line (exit 1).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from docgen import __version__
from docgen.cli.batching import register_batch_command
from docgen.cli.books import register_app
from docgen.cli.common import state
from docgen.cli.desk import register_desk_command
from docgen.cli.documents import register_commands
from docgen.cli.incoming import arsip_app, disposisi_app, masuk_app
from docgen.cli.packet import register_packet_command
from docgen.cli.pdf import register_pdf_commands
from docgen.cli.reports import laporan_app
from docgen.cli.sertifikat import sertifikat_app
from docgen.cli.serving import register_serve_command
from docgen.cli.signing import register_signing_command
from docgen.cli.spp import spp_app
from docgen.cli.users import pengguna_app
from docgen.cli.watching import register_watch_command
from docgen.store.pg_errors import mask_logs

__all__ = ["app", "main"]

app = typer.Typer(
    help="docgen: numbered official documents and their registers (DPMPTSP Kota Pasuruan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"docgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", envvar="DOCGEN_WORKSPACE", help="Workspace folder (default: current folder)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    state.workspace_dir = workspace
    state.verbose = verbose
    # pypdf logs every oddity of a damaged PDF; the user gets our one-line message instead.
    logging.getLogger("pypdf").setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    mask_logs()  # no log line of any command prints a register password (issue 21)


register_commands(app)
register_batch_command(app)
register_serve_command(app)
register_desk_command(app)
register_pdf_commands(app)
register_packet_command(app)
register_signing_command(app)
register_watch_command(app)
app.add_typer(register_app, name="register")
app.add_typer(masuk_app, name="masuk")
app.add_typer(disposisi_app, name="disposisi")
app.add_typer(arsip_app, name="arsip")
app.add_typer(laporan_app, name="laporan")
app.add_typer(pengguna_app, name="pengguna")
app.add_typer(sertifikat_app, name="sertifikat")
app.add_typer(spp_app, name="spp")


def _plain_help(group: typer.Typer) -> None:
    """Show every help text as written, in this group and the groups below it.

    Typer reads help as Rich markup when Rich is installed, so "default [desk] port" printed as
    "default  port": a word in square brackets (a docgen.toml section, a role) was taken for a
    style and dropped. Plain help keeps each bracket whoever writes the text.
    """
    group.rich_markup_mode = None
    for info in group.registered_groups:
        if info.typer_instance is not None:
            _plain_help(info.typer_instance)


_plain_help(app)


def main() -> None:
    """The ``docgen`` command: every event it appends names the account that ran it."""
    from docgen.register.actor import acting_as, command_user

    with acting_as(command_user()):
        app()
