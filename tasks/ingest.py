"""Prefect task shells for ingest: scan the input folder, read new files into raw.documents."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import db, ingest
from tasks._common import RunContext, transient_io_error


@task(
    name="scan-inputs",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=transient_io_error,
)
def scan_task(ctx: RunContext, input_dir: Path) -> ingest.ScanResult:
    """List input files with size, mtime and SHA-256 (retried on transient file-system errors).

    Files already read with the same size and mtime keep their recorded hash (not re-read).
    """
    return ingest.scan_inputs(input_dir, ctx.settings, ingest.known_files(ctx.con))


@task(name="select-new-files", cache_policy=NO_CACHE)
def select_new_files_task(ctx: RunContext, files: pa.Table) -> pa.Table:
    """Keep files whose (path, sha256) was never ingested: a nightly run only reads what is new."""
    if files.num_rows == 0:
        return files
    db.register(ctx.con, "_scanned", files)
    try:
        return db.fetch_arrow(
            ctx.con,
            "select s.* from _scanned s anti join audit.ingested_files i "
            "on s.path = i.path and s.sha256 = i.sha256 order by s.path",
        )
    finally:
        ctx.con.unregister("_scanned")


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(ctx: RunContext, input_dir: Path, files: pa.Table) -> ingest.IngestResult:
    """Read a batch of files into raw.documents; rejects go to audit.rejected_files.

    Returns only documents new to the archive, and the files deferred to the next run.
    """
    return ingest.ingest_files(ctx.con, ctx.run_id, input_dir, files, ctx.settings)
