"""Build the analysts' site from the published DuckDB file (opened read-only).

Pages: `index.html` (stories), `stories/` (the story report plus changes, growth and links), `docs/`
(text with mentions, figures and claims marked; copies and their diffs), `entities/` (every entity
named in `ENTITY_PAGE_MIN_DOCS` documents or more), `outlets/`, and the `entities.html`, `outlets.html`
and `runs.html` lists. Data is read with one query per page type (documents in chunks), pages are
rendered in this thread and written by a small thread pool. The site is built in a side folder and
swapped in, so a reader never sees half a site and a failed build leaves the previous one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import DictLoader, Environment, Template, select_autoescape
from markupsafe import Markup

from parallax import db
from parallax.report import _fmt_num, _fmt_time, _link, render_story, stories_data
from parallax.site import charts, queries
from parallax.site.highlight import highlight
from parallax.site.names import Links, page
from parallax.site.templates import CSS, NAV, NAV_CSS, TEMPLATES

# Documents read and rendered per chunk (bounds memory: bodies are the bulk of the data).
DOC_CHUNK = 2000
# Stories whose report data is read per chunk.
STORY_CHUNK = 2000
WRITERS = 4


@dataclass
class SiteSummary:
    """What a build wrote."""

    out_dir: Path
    pages: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in self.pages.items())
        return (
            f"{sum(self.pages.values())} pages ({kinds}), {self.bytes / 1e6:.1f} MB in {self.seconds:.1f} s"
        )


class _Writer:
    """Writes pages on a thread pool (file I/O releases the GIL) and counts them."""

    def __init__(self, root: Path, pool: ThreadPoolExecutor, summary: SiteSummary) -> None:
        self.root, self.pool, self.summary = root, pool, summary
        self.pending: list[Future[int]] = []

    def __call__(self, kind: str, rel: str, html: str) -> None:
        self.summary.pages[kind] = self.summary.pages.get(kind, 0) + 1
        self.pending.append(self.pool.submit(self._write, self.root / rel, html))
        if len(self.pending) > 256:
            self.drain()

    @staticmethod
    def _write(path: Path, html: str) -> int:
        data = html.encode("utf-8")
        path.write_bytes(data)
        return len(data)

    def drain(self) -> None:
        for f in self.pending:
            self.summary.bytes += f.result()
        self.pending = []


def _env() -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    env.globals.update(
        fmt_time=_fmt_time, fmt_num=_fmt_num, link=_link, css=Markup(CSS), nav_css=Markup(NAV_CSS)
    )
    return env


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else ""


def _day(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else _iso(value)


def open_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only, with SQL file access disabled."""
    if not db_path.is_file():
        raise FileNotFoundError(f"database not found: {db_path}")
    con = db.connect(db_path, read_only=True)
    con.execute("set enable_external_access = false")
    return con


def build_site(db_path: Path, out_dir: Path, data_docs: Path | None = None) -> SiteSummary:
    """Build the site for the published `db_path` into `out_dir` (replaced as a whole at the end).

    `data_docs` is the data-docs page to link from the run history (default: the one next to the file).
    """
    t0 = time.perf_counter()
    out_dir = out_dir.absolute()
    side = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    summary = SiteSummary(out_dir)
    data_docs = data_docs or db_path.parent / "data_docs" / "index.html"
    con = open_read_only(db_path)
    try:
        shutil.rmtree(side, ignore_errors=True)
        for kind in ("stories", "docs", "entities", "outlets", "assets"):
            (side / kind).mkdir(parents=True)
        with ThreadPoolExecutor(WRITERS) as pool:
            write = _Writer(side, pool, summary)
            _build(con, _env(), write, out_dir, data_docs)
            write.drain()
        summary.bytes += charts.write_asset(side).stat().st_size
    except BaseException:
        shutil.rmtree(side, ignore_errors=True)
        raise
    finally:
        con.close()
    _swap(side, out_dir)
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary


