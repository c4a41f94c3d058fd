"""Validation: Great Expectations suites from `expectations/`, run on pandas batches taken from DuckDB.

One suite per table or view, `expectations/<schema>.<object>.json` (GX 1.x suite JSON: `name`,
`expectations` as `type`/`kwargs`/`meta`, suite `meta`). Each expectation validates one *batch* of its
suite, named in the expectation's `meta.batch` (default `rows`):

- `rows`: the rows to check. From `expectations/batches/<suite>.sql` when that file exists (a query that
  can compute contract columns, e.g. whether `body[start_char:end_char]` equals the mention text), else
  `select * from <object>` restricted to `run_id = $run_id` when the object has a run_id column.
  Batch queries see `$run_id` (null when validating a whole published file) and the registered tables
  `validation_scope_docs(doc_id)` / `validation_scope_stories(story_id)`: the documents the run touched
  (or a bounded sample of all documents for a whole-file check), so views are checked on what the run
  changed.
- any other name `<batch>`: the rows of `expectations/batches/<suite>.<batch>.sql` (e.g. one row per
  story the run touched, to check an aggregate per story).
- `run_metrics`: one row of aggregate figures for the run (documents, duplicate rate, entities per
  document; `expectations/batches/run_metrics.sql`), checked against bounds derived from previous
  successful runs and passed to GX as suite parameters (`{"$PARAMETER": "duplicate_rate_max"}`).

GX (HTTP-free ephemeral context, pandas datasource; GX over SQLAlchemy/duckdb-engine is broken here)
validates each batch in chunks of `ROWS_PER_CHUNK` rows, so memory stays bounded as tables grow; row
expectations add up over chunks. Python-computed contract columns (`meta.derive` of a suite, e.g.
`no_exact_boilerplate`) are added per chunk. Every expectation's outcome is stored in
`audit.validation_results` (delete by run + insert, so re-validating a run replaces its rows) unless
they equal the previous run's; `audit.validation_runs` has one summary row per run pointing at them.

Severity (`meta.severity` of an expectation): `error` (the default) fails the run and blocks publishing;
`warning` is for analytic plausibility (money without a currency, figures without a measure, conflicts
per story): its outcome is stored and shown, the run goes on. `ValidationOutcome.success` counts errors
only; `warnings` lists the warnings that did not hold.

Parts: `validate_model` (suites and outcomes), `validate_gx` (the GX context, warmed in the background),
`validate_history` (bounds from previous runs); this module reads the batches and stores the results.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from parallax import db, failpoints
from parallax.settings import Settings
from parallax.validate_gx import (
    GxValidator,
    empty_batch_outcomes,
    exception_message,
    jsonable,
    resolve_params,
    severity_of,
)
from parallax.validate_history import (
    history_parameters,
    run_metrics,
)
from parallax.validate_model import (
    ROWS_PER_CHUNK,
    ExpectationOutcome,
    Suite,
    SuiteStats,
    ValidationOutcome,
    load_suites,
)

log = logging.getLogger(__name__)

# Whole-file validation (`parallax validate`) checks views on at most this many documents (a fixed
# random sample) - views are recomputed on read and some (pair similarity) grow faster than linearly.
FULL_VIEW_SAMPLE_DOCS = 5_000

# Folder (next to the published file) of the offline data-docs page rewritten after every validation.
DATA_DOCS_DIR = "data_docs"

SCOPE_DOCS = "validation_scope_docs"
SCOPE_STORIES = "validation_scope_stories"
# A suite with `share_rows` computes its rows batch once into this table, which its batches read.
SUITE_ROWS = "validation_suite_rows"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


# --- derived contract columns computed in Python, per chunk -------------------------------------


def _no_exact_boilerplate(settings: Settings) -> Callable[[pd.DataFrame], pd.Series]:
    """True when no paragraph/line of `body` equals an `exact` rule of seeds/boilerplate.csv (folded
    the way the clean stage compares lines)."""
    from parallax.boilerplate import line_key, load_rules

    keys = {r.key for r in load_rules(settings.seeds / "boilerplate.csv") if r.kind == "exact"}

    def check(df: pd.DataFrame) -> pd.Series:
        def ok(body: object) -> bool:
            if not isinstance(body, str):
                return True
            return not any(line_key(line) in keys for line in body.splitlines() if line.strip())

        return df["body"].map(ok).astype(bool)

    return check


DERIVED: dict[str, Callable[[Settings], Callable[[pd.DataFrame], pd.Series]]] = {
    "no_exact_boilerplate": _no_exact_boilerplate,
}


# --- batches ------------------------------------------------------------------------------------


def _object_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, _, obj = name.partition(".")
    rows = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, obj],
    ).fetchall()
    return bool(rows[0][0])


def _rows_query(con: duckdb.DuckDBPyConnection, suite: Suite, settings: Settings, run_id: str | None) -> str:
    custom = settings.expectations / "batches" / f"{suite.name}.sql"
    if custom.exists():
        return custom.read_text(encoding="utf-8")
    name = suite.object_name
    if not _IDENT.match(name):
        raise ValueError(f"suite {suite.name}: not a plain object name: {name!r}")
    if run_id is not None and "run_id" in db.table_columns(con, name):
        return f"select * from {name} where run_id = $run_id"
    return f"select * from {name}"


def _chunks(
    con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any], rows: int = ROWS_PER_CHUNK
) -> Iterator[pa.RecordBatch]:
    """The query's rows as record batches (at least one, possibly empty, so columns are known)."""
    reader = con.sql(query, params=params or None).to_arrow_reader(rows)
    try:
        emitted = False
        for batch in reader:
            if batch.num_rows or not emitted:
                emitted = True
                yield batch
        if not emitted:
            yield pa.RecordBatch.from_pylist([], schema=reader.schema)
    finally:
        reader.close()  # the connection's result, also when the caller stops early or fails


