"""One self-contained HTML page comparing the sources of a story (no external CSS, JS, fonts or images).

Sections: the story's documents and sources; an entity x source coverage heatmap (mention counts,
darker = more mentions, blank = the source does not name the entity); entity divergence (consensus /
majority / minority / unique); figures side by side with conflicts flagged; attributions (who did or said
what) with conflicts flagged; source similarity; changes since the previous run. Every value is
HTML-escaped (jinja2 autoescape).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, Template, select_autoescape
from markupsafe import Markup, escape

# Heatmap rows shown (entities ordered by how many sources name them, then mentions); the rest is
# summarized in a note - a long tail of one-mention names makes the page unreadable, not more useful.
MAX_HEATMAP_ENTITIES = 80
MAX_TABLE_ROWS = 500


class UnknownStoryError(LookupError):
    """The story id is not in marts.dim_stories."""


@dataclass
class Heatmap:
    sources: list[str]
    rows: list[dict[str, Any]]
    hidden: int
    max_count: int


class Row(dict[str, Any]):
    """A result row whose columns templates read as attributes (`row.title`) without Jinja's slow
    attribute-then-item fallback (thousands of pages render a million lookups)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    result = con.execute(sql, params)
    names = [d[0] for d in result.description]
    return [Row(zip(names, r, strict=True)) for r in result.fetchall()]


def _heatmap(coverage: list[dict[str, Any]], divergence: list[dict[str, Any]], sources: list[str]) -> Heatmap:
    by_entity: dict[str, dict[str, Any]] = {}
    for d in divergence:
        by_entity[d["entity_id"]] = {
            "entity_id": d["entity_id"],
            "name": d["canonical_name"] or d["entity_id"],
            "label": d["label"] or "",
            "coverage": d["coverage"],
            "total": int(d["mention_count"] or 0),
            "n_sources": int(d["source_count"] or 0),
            "cells": {},
        }
    for c in coverage:
        row = by_entity.get(c["entity_id"])
        if row is not None:
            row["cells"][c["source"]] = {
                "count": int(c["mention_count"]),
                "share": c["first_appearance_share"],
                "sentence": c["first_sentence_index"],
            }
    ordered = sorted(
        by_entity.values(), key=lambda r: (-r["n_sources"], -r["total"], r["name"].lower(), r["entity_id"])
    )
    shown = ordered[:MAX_HEATMAP_ENTITIES]
    max_count = max((cell["count"] for r in shown for cell in r["cells"].values()), default=1)
    for r in shown:
        for cell in r["cells"].values():
            # 0.15 .. 1.0 intensity on a square-root scale so one mention is still visible
            cell["alpha"] = round(0.15 + 0.85 * (cell["count"] / max_count) ** 0.5, 3)
            cell["dark"] = cell["alpha"] > 0.6
    return Heatmap(sources, shown, len(ordered) - len(shown), max_count)


def story_data(con: duckdb.DuckDBPyConnection, story_id: str) -> dict[str, Any]:
    """Everything the page shows, read from the marts views."""
    data = stories_data(con, [story_id])
    if story_id not in data:
        raise UnknownStoryError(f"unknown story: {story_id!r} (see `parallax stories`)")
    return data[story_id]


