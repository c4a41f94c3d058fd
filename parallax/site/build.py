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
whose key is gone are removed, and the outlet and top pages are rewritten. Only the pages the night's
changed rows may show are fingerprinted again (`changes`: the site also keeps a hash of each document's,
story's and entity's rows); every page is when that change set cannot be known.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson

from parallax import report
from parallax.heap import older_objects_frozen
from parallax.site import changes, charts, fingerprints, queries
from parallax.site.chunks import (
    env,
    now_label,
    open_read_only,
    outlet_pages,
    write_page,
)
from parallax.site.names import Links, page
from parallax.site.render import Renderer, SitePages, executor, submit_chunks
from parallax.site.toppages import IndexParts, render_index, render_runs, top_pages

# Written into a fully built site: the data version it was built from (`queries.data_version`), a hash
# of the code that renders it and one of the file's views (`changes.definitions`). `refresh_site`
# compares them to decide between a full build, rewriting the changed pages and rewriting only the top
# pages (index, lists, run history).
STAMP = ".parallax-site.json"
# Every page's fingerprint (`fingerprints.fingerprints`), written with the stamp.
MANIFEST = ".parallax-site-pages.json"
# What the pages were built from (`changes.State`), written with the stamp: finds the pages a night changed.
STATE = ".parallax-site-rows.json"
# What a night that read nothing new changes: the run history, and the index's nightly chart.
REFRESHED_PAGES = frozenset({"index.html", "runs.html"})
# What the index shows that only new data changes (its story rows, outlets, coverage chart), with the
# data version it shows: a night that read nothing new rewrites the index around it instead of reading
# every story again (1 s at 3,000 articles, growing with the archive).
INDEX_CACHE = ".parallax-site-index.json"


@dataclass
class SiteSummary:
    """What a build wrote."""

    out_dir: Path
    pages: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    mode: str = "full"  # full build; "pages": changed pages rewritten; "top": only the top pages
    seconds: float = 0.0
    removed: int = 0  # pages deleted ("pages" mode: their story, document, entity or outlet is gone)
    fingerprinted: int | None = None  # "pages" mode: pages fingerprinted again (None: every page)
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
            "pages": f"changed pages rewritten ({self.removed} removed, "
            f"{'all' if self.fingerprinted is None else self.fingerprinted} fingerprinted): ",
        }[self.mode]
        return f"{what}{total} pages ({kinds}), {self.bytes / 1e6:.1f} MB in {self.seconds:.1f} s"


@older_objects_frozen()  # (the collector skips the caller's objects: `parallax.heap`)
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
        kept: list[IndexParts] = []
        pages, counts = _build(con, db_path, side, out_dir, data_docs, workers, summary, kept, memory_limit)
        summary.bytes += charts.write_asset(side).stat().st_size
        stamp = _stamp(con)
        if kept:
            (side / INDEX_CACHE).write_text(_index_cache(stamp, kept[0]), encoding="utf-8")
        (side / MANIFEST).write_text(_dumps(pages), encoding="utf-8")
        state = changes.State(stamp["data"], changes.hashes(con), changes.relations(con), changes.runs(con))
        state.counts = counts
        (side / STATE).write_text(_dumps(state.to_json()), encoding="utf-8")
        (side / STAMP).write_text(_dumps(stamp), encoding="utf-8")
    except BaseException:
        shutil.rmtree(side, ignore_errors=True)
        raise
    finally:
        con.close()
    _swap(side, out_dir)
    summary.seconds = round(time.perf_counter() - t0, 2)
    summary.cpu_seconds["this process"] = round(time.process_time() - cpu0, 2)
    return summary


@older_objects_frozen()  # (the collector skips the caller's objects: `parallax.heap`)
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
                if not _refresh_from_cache(con, out_dir, data_docs, summary, current):
                    _rewrite_top_pages(con, out_dir, data_docs, summary, current)
            else:
                old = (old_pages or {}, changes.State.from_json(_read_json(out_dir / STATE)), stamp, current)
                _update(con, db_path, out_dir, data_docs, workers, summary, memory_limit, old)
                write_page(out_dir / STAMP, _dumps(current))
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
    stamp: dict[str, Any],
    only: frozenset[str] | None = REFRESHED_PAGES,
    site: SitePages | None = None,
) -> None:
    """Rewrite the top pages (`only` those, when given) and keep the index's parts with `stamp` (the
    site's stamp now) for the next night that reads nothing new."""
    site = site or SitePages.read(con)
    kept: list[IndexParts] = []
    top = top_pages(con, site, Links(0, site.paged), now_label(), out_dir, data_docs, only, kept)
    for rel, html in top:
        summary.add("index" if rel == "index.html" else "lists", 1, write_page(out_dir / rel, html))
    if kept:
        write_page(out_dir / INDEX_CACHE, _index_cache(stamp, kept[0]))


def _index_cache(stamp: dict[str, Any], parts: IndexParts) -> str:
    """`INDEX_CACHE`'s text: the index's parts with the stamp of the site they were made for."""
    return _dumps({"stamp": stamp, **dataclasses.asdict(parts)})