def _register_scope(con: duckdb.DuckDBPyConnection, run_id: str | None) -> int:
    """Register the documents (and their stories) the validated run touched."""
    if run_id is not None:
        tables = [
            "raw.documents",
            "staging.stg_documents",
            "intermediate.int_document_duplicates",
            "intermediate.int_document_stories",
            "intermediate.int_mentions",
            "intermediate.int_facts",
            "intermediate.int_attributions",
        ]
        parts = [f"select doc_id from {t} where run_id = $run_id" for t in tables if _object_exists(con, t)]
        docs = con.sql(" union ".join(parts), params={"run_id": run_id}).to_arrow_table()
    else:
        docs = con.sql(
            f"select doc_id from raw.documents using sample {FULL_VIEW_SAMPLE_DOCS} rows (reservoir, 42)"
        ).to_arrow_table()
    con.register(SCOPE_DOCS, docs)
    if _object_exists(con, "marts.dim_documents"):
        stories = con.sql(
            "select distinct story_id from marts.dim_documents "
            f"where doc_id in (select doc_id from {SCOPE_DOCS})"
        ).to_arrow_table()
    else:  # views not built: their suites report the missing object
        stories = pa.table({"story_id": pa.array([], pa.string())})
    con.register(SCOPE_STORIES, stories)
    return docs.num_rows


def _unregister_scope(con: duckdb.DuckDBPyConnection) -> None:
    for name in (SCOPE_DOCS, SCOPE_STORIES):
        with contextlib.suppress(Exception):  # never registered
            con.unregister(name)


def _merge(acc: ExpectationOutcome | None, new: ExpectationOutcome) -> ExpectationOutcome:
    if acc is None:
        return new
    acc.success = acc.success and new.success
    for attr in ("unexpected_count", "element_count"):
        a, b = getattr(acc, attr), getattr(new, attr)
        setattr(acc, attr, None if a is None and b is None else (a or 0) + (b or 0))
    if not new.success or acc.observed is None:
        acc.observed = new.observed
    return acc


