"""Commands for signed documents: ``stamp`` (number and stamp a signed PDF) and ``verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from docgen.cli.common import console, handle_errors, print_json, workspace
from docgen.cli.documents import report_result

__all__ = ["register_pdf_commands"]


def stamp(
    file: Annotated[Path, typer.Argument(help="The signed letter as PDF (a scan or an export).")],
    kind: Annotated[str, typer.Option("--kind", help="Document kind, e.g. surat-keluar.")] = "surat-keluar",
    doc_id: Annotated[int | None, typer.Option("--id", help="The register's document (signed or numbered).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Request file for a letter made outside docgen.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Number a signed PDF if it has no number, and stamp it: the number (on the letter's own "Nomor :"
    line when docgen drafted it, else in a box), cap dinas over the signer, QR, footer.

    The input file is never changed; the stamped copy goes to the outbox.
    Example: docgen stamp scan-surat.pdf --kind surat-keluar --id 12
    """
    from docgen.requests import load_request
    from docgen.stamping import stamp_document

    with handle_errors():
        ws = workspace()
        request = load_request(data, ws.profile.limits) if data is not None else None
        result = stamp_document(ws, file, kind, doc_id=doc_id, data=request, source=data.name if data else "")
    report_result(result, as_json)


def verify(
    target: Annotated[str, typer.Argument(help="A file (PDF/DOCX), a token, or the URL from the QR code.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Say whether a document is genuine, modified, void or unknown to the register.

    Exit status: 0 genuine, 3 modified, 4 void, 5 unknown, 6 signature broken or the file changed
    after signing, 7 signature intact but not from a trusted root ([signing] trust_roots), 8 superseded
    by a re-issue under the same number (a Sertifikat Standar once verified).
    Example: docgen verify outbox/2026/surat-keluar/500.16.7.2-57-423.105-2026.pdf
    """
    from docgen.verify import verify as check

    with handle_errors():
        answer = check(workspace(), target)
    if as_json:
        print_json(answer.as_dict())
    else:
        console.print(f"[bold]{escape(answer.message)}[/]")
        for label, value in (
            ("Nomor", answer.number), ("Jenis", answer.kind), ("Tanggal", answer.doc_date),
            ("Hal", answer.subject), ("Status", answer.state), ("Alasan batal", answer.void_reason),
        ):  # fmt: skip
            if value:
                console.print(f"  {label}: {escape(str(value))}")
        for check in answer.signatures:
            console.print(f"  {escape(check.summary)}", soft_wrap=True)
    raise typer.Exit(answer.exit_code)


def register_pdf_commands(app: typer.Typer) -> None:
    for command in (stamp, verify):
        app.command()(command)
