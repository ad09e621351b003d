"""``docgen sertifikat``: the Sertifikat Standar's life after OSS issued it (its verification)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from docgen.cli.common import console, handle_errors, workspace
from docgen.cli.documents import report_result

__all__ = ["sertifikat_app"]

sertifikat_app = typer.Typer(help="Sertifikat Standar (OSS RBA): record the verification of an MT one.",
                             no_args_is_help=True)  # fmt: skip


@sertifikat_app.command("verifikasi")
def verifikasi(
    ref: Annotated[str, typer.Argument(help="The certificate's OSS number as printed, or its register id.")],
    tanggal: Annotated[str, typer.Option("--tanggal", help="Day the office verified it, 2026-12-03.")],
    dasar: Annotated[str, typer.Option("--dasar", help="The BAP (sesuai) or rekomendasi: its number or id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Re-issue a menengah-tinggi (MT) certificate as Terverifikasi under the same OSS number.

    The earlier print stays in the register as superseded (digantikan); its QR code then names
    the new one. Example: docgen sertifikat verifikasi 91200012345670001 --tanggal 2026-12-03
    --dasar 500.16.7.2/REK-001/423.105/2026
    """
    from docgen.errors import RequestError
    from docgen.sertifikat import verify_certificate

    with handle_errors():
        try:
            day = date.fromisoformat(tanggal.strip())
        except ValueError:
            raise RequestError(f"--tanggal '{tanggal[:20]}' bukan tanggal; tulis seperti 2026-12-03") from None
        result = verify_certificate(workspace(), ref, day=day, dasar=dasar)
    report_result(result, as_json)
    if not as_json:
        console.print("Cetakan sebelumnya tercatat digantikan (superseded).")