def _frames(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    settings: Settings,
    run_id: str | None,
    batch_name: str,
    metrics: pd.DataFrame,
    rows_query: str,
) -> Generator[pd.DataFrame, None, None]:
    """The rows of one of `suite`'s batches, in chunks of `suite.chunk_rows` (the query streams: close
    the generator to release the connection's result)."""
    if batch_name == "run_metrics":
        yield metrics
        return
    path = settings.expectations / "batches" / f"{suite.name}.{batch_name}.sql"
    if batch_name == "rows":
        query = rows_query
    elif path.exists():
        query = path.read_text(encoding="utf-8")
    else:
        raise ValueError(f"suite {suite.name}: unknown batch {batch_name!r}")
    for batch in _chunks(con, query, db.bind_used(query, {"run_id": run_id}), suite.chunk_rows):
        yield batch.to_pandas()


def _chunk_outcomes(
    gx: GxValidator,
    suite: Suite,
    group: list[tuple[int, dict[str, Any]]],
    df: pd.DataFrame,
    params: dict[str, Any],
) -> list[ExpectationOutcome]:
    """The outcome of each expectation of `group` (index, spec) on one chunk of a batch: GX's result, or
    for an empty chunk the outcome an empty batch gets (GX has no rows to judge some expectations on)."""
    table = suite.object_name
    empty = empty_batch_outcomes(group, df, params) if len(df) == 0 else None
    outs: list[ExpectationOutcome] = []
    if empty is not None:
        for i, exp in group:
            ok, observed = empty[i]
            outs.append(
                ExpectationOutcome(
                    suite.name,
                    table,
                    i,
                    exp["type"],
                    resolve_params(exp.get("kwargs", {}), params),
                    ok,
                    observed=observed,
                    unexpected_count=0,
                    element_count=0,
                    severity=severity_of(exp),
                )
            )
        return outs
    results = gx.validate(suite.name, group, df, params)
    for i, exp in group:
        r = results[i]
        res = r.result or {}
        observed = res.get("observed_value")
        partial = res.get("partial_unexpected_list")
        if observed is None and partial:
            observed = {"partial_unexpected_list": list(partial)[:5]}
        error = exception_message(r.exception_info)
        if error is not None:
            observed = {"exception": error}
        outs.append(
            ExpectationOutcome(
                suite=suite.name,
                table_name=table,
                index=i,
                expectation_type=exp["type"],
                kwargs=resolve_params(exp.get("kwargs", {}), params),
                success=bool(r.success),
                observed=jsonable(observed),
                unexpected_count=res.get("unexpected_count"),
                element_count=res.get("element_count", len(df)),
                severity=severity_of(exp),
            )
        )
    return outs


