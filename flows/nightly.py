"""The `nightly` flow: input folder -> validated, published DuckDB file for analysts.

    ingest -> clean -> dedup -> extract (+ copies) -> stories -> models -> validate -> publish

Files are read in batches (`Settings.batch_files`) and their documents go through the pipeline in
batches (`Settings.batch_docs`), so memory stays flat as input and files grow; only files whose
content is new are read, and only records new to the archive are processed. Every row a run
writes carries its run_id: a failed validation, an exception or the run timeout
(`Settings.run_timeout_seconds`, applied here so it holds under the CLI, `parallax serve` and
deployments alike) rolls the run back, and the published file is left untouched. A publish that
fails (a full disk) keeps the validated run in the working DB, is recorded in
`audit.runs.publish_status`, and the next successful run publishes.

Run it with `parallax run --input DIR --db PATH` or `python -m flows.nightly`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from prefect import flow, get_run_logger
from prefect.states import Failed, State

from parallax import compact, db, failpoints, history, ingest, publish, quarantine, runner, runs
from parallax.deadline import RunTimeoutError, deadline
from parallax.entity_archive import reresolve_limit, stale_short_forms
from parallax.heap import older_objects_frozen
from parallax.lock import WriterLock
from parallax.nlp import load_model, model_identity
from parallax.settings import Settings, get_settings
from parallax.stage import chunked
from parallax.validate_gx import warm_validation
from tasks._common import RunContext
from tasks.clean import clean_task
from tasks.dedup import dedup_task, stories_task
from tasks.extract import copies_task, extract_finish_task, extract_start_task, extract_task
from tasks.ingest import ingest_task, scan_task, select_new_files_task
from tasks.publish import build_models_task, publish_task, validate_task

_MODELS: dict[tuple[str, str], Any] = {}
_PROGRESS: list[Callable[[str, int, int], None]] = []


@contextmanager
def progress_callback(callback: Callable[[str, int, int], None]) -> Iterator[None]:
    """Install `callback(step, done, total)`, called after each batch while the block runs.

    Kept out of the flow's parameters, which Prefect records as JSON.
    """
    _PROGRESS.insert(0, callback)
    try:
        yield
    finally:
        _PROGRESS.remove(callback)


def _current_progress() -> Callable[[str, int, int], None] | None:
    """The installed progress callback, if any.

    Looked up here, not in the flow body: with `--runner dask` Prefect ships the flow function to
    the workers by value, with every global its body names, and a callback (the CLI's progress
    bar holds a lock) cannot be pickled.
    """
    return _PROGRESS[0] if _PROGRESS else None


class ValidationFailedError(RuntimeError):
    """An expectation suite failed: the run is rolled back and nothing is published."""


PublishFailedError = publish.PublishFailedError
__all__ = ["PublishFailedError", "RunTimeoutError", "ValidationFailedError", "nightly", "progress_callback"]


def _nlp(settings: Settings) -> Any:
    key = (settings.spacy_model, settings.spacy_fallback_model)
    if key not in _MODELS:
        _MODELS[key] = load_model(settings)
    return _MODELS[key]


def _settings(input_dir: str | None, db_path: str | None, work_db_path: str | None) -> Settings:
    base = get_settings()
    updates: dict[str, Any] = {}
    if input_dir is not None:
        updates["input_dir"] = Path(input_dir).expanduser().absolute()
    if db_path is not None:
        updates["db_path"] = Path(db_path).expanduser().absolute()
    if work_db_path is not None:
        updates["work_db_path"] = Path(work_db_path).expanduser().absolute()
    return base.model_copy(update=updates)


class StepTimer:
    """Adds each step's wall-clock seconds to the summary; honours the test failpoint; the garbage
    collector skips what existed before the step (`heap.older_objects_frozen`)."""

    def __init__(self, summary: runs.RunSummary, failpoint: str | None) -> None:
        self.summary, self.failpoint = summary, failpoint
        failpoints.reset()

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        failpoints.hit(step, self.failpoint)
        t0 = time.perf_counter()
        try:
            with older_objects_frozen():  # the collector looks at what the step makes only
                yield
        finally:
            seconds = self.summary.step_seconds
            seconds[step] = round(seconds.get(step, 0.0) + time.perf_counter() - t0, 3)


def _run_name() -> str:
    from prefect.runtime import flow_run

    params = flow_run.parameters or {}
    return f"nightly-{params.get('run_date') or dt.date.today().isoformat()}"


@flow(name="nightly", flow_run_name=_run_name, log_prints=False)
def nightly(
    input_dir: str | None = None,
    db_path: str | None = None,
    run_date: str | None = None,
    work_db_path: str | None = None,
) -> dict[str, object]:
    """Run the pipeline once over `input_dir` and publish `db_path`; returns the run summary.

    `run_date` (YYYY-MM-DD) is the logical date recorded for backfills. Progress is reported to
    the callback installed with `progress_callback` (the CLI draws a progress bar with it).
    """
    logger = get_run_logger()
    warm_validation()  # under `parallax serve` and workers GX is imported while the run works
    settings = _settings(input_dir, db_path, work_db_path)
    day = dt.date.fromisoformat(run_date) if run_date else dt.datetime.now(dt.UTC).date()
    summary = runs.RunSummary(run_id=runs.new_run_id(), run_date=day)
    work_db, published = settings.work_db, settings.db
    timed = StepTimer(summary, settings.failpoint)

    with (
        deadline(settings.run_timeout_seconds) as limit,
        WriterLock(work_db, settings.lock_wait_seconds, summary.run_id),
    ):
        con = db.connect(work_db, memory_limit=settings.duckdb_memory_limit)
        ctx = RunContext(con=con, run_id=summary.run_id, settings=settings)
        try:
            with timed("setup"):
                db.apply_sql(con, settings.sql)
                summary.recovered_runs = runs.recover_unfinished_runs(con)
                _settle_unconfirmed_publishes(con, published)
                publish.cleanup_side_files(published)
                runs.start_run(con, summary, str(settings.input))
            if summary.recovered_runs:
                logger.warning("rolled back unfinished runs: %s", ", ".join(summary.recovered_runs))
            # NLP runs in-process, on n_process local workers or on Dask (settings.runner);
            # workers start on first use and stop when the batches are done.
            with runner.annotation_session(summary.run_id, settings):
                _process(ctx, summary, timed, _current_progress())
            with timed("models"):
                build_models_task(ctx)
            with timed("snapshot"):
                db.retry_out_of_memory(
                    con,
                    settings.duckdb_memory_limit_retry,
                    lambda: history.snapshot_run(con, summary.run_id, settings.sql),
                    "the story snapshot",
                )
            with timed("validate"):
                outcome = validate_task(ctx)
            summary.validation_success = outcome.success
            if not outcome.success:
                raise ValidationFailedError(f"validation failed: {outcome.describe_failures()}")
            summary.status = runs.STATUS_SUCCESS
            summary.publish_status = runs.PUBLISH_PENDING
            with timed("checkpoint"):
                runs.finish_run(con, summary)
                con.execute("checkpoint")
        except BaseException as exc:
            summary.status = runs.STATUS_FAILED
            summary.publish_status = None
            summary.error = (limit.message if limit.expired else f"{type(exc).__name__}: {exc}")[:2000]
            db.rollback_run(con, summary.run_id)
            runs.finish_run(con, summary)
            con.execute("checkpoint")
            con.close()
            logger.error("run %s failed and was rolled back: %s", summary.run_id, summary.error)
            if isinstance(exc, ValidationFailedError):  # expected: one line, no traceback
                return _failed(exc)
            raise
        con.close()
        with timed("compact"):
            compact.maybe_compact(work_db, settings)  # free space past settings.compact_free_share
        with timed("publish"):
            failure = _publish(summary, settings)
        if failure is not None:
            logger.error("run %s validated but not published: %s", summary.run_id, failure)
            return _failed(failure)
        summary.published = str(published)
        logger.info("run %s published %s", summary.run_id, published)
    result = summary.as_dict()
    if settings.site:  # after the lock: the site reads only the published file
        started = time.perf_counter()
        result["site"] = _build_site(settings, get_run_logger())
        result["site_seconds"] = round(time.perf_counter() - started, 3)
    return result


def _build_site(settings: Settings, logger: Any) -> str | None:
    """Bring the analysts' site up to date with the just-published file (`refresh_site`: the pages the
    night changed, only the top pages after a night that read nothing new, or a full build); returns its
    index page, or None when the build failed - logged as an error, never failing or rolling back the
    published night."""
    from parallax.site import refresh_site

    out = settings.db.parent / settings.site_dir_name
    try:
        # some site queries cannot spill (40,000 articles: out of memory at 512MB): built again larger
        site = db.out_of_memory_retry(
            settings.duckdb_memory_limit,
            settings.duckdb_memory_limit_retry,
            lambda limit: refresh_site(settings.db, out, workers=settings.site_workers, memory_limit=limit),
            "the site build",
        )
    except Exception as exc:
        logger.error(
            "site not rebuilt (the run is published; the previous site is left in %s): %s: %s",
            out,
            type(exc).__name__,
            exc,
        )
        return None
    logger.info("site %s: %s", out, site.describe())
    return str(out / "index.html")


def _failed(exc: Exception) -> Any:
    """End the flow run Failed with `exc`'s message and no traceback in the logs; the caller of the
    flow gets `exc` raised (Prefect raises a failed state's exception)."""
    state: State[Any] = Failed(message=str(exc), data=exc)
    return state


def _publish(summary: runs.RunSummary, settings: Settings) -> publish.PublishFailedError | None:
    """Publish the checkpointed working DB; record the outcome in `audit.runs` and the data-docs
    page. Returns the error of a failed publish (the old published file is left as it was)."""
    from parallax.datadocs import render_data_docs
    from parallax.validate import data_docs_path

    at = runs.now()
    failure: publish.PublishFailedError | None = None
    try:
        outcome = publish_task(settings.work_db, settings.db, settings.failpoint, summary.run_id, at)
        if isinstance(outcome, publish.PublishFailedError):
            failure = outcome
    except OSError as exc:  # transient errors that outlasted the task's retries
        failure = publish.PublishFailedError(f"publish failed: {type(exc).__name__}: {exc}")
    summary.publish_status = runs.PUBLISHED if failure is None else runs.PUBLISH_FAILED
    try:
        con = db.connect(settings.work_db, memory_limit=settings.duckdb_memory_limit)
        try:
            runs.record_publish(
                con,
                summary.run_id,
                summary.publish_status,
                at if failure is None else None,
                None if failure is None else str(failure)[:2000],
            )
            render_data_docs(con, data_docs_path(settings))
            con.execute("checkpoint")
        finally:
            con.close()
    except Exception as exc:  # e.g. the working DB's disk is full too: the next run settles it
        get_run_logger().warning("publish outcome of run %s not recorded: %s", summary.run_id, exc)
    return failure


def _settle_unconfirmed_publishes(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Runs whose publish never reported back (killed while publishing): `published` if the
    published file holds them, else `failed` (this run publishes their state)."""
    pending = runs.pending_publishes(con)
    if not pending:
        return
    done = publish.published_runs(published, pending)
    for run_id in pending:
        if run_id in done:
            runs.record_publish(con, run_id, runs.PUBLISHED, done[run_id], None)
        else:
            runs.record_publish(
                con, run_id, runs.PUBLISH_FAILED, None, "publish did not complete (the process ended)"
            )


def _process(
    ctx: RunContext,
    summary: runs.RunSummary,
    timed: StepTimer,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """Ingest new files, then clean, dedup and extract their new documents batch by batch; then
    assign stories.

    Copies get their canonical's mentions mapped onto their own text (`copies_task`).

    Files are read `batch_files` at a time and their records stream into raw.documents; the new
    documents go on `batch_docs` at a time, so memory is flat in the records of a file. A file a
    run failed on before gets a batch of its own; files that failed `max_file_failures` times are
    quarantined instead of read (`parallax.quarantine`). The progress callback counts documents.
    """
    settings, logger = ctx.settings, get_run_logger()
    with timed("scan"):
        scan = scan_task(ctx, settings.input)
        new_files: pa.Table = select_new_files_task(ctx, scan.files)  # pa.Table is Any to mypy
    summary.files_seen = scan.files.num_rows + scan.rejected.num_rows
    summary.files_new = new_files.num_rows + scan.rejected.num_rows
    if scan.rejected.num_rows:
        ingest.record_scan_rejections(ctx.con, ctx.run_id, scan.rejected)
    crashed = quarantine.count_crashes(ctx.con, ctx.run_id)
    if crashed:
        logger.warning("%d file(s) were in progress when an earlier run ended; failure counted", crashed)
    held, files = quarantine.split(ctx.con, new_files, settings.max_file_failures)
    if held.num_rows:
        ingest.record_quarantined(ctx.con, ctx.run_id, held)
        logger.warning("quarantined %d file(s): %s", held.num_rows, ", ".join(held["path"].to_pylist()[:20]))
    file_batches = quarantine.batches(files, settings.batch_files)
    new_docs: list[str] = []
    done = total = 0
    for files in file_batches:
        quarantine.begin(ctx.con, ctx.run_id, files)
        with timed("ingest"):
            ingested = ingest_task(ctx, settings.input, files)
        _report_deferred(ctx, ingested.deferred)
        total += len(ingested.doc_ids)
        runner.warm_session(ctx.run_id, len(ingested.doc_ids), settings)
        # Pipelined: batch i+1 is cleaned, deduplicated and handed to the workers while they still
        # annotate batch i, so the flow process's steps and the tail of batch i (its last slices)
        # leave no core idle; batches are still written in order (finish i, then i+1).
        pending: _Batch | None = None
        for doc_ids in chunked(ingested.doc_ids, settings.batch_docs):
            started = _start_documents(ctx, summary, timed, doc_ids)
            done += _finish_pending(ctx, summary, timed, pending, new_docs)
            pending = started
            if progress and done:
                progress("documents", done, total)
        done += _finish_pending(ctx, summary, timed, pending, new_docs)
        if progress:
            progress("documents", done, total)
        quarantine.end(ctx.con, ctx.run_id)
    if new_docs:
        _reresolve_short_forms(ctx, timed, len(new_docs))
        with timed("stories"):
            summary.stories_touched = stories_task(ctx, new_docs).counts.get("stories", 0)
    summary.files_rejected = _count(
        ctx, "select count(distinct path) from audit.rejected_files where run_id = ?", summary.run_id
    )
    if summary.model is None:
        summary.model, summary.model_version = _last_model(ctx)


def _reresolve_short_forms(ctx: RunContext, timed: StepTimer, new_docs: int) -> None:
    """Re-extract archived documents whose one-word names this run's longer names may resolve
    (`parallax.entity_archive.stale_short_forms`), at most `entity_reresolve_max_docs` and
    `entity_reresolve_per_new_doc` per new document."""
    settings = ctx.settings
    limit = reresolve_limit(
        settings.entity_reresolve_max_docs, settings.entity_reresolve_per_new_doc, new_docs
    )
    with timed("reresolve"):
        old = stale_short_forms(ctx.con, ctx.run_id, limit)
        if not old:
            return
        if ctx.nlp is None and runner.annotates_in_flow(settings):
            ctx.nlp = _nlp(settings)
        get_run_logger().info("re-resolving the short names of %d archived document(s)", len(old))
        extract_task(ctx, old)


@dataclass
class _Batch:
    """A batch of new documents cleaned and deduplicated, its canonicals' extraction under way."""

    doc_ids: list[str]  # the batch as read
    cleaned: list[str]
    canonical: list[str]
    extraction: runner.PendingExtraction | None


def _start_documents(
    ctx: RunContext, summary: runs.RunSummary, timed: StepTimer, doc_ids: list[str]
) -> _Batch:
    """Clean and dedup one batch of new documents and start extracting its canonicals."""
    settings = ctx.settings
    with timed("clean"):
        cleaned = clean_task(ctx, doc_ids)
    with timed("dedup"):
        canonical = dedup_task(ctx, cleaned.doc_ids)
    job = None
    if canonical.doc_ids:
        if ctx.nlp is None and summary.model is None:
            with timed("load_model"):
                # only when the flow process annotates; worker processes load their own
                if runner.annotates_in_flow(settings):
                    ctx.nlp = _nlp(settings)
                    summary.model, summary.model_version = model_identity(ctx.nlp)
                else:
                    summary.model, summary.model_version = runner.pipeline_identity(settings)
        with timed("extract"):
            job = extract_start_task(ctx, canonical.doc_ids)
    return _Batch(doc_ids, list(cleaned.doc_ids), list(canonical.doc_ids), job)


def _finish_documents(
    ctx: RunContext, summary: runs.RunSummary, timed: StepTimer, batch: _Batch | None
) -> None:
    """Write a started batch's extraction (waiting for its workers), then map its copies."""
    if batch is None:
        return
    if batch.extraction is not None:
        with timed("extract"):
            extracted = extract_finish_task(ctx, batch.extraction)
        summary.mentions_new += extracted.counts.get("mentions", 0)
        summary.facts_new += extracted.counts.get("facts", 0)
        summary.attributions_new += extracted.counts.get("attributions", 0)
    if len(batch.canonical) < len(batch.cleaned):
        with timed("copies"):
            # copies of archived canonicals; those of this batch's were mapped when extracted
            copies_task(ctx, batch.cleaned, batch.canonical)
    summary.documents_new += len(batch.cleaned)
    summary.duplicates_new += len(batch.cleaned) - len(batch.canonical)


def _finish_pending(
    ctx: RunContext,
    summary: runs.RunSummary,
    timed: StepTimer,
    batch: _Batch | None,
    new_docs: list[str],
) -> int:
    """Finish a started batch (if any), add its documents to `new_docs`; how many it held."""
    if batch is None:
        return 0
    _finish_documents(ctx, summary, timed, batch)
    new_docs.extend(batch.doc_ids)
    return len(batch.doc_ids)


def _report_deferred(ctx: RunContext, deferred: list[tuple[str, str, str, str, bool]]) -> None:
    """Log files left for the next run; count the failed reads towards quarantine."""
    if not deferred:
        return
    get_run_logger().warning(
        "%d file(s) left for the next run: %s",
        len(deferred),
        "; ".join(f"{path} ({reason}: {detail})" for path, _, reason, detail, _ in deferred[:20]),
    )
    quarantine.record_failures(
        ctx.con,
        ctx.run_id,
        [(path, sha, f"{reason}: {detail}") for path, sha, reason, detail, fail in deferred if fail],
    )


def _count(ctx: RunContext, query: str, *params: object) -> int:
    return int(db.scalar(ctx.con, query, params) or 0)  # type: ignore[call-overload]


def _last_model(ctx: RunContext) -> tuple[str | None, str | None]:
    """A run that extracted nothing records the model of the documents already extracted."""
    rows = ctx.con.execute(
        "select model, model_version from audit.runs where model is not null order by started_at desc limit 1"
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


if __name__ == "__main__":
    import json
    import runpy
    import sys

    from parallax.tempserver import temporary_server

    if len(sys.argv) > 1:  # the `parallax` command line (not imported here: cli imports this module)
        runpy.run_module("parallax.cli", run_name="__main__", alter_sys=True)
    else:
        with temporary_server():
            print(json.dumps(nightly(), indent=2, default=str))
