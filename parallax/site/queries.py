"""Batched reads of the published file for the site: one query per page type, never one per page.

Every function returns plain rows (dicts), grouped by the page key where a page needs many rows.
Row caps (`MAX_ROWS`) keep a page readable and the site's size linear in the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from parallax.report import Row, story_view
from parallax.site import lists

# Rows shown per list on one entity or outlet page: the newest (the index lists every story, filterable
# by outlet; the marts views hold every row). A common entity's or a large outlet's page is rewritten
# on most nights, so what it shows is what such a night costs: at 300 rows the 30-article night on a
# 20,000-article archive spent 7.5-8.0 s in the site, at 100 6.2-6.4 s (3,000 articles: 3.0-3.5 s, 2.9-3.1).
MAX_ROWS = 100
# Entities with at least this many documents get their own page (others are listed without one).
ENTITY_PAGE_MIN_DOCS = 2
# A comparison needs a second source: an entity only one outlet names, a figure another outlet
# contradicts. Stories of fewer sources have no comparison rows and are not read (714 of the 10,248
# stories of 20,000 Reuters articles have two or more).
MIN_COMPARED_SOURCES = 2


def compared(source_count: int | None) -> bool:
    """Whether a story of `source_count` sources can have comparison rows."""
    return (source_count or 0) >= MIN_COMPARED_SOURCES


def records(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of a query as dicts."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [Row(zip(names, r, strict=True)) for r in result.fetchall()]


def grouped(
    con: duckdb.DuckDBPyConnection, sql: str, key: str, params: Sequence[Any] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Rows of a query grouped by column `key` (kept in query order)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records(con, sql, params):
        out.setdefault(r[key], []).append(r)
    return out


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether `schema.name` exists (older published files may lack an audit table)."""
    sql = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    row = con.execute(sql, [schema, name]).fetchone()
    return bool(row and row[0])


# (`row_head`: the story's index row up to its counts, `lists.story_rows`)
STORY_INDEX_SQL = f"""
select s.story_id, s.title, s.source_count, s.doc_count, {lists.STORY_ROW_HEAD} as row_head
from marts.dim_stories s
order by coalesce(s.last_published_at, s.last_seen_at) desc nulls last, s.story_id
"""


def story_counts_sql(computed: Mapping[str, str] | None = None) -> str:
    """Per story of the list `$ids` (null: every story), its conflicts (figures and claims), the entities
    one of its sources alone names, and its sources: the comparisons read through their macros, or from
    `computed` (per story view, a table of its rows for the stories `$ids`: see `report.story_queries`)."""
    views = ("rpt_fact_comparison", "rpt_attribution_comparison", "rpt_entity_divergence", "dim_stories")
    rel = {v: story_view(v, "$ids", computed) for v in views}
    return f"""
with fact_conflicts as (
    select story_id, count(distinct coalesce(measure, '') || '|' || coalesce(unit, '')) as n
    from {rel["rpt_fact_comparison"]} where is_conflict group by story_id
),
claim_conflicts as (
    select story_id, count(distinct predicate || '|' || coalesce(topic, '') || '|' || polarity) as n
    from {rel["rpt_attribution_comparison"]} where is_conflict group by story_id
),
unique_entities as (
    select story_id, count(*) as n from {rel["rpt_entity_divergence"]}
    where coverage = 'unique' and story_source_count >= {MIN_COMPARED_SOURCES} group by story_id
)
select s.story_id, coalesce(f.n, 0) + coalesce(c.n, 0) as conflicts, coalesce(u.n, 0) as unique_entities,
    s.source_count
from {rel["dim_stories"]} s
left join fact_conflicts f using (story_id)
left join claim_conflicts c using (story_id)
left join unique_entities u using (story_id)
where $ids is null or s.story_id in (select unnest($ids))
"""


def counts_of(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[str], computed: Mapping[str, str] | None = None
) -> dict[str, list[int]]:
    """Per story of `story_ids`, its index counts ([conflicts, unique_entities]; a story of one source has
    none: both counts compare sources), read as `story_counts_sql(computed)` reads them."""
    found = con.execute(story_counts_sql(computed), {"ids": list(story_ids)}).fetchall()
    return {str(k): [int(c), int(u)] if compared(n) else [0, 0] for k, c, u, n in found}


def story_index(con: duckdb.DuckDBPyConnection, counts: bool = True) -> list[dict[str, Any]]:
    """Every story with its sources, counts, first/last seen and conflict counts (unless not `counts`:
    `story_counts` adds them), newest first."""
    rows = records(con, STORY_INDEX_SQL)
    if counts:
        story_counts(con, rows)
    return rows


