"""Crash counting and quarantine: one input file must not wedge every night.

A file that kills its run (out of memory, a hang ended by the timeout, a parser bug that takes the
process down) is rolled back with the run, so without a memory outside the run it would be read,
and kill the run, again every night. `audit.file_failures` is that memory: it has no run_id, so
`parallax.db.rollback_run` leaves it alone.

- `begin` marks a batch's files *in flight* for the run before the batch starts; `end` removes the
  marks when the batch (ingest, clean, dedup, extract) completed.
- `count_crashes`, at the start of the next run, turns marks left by any other run (it died or
  failed inside that batch) into one failure per file.
- A read that failed in a way that may pass (I/O error, MemoryError, an unexpected exception) is
  a failure too (`record_failures`), and the file is tried again next night.
- `batches` gives each file with failures a batch of its own (order kept), so the next crash is
  attributed to the file that causes it, not to its batch neighbours.
- `quarantined`: files with `settings.max_file_failures` failures are rejected with reason
  `quarantined` instead of being read (`parallax.ingest.record_quarantined`).

Rows are keyed by (path, sha256 as scanned): a changed file starts a fresh count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from parallax import db

TABLE = "audit.file_failures"


def _keys(files: pa.Table) -> pa.Table:
    return files.select(["path", "sha256"])


def count_crashes(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Count one failure for every file another run left in flight; returns how many files."""
    n = con.execute(
        f"update {TABLE} set failures = failures + 1, last_failed_run = in_flight_run, "
        "last_error = 'run ' || in_flight_run || ' ended (crashed, killed or failed) while this file''s "
        "batch was in progress', in_flight_run = null, updated_at = ? "
        "where in_flight_run is not null and in_flight_run <> ?",
        [datetime.now(UTC), run_id],
    ).fetchone()
    return int(n[0]) if n else 0


def begin(con: duckdb.DuckDBPyConnection, run_id: str, files: pa.Table) -> None:
    """Mark `files` (path, sha256) in flight for `run_id`."""
    if files.num_rows == 0:
        return
    view = "_parallax_in_flight"
    db.register(con, view, _keys(files))
    try:
        con.execute(
            f"insert into {TABLE} (path, sha256, failures, in_flight_run, updated_at) "
            f"select path, sha256, 0, ?, ? from {view} "
            "on conflict (path, sha256) do update set in_flight_run = excluded.in_flight_run, "
            "updated_at = excluded.updated_at",
            [run_id, datetime.now(UTC)],
        )
    finally:
        con.unregister(view)


def end(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The run's batch completed: forget its files (failures recorded meanwhile stay)."""
    con.execute(f"delete from {TABLE} where in_flight_run = ?", [run_id])


def record_failures(
    con: duckdb.DuckDBPyConnection, run_id: str, failures: Sequence[tuple[str, str, str]]
) -> None:
    """One failure for each (path, sha256, error) read in this run (not cleared by `end`)."""
    now = datetime.now(UTC)
    for path, sha, error in failures:
        con.execute(
            f"insert into {TABLE} (path, sha256, failures, in_flight_run, last_failed_run, last_error, "
            "updated_at) values (?, ?, 1, null, ?, ?, ?) on conflict (path, sha256) do update set "
            "failures = failures + 1, in_flight_run = null, last_failed_run = excluded.last_failed_run, "
            "last_error = excluded.last_error, updated_at = excluded.updated_at",
            [path, sha, run_id, error[:500], now],
        )


def failure_counts(con: duckdb.DuckDBPyConnection, files: pa.Table) -> dict[tuple[str, str], tuple[int, str]]:
    """(path, sha256) -> (failures, last error) for those of `files` that failed before."""
    if files.num_rows == 0:
        return {}
    view = "_parallax_failure_keys"
    db.register(con, view, _keys(files))
    try:
        rows = con.execute(
            f"select f.path, f.sha256, f.failures, f.last_error from {TABLE} f "
            f"join {view} k on f.path = k.path and f.sha256 = k.sha256 where f.failures > 0"
        ).fetchall()
    finally:
        con.unregister(view)
    return {(p, s): (int(n), e or "") for p, s, n, e in rows}


def split(con: duckdb.DuckDBPyConnection, files: pa.Table, max_failures: int) -> tuple[pa.Table, pa.Table]:
    """Split `files` into (quarantined, to read), order kept; to read gets a `failures` column and
    quarantined a `detail` column."""
    counts = failure_counts(con, files)
    keys = list(zip(files.column("path").to_pylist(), files.column("sha256").to_pylist(), strict=True))
    failures = [counts.get(k, (0, ""))[0] for k in keys]
    held = [i for i, n in enumerate(failures) if n >= max_failures]
    read = [i for i, n in enumerate(failures) if n < max_failures]
    details = [
        f"quarantined after {failures[i]} failed runs or reads (limit {max_failures}); last: "
        f"{counts[keys[i]][1]}"[:900]
        for i in held
    ]
    quarantined = files.take(pa.array(held, pa.int64())).append_column(
        "detail", pa.array(details, pa.string())
    )
    to_read = files.take(pa.array(read, pa.int64()))
    to_read = to_read.append_column("failures", pa.array([failures[i] for i in read], pa.int32()))
    return quarantined, to_read


def batches(files: pa.Table, size: int) -> list[pa.Table]:
    """Batches of at most `size` files in their order; a file that failed before (`failures` > 0,
    from `split`) is a batch of its own, so a crash it causes is counted against it alone."""
    out: list[pa.Table] = []
    start = 0
    failures = (
        files.column("failures").to_pylist() if "failures" in files.column_names else [0] * files.num_rows
    )
    for i, n in enumerate(failures):
        if n > 0 or i - start >= size:
            if i > start:
                out.append(files.slice(start, i - start))
            start = i
        if n > 0:
            out.append(files.slice(i, 1))
            start = i + 1
    if files.num_rows > start:
        out.append(files.slice(start, files.num_rows - start))
    return out
