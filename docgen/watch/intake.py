"""Taking one dropped file: read it into items, make a document from each, file the input.

Processing is idempotent. Each item has a content key recorded in the same transaction that
issues its document, so a file found again after a crash is finished (moved to ``done/``), an
identical second drop goes to ``duplicate/`` naming the documents it would have repeated, and a
spreadsheet whose bad rows were fixed makes documents only for the rows not yet made.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import time
import typing
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.config import Workspace
from docgen.errors import DocgenError, RegisterBusy, RenderError, RequestError
from docgen.inbox import SIDECAR_SUFFIXES, Job
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import Result, generate, load_request
from docgen.register import Intake, Register
from docgen.render.convert import Converter
from docgen.stamping import stamp_document

__all__ = ["Item", "Outcome", "file_away", "file_source", "note_text", "process_file", "read_items", "sidecar_of"]

log = logging.getLogger("docgen.watch")
TRANSIENT = (RegisterBusy, RenderError)  # register locked too long, LibreOffice restarting


@dataclass(frozen=True)
class Item:
    """One document's worth of input: a request (``data``) or a PDF with its sidecar."""

    label: str  # "" for one-document files, "baris 3" for spreadsheet rows
    data: dict[str, Any]
    pdf: Path | None = None


@dataclass
class Outcome:
    """What became of a dropped file; ``folder`` is where the input goes."""

    made: list[tuple[str, Result]] = field(default_factory=list)
    again: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # made from this very file before
    duplicates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def folder(self) -> str:
        if self.errors:
            return "failed"
        if self.made or self.again:
            return "done"
        return "duplicate"


def file_source(path: Path) -> str:
    """Identify this very file (not its content): a restart finds the same name, inode, mtime."""
    st = path.stat()
    return f"{path.name}|{st.st_ino}|{st.st_mtime_ns}"


def _list_fields(kind: str) -> set[str]:
    fields = get_kind(kind).model.model_fields
    return {name for name, info in fields.items() if typing.get_origin(info.annotation) is list}


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _row_request(headers: list[str], values: list[Any], lists: set[str]) -> dict[str, Any]:
    """A spreadsheet row as a request: empty cells left out, ``a.b`` headers nested, list cells split."""
    data: dict[str, Any] = {}
    for header, raw in zip(headers, values, strict=False):
        value = _cell(raw)
        if not header or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if header in lists and isinstance(value, str):
            value = [part.strip() for part in re.split(r"\n|\|", value) if part.strip()]
        target = data
        *parents, leaf = header.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return data


