"""The flow of one document: validate -> compile -> reserve -> render -> write -> record.

Every caller (CLI, demo, batch, watcher) goes through these functions, so the register's
promises hold whoever asks: validation and template problems are found before a number is
taken, and a failure after that voids the number with its reason instead of losing it.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.config import Workspace, copy_defaults, load_workspace
from docgen.errors import DocgenError, RenderError, RequestError
from docgen.inbox import create_inbox
from docgen.kinds import Kind, get_kind, validate_request
from docgen.names import file_stem
from docgen.register import FileRecord, Intake, Register, Reservation, State
from docgen.register.states import check_transition
from docgen.render import CompiledDocx, Written, compile_docx, write_new
from docgen.render.bounded import Bounds
from docgen.render.convert import ColdConverter, Converter
from docgen.render.files import DISK_FULL_FIX, check_room, disk_full
from docgen.render.stamp import Marks, make_marks, stamp_pdf
from docgen.requests import load_request  # re-exported: the CLI and the watcher read requests here

__all__ = [
    "Output",
    "Result",
    "check_outbox",
    "create_workspace",
    "generate",
    "issue_outputs",
    "load_request",
    "number_document",
]


@dataclass(frozen=True)
class Result:
    """What a generation produced, as ``--json`` prints it.

    ``path`` and each file's path are for people and scripts on this PC: workspace-relative
    (``outbox/2026/...``) when the outbox is inside the workspace, absolute otherwise, so
    ``workspace.root / path`` is always the file. The register keeps them relative to the outbox.
    """

    id: int
    kind: str
    number: str | None
    state: str
    path: str
    sha256: str
    files: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def create_workspace(target: Path | str) -> Workspace:
    """``docgen init``: shipped profile and templates, the inbox folders, an empty register."""
    root = copy_defaults(target)
    workspace = load_workspace(root, env={})
    Register.create(workspace).close()  # the one place besides 'docgen register create' that makes one
    create_inbox(workspace)
    return workspace


def _template(workspace: Workspace, kind: Kind) -> CompiledDocx:
    """The compiled template, proven once per process to render the kind's example.

    A template broken in a way Jinja only notices while rendering (a tag left open across
    paragraphs) is found here, before any number is reserved.
    """
    compiled = compile_docx(workspace.template(kind.template), emblem=workspace.emblem)
    if not compiled.proven:
        example = validate_request(
            kind, kind.dated_example(), workspace.profile, source="contoh bawaan", roots=(workspace.root,)
        )
        compiled.render(
            kind.render_context(example, workspace.profile, number="1"), Bounds.of(workspace.profile.limits)
        )
        compiled.proven = True
    return compiled


Output = tuple[str, bytes, str]  # (role, content, file-name ending)


def _produce_docx(
    workspace: Workspace,
    kind: Kind,
    compiled: CompiledDocx,
    context: dict[str, Any],
    *,
    converter: Converter | None,
    marks: Marks | None,
    rendered: bytes | None = None,
) -> list[Output]:
    """Render the DOCX (unless ``rendered`` is it already) and, with a converter, its PDF
    (with QR and footer once it has a number)."""
    docx = rendered or compiled.render(context, Bounds.of(workspace.profile.limits))
    outputs: list[Output] = [("docx", docx, ".docx")]
    if converter is not None:
        with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
            source = Path(tmp) / "dokumen.docx"
            source.write_bytes(docx)
            pdf = converter.convert(source, Path(tmp)).read_bytes()
        if marks is not None:
            pdf = stamp_pdf(pdf, marks, workspace, kind.name, elements=frozenset({"qr", "footer"}))
        outputs.append(("pdf", pdf, ".pdf"))
    return outputs


def issue_outputs(
    reg: Register,
    kind: Kind,
    doc_id: int,
    reservation: Reservation | None,
    produce: Callable[[], list[Output]],
    *,
    year: int,
    state: State | None = None,
    template_sha256: str | None = None,
    source_sha256: str | None = None,
    intake: Intake | None = None,
) -> Result:
    """Produce, write into the outbox, record; on failure remove our files and void the number.

    The files are in place before the register says "issued" (one transaction records them
    and issues the number); a failure anywhere voids the reserved number with its cause.
    """
    written: list[tuple[str, Written]] = []
    try:
        outputs = produce()
        stem = file_stem(reservation.number) if reservation else _existing_stem(reg, doc_id)
        folder = reg.workspace.outbox / str(year) / kind.name
        for role, data, ending in outputs:
            # A new number names new files (an existing one is an error, never overwritten);
            # reprints of an existing document take the next free name.
            target = folder / f"{stem}{ending}" if reservation else _free_name(folder, stem, ending)
            written.append((role, write_new(target, data)))
        records = [FileRecord(role, reg.relative(w.path), w.sha256, w.size) for role, w in written]
        reg.record_files(
            doc_id, records, template_sha256=template_sha256, issue=reservation, state=state,
            source_sha256=source_sha256, intake=intake,
        )  # fmt: skip
    except BaseException as exc:
        for _, w in written:
            w.path.unlink(missing_ok=True)
        if reservation is not None and not isinstance(exc, KeyboardInterrupt | SystemExit):
            try:
                reg.abandon(reservation, reason=f"gagal dibuat: {exc}"[:300])
            except Exception as void_exc:  # typically the same full disk: the number stays reserved
                fix = (
                    DISK_FULL_FIX
                    if disk_full(void_exc) or disk_full(exc)
                    else "periksa izin folder registers lalu jalankan 'docgen register check --fix'"
                )
                raise RenderError(
                    f"Nomor {reservation.number} tertahan (belum terbit, belum batal): {_one_line(exc)}; "
                    f"pembatalannya pun gagal ({_one_line(void_exc)}); {fix}"
                ) from exc
        # The register's own failures arrive as RegisterError (atomic converts them); only the
        # file system speaks in OSError here.
        if isinstance(exc, OSError) and not isinstance(exc, DocgenError):
            fix = DISK_FULL_FIX if disk_full(exc) else "periksa ruang disk dan izin folder outbox dan registers"
            done = f"nomor {reservation.number} dibatalkan" if reservation is not None else "tidak ada yang berubah"
            raise RenderError(f"Gagal menulis hasil ({_one_line(exc)}); {done}; {fix}") from exc
        raise
    doc = reg.document(doc_id)
    files = [
        {"role": r.role, "path": reg.workspace.shown(w.path), "sha256": r.sha256}
        for r, (_, w) in zip(records, written, strict=True)
    ]
    return Result(doc_id, kind.name, doc.number, doc.state, files[0]["path"], records[0].sha256, files)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def _free_name(folder: Path, stem: str, ending: str) -> Path:
    """``12-2026-disposisi.pdf``, or ``...-disposisi-2.pdf`` when a later print already took it.

    The extension is everything from the ending's last dot: ``Path(".pdf").suffix`` is empty
    (a hidden file's name), which once named reprints ``....pdf-2``.
    """
    target = folder / f"{stem}{ending}"
    base, dot, extension = ending.rpartition(".")
    base, suffix = (base, f".{extension}") if dot else (ending, "")
    copy = 2
    while target.exists() or target.is_symlink():
        target = folder / f"{stem}{base}-{copy}{suffix}"
        copy += 1
    return target


def check_outbox(workspace: Workspace, kind: str, year: int, *, expected: int = 0) -> None:
    """Refuse before any number is reserved a document whose files could not be written.

    The year folder is created and proven writable, and the disks of the outbox and the
    register must have room for ``expected`` bytes with a margin (see ``check_room``).
    """
    outbox = workspace.require_outbox()  # a share that is not mounted is refused, not filled on this disk
    check_room(outbox / str(year) / kind, also=[workspace.register_path.parent], expected=expected)


def _existing_stem(reg: Register, doc_id: int) -> str:
    """Drafts are named by id; an already numbered document keeps its number's name."""
    doc = reg.document(doc_id)
    return file_stem(doc.number) if doc.number and doc.number_status == "issued" else f"konsep-{doc_id:06d}"


def _converter(pdf: bool, converter: Converter | None) -> Converter | None:
    """Checked before any number is reserved: without LibreOffice a PDF request fails at once."""
    if not pdf:
        return None
    return converter or ColdConverter()


def generate(
    workspace: Workspace,
    kind_name: str,
    data: dict[str, Any],
    *,
    draft: bool = False,
    insert_after: int | None = None,
    pdf: bool = False,
    converter: Converter | None = None,
    source: str = "",
    register: Register | None = None,
    intake: Intake | None = None,
    request_dir: Path | None = None,
) -> Result:
    """Generate one document; numbered now unless ``draft`` (numbered later by ``number_document``).

    ``intake`` (the folder watcher's) is recorded in the transaction that issues the document.
    Pictures the request names are looked up in ``request_dir`` (the request file's folder),
    then in the workspace, and nowhere else.
    """
    kind = get_kind(kind_name)
    if not kind.template.endswith(".docx"):
        raise RequestError(f"Jenis {kind.name} tidak dibuat dari templat; lihat 'docgen kinds {kind.name}'")
    profile = workspace.profile
    roots = tuple(dict.fromkeys(p.resolve() for p in (request_dir, workspace.root) if p is not None))
    request = validate_request(kind, data, profile, codes=workspace.archive_codes, source=source, roots=roots)
    if draft and insert_after is not None:
        raise RequestError("Konsep belum bernomor; --insert-after dipakai saat memberi nomor")
    compiled = _template(workspace, kind)  # template problems surface before a number is taken
    to_pdf = _converter(pdf, converter)
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    context = kind.render_context(request.model_copy(update={"kka": kka}), profile, number="")
    trial = None if draft else _trial(workspace, compiled, context, summary.doc_date.year, kind.name)
    reg = register or Register.open(workspace)
    try:
        doc_id, reservation = reg.start_document(
            kind.name,
            summary,
            request.model_dump(mode="json"),
            state=State.DRAFT if draft else State.NUMBERED,
            series=None if draft else kind.series_for(profile),
            kka=kka,
            insert_after=insert_after,
        )
        context["nomor"] = reservation.number if reservation else ""
        marks = _marks(reg, doc_id, reservation)
        rendered = _numbered(compiled, trial, reservation)
        return issue_outputs(
            reg, kind, doc_id, reservation,
            lambda: _produce_docx(workspace, kind, compiled, context, converter=to_pdf, marks=marks, rendered=rendered),
            year=summary.doc_date.year, template_sha256=compiled.sha256, intake=intake,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()


_STAND_IN = f"DOCGEN-NOMOR-{secrets.token_hex(12)}"  # per process: no request can contain it


def _trial(
    workspace: Workspace, compiled: CompiledDocx, context: dict[str, Any], year: int, kind: str
) -> list[tuple[str, bytes]]:
    """Render this very request once (with a stand-in number) and check the outbox, before reserving.

    A template that fails or runs away only for some data (``{{ 1/0 }}`` in one branch, a loop
    over a long list) is then refused without consuming a number. The parts rendered here become
    the document once the number is known (:func:`_numbered`), so the request is rendered once.
    """
    parts = compiled.render_parts({**context, "nomor": _STAND_IN}, Bounds.of(workspace.profile.limits))
    size = sum(len(data) for _, data in parts)
    check_outbox(workspace, kind, year, expected=size * 4)  # room for the DOCX and its PDF
    return parts


def _numbered(
    compiled: CompiledDocx, trial: list[tuple[str, bytes]] | None, reservation: Reservation | None
) -> bytes | None:
    """The trial render with the reserved number filled in, when that is exact (else render again)."""
    if trial is None or reservation is None:
        return None
    return compiled.with_number(trial, _STAND_IN, reservation.number)


def _marks(reg: Register, doc_id: int, reservation: Reservation | None) -> Marks | None:
    if reservation is None:
        return None
    doc = reg.document(doc_id)
    return make_marks(
        reg.profile, number=reservation.number, doc_date=date.fromisoformat(doc.doc_date), token=doc.token or ""
    )


def number_document(
    workspace: Workspace,
    doc_id: int,
    *,
    insert_after: int | None = None,
    pdf: bool = False,
    converter: Converter | None = None,
    register: Register | None = None,
    tanggal: date | None = None,
) -> Result:
    """Give a signed draft its number and regenerate its DOCX (and PDF) with the number filled in.

    ``tanggal`` dates the letter on the day it was signed, when that is not the draft's date;
    the number then comes from that day's year.
    """
    reg = register or Register.open(workspace)
    try:
        doc = reg.document(doc_id)
        kind = get_kind(doc.kind)
        data = dict(doc.request)
        if tanggal is not None:
            if "tanggal" not in kind.model.model_fields:
                raise RequestError(f"Jenis {kind.name} tidak punya kolom tanggal; --tanggal tidak berlaku")
            data["tanggal"] = tanggal.isoformat()
        request = validate_request(
            kind, data, workspace.profile, source=f"dokumen {doc_id}", roots=(workspace.root,), stored=True
        )
        if tanggal is not None and tanggal.isoformat() != doc.doc_date:
            check_transition(doc_id, State(doc.state), State.NUMBERED, reason=None)  # refuse before changing
            reg.redate(doc_id, kind.summary(request, workspace.profile).doc_date, request.model_dump(mode="json"))
            doc = reg.document(doc_id)
        compiled = _template(workspace, kind)
        to_pdf = _converter(pdf, converter)
        context = kind.render_context(request.model_copy(update={"kka": doc.kka}), workspace.profile, number="")
        trial = _trial(workspace, compiled, context, int(doc.doc_date[:4]), kind.name)
        reservation = reg.reserve_for(doc_id, kind.series_for(workspace.profile), insert_after=insert_after)
        context["nomor"] = reservation.number
        marks = _marks(reg, doc_id, reservation)
        rendered = _numbered(compiled, trial, reservation)
        return issue_outputs(
            reg, kind, doc_id, reservation,
            lambda: _produce_docx(workspace, kind, compiled, context, converter=to_pdf, marks=marks, rendered=rendered),
            year=int(doc.doc_date[:4]), state=State.NUMBERED, template_sha256=compiled.sha256,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()
