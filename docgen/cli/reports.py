"""``docgen laporan``: reports the office sends on (permits issued, verified and refused per month and type)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from docgen.cli.books import _open
from docgen.cli.common import console, handle_errors
from docgen.errors import RequestError

laporan_app = typer.Typer(help="Reports: permits and certificates issued, verified and refused.", no_args_is_help=True)


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
    """Permits per month and type: issued, verified, refused (BAP tidak sesuai), days from BAP to issue.

    The XLSX has the summary ("Rekap"), a native Excel chart per month ("Grafik") and the lists
    behind the figures; CSV is the lists in one table.

    Example: docgen laporan izin --dari 2026-01-01 --sampai 2026-12-31 -o laporan-izin.xlsx
    """
    from docgen.permitreport import Figures, permit_report, write_permit_report

    with handle_errors():
        start, end = _day(dari, "--dari"), _day(sampai, "--sampai")
        with _open() as reg:
            report = permit_report(reg, start, end)
            target = output or reg.workspace.root / f"laporan-izin-{start.isoformat()}-{end.isoformat()}.{fmt}"
        write_permit_report(report, target, fmt)
    total = report.figures(lambda month, kind: "").get("", Figures())
    counts = f"{total.issued} terbit, {total.verified} terverifikasi, {total.refused} ditolak (BAP tidak sesuai)"
    console.print(f"Laporan izin {start.isoformat()} sd {end.isoformat()}: {counts}; ditulis ke {escape(str(target))}")
