"""``docgen batch``: many documents from one spreadsheet, with progress and a report."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from docgen.cli.common import console, err_console, handle_errors, print_json, workspace

if TYPE_CHECKING:
    from docgen.batch.runner import BatchOutcome


def batch(
    kind: Annotated[str, typer.Argument(help="Document kind, as for 'docgen new'.")],
    rows: Annotated[Path, typer.Argument(help="The sheet: .xlsx or .csv, one document per row, headers in row 1.")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Worksheet name in an .xlsx (default: the first).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: one per core).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also make PDFs (Word-template kinds).")] = False,
    draft: Annotated[
        bool, typer.Option("--draft", help="Unnumbered drafts, numbered later by 'docgen number'.")
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Carry on after a stop; rows already made are skipped.")
    ] = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Make the good rows even if some are invalid.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only validate every row and report.")] = False,
    gabung: Annotated[
        Path | None, typer.Option("--gabung", help="Also write one PDF of all documents, for printing.")
    ] = None,
    data: Annotated[Path | None, typer.Option("--data", help="YAML/JSON of fields shared by every row.")] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="Column that identifies a row (default: its content).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Make one document per row: all rows validated first, numbered in row order, never twice.

    Example: docgen batch surat-keluar undangan.xlsx --data bersama.yaml --pdf --gabung cetak.pdf
    """
    from docgen.batch.runner import BatchOptions, run_batch

    with handle_errors():
        ws = workspace()
        options = BatchOptions(
            kind=kind, source=rows, sheet=sheet, workers=workers, pdf=pdf, draft=draft, resume=resume,
            skip_bad=skip_bad, dry_run=dry_run, gabung=gabung, common=data, key_column=key,
        )  # fmt: skip
        try:
            outcome = _with_progress(lambda progress: run_batch(ws, options, progress), as_json)
        except KeyboardInterrupt:
            err_console.print("Dihentikan (Ctrl-C): nomor yang belum terbit dibatalkan; lanjutkan dengan --resume")
            raise typer.Exit(130) from None
    _report(outcome, as_json, dry_run, gabung is not None)
    failed = outcome.count("gagal")
    if (outcome.bad and not skip_bad) or failed or outcome.stopped:
        raise typer.Exit(1)


def _with_progress(run, quiet: bool):  # type: ignore[no-untyped-def]
    """A Rich bar (count, rate, ETA) on a terminal; a plain line every few seconds otherwise."""
    if quiet:
        return run(None)
    if sys.stdout.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("Membuat"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.speed} dok/dtk"))
        with Progress(*columns, TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task("batch", total=None)
            return run(lambda done, total: bar.update(task, completed=done, total=total))
    last = [0.0]

    def plain(done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last[0] >= 2:
            last[0] = now
            console.print(f"{done}/{total} dokumen selesai", highlight=False)

    return run(plain)


def _report(outcome: BatchOutcome, as_json: bool, dry_run: bool, merge_asked: bool) -> None:
    counts = {s: outcome.count(s) for s in ("selesai", "sudah ada", "tidak sah", "gagal")}
    if as_json:
        print_json(
            {
                "batch": outcome.batch_id, "kind": outcome.kind, "rows": outcome.rows, "counts": counts,
                "bad": [{"row": b.number, "column": b.column, "message": b.message} for b in outcome.bad],
                "report": [str(p) for p in outcome.report] if outcome.report else [],
                "merged": str(outcome.merged) if outcome.merged else None, "stopped": outcome.stopped,
            }
        )  # fmt: skip
        return
    for b in outcome.bad:
        err_console.print(
            f"Baris {b.number}, kolom {escape(b.column)}: {escape(b.message)}", highlight=False, soft_wrap=True
        )
    if outcome.bad and (dry_run or outcome.batch_id is None):
        verdict = "tidak ada yang dibuat" if outcome.batch_id is None else ""
        err_console.print(
            f"{len(outcome.bad)} dari {outcome.rows} baris tidak sah; {verdict or 'periksa laporannya'}. "
            "Perbaiki barisnya, atau jalankan dengan --skip-bad untuk membuat baris yang sah saja."
        )
    elif dry_run:
        console.print(f"Semua {outcome.rows} baris sah; jalankan tanpa --dry-run untuk membuatnya.")
    if outcome.batch_id is not None:
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        console.print(f"Batch {outcome.batch_id} ({outcome.kind}): {summary}.")
        if outcome.report:
            console.print(f"Laporan: {escape(str(outcome.report[0]))} (dan .csv)")
        if outcome.merged:
            console.print(f"PDF gabungan untuk dicetak: {escape(str(outcome.merged))}")
        elif merge_asked:
            err_console.print("Tidak ada PDF untuk digabung (konsep berupa DOCX, atau tidak ada yang selesai).")
    if outcome.stopped:
        err_console.print(f"Batch terhenti: {escape(outcome.stopped)}")


def register_batch_command(app: typer.Typer) -> None:
    app.command()(batch)
