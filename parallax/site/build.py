"""Build the analysts' site from the published DuckDB file (opened read-only).

Pages: `index.html` (stories), `stories/` (the story report plus changes, growth and links), `docs/`
(text with mentions, figures and claims marked; copies and their diffs), `entities/` (every entity
named in `ENTITY_PAGE_MIN_DOCS` documents or more), `outlets/`, and the `entities.html`, `outlets.html`
and `runs.html` lists. Story, document and entity pages are built in chunks of ids by `workers`
processes (`chunks.run_chunk`: one query per page type per chunk) while this process writes the index,
lists and outlet pages. The site is built in a side folder and swapped in, so a reader never sees half
a site and a failed build leaves the previous one.

A night that changed some pages rewrites only those (`refresh_site`): every story, document and entity
page's fingerprint, a hash of the rows its queries read (`fingerprints`), is kept next to the site;
pages whose fingerprint changed are rendered again in place (each page replaced atomically), pages
whose key is gone are removed, and the outlet and top pages are rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from parallax import report
from parallax.site import charts, fingerprints, queries
from parallax.site.chunks import Chunk, env, now_label, open_read_only, run_chunk, write_page
from parallax.site.names import Links, page

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

# Written into a fully built site: the data version it was built from (`queries.data_version`) and a hash
# of the code that renders it. `refresh_site` compares them to decide between a full build and
# rewriting only the top pages (index, lists, run history).
STAMP = ".parallax-site.json"
# Every page's fingerprint (`fingerprints.fingerprints`), written with the stamp.
MANIFEST = ".parallax-site-pages.json"
# Fewer pages to rewrite than this are rendered in this process (starting workers costs ~2 s).
INLINE_PAGES = 300
TOP_PAGES = ("index.html", "outlets.html", "entities.html", "runs.html")
# What a night that read nothing new changes: the run history, and the index's nightly chart.
REFRESHED_PAGES = frozenset({"index.html", "runs.html"})


@dataclass
class SiteSummary:
    """What a build wrote."""

    out_dir: Path
    pages: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    mode: str = "full"  # full build; "pages": changed pages rewritten; "top": only the top pages
    seconds: float = 0.0
    removed: int = 0  # pages deleted ("pages" mode: their story, document, entity or outlet is gone)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per page kind, in the workers

    def add(self, kind: str, pages: int, size: int, cpu: float = 0.0) -> None:
        self.pages[kind] = self.pages.get(kind, 0) + pages
        self.bytes += size
        self.cpu_seconds[kind] = round(self.cpu_seconds.get(kind, 0.0) + cpu, 2)

    @property
    def full(self) -> bool:
        """Whether every page was built."""
        return self.mode == "full"

    def describe(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in self.pages.items())
        total = sum(self.pages.values())
        what = {
            "full": "",
            "top": "data unchanged, top pages rewritten: ",
            "pages": f"changed pages rewritten ({self.removed} removed): ",
        }[self.mode]
        return f"{what}{total} pages ({kinds}), {self.bytes / 1e6:.1f} MB in {self.seconds:.1f} s"


class _Inline(Executor):
    """Runs chunks in this process (workers <= 1)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        f: Future[Any] = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            f.set_exception(exc)
        return f


def build_site(
    db_path: Path,
    out_dir: Path,
    data_docs: Path | None = None,
    workers: int = 2,
    memory_limit: str | None = None,
) -> SiteSummary:
    """Build the site for the published `db_path` into `out_dir` (replaced as a whole at the end).

    `data_docs` is the data-docs page to link from the run history (default: the one next to the file);
    `workers` processes render story, document and entity pages (1: all in this process);
    `memory_limit` caps DuckDB's memory in each of them (`settings.duckdb_memory_limit` in the flow).
    """
    t0, cpu0 = time.perf_counter(), time.process_time()
    out_dir, db_path = out_dir.absolute(), db_path.absolute()
    side = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    summary = SiteSummary(out_dir)
    data_docs = data_docs or db_path.parent / "data_docs" / "index.html"
    con = open_read_only(db_path, memory_limit)
    try:
        shutil.rmtree(side, ignore_errors=True)
        for kind in ("stories", "docs", "entities", "outlets", "assets"):
            (side / kind).mkdir(parents=True)
        pages = _build(con, db_path, side, out_dir, data_docs, workers, summary, memory_limit)
        summary.bytes += charts.write_asset(side).stat().st_size
        (side / MANIFEST).write_text(json.dumps(pages), encoding="utf-8")
        (side / STAMP).write_text(json.dumps(_stamp(con)), encoding="utf-8")
    except BaseException:
        shutil.rmtree(side, ignore_errors=True)
        raise
    finally:
        con.close()
    _swap(side, out_dir)
    summary.seconds = round(time.perf_counter() - t0, 2)
    summary.cpu_seconds["this process"] = round(time.process_time() - cpu0, 2)
    return summary


