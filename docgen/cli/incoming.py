"""``docgen masuk`` (the incoming agenda), ``docgen disposisi`` and ``docgen arsip``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from docgen.cli.common import console, handle_errors, workspace
from docgen.cli.documents import report_result

__all__ = ["arsip_app", "disposisi_app", "masuk_app"]

masuk_app = typer.Typer(help="Incoming letters (surat masuk): the incoming agenda.", no_args_is_help=True)
disposisi_app = typer.Typer(help="Dispositions of incoming letters.", no_args_is_help=True)
arsip_app = typer.Typer(help="The archive: daftar arsip and retention.", no_args_is_help=True)

AgendaArg = Annotated[str, typer.Argument(help="Agenda number as printed (12/2026) or its sequence (12).")]


@masuk_app.command("add")
def add(
    dari: Annotated[str | None, typer.Option("--dari", help="Sender.")] = None,
    nomor: Annotated[str | None, typer.Option("--nomor", help="The sender's letter number.")] = None,
    tanggal: Annotated[str | None, typer.Option("--tanggal", help="Letter date, 2026-11-20.")] = None,
    hal: Annotated[str | None, typer.Option("--hal", help="Subject.")] = None,
    sifat: Annotated[str | None, typer.Option("--sifat", help="Biasa, Segera, Sangat Segera, Rahasia.")] = None,
    lampiran: Annotated[str | None, typer.Option("--lampiran", help="Attachments: 2 or '2 lembar'.")] = None,
    kka: Annotated[str | None, typer.Option("--kka", help="Archive classification code.")] = None,
    diterima: Annotated[str | None, typer.Option("--diterima", help="Date received (default today).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="The same fields from a YAML/JSON file.")] = None,
    scan: Annotated[Path | None, typer.Option("--scan", help="The letter's scan (PDF); copied, never moved.")] = None,
    gabung: Annotated[bool, typer.Option("--gabung", help="Also write the sheet in front of the scan.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Enter a received letter: agenda number, scan copy and its lembar disposisi.

    Example: docgen masuk add --dari "Dinas Lingkungan Hidup" --nomor 600.4/215/423.109/2026
    --tanggal 2026-11-20 --hal "Permohonan data" --kka 500.16.7.2 --scan surat.pdf
    """
    from docgen.incoming import enter_incoming
    from docgen.requests import load_request

    with handle_errors():
        ws = workspace()
        request = load_request(data, ws.profile.limits) if data is not None else {}
        options = {
            "dari": dari, "nomor": nomor, "tanggal": tanggal, "hal": hal, "sifat": sifat,
            "lampiran": lampiran, "kka": kka, "diterima": diterima,
        }  # fmt: skip
        request.update({k: v for k, v in options.items() if v is not None})
        request.setdefault("diterima", date.today().isoformat())
        result = enter_incoming(ws, request, scan=scan, merge=gabung, source=data.name if data else "perintah")
    report_result(result, as_json)


@disposisi_app.command("catat")
def catat(
    agenda: AgendaArg,
    kepada: Annotated[list[str], typer.Option("--kepada", help="Unit (name, part of it, or its number).")],
    harap: Annotated[list[str], typer.Option("--harap", help="Instruction (name, part, or number).")],
    oleh: Annotated[str, typer.Option("--oleh", help="Official key from docgen.toml, e.g. kadis.")],
    catatan: Annotated[str, typer.Option("--catatan", help="Free note.")] = "",
    batas_waktu: Annotated[
        str | None, typer.Option("--batas-waktu", help="Deadline of this round, 2026-12-05 (printed on the sheet).")
    ] = None,
    cetak: Annotated[bool, typer.Option("--cetak", help="Print the filled sheet.")] = False,
) -> None:
    """Record a disposition round (Kepala Dinas to a Bidang, a Bidang to staff).

    Example: docgen disposisi catat 12/2026 --kepada 3 --harap "proses lebih" --oleh kadis
    --batas-waktu 2026-12-05 --cetak
    """
    from docgen.errors import RequestError
    from docgen.incoming import dispose

    with handle_errors():
        try:
            deadline = date.fromisoformat(batas_waktu) if batas_waktu else None
        except ValueError:
            raise RequestError(f"--batas-waktu '{batas_waktu}' bukan tanggal; tulis seperti 2026-12-05") from None
        done = dispose(
            workspace(), agenda, units=kepada, instructions=harap, by=oleh, note=catatan, deadline=deadline,
            print_it=cetak,
        )  # fmt: skip
    console.print(f"Disposisi ke-{done.round} untuk agenda {escape(done.agenda)} dicatat.")
    if done.sheet is not None:
        console.print(f"Lembar disposisi: [bold]{escape(done.sheet.path)}[/]")


