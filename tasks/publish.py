"""Prefect task shells for building the SQL models, validating, and publishing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import db, publish, similarity, validate
from tasks._common import TRANSIENT_ERRNOS, RunContext, transient_io_error


@task(name="build-models", cache_policy=NO_CACHE)
def build_models_task(ctx: RunContext) -> similarity.Refreshed:
    """(Re)create the marts views from sql/marts/*.sql, then recompute the source-similarity pairs of
    the stories whose documents or entities changed (`similarity.refresh`); returns what it recomputed."""
    db.apply_sql(ctx.con, ctx.settings.sql, ["marts"])
    return similarity.refresh(ctx.con, ctx.run_id, ctx.settings.sql)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(ctx: RunContext) -> validate.ValidationOutcome:
    """Run every expectation suite over what this run added; results go to audit.validation_results."""
    return validate.validate_run(ctx.con, ctx.run_id, ctx.settings)


@task(
    name="publish",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=transient_io_error,
)
def publish_task(
    work_db: Path,
    published: Path,
    failpoint: str | None = None,
    run_id: str | None = None,
    published_at: dt.datetime | None = None,
) -> Path | publish.PublishFailedError:
    """Atomically replace the analysts' file with a copy of the checkpointed working DB.

    A transient I/O error is retried; any other failure (a full disk) is returned, not raised, so
    the flow records it and ends Failed with the operator's one-paragraph message and no traceback.
    """
    try:
        return publish.publish(work_db, published, failpoint, run_id=run_id, published_at=published_at)
    except publish.PublishFailedError as exc:
        cause = exc.__cause__
        if isinstance(cause, OSError) and cause.errno in TRANSIENT_ERRNOS:
            raise cause from None  # retried by retry_condition_fn
        return exc