def _run_suite(
    con: duckdb.DuckDBPyConnection,
    gx: GxValidator,
    suite: Suite,
    settings: Settings,
    run_id: str | None,
    metrics: pd.DataFrame,
    params: dict[str, Any],
) -> tuple[SuiteStats, list[ExpectationOutcome]]:
    table = suite.object_name
    exps = list(enumerate(suite.spec.get("expectations", [])))
    if not _object_exists(con, table):
        out = ExpectationOutcome(
            suite.name,
            table,
            -1,
            "expect_table_to_exist",
            {"table": table},
            False,
            observed="object does not exist",
        )
        return SuiteStats(suite.name, table, False, 0, 1, 1, [out.label]), [out]
    derived = {name: DERIVED[name](settings) for name in suite.derive}
    merged: dict[int, ExpectationOutcome] = {}
    rows = 0
    # (its object's columns are read to build it: only for suites that have a rows batch)
    rows_query = _rows_query(con, suite, settings, run_id) if "rows" in suite.batch_names() else ""
    if suite.shares_rows and rows_query:
        con.execute(
            f"create or replace temp table {SUITE_ROWS} as {rows_query}",
            db.bind_used(rows_query, {"run_id": run_id}) or None,
        )
        rows_query = f"select * from {SUITE_ROWS}"
    try:
        for batch_name in suite.batch_names():
            group = [(i, e) for i, e in exps if (e.get("meta") or {}).get("batch", "rows") == batch_name]
            # closed on any exception too: a streamed batch left open keeps the connection's result open,
            # and the failed run's rollback could not run on it
            frames = _frames(con, suite, settings, run_id, batch_name, metrics, rows_query)
            with contextlib.closing(frames):
                for df in frames:
                    failpoints.hit("validate-chunk", settings.failpoint)
                    if batch_name == "rows":
                        rows += len(df)
                        for name, fn in derived.items():
                            df[name] = fn(df) if len(df) else pd.Series([], dtype=bool)
                    for out in _chunk_outcomes(gx, suite, group, df, params):
                        merged[out.index] = _merge(merged.get(out.index), out)
    finally:
        if suite.shares_rows and rows_query:
            with contextlib.suppress(duckdb.Error):  # (a failed run's error is the one to report)
                con.execute(f"drop table if exists {SUITE_ROWS}")
    results_list = [merged[i] for i in sorted(merged)]
    failures = [r.label for r in results_list if r.blocking]
    stats = SuiteStats(suite.name, table, not failures, rows, len(results_list), len(failures), failures)
    return stats, results_list


def run_suites(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str | None,
    only: Sequence[str] | None = None,
) -> ValidationOutcome:
    """Run every suite in settings.expectations (or those named in `only`) on the run's rows, or on the
    whole file when run_id is None."""
    suites = load_suites(settings.expectations)
    if only is not None:
        unknown = set(only) - {s.name for s in suites}
        if unknown:
            raise ValueError(f"no such suite: {', '.join(sorted(unknown))}")
        suites = [s for s in suites if s.name in set(only)]
    gx = GxValidator()
    scope = _register_scope(con, run_id)
    try:
        current, history = run_metrics(con, settings, run_id)
        params = history_parameters(current, history)
        params["min_body_chars"] = settings.min_body_chars
        params["scope_documents"] = scope
        stats: list[SuiteStats] = []
        results: list[ExpectationOutcome] = []
        for suite in suites:
            s, r = _run_suite(con, gx, suite, settings, run_id, current, params)
            stats.append(s)
            results.extend(r)
            log.info(
                "suite %s: %d rows, %d/%d expectations held",
                s.suite,
                s.rows,
                s.expectations - s.failed,
                s.expectations,
            )
    finally:
        _unregister_scope(con)
    suited = {s.object_name for s in suites}
    objects = [
        r[0]
        for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'intermediate', 'marts', 'audit') order by 1"
        ).fetchall()
    ]
    unsuited = [o for o in objects if o not in suited] if only is None else []
    if unsuited:
        log.warning("objects without an expectation suite: %s", ", ".join(unsuited))
    success = not any(r.blocking for r in results)
    return ValidationOutcome(run_id, success, stats, results, params, unsuited)


# What makes two runs' outcomes "the same" (everything but the run and the time).
_OUTCOME_COLS = (
    "suite", "table_name", "expectation_index", "expectation_type", "kwargs", "success", "observed",
    "unexpected_count", "element_count",
)  # fmt: skip