@disposisi_app.command("terima")
def terima(agenda: AgendaArg, oleh: Annotated[str, typer.Option("--oleh", help="Who received the letter.")]) -> None:
    """Record that the disposition's addressee received the letter from the caraka.

    Example: docgen disposisi terima 12/2026 --oleh "Ahmad Fauzi"
    """
    from docgen.incoming import receive

    with handle_errors():
        number = receive(workspace(), agenda, by=oleh)
    console.print(f"Disposisi ke-{number} agenda {escape(agenda)} diterima oleh {escape(oleh)}.")


@disposisi_app.command("selesai")
def selesai(
    agenda: AgendaArg,
    tindak_lanjut: Annotated[str, typer.Option("--tindak-lanjut", help="What was done.")],
) -> None:
    """Record the follow-up (tindak lanjut) of the latest disposition.

    Example: docgen disposisi selesai 12/2026 --tindak-lanjut "Data dikirim dengan surat 500.16.7.2/60"
    """
    from docgen.incoming import finish

    with handle_errors():
        number = finish(workspace(), agenda, follow_up=tindak_lanjut)
    console.print(f"Disposisi ke-{number} agenda {escape(agenda)} selesai.")


@disposisi_app.command("cetak")
def cetak(
    agenda: AgendaArg,
    gabung: Annotated[bool, typer.Option("--gabung", help="Sheet in front of the scan, one PDF.")] = False,
) -> None:
    """Print the lembar disposisi again with every round recorded so far.

    Example: docgen disposisi cetak 12/2026 --gabung
    """
    from docgen.incoming import print_sheet

    with handle_errors():
        result = print_sheet(workspace(), agenda, merge=gabung)
    report_result(result, False)


FormatOpt = Annotated[Literal["csv", "xlsx"], typer.Option("--format", help="Spreadsheet format.")]


@arsip_app.command("daftar")
def daftar(
    tahun: Annotated[int | None, typer.Option("--tahun", help="Only records of this year.")] = None,
    kka: Annotated[str | None, typer.Option("--kka", help="Only this code and the codes under it.")] = None,
    fmt: FormatOpt = "xlsx",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Target file.")] = None,
) -> None:
    """Write the daftar arsip: in and out letters grouped by archive code.

    Example: docgen arsip daftar --tahun 2026 --kka 500.16 --format xlsx
    """
    from docgen.filing import archive_entries, export_archive_list
    from docgen.register import Register

    with handle_errors():
        ws = workspace()
        with Register.open(ws) as reg:
            entries = archive_entries(reg, ws.archive_codes, per=date.today(), year=tahun, prefix=kka)
        target = output or ws.register_path.parent / f"daftar-arsip-{tahun or 'semua'}.{fmt}"
        count = export_archive_list(entries, target, fmt)
    console.print(f"{count} arsip ditulis ke [bold]{escape(str(target))}[/]")


@arsip_app.command("retensi")
def retensi(
    per: Annotated[str | None, typer.Option("--per", help="Date to judge on (default today), 2026-12-31.")] = None,
) -> None:
    """List records whose active or inactive period has ended, and what to do with them.

    Example: docgen arsip retensi --per 2026-12-31
    """
    from docgen.errors import RequestError
    from docgen.filing import retention_due

    with handle_errors():
        try:
            when = date.fromisoformat(per) if per else date.today()
        except ValueError:
            raise RequestError(f"--per '{per}' bukan tanggal; tulis seperti 2026-12-31") from None
        due = retention_due(workspace(), per=when)
    table = Table(title=f"Arsip yang retensinya berakhir per {when.isoformat()}: {len(due)}")
    for column in ("Kode", "Nomor", "Tanggal", "Hal", "Aktif s.d.", "Inaktif s.d.", "Tindakan"):
        table.add_column(column, overflow="fold")
    for e in due:
        action = e.action + (f" (pemicu: {e.trigger})" if e.trigger else "")
        table.add_row(e.code, e.number, e.doc_date, e.subject, e.active_until, e.inactive_until, action)
    console.print(table)
