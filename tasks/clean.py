"""Prefect task shell for cleaning a batch of documents."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import clean
from parallax.stage import StageResult
from tasks._common import RunContext


@task(name="clean", cache_policy=NO_CACHE)
def clean_task(ctx: RunContext, doc_ids: list[str]) -> StageResult:
    """Normalize text, strip boilerplate, split title/body, paragraphs and sentences."""
    return clean.clean_documents(ctx.con, ctx.run_id, doc_ids, ctx.settings)
