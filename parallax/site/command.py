"""`parallax site`: build the analysts' static site from the published file (read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

err = Console(stderr=True)


def site(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write (default: `site/` next to the file).")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Published DuckDB file (default: Settings().db).", show_default=False),
    ] = None,
) -> None:
    """Build the static site (stories, documents, entities, outlets, runs) from the published file."""
    from parallax.settings import get_settings
    from parallax.site.build import build_site

    settings = get_settings()
    db_path = (db or settings.db).expanduser()
    target = (out or db_path.parent / settings.site_dir_name).expanduser()
    if not db_path.is_file():
        err.print(f"[bold red]error:[/] database not found: {db_path}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    try:
        summary = build_site(
            db_path, target, workers=settings.site_workers, memory_limit=settings.duckdb_memory_limit
        )
    except (duckdb.Error, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(f"[bold red]error:[/] site not built: {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    err.print(f"site: {summary.describe()}", highlight=False)
    typer.echo(str(target / "index.html"))


def register(app: typer.Typer) -> None:
    """Add `site` to the `parallax` typer app."""
    app.command("site")(site)
