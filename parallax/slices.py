"""Cutting an extraction batch into slices for workers and merging their results (pure helpers).

`parallax.runner` (local pool, in-process) and `parallax.dask_annotator` (Dask) hand a batch's
slices to workers; a slice is a few nlp batches of documents with their own sentence and paragraph
rows, and results are concatenated in slice order, which is the order one `annotate` call gives.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from parallax import extract
from parallax.entities import Override
from parallax.settings import Settings

# Slices handed to one worker call hold between 1x and 8x `nlp_batch_size` documents, and a
# batch is cut into at least this many slices per worker so a slow slice does not leave the
# other workers idle (cost: ~10 ms per slice locally, ~0.1-0.5 s per Prefect task on Dask).
SLICES_PER_WORKER = 4


MAX_SLICE_BATCHES = 8


Part = tuple[pa.Table, pa.Table | None, pa.Table | None]


class Pending:
    """A batch's annotation under way: `result()` waits for it (slice futures, or a done value)."""

    def __init__(self, futures: Sequence[Any] = (), value: extract.Annotations | None = None) -> None:
        self._futures = list(futures)
        self._value = value

    def result(self) -> extract.Annotations:
        if self._value is None:
            self._value = merge_annotations([f.result() for f in self._futures])
            self._futures = []
        return self._value


def worker_count(settings: Settings) -> int:
    """Worker processes for NLP: `settings.n_process`, or every core when it is 0 or negative."""
    n = settings.n_process
    return max(1, os.cpu_count() or 1) if n <= 0 else n


def slice_size(n_docs: int, workers: int, batch_size: int) -> int:
    """Documents per slice: about `SLICES_PER_WORKER` slices per worker, within [1, 8] nlp batches."""
    if n_docs <= 0:
        return max(1, batch_size)
    target = math.ceil(n_docs / max(1, workers * SLICES_PER_WORKER))
    return max(1, min(max(target, batch_size), batch_size * MAX_SLICE_BATCHES))


def _rows_of(table: pa.Table | None, ids: pa.Array) -> pa.Table | None:
    if table is None:
        return None
    return table.filter(pc.is_in(table.column("doc_id"), value_set=ids))


def split_inputs(
    docs: pa.Table, sentences: pa.Table | None, paragraphs: pa.Table | None, size: int
) -> list[Part]:
    """Cut a batch into slices of `size` documents, each with its own sentence and paragraph rows."""
    parts: list[Part] = []
    for start in range(0, docs.num_rows, max(1, size)):
        part = docs.slice(start, size)
        ids = part.column("doc_id").combine_chunks()
        parts.append((part, _rows_of(sentences, ids), _rows_of(paragraphs, ids)))
    return parts


def merge_annotations(parts: Sequence[extract.Annotations]) -> extract.Annotations:
    """Concatenate slice results in slice order (= the order one `annotate` call would give)."""
    if not parts:
        return extract.Annotations(
            mentions=extract.MENTION_SCHEMA.empty_table(),
            facts=extract.FACT_SCHEMA.empty_table(),
            attributions=extract.ATTRIBUTION_SCHEMA.empty_table(),
        )
    return extract.Annotations(
        mentions=pa.concat_tables([p.mentions for p in parts]),
        facts=pa.concat_tables([p.facts for p in parts]),
        attributions=pa.concat_tables([p.attributions for p in parts]),
        skipped_spans=sum(p.skipped_spans for p in parts),
    )


class SubmittingAnnotator:
    """Base of the annotators that queue slices on workers: `annotate` waits for `submit`."""

    def submit(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> Pending:
        raise NotImplementedError

    def annotate(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> extract.Annotations:
        return self.submit(docs, sentences, paragraphs, overrides).result()