def story_counts(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], known: dict[str, list[int]] | None = None
) -> None:
    """Set `conflicts` and `unique_entities` on the rows of `story_index`: from `known` ([conflicts,
    unique_entities] per story) when there, else read (only for those stories, and only those of more
    than one source: 7% of the 10,248 stories of 20,000 Reuters articles)."""
    known = known or {}
    # both counts compare sources: a story of one source has none, and is not read
    missing = [r["story_id"] for r in rows if r["story_id"] not in known and compared(r["source_count"])]
    if missing:
        ids = None if len(missing) == len(rows) else missing
        found = con.execute(story_counts_sql(), {"ids": ids}).fetchall()
        known = {**known, **{str(k): [int(c), int(u)] for k, c, u, _ in found}}
    for r in rows:
        r["conflicts"], r["unique_entities"] = known.get(r["story_id"], [0, 0])


STORY_GROWTH_SQL = """
        with nightly as (
            select d.story_id, coalesce(r.run_date, cast(d.ingested_at as date)) as night, count(*) as docs
            from marts.dim_documents d left join audit.runs r using (run_id)
            where d.story_id in (select unnest(?::varchar[])) group by all
        )
        select story_id, night, docs, sum(docs) over (partition by story_id order by night) as total
        from nightly
        where story_id in (select story_id from nightly group by story_id having count(*) > 1)
        order by story_id, night
        """