def refresh_site(
    db_path: Path,
    out_dir: Path,
    data_docs: Path | None = None,
    workers: int = 2,
    memory_limit: str | None = None,
) -> SiteSummary:
    """What the nightly flow calls. When `out_dir` holds a site built by this code: from the same data
    version, rewrite only the top pages (the run history and the index's nightly chart change every
    run); from an earlier one, rewrite the pages whose fingerprint changed and the top pages. Otherwise
    (no site, other code, no fingerprints) `build_site`."""
    t0, cpu0 = time.perf_counter(), time.process_time()
    out_dir, db_path = out_dir.absolute(), db_path.absolute()
    data_docs = data_docs or db_path.parent / "data_docs" / "index.html"
    con = open_read_only(db_path, memory_limit)
    try:
        stamp, current = _read_stamp(out_dir), _stamp(con)
        old_pages = _read_json(out_dir / MANIFEST) if stamp and stamp.get("code") == current["code"] else None
        if stamp == current or old_pages is not None:
            summary = SiteSummary(out_dir, mode="top" if stamp == current else "pages")
            if stamp == current:
                _rewrite_top_pages(con, out_dir, data_docs, summary)
            else:
                _update(con, db_path, out_dir, data_docs, workers, summary, memory_limit, old_pages or {})
                write_page(out_dir / STAMP, json.dumps(current))
            summary.seconds = round(time.perf_counter() - t0, 2)
            summary.cpu_seconds["this process"] = round(time.process_time() - cpu0, 2)
            return summary
    finally:
        con.close()
    return build_site(db_path, out_dir, data_docs, workers, memory_limit)


def _rewrite_top_pages(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    data_docs: Path,
    summary: SiteSummary,
    only: frozenset[str] | None = REFRESHED_PAGES,
    site: _Pages | None = None,
) -> None:
    site = site or _Pages.read(con)
    top = _top_pages(con, site, Links(0, site.paged), out_dir, data_docs, only)
    for rel, html in top:
        summary.add("index" if rel == "index.html" else "lists", 1, write_page(out_dir / rel, html))


@dataclass
class _Pages:
    """What every build reads first: the stories (index rows), entities, outlets and their documents per
    day (the top and outlet pages both show them), and the keys of every page."""

    index: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    outlets: list[dict[str, Any]]
    days: list[dict[str, Any]]  # queries.outlet_days
    paged: frozenset[str]  # entities with a page
    ids: dict[str, list[str]]  # page keys per kind (stories, docs, entities, outlets)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Pages:
        index, entities, outlets = queries.story_index(con), queries.entities(con), queries.outlets(con)
        paged = queries.paged_entities(entities)
        ids = {
            "stories": sorted(s["story_id"] for s in index),
            "docs": queries.doc_ids(con),
            "entities": paged,
            "outlets": [o["source"] for o in outlets],
        }
        return cls(index, entities, outlets, queries.outlet_days(con), frozenset(paged), ids)

    @property
    def titles(self) -> dict[str, str | None]:
        return {s["story_id"]: s["title"] for s in self.index}

    def chunks(self, ids: dict[str, list[str]]) -> dict[str, list[list[str]]]:
        """Page keys of `ids` in the chunks workers render."""
        docs_in = {s["story_id"]: int(s["doc_count"] or 0) for s in self.index}
        return {
            "stories": _story_chunks(ids["stories"], docs_in),
            "docs": list(_chunks(ids["docs"], CHUNK_MAX["docs"])),
            "entities": list(_chunks(ids["entities"], CHUNK_MAX["entities"])),
        }


