"""Prefect task shell for entity, fact and attribution extraction with spaCy."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import extract
from parallax.stage import StageResult
from tasks._common import RunContext


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(ctx: RunContext, doc_ids: list[str]) -> StageResult:
    """Run spaCy over a batch of canonical documents (nlp.pipe in batches) and resolve entities."""
    return extract.extract_documents(ctx.con, ctx.run_id, doc_ids, ctx.settings, ctx.nlp)
