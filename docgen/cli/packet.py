"""``docgen paket``: bind an SPP, its SPM and its attachments into one packet PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from docgen.cli.common import console, handle_errors, print_json, workspace

__all__ = ["register_packet_command"]


def paket(
    spp: Annotated[str, typer.Argument(help="The SPP: its number as printed, or its register id.")],
    lampiran: Annotated[Path, typer.Option("--lampiran", "-l", help="Folder holding the SPP's attachments.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Bind the payment packet: cover, filled checklist, SPP, SPM and every attachment, numbered pages.

    The checklist per SPP type is templates/paket-spp.toml; a missing required attachment, or an
    attachment that is locked, broken or not a PDF/JPEG/PNG, is refused by name and nothing is written.
    Example: docgen paket 0012/SPP/423.105/2026 --lampiran lampiran-spp-12/
    """
    from docgen.paket import assemble_packet, describe

    with handle_errors():
        result = assemble_packet(workspace(), spp, lampiran)
    if as_json:
        print_json(result.as_dict())
        return
    console.print(escape(describe(result)))
    for part in result.parts:
        console.print(f"  hal. {part['pages']:>7}  {escape(part['part'])}")
    console.print(f"  daftar bagian dan sidik SHA-256: {escape(result.parts_path)}")


def register_packet_command(app: typer.Typer) -> None:
    app.command()(paket)
