"""A register whose tables or columns were renamed or dropped outside docgen, named before any work.

An admin's hand-made change on the server (``ALTER TABLE numbers RENAME``, ``DROP COLUMN``) or a
half-restored SQLite file used to surface wherever a query first met it: as a KeyError from a
``SELECT *`` row, as "pengguna tidak ada" for ``column "roles" does not exist``, or not until a
number was reserved. Every open now compares the register with the schema this program's
migrations build (one catalogue query) and refuses with one line naming each missing table and
column; ``docgen register check`` opens the register the same way, so it names them too.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from docgen.errors import RegisterUnusable
from docgen.store.schema import MIGRATIONS, statements

__all__ = ["check_schema", "expected_schema", "schema_damage"]

_expected: dict[str, frozenset[str]] = {}

_SQLITE_COLUMNS = (
    "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
)
_PG_COLUMNS = (
    "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
    "AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
)


def expected_schema() -> dict[str, frozenset[str]]:
    """Every table and its columns at this program's schema: the migrations, run once in memory.

    Built from the same migrations that build a real register (the PostgreSQL ones create the
    same tables and columns), so a migration added later is expected without another list.
    """
    if not _expected:
        with sqlite3.connect(":memory:") as conn:
            for step in MIGRATIONS:
                for statement in statements(step) if isinstance(step, str) else step:
                    conn.execute(statement)
            _expected.update(_columns(conn.execute(_SQLITE_COLUMNS)))
        conn.close()
    return _expected


def _columns(rows: Any) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(str(table), set()).add(str(column))
    return {table: frozenset(columns) for table, columns in found.items()}


def schema_damage(conn: Any) -> list[str]:
    """One phrase per table or column of the register that is missing, in a stable order."""
    present = _columns(conn.execute(_SQLITE_COLUMNS if isinstance(conn, sqlite3.Connection) else _PG_COLUMNS))
    damage: list[str] = []
    for table, columns in sorted(expected_schema().items()):
        if table not in present:
            damage.append(f"tabel {table} tidak ada")
            continue
        missing = sorted(columns - present[table])
        if missing:
            damage.append(f"kolom {', '.join(missing)} hilang dari tabel {table}")
    return damage


def check_schema(conn: Any, where: str, *, version_lost: bool = False) -> None:
    """Refuse a register whose tables or columns were renamed or dropped, naming each one.

    ``version_lost``: the store has tables but no schema version. When most of them are docgen's
    (PostgreSQL keeps the version in a table of its own, docgen_schema), that table is the damage;
    otherwise the caller says the store is not a docgen register at all.
    """
    damage = schema_damage(conn)
    if version_lost:
        if len(damage) > len(expected_schema()) // 2:
            return
        sqlite = isinstance(conn, sqlite3.Connection)
        lost = "versi skema (user_version) hilang" if sqlite else "tabel docgen_schema (versi skema) tidak ada"
        damage.insert(0, lost)
    if not damage:
        return
    if isinstance(conn, sqlite3.Connection):
        fix = "pulihkan cadangan terbaru dari registers/cadangan (lihat README: memulihkan register)"
    else:
        fix = "pulihkan basis data dari cadangan pg_dump terbaru (lihat README: PostgreSQL)"
    raise RegisterUnusable(
        f"Register {where} rusak: {'; '.join(damage)} (diubah di luar docgen); tidak ada yang ditulis; {fix}, "
        "lalu jalankan 'docgen register check'"
    )
