"""What every task shell shares: the run context handed from the flow to each step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

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