def _refresh_from_cache(
    con: duckdb.DuckDBPyConnection, out_dir: Path, data_docs: Path, summary: SiteSummary, stamp: Any
) -> bool:
    """A night that read nothing new: the index and the run history rewritten, the index's story rows,
    outlets and coverage chart taken from `INDEX_CACHE`. False (nothing written) when the cache is
    missing or was made from other data, code or views (`stamp`: the site's stamp now)."""
    cache = _read_json(out_dir / INDEX_CACHE)
    if not isinstance(cache, dict) or cache.get("stamp") != stamp:  # (the stamp is plain JSON, as STAMP's)
        return False
    try:
        parts = IndexParts(
            str(cache["rows"]), int(cache["stories"]), list(cache["outlets"]), cache["coverage"]
        )
    except (KeyError, TypeError, ValueError):
        return False
    e = env()
    common = {"links": Links(0, frozenset()), "generated": now_label()}
    summary.add("index", 1, write_page(out_dir / "index.html", render_index(con, e, common, parts)))
    runs_page = render_runs(con, e, common, out_dir, data_docs)
    summary.add("lists", 1, write_page(out_dir / "runs.html", runs_page))
    return True


def _update(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    out_dir: Path,
    data_docs: Path,
    workers: int,
    summary: SiteSummary,
    memory_limit: str | None,
    old: tuple[dict[str, dict[str, str]], changes.State | None, Any, dict[str, Any]],
) -> None:
    """Rewrite the pages whose fingerprint changed, remove those whose key is gone, rewrite the top pages,
    then record the new fingerprints (`old`: the fingerprints, state and stamp the site was built with,
    and the stamp now). The stamp is removed first: an update that fails half-way leaves a site the next
    refresh builds in full."""
    old_pages, state, stamp, current = old
    (out_dir / STAMP).unlink(missing_ok=True)
    (out_dir / STATE).unlink(missing_ok=True)
    site = SitePages.read(con, counts=False)
    renderer = Renderer(old_pages, site, out_dir, db_path, workers, memory_limit)
    try:
        fingerprinted = _fingerprints(con, site, old_pages, state, stamp, current, renderer)
        pages, state, summary.fingerprinted, known = fingerprinted
        queries.story_counts(con, site.index, known)  # the stories the night changed read again
        state.counts = site.counts
        # outlets gone: by the folder (a manifest written before outlets were fingerprinted has none)
        outlets = {page("outlets", key) for key in site.ids["outlets"]}
        gone = [p for p in (out_dir / "outlets").glob("*.html") if f"outlets/{p.name}" not in outlets]
        for kind, keys in renderer.delete.items():
            if kind != "outlets":
                gone.extend(out_dir / page(kind, key) for key in keys)
        for path in gone:
            path.unlink(missing_ok=True)
        summary.removed = len(gone)
        _rewrite_top_pages(con, out_dir, data_docs, summary, current, None, site)
        for f in renderer.futures:
            summary.add(*f.result())
    finally:
        renderer.close()
    write_page(out_dir / MANIFEST, _dumps(pages))
    write_page(out_dir / STATE, _dumps(state.to_json()))


def _fingerprints(
    con: duckdb.DuckDBPyConnection,
    site: SitePages,
    old_pages: dict[str, dict[str, str]],
    state: changes.State | None,
    stamp: Any,
    current: dict[str, Any],
    ready: fingerprints.Ready | None = None,
) -> tuple[dict[str, dict[str, str]], changes.State, int | None, dict[str, list[int]]]:
    """`changes.page_fingerprints` with two DuckDB threads (this connection otherwise uses one)."""
    con.execute("set threads = 2")
    try:
        if (stamp or {}).get("views") != current["views"]:
            state = None  # other SQL: any page may have changed
        data = (stamp or {}).get("data")
        pages = (site.ids, site.outlets, site.days)
        return changes.page_fingerprints(con, pages, old_pages, state, data, current["data"], ready)
    finally:
        con.execute("set threads = 1")


def _stamp(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {"data": queries.data_version(con), "code": _code_hash(), "views": changes.definitions(con)}


def _read_stamp(out_dir: Path) -> dict[str, Any] | None:
    return _read_json(out_dir / STAMP)


def _read_json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, ValueError):  # (orjson.JSONDecodeError is a ValueError)
        return None


def _dumps(value: Any) -> str:
    """The site's state files' JSON. They grow with the archive (20,000 articles: the rows' hashes and
    relations 9.5 MB, the index's parts 6.4 MB, the fingerprints 1.9 MB) and are written every night:
    orjson writes and reads them several times faster than the standard library."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


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


def _build(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    side: Path,
    out_dir: Path,
    data_docs: Path,
    workers: int,
    summary: SiteSummary,
    kept: list[IndexParts],
    memory_limit: str | None = None,
) -> tuple[dict[str, dict[str, str]], dict[str, list[int]]]:
    """Write every page under `side`; returns every page's fingerprint and the stories' index counts (the
    index's parts are appended to `kept`)."""
    generated = now_label()
    site = SitePages.read(con)
    with executor(workers) as pool:
        futures = submit_chunks(pool, site.chunks(site.ids), side, db_path, site, generated, memory_limit)
        top = top_pages(con, site, Links(0, site.paged), generated, out_dir, data_docs, None, kept)
        for rel, html in top:
            summary.add("index" if rel == "index.html" else "lists", 1, _write(side / rel, html))
        for rel, html in outlet_pages(con, site.outlets, site.days, Links(1, site.paged), generated):
            summary.add("outlets", 1, _write(side / rel, html))
        pages = fingerprints.fingerprints(con, site.ids, site.outlets, site.days)  # while the workers render
        for f in futures:
            summary.add(*f.result())
    return pages, site.counts


def _write(path: Path, html: str) -> int:
    data = html.encode("utf-8")
    path.write_bytes(data)
    return len(data)