def story_growth(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Per story of `ids`, documents added per night (run date) - only stories seen on two nights or more."""
    if not has_table(con, "audit", "runs"):
        return {}
    return grouped(
        con,
        STORY_GROWTH_SQL,
        "story_id",
        [list(ids)],
    )


def nightly_totals(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per night: new documents, new stories and the running story total."""
    return records(
        con,
        """
        -- (a story's first night from its documents: marts.dim_stories.first_seen_at is their first
        -- ingestion, and the view would count every story's entities too)
        with docs as (select story_id, cast(ingested_at as date) as night from marts.dim_documents),
        firsts as (select story_id, min(night) as night from docs group by all),
        per_night as (select night, count(*) as docs from docs group by all),
        stories as (select night, count(*) as stories from firsts group by all)
        select coalesce(d.night, s.night) as night, coalesce(d.docs, 0) as docs,
            coalesce(s.stories, 0) as new_stories,
            sum(coalesce(s.stories, 0)) over (order by coalesce(d.night, s.night)) as stories
        from per_night d full join stories s using (night) order by night
        """,
    )


OUTLET_DAYS_SQL = (
    "select source, cast(coalesce(published_at, ingested_at) as date) as day, count(*) as docs "
    "from marts.dim_documents where is_canonical group by all order by source, day"
)


def outlet_days(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Canonical documents per outlet per day (published date, else the ingest date)."""
    return records(con, OUTLET_DAYS_SQL)


DOCUMENTS_SQL = (
    "select doc_id, source, path, record, title, body, word_count, story_id, duplicate_of, "
    "duplicate_method, is_canonical, published_at, ingested_at, url, language, run_id "
    "from marts.dim_documents where {where} order by doc_id"
)


def documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Documents (all, or `doc_ids`) with their text and story."""
    where = "true" if doc_ids is None else "doc_id in (select unnest(?::varchar[]))"
    return records(con, DOCUMENTS_SQL.format(where=where), [] if doc_ids is None else [list(doc_ids)])


def doc_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every document id, sorted."""
    return [r[0] for r in con.execute("select doc_id from marts.dim_documents order by doc_id").fetchall()]


# The comparisons are read through their macros for the documents' stories only (a document's rows
# are those of its story's comparison).
def doc_marks_sql(computed: Mapping[str, str] | None = None) -> str:
    """Spans to highlight in the documents of the list `?`: mentions, figures (with whether they conflict in
    their story) and claims. `computed`: per story view, a table holding its rows for (at least) the
    documents' stories, read instead of the view's macro (`report.story_queries`)."""
    facts, claims = (
        story_view(v, "(select ids from stories)", computed)
        for v in ("rpt_fact_comparison", "rpt_attribution_comparison")
    )
    return f"""
        with docs as (select unnest(?::varchar[]) as doc_id),
        stories as (
            select coalesce(list(distinct story_id), []) as ids from marts.dim_documents
            where doc_id in (select doc_id from docs)
        )
        select doc_id, 'm' as kind, part, start_char, end_char, entity_id as ref,
            label || ': ' || surface_text as note, false as is_conflict
        from marts.fct_mentions where doc_id in (select doc_id from docs)
        union all
        select doc_id, 'f', part, start_char, end_char, null,
            fact_type || coalesce(' / ' || measure, '') || coalesce(' ' || unit, ''), is_conflict
        from {facts}
        where doc_id in (select doc_id from docs)
        union all
        select a.doc_id, 'c', a.part, a.start_char, a.end_char, a.actor_entity_id,
            coalesce(r.actor_name, a.actor_text, '?') || ' - ' || case when a.polarity = 'negated'
            then 'not ' else '' end || a.predicate || coalesce(' ' || a.topic, ''),
            coalesce(r.is_conflict, false)
        from intermediate.int_attributions a
        left join {claims} r using (doc_id, attribution_index)
        where a.doc_id in (select doc_id from docs)
        -- marks of one span in a fixed order (a page's bytes must not depend on the plan)
        order by doc_id, start_char, end_char desc, part, kind, note, ref
        """


_DOC_STORIES_SQL = (
    "select distinct story_id from marts.dim_documents "
    "where doc_id in (select unnest(?::varchar[])) and story_id is not null"
)


def stories_of(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> set[str]:
    """The stories of the documents `doc_ids`."""
    return {str(r[0]) for r in con.execute(_DOC_STORIES_SQL, [list(doc_ids)]).fetchall()}


def doc_marks(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Spans to highlight per document: mentions (m), figures (f) and claims (c), with offsets by part."""
    return grouped(
        con,
        doc_marks_sql(),
        "doc_id",
        [list(ids)],
    )


DOC_COPIES_SQL = (
    "select d.duplicate_of as canonical, d.doc_id, d.source, d.title, d.duplicate_method, "
    "x.jaccard, x.containment from marts.dim_documents d "
    "left join intermediate.int_document_duplicates x using (doc_id) "
    "where d.duplicate_of in (select unnest(?::varchar[])) order by canonical, d.source, d.doc_id"
)


def doc_copies(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Per canonical document, its copies (exact or near duplicates) with how similar they are."""
    return grouped(con, DOC_COPIES_SQL, "canonical", [list(ids)])


DOC_DIFFS_SQL = (
    "select doc_id, change_index, change_type, before_text, after_text "
    "from intermediate.int_duplicate_diffs where doc_id in (select unnest(?::varchar[])) "
    "order by doc_id, change_index"
)


def doc_diffs(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Per copy, what it changed against its canonical document."""
    return grouped(con, DOC_DIFFS_SQL, "doc_id", [list(ids)])


_ENTITY_ORDER = "doc_count desc, canonical_name, entity_id"
# (the entities of the list `?` only: their macro reads only their mentions)
ENTITIES_SQL = (
    "select entity_id, canonical_name, label, aliases, doc_count, source_count, story_count, "
    f"mention_count from marts.dim_entities_for(?::varchar[]) order by {_ENTITY_ORDER}"
)


def entities(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The canonical entities `ids`, most documents first."""
    return records(con, ENTITIES_SQL, [list(ids)])


@dataclass(frozen=True)
class EntityList:
    """The entity list (`entities.html`): how many entities, the ids of those with a page (named in
    ENTITY_PAGE_MIN_DOCS documents or more), most documents first, and the list's rows (HTML)."""

    count: int
    paged: list[str]
    rows: str


_PAGED = "e.doc_count >= $min_docs"
ENTITY_LIST_SQL = f"""
select count(*),
    coalesce(list(e.entity_id order by {_ENTITY_ORDER}) filter (where {_PAGED}), []),
    coalesce(string_agg({lists.entity_row_sql("e", _PAGED)}, '' order by {_ENTITY_ORDER}), '')
from marts.dim_entities e
"""


def entity_list(con: duckdb.DuckDBPyConnection) -> EntityList:
    """Every canonical entity, as the entity list shows it (`EntityList`)."""
    row = con.execute(ENTITY_LIST_SQL, {"min_docs": ENTITY_PAGE_MIN_DOCS}).fetchone()
    count, paged, rows = row if row else (0, [], "")
    return EntityList(int(count), [str(k) for k in paged], str(rows))


_PAGED_ENTITIES = "select unnest(?::varchar[])"


ENTITY_ALIASES_SQL = (
    "select entity_id, alias, method, confidence, evidence from intermediate.int_entity_aliases "
    f"where entity_id in ({_PAGED_ENTITIES}) order by entity_id, confidence desc, alias"
)


def entity_aliases(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Aliases of entities `ids`: how each surface form was linked and why."""
    return grouped(con, ENTITY_ALIASES_SQL, "entity_id", [list(ids)])


# Coverage is read through its macro for the stories naming the entities only.
ENTITY_STORIES_SQL = f"""
        with wanted as ({_PAGED_ENTITIES} as entity_id),
        firsts as (
            select m.entity_id, m.story_id,
                -- (sources of equal times by name: a page's bytes must not depend on the plan)
                first(m.source order by coalesce(d.published_at, d.ingested_at), m.source) as first_source
            from marts.fct_mentions m join marts.dim_documents d using (doc_id)
            where m.entity_id in (select entity_id from wanted) and m.story_id is not null group by all
        ),
        stories as (select coalesce(list(distinct story_id), []) as ids from firsts)
        -- the story's rank on the page is a column: a page's fingerprint changes with its order
        select c.entity_id, c.story_id, s.title, s.source_count as story_sources,
            list(c.source order by c.source) as sources, sum(c.mention_count) as mentions,
            any_value(f.first_source) as first_source,
            row_number() over (partition by c.entity_id order by s.last_seen_at desc, c.story_id) as rank
        from marts.rpt_entity_coverage_for((select ids from stories)) c
        join marts.dim_stories_for((select ids from stories)) s using (story_id)
        left join firsts f on f.entity_id = c.entity_id and f.story_id = c.story_id
        where c.entity_id in (select entity_id from wanted)
        group by c.entity_id, c.story_id, s.title, s.source_count, s.last_seen_at
        qualify rank <= ?
        order by c.entity_id, rank
        """


def entity_stories(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Per entity of `ids`: stories naming it, which outlets do, and which outlet named it first."""
    return grouped(
        con,
        ENTITY_STORIES_SQL,
        "entity_id",
        [list(ids), MAX_ROWS],
    )


ENTITY_OUTLETS_SQL = f"""
        select m.entity_id, m.source, count(*) as mentions, count(distinct m.doc_id) as docs,
            min(coalesce(d.published_at, d.ingested_at)) as first_at
        from marts.fct_mentions m join marts.dim_documents d using (doc_id)
        where m.entity_id in ({_PAGED_ENTITIES})
        group by all order by m.entity_id, first_at, m.source
        """


def entity_outlets(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Per entity of `ids`: each outlet naming it, how often, and when it first did."""
    return grouped(
        con,
        ENTITY_OUTLETS_SQL,
        "entity_id",
        [list(ids)],
    )


OUTLETS_SQL = (
    "select source, count(*) filter (where is_canonical) as docs, count(*) as versions, "
    "count(distinct story_id) as stories, min(coalesce(published_at, ingested_at)) as first_at, "
    "max(coalesce(published_at, ingested_at)) as last_at from marts.dim_documents "
    "group by source order by docs desc, source"
)


def outlets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every outlet with its document and story counts and first/last document."""
    return records(con, OUTLETS_SQL)


def runs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every run, newest first, with its validation summary."""
    if not has_table(con, "audit", "runs"):
        return []
    validation = has_table(con, "audit", "validation_runs")
    join = "left join audit.validation_runs v using (run_id)" if validation else ""
    cols = "v.expectations, v.failed as expectations_failed" if validation else "null, null"
    return records(
        con,
        "select r.run_id, r.run_date, r.started_at, r.finished_at, r.status, r.files_seen, r.files_new, "
        "r.files_rejected, r.documents_new, r.validation_success, r.publish_status, r.model, "
        f"r.model_version, r.error, {cols} from audit.runs r {join} order by r.started_at desc",
    )


def data_version(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """What the pages other than the run history show depends on: the last successful run that read new
    input (new or changed files, documents or rejections) and the document count. A night that read
    nothing new leaves every story, document, entity and outlet page as it was."""
    if not has_table(con, "audit", "runs"):
        return [None, 0]
    row = con.execute(
        "select max(run_id) from audit.runs where status = 'success' and (coalesce(files_new, 0) > 0 "
        "or coalesce(documents_new, 0) > 0 or coalesce(files_rejected, 0) > 0)"
    ).fetchone()
    docs = con.execute("select count(*) from marts.dim_documents").fetchone()
    return [row[0] if row else None, int(docs[0]) if docs else 0]


def rejected_files(con: duckdb.DuckDBPyConnection, limit: int = 2000) -> list[dict[str, Any]]:
    """The most recent rejected inputs with their reasons."""
    if not has_table(con, "audit", "rejected_files"):
        return []
    return records(
        con,
        "select path, record, reason, detail, run_id, rejected_at from audit.rejected_files "
        "order by rejected_at desc nulls last, path limit ?",
        [limit],
    )


def rejected_reasons(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """How many inputs were rejected for each reason."""
    if not has_table(con, "audit", "rejected_files"):
        return []
    return records(
        con, "select reason, count(*) as files from audit.rejected_files group by reason order by files desc"
    )
