"""Compaction: rewrite the working database to a fresh file when too much of it is free space.

DuckDB reuses freed blocks but never gives them back: a run that replaces rows (upserts, the
delete + insert of re-extracted documents, rebuilt history) leaves free blocks behind, and the
working file measured about 2x its live data after two small runs. Every publish copies the
whole file, free blocks included. After a successful run (the working DB checkpointed and closed,
the writer lock still held) `maybe_compact` reads `pragma_database_size()`; when the free share
passes `settings.compact_free_share` and at least `settings.compact_min_free_bytes` are free, it
copies every schema, table, view and comment into a side file with `COPY FROM DATABASE`, checks
that each table holds as many rows as before, fsyncs it and `os.replace`s it over the working
file. A crash at any point leaves the old file or the new one, never half of one; a leftover side
file is removed at the next compaction.

Cost: one read of the working DB and one write of its live data (seconds per GB), only on the
nights the threshold is passed.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from parallax.db import STORAGE_VERSION
from parallax.settings import Settings

log = logging.getLogger(__name__)

SIDE_SUFFIX = ".compacting"
_SRC, _DST = "parallax_compact_src", "parallax_compact_dst"
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class CompactionResult:
    """What `maybe_compact` measured and did (sizes in bytes of the file on disk)."""

    compacted: bool
    bytes_before: int
    bytes_after: int
    total_blocks: int
    free_blocks: int

    @property
    def free_share(self) -> float:
        return self.free_blocks / self.total_blocks if self.total_blocks else 0.0


def free_space(con: duckdb.DuckDBPyConnection, database: str) -> tuple[int, int, int]:
    """(total_blocks, free_blocks, block_size) of an attached database."""
    row = con.execute(
        "select total_blocks, free_blocks, block_size from pragma_database_size() where database_name = ?",
        [database],
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def needs_compaction(total: int, free: int, block_size: int, settings: Settings) -> bool:
    """True when the free blocks pass both thresholds of `settings`."""
    if total <= 0:
        return False
    return (
        free / total >= settings.compact_free_share and free * block_size >= settings.compact_min_free_bytes
    )


def _table_counts(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? order by 1, 2",
        [database],
    ).fetchall()
    counts = {}
    for schema, table in tables:
        if not (_PLAIN.match(schema) and _PLAIN.match(table)):
            raise ValueError(f"unexpected table name {schema}.{table} in the working database")
        row = con.execute(f"select count(*) from {database}.{schema}.{table}").fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def compact(work_db: Path) -> Path:
    """Rewrite `work_db` (closed, no other connection) into a fresh file and replace it atomically."""
    side = work_db.with_name(work_db.name + SIDE_SUFFIX)
    side.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach ? as {_SRC} (read_only)", [str(work_db)])
        con.execute(f"attach ? as {_DST} (storage_version '{STORAGE_VERSION}')", [str(side)])
        con.execute(f"copy from database {_SRC} to {_DST}")
        before, after = _table_counts(con, _SRC), _table_counts(con, _DST)
        if before != after:
            differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            raise RuntimeError(f"compaction copy differs from the working DB in: {', '.join(differ)}")
        con.execute(f"checkpoint {_DST}")
        con.execute(f"detach {_DST}")
        con.execute(f"detach {_SRC}")
    except BaseException:
        con.close()
        side.unlink(missing_ok=True)
        raise
    con.close()
    with open(side, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(side, work_db)
    fd = os.open(work_db.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return work_db


def maybe_compact(work_db: Path, settings: Settings) -> CompactionResult:
    """Compact the (checkpointed, closed) working DB when its free space passes the thresholds.

    Call it while holding the writer lock, before publishing (the published copy is then compact too).
    """
    work_db = Path(work_db)
    size = work_db.stat().st_size
    con = duckdb.connect()
    try:
        con.execute(f"attach ? as {_SRC} (read_only)", [str(work_db)])
        total, free, block_size = free_space(con, _SRC)
    finally:
        con.close()
    if not needs_compaction(total, free, block_size, settings):
        return CompactionResult(False, size, size, total, free)
    try:
        compact(work_db)
    except Exception as exc:  # the run already succeeded: a failed compaction only costs space
        log.warning("compaction of %s failed, the file is kept as it was: %s", work_db, exc)
        return CompactionResult(False, size, size, total, free)
    after = work_db.stat().st_size
    log.info("compacted %s: %d -> %d bytes (%d of %d blocks were free)", work_db, size, after, free, total)
    return CompactionResult(True, size, after, total, free)
