"""The flow of one document: validate -> compile -> reserve -> render -> write -> record.

Every caller (CLI, demo, batch, watcher) goes through these functions, so the register's
promises hold whoever asks: validation and template problems are found before a number is
taken, and a failure after that voids the number with its reason instead of losing it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from docgen.config import Workspace, copy_defaults, load_workspace
from docgen.errors import RequestError
from docgen.kinds import Kind, get_kind, validate_request
from docgen.register import FileRecord, Register, Reservation, State
from docgen.render import CompiledDocx, compile_docx, file_stem, write_new

__all__ = ["Result", "create_workspace", "generate", "load_request", "number_document"]


@dataclass(frozen=True)
class Result:
    """What a generation produced, as ``--json`` prints it."""

    id: int
    kind: str
    number: str | None
    state: str
    path: str
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def create_workspace(target: Path | str) -> Workspace:
    """``docgen init``: shipped profile and templates, empty folders, an empty register."""
    root = copy_defaults(target)
    workspace = load_workspace(root, env={})
    Register.open(workspace).close()
    return workspace


def load_request(path: Path) -> dict[str, Any]:
    """Read a request file (YAML or JSON); an unreadable file is one clear line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestError(f"Berkas permintaan {path} tidak bisa dibaca ({exc}); simpan sebagai UTF-8") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        where = f" (baris {line})" if line else ""
        raise RequestError(
            f"Berkas permintaan {path.name} tidak sah{where}; periksa titik dua dan tanda kutip"
        ) from exc
    if not isinstance(data, dict):
        raise RequestError(f"Berkas permintaan {path.name} harus berisi kolom seperti 'hal: ...'")
    return data


def _template(workspace: Workspace, kind: Kind) -> CompiledDocx:
    """The compiled template, proven once per process to render the kind's example.

    A template broken in a way Jinja only notices while rendering (a tag left open across
    paragraphs) is found here, before any number is reserved.
    """
    compiled = compile_docx(workspace.template(kind.template), emblem=workspace.emblem)
    if not compiled.proven:
        example = validate_request(kind, kind.example, workspace.profile, source="contoh bawaan")
        compiled.render(kind.render_context(example, workspace.profile, number="1"))
        compiled.proven = True
    return compiled


def _write_and_record(
    reg: Register,
    kind: Kind,
    compiled: CompiledDocx,
    context: dict[str, Any],
    doc_id: int,
    reservation: Reservation | None,
    *,
    year: int,
    state: State | None,
) -> Result:
    """Render, write into the outbox, record; on failure remove our file and void the number."""
    written = None
    try:
        data = compiled.render(context)
        stem = file_stem(reservation.number) if reservation else f"konsep-{doc_id:06d}"
        folder = reg.workspace.outbox / str(year) / kind.name
        written = write_new(folder / f"{stem}.docx", data)
        record = FileRecord("docx", reg.relative(written.path), written.sha256, written.size)
        reg.record_files(doc_id, [record], template_sha256=compiled.sha256, issue=reservation, state=state)
    except BaseException as exc:
        if written is not None:
            written.path.unlink(missing_ok=True)
        if reservation is not None and not isinstance(exc, KeyboardInterrupt | SystemExit):
            reg.abandon(reservation, reason=f"gagal dibuat: {exc}"[:300])
        raise
    doc = reg.document(doc_id)
    return Result(doc_id, kind.name, doc.number, doc.state, record.path, written.sha256)


def generate(
    workspace: Workspace,
    kind_name: str,
    data: dict[str, Any],
    *,
    draft: bool = False,
    insert_after: int | None = None,
    source: str = "",
    register: Register | None = None,
) -> Result:
    """Generate one document; numbered now unless ``draft`` (numbered later by ``number_document``)."""
    kind = get_kind(kind_name)
    profile = workspace.profile
    request = validate_request(kind, data, profile, source=source)
    if draft and insert_after is not None:
        raise RequestError("Konsep belum bernomor; --insert-after dipakai saat memberi nomor")
    compiled = _template(workspace, kind)  # template problems surface before a number is taken
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    context = kind.render_context(request.model_copy(update={"kka": kka}), profile, number="")
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
        return _write_and_record(
            reg, kind, compiled, context, doc_id, reservation, year=summary.doc_date.year, state=None
        )
    finally:
        if register is None:
            reg.close()


def number_document(
    workspace: Workspace, doc_id: int, *, insert_after: int | None = None, register: Register | None = None
) -> Result:
    """Give a signed draft its number and regenerate its DOCX with the number filled in."""
    reg = register or Register.open(workspace)
    try:
        doc = reg.document(doc_id)
        kind = get_kind(doc.kind)
        request = validate_request(kind, doc.request, workspace.profile, source=f"dokumen {doc_id}")
        compiled = _template(workspace, kind)
        context = kind.render_context(request.model_copy(update={"kka": doc.kka}), workspace.profile, number="")
        reservation = reg.reserve_for(doc_id, kind.series_for(workspace.profile), insert_after=insert_after)
        context["nomor"] = reservation.number
        year = int(doc.doc_date[:4])
        return _write_and_record(reg, kind, compiled, context, doc_id, reservation, year=year, state=State.NUMBERED)
    finally:
        if register is None:
            reg.close()
