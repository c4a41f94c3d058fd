"""Story, document and entity pages, a chunk of ids at a time (run in worker processes by `build`).

A chunk opens the published file read-only on its own, reads its rows with one query per page type
(`ids` bound as a list), renders and writes its pages, and returns what it wrote. Top-level functions
only (a spawned worker imports this module).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

from parallax import db
from parallax.report import format_number, format_time, html_link, render_story, stories_data
from parallax.site import charts, queries
from parallax.site.highlight import highlight
from parallax.site.names import Links, page
from parallax.site.templates import CSS, NAV, NAV_CSS, TEMPLATES


@dataclass(frozen=True)
class Chunk:
    """One unit of work: pages of `kind` for `ids`, written under `root`."""

    kind: str  # stories, docs or entities
    ids: list[str]
    root: Path
    db_path: Path
    paged: frozenset[str]  # entities with a page (links point only at pages that exist)
    story_titles: dict[str, str | None]
    generated: str
    memory_limit: str | None = None  # DuckDB's, per connection (None: DuckDB's default, 80% of RAM)


@functools.lru_cache(maxsize=1)
def env() -> Environment:
    """The site's Jinja environment (templates from `templates.py`, autoescaped)."""
    e = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    e.globals.update(
        fmt_time=format_time, fmt_num=format_number, link=html_link, css=Markup(CSS), nav_css=Markup(NAV_CSS)
    )
    return e


def open_read_only(db_path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """The published file, read-only, with SQL file access disabled.

    `memory_limit` caps DuckDB's buffers (past it, queries spill): without it the site's connections
    grew with the archive (30,000 Reuters articles: 1.14 GB in the building process, 1.26 GB per
    worker; at 512MB 0.73 and 0.88 GB, the build 20% slower)."""
    if not db_path.is_file():
        raise FileNotFoundError(f"database not found: {db_path}")
    con = db.connect(db_path, read_only=True, memory_limit=memory_limit)
    con.execute("set enable_external_access = false")
    # One DuckDB thread per connection: the site runs several processes anyway. (DuckDB 2.0.0's
    # multi-threaded dictionary cache also failed about one build in four on rpt_fact_comparison,
    # "INTERNAL Error: dict-surviving cache: ... changed identity"; 2.0.1, pinned now, has no such
    # check, and the same failure in a nightly validation passed with it.)
    con.execute("set threads = 1")
    return con


def write_page(path: Path, html: str) -> int:
    """Write a page so that a reader sees the old page or the new one, never half of one; returns bytes."""
    data = html.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return len(data)


def run_chunk(chunk: Chunk) -> tuple[str, int, int, float]:
    """Write the chunk's pages; returns (kind, pages, bytes, CPU seconds)."""
    cpu = time.process_time()
    con = open_read_only(chunk.db_path, chunk.memory_limit)
    written = pages = 0
    try:
        for rel, html in {"stories": _stories, "docs": _documents, "entities": _entities}[chunk.kind](
            con, chunk
        ):
            written += write_page(chunk.root / rel, html)
            pages += 1
    finally:
        con.close()
    return chunk.kind, pages, written, time.process_time() - cpu


def _stories(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> Iterator[tuple[str, str]]:
    links = Links(1, chunk.paged)
    growth = queries.story_growth(con, chunk.ids)
    header = env().from_string(NAV).render(links=links, generated=chunk.generated)
    for story_id, data in stories_data(con, chunk.ids).items():
        chart = charts.story_growth(growth.get(story_id, []))
        footer = Markup("<h2>Growth across nights</h2>") + chart + charts.scripts("../") if chart else ""
        html = render_story(
            data,
            doc_href=links.doc,
            entity_href=links.entity,
            source_href=links.outlet,
            head=NAV_CSS + ".chart{min-height:260px}",
            header=header,
            footer=footer,
            show_changes=True,
        )
        yield page("stories", story_id), html


def _documents(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> Iterator[tuple[str, str]]:
    links = Links(1, chunk.paged)
    tmpl = env().get_template("document.html")
    marks = queries.doc_marks(con, chunk.ids)
    copies = queries.doc_copies(con, chunk.ids)
    copy_ids = [c["doc_id"] for cs in copies.values() for c in cs]
    diffs = queries.doc_diffs(con, chunk.ids + copy_ids)
    for d in queries.documents(con, chunk.ids):
        spans = marks.get(d["doc_id"], [])
        counts = {k: sum(1 for s in spans if s["kind"] == k) for k in "mfc"}
        by_part: dict[str, list[dict[str, Any]]] = {"title": [], "body": []}
        for s in spans:
            by_part.setdefault(s["part"] or "body", []).append(s)
        html = tmpl.render(
            links=links,
            generated=chunk.generated,
            page_title=d["title"] or d["doc_id"],
            d=d,
            story_title=chunk.story_titles.get(d["story_id"]),
            title_html=highlight(d["title"] or d["doc_id"], by_part["title"], links.entity),
            body_html=highlight(d["body"] or "", by_part["body"], links.entity),
            counts=counts,
            copies=copies.get(d["doc_id"], []),
            copy_diffs=diffs,
            diffs=diffs.get(d["doc_id"], []) if d["duplicate_of"] else [],
            chart_scripts="",
        )
        yield page("docs", d["doc_id"]), html


def _entities(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> Iterator[tuple[str, str]]:
    links = Links(1, chunk.paged)
    tmpl = env().get_template("entity.html")
    aliases = queries.entity_aliases(con, chunk.ids)
    stories = queries.entity_stories(con, chunk.ids)
    outlets = queries.entity_outlets(con, chunk.ids)
    for e in queries.entities(con, chunk.ids):
        html = tmpl.render(
            links=links,
            generated=chunk.generated,
            page_title=e["canonical_name"] or e["entity_id"],
            e=e,
            aliases=aliases.get(e["entity_id"], []),
            stories=stories.get(e["entity_id"], []),
            outlets=outlets.get(e["entity_id"], []),
            max_rows=queries.MAX_ROWS,
            chart_scripts="",
        )
        yield page("entities", e["entity_id"]), html


def now_label() -> str:
    """The build time shown on every page."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
