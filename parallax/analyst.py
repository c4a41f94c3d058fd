"""Analyst commands on the published file: `query`, `stories`, `report`, `validate`.

Every command opens the file read-only (a running nightly flow is never blocked: it replaces the file
atomically) and reports a user mistake - a missing file, bad SQL, an unknown story - as one line on
stderr with a non-zero exit, never a traceback. `register(app)` adds the commands to the `parallax` app.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Published DuckDB file (default: Settings().db).", show_default=False),
]


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _db_path(db: Path | None) -> Path:
    if db is not None:
        return db.expanduser()
    from parallax.settings import get_settings

    return get_settings().db


def open_published(db: Path | None) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only, with file system access from SQL disabled (no COPY TO,
    no reading or writing other files): the analyst commands only read the database."""
    from parallax import db as dbmod

    path = _db_path(db)
    if not path.is_file():
        raise _fail(f"database not found: {path}")
    try:
        con = dbmod.connect(path, read_only=True)
    except duckdb.Error as exc:
        raise _fail(f"cannot open {path}: {_first_line(exc)}") from None
    con.execute("set enable_external_access = false")
    return con


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _run(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> tuple[list[str], list]:
    if not sql.strip():
        raise _fail("empty SQL")
    try:
        result = con.execute(sql, list(params) if params else [])
        if result is None or result.description is None:
            return [], []
        names = [d[0] for d in result.description]
        return names, result.fetchall()
    except duckdb.Error as exc:
        raise _fail(_first_line(exc)) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value Python cannot represent
        raise _fail(f"cannot read the result: {_first_line(exc)}") from None


def _plain(value: Any) -> Any:
    """JSON-safe value (dates as ISO text, decimals as numbers, lists and structs kept)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    plain = _plain(value)
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False)
    if isinstance(plain, float):
        return f"{plain:.6g}"
    return str(plain)


def emit(names: list[str], rows: list, fmt: OutputFormat, title: str | None = None) -> None:
    """Print rows to stdout as a table, CSV or JSON (a list of objects)."""
    if fmt is OutputFormat.json:
        records = [{n: _plain(v) for n, v in zip(names, r, strict=True)} for r in rows]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([_cell(v) for v in r] for r in rows)
    else:
        table = Table(title=title, show_lines=False)
        for n in names:
            table.add_column(n, overflow="fold")
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        out = Console()
        # a pipe or file gets a wide table instead of 80 columns of wrapped cells
        (out if out.is_terminal else Console(width=200)).print(table)
        err.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", highlight=False)


def query(
    sql: Annotated[
        str, typer.Argument(help='SQL to run (read-only), e.g. "select * from marts.dim_stories".')
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")
    ] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Run one read-only SQL query on the published file."""
    con = open_published(db)
    try:
        names, rows = _run(con, sql)
    finally:
        con.close()
    if not names:
        err.print("ok (no rows returned)", highlight=False)
        return
    emit(names, rows, fmt)


STORIES_SQL = """
select
    s.story_id,
    s.title,
    s.canonical_doc_count as documents,
    s.source_count as sources,
    s.entity_count as entities,
    coalesce(d.consensus, 0) as consensus_entities,
    coalesce(d.unique_entities, 0) as unique_entities,
    coalesce(f.conflicts, 0) as fact_conflicts,
    coalesce(f.agreements, 0) as fact_agreements,
    coalesce(a.conflicts, 0) as attribution_conflicts,
    s.first_seen_at
from marts.dim_stories as s
left join (
    select
        story_id,
        count(*) filter (where coverage = 'consensus') as consensus,
        count(*) filter (where coverage = 'unique') as unique_entities
    from marts.rpt_entity_divergence
    group by story_id
) as d on d.story_id = s.story_id
left join (
    -- measures the sources disagree on (values that cannot all be true), and measures two sources
    -- or more give alike; background figures and updates of a running toll are neither
    select
        story_id,
        count(distinct measure) filter (where is_conflict) as conflicts,
        count(distinct measure) filter (where sources_reporting_measure > 1)
        - count(distinct measure) filter (where is_conflict or is_update) as agreements
    from marts.rpt_fact_comparison group by story_id
) as f on f.story_id = s.story_id
left join (
    select story_id, count(*) filter (where is_conflict) as conflicts
    from marts.rpt_attribution_comparison group by story_id
) as a on a.story_id = s.story_id
order by s.source_count desc, s.canonical_doc_count desc, s.last_seen_at desc, s.story_id
limit ?
"""


def stories(
    db: DbOption = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")
    ] = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many stories.")] = 100,
) -> None:
    """List stories with their counts (most sources first)."""
    con = open_published(db)
    try:
        names, rows = _run(con, STORIES_SQL, [limit])
    finally:
        con.close()
    emit(names, rows, fmt, title="stories")


def report(
    story_id: Annotated[str, typer.Argument(help="Story id (see `parallax stories`).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write.")] = None,
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML page comparing the sources of a story."""
    from parallax.report import UnknownStoryError, write_report

    con = open_published(db)
    target = (out or Path(f"parallax-report-{_safe_name(story_id)}.html")).expanduser()
    try:
        path = write_report(con, story_id, target)
    except UnknownStoryError as exc:
        raise _fail(str(exc)) from None
    except duckdb.Error as exc:
        raise _fail(_first_line(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        con.close()
    typer.echo(str(path))


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:80] or "story"


def validate(
    db: DbOption = None,
    docs: Annotated[
        Path | None, typer.Option("--docs", help="Also write the data-docs page of stored run results here.")
    ] = None,
    suite: Annotated[
        list[str] | None,
        typer.Option("--suite", help="Only this suite (repeatable), e.g. marts.dim_stories."),
    ] = None,
) -> None:
    """Run every expectation suite on the published file (read-only); non-zero exit on failure."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from parallax.settings import get_settings
    from parallax.validate import validate_published

    path = _db_path(db)
    if not path.is_file():
        raise _fail(f"database not found: {path}")
    try:
        outcome = validate_published(path, get_settings(), suite or None)
    except duckdb.Error as exc:
        raise _fail(f"cannot validate {path}: {_first_line(exc)}") from None
    except ValueError as exc:  # unknown suite name
        raise _fail(str(exc)) from None
    table = Table(title=f"validation of {path}")
    for col in ("suite", "rows", "expectations", "failed"):
        table.add_column(col)
    for s in outcome.suites:
        table.add_row(
            s.suite, str(s.rows), str(s.expectations), str(s.failed), style=None if s.success else "red"
        )
    Console(width=max(100, Console().width)).print(table)
    for failure in outcome.failures:
        typer.echo(f"FAILED {failure}")
    if docs is not None:
        from parallax.datadocs import render_data_docs

        con = open_published(path)
        try:
            typer.echo(f"data docs: {render_data_docs(con, docs)}")
        finally:
            con.close()
    typer.echo(outcome.summary())
    if not outcome.success:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the analyst commands to the `parallax` typer app."""
    app.command("query")(query)
    app.command("stories")(stories)
    app.command("report")(report)
    app.command("validate")(validate)
