"""``docgen tandatangani``: electronic signatures (TTE) with the office's PKCS#12 certificate."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from docgen.cli.common import console, handle_errors, print_json, workspace

__all__ = ["register_signing_command"]

PASSWORD_ENV = "DOCGEN_P12_PASSWORD"


def _passphrase() -> str:
    """From the environment or a hidden prompt, never from an argument (it would stay in shell history)."""
    return os.environ.get(PASSWORD_ENV) or typer.prompt("Kata sandi sertifikat", hide_input=True, err=True)


def tandatangani(
    ids: Annotated[list[int] | None, typer.Argument(help="Document ids from the register.")] = None,
    p12: Annotated[Path, typer.Option("--p12", help="The signer's certificate as PKCS#12 (.p12/.pfx).")] = ...,  # type: ignore[assignment]
    semua: Annotated[bool, typer.Option("--semua", help="Every document in state verified.")] = False,
    kind: Annotated[str | None, typer.Option("--kind", help="With --semua: only this kind.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Sign documents electronically (PAdES); a verified document becomes signed.

    The passphrase comes from DOCGEN_P12_PASSWORD or a hidden prompt.
    Example: docgen tandatangani 12 13 --p12 kadis.p12
    """
    from docgen.errors import RequestError
    from docgen.sign import load_credential, sign_documents

    with handle_errors():
        if bool(ids) == semua:
            raise RequestError("Sebutkan nomor id dokumen atau --semua (salah satu saja)")
        ws = workspace()
        credential = load_credential(p12, _passphrase)  # asked once the file is known to be one
        done = sign_documents(ws, None if semua else list(ids or []), credential, kind=kind)
    if as_json:
        print_json([s.__dict__ for s in done])
        return
    console.print(f"Penanda tangan: {escape(credential.name)}")
    for s in done:
        console.print(f"  Dokumen {s.doc_id}: {escape(s.path)} (PAdES {s.level}, status {s.state})")
    if not done:
        console.print("Tidak ada dokumen yang menunggu tanda tangan")


def register_signing_command(app: typer.Typer) -> None:
    app.command()(tandatangani)
