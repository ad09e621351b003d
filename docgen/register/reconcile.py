"""``docgen register reconcile``: bring a register that went back in time up to what the outbox proves.

After a restore (a SQLite backup, a pg_dump) the register has forgotten the numbers issued since
the backup, and numbering refuses while its counters lie below the outbox's marks (issue 21).
This one command re-records every number the outbox journal (``outbox/.nomor-terbit.jsonl``)
proves was issued and the register does not hold as issued, with its document and files (set
aside files come back from ``_yatim/``), reserves the numbers in between as used, and forwards
the counters past every number seen; one event names who did it. Run twice, it changes nothing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import RegisterError
from docgen.files import file_sha256
from docgen.register.actor import command_user, current_actor
from docgen.register.books import Register, new_token
from docgen.register.events import append_event, now_iso
from docgen.register.numbering import holder_alive
from docgen.register.opening import ORPHANS
from docgen.register.outboxproof import Issued, issued_entries, marks
from docgen.store.db import atomic

__all__ = ["MAX_GAP", "ReconcileReport", "behind_counters", "lagging", "reconcile"]

#: More numbers than this between a counter and the outbox's mark is not a restore but a damaged
#: or edited mark: reserving them all as used would need a person's look first.
MAX_GAP = 10_000
_GAP_REASON = "terpakai sebelum register dipulihkan dari cadangan; rinciannya hilang bersama register lama"


@dataclass
class ReconcileReport:
    """What ``reconcile`` changed; empty lists when the register already agreed with the outbox."""

    recorded: list[str] = field(default_factory=list)
    reserved_as_used: list[str] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    without_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.recorded or self.reserved_as_used or self.counters)


def _present(outbox: Path, rel: str) -> Path | None:
    """The journal's file where it is, or where ``register check --fix`` set it aside."""
    for place in (outbox / rel, outbox / ORPHANS / rel):
        if place.is_file():
            return place
    return None


def lagging(conn: Any, outbox: Path) -> list[tuple[Issued, Any]]:
    """Journal entries the register does not hold as issued, with their number row (or None).

    A void number was voided on purpose (after issue, or its write failed and its file is gone);
    a reservation of a live process is being issued now. A dead process's reservation whose file
    is in the outbox is a letter the restored register forgot; without a file it was interrupted.
    """
    entries = list(issued_entries(outbox))
    if not entries:
        return []
    # One read of every number (not one per journal line: a year of letters on PostgreSQL would be
    # thousands of round trips).
    held = {(r["series"], r["year"], r["seq"], r["suffix"]): r for r in conn.execute("SELECT * FROM numbers")}
    found = []
    for entry in entries:
        row = held.get(entry.key)
        if row is not None and row["status"] in ("issued", "void"):
            continue
        if row is not None and (
            holder_alive(row["holder_pid"], row["holder_host"]) or not any(_present(outbox, f[1]) for f in entry.files)
        ):
            continue
        found.append((entry, row))
    return found


def behind_counters(conn: Any, outbox: Path, series: list[str]) -> dict[tuple[str, int], tuple[int, int]]:
    """(series, year) -> (counter, highest issued the outbox proves) where the counter lies below."""
    seen = marks(outbox, series)
    for entry in issued_entries(outbox):
        seen[(entry.series, entry.year)] = max(seen.get((entry.series, entry.year), 0), entry.seq)
    behind = {}
    for (name, year), top in sorted(seen.items()):
        row = conn.execute("SELECT last_seq FROM counters WHERE series = ? AND year = ?", (name, year)).fetchone()
        last = row[0] if row else 0
        if last < top:
            behind[(name, year)] = (last, top)
    return behind


def reconcile(reg: Register) -> ReconcileReport:
    """Re-record what the outbox proves was issued and forward the counters, in one transaction.

    Refused (like every write) by a register that is not this outbox's or that has moved.
    """
    report = ReconcileReport()
    conn, outbox = reg.conn, reg.workspace.outbox
    with atomic(conn):
        for entry, row in lagging(conn, outbox):
            _record(reg, entry, row, report)
        for (series, year), (last, top) in behind_counters(conn, outbox, list(reg.profile.series)).items():
            if top - last > MAX_GAP:
                raise RegisterError(
                    f"Penanda outbox seri {series} tahun {year} menyebut urutan {top}, register {last}: selisihnya "
                    f"lebih dari {MAX_GAP}; periksa berkas outbox/.nomor-* itu (mungkin rusak), tidak ada yang diubah"
                )
            _reserve_gap(conn, series, year, last, top, report)
            conn.execute(
                "INSERT INTO counters (series, year, last_seq) VALUES (?, ?, ?) "
                "ON CONFLICT (series, year) DO UPDATE SET last_seq = excluded.last_seq",
                (series, year, top),
            )
            report.counters.append(f"seri {series} tahun {year or '-'}: {last} -> {top}")
        if report.changed:
            # Always named, even when called from a library (no desk user, no command line).
            append_event(
                conn, "register.reconciled", recorded=report.recorded, reserved_as_used=len(report.reserved_as_used),
                counters=report.counters, pengguna=current_actor() or command_user(),
            )  # fmt: skip
    return report


