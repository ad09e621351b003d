"""The register facade: documents, their numbers, files and signature state.

Callers (pipeline, CLI, tests) change the books only through these methods, each one a single
short transaction that also appends its event, so the books and the log never disagree.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from docgen.errors import RegisterError
from docgen.kinds import Summary
from docgen.profile import Workspace
from docgen.register.events import append_event, masked_text, now_iso, strict_id
from docgen.register.numbering import Reservation, holder_alive, reads_for, reserve_number
from docgen.register.opening import create_connection, open_connection
from docgen.register.outboxproof import prove_issued
from docgen.register.profilelock import bind
from docgen.register.rows import DOC_SELECT, NUMBER_IS, DocumentRow, FileRecord, Intake, document_row, files_in_tx
from docgen.register.states import LABELS, State, check_transition
from docgen.store.db import atomic, register_error

__all__ = ["Register"]


def new_token() -> str:
    """An unguessable public token (120 bits) in lowercase base32.

    No ``-`` or ``_``: a token starting with ``-`` was read as an option by ``docgen verify``
    (found by a test that failed once in a while), and lowercase letters and digits survive
    being typed from a printout.
    """
    return base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


class Register:
    """The office's books in ``registers/docgen.sqlite``; use as a context manager."""

    def __init__(self, workspace: Workspace, conn: sqlite3.Connection) -> None:
        self.workspace = workspace
        self.profile = workspace.profile
        self.conn = conn
        bind(conn, workspace)  # numbering compares this workspace's profile with the register's

    @classmethod
    def open(cls, workspace: Workspace, *, long_running: bool = False) -> Register:
        """Open the existing register; a missing, empty or schema-less one is refused, never created.

        ``long_running`` is for processes that run for days (the watcher): on PostgreSQL the
        connection is held in a pool that replaces it after a server restart.
        """
        return cls(workspace, open_connection(workspace, long_running=long_running))

    @classmethod
    def create(cls, workspace: Workspace) -> Register:
        """Make a new register (``docgen init`` / ``docgen register create``); refused where one may have lived."""
        return cls(workspace, create_connection(workspace))

    @property
    def write_refusal(self) -> str | None:
        """Why this register may not write beside its outbox (it belongs to another one), if so."""
        return getattr(self.conn, "write_refusal", None)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            # A read that failed outside a transaction (a damaged file, a vanished folder).
            raise register_error(exc, self.workspace.register_path) from exc

    # -- writing ---------------------------------------------------------------------------

    def reserve(
        self, series: str, *, doc_date: date, kka: str, sifat: str = "", insert_after: int | None = None
    ) -> Reservation:
        """Reserve one number not yet tied to a document (batch tools, benchmarks, tests)."""
        reads = reads_for(self.profile, series, doc_date) if insert_after is None else ()
        with atomic(self.conn, reads=reads):
            return reserve_number(
                self.conn, self.profile, series, doc_date=doc_date, kka=kka, sifat=sifat,
                insert_after=insert_after,
            )  # fmt: skip

    def reserve_block(self, series: str, count: int, *, doc_date: date, kka: str, sifat: str = "") -> list[Reservation]:
        """Reserve ``count`` consecutive numbers in one transaction (a batch of documents).

        One lock and one commit for the whole block instead of one per number; each number is still
        its own row, issued or voided on its own, so the register's promises hold per number.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10_000:
            raise RegisterError(f"Jumlah nomor dalam satu blok harus 1 sampai 10000, bukan {count!r}")
        with atomic(self.conn, reads=reads_for(self.profile, series, doc_date)):
            return [
                reserve_number(self.conn, self.profile, series, doc_date=doc_date, kka=kka, sifat=sifat)
                for _ in range(count)
            ]

    def start_document(
        self,
        kind: str,
        summary: Summary,
        request: dict[str, Any],
        *,
        state: State,
        series: str | None,
        kka: str,
        insert_after: int | None = None,
        with_row: Callable[[sqlite3.Connection, int], None] | None = None,
        token: str | None = None,
    ) -> tuple[int, Reservation | None]:
        """Create the document row and, when ``series`` is given, reserve its number, atomically.

        ``with_row`` runs inside the same transaction after the document row exists (the incoming
        agenda adds its own row there); if it raises, nothing is created and no number is taken.
        ``token``: the QR token already printed on files made before the row (a given number's).
        """
        stamp = now_iso()
        reads = reads_for(self.profile, series, summary.doc_date) if series and insert_after is None else ()
        with atomic(self.conn, reads=reads):
            doc_id = self.conn.execute(
                "INSERT INTO documents (kind, state, kka, subject, addressee, doc_date, signer, sifat,"
                " request_json, created_at, updated_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (kind, state, kka, summary.subject, summary.addressee, summary.doc_date.isoformat(),
                 summary.signer, summary.sifat, json.dumps(request, ensure_ascii=False, default=str),
                 stamp, stamp, token or new_token()),
            ).fetchone()[0]  # fmt: skip
            append_event(self.conn, "document.created", doc_id=doc_id, kind=kind, state=str(state))
            if with_row is not None:
                with_row(self.conn, doc_id)
            reservation = None
            if series is not None:
                reservation = reserve_number(
                    self.conn, self.profile, series, doc_date=summary.doc_date, kka=kka,
                    sifat=summary.sifat, doc_id=doc_id, insert_after=insert_after,
                )  # fmt: skip
        return doc_id, reservation

    def reserve_for(self, doc_id: int, series: str, *, insert_after: int | None = None) -> Reservation:
        """Reserve a number for an existing (signed) document; ``issue`` completes it.

        The document's state and numbers are read inside the reserving transaction: of several
        ``docgen number ID`` at once exactly one reserves, the others are refused and take nothing.
        """
        doc_id = strict_id(doc_id)
        # The date read here only chooses what to fetch with the lock; the document is read again
        # inside the transaction, and a read that no longer matches is simply asked afresh.
        seen = self.document(doc_id)
        reads = reads_for(self.profile, series, date.fromisoformat(seen.doc_date)) if insert_after is None else ()
        with atomic(self.conn, reads=reads):
            doc = self.document(doc_id)
            self._refuse_second_number(doc)
            check_transition(doc_id, State(doc.state), State.NUMBERED, reason=None)
            return reserve_number(
                self.conn, self.profile, series, doc_date=date.fromisoformat(doc.doc_date),
                kka=doc.kka or "", sifat=doc.sifat, doc_id=doc_id, insert_after=insert_after,
            )  # fmt: skip

    def _refuse_second_number(self, doc: DocumentRow) -> None:
        """Refuse when the document has a number, or another run is giving it one (inside the lock)."""
        if doc.number_status == "issued" or doc.state in (State.NUMBERED, State.SENT, State.ARCHIVED):
            number = f" {doc.number}" if doc.number else ""
            raise RegisterError(
                f"Dokumen {doc.id} sudah bernomor{number} ({LABELS[State(doc.state)]}); tidak diberi nomor lagi"
            )
        held = self.conn.execute(
            "SELECT * FROM numbers WHERE doc_id = ? AND status = 'reserved' ORDER BY id DESC LIMIT 1", (doc.id,)
        ).fetchone()
        if held is None:
            return
        who = f"proses {held['holder_pid']} di {held['holder_host']}"
        if holder_alive(held["holder_pid"], held["holder_host"]):
            raise RegisterError(
                f"Dokumen {doc.id} sedang diberi nomor oleh {who} (nomor {held['number']}); tunggu selesai lalu "
                "lihat 'docgen register show'"
            )
        raise RegisterError(
            f"Dokumen {doc.id}: nomor {held['number']} dipesan oleh {who} yang sudah berhenti; jalankan "
            "'docgen register check --fix' lalu beri nomor lagi"
        )

    def redate(self, doc_id: int, doc_date: date, request: dict[str, Any]) -> None:
        """Change an unnumbered document's date (it is signed on another day than drafted)."""
        doc = self.document(strict_id(doc_id))
        if doc.number_status == "issued":
            raise RegisterError(f"Dokumen {doc_id} sudah bernomor {doc.number}; tanggalnya tidak diubah lagi")
        with atomic(self.conn):
            self.conn.execute(
                "UPDATE documents SET doc_date = ?, request_json = ?, updated_at = ? WHERE id = ?",
                (doc_date.isoformat(), json.dumps(request, ensure_ascii=False, default=str), now_iso(), doc_id),
            )
            append_event(self.conn, "document.redated", doc_id=doc_id, old=doc.doc_date, new=doc_date.isoformat())

    def record_files(
        self,
        doc_id: int,
        files: list[FileRecord],
        *,
        template_sha256: str | None = None,
        issue: Reservation | None = None,
        state: State | None = None,
        source_sha256: str | None = None,
        intake: Intake | None = None,
    ) -> None:
        """Record written outputs; with ``issue`` the reserved number becomes issued.

        Called only after the files are in place in the outbox (invariant 3), and in one
        transaction with the number's change, so "issued" always has its file.
        """
        doc_id, stamp = strict_id(doc_id), now_iso()
        with atomic(self.conn):
            files_in_tx(self.conn, doc_id, files, stamp, template_sha256=template_sha256, source_sha256=source_sha256)
            if issue is not None:
                changed = self.conn.execute(
                    "UPDATE numbers SET status = 'issued', issued_at = ? WHERE id = ? AND status = 'reserved'",
                    (stamp, issue.number_id),
                ).rowcount
                if changed != 1:
                    raise RegisterError(f"Nomor {issue.number} tidak lagi berstatus dipesan; tidak diterbitkan")
                self.conn.execute("UPDATE documents SET number_id = ? WHERE id = ?", (issue.number_id, doc_id))
                append_event(self.conn, "number.issued", doc_id=doc_id, number_id=issue.number_id, number=issue.number)
                prove_issued(self.conn, doc_id, issue, files, state)  # the outbox's own proof (issue 21)
            if state is not None:
                self._move(doc_id, state, reason=None)
            if intake is not None:
                self.conn.execute(
                    "INSERT INTO intake (key, file_sha256, source, item, doc_id, recorded_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (intake.key, intake.file_sha256, intake.source, intake.item, doc_id, stamp),
                )

    def intake(self, key: str) -> dict[str, Any] | None:
        """What the watcher already made from this content, if anything."""
        row = self.conn.execute(
            "SELECT i.*, COALESCE(n.number, g.number) AS number FROM intake i JOIN documents d ON d.id = i.doc_id"
            " LEFT JOIN numbers n ON n.id = d.number_id LEFT JOIN given_numbers g ON g.doc_id = d.id WHERE i.key = ?",
            (key,),
        ).fetchone()
        return dict(row) if row else None

    def set_state(self, doc_id: int, target: State, *, reason: str | None = None) -> DocumentRow:
        """Move a document along the signature flow; ``batal`` also voids its number.

        ``numbered`` is reached only by issuing a number (``docgen number``), never by hand,
        so no document can claim a number it does not have.
        """
        doc_id = strict_id(doc_id)
        with atomic(self.conn):
            self._move(doc_id, target, reason=reason, by_hand=True)
        return self.document(doc_id)

    def void_number(self, number: str, *, reason: str, year: int | None = None) -> DocumentRow | None:
        """Mark a number batal with a reason; the document holding it becomes batal too."""
        if not reason.strip():
            raise RegisterError("Pembatalan nomor wajib disertai alasan (--reason)")
        sql, args = "SELECT * FROM numbers WHERE number = ?", [number]
        if year is not None:
            sql, args = sql + " AND year IN (?, 0)", [number, year]
        rows = self.conn.execute(sql, args).fetchall()
        held = self.conn.execute(DOC_SELECT + " WHERE " + NUMBER_IS, (number, number)).fetchall()
        if not rows and (live := [r for r in held if r["state"] not in (State.BATAL, State.SUPERSEDED)]):
            return self.set_state(live[0]["id"], State.BATAL, reason=reason)  # a number given from outside (OSS)
        if not rows:
            raise RegisterError(f"Nomor {number} tidak ada di register; periksa penulisannya")
        if len(rows) > 1:
            years = ", ".join(str(r["year"]) for r in rows)
            raise RegisterError(f"Nomor {number} ada di beberapa tahun ({years}); sebutkan --year")
        row = rows[0]
        if row["status"] == "void":
            raise RegisterError(f"Nomor {number} sudah batal: {row['reason']}")
        if row["status"] == "reserved" and holder_alive(row["holder_pid"], row["holder_host"]):
            raise RegisterError(f"Nomor {number} sedang dipakai proses {row['holder_pid']}; tunggu selesai")
        with atomic(self.conn):
            self.void_in_tx(row, reason)
        return self.document(row["doc_id"]) if row["doc_id"] is not None else None

    def abandon(self, reservation: Reservation, *, reason: str) -> str:
        """Void a number reserved here but never issued; return its status (issued: a cut link committed it)."""
        with atomic(self.conn):
            row = self.conn.execute("SELECT * FROM numbers WHERE id = ?", (reservation.number_id,)).fetchone()
            if row is not None and row["status"] == "reserved":
                self.void_in_tx(row, reason)
        return "void" if row is not None and row["status"] == "reserved" else str(row["status"] if row else "")

    def void_in_tx(self, number: sqlite3.Row, reason: str) -> None:
        """Void a number row; its document becomes batal unless it lives on without a number.

        A draft whose numbering was interrupted stays a draft (it can be numbered again); a
        document created to carry this very number has nothing left and becomes batal.
        """
        self._void(number["id"], reason)
        if number["doc_id"] is None:
            return
        doc = self.conn.execute("SELECT state, number_id FROM documents WHERE id = ?", (number["doc_id"],)).fetchone()
        carried = number["status"] == "issued" or (doc["number_id"] is None and doc["state"] == State.NUMBERED)
        if carried and doc["state"] != State.BATAL:
            self._move(number["doc_id"], State.BATAL, reason=reason, void_number=False)

    def _void(self, number_id: int, reason: str) -> None:
        self.conn.execute(
            "UPDATE numbers SET status = 'void', reason = ?, voided_at = ? WHERE id = ?",
            (masked_text(reason), now_iso(), number_id),  # a server's error text may quote the register URL
        )
        append_event(self.conn, "number.voided", number_id=number_id, reason=reason)

    def _move(
        self, doc_id: int, target: State, *, reason: str | None, void_number: bool = True, by_hand: bool = False
    ) -> None:
        row = self.conn.execute("SELECT state, number_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise RegisterError(f"Dokumen {doc_id} tidak ada di register")
        check_transition(doc_id, State(row["state"]), target, reason=reason)
        if by_hand and target == State.NUMBERED:
            raise RegisterError(
                f"Dokumen {doc_id} diberi nomor dengan 'docgen number {doc_id}', bukan diubah statusnya"
            )
        if by_hand and target == State.SUPERSEDED:
            raise RegisterError(f"Dokumen {doc_id} digantikan hanya oleh terbitan ulangnya, bukan diubah statusnya")
        self.conn.execute(
            "UPDATE documents SET state = ?, void_reason = COALESCE(?, void_reason), updated_at = ? WHERE id = ?",
            (target, masked_text(reason or "") or None if target == State.BATAL else None, now_iso(), doc_id),
        )
        append_event(self.conn, "state.changed", doc_id=doc_id, old=row["state"], new=str(target), reason=reason)
        if target == State.BATAL and void_number and row["number_id"] is not None:
            self._void(row["number_id"], reason or "")

    # -- reading ---------------------------------------------------------------------------

    def document(self, doc_id: int) -> DocumentRow:
        row = self.conn.execute(DOC_SELECT + " WHERE d.id = ?", (strict_id(doc_id),)).fetchone()
        if row is None:
            raise RegisterError(f"Dokumen {doc_id} tidak ada di register; lihat 'docgen register list'")
        return document_row(row)

    def documents(
        self, *, kind: str | None = None, year: int | None = None, state: str | None = None
    ) -> list[DocumentRow]:
        filters = (("d.kind = ?", kind), ("substr(d.doc_date, 1, 4) = ?", year and str(year)), ("d.state = ?", state))
        chosen = [(sql, value) for sql, value in filters if value is not None]
        where = " WHERE " + " AND ".join(sql for sql, _ in chosen) if chosen else ""
        rows = self.conn.execute(DOC_SELECT + where + " ORDER BY d.id", [value for _, value in chosen])
        return [document_row(r) for r in rows]

    def by_token(self, token: str) -> DocumentRow | None:
        row = self.conn.execute(DOC_SELECT + " WHERE d.token = ?", (token,)).fetchone()
        return document_row(row) if row else None

    def by_file_hash(self, sha256: str) -> DocumentRow | None:
        """The document an issued file belongs to; a draft's file (written before its number
        was issued) belongs to no issued document and is not found."""
        row = self.conn.execute(
            DOC_SELECT + " WHERE d.id = (SELECT f.doc_id FROM files f JOIN documents d2 ON d2.id = f.doc_id"
            " LEFT JOIN numbers n2 ON n2.id = d2.number_id WHERE f.sha256 = ? AND (f.doc_id IN (SELECT doc_id"
            " FROM given_numbers) OR (n2.issued_at IS NOT NULL AND f.created_at >= n2.issued_at))"
            " ORDER BY f.id DESC LIMIT 1)",
            (sha256,),
        ).fetchone()
        return document_row(row) if row else None

    def files(self, doc_id: int, *, current_only: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM files WHERE doc_id = ?" + (" AND current = 1" if current_only else "")
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY id", (strict_id(doc_id),))]

    def events(self, doc_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM events WHERE doc_id = ? ORDER BY id", (strict_id(doc_id),))
        return [{**dict(r), "detail": masked_text(r["detail"])} for r in rows]  # old events may quote a password

    def numbers(self, *, series: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT n.*, d.kind, d.subject, d.addressee, d.doc_date, d.signer, d.kka, d.sifat FROM numbers n"
        sql += " LEFT JOIN documents d ON d.id = n.doc_id" + (" WHERE n.series = ?" if series is not None else "")
        args = [series] if series is not None else []
        rows = self.conn.execute(sql + " ORDER BY n.series, n.year, n.seq, n.suffix", args)
        return [{**dict(r), "reason": r["reason"] and masked_text(r["reason"])} for r in rows]

    def relative(self, path: Path) -> str:
        """The path the register keeps for an outbox file: relative to the outbox, never to the
        workspace, so every PC finds it wherever it mounts a shared outbox (``[outbox] path``)."""
        outbox = self.workspace.outbox
        path = Path(os.path.normpath(path.absolute()))
        if not path.is_relative_to(outbox):  # named through another route (a symlink) to the same folder
            path, outbox = path.resolve(), outbox.resolve()
        return path.relative_to(outbox).as_posix()
