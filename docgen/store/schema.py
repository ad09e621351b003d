"""The register's schema as an ordered list of migrations; the schema version is the index.

SQLite keeps the version in ``PRAGMA user_version``, PostgreSQL in the one-row table
``docgen_schema``. Both lists have one entry per version, the same tables and columns written in
each database's dialect (PostgreSQL needs the circular key between documents and numbers added
after both tables exist, identity columns, and its triggers as a function).

Later issues append migrations (never edit a shipped one), so an office's existing register
upgrades in place when a newer docgen opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

__all__ = ["MIGRATIONS", "PG_MIGRATIONS"]

_V1 = """
CREATE TABLE counters (
    series   TEXT NOT NULL,
    year     INTEGER NOT NULL,          -- 0 for series that never restart
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL,
    number_id       INTEGER UNIQUE REFERENCES numbers(id),
    kka             TEXT,
    subject         TEXT NOT NULL,
    addressee       TEXT NOT NULL,
    doc_date        TEXT NOT NULL,
    signer          TEXT NOT NULL,
    sifat           TEXT NOT NULL DEFAULT '',
    request_json    TEXT NOT NULL,
    template_sha256 TEXT,
    void_reason     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX documents_kind_state ON documents(kind, state);

CREATE TABLE numbers (
    id          INTEGER PRIMARY KEY,
    series      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    suffix      TEXT NOT NULL DEFAULT '',
    number      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('reserved', 'issued', 'void')),
    doc_id      INTEGER REFERENCES documents(id),
    reason      TEXT,
    reserved_at TEXT NOT NULL,
    issued_at   TEXT,
    voided_at   TEXT,
    holder_pid  INTEGER,
    holder_host TEXT,
    UNIQUE (series, year, seq, suffix)
);
CREATE INDEX numbers_status ON numbers(status);
CREATE INDEX numbers_number ON numbers(number);

CREATE TABLE files (
    id         INTEGER PRIMARY KEY,
    doc_id     INTEGER NOT NULL REFERENCES documents(id),
    role       TEXT NOT NULL,               -- docx, pdf, ...
    path       TEXT NOT NULL UNIQUE,        -- relative to the workspace
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    current    INTEGER NOT NULL DEFAULT 1,  -- 0 once a newer version replaced it (draft -> numbered)
    created_at TEXT NOT NULL
);
CREATE INDEX files_doc ON files(doc_id);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    doc_id    INTEGER,
    number_id INTEGER,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX events_doc ON events(doc_id);

-- The log is append-only; the hash chain detects edits made by someone who drops these.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
"""

# Issue 3: every document gets an unguessable public token (its QR code leads to it), a stamped
# document remembers the SHA-256 of the signed original it was made from, and files are found
# by hash for verification.
_V2 = """
ALTER TABLE documents ADD COLUMN token TEXT;
ALTER TABLE documents ADD COLUMN source_sha256 TEXT;
UPDATE documents SET token = lower(hex(randomblob(16))) WHERE token IS NULL;
CREATE UNIQUE INDEX documents_token ON documents(token);
CREATE INDEX files_sha256 ON files(sha256);
"""

# Issue 4: the incoming agenda (one row per surat masuk, beside its document row) and its
# disposition rounds (Kepala Dinas -> Kepala Bidang -> staff), with hand-over and follow-up.
_V3 = """
CREATE TABLE incoming (
    doc_id        INTEGER PRIMARY KEY REFERENCES documents(id),
    sender        TEXT NOT NULL,
    letter_number TEXT NOT NULL,
    letter_date   TEXT NOT NULL,
    received_date TEXT NOT NULL,
    dedup_key     TEXT NOT NULL,          -- sender | number | date, normalised
    scan_sha256   TEXT
);
-- Not UNIQUE: a letter whose entry was voided (batal) may be entered again. The duplicate
-- check runs inside the entering transaction (BEGIN IMMEDIATE), so two clerks cannot race.
CREATE INDEX incoming_dedup ON incoming(dedup_key);
CREATE INDEX incoming_scan ON incoming(scan_sha256);

