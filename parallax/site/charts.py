"""Charts drawn offline by Plotly's JavaScript library, shipped inside the `plotly` package.

The site writes `assets/plotly.min.js` once (from `plotly.offline.get_plotlyjs()`, no download) and each
page with a chart loads it by a relative path, so `file://` works and no request leaves the machine.
A chart is a `<div>` plus its figure as JSON (Plotly's figure format, written here as plain dicts:
building `plotly.graph_objects` figures costs milliseconds each, too slow for 10,000 story pages).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from markupsafe import Markup

ASSET = "assets/plotly.min.js"
# Outlets drawn as their own line on the coverage chart; the rest are summed as "other outlets".
TOP_OUTLETS = 8

# Plotly is loaded with `defer` (the page's tables are parsed and usable before its 4.8 MB are); the
# charts are drawn once it has run.
_RUNNER = """<script>
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('div.chart').forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.id + '-spec').textContent);
    if (window.Plotly) { Plotly.newPlot(el, spec.data, spec.layout, {displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ['toImage']}); }
    else { el.textContent = 'Chart unavailable: ' + el.dataset.asset + ' is missing.'; }
  });
});
</script>"""


def write_asset(site_dir: Path) -> Path:
    """Write Plotly's bundled JavaScript into the site (once per build)."""
    from plotly.offline import get_plotlyjs

    path = site_dir / ASSET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(get_plotlyjs(), encoding="utf-8")
    return path


def _json(value: Any) -> str:
    def default(v: Any) -> str:
        if isinstance(v, dt.date | dt.datetime):
            return v.isoformat()
        return str(v)

    # "</" would end the <script> element holding the JSON
    return json.dumps(value, default=default, separators=(",", ":")).replace("</", "<\\/")


def chart(chart_id: str, title: str, data: list[dict[str, Any]], y_title: str, height: int = 320) -> Markup:
    """One chart: its container and its figure (the page's `scripts(prefix)` draws it)."""
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "xaxis": {"type": "date", "tickformat": "%Y-%m-%d"},
        "legend": {"orientation": "h"},
    }
    return Markup(
        '<div class="chart" id="{id}" data-asset="{asset}" role="img" aria-label="{title}"></div>'
        '<script type="application/json" id="{id}-spec">{spec}</script>'
    ).format(id=chart_id, asset=ASSET, title=title, spec=Markup(_json({"data": data, "layout": layout})))


def scripts(prefix: str) -> Markup:
    """Script tags that load Plotly (relative to the page) and draw every chart of the page."""
    return Markup('<script defer src="{src}"></script>').format(src=prefix + ASSET) + Markup(_RUNNER)


def _line(name: str, xs: list[Any], ys: list[Any]) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines+markers", "name": name, "x": xs, "y": ys}


def outlet_coverage(rows: list[dict[str, Any]], only: str | None = None) -> Markup | None:
    """Documents per outlet per day: the largest outlets as lines, the rest summed (or one outlet)."""
    by_source: dict[str, dict[Any, int]] = defaultdict(dict)
    for r in rows:
        if only is None or r["source"] == only:
            by_source[r["source"]][r["day"]] = int(r["docs"])
    if not by_source:
        return None
    ranked = sorted(by_source, key=lambda s: (-sum(by_source[s].values()), s))
    lines = []
    for source in ranked[:TOP_OUTLETS]:
        days = sorted(by_source[source])
        lines.append(_line(source, days, [by_source[source][d] for d in days]))
    rest: dict[Any, int] = defaultdict(int)
    for source in ranked[TOP_OUTLETS:]:
        for day, n in by_source[source].items():
            rest[day] += n
    if rest:
        days = sorted(rest)
        lines.append(_line(f"{len(ranked) - TOP_OUTLETS} other outlets", days, [rest[d] for d in days]))
    if all(len(line["x"]) == 1 for line in lines):  # one day: points on an empty axis read badly
        for line in lines:
            line["type"] = "bar"
            line.pop("mode")
    title = "Documents per day" + (f" from {only}" if only else " by outlet")
    return chart("coverage", title, lines, "documents")


def nightly_growth(rows: list[dict[str, Any]]) -> Markup | None:
    """Stories known and documents added, night by night."""
    if not rows:
        return None
    nights = [r["night"] for r in rows]
    data = [
        _line("stories known", nights, [int(r["stories"]) for r in rows]),
        {"type": "bar", "name": "documents added", "x": nights, "y": [int(r["docs"]) for r in rows]},
    ]
    return chart("growth", "Growth across nights", data, "count")


def story_growth(rows: list[dict[str, Any]]) -> Markup | None:
    """One story's documents, night by night (only for a story seen on two nights or more)."""
    if len(rows) < 2:
        return None
    nights = [r["night"] for r in rows]
    data = [
        _line("documents so far", nights, [int(r["total"]) for r in rows]),
        {"type": "bar", "name": "added that night", "x": nights, "y": [int(r["docs"]) for r in rows]},
    ]
    return chart("story-growth", "How the story grew", data, "documents", height=260)
