"""The outlet pages' lists: per outlet, the stories its page lists, the entities it alone names in
them and its figures other outlets contradict, computed for every outlet (or those named) at once.

Each list reads only the outlet's newest `queries.MAX_ROWS` stories, so an outlet page costs the same
whatever the size of the outlet's archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from parallax.site import queries
from parallax.site.queries import MIN_COMPARED_SOURCES, grouped

# The outlet queries read every outlet (`sources` None) or only the outlets named; `{where}` is one of
# the two fixed filters below, never data (the outlet names are a bound parameter).
ALL_OUTLETS = "true"
SOME_OUTLETS = "{col} in (select unnest(?::varchar[]))"


def _outlets_where(col: str, sources: Sequence[str] | None) -> tuple[str, list[Any]]:
    if sources is None:
        return ALL_OUTLETS, []
    return SOME_OUTLETS.format(col=col), [list(sources)]


# Per outlet, the stories its page lists: its newest MAX_ROWS (by its latest document), with the story's
# title, sources and the outlet's documents in it. The page's unique entities and disagreeing figures are
# taken from these stories too, so an outlet page costs the same whatever the size of the outlet's
# archive (all of an outlet's stories are in the index, filterable by outlet; the marts views hold every
# row). Computed once per build into a temporary table (`RECENT_TABLE`) the three lists read: the stories
# view it joins is computed over the whole file.
RECENT_SQL = """
        select d.source, d.story_id, max(coalesce(d.published_at, d.ingested_at)) as last_at,
            any_value(s.title) as title, any_value(s.source_count) as source_count, count(*) as docs
        from marts.dim_documents d join marts.dim_stories s using (story_id)
        where {where}
        group by d.source, d.story_id
        qualify row_number() over (partition by d.source order by last_at desc, d.story_id) <= ?
        """
RECENT_TABLE = "parallax_outlet_recent"

OUTLET_STORIES_SQL = f"""
        select source, story_id, title, source_count, docs, last_at from {RECENT_TABLE}
        order by source, last_at desc, story_id
        """

# Those of the stories another source covers too (`compared`), as the argument of a comparison view's
# `_for` macro: the lists below read only those stories' rows.
_RECENT_STORY_IDS = (
    f"coalesce((select list(distinct story_id) from {RECENT_TABLE} "
    f"where source_count >= {MIN_COMPARED_SOURCES}), [])"
)

OUTLET_UNIQUE_ENTITIES_SQL = f"""
        select v.sources_with[1] as source, v.story_id, r.title, v.entity_id, v.canonical_name, v.label,
            v.mention_count, v.story_source_count
        from marts.rpt_entity_divergence_for({_RECENT_STORY_IDS}) v
        join {RECENT_TABLE} r on r.source = v.sources_with[1] and r.story_id = v.story_id
        where v.coverage = 'unique' and len(v.sources_with) = 1
            and v.story_source_count >= {MIN_COMPARED_SOURCES}
        qualify row_number() over (partition by v.sources_with[1] order by v.mention_count desc, v.story_id,
            v.entity_id) <= ?
        order by source, v.mention_count desc, v.story_id, v.entity_id
        """

OUTLET_DISAGREEMENTS_SQL = f"""
        with facts as materialized (  -- the view is computed once, not once per side of the join
            select story_id, source, measure, unit, value_text, sentence, is_conflict
            from marts.rpt_fact_comparison_for({_RECENT_STORY_IDS}) where measure is not null
        ),
        -- an outlet's first MAX_ROWS conflicting figures, capped before they are joined with the other
        -- outlets' figures (a story of many outlets made that join quadratic: 4.8 s at 20,000 articles)
        conflicts as (
            select * from (select distinct f.source, f.story_id, r.title, f.measure, f.unit, f.value_text,
                    f.sentence
                from facts f join {RECENT_TABLE} r on r.source = f.source and r.story_id = f.story_id
                where f.is_conflict)
            qualify row_number() over (partition by source
                order by story_id, measure, unit nulls first, value_text, sentence nulls first) <= ?
        )
        select a.source, a.story_id, a.title, a.measure, a.unit, a.value_text, a.sentence,
            string_agg(distinct b.source || ': ' || b.value_text, '; '
                order by b.source || ': ' || b.value_text) as others
        from conflicts a
        join facts b on b.story_id = a.story_id and b.measure = a.measure
            and b.unit is not distinct from a.unit and b.source <> a.source
        group by a.source, a.story_id, a.title, a.measure, a.unit, a.value_text, a.sentence
        order by a.source, a.story_id, a.measure, a.unit nulls first, a.value_text, a.sentence nulls first
        """


@dataclass
class OutletLists:
    """Per outlet: the stories its page lists (newest first), the entities it alone names in those of them
    other outlets cover too, and its figures there that conflict with other outlets' for the same
    measure."""

    stories: dict[str, list[dict[str, Any]]]
    unique: dict[str, list[dict[str, Any]]]
    conflicts: dict[str, list[dict[str, Any]]]


def outlet_lists(con: duckdb.DuckDBPyConnection, sources: Sequence[str] | None = None) -> OutletLists:
    """The lists of the outlet pages of `sources` (default all), each capped at `queries.MAX_ROWS`."""
    where, params = _outlets_where("d.source", sources)
    con.execute(
        f"create or replace temp table {RECENT_TABLE} as {RECENT_SQL.format(where=where)}",
        [*params, queries.MAX_ROWS],
    )
    try:
        return OutletLists(
            grouped(con, OUTLET_STORIES_SQL, "source"),
            grouped(con, OUTLET_UNIQUE_ENTITIES_SQL, "source", [queries.MAX_ROWS]),
            grouped(con, OUTLET_DISAGREEMENTS_SQL, "source", [queries.MAX_ROWS]),
        )
    finally:
        con.execute(f"drop table if exists {RECENT_TABLE}")
