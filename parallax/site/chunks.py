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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

from parallax import db
from parallax.report import format_number, format_time, html_link, render_story, stories_data
from parallax.site import charts, outlet_queries, queries
from parallax.site.highlight import highlight
from parallax.site.names import Links, page
from parallax.site.templates import CSS, NAV, NAV_CSS, TEMPLATES

# Ids per chunk. Each chunk's queries compute the marts views over the whole file before filtering
# (~3.7 s CPU per story chunk on 10,000 stories), so chunks are large: story pages are one chunk up to
# 10,000 stories while documents and entities fill the other workers. Bounds a worker's memory (the
# rows of one chunk; pages are written as they are rendered).
CHUNK_MAX = {"stories": 10_000, "docs": 10_000, "entities": 20_000}
# A story chunk also stops at this many documents in its stories: a worker holds every row of its
# chunk's story pages, which grows with the documents (40,000 synthetic records in 3,204 stories, one
# chunk: 1.41 GB in one worker; in chunks of 8,000 documents: 0.77 GB, and 70 s instead of 50 s for
# the whole site, each chunk computing the views it reads).
STORY_CHUNK_DOCS = 8_000


@dataclass(frozen=True)
class Chunk:
    """One unit of work: pages of `kind` for `ids`, written under `root`."""

    kind: str  # stories, docs, entities or outlets
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
        kinds = {"stories": _stories, "docs": _documents, "entities": _entities, "outlets": _outlets}
        for rel, html in kinds[chunk.kind](con, chunk):
            written += write_page(chunk.root / rel, html)
            pages += 1
    finally:
        con.close()
    return chunk.kind, pages, written, time.process_time() - cpu


def outlet_pages(
    con: duckdb.DuckDBPyConnection,
    outlets: Sequence[dict[str, Any]],
    days: list[dict[str, Any]],
    links: Links,
    generated: str,
    only: Sequence[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Every outlet's page (`outlets`: `queries.outlets`, `days`: `queries.outlet_days`), or those of the
    outlets in `only` (their queries read only their stories)."""
    tmpl = env().get_template("outlet.html")
    lists = outlet_queries.outlet_lists(con, only)
    wanted = None if only is None else set(only)
    for o in outlets:
        s = o["source"]
        if wanted is not None and s not in wanted:
            continue
        chart = charts.outlet_coverage(days, only=s)
        yield page("outlets", s), tmpl.render(
            links=links, generated=generated, page_title=s, o=o, stories=lists.stories.get(s, []),
            unique=lists.unique.get(s, []), conflicts=lists.conflicts.get(s, []),
            charts=[chart] if chart else [], chart_scripts=charts.scripts("../"),
        )  # fmt: skip


def _outlets(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> Iterator[tuple[str, str]]:
    links = Links(1, chunk.paged)
    yield from outlet_pages(
        con, queries.outlets(con), queries.outlet_days(con), links, chunk.generated, chunk.ids
    )


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


def chunked(items: list[str], size: int) -> Iterator[list[str]]:
    """`items` in lists of `size`."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def story_chunks(ids: list[str], docs_in: dict[str, int]) -> list[list[str]]:
    """Story ids in chunks of at most CHUNK_MAX["stories"] stories and about STORY_CHUNK_DOCS documents
    (a larger story gets a chunk of its own)."""
    out: list[list[str]] = []
    chunk: list[str] = []
    docs = 0
    for story_id in ids:
        n = docs_in.get(story_id, 0)
        if chunk and (len(chunk) >= CHUNK_MAX["stories"] or docs + n > STORY_CHUNK_DOCS):
            out.append(chunk)
            chunk, docs = [], 0
        chunk.append(story_id)
        docs += n
    if chunk:
        out.append(chunk)
    return out
