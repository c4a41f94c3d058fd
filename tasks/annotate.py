"""Prefect task shell that annotates one slice on a Dask worker (submitted by `parallax.runner`).

Kept apart from `tasks.extract` so the runner, which submits it, and the `extract` task, which
calls the runner, do not import each other.
"""

from __future__ import annotations

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from parallax.entities import Override
from parallax.schemas import Annotations
from parallax.settings import Settings
from parallax.worker import annotate_part


@task(name="annotate", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def annotate_task(
    docs: pa.Table,
    sentences: pa.Table | None,
    paragraphs: pa.Table | None,
    settings: Settings,
    overrides: dict[str, Override],
) -> Annotations:
    """Runs on a Dask worker: spaCy + post-processing over one slice, Arrow in and Arrow out.

    The worker loads the model once (on its first slice) and never touches the database.
    Retried once: a slice is pure, so running it again gives the same rows.
    """
    return annotate_part(docs, sentences, paragraphs, settings, overrides)
