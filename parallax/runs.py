"""Run bookkeeping in `audit.runs`: start, finish, and recovery of runs that never finished."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from parallax import db

STATUS_RUNNING = "running"
STATUS_SUCCESS = "success"
STATUS_FAILED = "failed"
STATUS_CRASHED = "crashed"
#: audit.runs.publish_status: validated, publish not confirmed / published / publish failed.
PUBLISH_PENDING = "pending"
PUBLISHED = "published"
PUBLISH_FAILED = "failed"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_run_id(at: dt.datetime | None = None) -> str:
    """Time-ordered unique id, e.g. r20261123T020001-3f9a1c."""
    at = at or now()
    return f"r{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunSummary:
    """What a run did; printed by the CLI and stored in audit.runs."""

    run_id: str
    run_date: dt.date
    status: str = STATUS_RUNNING
    files_seen: int = 0
    files_new: int = 0
    files_rejected: int = 0
    documents_new: int = 0
    duplicates_new: int = 0
    mentions_new: int = 0
    facts_new: int = 0
    attributions_new: int = 0
    stories_touched: int = 0
    validation_success: bool | None = None
    model: str | None = None
    model_version: str | None = None
    error: str | None = None
    published: str | None = None
    publish_status: str | None = None
    recovered_runs: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        d = dict(self.__dict__)
        d["run_date"] = self.run_date.isoformat()
        return d


def start_run(con: duckdb.DuckDBPyConnection, summary: RunSummary, input_dir: str) -> None:
    """Record the run as running and make it the connection's writing run (`db.begin_run`)."""
    con.execute(
        "insert into audit.runs (run_id, run_date, started_at, status, input_dir) values (?, ?, ?, ?, ?)",
        [summary.run_id, summary.run_date, now(), STATUS_RUNNING, input_dir],
    )
    db.begin_run(con, summary.run_id)


def finish_run(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    """Record the run's outcome; a successful run's before-images are dropped (it stays)."""
    steps = pa.array([summary.step_seconds], type=pa.map_(pa.string(), pa.float64()))
    db.register(con, "_run_steps", pa.table({"s": steps}))
    try:
        con.execute(
            """
            update audit.runs set
                finished_at = ?, status = ?, files_seen = ?, files_new = ?, files_rejected = ?,
                documents_new = ?, mentions_new = ?, validation_success = ?, model = ?,
                model_version = ?, error = ?, step_seconds = (select s from _run_steps),
                publish_status = ?
            where run_id = ?
            """,
            [
                now(),
                summary.status,
                summary.files_seen,
                summary.files_new,
                summary.files_rejected,
                summary.documents_new,
                summary.mentions_new,
                summary.validation_success,
                summary.model,
                summary.model_version,
                summary.error,
                summary.publish_status,
                summary.run_id,
            ],
        )
    finally:
        con.unregister("_run_steps")
    if summary.status == STATUS_SUCCESS:
        db.discard_before_images(con, summary.run_id)
    if db.current_run(con) == summary.run_id:
        db.end_run(con)


def record_publish(
    con: duckdb.DuckDBPyConnection, run_id: str, status: str, at: dt.datetime | None, error: str | None
) -> None:
    """Record the publish outcome of a finished run (`published` with its time, or `failed`)."""
    con.execute(
        "update audit.runs set publish_status = ?, published_at = ?, error = coalesce(?, error) "
        "where run_id = ?",
        [status, at, error, run_id],
    )


def pending_publishes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs whose publish was started but never confirmed (the process ended during publish)."""
    rows = con.execute(
        "select run_id from audit.runs where publish_status = ? order by run_id", [PUBLISH_PENDING]
    ).fetchall()
    return [r[0] for r in rows]


def recover_unfinished_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Roll back every run still marked running (killed before it finished) and mark it crashed.

    Only call this while holding the writer lock: then no run can really still be running.
    """
    rows = con.execute("select run_id from audit.runs where status = ? order by run_id", [STATUS_RUNNING])
    run_ids = [r[0] for r in rows.fetchall()]
    for run_id in run_ids:
        db.rollback_run(con, run_id)
        con.execute(
            "update audit.runs set status = ?, finished_at = ?, error = coalesce(error, ?) where run_id = ?",
            [STATUS_CRASHED, now(), "run ended without finishing; its rows were rolled back", run_id],
        )
    return run_ids