def _swap(side: Path, out_dir: Path) -> None:
    """Put the new site in place of the old one (two renames; the old one is removed after)."""
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(side, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _build(
    con: duckdb.DuckDBPyConnection, env: Environment, write: _Writer, out_dir: Path, data_docs: Path
) -> None:
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    entities = queries.entities(con)
    paged = frozenset(
        e["entity_id"] for e in entities if (e["doc_count"] or 0) >= queries.ENTITY_PAGE_MIN_DOCS
    )
    top, sub = Links(0, paged), Links(1, paged)
    common = {"generated": generated}
    index = queries.story_index(con)
    story_titles = {s["story_id"]: s["title"] for s in index}
    days = queries.outlet_days(con)
    outlets = queries.outlets(con)

    def render(name: str, links: Links, **values: Any) -> str:
        tmpl: Template = env.get_template(name)
        return tmpl.render(links=links, **common, **values)

    index_charts = [
        c for c in (charts.outlet_coverage(days), charts.nightly_growth(queries.nightly_totals(con))) if c
    ]
    for s in index:
        s["first_seen"] = s["first_published_at"] or s["first_seen_at"]
        s["last_seen"] = s["last_published_at"] or s["last_seen_at"]
        s["sources"] = list(s["sources"] or [])
    write(
        "index",
        "index.html",
        render(
            "index.html", top, page_title="stories", stories=index, charts=index_charts,
            outlets=[o["source"] for o in outlets], outlet_count=len(outlets), iso=_iso, day=_day,
            chart_scripts=charts.scripts(""),
        ),
    )  # fmt: skip
    _story_pages(con, env, write, sub, generated)
    _document_pages(con, env, write, sub, story_titles, common)
    _entity_pages(con, env, write, sub, entities, common)
    for o, stories, unique, conflicts in _outlet_rows(con, outlets):
        chart = charts.outlet_coverage(days, only=o["source"])
        write(
            "outlets",
            page("outlets", o["source"]),
            render(
                "outlet.html", sub, page_title=o["source"], o=o, stories=stories, unique=unique,
                conflicts=conflicts, charts=[chart] if chart else [], chart_scripts=charts.scripts("../"),
            ),
        )  # fmt: skip
    outlet_chart = charts.outlet_coverage(days)
    write(
        "lists",
        "outlets.html",
        render(
            "outlets.html", top, page_title="outlets", outlets=outlets,
            charts=[outlet_chart] if outlet_chart else [], chart_scripts=charts.scripts(""),
        ),
    )  # fmt: skip
    write(
        "lists",
        "entities.html",
        render(
            "entities.html", top, page_title="entities", entities=entities, paged=len(paged),
            min_docs=queries.ENTITY_PAGE_MIN_DOCS, chart_scripts="",
        ),
    )  # fmt: skip
    docs_href = os.path.relpath(data_docs, out_dir) if data_docs.is_file() else None
    write(
        "lists",
        "runs.html",
        render(
            "runs.html", top, page_title="run history", runs=queries.runs(con),
            rejected=queries.rejected_files(con), reasons=queries.rejected_reasons(con), data_docs=docs_href,
            chart_scripts="",
        ),
    )  # fmt: skip


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _story_pages(
    con: duckdb.DuckDBPyConnection, env: Environment, write: _Writer, links: Links, generated: str
) -> None:
    growth = queries.story_growth(con)
    ids = [r[0] for r in con.execute("select story_id from marts.dim_stories order by story_id").fetchall()]
    header = env.from_string(NAV).render(links=links, generated=generated)
    for chunk in _chunks(ids, STORY_CHUNK):
        for story_id, data in stories_data(con, chunk).items():
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
            write("stories", page("stories", story_id), html)


def _document_pages(
    con: duckdb.DuckDBPyConnection,
    env: Environment,
    write: _Writer,
    links: Links,
    story_titles: dict[str, str | None],
    common: dict[str, Any],
) -> None:
    tmpl = env.get_template("document.html")
    for chunk in _chunks(queries.doc_ids(con), DOC_CHUNK):
        marks = queries.doc_marks(con, chunk)
        copies = queries.doc_copies(con, chunk)
        copy_ids = [c["doc_id"] for cs in copies.values() for c in cs]
        docs = queries.documents(con, chunk)
        diffs = queries.doc_diffs(con, chunk + copy_ids)
        for d in docs:
            spans = marks.get(d["doc_id"], [])
            counts = {k: sum(1 for s in spans if s["kind"] == k) for k in "mfc"}
            by_part: dict[str, list[dict[str, Any]]] = {"title": [], "body": []}
            for s in spans:
                by_part.setdefault(s["part"] or "body", []).append(s)
            html = tmpl.render(
                links=links,
                **common,
                page_title=d["title"] or d["doc_id"],
                d=d,
                story_title=story_titles.get(d["story_id"]),
                title_html=highlight(d["title"] or d["doc_id"], by_part["title"], links.entity),
                body_html=highlight(d["body"] or "", by_part["body"], links.entity),
                counts=counts,
                copies=copies.get(d["doc_id"], []),
                copy_diffs=diffs,
                diffs=diffs.get(d["doc_id"], []) if d["duplicate_of"] else [],
                chart_scripts="",
            )
            write("docs", page("docs", d["doc_id"]), html)


def _entity_pages(
    con: duckdb.DuckDBPyConnection,
    env: Environment,
    write: _Writer,
    links: Links,
    entities: list[dict[str, Any]],
    common: dict[str, Any],
) -> None:
    tmpl = env.get_template("entity.html")
    aliases = queries.entity_aliases(con)
    stories = queries.entity_stories(con)
    outlets = queries.entity_outlets(con)
    for e in entities:
        if e["entity_id"] not in links.entities:
            continue
        html = tmpl.render(
            links=links,
            **common,
            page_title=e["canonical_name"] or e["entity_id"],
            e=e,
            aliases=aliases.get(e["entity_id"], []),
            stories=stories.get(e["entity_id"], []),
            outlets=outlets.get(e["entity_id"], []),
            max_rows=queries.MAX_ROWS,
            chart_scripts="",
        )
        write("entities", page("entities", e["entity_id"]), html)


def _outlet_rows(
    con: duckdb.DuckDBPyConnection, outlets: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], list[Any], list[Any], list[Any]]]:
    stories = queries.outlet_stories(con)
    unique = queries.outlet_unique_entities(con)
    conflicts = queries.outlet_disagreements(con)
    for o in outlets:
        s = o["source"]
        yield o, stories.get(s, []), unique.get(s, []), conflicts.get(s, [])
