"""The rows of the list pages (`index.html`: every story, `entities.html`: every entity), in Python.

The lists grow with the archive and are rewritten every night; rendering their rows through Jinja cost
~0.7 s each at 20,000 articles, building the same markup here with markupsafe's `escape` (a Markup object
per value) ~0.3 s each, and with plain strings (`esc`, the same bytes) a fraction of that. The templates
insert the rows as they are (`rows`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from parallax.report import format_time
from parallax.site.names import Links


def iso(value: Any) -> str:
    """A date or time as ISO text (else empty)."""
    return value.isoformat() if hasattr(value, "isoformat") else ""


def day(value: Any) -> str:
    """A time's date as ISO text (a date as it is, else empty)."""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    return iso(value)


def esc(value: Any) -> str:
    """`value` as HTML text: the same characters replaced, the same way, as `markupsafe.escape`."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not _SPECIAL.search(text):
        return text
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


_SPECIAL = re.compile("[&<>'\"]")


def _join(items: Sequence[Any], sep: str) -> str:
    return esc(sep).join(esc(i) for i in items)


def story_rows(stories: Sequence[dict[str, Any]], links: Links) -> Markup:
    """The index's table rows, one per story of `story_index` (with `first_seen`, `last_seen`, `sources`)."""
    out = []
    for s in stories:
        title = esc((s["title"] or "").lower())
        sources = s["sources"]
        more = f" +{len(sources) - 6}" if len(sources) > 6 else ""
        conflicts = esc(s["conflicts"])
        flag = f'<span class="flag">{conflicts}</span>\n' if s["conflicts"] else "0"
        first, last, unique = s["first_seen"], s["last_seen"], esc(s["unique_entities"])
        docs, outlets = esc(s["doc_count"]), esc(s["source_count"])
        out.append(
            f'<tr data-title="{title}" data-sources="|{_join(sources, "|")}|"\n'
            f' data-last="{esc(day(last))}" data-first="{esc(day(first))}">\n'
            f'<td data-v="{title}"><a href="{esc(links.story(s["story_id"]))}">'
            f"{esc(s['title'] or s['story_id'])}</a></td>\n"
            f'<td class="src">{_join(sources[:6], ", ")}{more}</td>\n'
            f'<td class="num" data-v="{docs}">{docs}</td>\n'
            f'<td class="num" data-v="{outlets}">{outlets}</td>\n'
            f'<td data-v="{esc(iso(first))}">{esc(format_time(first))}</td>\n'
            f'<td data-v="{esc(iso(last))}">{esc(format_time(last))}</td>\n'
            f'<td class="num" data-v="{conflicts}">{flag}</td>\n'
            f'<td class="num" data-v="{unique}">{unique}</td></tr>\n'
        )
    return Markup("".join(out))


def entity_rows(entities: Sequence[dict[str, Any]], links: Links) -> Markup:
    """The entity list's table rows, one per entity of `queries.entities`."""
    out = []
    for e in entities:
        name = esc(e["canonical_name"])
        href = links.entity(str(e["entity_id"])) if e["entity_id"] is not None else None
        link = f'<a href="{esc(href)}">{name}</a>' if href else name
        out.append(
            f"<tr><td>{link}</td>"
            f"<td>{esc(e['label'])}</td>\n"
            f'<td class="num">{esc(e["doc_count"])}</td><td class="num">{esc(e["source_count"])}</td>'
            f'<td class="num">{esc(e["story_count"])}</td>\n'
            f'<td class="note">{_join((e["aliases"] or [])[:8], ", ")}</td></tr>'
        )
    return Markup("".join(out))
