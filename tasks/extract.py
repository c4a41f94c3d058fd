"""Prefect task shells for entity, fact and attribution extraction with spaCy."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import copies, runner
from parallax.stage import StageResult
from tasks._common import RunContext


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(ctx: RunContext, doc_ids: list[str]) -> StageResult:
    """Annotate a batch of canonical documents with spaCy (in-process, on local worker processes or
    on Dask, as `settings.runner` / `n_process` say), then resolve entities and write, here."""
    return runner.extract_documents(ctx.con, ctx.run_id, doc_ids, ctx.settings, ctx.nlp)


@task(name="extract-start", cache_policy=NO_CACHE)
def extract_start_task(ctx: RunContext, doc_ids: list[str]) -> runner.PendingExtraction:
    """Read a batch of canonical documents and hand it to the run's annotator without waiting
    (the flow prepares the next batch while workers annotate this one)."""
    return runner.start_extraction(ctx.con, ctx.run_id, doc_ids, ctx.settings, ctx.nlp)


@task(name="extract-finish", cache_policy=NO_CACHE)
def extract_finish_task(ctx: RunContext, job: runner.PendingExtraction) -> StageResult:
    """Wait for a started batch's annotations, then resolve entities and write, here."""
    return runner.finish_extraction(ctx.con, ctx.run_id, job, ctx.settings)


@task(name="copies", cache_policy=NO_CACHE)
def copies_task(ctx: RunContext, doc_ids: list[str], extracted: list[str]) -> StageResult:
    """Map their canonical documents' mentions onto the new copies among `doc_ids` (no model run);
    copies of the `extracted` canonicals were mapped when those were written."""
    return copies.project_copies(ctx.con, ctx.run_id, doc_ids, done_canonicals=extracted)
