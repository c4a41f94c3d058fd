"""DuckDB access: one way to connect, to apply `sql/`, to write Arrow batches and to undo a run.

Every SQL object lives in its own file `sql/<schema>/<object>.sql`. Statements in those files
are idempotent (`create ... if not exists`, `create or replace view`), so applying the whole
folder on every run is safe. Values are always bound as parameters, never formatted in.

Undoing a run (`rollback_run`) deletes every row stamped with its run_id and puts back the rows of
earlier runs that it changed or deleted. Those are saved, before the change, as *before-images* in
`audit.row_images` (`log_before_images`): `upsert_arrow` does it by itself for the run set with
`begin_run`; code that updates or deletes rows with its own SQL calls `log_before_images` first.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from parallax import table_keys
from parallax.table_keys import ident as _ident
from parallax.table_keys import primary_key, table_columns, upgrade_primary_key

# Files written by DuckDB 2.0 cannot be opened by 1.x tools unless the storage stays at 1.5.
STORAGE_VERSION = "v1.5.0"
SCHEMAS = ("audit", "raw", "staging", "intermediate", "marts")
#: Before-images of rows a run changed that earlier runs had written (see `log_before_images`).
IMAGES = "audit.row_images"
#: Connection variable naming the run whose writes `upsert_arrow` logs (set by `begin_run`).
RUN_VARIABLE = "parallax_run_id"
_NAMED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def connect(
    path: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a database file with the project's storage version (readable by DuckDB 1.5 tools).

    `memory_limit` (DuckDB's own, "512MB"): past it, joins and aggregations spill to a temporary
    folder next to the file instead of growing the process (DuckDB's default is 80% of RAM)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = (
        {} if read_only else {"storage_compatibility_version": STORAGE_VERSION}
    )
    if memory_limit:
        config["memory_limit"] = memory_limit
    return duckdb.connect(str(path), read_only=read_only, config=config)


log = logging.getLogger(__name__)
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
_T = TypeVar("_T")


def out_of_memory_retry(
    limit: str | None, retry: str | None, work: Callable[[str | None], _T], what: str = "a statement"
) -> _T:
    """Run `work(limit)`; when DuckDB runs out of memory, run `work(retry)` once more (when `retry` is a
    size such as "1GB"; otherwise the error is raised). `work` must be idempotent.

    Some statements cannot spill (ordered `string_agg`s, e.g. the story snapshot; some site queries):
    at 40,000 archived articles a 10,000-article night failed there at 512MB, and the same files would
    have failed again every night. The retry limit is `settings.duckdb_memory_limit_retry`."""
    try:
        return work(limit)
    except duckdb.OutOfMemoryException:
        if not retry or not _MEMORY.match(retry):
            raise
    log.warning("DuckDB ran out of memory at %s in %s; trying once more at %s", limit, what, retry)
    return work(retry)


def retry_out_of_memory(
    con: duckdb.DuckDBPyConnection, limit: str | None, work: Callable[[], _T], what: str = "a statement"
) -> _T:
    """`out_of_memory_retry` on an open connection: the retry raises the connection's memory limit to
    `limit` for the second try, then puts it back."""
    row = con.execute("select current_setting('memory_limit')").fetchone()
    before = str(row[0]).replace(" ", "") if row else ""

    raised: list[str] = []

    def attempt(at: str | None) -> _T:
        if at is not None and at != before:
            con.execute(f"set memory_limit = '{at}'")  # SET takes no bound parameter; `at` is validated
            raised.append(at)
        return work()

    try:
        return out_of_memory_retry(before, limit, attempt, what)
    finally:
        if raised and _MEMORY.match(before):
            con.execute(f"set memory_limit = '{before}'")


def sql_files(sql_dir: Path) -> list[Path]:
    """All SQL object files, schema by schema in dependency order, then by name."""
    files: list[Path] = []
    for schema in SCHEMAS:
        files.extend(sorted((sql_dir / schema).glob("*.sql")))
    return files


def apply_sql(con: duckdb.DuckDBPyConnection, sql_dir: Path, schemas: Iterable[str] = SCHEMAS) -> int:
    """Create schemas and apply every object file; objects that depend on later ones are retried.

    Returns the number of files applied.
    """
    wanted = set(schemas)
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    pending = [f for f in sql_files(sql_dir) if f.parent.name in wanted]
    applied = 0
    while pending:
        failed: list[tuple[Path, Exception]] = []
        for file in pending:
            try:
                text = file.read_text(encoding="utf-8")
                con.execute(text)
                table_keys.declare(text)
                upgrade_primary_key(con, text)
                applied += 1
            except duckdb.CatalogException as exc:  # depends on an object not created yet
                failed.append((file, exc))
        if len(failed) == len(pending):
            names = ", ".join(f"{f.parent.name}/{f.name}: {e}" for f, e in failed)
            raise RuntimeError(f"SQL objects could not be created: {names}")
        pending = [f for f, _ in failed]
    return applied


def register(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> None:
    """Register an Arrow table as a view name. DuckDB 2.0 refuses while a previous `execute()`
    result is unfinished (e.g. after `fetchone()`), so that result is completed first."""
    con.complete()
    con.register(name, data)


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None) -> object:
    """First column of the first row (None when no row); the result is fully consumed."""
    rows = con.execute(query, list(params) if params else []).fetchall()
    return rows[0][0] if rows else None


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
    """Append an Arrow table to `table`, matching columns by name (missing ones become NULL)."""
    if data.num_rows == 0:
        return 0
    cols = [c for c in table_columns(con, table) if c in data.column_names]
    view = "_parallax_insert_src"
    register(con, view, data)
    try:
        col_list = ", ".join(cols)
        con.execute(f"insert into {_ident(table)} ({col_list}) select {col_list} from {view}")
    finally:
        con.unregister(view)
    return data.num_rows


def upsert_arrow(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data: pa.Table,
    key: Sequence[str],
    run_id: str | None = None,
) -> int:
    """Delete rows of `table` whose key appears in `data`, then insert `data` (idempotent load).

    Rows being replaced that an earlier run wrote are logged first (`log_before_images`) for the
    writing run: `run_id`, else the run set on the connection with `begin_run`.
    """
    if data.num_rows == 0:
        return 0
    view = "_parallax_upsert_keys"
    keys = data.select(list(key))
    register(con, view, keys)
    try:
        cond = " and ".join(f"t.{_ident(k)} is not distinct from k.{_ident(k)}" for k in key)
        match = f"exists (select 1 from {view} k where {cond})"
        log_before_images(con, table, match, run_id=run_id, key=key)
        con.execute(f"delete from {_ident(table)} t where {match}")
    finally:
        con.unregister(view)
    return insert_arrow(con, table, data)


def changed_rows(
    con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, columns: Sequence[str]
) -> pa.Table:
    """Rows of `data` that `table` does not already hold with equal `columns` (NULL equals NULL).

    Upserting only these keeps the run stamp of rows a run merely saw again, so a second run
    writes nothing and rolling it back cannot remove what an earlier run recorded.
    """
    if data.num_rows == 0:
        return data
    view = "_parallax_changed_src"
    register(con, view, data.append_column("_parallax_row", pa.array(range(data.num_rows), pa.int64())))
    try:
        cond = " and ".join(f"t.{_ident(c)} is not distinct from n.{_ident(c)}" for c in columns)
        keep = con.execute(
            f"select n._parallax_row from {view} n "
            f"where not exists (select 1 from {_ident(table)} t where {cond}) order by 1"
        ).fetchall()
    finally:
        con.unregister(view)
    return data.take(pa.array([r[0] for r in keep], pa.int64()))


def bind_used(query: str, values: dict[str, object]) -> dict[str, object]:
    """The named parameters (`$name`) `query` uses, from `values` (DuckDB rejects unused ones)."""
    return {name: values.get(name) for name in dict.fromkeys(_NAMED_PARAM.findall(query))}


def fetch_arrow(
    con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None
) -> pa.Table:
    """Run a query with bound parameters and return an Arrow table."""
    return con.sql(query, params=list(params) if params else None).to_arrow_table()


def run_stamped_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table that has a `run_id` column (what a run wrote, and so can undo)."""
    rows = con.execute(
        "select c.table_schema || '.' || c.table_name from information_schema.columns c "
        "join information_schema.tables t using (table_schema, table_name) "
        "where c.column_name = 'run_id' and t.table_type = 'BASE TABLE' "
        "and c.table_schema in ('raw', 'staging', 'intermediate', 'marts', 'audit') "
        "and c.table_name not in ('runs', 'validation_results', 'validation_runs', 'run_steps') order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def begin_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Make `run_id` the connection's writing run: `upsert_arrow` logs before-images for it."""
    con.execute(f"set variable {RUN_VARIABLE} = ?", [run_id])


def end_run(con: duckdb.DuckDBPyConnection) -> None:
    """No writing run on the connection any more (nothing further is logged)."""
    con.execute(f"reset variable {RUN_VARIABLE}")


def current_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run set with `begin_run`, or None."""
    value = scalar(con, "select getvariable(?)", [RUN_VARIABLE])
    return None if value is None else str(value)


def log_before_images(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str,
    params: Sequence[object] = (),
    *,
    run_id: str | None = None,
    key: Sequence[str] | None = None,
) -> int:
    """Save the rows of `table` matching `where` (SQL on alias `t`, `?` bound to `params`) that an
    earlier run wrote, before run `run_id` (default: the connection's `begin_run`) changes or
    deletes them. `rollback_run` puts them back. Returns the number of rows saved.

    `key` identifies a row (default: the primary key); rollback deletes the rows with a saved key
    before re-inserting the saved rows. An empty key (no primary key) re-inserts only: use it for
    rows the run deletes, not for rows it updates. Tables without `run_id` are not logged.
    """
    run_id = run_id or current_run(con)
    if run_id is None or "run_id" not in table_columns(con, table):
        return 0
    rows = fetch_arrow(
        con,
        f"select t.* from {_ident(table)} t where ({where}) and t.run_id is distinct from ?",
        [*params, run_id],
    )
    if rows.num_rows == 0:
        return 0
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    seq = scalar(con, f"select coalesce(max(image_seq), 0) + 1 from {IMAGES} where run_id = ?", [run_id])
    con.execute(
        f"insert into {IMAGES} (run_id, image_seq, table_name, key_columns, row_count, rows, logged_at) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            seq,
            table,
            list((primary_key(con, table) or []) if key is None else key),
            rows.num_rows,
            sink.getvalue().to_pybytes(),
            dt.datetime.now(dt.UTC),
        ],
    )
    return rows.num_rows


def restore_before_images(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Put back every row `run_id` changed or deleted, as it was before the run; return how many.

    A row logged twice in the run is restored from its first image (the state before the run), also
    when the two images were saved under different keys: a row whose label an early batch updated
    (saved by primary key) and that a later re-extraction deleted (saved with no key) goes back once,
    as it was before the update.
    """
    images = con.execute(
        f"select table_name, key_columns, rows from {IMAGES} where run_id = ? order by image_seq", [run_id]
    ).fetchall()
    groups: dict[tuple[str, tuple[str, ...]], list[pa.Table]] = defaultdict(list)
    seen: dict[tuple[str, tuple[str, ...]], set[tuple[object, ...]]] = defaultdict(set)
    in_order: dict[str, list[pa.Table]] = defaultdict(list)  # per table, in image order
    for table, key_columns, blob in images:
        key = tuple(key_columns or ())
        rows = pa.ipc.open_stream(blob).read_all()
        if key:
            keys = list(zip(*(rows.column(k).to_pylist() for k in key), strict=True))
            first = seen[(table, key)]
            rows = rows.filter(pa.array([k not in first for k in keys], pa.bool_()))
            first.update(keys)
        groups[(table, key)].append(rows)
        in_order[table].append(rows)
    for table, parts in in_order.items():
        pk = tuple(primary_key(con, table) or ())
        if pk:
            groups[(table, pk)] = groups.get((table, pk), [])  # delete by primary key before inserting
            groups[(table, pk)].extend(p.select(list(pk)) for p in parts)
    view = "_parallax_restore_keys"
    for (table, key), parts in groups.items():
        if not key:
            continue
        keys_tbl = pa.concat_tables([p.select(list(key)) for p in parts], promote_options="permissive")
        register(con, view, keys_tbl)
        try:
            cond = " and ".join(f"t.{_ident(k)} is not distinct from k.{_ident(k)}" for k in key)
            con.execute(f"delete from {_ident(table)} t where exists (select 1 from {view} k where {cond})")
        finally:
            con.unregister(view)
    restored = 0
    for table, parts in in_order.items():
        rows = pa.concat_tables(parts, promote_options="permissive")
        columns = primary_key(con, table) or []
        # the first image of a row is the state before the run: one row per primary key (per whole
        # row when the table has none: a row saved under two keys goes back once)
        once: dict[str, int] = {}
        for i, row in enumerate(rows.to_pylist()):
            ident = repr([row[k] for k in columns]) if columns else repr(sorted(row.items()))
            once.setdefault(ident, i)
        restored += insert_arrow(con, table, rows.take(pa.array(sorted(once.values()), pa.int64())))
    return restored


def discard_before_images(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Drop the before-images of a run that finished (it will not be rolled back)."""
    con.execute(f"delete from {IMAGES} where run_id = ?", [run_id])


def rollback_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Undo a run (compensating transaction for a failed run): delete every row stamped with `run_id`,
    then put back, as they were, the earlier runs' rows it changed or deleted (`audit.row_images`).

    Idempotent: a rollback interrupted half-way is completed by running it again.
    """
    if current_run(con) == run_id:
        end_run(con)
    removed: dict[str, int] = {}
    for table in run_stamped_tables(con):
        if table == IMAGES:
            continue
        n = con.execute(f"delete from {_ident(table)} where run_id = ?", [run_id]).fetchone()
        removed[table] = int(n[0]) if n else 0
    removed["restored:" + IMAGES] = restore_before_images(con, run_id)
    discard_before_images(con, run_id)
    return removed


def table_rows(path: Path | str, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every row of every base table of the database file at `path` (all columns, run stamps
    included, as sorted reprs), tables named in `exclude` left out: a state to compare with another
    (rollback and crash-recovery checks)."""
    skip = set(exclude)
    con = connect(path, read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema in (select unnest(?::varchar[])) "
                "order by 1",
                [list(SCHEMAS)],
            ).fetchall()
        ]
        return {
            n: sorted(repr(r) for r in con.execute(f"select * from {_ident(n)}").fetchall())
            for n in names
            if n not in skip
        }
    finally:
        con.close()
