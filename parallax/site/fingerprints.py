"""Which pages a night changed: a fingerprint per page, hashed from the rows its queries read.

A page's fingerprint hashes, in SQL, every row of every query that renders it (the same SQL text:
`report.story_queries` and `queries.*_SQL`), plus, for each entity a row links, whether that entity
has a page (a link appears or goes when an entity reaches `ENTITY_PAGE_MIN_DOCS` documents or
leaves). Two builds give a page the same fingerprint exactly when they would render it from the same
rows, whatever changed them (new documents, a story split, a re-extraction, an entity renamed or
merged, a rolled-back night), so `refresh_site` rewrites only the pages whose fingerprint changed.
Hashing runs inside DuckDB and returns one number per page: at 20,000 archived articles it costs a
few seconds where rendering every page cost 40.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from parallax.report import STORY_MACROS, story_queries, story_view
from parallax.site import outlet_queries, queries

# Outlet pages are fingerprinted from what they show (`outlets`): the outlet's own row and documents per
# day, and the fingerprints of the story pages of the stories it lists (its story list, the entities
# it alone names and its disagreeing figures are rows of those stories' pages).
KINDS = ("stories", "docs", "entities", "outlets")
# (the stories its page lists: `outlet_queries.outlet_lists`)
_OUTLET_STORIES = (
    f"select source, story_id from ({outlet_queries.RECENT_SQL.format(where=outlet_queries.ALL_OUTLETS)})"
)
# the entities with a page (`queries.paged_entities`), bound as a list
_HAS_PAGE = "select unnest(?::varchar[])"
# story page queries whose rows link an entity (`report.story_queries` names)
_STORY_LINKS = {"coverage": "entity_id", "divergence": "entity_id", "attributions": "actor_entity_id"}


@dataclass(frozen=True)
class Source:
    """One query a page kind reads: its SQL and parameters, the column holding the page key and, when
    rows link entities, the column holding the entity id."""

    sql: str
    params: list[Any] = field(default_factory=list)
    key: str = "story_id"
    ref: str | None = None


@contextmanager
def computed_story_views(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[str]
) -> Iterator[dict[str, str]]:
    """Each story view with a macro (`report.STORY_MACROS`) computed once for `story_ids` into a temporary
    table (dropped at the end): per view, the table's name. The pages' queries and the index counts then
    read them (`report.story_queries`, `queries.counts_of`) instead of computing a view several times
    (the figure comparison: the story page's figures and measures, and the index's conflicts)."""
    tables = {v: f"parallax_site_{v}" for v in STORY_MACROS} if story_ids else {}
    try:
        for view, table in tables.items():  # (names are this module's constants, never data)
            con.execute(
                f"create or replace temp table {table} as select * from marts.{view}_for(?::varchar[])",
                [list(story_ids)],
            )
        yield tables
    finally:
        for table in tables.values():
            con.execute(f"drop table if exists {table}")


def sources(
    con: duckdb.DuckDBPyConnection,
    ids: dict[str, list[str]],
    restrict: bool = False,
    computed: Mapping[str, str] | None = None,
) -> dict[str, list[Source]]:
    """Per page kind (KINDS), the queries its pages are rendered from, for every page in `ids`.

    `restrict`: the queries read only the pages of `ids` (the comparison views through their macros, or
    from `computed`: `computed_story_views` of those stories and of the documents' stories) rather than
    every row; a page's rows, hence its fingerprint, are the same either way."""
    story_ids = ids["stories"] if restrict else None
    doc_ids = [ids["docs"]] if restrict else []
    only_docs = "d.doc_id in (select unnest(?::varchar[]))" if restrict else "true"
    only_copies = "d.duplicate_of in (select unnest(?::varchar[]))" if restrict else "true"
    # the documents' stories: their titles, and the figures and claims their pages mark (read from
    # `computed` when given: it holds them, `refingerprint`)
    computed = computed if restrict else None
    docs_stories = (
        f"(select coalesce(list(distinct d.story_id), []) from marts.dim_documents d where {only_docs})"
        if restrict
        else "null"
    )
    titles = story_view("dim_stories", docs_stories, computed)
    stories = [
        Source(sql, params, "story_id", _STORY_LINKS.get(name))
        for name, (sql, params) in story_queries(story_ids, computed).items()
    ]
    if queries.has_table(con, "audit", "runs"):
        stories.append(Source(queries.STORY_GROWTH_SQL, [ids["stories"]]))
    docs = [
        Source(queries.DOCUMENTS_SQL.format(where=only_docs.removeprefix("d.")), doc_ids, key="doc_id"),
        Source(  # (the story's title: only the documents' stories read)
            f"select d.doc_id, s.title from marts.dim_documents d left join {titles} s using (story_id) "
            f"where {only_docs}",
            doc_ids * (1 if computed and "dim_stories" in computed else 2),
            key="doc_id",
        ),
        Source(queries.doc_marks_sql(computed), [ids["docs"]], "doc_id", "ref"),
        Source(queries.DOC_COPIES_SQL, [ids["docs"]], "canonical"),
        Source(queries.DOC_DIFFS_SQL, [ids["docs"]], "doc_id"),
        # a document's page shows its copies' changes too
        Source(
            "select d.duplicate_of, x.doc_id, x.change_index, x.change_type, x.before_text, x.after_text "
            "from intermediate.int_duplicate_diffs x join marts.dim_documents d using (doc_id) "
            f"where d.duplicate_of is not null and {only_copies}",
            doc_ids,
            key="duplicate_of",
        ),
    ]
    entity_ids = [ids["entities"]]
    entities = [
        Source(queries.ENTITIES_SQL, entity_ids, "entity_id"),
        Source(queries.ENTITY_ALIASES_SQL, entity_ids, "entity_id"),
        Source(queries.ENTITY_STORIES_SQL, [ids["entities"], queries.MAX_ROWS], "entity_id"),
        Source(queries.ENTITY_OUTLETS_SQL, entity_ids, "entity_id"),
    ]
    return {"stories": stories, "docs": docs, "entities": entities}


def _hashes(con: duckdb.DuckDBPyConnection, source: Source, paged: list[str]) -> dict[str, str]:
    """Per page key, an order-independent hash of the query's rows (and of whether the entities they link
    are in `paged`, those with a page)."""
    ref = f", q.{source.ref} in ({_HAS_PAGE})" if source.ref else ""
    params = ([paged] if source.ref else []) + list(source.params)
    sql = f"select q.{source.key}, sum(hash(q{ref})), count(*) from ({source.sql}) q group by 1"
    return {str(k): f"{h}:{n}" for k, h, n in con.execute(sql, params).fetchall() if k is not None}


# Called with each page kind's fingerprints as soon as they are known (stories, outlets, documents,
# entities, in that order), and the number of pages being fingerprinted: the site renders a kind's
# changed pages while the next kinds are fingerprinted.
Ready = Callable[[str, dict[str, str], int], None]
ORDER = ("stories", "outlets", "docs", "entities")


def fingerprints(
    con: duckdb.DuckDBPyConnection,
    ids: dict[str, list[str]],
    outlets: Sequence[dict[str, Any]] = (),
    days: Sequence[dict[str, Any]] = (),
    ready: Ready | None = None,
) -> dict[str, dict[str, str]]:
    """Per page kind (KINDS), per page key of `ids` (entities: those with a page), a fingerprint.

    Outlet pages: one per row of `outlets` (`queries.outlets`), from `days` (`queries.outlet_days`)."""
    return _pages(con, ids, ids, {}, outlets, days, ready, restrict=False)


def refingerprint(
    con: duckdb.DuckDBPyConnection,
    ids: dict[str, list[str]],
    old: dict[str, dict[str, str]],
    keys: dict[str, set[str]],
    outlets: Sequence[dict[str, Any]] = (),
    days: Sequence[dict[str, Any]] = (),
    ready: Ready | None = None,
) -> tuple[dict[str, dict[str, str]], int, dict[str, list[int]]]:
    """`fingerprints`, computed only for the pages in `keys` (and the pages `old` has no fingerprint for),
    the other pages of `ids` keeping their fingerprint in `old`; also the number of pages fingerprinted,
    and the index counts of the stories fingerprinted (`queries.counts_of`)."""
    some = {
        kind: [k for k in ids[kind] if k in keys.get(kind, ()) or k not in old.get(kind, {})]
        for kind in ("stories", "docs", "entities")
    }
    # the documents' pages show their stories' titles, figures and claims: those stories computed too (the
    # change set names them, `changes.change_set`; a page new to `old` may not be in it)
    computed_for = sorted(set(some["stories"]) | queries.stories_of(con, some["docs"]))
    with computed_story_views(con, computed_for) as computed:
        out = _pages(con, some, ids, old, outlets, days, ready, restrict=True, computed=computed)
        counts = queries.counts_of(con, some["stories"], computed) if some["stories"] else {}
    return out, sum(len(v) for v in some.values()), counts


def _pages(
    con: duckdb.DuckDBPyConnection,
    some: dict[str, list[str]],
    ids: dict[str, list[str]],
    old: dict[str, dict[str, str]],
    outlets: Sequence[dict[str, Any]],
    days: Sequence[dict[str, Any]],
    ready: Ready | None,
    restrict: bool,
    computed: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Every page's fingerprint, in ORDER: those of `some` computed, the other pages of `ids` keeping
    theirs in `old` (`restrict`: see `sources`); outlet pages always computed (from the story pages')."""
    kind_sources = sources(con, some, restrict, computed)
    checked = sum(len(v) for v in some.values())
    out: dict[str, dict[str, str]] = {}
    for kind in ORDER:
        if kind == "outlets":
            out[kind] = outlet_fingerprints(con, out["stories"], outlets, days)
        else:
            fresh: dict[str, str] = {}
            if some[kind]:
                parts = [_hashes(con, s, ids["entities"]) for s in kind_sources[kind]]
                fresh = {key: _digest(key, [p.get(key, "") for p in parts]) for key in some[kind]}
            out[kind] = {k: fresh.get(k) or old[kind][k] for k in ids[kind]}
        if ready is not None:
            ready(kind, out[kind], checked)
    return out


def outlet_fingerprints(
    con: duckdb.DuckDBPyConnection,
    stories: dict[str, str],
    outlets: Sequence[dict[str, Any]],
    days: Sequence[dict[str, Any]],
) -> dict[str, str]:
    """Per outlet, a fingerprint of its row, its documents per day and the story pages of its stories."""
    covered: dict[str, list[str]] = defaultdict(list)
    for source, story_id in con.execute(_OUTLET_STORIES, [queries.MAX_ROWS]).fetchall():
        covered[source].append(f"{story_id}={stories.get(story_id, '')}")
    per_day: dict[str, list[str]] = defaultdict(list)
    for r in days:
        per_day[r["source"]].append(f"{r['day']}:{r['docs']}")
    return {
        o["source"]: _digest(
            o["source"], [repr(sorted(o.items())), *per_day[o["source"]], *sorted(covered[o["source"]])]
        )
        for o in outlets
    }


def _digest(key: str, parts: Sequence[str]) -> str:
    return hashlib.blake2b("\x1f".join([key, *parts]).encode("utf-8"), digest_size=10).hexdigest()


def changed(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str]]:
    """Of one kind's pages, (those to write, those to delete): new or changed fingerprints; keys no longer
    there."""
    return sorted(key for key, fp in new.items() if old.get(key) != fp), sorted(set(old) - set(new))
