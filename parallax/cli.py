"""`parallax` command line. User mistakes end with one clear line and a non-zero exit."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    name="parallax",
    help="Compare how news outlets cover the same story: run the pipeline, query the published file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

# No network here: Prefect and GX must not phone home; Prefect's temporary server is slow to start.
_QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


#: Exit status of a run that passed validation but could not replace the published file.
EXIT_NOT_PUBLISHED = 3


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def default_db() -> Path:
    from parallax.settings import get_settings

    return get_settings().db


DbOption = Annotated[Path | None, typer.Option("--db", help="Published DuckDB file.", show_default=False)]


@app.command()
def run(
    input: Annotated[Path | None, typer.Option("--input", "-i", help="Folder of raw articles.")] = None,
    db: DbOption = None,
    run_date: Annotated[str | None, typer.Option("--run-date", help="Logical date YYYY-MM-DD.")] = None,
    runner: Annotated[str | None, typer.Option("--runner", help="local or dask.")] = None,
    dask_address: Annotated[str | None, typer.Option("--dask-address", help="tcp://host:port")] = None,
    wait: Annotated[
        float | None, typer.Option("--wait", help="Seconds to wait for a running writer.")
    ] = None,
) -> None:
    """Run the nightly flow once: ingest, clean, dedup, extract, validate, publish."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    from parallax.settings import get_settings

    settings = get_settings()
    input_dir = (input or settings.input).expanduser()
    if not input_dir.is_dir():
        raise fail(f"input folder not found: {input_dir}")
    if run_date:
        try:
            dt.date.fromisoformat(run_date)
        except ValueError:
            raise fail(f"--run-date must be YYYY-MM-DD, got {run_date!r}") from None
    overrides: dict[str, Any] = {}
    if runner:
        if runner not in ("local", "dask"):
            raise fail(f"--runner must be local or dask, got {runner!r}")
        overrides["PARALLAX_RUNNER"] = runner
    if dask_address:
        overrides["PARALLAX_DASK_ADDRESS"] = dask_address
    if wait is not None:
        overrides["PARALLAX_LOCK_WAIT_SECONDS"] = str(wait)
    if overrides:
        os.environ.update(overrides)
        get_settings.cache_clear()

    from parallax.tempserver import early_server

    # Prefect's temporary server starts in its own process (before Prefect is imported here) while this
    # one imports the pipeline and Great Expectations (both needed by every run, a night with nothing
    # new included: it validates the run's metrics): their start-up costs overlap.
    with early_server() as server:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from flows.nightly import (
            PublishFailedError,
            RunTimeoutError,
            ValidationFailedError,
            nightly,
            progress_callback,
        )
        from parallax.lock import WriterBusyError
        from parallax.validate_gx import prepare_validation

        prepare_validation()
        db_path = (db or get_settings().db).expanduser()
        console.print(f"parallax: {input_dir} -> {db_path}", highlight=False)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task_id = bar.add_task("documents", total=None)

            def on_progress(step: str, done: int, total: int) -> None:
                bar.update(task_id, description=step, completed=done, total=total)

            try:
                # the run timeout is applied by the flow itself (Settings.run_timeout_seconds)
                with server(), progress_callback(on_progress):
                    summary = nightly(
                        input_dir=str(input_dir.absolute()),
                        db_path=str(db_path.absolute()),
                        run_date=run_date,
                    )
            except WriterBusyError as exc:
                raise fail(str(exc), code=75) from None
            except ValidationFailedError as exc:
                raise fail(f"{exc}; the published file was left unchanged", code=2) from None
            except PublishFailedError as exc:
                raise fail(str(exc), code=EXIT_NOT_PUBLISHED) from None
            except RunTimeoutError as exc:
                raise fail(f"{exc}; the run was rolled back and the published file left unchanged") from None
    _print_summary(summary)


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title=f"run {summary['run_id']} ({summary['status']})", show_header=False)
    rows = [
        ("files seen", summary["files_seen"]),
        ("files new", summary["files_new"]),
        ("files rejected", summary["files_rejected"]),
        ("documents new", summary["documents_new"]),
        ("duplicates new", summary["duplicates_new"]),
        ("mentions new", summary["mentions_new"]),
        ("facts new", summary["facts_new"]),
        ("attributions new", summary["attributions_new"]),
        ("stories touched", summary["stories_touched"]),
        ("validation", "passed" if summary["validation_success"] else "failed"),
        ("model", f"{summary['model']} {summary['model_version']}"),
        ("published", summary["published"]),
    ]
    if "site" in summary:  # PARALLAX_SITE on: the site's index, or why there is none
        rows.append(("site", summary["site"] or "not rebuilt (see the log)"))
    for name, value in rows:
        table.add_row(name, str(value))
    steps = summary.get("step_seconds") or {}
    table.add_row("step seconds", ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    Console().print(table)


def _register_commands() -> None:
    """Analyst commands (query, stories, report, validate, site) and `serve` live in their own modules."""
    from parallax import analyst, entity_audit, schedule
    from parallax.site import command as site_command

    analyst.register(app)
    entity_audit.register(app)
    schedule.register(app)
    site_command.register(app)


_register_commands()


if __name__ == "__main__":
    app()
