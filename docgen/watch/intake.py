"""Taking one dropped file: read it into items, make a document from each, file the input.

Processing is idempotent. Each item has a content key recorded in the same transaction that
issues its document, so a file found again after a crash is finished (moved to ``done/``), an
identical second drop goes to ``duplicate/`` naming the documents it would have repeated, and a
spreadsheet whose bad rows were fixed makes documents only for the rows not yet made.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.batch.rows import sheet_requests
from docgen.batch.tables import read_table
from docgen.errors import DocgenError, RegisterBusy, RegisterUnusable, RenderError, RequestError
from docgen.inbox import SIDECAR_SUFFIXES, Job
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pdf import Converter
from docgen.pipeline import Result, generate
from docgen.profile import Limits, Workspace
from docgen.register import Intake, Register
from docgen.requests import load_request
from docgen.stamping import stamp_document
from docgen.store.pg_errors import redacted
from docgen.watch.entries import read_regular, staged
from docgen.watch.names import safe_name, shown
from docgen.watch.sidecar import stamp_target

__all__ = ["Item", "Outcome", "file_away", "file_source", "note_text", "process_file", "read_items", "sidecar_of"]

log = logging.getLogger("docgen.watch")
TRANSIENT = (RegisterBusy, RenderError)  # register locked too long, LibreOffice restarting
_LINE_CHARS = 2_000  # one note line; a message quoting a huge value is cut here


@dataclass(frozen=True)
class Item:
    """One document's worth of input: a request (``data``), or a PDF with its sidecar's data or ``doc_id``."""

    label: str  # "" for one-document files, "baris 3" for spreadsheet rows
    data: dict[str, Any]
    pdf: Path | None = None  # a private copy of the dropped PDF (see entries.staged)
    doc_id: int | None = None  # stamp: the signed draft named by the sidecar's ``id``


@dataclass
class Outcome:
    """What became of a dropped file; ``folder`` is where the input goes."""

    made: list[tuple[str, Result]] = field(default_factory=list)
    again: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # made from this very file before
    duplicates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    note_bytes: int = Limits().note_bytes  # the profile's limit, set by process_file

    @property
    def folder(self) -> str:
        if self.errors:
            return "failed"
        if self.made or self.again:
            return "done"
        return "duplicate"


def file_source(path: Path) -> str:
    """Identify this very file (not its content): a restart finds the same name, inode, mtime.

    The entry itself is looked at (a link is not followed) and its name kept storable.
    """
    st = path.lstat()
    return f"{shown(path.name)}|{st.st_ino}|{st.st_mtime_ns}"


def sidecar_of(pdf: Path) -> Path | None:
    """The entry beside ``pdf`` named like it with a sidecar suffix, whatever it is (a link too:
    it is then refused when read, never followed)."""
    return next((pdf.with_suffix(s) for s in SIDECAR_SUFFIXES if os.path.lexists(pdf.with_suffix(s))), None)


def _load(content: bytes, name: str, limits: Limits) -> dict[str, Any]:
    """Parse a request from bytes already checked, through the pipeline's loader and its limits."""
    with staged(content, name) as copy:
        return load_request(copy, limits=limits)


def _from_name(workspace: Workspace, pdf: Path) -> dict[str, Any]:
    """Fields from the scan's file name, when the profile defines a pattern (and a slash stand-in)."""
    settings = workspace.profile.watch
    name = shown(pdf.name)
    if name != pdf.name:
        raise RequestError(
            f"Nama {name} memuat bait yang bukan UTF-8; ganti namanya atau sertakan berkas pendamping ({pdf.stem}.yaml)"
        )
    match = re.match(settings.masuk_name_pattern, pdf.stem) if settings.masuk_name_pattern else None
    if match is None:
        raise RequestError(
            f"{name} tidak punya berkas pendamping ({pdf.stem}.yaml) dan namanya tidak sesuai pola; "
            "sertakan berkas pendamping berisi dari, nomor, tanggal, hal, kka"
        )
    data = {k: v for k, v in match.groupdict().items() if v}
    if "nomor" in data and settings.name_slash:
        data["nomor"] = data["nomor"].replace(settings.name_slash, "/")
    return data


def _table_items(job: Job, path: Path, content: bytes, limits: Limits) -> list[Item]:
    """One item per row, read the way ``docgen batch`` reads a sheet (docgen.batch.rows)."""
    headers, rows = read_table(content, shown(path.name), path.suffix.lower(), limits)
    made = sheet_requests(get_kind(job.kind), headers, rows)
    return [Item(f"baris {row.number}", row.data) for row in made]


