"""``docgen register check``: prove the books, the log and the outbox agree.

It is the audit a clerk runs after a crash or before handing the archive over: the event chain
is intact, every recorded file still has its hash, every reserved number belongs to a live
process, and nothing sits in the outbox that the register does not know.
"""

from __future__ import annotations

import re
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.files import file_sha256
from docgen.names import file_stem
from docgen.register.books import Register
from docgen.register.events import verify_chain
from docgen.register.numbering import holder_alive
from docgen.register.opening import ORPHANS
from docgen.register.profilelock import drift_problems
from docgen.register.reconcile import behind_counters, lagging
from docgen.store.db import atomic

__all__ = ["CheckReport", "check_register"]

ORPHAN_GRACE_S = 60.0  # a younger unknown file may be a document another process is recording
#: ``render.files.write_new`` writes ``.<name>.<pid>.tmp`` and links it into place; ``kill -9``
#: between the two leaves the hidden copy behind.
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


@dataclass
class CheckReport:
    """What the check found; ``ok`` is what the exit status reports."""

    problems: list[str] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    events: int = 0
    files: int = 0
    numbers: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_register(reg: Register, *, fix: bool = False) -> CheckReport:
    """Verify chain, files, reservations and outbox; with ``fix`` void interrupted numbers."""
    report = CheckReport()
    conn = reg.conn
    if reg.write_refusal:
        # This register does not belong to this outbox: judging the outbox by it would set aside
        # every real document, so nothing is fixed.
        report.problems.append(reg.write_refusal + (" (--fix tidak dijalankan)" if fix else ""))
        fix = False
    report.problems += drift_problems(reg)  # this PC would number with another profile (issue 21)
    report.events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    report.problems += verify_chain(conn)
    _check_files(reg, report)
    forgotten = _check_history(reg, report)
    _check_reservations(reg, report, fix=fix, keep={r["id"] for _, r in forgotten if r is not None})
    _check_orphans(reg, report, fix=fix, keep={f[1] for e, _ in forgotten for f in e.files})
    return report


def _check_history(reg: Register, report: CheckReport) -> list[tuple[Any, Any]]:
    """What the outbox proves was issued and the register forgot (a restored backup): reported, and
    left alone by ``--fix``, which would void or set aside letters that went out (issue 21)."""

    outbox = reg.workspace.outbox
    if not outbox.is_dir():
        return []
    fix = "jalankan 'docgen register reconcile' (sampai itu nomor baru ditolak)"
    for (series, year), (last, top) in behind_counters(reg.conn, outbox, list(reg.profile.series)).items():
        report.problems.append(
            f"register tertinggal: seri {series} tahun {year or '-'} sudah terbit sampai urutan {top} menurut "
            f"outbox, register mencatat sampai {last}; {fix}"
        )
    forgotten = lagging(reg.conn, outbox)
    for entry, _ in forgotten:
        where = ", ".join(reg.workspace.shown(outbox / f[1]) for f in entry.files[:2]) or "tanpa berkas"
        report.problems.append(
            f"nomor {entry.number} sudah terbit ({where}) tetapi tidak tercatat terbit di register; "
            "jalankan 'docgen register reconcile'"
        )
    return forgotten


def _check_files(reg: Register, report: CheckReport) -> None:
    workspace = reg.workspace
    if not workspace.outbox.is_dir() and workspace.outbox_elsewhere:
        report.problems.append(
            f"folder outbox {workspace.outbox} tidak ada; pasang (mount) folder bersamanya lalu periksa lagi"
        )
    for row in reg.conn.execute("SELECT * FROM files ORDER BY id").fetchall():
        report.files += 1
        try:
            path = workspace.outbox_file(row["path"])
        except DocgenError as exc:
            report.problems.append(f"dokumen {row['doc_id']}: {exc}")
            continue
        if not path.is_file():
            report.problems.append(f"berkas {workspace.shown(path)} (dokumen {row['doc_id']}) hilang dari outbox")
        elif file_sha256(path) != row["sha256"]:
            report.problems.append(
                f"berkas {workspace.shown(path)} (dokumen {row['doc_id']}) berubah sejak diterbitkan"
            )
    for row in reg.conn.execute(
        "SELECT n.number, n.doc_id FROM numbers n WHERE n.status = 'issued' AND NOT EXISTS "
        "(SELECT 1 FROM files f WHERE f.doc_id = n.doc_id AND f.current = 1)"
    ):
        report.problems.append(f"nomor {row['number']} terbit tanpa berkas (dokumen {row['doc_id']})")


def void_interrupted(reg: Register, row: Any) -> str:
    """Void a reservation whose process stopped before issuing it (a crash, a killed batch)."""
    with atomic(reg.conn):
        reg.void_in_tx(row, "interrupted")
    return f"nomor {row['number']} dibatalkan (interrupted)"


def interrupted_reservations(reg: Register) -> list[Any]:
    """Reserved numbers whose reserving process is gone (checked on this machine only)."""
    return _reservations(reg)[1]


