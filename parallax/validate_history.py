"""Bounds from history for `parallax.validate`: the run's aggregate figures (`run_metrics` batch) and
the suite parameters derived from previous successful runs (`{"$PARAMETER": ...}` in suites)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from parallax import db
from parallax.settings import Settings

# Bounds from history: previous successful runs considered, and how many are needed before
# the history replaces the defaults.
HISTORY_RUNS = 20
HISTORY_MIN_RUNS = 3
# Entities per canonical document (>= 50 words): checked once a run extracted this many documents;
# defaults until history exists; with history: [LOW x min, HIGH x max] of previous runs.
ENTITY_MIN_DOCS = 5
ENTITIES_PER_DOC_DEFAULT = (1.0, 250.0)
ENTITIES_PER_DOC_HISTORY_FACTORS = (0.25, 4.0)
# Duplicate rate (copies / documents deduplicated): checked once a run deduplicated this many
# documents; default upper bound, and with history max(0.5, 2 x highest previous rate), capped at 1.
DUPLICATE_MIN_DOCS = 20
DUPLICATE_RATE_MAX_DEFAULT = 0.9


def run_metrics(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(metrics of the validated run, metrics of up to HISTORY_RUNS previous successful runs).

    For a whole-file check (run_id None) the validated run is the latest successful one.
    """
    query = (settings.expectations / "batches" / "run_metrics.sql").read_text(encoding="utf-8")
    frame = con.sql(query, params=db.bind_used(query, {"run_id": run_id, "history_runs": HISTORY_RUNS})).df()
    if run_id is None:
        if frame.empty:
            return frame, frame
        run_id = str(frame.sort_values("started_at", na_position="first").iloc[-1]["run_id"])
    current = frame[frame["run_id"] == run_id].reset_index(drop=True)
    history = frame[frame["run_id"] != run_id].reset_index(drop=True)
    if current.empty:
        current = pd.DataFrame([{c: None for c in frame.columns} | {"run_id": run_id}]).astype(frame.dtypes)
    return current, history


def history_parameters(current: pd.DataFrame, history: pd.DataFrame) -> dict[str, Any]:
    """Suite parameters: bounds for the run's aggregate figures, derived from previous runs."""
    params: dict[str, Any] = {}
    extracted = int(current["extracted_documents"].fillna(0).iloc[0]) if len(current) else 0
    hist_e = history[history["extracted_documents"].fillna(0) >= ENTITY_MIN_DOCS]["entities_per_document"]
    if extracted < ENTITY_MIN_DOCS:
        params["entities_per_doc_min"], params["entities_per_doc_max"] = 0.0, None
        params["entities_per_doc_basis"] = (
            f"run extracted {extracted} < {ENTITY_MIN_DOCS} documents: unbounded"
        )
    elif len(hist_e) >= HISTORY_MIN_RUNS:
        lo, hi = ENTITIES_PER_DOC_HISTORY_FACTORS
        params["entities_per_doc_min"] = round(lo * float(hist_e.min()), 4)
        params["entities_per_doc_max"] = round(hi * float(hist_e.max()), 4)
        params["entities_per_doc_basis"] = f"{len(hist_e)} previous runs: [{lo} x min, {hi} x max]"
    else:
        params["entities_per_doc_min"], params["entities_per_doc_max"] = ENTITIES_PER_DOC_DEFAULT
        params["entities_per_doc_basis"] = "default (not enough history)"
    documents = int(current["documents"].fillna(0).iloc[0]) if len(current) else 0
    hist_d = history[history["documents"].fillna(0) >= DUPLICATE_MIN_DOCS]["duplicate_rate"]
    if documents < DUPLICATE_MIN_DOCS:
        params["duplicate_rate_max"] = 1.0
        params["duplicate_rate_basis"] = f"run deduplicated {documents} < {DUPLICATE_MIN_DOCS} documents"
    elif len(hist_d) >= HISTORY_MIN_RUNS:
        params["duplicate_rate_max"] = round(min(1.0, max(0.5, 2.0 * float(hist_d.max()))), 4)
        params["duplicate_rate_basis"] = f"{len(hist_d)} previous runs: max(0.5, 2 x max)"
    else:
        params["duplicate_rate_max"] = DUPLICATE_RATE_MAX_DEFAULT
        params["duplicate_rate_basis"] = "default (not enough history)"
    return params
