"""The flow of one document: validate -> compile -> reserve -> render -> write -> record.

Every caller (CLI, demo, batch, watcher) goes through these functions, so the register's
promises hold whoever asks: validation and template problems are found before a number is
taken, and a failure after that voids the number with its reason instead of losing it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.basis import checked_basis, from_basis, printed_basis
from docgen.errors import NOTHING_NUMBERED, DiskFull, DocgenError, RegisterError, RenderError, RequestError
from docgen.files import DISK_FULL_FIX, NameTaken, Written, disk_full, write_new
from docgen.inbox import create_inbox
from docgen.kinds import Kind, get_kind, validate_request
from docgen.makers import Output, maker_for
from docgen.names import file_stem
from docgen.pdf import Converter, Marks, make_marks
from docgen.profile import Workspace, copy_defaults, load_workspace
from docgen.register import FileRecord, Intake, Register, Reservation, State
from docgen.register.batches import attach_in_tx
from docgen.register.chain import link_in_tx
from docgen.register.given import GivenNumber, start_given
from docgen.register.rows import DocumentRow
from docgen.register.states import check_transition

__all__ = ["free_name", "write_free", "Result", "create_workspace", "generate", "issue_outputs", "number_document"]


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


_FREE_NAME_TRIES = 1_000  # reprints taken by others while this one writes; far more than ever happen


def create_workspace(target: Path | str) -> Workspace:
    """``docgen init``: shipped profile and templates, the inbox folders, an empty register."""
    root = copy_defaults(target)
    workspace = load_workspace(root, env={})
    Register.create(workspace).close()  # the one place besides 'docgen register create' that makes one
    create_inbox(workspace)
    return workspace


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
            if reservation:
                written.append((role, write_new(folder / f"{stem}{ending}", data)))
            else:
                written.append((role, write_free(folder, stem, ending, data)))
        records = [FileRecord(role, reg.relative(w.path), w.sha256, w.size) for role, w in written]
        reg.record_files(
            doc_id, records, template_sha256=template_sha256, issue=reservation, state=state,
            source_sha256=source_sha256, intake=intake,
        )  # fmt: skip
    except BaseException as exc:
        fate: str | None = None
        if reservation is not None and not isinstance(exc, KeyboardInterrupt | SystemExit):
            try:
                fate = reg.abandon(reservation, reason=f"gagal dibuat: {_cause(exc)}"[:300])
            except Exception as void_exc:  # typically the same full disk: the number stays reserved
                _remove(written)
                fix = (
                    DISK_FULL_FIX
                    if disk_full(void_exc) or disk_full(exc)
                    else "periksa izin folder registers lalu jalankan 'docgen register check --fix'"
                )
                raise RenderError(
                    f"Nomor {reservation.number} tertahan (belum terbit, belum batal): {_cause(exc)}; "
                    f"pembatalannya pun gagal ({_one_line(void_exc)}); {fix}"
                ) from exc
            if fate == "issued":  # the connection was cut after the server committed: the files stay
                return _result(reg, kind, doc_id, reg.document(doc_id), written)
        _remove(written)
        if fate is not None and isinstance(exc, DocgenError) and not isinstance(exc, OSError):
            raise _told_fate(exc, reservation, fate) from exc
        # The register's own failures arrive as RegisterError (atomic converts them); only the
        # file system speaks in OSError here.
        if isinstance(exc, OSError) and not isinstance(exc, DocgenError):
            fix = DISK_FULL_FIX if disk_full(exc) else "periksa ruang disk dan izin folder outbox dan registers"
            done = f"nomor {reservation.number} dibatalkan" if reservation is not None else "tidak ada yang berubah"
            error = DiskFull if disk_full(exc) else RenderError
            raise error(f"Gagal menulis hasil ({_one_line(exc)}); {done}; {fix}") from exc
        raise
    return _result(reg, kind, doc_id, reg.document(doc_id), written)


def _result(reg: Register, kind: Kind, doc_id: int, doc: DocumentRow, written: list[tuple[str, Written]]) -> Result:
    files = [{"role": role, "path": reg.workspace.shown(w.path), "sha256": w.sha256} for role, w in written]
    return Result(doc_id, kind.name, doc.number, doc.state, files[0]["path"], files[0]["sha256"], files)


def _remove(written: list[tuple[str, Written]]) -> None:
    for _, w in written:
        w.path.unlink(missing_ok=True)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def _cause(exc: BaseException) -> str:
    """The failure in one line, without a claim that no number was used: here one was reserved."""
    return _one_line(exc).replace(NOTHING_NUMBERED, "").replace(" ;", ";").strip()


def _told_fate(exc: DocgenError, reservation: Reservation, status: str) -> DocgenError:
    """``exc`` saying what the register now holds for the number it had reserved (read back from it).

    A connection cut mid-document used to end with the server error's "no number was used"
    while the number had been voided with that very message as its reason (issue 21).
    """
    if status == "void":
        said = f"nomor {reservation.number} dibatalkan (tercatat batal di register dengan alasan 'gagal dibuat')"
    else:
        said = f"nomor {reservation.number} berstatus {status} di register; jalankan 'docgen register check'"
    told = copy.copy(exc)
    told.message = f"{_cause(exc)}; {said}"
    told.args = (told.message,)
    return told


def free_name(folder: Path, stem: str, ending: str) -> Path:
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


def write_free(folder: Path, stem: str, ending: str, data: bytes) -> Written:
    """Write ``data`` under the next free name (see ``free_name``), even while others write reprints too.

    ``free_name`` only looks; two re-stamps of one letter at the same moment both chose ``-2``
    and the second failed with "sudah ada" (issue 21). The link in ``write_new`` is the one atomic
    claim on a name, so a name taken in between moves this write on to the next one.
    """
    for _ in range(_FREE_NAME_TRIES):
        try:
            return write_new(free_name(folder, stem, ending), data)
        except NameTaken:
            continue
    raise RenderError(
        f"Tidak ada nama bebas untuk {stem}{ending} setelah {_FREE_NAME_TRIES} percobaan; terlalu banyak cetak "
        "ulang bersamaan, coba lagi"
    )


def _existing_stem(reg: Register, doc_id: int) -> str:
    """Drafts are named by id; an already numbered document keeps its number's name."""
    doc = reg.document(doc_id)
    return file_stem(doc.number) if doc.number and doc.number_status == "issued" else f"konsep-{doc_id:06d}"


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
    reserved: Reservation | None = None,
    dasar: str | None = None,
) -> Result:
    """Generate one document; numbered now unless ``draft`` (numbered later by ``number_document``).

    ``dasar`` names the document this one rests on (number or id); what the kind takes from it
    (``docgen.kinds.chain``) fills what ``data`` leaves out. ``intake`` (the folder watcher's) is
    recorded in the transaction that issues the document. Pictures the request names are looked
    up in ``request_dir`` (the request file's folder), then in the workspace, and nowhere else.
    ``reserved`` is a number a batch reserved for this request in its block; it is bound to the
    document in the transaction that creates it.
    """
    kind = get_kind(kind_name)
    profile = workspace.profile
    if dasar is not None:
        with nullcontext(register) if register else Register.open(workspace) as books:
            data = from_basis(books, kind, data, dasar)
    roots = tuple(dict.fromkeys(p.resolve() for p in (request_dir, workspace.root) if p is not None))
    request = validate_request(kind, data, profile, codes=workspace.archive_codes, source=source, roots=roots)
    if draft and insert_after is not None:
        raise RequestError("Konsep belum bernomor; --insert-after dipakai saat memberi nomor")
    maker = maker_for(workspace, kind, pdf=pdf, converter=converter)  # template problems surface now
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    context = kind.render_context(request.model_copy(update={"kka": kka}), profile, number="")
    reg = register or Register.open(workspace)
    try:
        basis = checked_basis(reg, kind, request)
        if basis is not None:
            context |= printed_basis(kind, basis, context)
        trial = None if draft else maker.trial(context, summary.doc_date.year)
        series = kind.series_for(profile, request)
        if reserved is not None and (draft or reserved.series != series):
            raise RegisterError(f"Nomor {reserved.number} dipesan untuk seri {reserved.series}, bukan {series}")

        def with_row(conn: Any, new_id: int) -> None:
            if basis is not None:
                link_in_tx(conn, new_id, basis.id)
            if reserved is not None:
                attach_in_tx(conn, new_id, reserved)

        if kind.given_number is not None:  # OSS's own number: recorded as given, no series is touched
            return _issue_given(reg, kind, request, summary, kka, context, maker, trial, with_row, intake, reserved)
        doc_id, reservation = reg.start_document(
            kind.name,
            summary,
            request.model_dump(mode="json"),
            state=State.DRAFT if draft else State.NUMBERED,
            series=None if draft or reserved is not None else series,
            kka=kka,
            insert_after=insert_after,
            with_row=with_row,
        )
        reservation = reserved or reservation
        context["nomor"] = reservation.number if reservation else ""
        marks = _marks(reg, doc_id, reservation)
        return issue_outputs(
            reg, kind, doc_id, reservation, lambda: maker.outputs(context, trial, reservation, marks),
            year=summary.doc_date.year, template_sha256=maker.sha256, intake=intake,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()


def _issue_given(reg: Register, kind: Kind, request: Any, summary: Any, kka: str, context: dict[str, Any],
                 maker: Any, trial: Any, with_row: Callable[[Any, int], None], intake: Intake | None,
                 reserved: Reservation | None) -> Result:  # fmt: skip
    """A document numbered from outside (``Kind.given_number``): created with its number, then written;
    a failure in writing leaves it batal with the cause, so the number is free for the next try."""
    source, number, issuer = kind.given_number(request, reg.profile)  # type: ignore[misc]
    if reserved is not None:
        raise RegisterError(f"{kind.name} bernomor dari {issuer}; nomor seri {reserved.number} tidak dipakai")
    given = GivenNumber(source, number, issuer, summary.doc_date)
    doc_id = start_given(reg, kind.name, summary, request.model_dump(mode="json"), given, kka=kka, with_row=with_row)
    doc = reg.document(doc_id)
    marks = make_marks(reg.profile, number=number, doc_date=summary.doc_date, token=doc.token or "")
    try:
        return issue_outputs(
            reg, kind, doc_id, None, lambda: maker.outputs({**context, "nomor": number}, trial, None, marks),
            year=summary.doc_date.year, template_sha256=maker.sha256, intake=intake,
        )  # fmt: skip
    except BaseException as exc:
        reg.set_state(doc_id, State.BATAL, reason=f"gagal dibuat: {_cause(exc)}"[:300])
        raise


def _marks(reg: Register, doc_id: int, reservation: Reservation | None, *, electronic: bool = False) -> Marks | None:
    """The QR and footer of a numbered document; ``electronic`` only when a TTE will sign it."""
    if reservation is None:
        return None
    doc = reg.document(doc_id)
    return make_marks(
        reg.profile, number=reservation.number, doc_date=date.fromisoformat(doc.doc_date), token=doc.token or "",
        electronic=electronic, issuer=reg.profile.series[reservation.series].instansi,  # the series' agency issued it
    )  # fmt: skip


def number_document(
    workspace: Workspace,
    doc_id: int,
    *,
    insert_after: int | None = None,
    pdf: bool = False,
    converter: Converter | None = None,
    register: Register | None = None,
    tanggal: date | None = None,
    electronic: bool = False,
) -> Result:
    """Give a signed draft its number and regenerate its DOCX (and PDF) with the number filled in.

    ``tanggal`` dates the letter on the day it was signed, when that is not the draft's date;
    the number then comes from that day's year. ``electronic``: the PDF is made for a TTE
    (docgen.sign), so its footer carries the clause on electronic evidence.
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
        maker = maker_for(workspace, kind, pdf=pdf, converter=converter)
        context = kind.render_context(request.model_copy(update={"kka": doc.kka}), workspace.profile, number="")
        trial = maker.trial(context, int(doc.doc_date[:4]))
        series = kind.series_for(workspace.profile, request)
        reservation = reg.reserve_for(doc_id, series, insert_after=insert_after)
        context["nomor"] = reservation.number
        marks = _marks(reg, doc_id, reservation, electronic=electronic)
        return issue_outputs(
            reg, kind, doc_id, reservation, lambda: maker.outputs(context, trial, reservation, marks),
            year=int(doc.doc_date[:4]), state=State.NUMBERED, template_sha256=maker.sha256,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()
