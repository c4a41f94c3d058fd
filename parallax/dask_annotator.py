"""Extraction's NLP on a Dask cluster: one Prefect task per slice (`prefect_dask.DaskTaskRunner`).

Workers return `Annotations` (Arrow tables); nothing on a worker touches DuckDB. The cluster is
`settings.dask_address`, or a temporary local one (one single-threaded worker per core).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from typing import Any

import pyarrow as pa

from parallax.entities import Override
from parallax.settings import Settings
from parallax.slices import Pending, SubmittingAnnotator, slice_size, split_inputs, worker_count

log = logging.getLogger(__name__)


def _worker_api_settings() -> AbstractContextManager[Any]:
    """Settings that let Dask workers report task runs to the flow's Prefect API.

    With no `PREFECT_API_URL`, Prefect runs a temporary server inside the flow process; a worker
    not told its address would start its own (15-35 s each here). Workers on other machines
    cannot reach that local server: point PREFECT_API_URL at a real Prefect server there.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        return nullcontext()
    try:
        from prefect.server.api.server import SubprocessASGIServer
    except ImportError:  # pragma: no cover - server extras missing
        return nullcontext()
    server = SubprocessASGIServer._instances.get(None)
    if server is None or not getattr(server, "running", False):
        return nullcontext()
    return temporary_settings(updates={PREFECT_API_URL: server.api_url})


@contextmanager
def _outside_parent_task() -> Iterator[None]:
    """Submit as children of the flow run, not of the calling task.

    Prefect ships the current task run's context (its parameters included) with every task it
    submits to Dask; the `extract` task's parameters hold the flow's DuckDB connection, which
    cannot (and must not) travel to a worker.
    """
    from prefect.context import TaskRunContext

    token = TaskRunContext.__var__.set(None)  # type: ignore[arg-type]
    try:
        yield
    finally:
        TaskRunContext.__var__.reset(token)


class DaskAnnotator(SubmittingAnnotator):
    """Slices annotated by Prefect tasks on a Dask cluster (`prefect_dask.DaskTaskRunner`)."""

    name = "dask"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack: ExitStack | None = None
        self._runner: Any = None
        self.workers = 1

    def _task_runner(self) -> Any:
        if self._runner is None:
            from prefect_dask import DaskTaskRunner

            if self.settings.dask_address:
                runner = DaskTaskRunner(address=self.settings.dask_address)
            else:  # no scheduler given: a temporary local cluster, one single-threaded worker per core
                runner = DaskTaskRunner(
                    cluster_kwargs={
                        "n_workers": worker_count(self.settings),
                        "threads_per_worker": 1,
                        "processes": True,
                        "dashboard_address": None,
                    }
                )
            stack = ExitStack()
            try:
                stack.enter_context(_worker_api_settings())
                self._runner = stack.enter_context(runner)
                info = self._runner.client.scheduler_info()
                self.workers = max(
                    1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
                )
            except BaseException:
                stack.close()
                raise
            self._stack = stack
            log.info("extraction on Dask: %s (%d worker threads)", self.settings.dask_address, self.workers)
        return self._runner

    def warm(self) -> None:
        """Connect to (or start) the cluster now; workers load their model on their first slice."""
        self._task_runner()

    def submit(
        self,
        docs: pa.Table,
        sentences: pa.Table | None,
        paragraphs: pa.Table | None,
        overrides: dict[str, Override],
    ) -> Pending:
        """Submit the batch's slices as Prefect tasks on the cluster."""
        from tasks.annotate import annotate_task

        runner = self._task_runner()
        size = slice_size(docs.num_rows, self.workers, self.settings.nlp_batch_size)
        with _outside_parent_task():
            futures = [
                runner.submit(
                    annotate_task,
                    parameters={
                        "docs": d,
                        "sentences": s,
                        "paragraphs": p,
                        "settings": self.settings,
                        "overrides": overrides,
                    },
                )
                for d, s, p in split_inputs(docs, sentences, paragraphs, size)
            ]
        return Pending(futures)

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack, self._runner = None, None
