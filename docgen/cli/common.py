"""What every command shares: the workspace option, output helpers, and the one place errors
become a single "Galat: ..." line with exit status 1.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from docgen.errors import DocgenError
from docgen.store.pg_errors import redacted

if TYPE_CHECKING:
    from docgen.profile import Workspace

__all__ = ["console", "err_console", "handle_errors", "print_json", "state", "workspace"]

console = Console()
err_console = Console(stderr=True)


class _State:
    workspace_dir: Path | None = None
    verbose: bool = False


state = _State()


def workspace() -> Workspace:
    """The workspace chosen by ``--workspace``, ``$DOCGEN_WORKSPACE`` or the current folder."""
    from docgen.profile import load_workspace  # pydantic and the profile only when a command runs

    return load_workspace(state.workspace_dir)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def handle_errors() -> Iterator[None]:
    """Translate library errors into one line and exit status 1; tracebacks only with --verbose."""
    try:
        yield
    except DocgenError as exc:
        if state.verbose:
            traceback.print_exc()
        err_console.print(f"[bold red]Galat:[/] {escape(redacted(str(exc)))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if state.verbose:
            traceback.print_exc()
        err_console.print(
            f"[bold red]Galat tak terduga:[/] {type(exc).__name__}: {escape(redacted(str(exc)))}; "
            "jalankan lagi dengan --verbose dan laporkan ke pengelola docgen",
            soft_wrap=True,
            highlight=False,
        )
        raise typer.Exit(1) from None