def _update(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    out_dir: Path,
    data_docs: Path,
    workers: int,
    summary: SiteSummary,
    memory_limit: str | None,
    old_pages: dict[str, dict[str, str]],
) -> None:
    """Rewrite the pages whose fingerprint changed, remove those whose key is gone, rewrite the top pages,
    then record the new fingerprints. The stamp is removed first: an update that fails half-way leaves
    a site the next refresh builds in full."""
    (out_dir / STAMP).unlink(missing_ok=True)
    site = _Pages.read(con)
    pages = _fingerprints(con, site)
    write, delete = fingerprints.changed(old_pages, pages)
    generated = now_label()
    with _executor(workers if sum(len(v) for v in write.values()) >= INLINE_PAGES else 1) as pool:
        futures = _submit(pool, site.chunks(write), out_dir, db_path, site, generated, memory_limit)
        if write["outlets"]:
            for rel, html in _outlet_pages(con, site, Links(1, site.paged), generated, write["outlets"]):
                summary.add("outlets", 1, write_page(out_dir / rel, html))
        for f in futures:
            summary.add(*f.result())
    # outlets gone: by the folder (a manifest written before outlets were fingerprinted has none)
    outlets = {page("outlets", key) for key in site.ids["outlets"]}
    gone = [p for p in (out_dir / "outlets").glob("*.html") if f"outlets/{p.name}" not in outlets]
    for kind, keys in delete.items():
        if kind != "outlets":
            gone.extend(out_dir / page(kind, key) for key in keys)
    for path in gone:
        path.unlink(missing_ok=True)
    summary.removed = len(gone)
    _rewrite_top_pages(con, out_dir, data_docs, summary, None, site)
    write_page(out_dir / MANIFEST, json.dumps(pages))


def _fingerprints(con: duckdb.DuckDBPyConnection, site: _Pages) -> dict[str, dict[str, str]]:
    """Every page's fingerprint, with two DuckDB threads (this connection otherwise uses one)."""
    con.execute("set threads = 2")
    try:
        return fingerprints.fingerprints(con, site.ids, site.outlets, site.days)
    finally:
        con.execute("set threads = 1")


def _submit(
    pool: Executor,
    chunks: dict[str, list[list[str]]],
    root: Path,
    db_path: Path,
    site: _Pages,
    generated: str,
    memory_limit: str | None,
) -> list[Future[tuple[str, int, int, float]]]:
    titles = site.titles
    return [
        pool.submit(
            run_chunk,
            Chunk(
                kind,
                chunk,
                root,
                db_path,
                site.paged,
                titles if kind == "docs" else {},
                generated,
                memory_limit,
            ),
        )
        for kind, kind_chunks in chunks.items()
        for chunk in kind_chunks
    ]


