"""``docgen watch``: run the folder watcher, or summarise the inbox with ``--status``."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.table import Table

from docgen.cli.common import console, handle_errors, print_json, state, workspace

__all__ = ["register_watch_command"]


def watch(
    polling: Annotated[bool, typer.Option("--polling", help="Poll instead of inotify (network shares).")] = False,
    settle: Annotated[
        float | None, typer.Option("--settle", help="Seconds a file must stay unchanged (default from docgen.toml).")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Process what is there, then exit (cron, tests).")] = False,
    status: Annotated[bool, typer.Option("--status", help="Summarise the inbox folders and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --status: print JSON.")] = False,
) -> None:
    """Watch inbox/: requests become documents, signed PDFs get stamped, scans enter the agenda.

    Each input moves to done/, failed/ (with a .error.txt) or duplicate/ once its documents are
    recorded. SIGTERM or Ctrl-C finishes the file in hand and stops.
    Example: docgen watch --polling --settle 5
    """
    from docgen.watch import Watcher, watch_status

    if status:
        with handle_errors():
            rows = watch_status(workspace())
        if as_json:
            print_json(rows)
            return
        table = Table(title="Folder inbox")
        for column in ("folder", "menunggu", "done", "failed", "duplicate", "terakhir"):
            table.add_column(column, no_wrap=column == "folder")
        for row in rows:
            table.add_row(*(str(row[c]) for c in ("folder", "menunggu", "done", "failed", "duplicate", "terakhir")))
        console.print(table)
        return
    logging.basicConfig(level=logging.DEBUG if state.verbose else logging.INFO, format="%(asctime)s %(message)s")
    with handle_errors():
        watcher = Watcher(workspace(), polling=polling, settle_s=settle)
        mode = "polling" if polling else "inotify"

        def banner() -> None:
            console.print(f"Memantau {watcher.workspace.root / 'inbox'} ({mode}); Ctrl-C untuk berhenti.")

        summary = watcher.run(once=once, on_start=None if once else banner)
    counts = summary.counts
    console.print(
        f"{summary.total} berkas: {counts['done']} selesai, {counts['failed']} gagal, {counts['duplicate']} duplikat."
    )


def register_watch_command(app: typer.Typer) -> None:
    app.command()(watch)
