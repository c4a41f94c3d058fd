"""Reading and writing the stories tables for `parallax.stories` (DuckDB in, Python structures out).

Documents to assign, their text, entities, headline mentions and entity names, archived document
frequencies, the candidate stories sharing terms with a batch (with their profiles), and writes:
story rows and documents moved by a split (logged in `int_story_moves`, with before-images for
rollback).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db
from parallax.story_terms import StoryProfile

STORIES = "intermediate.int_document_stories"
DOC_TERMS = "intermediate.int_story_doc_terms"
TERM_DF = "intermediate.int_story_term_df"
DUPLICATES = "intermediate.int_document_duplicates"
MENTIONS = "intermediate.int_mentions"
MOVES = "intermediate.int_story_moves"
# Entity labels that identify an event's participants and place.
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")
# Terms of a new document used to look up similar archived documents, and neighbours kept.
QUERY_TERMS = 40
NEIGHBOURS = 30


def with_ids(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    query: str,
    name: str,
    params: Sequence[object] | None = None,
) -> pa.Table:
    """Run `query` with the ids registered as table `name` (doc_id, ord); `params` are bound."""
    con.register(
        name,
        pa.table({"doc_id": pa.array(list(ids), pa.string()), "ord": pa.array(range(len(ids)), pa.int64())}),
    )
    try:
        return db.fetch_arrow(con, query, params)
    finally:
        con.unregister(name)


def pending(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Requested documents without a story, with their canonical document (themselves if none)."""
    return with_ids(
        con,
        ids,
        f"""
        select s.doc_id, coalesce(d.canonical_doc_id, s.doc_id) as canonical_doc_id,
               s.published_at, i.ord
        from staging.stg_documents s
        join _stories_ids i on i.doc_id = s.doc_id
        left join {DUPLICATES} d on d.doc_id = s.doc_id
        where not exists (select 1 from {STORIES} x where x.doc_id = s.doc_id)
        order by i.ord
        """,
        "_stories_ids",
    ).to_pylist()