def _grouped(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Rows of `sql` grouped by their story_id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in _records(con, sql, params):
        out.setdefault(r.pop("story_id"), []).append(r)
    return out


def _ranked(order: str) -> str:
    """Keep each story's first MAX_TABLE_ROWS rows in `order` (one query for many stories)."""
    return f"qualify row_number() over (partition by story_id order by {order}) <= ?"


# Story views that have a `<view>_for(story_ids)` table macro (sql/marts/<view>_for.sql).
STORY_MACROS = (
    "dim_stories",
    "rpt_entity_coverage",
    "rpt_entity_divergence",
    "rpt_fact_comparison",
    "rpt_attribution_comparison",
    "rpt_story_changes",
)


def story_view(view: str, ids: str, computed: Mapping[str, str] | None = None) -> str:
    """The relation holding the rows of story view `view` (one of STORY_MACROS) for the stories of the SQL
    list expression `ids`: the table `computed` names for it (rows for at least those stories: the
    site's `fingerprints.computed_story_views`), else the view's macro."""
    return (computed or {}).get(view) or f"marts.{view}_for({ids})"


def _story_rows(view: str, story_ids: Sequence[str] | None, computed: Mapping[str, str] | None) -> str:
    """`story_queries`' source of view `view`'s rows (with a where clause): every row, or those of the
    stories in the query's first parameter (the macro takes it, a computed table is filtered by it)."""
    if story_ids is None:
        return f"marts.{view} where true"
    if computed and view in computed:
        return f"{computed[view]} where story_id in (select unnest(?::varchar[]))"
    return f"marts.{view}_for(?::varchar[]) where true"


def story_queries(
    story_ids: Sequence[str] | None = None, computed: Mapping[str, str] | None = None
) -> dict[str, tuple[str, list[Any]]]:
    """Every query a story page reads, by name: (SQL, parameters), rows keyed by `story_id` (for the
    stories `story_ids`, or all). The site fingerprints a story's page by the same queries.

    `computed`: per view of STORY_MACROS, a table holding its rows for (at least) `story_ids`, read
    instead of the view's macro (the site computes them once for the pages it fingerprints)."""
    where = "true" if story_ids is None else "story_id in (select unnest(?::varchar[]))"
    ids: list[Any] = [] if story_ids is None else [list(story_ids)]
    # the story views of some stories: their macro, which reads only those stories' documents, or the
    # table computed from it (same parameter, in the same place as `where`'s)
    rows = {v: _story_rows(v, story_ids, computed) for v in STORY_MACROS}
    # Each order is total (a page's bytes must not depend on the query plan) and its columns are selected
    # (the site fingerprints a page by its rows: an order that changes must change them).
    fact_order = (
        "is_conflict desc, is_background, measure nulls last, fact_type, source, start_char, doc_id, part, "
        "end_char"
    )
    # one row per measure given by two sources or more: each source's figures side by side
    measure_order = (
        "case status when 'conflict' then 0 when 'update' then 1 else 2 end, source_count desc, measure, "
        "unit nulls first"
    )
    attribution_order = (
        "is_conflict desc, topic nulls last, predicate, polarity, source, attribution_index, doc_id"
    )
    similarity_order = "text_similarity desc nulls last, doc_a, doc_b"
    change_order = "item_kind, change, item_label, source, old_value, new_value, change_type"
    ranked = [*ids, MAX_TABLE_ROWS]
    queries = {
        "stories": ("select * from {dim_stories}", ids),
        "documents": (
            "select story_id, doc_id, source, title, word_count, published_at, ingested_at, duplicate_of, "
            "is_canonical, path from marts.dim_documents where {where} "
            "order by story_id, is_canonical desc, source, doc_id",
            ids,
        ),
        "coverage": ("select * from {rpt_entity_coverage}", ids),
        "divergence": (
            "select * from {rpt_entity_divergence} "
            "order by story_id, case coverage when 'consensus' then 0 when 'majority' then 1 "
            "when 'minority' then 2 else 3 end, mention_count desc, canonical_name, entity_id",
            ids,
        ),
        "facts": (
            "select story_id, source, fact_type, measure, measure_evidence, value_text, normalized_value, "
            "lower_value, upper_value, unit, sentence, is_background, is_update, is_conflict, "
            "sources_agreeing, sources_reporting_measure, start_char, doc_id, part, end_char "
            "from {rpt_fact_comparison} " + _ranked(fact_order) + f" order by story_id, {fact_order}",
            ranked,
        ),
        "measures": (
            "select story_id, measure, unit, "
            "case when bool_or(is_conflict) then 'conflict' when bool_or(is_update) then 'update' "
            "else 'agree' end as status, count(distinct source) as source_count, "
            "list(source || ': ' || value_text order by source, start_char, value_text) as figures "
            "from {rpt_fact_comparison} and sources_reporting_measure > 1 "
            "group by story_id, measure, unit "
            + _ranked(measure_order)
            + f" order by story_id, {measure_order}",
            ranked,
        ),
        "attributions": (
            "select story_id, predicate, topic, polarity, source, actor_name, actor_entity_id, kind, cue, "
            "quote, sentence, is_conflict, attribution_index, doc_id from {rpt_attribution_comparison} "
            + _ranked(attribution_order)
            + f" order by story_id, {attribution_order}",
            ranked,
        ),
        "similarity": (
            "select story_id, source_a, source_b, doc_a, doc_b, text_similarity, entity_jaccard, "
            "shared_entity_count from marts.rpt_source_similarity where {where} "
            + _ranked(similarity_order)
            + f" order by story_id, {similarity_order}",
            ranked,
        ),
        "changes": (
            "select story_id, run_id, change_type, item_label, source, old_value, new_value "
            "from {rpt_story_changes} and is_latest and previous_run_id is not null "
            + _ranked(change_order)
            + f" order by story_id, {change_order}",
            ranked,
        ),
    }
    return {name: (sql.format(where=where, **rows), params) for name, (sql, params) in queries.items()}


def stories_data(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """`story_data` of many stories (every story when `story_ids` is None) with one query per view."""
    read = {name: _grouped(con, sql, params) for name, (sql, params) in story_queries(story_ids).items()}
    stories, documents, coverage = read["stories"], read["documents"], read["coverage"]
    divergence, facts, measures = read["divergence"], read["facts"], read["measures"]
    attributions, similarity, changes = read["attributions"], read["similarity"], read["changes"]
    out: dict[str, dict[str, Any]] = {}
    for story_id, (story,) in stories.items():
        story["story_id"] = story_id
        docs = documents.get(story_id, [])
        sources = sorted({d["source"] for d in docs if d["is_canonical"]})
        divergence_rows = divergence.get(story_id, [])
        for d in divergence_rows:
            d["story_id"] = story_id
        out[story_id] = {
            "story": story,
            "documents": docs,
            "sources": sources,
            "heatmap": _heatmap(coverage.get(story_id, []), divergence_rows, sources),
            "divergence": divergence_rows,
            "facts": facts.get(story_id, []),
            "measures": measures.get(story_id, []),
            "attributions": attributions.get(story_id, []),
            "similarity": similarity.get(story_id, []),
            "changes": changes.get(story_id, []),
        }
    return out


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parallax — {{ story.title or story.story_id }}</title>
<style>
:root{--ink:#1d2433;--muted:#5b6475;--line:#d5dae3;--head:#f2f4f8;--heat:31,94,173;--bad:#b42318}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1280px;
padding:0 16px;color:var(--ink)}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:32px 0 8px;border-bottom:2px solid var(--line)}
.meta{color:var(--muted)} .note{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.conflict td{background:#fdecea} .flag{color:var(--bad);font-weight:700}
#heatmap{width:auto} #heatmap td.cell{width:56px;text-align:center;font-variant-numeric:tabular-nums}
#heatmap td.cell.dark{color:#fff} #heatmap th.source{writing-mode:vertical-rl;transform:rotate(180deg);
max-height:180px;white-space:nowrap}
.pill{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:var(--head)}
.consensus{background:#dcf2e3} .majority{background:#e4ecfa}
.minority{background:#fdf2d8} .unique{background:#fde3e1}
.sentence{color:var(--muted);font-size:13px}
{{ head }}</style></head><body>
{{ header }}<header>
<h1 id="story-title">{{ story.title or story.story_id }}</h1>
<p class="meta">Story <code id="story-id">{{ story.story_id }}</code> ·
{{ story.canonical_doc_count }} documents compared
{%- if story.doc_count > story.canonical_doc_count %} (+{{ story.doc_count - story.canonical_doc_count }}
copies){% endif %} ·
{{ story.source_count }} sources · {{ story.entity_count }} entities ·
first seen {{ fmt_time(story.first_seen_at) }}</p>
</header>

<h2>Sources</h2>
<table id="documents"><thead><tr><th>source</th><th>title</th><th>words</th><th>published</th>
<th>document</th><th>status</th></tr></thead><tbody>
{% for d in documents %}<tr data-doc="{{ d.doc_id }}"><td>{{ link(source_href, d.source, d.source) }}</td>
<td>{{ d.title or '' }}</td>
<td class="num">{{ d.word_count if d.word_count is not none else '' }}</td>
<td>{{ fmt_time(d.published_at) }}</td>
<td>{{ link(doc_href, d.doc_id, d.doc_id, code=true) }}</td>
<td>{% if d.duplicate_of %}copy of {{ link(doc_href, d.duplicate_of, d.duplicate_of, code=true) }}
{%- elif d.is_canonical %}compared
{% else %}not cleaned{% endif %}</td></tr>
{% endfor %}</tbody></table>

<h2>Who is named where</h2>
<p class="note">Mentions per source; darker = more mentions, blank = the source does not name the entity.
Hover a cell for where the entity first appears.</p>
<table id="heatmap"><thead><tr><th>entity</th><th>coverage</th>
{% for s in heatmap.sources %}<th class="source" data-source="{{ s }}">{{ s }}</th>{% endfor %}
</tr></thead><tbody>
{% for r in heatmap.rows %}<tr data-entity="{{ r.entity_id }}"><th scope="row">
{{- link(entity_href, r.entity_id, r.name) }}
<span class="note">{{ r.label }}</span></th>
<td><span class="pill {{ r.coverage }}">{{ r.coverage }}</span></td>
{% for s in heatmap.sources %}{% set c = r.cells.get(s) %}{% if c %}
<td class="cell{{ ' dark' if c.dark else '' }}"
 data-source="{{ s }}" data-count="{{ c.count }}" style="background:rgba(var(--heat),{{ c.alpha }})"
 title="{{ r.name }} in {{ s }}: {{ c.count }} mention{{ '' if c.count == 1 else 's' }}, first at
 {{ '%.0f' % (100 * c.share) if c.share is not none else '?' }}% of the text">{{ c.count }}</td>
{% else %}<td class="cell empty" data-source="{{ s }}" data-count="0"></td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody></table>
{% if heatmap.hidden %}<p class="note">{{ heatmap.hidden }} more entities named by fewer sources are not shown
(see marts.rpt_entity_coverage).</p>{% endif %}

<h2>Divergence</h2>
<table id="divergence"><thead><tr><th>entity</th><th>label</th><th>coverage</th><th>named by</th>
<th>not named by</th><th>mentions</th></tr></thead><tbody>
{% for d in divergence %}<tr data-entity="{{ d.entity_id }}" data-coverage="{{ d.coverage }}">
<td>{{ link(entity_href, d.entity_id, d.canonical_name) }}</td><td>{{ d.label }}</td>
<td><span class="pill {{ d.coverage }}">{{ d.coverage }}</span></td>
<td>{{ d.sources_with|join(', ') }}</td><td>{{ d.sources_without|join(', ') }}</td>
<td class="num">{{ d.mention_count }}</td></tr>
{% else %}<tr><td colspan="6">No entities extracted.</td></tr>{% endfor %}</tbody></table>

<h2>Figures</h2>
<p class="note">Measures two sources or more give, side by side: <b>conflict</b> when their values cannot all
be true (bounds and rounding taken into account), <b>update</b> when a later article gives a higher toll.</p>
<table id="measures"><thead><tr><th>measure</th><th>unit</th><th>sources</th><th>figures</th><th>status</th>
</tr></thead><tbody>
{% for m in measures %}<tr class="{{ 'conflict' if m.status == 'conflict' else '' }}"
 data-status="{{ m.status }}">
<td>{{ m.measure }}</td><td>{{ m.unit or '' }}</td><td class="num">{{ m.source_count }}</td>
<td>{{ m.figures|join('; ') }}</td>
<td>{% if m.status == 'conflict' %}<span class="flag">conflict</span>{% else %}{{ m.status }}{% endif %}
</td></tr>
{% else %}<tr><td colspan="5">No measure is given by two sources.</td></tr>{% endfor %}</tbody></table>
<table id="facts"><thead><tr><th>measure</th><th>type</th><th>source</th><th>figure</th><th>value</th>
<th>bounds</th><th>unit</th><th>sentence</th><th>differs</th></tr></thead><tbody>
{% for f in facts %}<tr class="{{ 'conflict' if f.is_conflict else '' }}"
 data-conflict="{{ f.is_conflict|lower }}" title="{{ f.measure_evidence or '' }}">
<td>{{ f.measure or '' }}</td><td>{{ f.fact_type }}</td><td>{{ f.source }}</td><td>{{ f.value_text }}</td>
<td class="num">{{ fmt_num(f.normalized_value) }}</td>
<td class="num">{% if f.lower_value != f.upper_value %}{{ fmt_num(f.lower_value) if f.lower_value is not none
else '…' }} – {{ fmt_num(f.upper_value) if f.upper_value is not none else '…' }}{% endif %}</td>
<td>{{ f.unit or '' }}</td>
<td class="sentence">{{ f.sentence or '' }}</td>
<td>{% if f.is_conflict %}<span class="flag">differs</span> ({{ f.sources_agreeing }} of
{{ f.sources_reporting_measure }} sources){% elif f.is_update %}update{% elif f.is_background %}background
{% endif %}</td></tr>
{% else %}<tr><td colspan="9">No figures extracted.</td></tr>{% endfor %}</tbody></table>

<h2>Who did or said what</h2>
<table id="attributions"><thead><tr><th>predicate</th><th>topic</th><th>source</th><th>actor</th><th>kind</th>
<th>sentence</th><th>conflict</th></tr></thead><tbody>
{% for a in attributions %}<tr class="{{ 'conflict' if a.is_conflict else '' }}"
 data-conflict="{{ a.is_conflict|lower }}" data-polarity="{{ a.polarity }}">
<td>{% if a.polarity == 'negated' %}<b>not</b> {% endif %}{{ a.predicate }}</td><td>{{ a.topic or '' }}</td>
<td>{{ a.source }}</td><td>{{ a.actor_name }}</td><td>{{ a.kind }}{% if a.cue %} ({{ a.cue }}){% endif %}</td>
<td class="sentence">{{ a.sentence or a.quote or '' }}</td>
<td>{% if a.is_conflict %}<span class="flag">different actors</span>{% endif %}</td></tr>
{% else %}<tr><td colspan="7">No attributions extracted.</td></tr>{% endfor %}</tbody></table>

<h2>How alike the sources are</h2>
<table id="similarity"><thead><tr><th>source</th><th>source</th><th>text similarity</th>
<th>entity Jaccard</th><th>shared entities</th></tr></thead><tbody>
{% for p in similarity %}<tr><td>{{ p.source_a }}</td><td>{{ p.source_b }}</td>
<td class="num">{{ fmt_num(p.text_similarity) }}</td><td class="num">{{ fmt_num(p.entity_jaccard) }}</td>
<td class="num">{{ p.shared_entity_count }}</td></tr>
{% else %}<tr><td colspan="5">Only one document.</td></tr>{% endfor %}</tbody></table>

{% if changes or show_changes %}<h2>Changes since the previous run</h2>
<table id="changes"><thead><tr><th>run</th><th>change</th><th>item</th><th>source</th><th>before</th>
<th>now</th></tr></thead><tbody>{% for c in changes %}<tr><td><code>{{ c.run_id }}</code></td>
<td>{{ c.change_type }}</td>
<td>{{ c.item_label or '' }}</td><td>{{ c.source or '' }}</td><td>{{ c.old_value or '' }}</td>
<td>{{ c.new_value or '' }}</td></tr>{% else %}<tr><td colspan="6">No change since the previous run (or no
previous run).</td></tr>{% endfor %}</tbody></table>{% endif %}
{{ footer }}

<p class="note">Generated by parallax from the marts views on {{ generated }}.</p>
</body></html>
"""


def format_time(value: Any) -> str:
    """A timestamp as `YYYY-MM-DD HH:MM` (other values as text, None as empty)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def format_number(value: Any) -> str:
    """A number as the report shows it: thousands separated above 1,000, else 4 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


Href = Callable[[str], str | None]


def html_link(href: Href | None, key: Any, text: Any, code: bool = False) -> Markup:
    """`text` (escaped) as a link to `href(key)` when there is such a page, else as plain text."""
    shown = Markup("<code>%s</code>") % text if code else escape("" if text is None else text)
    target = href(str(key)) if href is not None and key is not None else None
    return Markup('<a href="%s">%s</a>') % (target, shown) if target else Markup(shown)


@functools.lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_TEMPLATE)


def render_story(
    data: dict[str, Any],
    *,
    doc_href: Href | None = None,
    entity_href: Href | None = None,
    source_href: Href | None = None,
    head: str = "",
    header: str = "",
    footer: str = "",
    show_changes: bool = False,
) -> str:
    """The report page of one story's `story_data`; the site passes link makers (a page's href or None)
    and trusted HTML for the head (CSS), header (navigation) and footer (charts)."""
    return _template().render(
        **data,
        fmt_time=format_time,
        fmt_num=format_number,
        link=html_link,
        doc_href=doc_href,
        entity_href=entity_href,
        source_href=source_href,
        head=Markup(head),
        header=Markup(header),
        footer=Markup(footer),
        show_changes=show_changes,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def render_report(con: duckdb.DuckDBPyConnection, story_id: str) -> str:
    """The report page for one story, as HTML text."""
    return render_story(story_data(con, story_id))


def write_report(con: duckdb.DuckDBPyConnection, story_id: str, out_path: Path | str) -> Path:
    """Write the report page for `story_id` to `out_path` (parent folders created); returns the path."""
    html = render_report(con, story_id)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
