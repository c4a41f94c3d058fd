"""What every task shell shares: the run context handed from the flow to each step."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

import duckdb
from prefect import Task
from prefect.client.schemas.objects import State, TaskRun

from parallax.settings import Settings


@dataclass
class RunContext:
    """The working-database connection, run id and settings of one flow run.

    Tasks run in the flow's thread (called directly, not submitted), so the one DuckDB
    connection is never shared between threads; the flow process is the single writer.
    """

    con: duckdb.DuckDBPyConnection
    run_id: str
    settings: Settings
    nlp: Any = None


TRANSIENT_ERRNOS = {errno.EIO, errno.ESTALE, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.EINTR}


def transient_io_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect retry condition: retry only OSErrors a file system may clear by itself.

    Deterministic errors (a bug, bad data) fail at once instead of being retried for minutes.
    """
    try:
        state.result()
    except OSError as exc:
        return exc.errno in TRANSIENT_ERRNOS
    except Exception:
        return False
    return False
