"""``docgen register ...``: list, show, state, void, export and check the books."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

from docgen.cli.common import console, handle_errors, print_json, workspace
from docgen.register.states import LABELS, State

if TYPE_CHECKING:
    from docgen.profile import Workspace
    from docgen.register import Register

__all__ = ["register_app"]

register_app = typer.Typer(help="The register: agenda numbers, documents, states, audit.", no_args_is_help=True)


def register_place(ws: Workspace) -> str:
    """Where the register lives, as an admin names it: the SQLite file, or the server without its password."""
    if ws.profile.books.url:
        from docgen.store.pg_errors import redacted

        return f"PostgreSQL {redacted(ws.profile.books.url)}"
    return str(ws.register_path)


def _open() -> Register:
    """The workspace's register, imported on use so that ``docgen --help`` stays fast."""
    from docgen.register import Register

    return Register.open(workspace())


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

#: Longest value a table cell or a ``show`` line prints; a 6 MB ``hal`` took minutes to lay out.
SHOWN_CHARS = 200


def clip(value: object, limit: int = SHOWN_CHARS) -> str:
    """``value`` as text of at most ``limit`` characters, ending in "…" when it was cut."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register_app.command("list")
def list_documents(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only letters dated in this year.")] = None,
    state: Annotated[State | None, typer.Option("--state", help="Only documents in this state.")] = None,
    antrian: Annotated[
        str | None,
        typer.Option("--antrian", help="A queue: belum-disposisi, belum-diterima or belum-selesai, with ages."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List documents with their numbers and states, or one of the incoming-letter queues.

    Example: docgen register list --kind surat-keluar --year 2026 --state draft
    Example: docgen register list --antrian belum-diterima
    """
    if antrian is not None:
        _list_queue(antrian, as_json)
        return
    with handle_errors(), _open() as reg:
        rows = reg.documents(kind=kind, year=year, state=state)
    if as_json:
        print_json([{k: v for k, v in r.as_dict().items() if k != "request"} for r in rows])
        return
    table = Table(title=f"Register: {len(rows)} dokumen")
    for column in ("ID", "Jenis", "Nomor", "Tanggal", "Hal", "Kepada", "Status"):
        table.add_column(column, overflow="fold")
    for r in rows:
        number = r.number or "-"
        if r.number_status == "void":
            number += " (batal)"
        cells = (number, r.doc_date, r.subject, r.addressee)
        table.add_row(str(r.id), r.kind, *(clip(c) for c in cells), LABELS[State(r.state)])
    console.print(table)


def _list_queue(name: str, as_json: bool) -> None:
    from docgen.register.agenda import QUEUES, queue

    with handle_errors(), _open() as reg:
        items = queue(reg, name, today=date.today())
    if as_json:
        print_json(items)
        return
    table = Table(title=f"Antrian {name}: {QUEUES[name]} ({len(items)})")
    for column in ("Agenda", "Dari", "Hal", "Kepada", "Umur (hari)"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            clip(item["agenda"] or "-"), clip(item["sender"]), clip(item["subject"]),
            clip(", ".join(item["to_units"]) or "-"),
            str(item["age_days"]),
        )  # fmt: skip
    console.print(table)


@register_app.command("show")
def show(doc_id: Annotated[int, typer.Argument(help="Document id.")], as_json: JsonOpt = False) -> None:
    """Show one document: its fields, files with SHA-256, and its event history.

    Example: docgen register show 12
    """
    from docgen.register.batches import batch_of
    from docgen.register.chain import basis_of, resting_on

    with handle_errors(), _open() as reg:
        doc, files, events = reg.document(doc_id), reg.files(doc_id), reg.events(doc_id)
        basis, dependents = basis_of(reg.conn, doc.id), resting_on(reg.conn, doc.id)
        batch = batch_of(reg.conn, doc.id)
    if as_json:
        chain = {"basis": _brief(basis) if basis else None, "resting_on": [_brief(d) for d in dependents]}
        made_by = {"batch": batch.__dict__ if batch else None}
        print_json({"document": doc.as_dict(), "files": files, "events": events, **chain, **made_by})
        return
    for key, value in doc.as_dict().items():
        if key != "request" and value not in (None, ""):
            console.print(f"[bold]{key}[/]: {escape(clip(value))}")
    if basis is not None:
        console.print(f"[bold]dasar[/]: {escape(_label(basis))}")
    for dependent in dependents:
        console.print(f"[bold]menjadi dasar bagi[/]: {escape(_label(dependent))}")
    if batch is not None:
        source = f"{batch.source_name} (sha256 {batch.source_sha256[:12]}…)"
        made = f"batch {batch.id}: {source}, {batch.run_by}, {batch.started_at[:19]}"
        console.print(f"[bold]dibuat oleh[/]: {escape(made)}")
    for f in files:
        tag = "" if f["current"] else " (versi lama)"
        where = reg.workspace.shown(reg.workspace.outbox / f["path"])  # the register's path is outbox-relative
        console.print(f"berkas {f['role']}: {escape(clip(where))}{tag}  sha256 {f['sha256']}")
    for e in events:
        console.print(f"  {e['at'][:19]}  {e['action']}  {escape(clip(e['detail']))}")


