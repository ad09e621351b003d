"""Commands that make documents: init, demo, kinds, new, number, template check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from docgen.cli.books import register_place
from docgen.cli.common import console, handle_errors, print_json, workspace
from docgen.errors import RequestError

if TYPE_CHECKING:
    from docgen.pipeline import Result

__all__ = ["register_commands", "report_result"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Also write the PDF (needs LibreOffice), with QR code and footer.")]
InsertOpt = Annotated[
    int | None,
    typer.Option(
        "--insert-after", help="Give an insert number after this sequence (57 -> 57a) for a backdated letter."
    ),
]


def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create (may exist, must not hold docgen.toml).")],
) -> None:
    """Create a workspace: profile, templates, inbox/outbox folders and an empty register.

    Example: docgen init ~/dpmptsp
    """
    from docgen.pipeline import create_workspace

    with handle_errors():
        ws = create_workspace(folder)
    console.print(
        f"Workspace dibuat di [bold]{escape(str(ws.root))}[/]. Sunting docgen.toml lalu jalankan 'docgen demo'."
    )


def demo() -> None:
    """Generate sample letters (numbered, draft, insert, void) here and show the register.

    Example: docgen demo
    """
    from docgen.demo import run_demo

    with handle_errors():
        ws = workspace()
        report = run_demo(ws)
    table = Table(title="Surat contoh yang dibuat", box=None, header_style="bold")
    table.add_column("ID", justify="right")
    table.add_column("Nomor", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Langkah")
    for title, result in report.steps:
        table.add_row(str(result.id), result.number or "(belum bernomor)", result.state, title)
    console.print(table)
    folders = sorted({str(Path(result.path).parent) for _, result in report.steps})
    console.print(f"Berkas ada di: {escape(', '.join(folders))}")
    if report.voided:
        console.print(f"Nomor dibatalkan (tetap tercatat): {', '.join(report.voided)}")
    if report.pdf_note:
        console.print(escape(report.pdf_note))
    check = report.check
    assert check is not None
    verdict = "[green]baik[/]" if check.ok else "[red]ada masalah[/]"
    console.print(
        f"Register {escape(register_place(ws))}: {check.numbers} nomor, {check.files} berkas, "
        f"{check.events} peristiwa; pemeriksaan {verdict}."
    )
    console.print("Lihat semua: 'docgen register list'; buku agenda: 'docgen register export --format xlsx'.")
    if not check.ok:
        raise typer.Exit(1)


def kinds(
    kind: Annotated[str | None, typer.Argument(help="A kind to describe; all kinds when omitted.")] = None,
    example: Annotated[bool, typer.Option("--example", help="Print a valid example request (YAML).")] = False,
) -> None:
    """List document kinds and their fields, or print an example request to start from.

    Example: docgen kinds surat-keluar --example > surat.yaml
    """
    import yaml

    from docgen.kinds import KINDS, get_kind

    with handle_errors():
        chosen = [get_kind(kind)] if kind else list(KINDS.values())
        if example:
            if kind is None:
                raise RequestError("Sebutkan jenisnya untuk --example, mis. 'docgen kinds surat-keluar --example'")
            typer.echo(
                yaml.safe_dump(chosen[0].dated_example(), allow_unicode=True, sort_keys=False, width=100), nl=False
            )
            return
    for k in chosen:
        table = Table(title=f"{k.name}: {k.title}", caption=k.description)
        for column in ("Kolom", "Wajib", "Keterangan"):
            table.add_column(column)
        for name, info in k.model.model_fields.items():
            table.add_row(name, "ya" if info.is_required() else "", k.field_help.get(name, ""))
        console.print(table)


def new(
    kind: Annotated[str, typer.Argument(help="Document kind, e.g. surat-keluar (see 'docgen kinds').")],
    data: Annotated[Path, typer.Option("--data", "-d", help="Request file, YAML or JSON.")],
    draft: Annotated[
        bool, typer.Option("--draft", help="Write an unnumbered draft; number it later with 'docgen number'.")
    ] = False,
    insert_after: InsertOpt = None,
    pdf: PdfOpt = False,
    dasar: Annotated[
        str | None,
        typer.Option(
            "--dasar",
            help="The document this one rests on (a BAP for a rekomendasi, a rekomendasi for an izin or "
            "Sertifikat Standar), by number or register id: its applicant, object and number fill what the "
            "request leaves out.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Generate one document from a request file into the outbox and record it.

    Example: docgen new surat-keluar --data surat.yaml --draft

    Example: docgen new rekomendasi --dasar 500.16.7.2/BAP-001/423.105/2026 --data rekomendasi.yaml
    """
    from docgen.pipeline import generate
    from docgen.requests import load_request

    with handle_errors():
        ws = workspace()
        result = generate(
            ws,
            kind,
            load_request(data, ws.profile.limits),
            draft=draft,
            insert_after=insert_after,
            pdf=pdf,
            source=data.name,
            request_dir=data.parent,
            dasar=dasar,
        )
    report_result(result, as_json)


