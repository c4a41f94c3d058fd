"""Where extraction's NLP runs: in the flow process, a local process pool, or a Dask cluster.

Extraction is split in three: `parallax.extract_store.read_inputs` (DuckDB -> Arrow, flow
process), `parallax.extract.annotate` (pure, Arrow in -> Arrow out; the expensive spaCy part) and
`parallax.extract_store.write_annotations` (entity resolution against the archive + writes; flow
process, the single DuckDB writer). Only `annotate` moves. An `Annotator` runs it:

- `InProcessAnnotator`: in the flow process (one core; the default when `n_process == 1`).
- `PoolAnnotator`: `n_process` local worker processes, each running the *whole* of `annotate`
  (spaCy and the Python post-processing) on slices of the batch. spaCy's own
  `nlp.pipe(n_process=...)` parallelizes only the model; the post-processing (entities, facts,
  attributions) then runs serially in the flow process and measured no faster than one process.
- `DaskAnnotator` (`parallax.dask_annotator`): submits one Prefect task per slice through
  `prefect_dask.DaskTaskRunner` to the cluster at `settings.dask_address` (a temporary local
  cluster when unset). Workers return `Annotations` (Arrow tables); nothing on a worker touches DuckDB.

Workers load the spaCy model lazily, once per worker process (`parallax.worker.worker_nlp`). Slices are
annotated independently and concatenated in document order, so every annotator gives the same
rows as one `annotate` call over the whole batch.

The flow opens one annotator per run with `annotation_session(run_id, settings)` (pools and
cluster connections are started on first use, so a run with nothing new starts nothing), and
`extract_documents` uses it.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from parallax import extract
from parallax.entities import Override, load_overrides
from parallax.extract_store import read_inputs, store_annotations, with_batch_names
from parallax.language import keep_model_languages
from parallax.settings import Settings
from parallax.slices import Pending, SubmittingAnnotator, slice_size, split_inputs, worker_count
from parallax.stage import StageResult
from parallax.worker import annotate_part, warm_worker, worker_nlp
from parallax.worker import load_pipeline as load_pipeline  # re-exported: benches and tests load models here
from parallax.worker import nlp_components as nlp_components

log = logging.getLogger(__name__)


# Cumulative wall seconds of extraction's three parts in this process (read inputs from DuckDB,
# annotate wherever it runs, resolve + write on the flow process); benches read and reset it.
PART_SECONDS: dict[str, float] = {"read": 0.0, "annotate": 0.0, "write": 0.0}


# --------------------------------------------------------------------------------------------
# pure helpers: slicing a batch, merging results
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# the model: loaded by `parallax.worker`, once per process
# --------------------------------------------------------------------------------------------
def pipeline_identity(settings: Settings) -> tuple[str, str]:
    """(name, version) of the pipeline `load_model` would load, from its package's meta.json.

    Same format as `parallax.nlp.model_identity`, without loading the weights: when workers run
    the NLP, the flow process needs the model's name for audit.runs, not the model.
    """
    import json

    import spacy.util

    for name in (settings.spacy_model, settings.spacy_fallback_model):
        try:
            meta_path = spacy.util.get_package_path(name) / "meta.json"
        except (ImportError, OSError):  # not installed under that name
            continue
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return f"{meta.get('lang', 'en')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))
    nlp = worker_nlp(settings)  # unusual install (no meta.json): load it to ask
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))


def annotates_in_flow(settings: Settings) -> bool:
    """True when the flow process itself runs spaCy (local runner with one process)."""
    return settings.runner == "local" and worker_count(settings) == 1


# --------------------------------------------------------------------------------------------
# annotators
# --------------------------------------------------------------------------------------------
class Annotator(Protocol):
    """Runs `extract.annotate` over a batch somewhere and returns its Arrow results."""

    name: str

    def annotate(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> extract.Annotations: ...

    def submit(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> Pending: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


class InProcessAnnotator:
    """`annotate` in the flow process with the flow's model (loaded lazily when not given)."""

    name = "local"

    def __init__(self, settings: Settings, nlp: Any = None) -> None:
        self.settings = settings.model_copy(update={"n_process": 1})
        self.nlp = nlp

    def annotate(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> extract.Annotations:
        if self.nlp is None:
            self.nlp = worker_nlp(self.settings)
        return extract.annotate(docs, self.nlp, self.settings, sentences, paragraphs, overrides=overrides)

    def submit(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> Pending:
        """Annotate now (one process: nothing to overlap with)."""
        return Pending(value=self.annotate(docs, sentences, paragraphs, overrides))

    def warm(self) -> None:
        """Nothing to start ahead: the flow's model is loaded on first use."""

    def close(self) -> None:
        self.nlp = None


class PoolAnnotator(SubmittingAnnotator):
    """Slices annotated by `workers` local processes (spawned, not forked: the flow process runs
    threads and holds a DuckDB connection, which a fork would copy in an unknown state).

    A first batch smaller than one nlp batch per worker is annotated in the flow process instead
    (same rows; the pool would cost more to start than the batch takes).
    """

    name = "pool"

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def warm(self) -> None:
        """Start the workers and load their models now (while the flow cleans and dedups)."""
        pool = self._executor()
        for _ in range(self.workers):
            pool.submit(warm_worker, self.settings)

    def submit(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> Pending:
        """Queue the batch's slices on the workers; the flow goes on while they run."""
        if self._pool is None and docs.num_rows < self.workers * self.settings.nlp_batch_size:
            # a small first batch (e.g. a nightly run with a few new files): starting the workers
            # (each imports spaCy and loads the model) costs more than annotating it here
            return Pending(value=annotate_part(docs, sentences, paragraphs, self.settings, overrides))
        size = slice_size(docs.num_rows, self.workers, self.settings.nlp_batch_size)
        pool = self._executor()
        return Pending(
            [
                pool.submit(annotate_part, d, s, p, self.settings, overrides)
                for d, s, p in split_inputs(docs, sentences, paragraphs, size)
            ]
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def open_annotator(settings: Settings, nlp: Any = None) -> Annotator:
    """The annotator `settings` ask for: Dask when `runner == 'dask'`, else a pool or in-process."""
    if settings.runner == "dask":
        from parallax.dask_annotator import DaskAnnotator

        return DaskAnnotator(settings)
    if settings.runner != "local":
        raise ValueError(f"runner must be 'local' or 'dask', got {settings.runner!r}")
    workers = worker_count(settings)
    return PoolAnnotator(settings, workers) if workers > 1 else InProcessAnnotator(settings, nlp)


# --------------------------------------------------------------------------------------------
# one annotator per flow run
# --------------------------------------------------------------------------------------------
_SESSIONS: dict[str, Annotator] = {}


@contextmanager
def annotation_session(run_id: str, settings: Settings, nlp: Any = None) -> Iterator[Annotator]:
    """Open the run's annotator for the duration of the block (pools/clusters start on first use)."""
    annotator = open_annotator(settings, nlp)
    _SESSIONS[run_id] = annotator
    try:
        yield annotator
    finally:
        _SESSIONS.pop(run_id, None)
        annotator.close()


def session_annotator(run_id: str) -> Annotator | None:
    """The annotator opened for `run_id`, if any."""
    return _SESSIONS.get(run_id)


def warm_session(run_id: str, new_documents: int, settings: Settings) -> None:
    """Start the run's workers ahead of the first extraction when `new_documents` is enough to
    need them (at least one nlp batch per worker): they load their model while the flow cleans."""
    annotator = _SESSIONS.get(run_id)
    if annotator is None or isinstance(annotator, InProcessAnnotator):
        return
    if new_documents >= worker_count(settings) * settings.nlp_batch_size:
        annotator.warm()


class PendingExtraction:
    """One batch's extraction between `start_extraction` and `finish_extraction`."""

    def __init__(
        self,
        result: StageResult,
        present: list[str] | None = None,
        inputs: tuple[pa.Table, pa.Table] | None = None,
        overrides: dict[str, Override] | None = None,
        pending: Pending | None = None,
    ) -> None:
        self.result, self.present, self.inputs = result, present or [], inputs
        self.overrides, self.pending = overrides or {}, pending


def start_extraction(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    doc_ids: list[str],
    settings: Settings,
    nlp: Any = None,
    annotator: Annotator | None = None,
) -> PendingExtraction:
    """Read the batch's inputs and hand them to the run's annotator; returns without waiting for
    workers (pool, Dask), so the flow can clean and dedup the next batch meanwhile.

    Documents in a language the model does not read (`settings.model_languages`) are skipped.
    Without an annotator (none given, no session open for `run_id`) it annotates in-process with `nlp`.
    """
    result = StageResult(doc_ids=list(doc_ids))
    doc_ids = keep_model_languages(con, doc_ids, settings, result)
    if not doc_ids:
        return PendingExtraction(result)
    annotator = annotator or session_annotator(run_id) or InProcessAnnotator(settings, nlp)
    if isinstance(annotator, InProcessAnnotator) and annotator.nlp is None:
        annotator.nlp = nlp  # the flow's model: never two copies in the flow process
    t0 = time.perf_counter()
    docs, sents, paras = read_inputs(con, doc_ids)
    present = docs.column("doc_id").to_pylist()
    overrides = load_overrides(settings.seeds / extract.ALIASES_FILE)
    t1 = time.perf_counter()
    pending = annotator.submit(docs, sents, paras, overrides)
    PART_SECONDS["read"] += t1 - t0
    PART_SECONDS["annotate"] += time.perf_counter() - t1
    return PendingExtraction(result, present, (docs, sents), overrides, pending)


def finish_extraction(
    con: duckdb.DuckDBPyConnection, run_id: str, job: PendingExtraction, settings: Settings
) -> StageResult:
    """Wait for the batch's annotations, then resolve entities and write them (flow process, the
    single DuckDB writer). Batches must be finished in the order they were started."""
    if job.pending is None or job.inputs is None:
        return job.result
    t1 = time.perf_counter()
    docs, sents = job.inputs
    ann = with_batch_names(job.pending.result(), docs, sents, settings)
    t2 = time.perf_counter()
    store_annotations(
        con, run_id, job.present, ann, job.overrides, job.result, min_score=settings.entity_link_min_evidence
    )
    PART_SECONDS["annotate"] += t2 - t1
    PART_SECONDS["write"] += time.perf_counter() - t2
    return job.result


def extract_documents(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    doc_ids: list[str],
    settings: Settings,
    nlp: Any = None,
    annotator: Annotator | None = None,
) -> StageResult:
    """`parallax.extract_store.extract_documents` with `annotate` run by the run's annotator:
    `start_extraction` then `finish_extraction` at once."""
    job = start_extraction(con, run_id, doc_ids, settings, nlp, annotator)
    return finish_extraction(con, run_id, job, settings)