@register_app.command("state")
def set_state(
    doc_id: Annotated[int, typer.Argument(help="Document id.")],
    target: Annotated[State, typer.Argument(help="New state.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Required for batal.")] = None,
) -> None:
    """Move a document along draft -> verified -> signed -> numbered -> sent -> archived.

    Example: docgen register state 12 signed
    """
    with handle_errors(), _open() as reg:
        doc = reg.set_state(doc_id, target, reason=reason)
        if target == State.BATAL:
            _warn_dependents(reg, doc.id)
    console.print(f"Dokumen {doc.id} sekarang {doc.state} ({LABELS[State(doc.state)]}).")


@register_app.command("void")
def void(
    number: Annotated[str, typer.Argument(help="The full number, e.g. 500.16.7.2/57/423.105/2026.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the number is void (kept in the register).")],
    year: Annotated[
        int | None, typer.Option("--year", help="Needed only when the number repeats across years.")
    ] = None,
) -> None:
    """Mark a number batal with a reason; it is never reused and stays in the agenda.

    Example: docgen register void 500.16.7.2/57/423.105/2026 --reason "salah alamat"
    """
    with handle_errors(), _open() as reg:
        doc = reg.void_number(number, reason=reason, year=year)
        _warn_dependents(reg, doc.id if doc else None)
    tail = f"; dokumen {doc.id} menjadi {doc.state}" if doc else ""
    console.print(f"Nomor {escape(number)} dibatalkan{tail}.")


def _label(doc: Any) -> str:
    return f"{doc.kind} {doc.number or 'tanpa nomor'} (id {doc.id}, {doc.state})"


def _brief(doc: Any) -> dict[str, Any]:
    return {"id": doc.id, "kind": doc.kind, "number": doc.number, "state": doc.state}


def _warn_dependents(reg: Register, doc_id: int | None) -> None:
    """Voiding a BAP or rekomendasi leaves the documents resting on it standing: say which."""
    from docgen.register.chain import resting_on

    standing = [d for d in resting_on(reg.conn, doc_id) if d.state != State.BATAL] if doc_id else []
    if standing:
        names = "; ".join(_label(d) for d in standing)
        console.print(
            f"[yellow]Perhatian[/]: dokumen yang bersandar pada dokumen ini masih berlaku: {escape(names)}; "
            "periksa apakah perlu dibatalkan juga"
        )


@register_app.command("export")
def export(
    fmt: Annotated[Literal["csv", "xlsx"], typer.Option("--format", help="Spreadsheet format.")] = "xlsx",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Target file.")] = None,
) -> None:
    """Export the buku agenda (every number, void ones with their reason) as CSV or XLSX.

    Example: docgen register export --format xlsx -o buku-agenda.xlsx
    """
    from docgen.agendabook import export_agenda
    from docgen.register import Register

    with handle_errors():
        ws = workspace()
        target = output or ws.register_path.parent / f"buku-agenda-{date.today():%Y%m%d}.{fmt}"
        with Register.open(ws) as reg:
            count = export_agenda(reg, target, fmt)
    console.print(f"{count} nomor ditulis ke [bold]{escape(str(target))}[/]")