def number(
    doc_id: Annotated[int, typer.Argument(help="Document id (see 'docgen register list').")],
    insert_after: InsertOpt = None,
    pdf: PdfOpt = False,
    tanggal: Annotated[
        str | None, typer.Option("--tanggal", help="Date the letter was signed, if not the draft's, 2026-12-01.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a signed draft its number and regenerate its DOCX with the number filled in.

    Example: docgen number 12 --tanggal 2026-12-01
    """
    from datetime import date

    from docgen.pipeline import number_document

    with handle_errors():
        try:
            signed_on = date.fromisoformat(tanggal) if tanggal else None
        except ValueError:
            raise RequestError(f"--tanggal '{tanggal}' bukan tanggal; tulis seperti 2026-12-01") from None
        result = number_document(workspace(), doc_id, insert_after=insert_after, pdf=pdf, tanggal=signed_on)
    report_result(result, as_json)


def report_result(result: Result, as_json: bool) -> None:
    """Print a generation result: JSON for scripts, one line per file for people."""
    data = result.as_dict()
    if as_json:
        print_json(data)
        return
    label = data["number"] or "konsep tanpa nomor"
    paths = ", ".join(f["path"] for f in data["files"]) or data["path"]
    console.print(f"Dokumen {data['id']} ({escape(label)}) ditulis ke [bold]{escape(paths)}[/]")


template_app = typer.Typer(help="Check templates against their kinds.", no_args_is_help=True)


@template_app.command("check")
def template_check(
    file: Annotated[
        Path | None, typer.Argument(help="Template to check; all shipped kinds' templates when omitted.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Kind the file belongs to (default: from its name).")
    ] = None,
) -> None:
    """List template variables the kind lacks and required fields the template never shows.

    Example: docgen template check templates/surat-keluar.docx
    """
    from docgen.kinds import get_kind, made_kinds
    from docgen.render.check import check_flow, check_form, check_template

    with handle_errors():
        ws = workspace()
        if file is None:
            targets = [(k, ws.template(k.template)) for k in made_kinds()]
        else:
            targets = [(get_kind(kind or file.name.split(".")[0]), file)]
        checkers = {".flow.toml": check_flow, ".toml": check_form}
        reports = [
            next((c for end, c in checkers.items() if path.name.endswith(end)), check_template)(
                k, path, ws.profile, roots=(ws.root,)
            )
            for k, path in targets
        ]
    bad = False
    for r in reports:
        for note in r.notes:
            console.print(f"[yellow]{r.template}[/]: {escape(note)}")
        if r.ok:
            used = f" (filter: {', '.join(r.filters)})" if r.filters else ""
            console.print(f"[green]{r.template}[/] cocok dengan jenis {r.kind}{used}.")
            continue
        bad = True
        for problem in r.problems:
            console.print(f"[red]{r.template}[/]: {escape(problem)}")
        if r.unknown:
            console.print(f"[red]{r.template}[/]: variabel tidak dikenal jenis {r.kind}: {', '.join(r.unknown)}")
        if r.unshown:
            console.print(f"[red]{r.template}[/]: kolom wajib yang tidak pernah ditampilkan: {', '.join(r.unshown)}")
    if bad:
        raise typer.Exit(1)


def register_commands(app: typer.Typer) -> None:
    for command in (init, demo, kinds, new, number):
        app.command()(command)
    app.add_typer(template_app, name="template")
