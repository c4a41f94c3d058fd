"""The rows of the list pages (`index.html`: every story, `entities.html`: every entity), in Python.

The lists grow with the archive and are rewritten every night; rendering their rows through Jinja cost
~0.7 s each at 20,000 articles, building the same markup here a fraction of that. The templates insert
the rows as they are (`rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from parallax.report import format_time, html_link
from parallax.site.names import Links


def iso(value: Any) -> str:
    """A date or time as ISO text (else empty)."""
    return value.isoformat() if hasattr(value, "isoformat") else ""


def day(value: Any) -> str:
    """A time's date as ISO text (a date as it is, else empty)."""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    return iso(value)


def _join(items: Sequence[Any], sep: str) -> str:
    return str(escape(sep).join(escape(i) for i in items))


def story_rows(stories: Sequence[dict[str, Any]], links: Links) -> Markup:
    """The index's table rows, one per story of `story_index` (with `first_seen`, `last_seen`, `sources`)."""
    out = []
    for s in stories:
        title = escape((s["title"] or "").lower())
        sources = s["sources"]
        more = f" +{len(sources) - 6}" if len(sources) > 6 else ""
        conflicts = s["conflicts"]
        flag = f'<span class="flag">{escape(conflicts)}</span>\n' if conflicts else "0"
        first, last, unique = s["first_seen"], s["last_seen"], escape(s["unique_entities"])
        out.append(
            f'<tr data-title="{title}" data-sources="|{_join(sources, "|")}|"\n'
            f' data-last="{escape(day(last))}" data-first="{escape(day(first))}">\n'
            f'<td data-v="{title}"><a href="{escape(links.story(s["story_id"]))}">'
            f"{escape(s['title'] or s['story_id'])}</a></td>\n"
            f'<td class="src">{_join(sources[:6], ", ")}{more}</td>\n'
            f'<td class="num" data-v="{escape(s["doc_count"])}">{escape(s["doc_count"])}</td>\n'
            f'<td class="num" data-v="{escape(s["source_count"])}">{escape(s["source_count"])}</td>\n'
            f'<td data-v="{escape(iso(first))}">{escape(format_time(first))}</td>\n'
            f'<td data-v="{escape(iso(last))}">{escape(format_time(last))}</td>\n'
            f'<td class="num" data-v="{escape(conflicts)}">{flag}</td>\n'
            f'<td class="num" data-v="{unique}">{unique}</td></tr>\n'
        )
    return Markup("".join(out))


def entity_rows(entities: Sequence[dict[str, Any]], links: Links) -> Markup:
    """The entity list's table rows, one per entity of `queries.entities`."""
    out = []
    for e in entities:
        out.append(
            f"<tr><td>{html_link(links.entity, e['entity_id'], e['canonical_name'])}</td>"
            f"<td>{escape(e['label'])}</td>\n"
            f'<td class="num">{escape(e["doc_count"])}</td><td class="num">{escape(e["source_count"])}</td>'
            f'<td class="num">{escape(e["story_count"])}</td>\n'
            f'<td class="note">{_join((e["aliases"] or [])[:8], ", ")}</td></tr>'
        )
    return Markup("".join(out))