def _reservations(reg: Register) -> tuple[list[Any], list[Any]]:
    """Reserved numbers split by their holder: (still running, gone)."""
    running: list[Any] = []
    gone: list[Any] = []
    for row in reg.conn.execute("SELECT * FROM numbers WHERE status = 'reserved' ORDER BY id").fetchall():
        (running if holder_alive(row["holder_pid"], row["holder_host"]) else gone).append(row)
    return running, gone


def _check_reservations(reg: Register, report: CheckReport, *, fix: bool, keep: set[int]) -> None:
    report.numbers = reg.conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0]
    running, gone = _reservations(reg)
    gone = [row for row in gone if row["id"] not in keep]  # issued letters: reported by _check_history
    for row in running:
        report.in_progress.append(
            f"nomor {row['number']} sedang dipakai proses {row['holder_pid']} di {row['holder_host']}"
        )
    for row in gone:
        if fix:
            report.fixed.append(void_interrupted(reg, row))
        else:
            report.problems.append(
                f"nomor {row['number']} dipesan sejak {row['reserved_at'][:19]} oleh proses {row['holder_pid']} di "
                f"{row['holder_host']} yang sudah berhenti dan tidak pernah terbit; jalankan "
                "'docgen register check --fix' untuk membatalkannya"
            )


def _check_orphans(reg: Register, report: CheckReport, *, fix: bool, keep: set[str]) -> None:
    outbox = reg.workspace.outbox
    if not outbox.is_dir():
        return
    known = {r[0] for r in reg.conn.execute("SELECT path FROM files")}
    # Files named after a void number were left by a run that died before recording them:
    # no process can still be writing them, so they need no grace period.
    abandoned = {file_stem(r[0]) for r in reg.conn.execute("SELECT number FROM numbers WHERE status = 'void'")}
    reports = {f"batch-{r[0]}" for r in reg.conn.execute("SELECT id FROM batches")}  # docgen batch's reports
    for path in sorted(p for p in outbox.rglob("*") if p.is_file()):
        parts = path.relative_to(outbox).parts
        if parts[0] == ORPHANS or (len(parts) > 1 and parts[-2] in reports and path.stem == "batch-report"):
            continue
        if path.name.startswith("."):
            _check_temporary(reg, path, report, fix=fix)
            continue
        if reg.relative(path) in known or reg.relative(path) in keep:
            continue
        rel = reg.workspace.shown(path)
        left_by_dead_run = any(path.stem == a or path.stem.startswith(a + "-") for a in abandoned)
        if not left_by_dead_run and time.time() - path.stat().st_mtime < ORPHAN_GRACE_S:
            # Another process may have just linked it into place and be recording it now.
            report.in_progress.append(f"berkas {rel} baru ditulis dan belum tercatat")
            continue
        if fix:
            _set_aside(path, path.relative_to(outbox), outbox)
            report.fixed.append(f"berkas {rel} tidak tercatat; dipindah ke {reg.workspace.shown(outbox / ORPHANS)}/")
        else:
            report.problems.append(f"berkas {rel} ada di outbox tetapi tidak tercatat di register")


def _set_aside(path: Path, rel: Path, outbox: Path) -> Path:
    """Move ``path`` to ``outbox/_yatim/<rel>`` without replacing anything already set aside there."""
    target = outbox / ORPHANS / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    counter = 1
    while target.exists():
        counter += 1
        target = target.with_name(f"{rel.stem}-{counter}{rel.suffix}")
    shutil.move(path, target)
    return target


def _check_temporary(reg: Register, path: Path, report: CheckReport, *, fix: bool) -> None:
    """A hidden ``.<name>.<pid>.tmp`` left by a writer that died is reported and, with fix, set aside.

    Its writer is judged by its pid (dead: left over at once) and its age (past the grace period a
    living pid is another process that reused the number). Other hidden files are not docgen's.
    On an outbox outside the workspace (a share) the writer may be another PC, whose pid says
    nothing here: a young temporary file there is always taken to be in progress.
    """
    match = _TEMPORARY.match(path.name)
    if match is None:
        return
    workspace = reg.workspace
    outbox = workspace.outbox
    pid, rel = int(match["pid"]), workspace.shown(path)
    young = time.time() - path.stat().st_mtime < ORPHAN_GRACE_S
    if young and (workspace.outbox_elsewhere or holder_alive(pid, socket.gethostname())):
        report.in_progress.append(f"berkas sementara {rel} sedang ditulis proses {pid}")
        return
    if fix:
        # Set aside under a visible name: a hidden file in _yatim would be missed by whoever looks there.
        moved = _set_aside(path, path.relative_to(outbox).with_name(f"{match['name']}.{pid}.tmp"), outbox)
        report.fixed.append(f"berkas sementara {rel} sisa proses {pid}; dipindah ke {workspace.shown(moved)}")
    else:
        report.problems.append(
            f"berkas sementara {rel} tertinggal (penulisnya, proses {pid}, terhenti sebelum selesai); jalankan "
            f"'docgen register check --fix' untuk memindahkannya ke {workspace.shown(outbox / ORPHANS)}/"
        )
