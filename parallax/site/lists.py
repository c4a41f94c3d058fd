"""The rows of the list pages (`index.html`: every story, `entities.html`: every entity), built in SQL.

The lists grow with the archive and are rewritten every night. Rendering their rows through Jinja cost
~0.7 s each at 20,000 articles; building them in Python with plain strings still cost 0.14-0.23 s each,
plus 0.15-0.25 s to turn the rows into Python objects first. DuckDB builds the same markup in the query
that reads the rows (one string per story, one string for every entity), escaped the same way as
`markupsafe.escape` and linked the same way as `names.page` (`tests/test_site_lists.py` checks both
against the Python functions). The templates insert the rows as they are.

An index row ends with the story's comparison counts, which are read after the rows
(`queries.story_counts`): the query builds each row up to them (`STORY_ROW_HEAD`) and `story_rows`
appends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

_NL = "chr(10)"


def esc_sql(expr: str) -> str:
    """SQL for `expr` (text) as HTML text: the characters `markupsafe.escape` replaces, replaced the same
    way (null stays null)."""
    return (
        f"replace(replace(replace(replace(replace({expr}, '&', '&amp;'), '>', '&gt;'), '<', '&lt;'), "
        f"'''', '&#39;'), '\"', '&#34;')"
    )


def slug_sql(expr: str) -> str:
    """SQL for `names.slug` of the key `expr`: the key when plain, else its safe part and a hash."""
    safe = f"trim(regexp_replace({expr}, '[^A-Za-z0-9_-]+', '_', 'g'), '_')"
    digest = f"left(sha1({expr}), 10)"
    return (
        f"case when regexp_full_match({expr}, '[A-Za-z0-9_-]{{1,80}}') then {expr} "
        f"when {safe} = '' then {digest} else left({safe}, 60) || '-' || {digest} end"
    )


def page_sql(kind: str, expr: str) -> str:
    """SQL for `names.page(kind, key)` of the key `expr` (`kind`: one of `names.KINDS`, a constant)."""
    return f"'{kind}/' || {slug_sql(expr)} || '.html'"


def iso_sql(expr: str) -> str:
    """SQL for a time zone-aware timestamp as Python's `isoformat` writes it (the session's time zone,
    microseconds when not zero, the offset as +HH:MM); null as ''."""
    offset = f"(timezone_hour({expr}) * 60 + timezone_minute({expr}))"
    return (
        f"coalesce(strftime({expr}, '%Y-%m-%dT%H:%M:%S') "
        f"|| case when microsecond({expr}) % 1000000 <> 0 then strftime({expr}, '.%f') else '' end "
        f"|| case when {offset} < 0 then '-' else '+' end "
        f"|| lpad(cast(abs({offset}) // 60 as varchar), 2, '0') || ':' "
        f"|| lpad(cast(abs({offset}) % 60 as varchar), 2, '0'), '')"
    )


def day_sql(expr: str) -> str:
    """SQL for a timestamp's date as ISO text (null as '')."""
    return f"coalesce(strftime({expr}, '%Y-%m-%d'), '')"


def minute_sql(expr: str) -> str:
    """SQL for `report.format_time` of a timestamp: `YYYY-MM-DD HH:MM` (null as '')."""
    return f"coalesce(strftime({expr}, '%Y-%m-%d %H:%M'), '')"


def joined_sql(expr: str, sep: str, first: int | None = None) -> str:
    """SQL for the texts of the list `expr` (its `first` ones), escaped and joined by `sep` (a constant
    without HTML specials)."""
    items = f"list_slice(coalesce({expr}, []), 1, {first})" if first else f"coalesce({expr}, [])"
    return f"array_to_string(list_transform({items}, lambda x: {esc_sql('x')}), '{sep}')"


def _story_row_head(s: str) -> str:
    title = esc_sql(f"lower(coalesce({s}.title, ''))")
    first = f"coalesce({s}.first_published_at, {s}.first_seen_at)"
    last = f"coalesce({s}.last_published_at, {s}.last_seen_at)"
    shown = f"coalesce(nullif({s}.title, ''), {s}.story_id)"
    more = f"case when len({s}.sources) > 6 then ' +' || cast(len({s}.sources) - 6 as varchar) else '' end"
    sources = joined_sql(f"{s}.sources", "|")
    parts = [
        f"'<tr data-title=\"', {title}, '\" data-sources=\"|', {sources}, '|\"', {_NL}",
        f"' data-last=\"', {day_sql(last)}, '\" data-first=\"', {day_sql(first)}, '\">', {_NL}",
        f"'<td data-v=\"', {title}, '\"><a href=\"', {esc_sql(page_sql('stories', f'{s}.story_id'))}, '\">'",
        f"{esc_sql(shown)}, '</a></td>', {_NL}",
        f"'<td class=\"src\">', {joined_sql(f'{s}.sources', ', ', 6)}, {more}, '</td>', {_NL}",
        f"'<td class=\"num\" data-v=\"', {s}.doc_count, '\">', {s}.doc_count, '</td>', {_NL}",
        f"'<td class=\"num\" data-v=\"', {s}.source_count, '\">', {s}.source_count, '</td>', {_NL}",
        f"'<td data-v=\"', {iso_sql(first)}, '\">', {minute_sql(first)}, '</td>', {_NL}",
        f"'<td data-v=\"', {iso_sql(last)}, '\">', {minute_sql(last)}, '</td>', {_NL}",
    ]
    return "concat(" + ", ".join(parts) + ")"


# The index row of the story `s` (a `marts.dim_stories` row) up to its comparison counts (HTML).
STORY_ROW_HEAD = _story_row_head("s")


def story_rows(stories: Sequence[dict[str, Any]]) -> Markup:
    """The index's table rows: each story's `row_head` (`STORY_ROW_HEAD`) and its `conflicts` and
    `unique_entities` (`queries.story_counts`)."""
    out = []
    for s in stories:
        conflicts, unique = int(s["conflicts"] or 0), int(s["unique_entities"] or 0)
        flag = f'<span class="flag">{conflicts}</span>\n' if conflicts else "0"
        out.append(
            f'{s["row_head"]}<td class="num" data-v="{conflicts}">{flag}</td>\n'
            f'<td class="num" data-v="{unique}">{unique}</td></tr>\n'
        )
    return Markup("".join(out))


def entity_row_sql(e: str, paged: str) -> str:
    """SQL for the entity list's row of the entity `e` (a `marts.dim_entities` row), linked to its page
    when `paged` (an SQL condition) holds."""
    name = esc_sql(f"{e}.canonical_name")
    link = (
        f"case when {e}.entity_id is not null and {paged} then "
        f"'<a href=\"' || {esc_sql(page_sql('entities', f'{e}.entity_id'))} || '\">' || {name} || '</a>' "
        f"else {name} end"
    )
    parts = [
        f"'<tr><td>', {link}, '</td>'",
        f"'<td>', {esc_sql(f'{e}.label')}, '</td>', {_NL}",
        f"'<td class=\"num\">', {e}.doc_count, '</td><td class=\"num\">', {e}.source_count, '</td>'",
        f"'<td class=\"num\">', {e}.story_count, '</td>', {_NL}",
        f"'<td class=\"note\">', {joined_sql(f'{e}.aliases', ', ', 8)}, '</td></tr>'",
    ]
    return "concat(" + ", ".join(parts) + ")"
