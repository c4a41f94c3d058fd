"""The index and the run history, rendered from their parts (`build` keeps the index's data-only parts,
`IndexParts`, so that a night that read nothing new does not read every story again)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from markupsafe import Markup

from parallax.site import charts, queries


@dataclass
class IndexParts:
    """What the index shows that only new data changes."""

    rows: str  # the story rows (HTML)
    stories: int
    outlets: list[str]
    coverage: str | None  # the outlets' coverage chart (HTML)


def render_index(con: duckdb.DuckDBPyConnection, e: Any, common: dict[str, Any], parts: IndexParts) -> str:
    """index.html: the parts, and the nightly growth chart read now (it changes with every run)."""
    growth = charts.nightly_growth(queries.nightly_totals(con))
    shown = [Markup(c) for c in (parts.coverage, growth) if c]
    return str(
        e.get_template("index.html").render(
            **common,
            page_title="stories",
            story_count=parts.stories,
            charts=shown,
            outlets=parts.outlets,
            outlet_count=len(parts.outlets),
            rows=Markup(parts.rows),
            chart_scripts=charts.scripts(""),
        )
    )


def render_runs(
    con: duckdb.DuckDBPyConnection, e: Any, common: dict[str, Any], out_dir: Path, data_docs: Path
) -> str:
    """runs.html: every run, the rejected files and a link to the validation data docs when built."""
    docs_href = os.path.relpath(data_docs, out_dir) if data_docs.is_file() else None
    return str(
        e.get_template("runs.html").render(
            **common,
            page_title="run history",
            runs=queries.runs(con),
            rejected=queries.rejected_files(con),
            reasons=queries.rejected_reasons(con),
            data_docs=docs_href,
            chart_scripts="",
        )
    )