def read_items(workspace: Workspace, job: Job, path: Path, content: bytes, stack: ExitStack) -> list[Item]:
    """Read a dropped file (its checked ``content``) into items; an unreadable one raises a RequestError.

    A PDF's item points at a private copy that lives as long as ``stack``.
    """
    limits = workspace.profile.limits
    if job.action != "request":
        pdf = stack.enter_context(staged(content, path.name))
        sidecar = sidecar_of(path)
        if sidecar is None:
            data = _from_name(workspace, path) if job.action == "masuk" else {}
            return [Item("", data, pdf=pdf)]
        data = _load(read_regular(sidecar, limits.request_bytes, "request_bytes"), sidecar.name, limits)
        if job.action == "stamp":
            doc_id, request = stamp_target(data, shown(sidecar.name))
            return [Item("", request or {}, pdf=pdf, doc_id=doc_id)]
        return [Item("", data, pdf=pdf)]
    if path.suffix.lower() in (".csv", ".xlsx"):
        return _table_items(job, path, content, limits)
    return [Item("", _load(content, path.name, limits))]


def _limit(job: Job, path: Path, limits: Limits) -> tuple[int, str]:
    """The size limit for this input and the name of its setting."""
    if job.action != "request":
        return limits.pdf_bytes, "pdf_bytes"
    if path.suffix.lower() in (".csv", ".xlsx"):
        return limits.table_bytes, "table_bytes"
    return limits.request_bytes, "request_bytes"


