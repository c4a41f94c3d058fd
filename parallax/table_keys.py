"""Each table's key: the columns that identify one of its rows (before-images, rollback, upserts).

A table's SQL file declares its key, as a DuckDB `primary key` or, for the tables a night appends to
that hold long text, only in the file's header (`-- grain: mention; key: (doc_id, part, start_char,
end_char)`). DuckDB appends to a table with an index into its last row group, so every checkpoint
rewrites that whole group (up to 122,880 rows) with its text: at 20,000 archived articles 0.24 s for
`raw.documents` alone and ~1.1 s a night over those tables, growing with the archive; a table without
an index takes a night's rows in a new row group (0.006 s). Those tables' keys are checked instead by
validation: each one's suite has a `duplicate_keys` batch that must be empty.

`upgrade_primary_key` brings an existing table to the key constraint its file declares (DuckDB cannot
add or drop one in place): the table is rebuilt once, rows kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

_CREATE_TABLE = re.compile(r"create\s+table\s+if\s+not\s+exists\s+([A-Za-z_][\w.]*)\s*\(", re.IGNORECASE)
_PRIMARY_KEY = re.compile(r"primary\s+key\s*\(([^)]*)\)", re.IGNORECASE)
# "doc_id varchar primary key,": a one-column key declared on its column
_COLUMN_KEY = re.compile(
    r"^\s*([A-Za-z_]\w*)\s+[A-Za-z_][\w()]*\s+primary\s+key\b", re.IGNORECASE | re.MULTILINE
)
# "-- grain: document version; key: doc_id", "-- grain: mention; key: (doc_id, part, start_char, end_char)"
_HEADER_KEY = re.compile(r"^--[^\n]*?\bkey:\s*\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", re.MULTILINE)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
# The tables whose key is declared only in their file's header (the others' header keys are
# documentation; their rows are identified by their constraint, or by none).
UNINDEXED = frozenset(
    {
        "raw.documents",
        "staging.stg_documents",
        "staging.stg_sentences",
        "intermediate.int_mentions",
        "intermediate.int_facts",
        "intermediate.int_attributions",
        "intermediate.int_entity_aliases",
        "intermediate.int_source_similarity",
        "audit.story_snapshots",
    }
)
# table -> key columns, from the SQL files applied in this process (else the package's files)
_declared: dict[str, list[str]] = {}


def ident(name: str) -> str:
    """`name` when it is a plain (optionally schema-qualified) SQL identifier, else ValueError."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def _columns(text: str) -> list[str]:
    return [c.strip().strip('"') for c in text.split(",") if c.strip()]


def constraint_in(create_sql: str) -> list[str]:
    """The primary key constraint a table file's `create table` declares ([] for none)."""
    key = _PRIMARY_KEY.search(create_sql)
    if key is not None:
        return _columns(key.group(1))
    column = _COLUMN_KEY.search(create_sql)
    return [column.group(1)] if column is not None else []


def declare(create_sql: str) -> str | None:
    """Record the key of the table a SQL file creates (its constraint; for a table of UNINDEXED its
    header's `key:`); returns the table, or None for a file creating no table."""
    create = _CREATE_TABLE.search(create_sql)
    if create is None:
        return None
    table = ident(create.group(1))
    header = _HEADER_KEY.search(create_sql)
    key = constraint_in(create_sql)
    if not key and table in UNINDEXED and header is not None:
        key = _columns(header.group(1))
    _declared[table] = key
    return table


def declared_key(table: str) -> list[str]:
    """The key `table`'s SQL file declares ([] when it declares none)."""
    if table not in _declared:
        for path in sorted(_SQL_DIR.glob("*/*.sql")):
            if path.stem == table.rpartition(".")[2]:
                declare(path.read_text(encoding="utf-8"))
    return list(_declared.get(table, []))


def constraint_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    """Columns of `table`'s primary key constraint ([] without one; None when the table is absent)."""
    schema, _, name = ident(table).rpartition(".")
    schema = schema or "main"
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, name]
    ).fetchall()
    if not exists[0][0]:
        return None
    rows = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [schema, name],
    ).fetchall()
    return list(rows[0][0]) if rows else []


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    """The columns identifying a row of `table`: its constraint, else the key its file declares
    ([] for none; None when the table is absent)."""
    have = constraint_key(con, table)
    if have is None or have:
        return have
    return declared_key(table)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """`table`'s columns, in order."""
    schema, _, name = ident(table).rpartition(".")
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema or "main", name],
    ).fetchall()
    return [r[0] for r in rows]


def upgrade_primary_key(con: duckdb.DuckDBPyConnection, create_sql: str) -> bool:
    """Rebuild a table whose primary key constraint differs from the one its SQL file declares (another
    key, or none where the file now declares its key only in its header).

    DuckDB cannot drop or alter a primary key, so a table created by an older file keeps its old
    key after `create table if not exists`. The file has already run (its `alter table ... add
    column` statements gave the old table the new columns, with their defaults): the old table is
    renamed, the file runs again to create the table with the new key, every row is copied by
    column name, and the old table is dropped, in one transaction. Returns True when it rebuilt.
    Costs one copy of the table, once; a file whose key matches does nothing.
    """
    create = _CREATE_TABLE.search(create_sql)
    if create is None:
        return False
    table = ident(create.group(1))
    wanted = constraint_in(create_sql)
    have = constraint_key(con, table)
    if have is None or [c.casefold() for c in have] == [c.casefold() for c in wanted]:
        return False
    schema, _, name = table.rpartition(".")
    old_name = f"{name}__old_key"
    old = f"{schema}.{old_name}" if schema else old_name
    con.execute("begin transaction")
    try:
        con.execute(f"alter table {table} rename to {ident(old_name)}")
        con.execute(create_sql)
        old_cols = set(table_columns(con, old))
        cols = ", ".join(c for c in table_columns(con, table) if c in old_cols)
        con.execute(f"insert into {table} ({cols}) select {cols} from {ident(old)}")
        con.execute(f"drop table {ident(old)}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True
