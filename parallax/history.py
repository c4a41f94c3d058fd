"""Run-stamped story history: the state of every story a run touched, for `marts.rpt_story_changes`.

The flow calls `snapshot_run` after the marts views are built (and before validation/publish). Only
stories with a document the run wrote get a snapshot, so history grows with change, not with time.
The rows carry the run's `run_id`, so `db.rollback_run` removes them with the rest of a failed run, and
re-running the same run id replaces them (delete by run, then insert).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from parallax.settings import REPO_ROOT

SNAPSHOT_QUERY = "audit/queries/story_snapshot_insert"


def snapshot_run(con: duckdb.DuckDBPyConnection, run_id: str, sql_dir: Path | None = None) -> int:
    """Record the state of every story the run touched in `audit.story_snapshots`; returns rows written."""
    sql_dir = sql_dir or REPO_ROOT / "sql"
    query = (sql_dir / f"{SNAPSHOT_QUERY}.sql").read_text(encoding="utf-8")
    con.execute("delete from audit.story_snapshots where run_id = ?", [run_id])
    con.execute(query, {"run_id": run_id})
    rows = con.execute("select count(*) from audit.story_snapshots where run_id = ?", [run_id]).fetchall()
    return int(rows[0][0])