def _key(job: Job, item: Item, content: bytes) -> str:
    """``content`` is the dropped file's bytes, read once; a PDF item is keyed by them."""
    if item.pdf is not None:  # the same scan may be a letter to stamp and, elsewhere, an incoming one
        return hashlib.sha256(f"{job.action}:{job.kind}:".encode() + content).hexdigest()
    canonical = json.dumps({"job": job.action, "kind": job.kind, "data": item.data}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _make(
    workspace: Workspace, job: Job, item: Item, intake: Intake, reg: Register, converter: Converter | None
) -> Result:
    source = item.label or (item.pdf.name if item.pdf else "")
    if job.action == "request":
        pdf = converter is not None
        return generate(
            workspace, job.kind, item.data, pdf=pdf, converter=converter, source=source, register=reg, intake=intake
        )
    assert item.pdf is not None
    if job.action == "stamp":
        return stamp_document(
            workspace, item.pdf, job.kind, doc_id=item.doc_id, data=None if item.doc_id is not None else item.data,
            source=source, register=reg, intake=intake, converter=converter,
        )  # fmt: skip
    data = dict(item.data)
    data.setdefault("diterima", date.today().isoformat())
    return enter_incoming(workspace, data, scan=item.pdf, source=source, register=reg, intake=intake)


def process_file(
    workspace: Workspace,
    job: Job,
    path: Path,
    reg: Register,
    *,
    converter: Converter | None = None,
    retries: int = 3,
) -> Outcome:
    """Make every item of ``path`` not made before; transient failures are retried, then failed.

    Everything that can refuse the file (a link, a FIFO, a size or shape limit, a bad sidecar)
    does so before any item reaches the register, so a refused file never consumes a number.
    """
    limits = workspace.profile.limits
    outcome = Outcome(note_bytes=limits.note_bytes)
    with ExitStack() as stack:
        try:
            content = read_regular(path, *_limit(job, path, limits))
            file_sha = hashlib.sha256(content).hexdigest()
            source = file_source(path)
            if job.action != "request":
                # Checked before the sidecar is read: after a crash the sidecar may already be filed.
                known = reg.intake(_key(job, Item("", {}, pdf=path), content))
                if known is not None:
                    (outcome.again if known["source"] == source else outcome.duplicates).append(("", known))
                    return outcome
            items = read_items(workspace, job, path, content, stack)
        except RegisterUnusable:
            raise  # not this file's fault: the watcher stops and the file waits in the inbox
        except DocgenError as exc:
            outcome.errors.append(("", str(exc)))
            return outcome
        except OSError as exc:
            outcome.errors.append(("", f"{shown(path.name)} tidak bisa dibaca ({exc.strerror or exc})"))
            return outcome
        except Exception as exc:  # one strange file must never stop the watcher
            log.exception("%s: galat tak terduga saat membaca", shown(str(path)))
            outcome.errors.append(("", f"{shown(path.name)} tidak bisa diproses ({type(exc).__name__}: {exc})"))
            return outcome
        if not items:
            outcome.errors.append(("", f"{shown(path.name)} tidak berisi permintaan"))
        for item in items:
            _make_item(workspace, job, item, reg, outcome, content, file_sha, source, converter, retries)
    return outcome


def _make_item(
    workspace: Workspace, job: Job, item: Item, reg: Register, outcome: Outcome,
    content: bytes, file_sha: str, source: str, converter: Converter | None, retries: int,
) -> None:  # fmt: skip
    key = _key(job, item, content)
    known = reg.intake(key)
    if known is not None:
        (outcome.again if known["source"] == source else outcome.duplicates).append((item.label, known))
        return
    intake = Intake(key, file_sha, source, item.label)
    for attempt in range(1, retries + 1):
        try:
            outcome.made.append((item.label, _make(workspace, job, item, intake, reg, converter)))
            return
        except TRANSIENT as exc:
            if attempt == retries:
                outcome.errors.append((item.label, f"{exc} (dicoba {retries} kali)"))
            else:
                time.sleep(0.5 * 2 ** (attempt - 1))
        except RegisterUnusable:
            raise
        except DocgenError as exc:
            outcome.errors.append((item.label, str(exc)))
            return
        except Exception as exc:  # a bug must fail this file, not stop the watcher
            log.exception("%s %s: galat tak terduga", shown(source), item.label)
            told = redacted(f"{type(exc).__name__}: {exc}")  # the note lies in the inbox for anyone to read
            outcome.errors.append((item.label, f"galat tak terduga ({told}); laporkan"))
            return


def _line(label: str, message: str) -> str:
    text = f"- {label + ': ' if label else ''}{message}".replace("\r", " ").replace("\n", " ")
    return text if len(text) <= _LINE_CHARS else text[: _LINE_CHARS - 1] + "…"


def _within(lines: list[str], budget: int, more: str) -> list[str]:
    """As many of ``lines`` as fit in ``budget`` bytes, then one line saying how many were left out."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        size = len(line.encode("utf-8", "replace")) + 1
        if used + size > budget:
            return [*kept, f"- ... dan {len(lines) - index} {more} lagi (tidak ditampilkan)"]
        kept.append(line)
        used += size
    return kept


def note_text(path: Path, outcome: Outcome) -> str:
    """The ``.error.txt`` / ``.duplikat.txt`` a clerk reads: what went wrong and what to do.

    Bounded by ``note_bytes`` (a million bad rows once wrote a 154 MB note): errors take at most
    half, the documents made the rest, each list ending with how many lines were left out. The
    original name is shown with any undecodable byte as an escape.
    """
    budget = outcome.note_bytes - 400  # headers and the two "... lagi" lines
    lines = []
    errors = [_line(label, message) for label, message in outcome.errors]
    if errors:
        lines.append(f"{path.name} GAGAL diproses. Perbaiki lalu letakkan lagi di folder yang sama:")
        errors = _within(errors, budget // 2, "kesalahan")
        lines += errors
    made = [_line(label, r.number or f"dokumen {r.id}") for label, r in outcome.made]
    earlier = [
        _line(label, k.get("number") or f"dokumen {k['doc_id']}") for label, k in outcome.again + outcome.duplicates
    ]
    rest = budget - sum(len(line.encode("utf-8", "replace")) + 1 for line in errors)
    if made:
        lines.append("Sudah dibuat dari berkas ini (tidak akan dibuat lagi):")
        made = _within(made, rest, "surat")
        lines += made
        rest -= sum(len(line.encode("utf-8", "replace")) + 1 for line in made)
    if earlier:
        lines.append("Sudah pernah dibuat sebelumnya (tidak diberi nomor lagi):")
        lines += _within(earlier, max(rest, 0), "surat")
    return shown("\n".join(lines) + "\n")


def _outcome_dir(folder: Path) -> Path:
    """The outcome folder, made if missing; one replaced by a link is refused (files would leave the inbox)."""
    folder.mkdir(exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():
        raise OSError(f"{folder} bukan folder biasa (tautan?); hapus lalu jalankan ulang docgen watch")
    return folder


def _write_note(note: Path, text: str) -> None:
    tmp = note.with_name(f".{note.name}.tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)  # a leftover, or a link planted to make us write elsewhere
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, note)


def file_away(path: Path, outcome: Outcome) -> Path:
    """Write the note (failed/duplicate), then move the input and its sidecar into the outcome folder.

    Outcome names are safe forms of the input's (printable, length-bounded); the note keeps the
    original. Entries of any type are moved as they are (a FIFO or a folder too), never opened.
    """
    target_dir = _outcome_dir(path.parent / outcome.folder)
    target = _free(target_dir / safe_name(path.name))
    if outcome.folder != "done":
        ending = ".error.txt" if outcome.folder == "failed" else ".duplikat.txt"
        _write_note(target.with_name(target.name + ending), note_text(path, outcome))
    sidecar = sidecar_of(path) if path.suffix.lower() == ".pdf" else None
    if sidecar is not None:
        os.replace(sidecar, _free(target.with_suffix(sidecar.suffix)))
    os.replace(path, target)
    return target


def _free(target: Path) -> Path:
    if not os.path.lexists(target):
        return target
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.stem} ({stamp}){target.suffix}")
    copy = 2
    while os.path.lexists(candidate):
        candidate = target.with_name(f"{target.stem} ({stamp}-{copy}){target.suffix}")
        copy += 1
    return candidate