@register_app.command("check")
def check(
    fix: Annotated[
        bool, typer.Option("--fix", help="Void numbers left by interrupted runs; set aside unknown files.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Verify the event chain, every outbox file's hash, and reserved-but-never-issued numbers.

    Exits 1 when anything is wrong. Example: docgen register check --fix
    """
    from docgen.register import check_register

    with handle_errors(), _open() as reg:
        report = check_register(reg, fix=fix)
    if as_json:
        print_json({"ok": report.ok, **report.__dict__})
    else:
        for line in report.fixed:
            console.print(f"[yellow]diperbaiki:[/] {escape(line)}")
        for line in report.in_progress:
            console.print(f"sedang berjalan: {escape(line)}")
        for line in report.problems:
            console.print(f"[red]masalah:[/] {escape(line)}")
        verdict = "[green]register baik[/]" if report.ok else f"[red]{len(report.problems)} masalah[/]"
        console.print(f"{verdict}: {report.events} peristiwa, {report.files} berkas, {report.numbers} nomor diperiksa.")
    if not report.ok:
        raise typer.Exit(1)


@register_app.command("accept-profile")
def accept_profile_command(
    yes: Annotated[bool, typer.Option("--yes", help="Accept without asking.")] = False,
) -> None:
    """Make this PC's profile the register's after a deliberate change (a new pattern, kop, signer, template).

    Every PC numbering into this register must then have the same docgen.toml and templates/; the
    others are refused until they do. An event records the old and new fingerprint and who
    accepted. Run it on the PC whose profile is right. Example: docgen register accept-profile
    """
    from docgen.register.profilelock import accept_profile, profile_drift

    with handle_errors(), _open() as reg:
        changed = profile_drift(reg)
        if changed == ():
            console.print("Profil komputer ini sudah sama dengan profil yang tercatat di register.")
            return
        if changed:
            console.print(f"Berbeda dari profil tercatat: {escape(', '.join(changed))}")
        if not yes:
            typer.confirm("Jadikan profil komputer ini profil register (komputer lain harus menyamakan)?", abort=True)
        accept_profile(reg)
    console.print("Profil komputer ini sekarang tercatat sebagai profil register.")


@register_app.command("create")
def create() -> None:
    """Create the register of a workspace that has none yet (a fresh copy of the shipped folder).

    Refused when a register, a backup or documents in outbox/ show one existed: restore that
    backup instead, or numbering would start again at 1. Example: docgen register create
    """
    from docgen.register import Register

    with handle_errors():
        ws = workspace()
        Register.create(ws).close()
    console.print(f"Register baru dibuat di [bold]{escape(register_place(ws))}[/].")


@register_app.command("backup")
def backup(
    ke: Annotated[
        Path | None, typer.Option("--ke", help="Folder for the backup (default: [register] backup_dir).")
    ] = None,
    simpan: Annotated[
        int | None, typer.Option("--simpan", min=0, help="Keep only the newest N backups there (0: keep all).")
    ] = None,
) -> None:
    """Write a checked copy of the register, named with the date and time, while others keep working.

    Example: docgen register backup --ke /media/usb/cadangan --simpan 30
    """
    from docgen.register.backup import backup_register

    with handle_errors():
        target = backup_register(workspace(), target_dir=ke, keep=simpan)
    console.print(f"Cadangan register ditulis ke [bold]{escape(str(target))}[/] (sudah diperiksa).")


@register_app.command("copy-to")
def copy_to(
    url: Annotated[str, typer.Argument(help="Empty PostgreSQL database: postgresql://user@host:5432/db.")],
) -> None:
    """Copy this workspace's SQLite register into an EMPTY PostgreSQL database, then check the copy.

    Every row keeps its id (numbering continues where it stopped); afterwards row counts, the
    event chain and every file's hash are checked on the server. The SQLite register is then
    marked as moved and refuses every change. Stop every docgen process first. Put the password
    in ~/.pgpass or PGPASSWORD, not in the URL. Then set [register] url in docgen.toml. Example:
    docgen register copy-to postgresql://docgen@server:5432/docgen
    """
    from docgen.register.transfer import copy_to_postgres

    with handle_errors():
        report = copy_to_postgres(workspace(), url)
    table = Table(title=f"Register disalin ke {escape(report.target)}")
    table.add_column("Tabel")
    table.add_column("Baris", justify="right")
    for name, count in report.rows.items():
        table.add_row(name, str(count))
    console.print(table)
    console.print(
        f"[green]salinan sama dengan register SQLite[/]: id register {report.register_id[:8]}, isi setiap tabel "
        f"sama, {report.events} peristiwa berantai utuh, {report.files} berkas cocok dengan outbox, "
        f"{report.numbers} nomor."
    )
    console.print(
        escape("Langkah berikut: isi [register] url di docgen.toml setiap komputer (lihat README: PostgreSQL).")
    )


@register_app.command("reconcile")
def reconcile_cmd() -> None:
    """After restoring a backup: record again what the outbox proves was issued, then number on.

    Every number the outbox's journal shows as issued and the register forgot is recorded again
    with its document and files (set-aside files come back from outbox/_yatim), the numbers in
    between are kept as used, and each counter moves past the highest number seen; one event
    names who did it. Running it again changes nothing. Example: docgen register reconcile
    """
    from docgen.register import Register
    from docgen.register.reconcile import reconcile

    with handle_errors(), Register.open(workspace()) as reg:
        report = reconcile(reg)
    for number in report.recorded:
        console.print(f"dicatat ulang: nomor {escape(number)}")
    for rel in report.returned:
        console.print(f"dikembalikan dari _yatim: {escape(rel)}")
    for line in report.counters:
        console.print(f"penghitung maju: {escape(line)}")
    if report.reserved_as_used:
        console.print(f"{len(report.reserved_as_used)} nomor di antaranya dicatat terpakai (batal, tanpa rincian).")
    for line in report.without_file:
        console.print(f"[yellow]perhatian:[/] {escape(line)}")
    if not report.changed:
        console.print("[green]register sudah sesuai dengan outbox[/]; tidak ada yang diubah.")
    else:
        console.print("Selesai; jalankan 'docgen register check'.")