CREATE TABLE dispositions (
    id           INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL REFERENCES documents(id),
    round        INTEGER NOT NULL,
    by_official  TEXT NOT NULL,
    to_units     TEXT NOT NULL,           -- JSON list
    instructions TEXT NOT NULL,           -- JSON list
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    received_by  TEXT,
    received_at  TEXT,
    done_at      TEXT,
    follow_up    TEXT,
    UNIQUE (doc_id, round)
);
"""

# Issue 5: what the folder watcher took in. A row is written in the same transaction that
# issues the document made from it, so after a crash a dropped file is recognised as done
# (never processed twice); ``source`` identifies the very file (name, inode, mtime) so that a
# second, identical drop is told apart from the first one found again after a restart.
_V4 = """
CREATE TABLE intake (
    key         TEXT PRIMARY KEY,         -- SHA-256 of the request's content, or of the PDF
    file_sha256 TEXT NOT NULL,            -- the dropped file as a whole
    source      TEXT NOT NULL,            -- name|inode|mtime_ns of the dropped file
    item        TEXT NOT NULL DEFAULT '', -- row of a CSV/XLSX, empty for one-document files
    doc_id      INTEGER NOT NULL REFERENCES documents(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX intake_file ON intake(file_sha256);
"""

# Issue 8: a register knows its own identity. The same id is written beside the documents in
# ``outbox/.register-id``, so a register swapped for another one (a restored copy of another
# office's, a re-created empty one) is noticed before it issues numbers next to the old outbox.
_V5 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('register_id', lower(hex(randomblob(16))));
"""

# Issue 9: the outbox may live on a shared folder that each PC mounts at its own place
# (``[outbox] path``), so a file's path is kept relative to the outbox, not to the workspace:
# "2026/surat-keluar/x.docx", no longer "outbox/2026/surat-keluar/x.docx". The event log keeps
# the paths it recorded then: its details are hash-chained history, not a file index.
_V6_FILES = "UPDATE files SET path = substr(path, 8) WHERE substr(path, 1, 7) = 'outbox/'"
_V6 = _V6_FILES + ";\n"

# Issue 11: documents rest on others (a rekomendasi on its BAP, a permit on its rekomendasi).
# One basis per document; the link is written in the transaction that creates the document,
# after the basis was read again there, so a basis voided meanwhile is never linked to.
_V7 = """
CREATE TABLE links (
    doc_id     INTEGER PRIMARY KEY REFERENCES documents(id),
    basis_id   INTEGER NOT NULL REFERENCES documents(id),
    created_at TEXT NOT NULL
);
CREATE INDEX links_basis ON links(basis_id);
"""

# Issue 12: a batch (``docgen batch``) is recorded with who ran it, when, from which file (and
# its hash) and what came of it; each document it made names it in ``intake.source``
# (``batch:<id>``), written in the transaction that issues the document.
_V8 = """
CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    run_by        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    counts        TEXT NOT NULL DEFAULT '{}'
);
"""

# Issue 15: an electronic signature (PAdES) is recorded with the signed file's hash, the signer's
# certificate (subject and SHA-256 fingerprint), the time and the PAdES level reached.
_V9 = """
CREATE TABLE signatures (
    id            INTEGER PRIMARY KEY,
    doc_id        INTEGER NOT NULL REFERENCES documents(id),
    file_sha256   TEXT NOT NULL,
    subject       TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    level         TEXT NOT NULL,
    signed_at     TEXT NOT NULL
);
CREATE INDEX signatures_doc ON signatures(doc_id);
"""

# Issue 16: desk accounts. Roles are a comma-separated list (few, fixed names); ``unit`` is the
# disposition unit of a ``bidang`` account; ``failed`` counts wrong passwords in a row and
# ``locked_until`` (UTC) holds a lock-out; the password is kept only as an argon2id hash.
_V10 = """
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    roles         TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    failed        INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
"""

# Issue 24: numbers given from outside, never drawn from a series: OSS's Sertifikat Standar
# number, an incoming letter's own number. ``source`` says whose (oss, masuk), ``issuer`` who gave
# it; ``replaces`` is the earlier print of the same number that this one superseded (an MT
# certificate re-issued once verified). Not in ``numbers``: no counter, no gap, no high-water mark.
_V11 = """
CREATE TABLE given_numbers (
    doc_id     INTEGER PRIMARY KEY REFERENCES documents(id),
    source     TEXT NOT NULL,
    number     TEXT NOT NULL,
    issuer     TEXT NOT NULL,
    given_date TEXT NOT NULL,
    replaces   INTEGER REFERENCES documents(id),
    created_at TEXT NOT NULL
);
CREATE INDEX given_numbers_number ON given_numbers(number);
CREATE INDEX given_numbers_replaces ON given_numbers(replaces);
"""

#: Migration ``i`` brings a register from ``user_version == i`` to ``i + 1``.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11]

_ID = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

#: The same migrations for PostgreSQL, each a list of statements run in one transaction.
PG_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE counters (
            series TEXT NOT NULL, year BIGINT NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (series, year))""",
        f"""CREATE TABLE documents (
            id {_ID}, kind TEXT NOT NULL, state TEXT NOT NULL, number_id BIGINT UNIQUE, kka TEXT,
            subject TEXT NOT NULL, addressee TEXT NOT NULL, doc_date TEXT NOT NULL, signer TEXT NOT NULL,
            sifat TEXT NOT NULL DEFAULT '', request_json TEXT NOT NULL, template_sha256 TEXT, void_reason TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        "CREATE INDEX documents_kind_state ON documents(kind, state)",
        f"""CREATE TABLE numbers (
            id {_ID}, series TEXT NOT NULL, year BIGINT NOT NULL, seq BIGINT NOT NULL,
            suffix TEXT NOT NULL DEFAULT '', number TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('reserved', 'issued', 'void')),
            doc_id BIGINT REFERENCES documents(id), reason TEXT, reserved_at TEXT NOT NULL, issued_at TEXT,
            voided_at TEXT, holder_pid BIGINT, holder_host TEXT, UNIQUE (series, year, seq, suffix))""",
        "ALTER TABLE documents ADD FOREIGN KEY (number_id) REFERENCES numbers(id)",
        "CREATE INDEX numbers_status ON numbers(status)",
        "CREATE INDEX numbers_number ON numbers(number)",
        f"""CREATE TABLE files (
            id {_ID}, doc_id BIGINT NOT NULL REFERENCES documents(id), role TEXT NOT NULL,
            path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, size BIGINT NOT NULL,
            current BIGINT NOT NULL DEFAULT 1, created_at TEXT NOT NULL)""",
        "CREATE INDEX files_doc ON files(doc_id)",
        f"""CREATE TABLE events (
            id {_ID}, at TEXT NOT NULL, action TEXT NOT NULL, doc_id BIGINT, number_id BIGINT,
            detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
        "CREATE INDEX events_doc ON events(doc_id)",
        """CREATE FUNCTION docgen_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'event log is append-only'; END $$""",
        """CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION docgen_events_append_only()""",
        """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION docgen_events_append_only()""",
    ],
    [
        "ALTER TABLE documents ADD COLUMN token TEXT",
        "ALTER TABLE documents ADD COLUMN source_sha256 TEXT",
        "CREATE UNIQUE INDEX documents_token ON documents(token)",
        "CREATE INDEX files_sha256 ON files(sha256)",
    ],
    [
        """CREATE TABLE incoming (
            doc_id BIGINT PRIMARY KEY REFERENCES documents(id), sender TEXT NOT NULL,
            letter_number TEXT NOT NULL, letter_date TEXT NOT NULL, received_date TEXT NOT NULL,
            dedup_key TEXT NOT NULL, scan_sha256 TEXT)""",
        "CREATE INDEX incoming_dedup ON incoming(dedup_key)",
        "CREATE INDEX incoming_scan ON incoming(scan_sha256)",
        f"""CREATE TABLE dispositions (
            id {_ID}, doc_id BIGINT NOT NULL REFERENCES documents(id), round BIGINT NOT NULL,
            by_official TEXT NOT NULL, to_units TEXT NOT NULL, instructions TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, received_by TEXT, received_at TEXT,
            done_at TEXT, follow_up TEXT, UNIQUE (doc_id, round))""",
    ],
    [
        """CREATE TABLE intake (
            key TEXT PRIMARY KEY, file_sha256 TEXT NOT NULL, source TEXT NOT NULL, item TEXT NOT NULL DEFAULT '',
            doc_id BIGINT NOT NULL REFERENCES documents(id), recorded_at TEXT NOT NULL)""",
        "CREATE INDEX intake_file ON intake(file_sha256)",
    ],
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "INSERT INTO meta (key, value) VALUES ('register_id', replace(gen_random_uuid()::text, '-', ''))",
    ],
    [_V6_FILES],
    [
        """CREATE TABLE links (
            doc_id BIGINT PRIMARY KEY REFERENCES documents(id), basis_id BIGINT NOT NULL REFERENCES documents(id),
            created_at TEXT NOT NULL)""",
        "CREATE INDEX links_basis ON links(basis_id)",
    ],
    [
        f"""CREATE TABLE batches (
            id {_ID}, kind TEXT NOT NULL, source_name TEXT NOT NULL, source_sha256 TEXT NOT NULL,
            run_by TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, counts TEXT NOT NULL DEFAULT '{{}}')""",
    ],
    [
        f"""CREATE TABLE signatures (
            id {_ID}, doc_id BIGINT NOT NULL REFERENCES documents(id), file_sha256 TEXT NOT NULL,
            subject TEXT NOT NULL, fingerprint TEXT NOT NULL, level TEXT NOT NULL, signed_at TEXT NOT NULL)""",
        "CREATE INDEX signatures_doc ON signatures(doc_id)",
    ],
    [
        f"""CREATE TABLE users (
            id {_ID}, username TEXT NOT NULL UNIQUE, name TEXT NOT NULL, roles TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL, active BIGINT NOT NULL DEFAULT 1,
            failed BIGINT NOT NULL DEFAULT 0, locked_until TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    ],
    [
        """CREATE TABLE given_numbers (
            doc_id BIGINT PRIMARY KEY REFERENCES documents(id), source TEXT NOT NULL, number TEXT NOT NULL,
            issuer TEXT NOT NULL, given_date TEXT NOT NULL, replaces BIGINT REFERENCES documents(id),
            created_at TEXT NOT NULL)""",
        "CREATE INDEX given_numbers_number ON given_numbers(number)",
        "CREATE INDEX given_numbers_replaces ON given_numbers(replaces)",
    ],
]
assert len(PG_MIGRATIONS) == len(MIGRATIONS), "every schema version exists for both databases"


def statements(script: str) -> Iterator[str]:
    """Split a migration into statements; ``executescript`` would commit our transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
