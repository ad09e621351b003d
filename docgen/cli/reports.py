"""``docgen laporan``: reports the office sends on (permits issued per type and month)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from docgen.cli.books import _open
from docgen.cli.common import console, handle_errors
from docgen.errors import RequestError

laporan_app = typer.Typer(help="Reports: permits and certificates issued.", no_args_is_help=True)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"{option} '{text[:20]}' bukan tanggal; tulis seperti 2026-11-01") from None


@laporan_app.command("izin")
def izin(
    dari: Annotated[str, typer.Option("--dari", help="First day, 2026-01-01.")],
    sampai: Annotated[str, typer.Option("--sampai", help="Last day, 2026-12-31.")],
    fmt: Annotated[Literal["csv", "xlsx"], typer.Option("--format", help="Spreadsheet format.")] = "xlsx",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Target file.")] = None,
) -> None:
    """Permits and certificates issued per type and month: counts, then the list behind each.

    Example: docgen laporan izin --dari 2026-01-01 --sampai 2026-12-31 -o laporan-izin.xlsx
    """
    from docgen.permitreport import permit_report, write_permit_report

    with handle_errors():
        start, end = _day(dari, "--dari"), _day(sampai, "--sampai")
        with _open() as reg:
            report = permit_report(reg, start, end)
            target = output or reg.workspace.root / f"laporan-izin-{start.isoformat()}-{end.isoformat()}.{fmt}"
        write_permit_report(report, target, fmt)
    total = sum(len(docs) for docs in report.groups.values())
    groups = len(report.groups)
    console.print(f"Laporan izin: {total} dokumen dalam {groups} kelompok, ditulis ke {escape(str(target))}")