def _stamp(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {"data": queries.data_version(con), "code": _code_hash()}


def _read_stamp(out_dir: Path) -> dict[str, Any] | None:
    return _read_json(out_dir / STAMP)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    """The site package's and the story report's source: an upgrade rebuilds the whole site."""
    digest = hashlib.sha256()
    for path in [*sorted(Path(__file__).parent.glob("*.py")), Path(report.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _swap(side: Path, out_dir: Path) -> None:
    """Put the new site in place of the old one (two renames), then delete the old one in a detached
    process: removing tens of thousands of files took longer than building them on these disks
    (3 ms per unlink), and nothing waits for it. Old sites a killed cleanup left are removed too."""
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{time.time_ns()}")
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(side, out_dir)
    stale = [str(p) for p in out_dir.parent.glob(f".{out_dir.name}.old-*")]
    if stale:
        subprocess.Popen(
            [sys.executable, "-c", _REMOVE, *stale],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


_REMOVE = "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)"


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _story_chunks(ids: list[str], docs_in: dict[str, int]) -> list[list[str]]:
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


def _executor(workers: int) -> Executor:
    if workers <= 1:
        return _Inline()
    # spawn: a forked child would inherit this process's DuckDB threads and locks
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _build(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    side: Path,
    out_dir: Path,
    data_docs: Path,
    workers: int,
    summary: SiteSummary,
    memory_limit: str | None = None,
) -> dict[str, dict[str, str]]:
    """Write every page under `side`; returns every page's fingerprint."""
    generated = now_label()
    site = _Pages.read(con)
    with _executor(workers) as pool:
        futures = _submit(pool, site.chunks(site.ids), side, db_path, site, generated, memory_limit)
        for rel, html in _top_pages(con, site, Links(0, site.paged), out_dir, data_docs):
            summary.add("index" if rel == "index.html" else "lists", 1, _write(side / rel, html))
        for rel, html in _outlet_pages(con, site, Links(1, site.paged), generated):
            summary.add("outlets", 1, _write(side / rel, html))
        pages = fingerprints.fingerprints(con, site.ids, site.outlets, site.days)  # while the workers render
        for f in futures:
            summary.add(*f.result())
    return pages


def _write(path: Path, html: str) -> int:
    data = html.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _top_pages(
    con: duckdb.DuckDBPyConnection,
    site: _Pages,
    links: Links,
    out_dir: Path,
    data_docs: Path,
    only: frozenset[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """index.html, outlets.html, entities.html and runs.html (those named in `only`, when given)."""
    e = env()
    common = {"links": links, "generated": now_label()}
    index, entities, outlets = site.index, site.entities, site.outlets
    for s in index:
        s["first_seen"] = s["first_published_at"] or s["first_seen_at"]
        s["last_seen"] = s["last_published_at"] or s["last_seen_at"]
        s["sources"] = list(s["sources"] or [])
    growth = charts.nightly_growth(queries.nightly_totals(con))
    coverage = charts.outlet_coverage(site.days)
    want = only or frozenset(TOP_PAGES)
    if "index.html" in want:
        yield "index.html", e.get_template("index.html").render(
            **common, page_title="stories", stories=index, charts=[c for c in (coverage, growth) if c],
            outlets=[o["source"] for o in outlets], outlet_count=len(outlets), iso=_iso, day=_day,
            chart_scripts=charts.scripts(""),
        )  # fmt: skip
    if "outlets.html" in want:
        yield "outlets.html", e.get_template("outlets.html").render(
            **common, page_title="outlets", outlets=outlets, charts=[coverage] if coverage else [],
            chart_scripts=charts.scripts(""),
        )  # fmt: skip
    if "entities.html" in want:
        yield "entities.html", e.get_template("entities.html").render(
            **common, page_title="entities", entities=entities, paged=len(links.entities),
            min_docs=queries.ENTITY_PAGE_MIN_DOCS, chart_scripts="",
        )  # fmt: skip
    docs_href = os.path.relpath(data_docs, out_dir) if data_docs.is_file() else None
    if "runs.html" in want:
        yield "runs.html", e.get_template("runs.html").render(
            **common, page_title="run history", runs=queries.runs(con), rejected=queries.rejected_files(con),
            reasons=queries.rejected_reasons(con), data_docs=docs_href, chart_scripts="",
        )  # fmt: skip


def _outlet_pages(
    con: duckdb.DuckDBPyConnection,
    site: _Pages,
    links: Links,
    generated: str,
    only: Sequence[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Every outlet's page, or those of the outlets in `only` (their queries read only their stories)."""
    tmpl = env().get_template("outlet.html")
    stories = queries.outlet_stories(con, only)
    unique = queries.outlet_unique_entities(con, only)
    conflicts = queries.outlet_disagreements(con, only)
    wanted = None if only is None else set(only)
    for o in site.outlets:
        s = o["source"]
        if wanted is not None and s not in wanted:
            continue
        chart = charts.outlet_coverage(site.days, only=s)
        yield page("outlets", s), tmpl.render(
            links=links, generated=generated, page_title=s, o=o, stories=stories.get(s, []),
            unique=unique.get(s, []), conflicts=conflicts.get(s, []), charts=[chart] if chart else [],
            chart_scripts=charts.scripts("../"),
        )  # fmt: skip


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _day(value: Any) -> str:
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    return _iso(value)
