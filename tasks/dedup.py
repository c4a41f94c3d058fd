"""Prefect task shells for duplicate detection and story assignment."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax import dedup, stories
from parallax.stage import StageResult
from tasks._common import RunContext


@task(name="dedup", cache_policy=NO_CACHE)
def dedup_task(ctx: RunContext, doc_ids: list[str]) -> StageResult:
    """Link exact and near copies to a canonical document; returns the new canonical ids."""
    return dedup.deduplicate(ctx.con, ctx.run_id, doc_ids, ctx.settings)


@task(name="stories", cache_policy=NO_CACHE)
def stories_task(ctx: RunContext, doc_ids: list[str]) -> StageResult:
    """Attach new documents to existing stories or found new ones (ids stable across runs)."""
    return stories.assign_stories(ctx.con, ctx.run_id, doc_ids, ctx.settings)
