"""``docgen spp``: the PPK-SKPD's verification of an SPP, the step before its SPM."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from docgen.cli.common import console, handle_errors, workspace

__all__ = ["spp_app"]

spp_app = typer.Typer(help="SPP: record the PPK-SKPD's verification before the SPM.", no_args_is_help=True)


@spp_app.command("verifikasi")
def verifikasi(
    ref: Annotated[str, typer.Argument(help="The SPP's number as printed, or its register id.")],
    oleh: Annotated[
        str | None, typer.Option("--oleh", help="Key in [officials] of who verified (default: [keuangan] ppk_skpd).")
    ] = None,
    catatan: Annotated[str, typer.Option("--catatan", help="A short note kept with the verification.")] = "",
    tanggal: Annotated[
        str | None, typer.Option("--tanggal", help="Day of the verification, 2026-12-03 (today).")
    ] = None,
) -> None:
    """Record that the PPK-SKPD verified an SPP; only then may an SPM rest on it.

    Recorded once, as an event in the register's chained log; a void SPP is refused.
    Example: docgen spp verifikasi 900/SPP-001/423.105/2026 --catatan "lengkap"
    """
    from docgen.errors import RequestError
    from docgen.register import Register
    from docgen.sppverify import verify_spp

    with handle_errors():
        try:
            day = date.fromisoformat(tanggal.strip()) if tanggal else None
        except ValueError:
            raise RequestError(f"--tanggal '{tanggal[:20]}' bukan tanggal; tulis seperti 2026-12-03") from None
        with Register.open(workspace()) as reg:
            done = verify_spp(reg, ref, oleh=oleh, note=catatan, day=day)
            number = reg.document(done.doc_id).number
    console.print(f"SPP {number}: {done.line}.", markup=False, highlight=False, soft_wrap=True)
