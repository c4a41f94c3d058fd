"""Rendering a site's pages in worker processes: what every build reads first (`SitePages`), the
pool that renders chunks of pages (`executor`, `submit_chunks`) and, for a night's update, the renderer
that starts a kind's changed pages as soon as their fingerprints are known (`Renderer`)."""

from __future__ import annotations

import functools
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from parallax.site import fingerprints, queries
from parallax.site.chunks import CHUNK_MAX, Chunk, chunked, now_label, run_chunk, story_chunks
from parallax.site.toppages import Lists

# A night that fingerprints fewer pages than this renders the changed ones in this process (starting
# workers costs ~2 s).
INLINE_PAGES = 300


class Inline(Executor):
    """Runs chunks in this process (workers <= 1)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        f: Future[Any] = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            f.set_exception(exc)
        return f


def executor(workers: int) -> Executor:
    """Worker processes that render chunks of pages (`workers` <= 1: this process)."""
    if workers <= 1:
        return Inline()
    # spawn: a forked child would inherit this process's DuckDB threads and locks
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


@dataclass
class SitePages(Lists):
    """What every build reads first: the stories (index rows), entities, outlets and their documents per
    day (the top and outlet pages both show them), and the keys of every page."""

    paged: frozenset[str]  # entities with a page
    ids: dict[str, list[str]]  # page keys per kind (stories, docs, entities, outlets)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, counts: bool = True) -> SitePages:
        """The lists (`counts`: the stories' conflict counts too, else `queries.story_counts` adds them)."""
        index, entities = queries.story_index(con, counts), queries.entity_list(con)
        outlets = queries.outlets(con)
        ids = {
            "stories": sorted(s["story_id"] for s in index),
            "docs": queries.doc_ids(con),
            "entities": entities.paged,
            "outlets": [o["source"] for o in outlets],
        }
        return cls(index, entities, outlets, queries.outlet_days(con), frozenset(entities.paged), ids)

    @property
    def counts(self) -> dict[str, list[int]]:
        """Per story, its index counts ([conflicts, unique_entities])."""
        return {s["story_id"]: [s["conflicts"], s["unique_entities"]] for s in self.index}

    @property
    def titles(self) -> dict[str, str | None]:
        return {s["story_id"]: s["title"] for s in self.index}

    @functools.cached_property
    def docs_in(self) -> dict[str, int]:
        """Per story, its documents (chunks of story pages are sized by them; read once per build)."""
        return {s["story_id"]: int(s["doc_count"] or 0) for s in self.index}

    def chunks(self, ids: dict[str, list[str]]) -> dict[str, list[list[str]]]:
        """Page keys of `ids` in the chunks workers render (stories, documents and entities: the kinds of
        `ids` among those)."""
        out = {"stories": story_chunks(ids["stories"], self.docs_in)} if "stories" in ids else {}
        for kind in ("docs", "entities"):
            if kind in ids:
                out[kind] = list(chunked(ids[kind], CHUNK_MAX[kind]))
        return out


class Renderer:
    """Renders the changed pages of each kind as soon as the kind's fingerprints are known
    (`fingerprints.Ready`), so that workers render story pages while documents and entities are still
    fingerprinted; the workers start with the first kind that has pages to write."""

    def __init__(
        self,
        old_pages: dict[str, dict[str, str]],
        site: SitePages,
        root: Path,
        db_path: Path,
        workers: int,
        memory_limit: str | None,
    ) -> None:
        self.old_pages, self.site, self.root, self.db_path = old_pages, site, root, db_path
        self.workers, self.memory_limit = workers, memory_limit
        self.generated = now_label()
        self.delete: dict[str, list[str]] = {}
        self.futures: list[Future[tuple[str, int, int, float]]] = []
        self.pool: Executor | None = None

    def __call__(self, kind: str, pages: dict[str, str], checked: int) -> None:
        write, self.delete[kind] = fingerprints.changed(self.old_pages.get(kind, {}), pages)
        if not write:
            return
        if self.pool is None:  # starting workers costs ~2 s: not for a few pages
            self.pool = executor(self.workers if checked >= INLINE_PAGES else 1)
        chunks = {kind: [write]} if kind == "outlets" else self.site.chunks({kind: write})
        self.futures += submit_chunks(
            self.pool, chunks, self.root, self.db_path, self.site, self.generated, self.memory_limit
        )

    def close(self) -> None:
        """Wait for the workers and stop them."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)


def submit_chunks(
    pool: Executor,
    chunks: dict[str, list[list[str]]],
    root: Path,
    db_path: Path,
    site: SitePages,
    generated: str,
    memory_limit: str | None,
) -> list[Future[tuple[str, int, int, float]]]:
    """Submit each chunk of page keys (per kind) to `pool`; each future gives `run_chunk`'s result."""
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