def unassigned_canonicals(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    ids = sorted(set(ids))
    if not ids:
        return []
    rows = with_ids(
        con,
        ids,
        f"""
        select s.doc_id, s.doc_id as canonical_doc_id, s.published_at, -1 as ord
        from staging.stg_documents s
        join _stories_can i on i.doc_id = s.doc_id
        where not exists (select 1 from {STORIES} x where x.doc_id = s.doc_id)
        """,
        "_stories_can",
    ).to_pylist()
    return rows


def stories_of(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    tbl = with_ids(
        con,
        list(ids),
        f"select x.doc_id, x.story_id from {STORIES} x join _stories_of i on i.doc_id = x.doc_id",
        "_stories_of",
    )
    return dict(zip(tbl.column("doc_id").to_pylist(), tbl.column("story_id").to_pylist(), strict=True))


def documents(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    tbl = with_ids(
        con,
        ids,
        "select s.doc_id, s.title, s.body from staging.stg_documents s "
        "join _stories_docs i on i.doc_id = s.doc_id",
        "_stories_docs",
    )
    return {r["doc_id"]: r for r in tbl.to_pylist()}


def entities(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, Counter[str]]:
    """Entity mention counts per document from intermediate.int_mentions' bodies (empty when absent)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    con.register("_stories_labels", pa.table({"label": pa.array(ENTITY_LABELS, pa.string())}))
    try:
        tbl = with_ids(
            con,
            ids,
            f"""
            select m.doc_id, m.entity_id, count(*) as n
            from {MENTIONS} m
            join _stories_ment i on i.doc_id = m.doc_id
            join _stories_labels l on l.label = m.label
            where m.part = 'body'  -- as measured (title words already count TITLE_WEIGHT times)
            group by all
            """,
            "_stories_ment",
        )
    except duckdb.CatalogException:
        return out
    finally:
        con.unregister("_stories_labels")
    for r in tbl.to_pylist():
        out[r["doc_id"]][f"e:{r['entity_id']}"] += int(r["n"])
    return out


def document_frequencies(con: duckdb.DuckDBPyConnection, terms: Sequence[str]) -> tuple[dict[str, int], int]:
    """Archived document frequency of each term, and the archived document count."""
    con.register("_stories_terms", pa.table({"term": pa.array([*terms, ""], pa.string())}))
    try:
        tbl = db.fetch_arrow(
            con,
            f"select f.term, sum(f.df)::bigint as df from {TERM_DF} f "
            "join _stories_terms t on t.term = f.term group by f.term",
        )
    finally:
        con.unregister("_stories_terms")
    df = dict(zip(tbl.column("term").to_pylist(), tbl.column("df").to_pylist(), strict=True))
    n_docs = int(df.pop("", 0) or 0)
    return {t: int(v) for t, v in df.items()}, n_docs


def candidate_stories(
    con: duckdb.DuckDBPyConnection,
    vectors: dict[str, dict[str, float]],
    df: dict[str, int] | None = None,
    max_docs: int | None = None,
    since: datetime | None = None,
) -> dict[str, StoryProfile]:
    """Archived stories holding the nearest archived documents of any new document, with profiles
    (summed term weights, and for each term the number of the story's documents holding it).

    A term in more than `max_docs` documents (`df`) is not used to look up neighbours: it names
    no event, and its postings would make the lookup cost grow with the archive (template
    bulletins share every word). With `since` (a batch of dated documents: its earliest date less
    the story window), neighbours are looked up among documents published since then or undated:
    a story can only be joined through documents inside the window, and the lookup then reads the
    recent end of the table instead of the whole archive."""
    q_doc: list[str] = []
    q_term: list[str] = []
    q_w: list[float] = []
    for d, vec in vectors.items():
        usable = {t: w for t, w in vec.items() if df is None or max_docs is None or df.get(t, 0) <= max_docs}
        for t, w in sorted(usable.items(), key=lambda kv: -kv[1])[:QUERY_TERMS]:
            q_doc.append(d)
            q_term.append(t)
            q_w.append(w)
    if not q_doc:
        return {}
    con.register("_stories_q", pa.table({"doc_id": q_doc, "term": q_term, "weight": q_w}))
    try:
        # two plain scans (not one OR) so that each can skip row groups by their min/max and nulls
        postings = (
            f"select term, doc_id, weight from {DOC_TERMS} where published_at >= ? "
            f"union all select term, doc_id, weight from {DOC_TERMS} where published_at is null"
            if since is not None
            else f"select term, doc_id, weight from {DOC_TERMS}"
        )
        near = db.fetch_arrow(
            con,
            f"""
            with postings as ({postings}),
            scores as (
                select q.doc_id, t.doc_id as old_id, sum(q.weight * t.weight) as score
                from _stories_q q join postings t on t.term = q.term
                group by all
            )
            select distinct x.story_id
            from scores s join {STORIES} x on x.doc_id = s.old_id
            qualify row_number() over (partition by s.doc_id order by s.score desc, s.old_id) <= {NEIGHBOURS}
            """,
            [since] if since is not None else None,
        )
    finally:
        con.unregister("_stories_q")
    story_ids = near.column("story_id").to_pylist()
    if not story_ids:
        return {}
    con.register("_stories_sid", pa.table({"story_id": pa.array(story_ids, pa.string())}))
    try:
        prof = db.fetch_arrow(
            con,
            f"""
            select x.story_id, t.term, sum(t.weight) as weight, count(*) as n
            from {STORIES} x join _stories_sid s on s.story_id = x.story_id
            join {DOC_TERMS} t on t.doc_id = x.doc_id
            group by all
            """,
        ).to_pylist()
        dates = db.fetch_arrow(
            con,
            f"""
            select x.story_id, min(d.published_at) as first, max(d.published_at) as last
            from {STORIES} x join _stories_sid s on s.story_id = x.story_id
            join staging.stg_documents d on d.doc_id = x.doc_id
            group by all
            """,
        ).to_pylist()
    finally:
        con.unregister("_stories_sid")
    stories: dict[str, StoryProfile] = {}
    for r in prof:
        st = stories.setdefault(r["story_id"], StoryProfile(r["story_id"]))
        st.centroid[r["term"]] = float(r["weight"])
        st.holders[r["term"]] = int(r["n"])
    for st in stories.values():
        st.norm = math.sqrt(sum(w * w for w in st.centroid.values()))
    for r in dates:
        if r["story_id"] in stories:
            stories[r["story_id"]].first = r["first"]
            stories[r["story_id"]].last = r["last"]
    return stories


def move_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, moved: dict[str, tuple[str, float]], method: str = "split"
) -> None:
    """Move canonical documents (and their copies) to other stories, logging moves of earlier runs'
    rows; `method`: `split` (a story split off) or `merge` (a story found to hold the same event)."""
    con.register(
        "_split_moved",
        pa.table(
            {
                "doc_id": pa.array(list(moved), pa.string()),
                "story_id": pa.array([s for s, _ in moved.values()], pa.string()),
                "similarity": pa.array([x for _, x in moved.values()], pa.float64()),
            }
        ),
    )
    try:
        con.execute(
            f"""
            create or replace temp table _split_rows as
            select m.doc_id, m.story_id, m.similarity from _split_moved m
            union all
            select d.doc_id, m.story_id, null from {DUPLICATES} d
            join _split_moved m on m.doc_id = d.canonical_doc_id
            where d.doc_id <> d.canonical_doc_id
            """
        )
        # rollback restores the earlier runs' rows from their before-images; the moves are the log
        db.log_before_images(con, STORIES, "t.doc_id in (select doc_id from _split_rows)", run_id=run_id)
        con.execute(
            f"""
            insert into {MOVES} (
                doc_id, run_id, from_story_id, to_story_id, from_similarity, from_method, from_run_id
            )
            select x.doc_id, ?, x.story_id, r.story_id, x.similarity, x.method, x.run_id
            from {STORIES} x join _split_rows r using (doc_id)
            where x.run_id <> ? and x.story_id <> r.story_id
              and not exists (select 1 from {MOVES} v where v.doc_id = x.doc_id and v.run_id = ?)
            """,
            [run_id, run_id, run_id],
        )
        # a document this run moved before (split off, then merged): its one move row ends where it
        # ends now, and goes when that is where it came from
        con.execute(
            f"update {MOVES} v set to_story_id = r.story_id from _split_rows r "
            "where v.doc_id = r.doc_id and v.run_id = ?",
            [run_id],
        )
        con.execute(f"delete from {MOVES} where run_id = ? and from_story_id = to_story_id", [run_id])
        con.execute(
            f"""
            update {STORIES} x
            set story_id = r.story_id, similarity = r.similarity,
                method = case when x.method = 'duplicate' then 'duplicate' else ? end
            from _split_rows r where r.doc_id = x.doc_id
            """,
            [method],
        )
    finally:
        con.execute("drop table if exists _split_rows")
        con.unregister("_split_moved")


Members = tuple[
    dict[str, dict[str, float]], dict[str, set[str]], dict[str, int | None], dict[str, datetime | None]
]


def member_vectors(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[str], min_docs: int, max_docs: int
) -> Members:
    """The canonical members of the given stories that have between `min_docs` and `max_docs` of
    them: (document -> term vector, story -> documents, document -> text year, document -> publication
    time)."""
    vectors: dict[str, dict[str, float]] = defaultdict(dict)
    members: dict[str, set[str]] = defaultdict(set)
    years: dict[str, int | None] = {}
    published: dict[str, datetime | None] = {}
    if not story_ids:
        return vectors, members, years, published
    con.register("_member_sid", pa.table({"story_id": pa.array(list(story_ids), pa.string())}))
    try:
        rows = db.fetch_arrow(
            con,
            f"""
            with members as (
                select x.story_id, x.doc_id, x.text_year
                from {STORIES} x join _member_sid s using (story_id)
                where exists (select 1 from {DOC_TERMS} t where t.doc_id = x.doc_id)
                qualify count(*) over (partition by x.story_id) between ? and ?
            )
            select m.story_id, m.doc_id, m.text_year, t.term, t.weight, t.published_at
            from members m join {DOC_TERMS} t on t.doc_id = m.doc_id
            """,
            [min_docs, max_docs],
        )
    finally:
        con.unregister("_member_sid")
    for d, t, w in zip(*(rows.column(c).to_pylist() for c in ("doc_id", "term", "weight")), strict=True):
        vectors[d][t] = w
    # a document's story, year and time once per document, not per term (timestamps are slow to convert)
    per_doc = rows.group_by("doc_id").aggregate(
        [("story_id", "min"), ("text_year", "min"), ("published_at", "max")]
    )
    cols = ("doc_id", "story_id_min", "text_year_min", "published_at_max")
    for d, sid, y, p in zip(*(per_doc.column(c).to_pylist() for c in cols), strict=True):
        members[sid].add(d)
        years[d] = y
        published[d] = p
    return vectors, members, years, published


def write_stories(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    tbl = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("doc_id", pa.string()),
                ("story_id", pa.string()),
                ("similarity", pa.float64()),
                ("method", pa.string()),
                ("run_id", pa.string()),
                ("text_year", pa.int32()),
            ]
        ),
    )
    db.upsert_arrow(con, STORIES, tbl, ["doc_id"])


def mention_rows(con: duckdb.DuckDBPyConnection, ids: Sequence[str], part: str) -> list[dict[str, Any]]:
    """Mentions in one part ('title' or 'body') of the documents: doc_id, entity_id, surface_text,
    label and start_char (an offset into that part). Empty when int_mentions does not exist."""
    try:
        return with_ids(
            con,
            ids,
            f"""
            select m.doc_id, m.entity_id, m.surface_text, m.label, m.start_char
            from {MENTIONS} m join _stories_mrow i on i.doc_id = m.doc_id
            where m.part = ?
            """,
            "_stories_mrow",
            [part],
        ).to_pylist()
    except duckdb.CatalogException:
        return []


def story_headlines(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[str], labels: Sequence[str]
) -> dict[str, tuple[int, Counter[str]]]:
    """Per story: its articles (copies left out) and, for each entity (`e:<entity_id>`) that headlines
    of those articles name with one of `labels`, how many of the headlines name it."""
    if not story_ids:
        return {}
    rows = with_ids(
        con,
        story_ids,
        f"""
        with members as (
            select s.story_id, s.doc_id from {STORIES} s join _stories_sids i on i.doc_id = s.story_id
            where s.method <> 'duplicate'
        )
        select story_id, null as entity_id, count(*) as n from members group by all
        union all
        select b.story_id, m.entity_id, count(distinct m.doc_id) as n
        from members b join {MENTIONS} m on m.doc_id = b.doc_id
        where m.part = 'title' and m.label in (select unnest(?::varchar[])) and m.entity_id is not null
        group by all
        """,
        "_stories_sids",
        [list(labels)],
    ).to_pylist()
    out: dict[str, tuple[int, Counter[str]]] = {}
    for r in rows:
        if r["entity_id"] is None:
            out[r["story_id"]] = (int(r["n"]), out.get(r["story_id"], (0, Counter()))[1])
    for r in rows:
        if r["entity_id"] is not None and r["story_id"] in out:
            out[r["story_id"]][1][f"e:{r['entity_id']}"] = int(r["n"])
    return out


def entity_names(con: duckdb.DuckDBPyConnection, entity_ids: Sequence[str]) -> dict[str, str]:
    """Canonical name of each entity id that has one (empty when int_entities does not exist)."""
    con.register("_stories_eids", pa.table({"entity_id": pa.array(sorted(set(entity_ids)), pa.string())}))
    try:
        rows = db.fetch_arrow(
            con,
            """
            select e.entity_id, e.canonical_name from intermediate.int_entities e
            join _stories_eids i on i.entity_id = e.entity_id
            where e.canonical_name is not null
            """,
        ).to_pylist()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.unregister("_stories_eids")
    return {r["entity_id"]: r["canonical_name"] for r in rows}


def common_text_years(con: duckdb.DuckDBPyConnection, max_share: float) -> set[int]:
    """Text years (`int_document_stories.text_year`) written by more than `max_share` of the
    documents that have one."""
    rows = con.execute(
        f"""
        select text_year from {STORIES} where text_year is not null
        group by text_year having count(*) > ? * (select count(text_year) from {STORIES})
        """,
        [max_share],
    ).fetchall()
    return {int(r[0]) for r in rows}