def _table(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def sidecar_of(pdf: Path) -> Path | None:
    return next((pdf.with_suffix(s) for s in SIDECAR_SUFFIXES if pdf.with_suffix(s).is_file()), None)


def _from_name(workspace: Workspace, pdf: Path) -> dict[str, Any]:
    """Fields from the scan's file name, when the profile defines a pattern (and a slash stand-in)."""
    settings = workspace.profile.watch
    match = re.match(settings.masuk_name_pattern, pdf.stem) if settings.masuk_name_pattern else None
    if match is None:
        raise RequestError(
            f"{pdf.name} tidak punya berkas pendamping ({pdf.stem}.yaml) dan namanya tidak sesuai pola; "
            "sertakan berkas pendamping berisi dari, nomor, tanggal, hal, kka"
        )
    data = {k: v for k, v in match.groupdict().items() if v}
    if "nomor" in data and settings.name_slash:
        data["nomor"] = data["nomor"].replace(settings.name_slash, "/")
    return data


def read_items(workspace: Workspace, job: Job, path: Path) -> list[Item]:
    """Read a dropped file into items; an unreadable file raises a RequestError for the note."""
    if job.action != "request":
        sidecar = sidecar_of(path)
        data = load_request(sidecar) if sidecar else (_from_name(workspace, path) if job.action == "masuk" else {})
        return [Item("", data, pdf=path)]
    if path.suffix.lower() in (".csv", ".xlsx"):
        try:
            rows = _table(path)
        except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise RequestError(
                f"{path.name} tidak bisa dibaca sebagai tabel ({exc}); simpan ulang sebagai CSV UTF-8 atau XLSX"
            ) from exc
        if not rows:
            raise RequestError(f"{path.name} kosong; baris pertama berisi nama kolom, berikutnya satu surat per baris")
        headers = [str(h).strip() if h is not None else "" for h in rows[0]]
        lists = _list_fields(job.kind)
        return [
            Item(f"baris {number}", _row_request(headers, values, lists))
            for number, values in enumerate(rows[1:], start=2)
            if any(v not in (None, "") for v in values)
        ]
    return [Item("", load_request(path))]


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
    if job.action == "stamp":
        data = dict(item.data)
        doc_id = data.pop("id", None)
        assert item.pdf is not None
        return stamp_document(
            workspace, item.pdf, job.kind, doc_id=doc_id, data=None if doc_id is not None else data,
            source=source, register=reg, intake=intake,
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
    """Make every item of ``path`` not made before; transient failures are retried, then failed."""
    outcome = Outcome()
    try:
        content = path.read_bytes()
        file_sha = hashlib.sha256(content).hexdigest()
        source = file_source(path)
        if job.action != "request":
            # Checked before the sidecar is read: after a crash the sidecar may already be filed.
            known = reg.intake(_key(job, Item("", {}, pdf=path), content))
            if known is not None:
                (outcome.again if known["source"] == source else outcome.duplicates).append(("", known))
                return outcome
        items = read_items(workspace, job, path)
    except DocgenError as exc:
        outcome.errors.append(("", str(exc)))
        return outcome
    except OSError as exc:
        outcome.errors.append(("", f"{path.name} tidak bisa dibaca ({exc})"))
        return outcome
    except Exception as exc:  # one strange file must never stop the watcher
        log.exception("%s: galat tak terduga saat membaca", path)
        outcome.errors.append(("", f"{path.name} tidak bisa diproses ({type(exc).__name__}: {exc})"))
        return outcome
    if not items:
        outcome.errors.append(("", f"{path.name} tidak berisi permintaan"))
    for item in items:
        key = _key(job, item, content)
        known = reg.intake(key)
        if known is not None:
            (outcome.again if known["source"] == source else outcome.duplicates).append((item.label, known))
            continue
        intake = Intake(key, file_sha, source, item.label)
        for attempt in range(1, retries + 1):
            try:
                outcome.made.append((item.label, _make(workspace, job, item, intake, reg, converter)))
                break
            except TRANSIENT as exc:
                if attempt == retries:
                    outcome.errors.append((item.label, f"{exc} (dicoba {retries} kali)"))
                else:
                    time.sleep(0.5 * 2 ** (attempt - 1))
            except DocgenError as exc:
                outcome.errors.append((item.label, str(exc)))
                break
            except Exception as exc:  # a bug must fail this file, not stop the watcher
                log.exception("%s %s: galat tak terduga", path, item.label)
                outcome.errors.append((item.label, f"galat tak terduga ({type(exc).__name__}: {exc}); laporkan"))
                break
    return outcome


def note_text(path: Path, outcome: Outcome) -> str:
    """The ``.error.txt`` / ``.duplikat.txt`` a clerk reads: what went wrong and what to do."""
    lines = []
    if outcome.errors:
        lines.append(f"{path.name} GAGAL diproses. Perbaiki lalu letakkan lagi di folder yang sama:")
        lines += [f"- {label + ': ' if label else ''}{message}" for label, message in outcome.errors]
    made = [(label, r.number or f"dokumen {r.id}") for label, r in outcome.made]
    earlier = [(label, k.get("number") or f"dokumen {k['doc_id']}") for label, k in outcome.again + outcome.duplicates]
    if made:
        lines.append("Sudah dibuat dari berkas ini (tidak akan dibuat lagi):")
        lines += [f"- {label + ': ' if label else ''}{number}" for label, number in made]
    if earlier:
        lines.append("Sudah pernah dibuat sebelumnya (tidak diberi nomor lagi):")
        lines += [f"- {label + ': ' if label else ''}{number}" for label, number in earlier]
    return "\n".join(lines) + "\n"


def file_away(path: Path, outcome: Outcome) -> Path:
    """Write the note (failed/duplicate), then move the input and its sidecar into the outcome folder."""
    target_dir = path.parent / outcome.folder
    target_dir.mkdir(exist_ok=True)
    target = _free(target_dir / path.name)
    if outcome.folder != "done":
        ending = ".error.txt" if outcome.folder == "failed" else ".duplikat.txt"
        note = target.with_name(target.name + ending)
        tmp = note.with_name(f".{note.name}.tmp")
        tmp.write_text(note_text(path, outcome), encoding="utf-8")
        os.replace(tmp, note)
    sidecar = sidecar_of(path) if path.suffix.lower() == ".pdf" else None
    if sidecar is not None:
        os.replace(sidecar, _free(target_dir / sidecar.name))
    os.replace(path, target)
    return target


def _free(target: Path) -> Path:
    if not target.exists():
        return target
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.stem} ({stamp}){target.suffix}")
    copy = 2
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({stamp}-{copy}){target.suffix}")
        copy += 1
    return candidate