def _record(reg: Register, entry: Issued, row: Any, report: ReconcileReport) -> None:
    """Make one forgotten number issued again, with its document and the files still in the outbox."""
    conn, outbox, stamp = reg.conn, reg.workspace.outbox, now_iso()
    doc_id = row["doc_id"] if row is not None else _same_document(conn, entry)
    if doc_id is None:
        request = {"dicatat_ulang_dari_outbox": entry.number}
        doc_id = conn.execute(
            "INSERT INTO documents (kind, state, kka, subject, addressee, doc_date, signer, sifat,"
            " request_json, created_at, updated_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (entry.kind, entry.state, entry.kka, entry.subject, entry.addressee, entry.doc_date, entry.signer,
             entry.sifat, json.dumps(request), stamp, stamp, new_token()),
        ).fetchone()[0]  # fmt: skip
    if row is None:
        number_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM numbers").fetchone()[0])
        conn.execute(
            "INSERT INTO numbers (id, series, year, seq, suffix, number, status, doc_id, reserved_at, issued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?)",
            (number_id, *entry.key, entry.number, doc_id, entry.at or stamp, entry.at or stamp),
        )
    else:
        number_id = row["id"]
        conn.execute(
            "UPDATE numbers SET status = 'issued', issued_at = ?, doc_id = ? WHERE id = ?",
            (entry.at or stamp, doc_id, number_id),
        )
    conn.execute(
        "UPDATE documents SET number_id = ?, state = ?, updated_at = ? WHERE id = ?",
        (number_id, entry.state, stamp, doc_id),
    )
    known = {r[0] for r in conn.execute("SELECT path FROM files WHERE doc_id = ?", (doc_id,))}
    for role, rel, sha256, size in entry.files:
        place = _present(outbox, rel)
        if place is None:
            report.without_file.append(f"{entry.number}: berkas {rel} tidak ada di outbox")
            continue
        if place != outbox / rel and file_sha256(place) == sha256:
            (outbox / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(place, outbox / rel)  # back from _yatim, where 'check --fix' had set it aside
            report.returned.append(rel)
        if rel not in known and not conn.execute("SELECT 1 FROM files WHERE path = ?", (rel,)).fetchone():
            conn.execute("UPDATE files SET current = 0 WHERE doc_id = ? AND role = ?", (doc_id, role))
            conn.execute(
                "INSERT INTO files (doc_id, role, path, sha256, size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, role, rel, sha256, size, stamp),
            )
    append_event(conn, "number.recovered", doc_id=doc_id, number_id=number_id, number=entry.number)
    report.recorded.append(entry.number)


def _same_document(conn: Any, entry: Issued) -> int | None:
    """The register's row of the journal's document when it survived the restore without its number
    (drafted before the backup, numbered after it); a different document under a reused id is not it."""
    if not entry.doc_id:
        return None
    doc = conn.execute(
        "SELECT kind, subject, doc_date, number_id FROM documents WHERE id = ?", (entry.doc_id,)
    ).fetchone()
    if doc is None or doc["number_id"] is not None:
        return None
    same = (doc["kind"], (doc["subject"] or "")[:500], doc["doc_date"]) == (entry.kind, entry.subject, entry.doc_date)
    return entry.doc_id if same else None


def _reserve_gap(conn: Any, series: str, year: int, last: int, top: int, report: ReconcileReport) -> None:
    """Numbers between the counter and the outbox's highest that the register has no row for.

    They were taken before the restore (voided or interrupted then); marking them used keeps every
    number up to the counter accounted for and none of them issued again.
    """
    have = {
        r[0]
        for r in conn.execute(
            "SELECT seq FROM numbers WHERE series = ? AND year = ? AND suffix = '' AND seq > ? AND seq <= ?",
            (series, year, last, top),
        )
    }
    stamp = now_iso()
    for seq in range(last + 1, top + 1):
        if seq in have:
            continue
        number_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM numbers").fetchone()[0])
        label = f"[{series} {year or '-'} urutan {seq}]"
        conn.execute(
            "INSERT INTO numbers (id, series, year, seq, suffix, number, status, reason, reserved_at, voided_at)"
            " VALUES (?, ?, ?, ?, '', ?, 'void', ?, ?, ?)",
            (number_id, series, year, seq, label, _GAP_REASON, stamp, stamp),
        )
        report.reserved_as_used.append(label)