def _previous_results_run(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The run whose stored rows hold the latest other validated run's outcomes."""
    row = con.execute(
        "select results_run_id from audit.validation_runs where run_id <> ? "
        "order by validated_at desc, run_id desc limit 1",
        [run_id],
    ).fetchone()
    if row is None:  # results stored before audit.validation_runs existed
        row = con.execute(
            "select max(run_id) from audit.validation_results where run_id <> ?", [run_id]
        ).fetchone()
    return str(row[0]) if row and row[0] is not None else None


def store_results(con: duckdb.DuckDBPyConnection, run_id: str, outcome: ValidationOutcome) -> int:
    """Record the run's outcomes; returns the audit.validation_results rows written.

    One audit.validation_runs row per run (replaced when a run is validated again). The
    expectation rows go to audit.validation_results only when they differ from the previous
    validated run's: a night with nothing new (same outcomes) points at that run's rows instead of
    adding ~300 identical ones.
    """
    now = datetime.now(UTC)
    data = pa.table(
        {
            "run_id": [run_id] * len(outcome.results),
            "suite": [r.suite for r in outcome.results],
            "table_name": [r.table_name for r in outcome.results],
            "expectation_index": pa.array([r.index for r in outcome.results], pa.int32()),
            "expectation_type": [r.expectation_type for r in outcome.results],
            "kwargs": [json.dumps(jsonable(r.kwargs), sort_keys=True) for r in outcome.results],
            "success": pa.array([r.success for r in outcome.results], pa.bool_()),
            "observed": [
                None if r.observed is None else json.dumps(r.observed, sort_keys=True)
                for r in outcome.results
            ],
            "unexpected_count": pa.array([r.unexpected_count for r in outcome.results], pa.int64()),
            "element_count": pa.array([r.element_count for r in outcome.results], pa.int64()),
            "severity": [r.severity for r in outcome.results],
            "validated_at": pa.array([now] * len(outcome.results), pa.timestamp("us", tz="UTC")),
        }
    )
    con.execute("delete from audit.validation_results where run_id = ?", [run_id])
    con.execute("delete from audit.validation_runs where run_id = ?", [run_id])
    cols = ", ".join(_OUTCOME_COLS)
    new_rows = sorted(data.select(list(_OUTCOME_COLS)).to_pylist(), key=_outcome_key)
    previous = _previous_results_run(con, run_id)
    same = False
    if previous is not None:
        rel = con.execute(f"select {cols} from audit.validation_results where run_id = ?", [previous])
        old_rows = [dict(zip(_OUTCOME_COLS, r, strict=True)) for r in rel.fetchall()]
        same = sorted(old_rows, key=_outcome_key) == new_rows
    written = 0 if same else db.insert_arrow(con, "audit.validation_results", data)
    failed = sum(not r.success for r in outcome.results)
    con.execute(
        "insert into audit.validation_runs values (?, ?, ?, ?, ?, ?)",
        [run_id, now, outcome.success, len(outcome.results), failed, previous if same else run_id],
    )
    return written


def _outcome_key(row: dict[str, Any]) -> tuple[str, int]:
    return (str(row["suite"]), int(row["expectation_index"]))


def validate_run(con: duckdb.DuckDBPyConnection, run_id: str, settings: Settings) -> ValidationOutcome:
    """Run every suite on what run `run_id` added, store the results; `success` False fails the run.

    Call it after the marts views are built and `parallax.history.snapshot_run` ran, before publishing.
    Also rewrites the offline data-docs page (`data_docs_path(settings)`) from the stored results.
    """
    outcome = run_suites(con, settings, run_id)
    store_results(con, run_id, outcome)
    log.info(outcome.summary())
    try:
        from parallax.datadocs import render_data_docs

        render_data_docs(con, data_docs_path(settings))
    except OSError as exc:  # the page is a convenience; never fail a run for it
        log.warning("data docs not written: %s", exc)
    return outcome


def data_docs_path(settings: Settings) -> Path:
    """Where validate_run writes the data-docs page: `<published db folder>/data_docs/index.html`."""
    return settings.db.parent / DATA_DOCS_DIR / "index.html"


def validate_published(
    db_path: Path | str, settings: Settings, only: Sequence[str] | None = None
) -> ValidationOutcome:
    """Run every suite (or those named in `only`) on a whole published file, read-only (nothing stored)."""
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"database not found: {path}")
    con = db.connect(path, read_only=True)
    try:
        return run_suites(con, settings, None, only)
    finally:
        con.close()
