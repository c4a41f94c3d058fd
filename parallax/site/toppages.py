"""The index and the run history, rendered from their parts (`build` keeps the index's data-only parts,
`IndexParts`, so that a night that read nothing new does not read every story again)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from markupsafe import Markup

from parallax.site import charts, lists, queries
from parallax.site.chunks import env
from parallax.site.names import Links


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


@dataclass
class Lists:
    """The rows the top pages list: every story (`queries.story_index`), entity and outlet, and the
    outlets' documents per day (`queries.outlet_days`)."""

    index: list[dict[str, Any]]  # with each story's index row up to its counts (`lists.story_rows`)
    entities: queries.EntityList
    outlets: list[dict[str, Any]]
    days: list[dict[str, Any]]


TOP_PAGES = ("index.html", "outlets.html", "entities.html", "runs.html")


def top_pages(
    con: duckdb.DuckDBPyConnection,
    site: Lists,
    links: Links,
    generated: str,
    out_dir: Path,
    data_docs: Path,
    only: frozenset[str] | None = None,
    kept: list[IndexParts] | None = None,
) -> Iterator[tuple[str, str]]:
    """index.html, outlets.html, entities.html and runs.html (those named in `only`, when given); the
    index's data-only parts are appended to `kept` when given (`generated`: the build's time label)."""
    e = env()
    common = {"links": links, "generated": generated}
    index, entities, outlets = site.index, site.entities, site.outlets
    coverage = charts.outlet_coverage(site.days)
    want = only or frozenset(TOP_PAGES)
    if "index.html" in want:
        parts = IndexParts(
            str(lists.story_rows(index)),
            len(index),
            [o["source"] for o in outlets],
            str(coverage) if coverage else None,
        )
        if kept is not None:
            kept.append(parts)
        yield "index.html", render_index(con, e, common, parts)
    if "outlets.html" in want:
        yield "outlets.html", e.get_template("outlets.html").render(
            **common, page_title="outlets", outlets=outlets, charts=[coverage] if coverage else [],
            chart_scripts=charts.scripts(""),
        )  # fmt: skip
    if "entities.html" in want:
        yield "entities.html", e.get_template("entities.html").render(
            **common, page_title="entities", entity_count=entities.count, paged=len(entities.paged),
            min_docs=queries.ENTITY_PAGE_MIN_DOCS, rows=Markup(entities.rows), chart_scripts="",
        )  # fmt: skip
    if "runs.html" in want:
        yield "runs.html", render_runs(con, e, common, out_dir, data_docs)
