"""Jinja templates of the site's pages (the story pages reuse `parallax.report`'s template).

Everything is inline (CSS, the filter/sort script); charts load the shared Plotly asset by a relative
path. Every value is HTML-escaped (autoescape); trusted fragments are passed as `Markup`.
"""

from __future__ import annotations

CSS = """
:root{--ink:#1d2433;--muted:#5b6475;--line:#d5dae3;--head:#f2f4f8;--bad:#b42318;--link:#1f5ead}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto 24px;max-width:1280px;
padding:0 16px;color:var(--ink)}
a{color:var(--link)} h1{font-size:22px;margin:12px 0 4px} h2{font-size:17px;margin:28px 0 8px;
border-bottom:2px solid var(--line)}
.meta{color:var(--muted)} .note{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.conflict td{background:#fdecea} .flag{color:var(--bad);font-weight:700}
.chart{min-height:260px;margin:8px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
"""

NAV_CSS = """
nav.site{display:flex;gap:16px;align-items:baseline;padding:10px 0;border-bottom:1px solid #d5dae3;
margin-bottom:8px;font-size:14px} nav.site b{margin-right:8px}
"""

NAV = """<nav class="site"><b>Parallax</b><a href="{{ links.root('index.html') }}">Stories</a>
<a href="{{ links.root('entities.html') }}">Entities</a><a href="{{ links.root('outlets.html') }}">Outlets</a>
<a href="{{ links.root('runs.html') }}">Runs</a><span class="note">built {{ generated }}</span></nav>"""

BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parallax — {{ page_title }}</title>
<style>{{ css }}{{ nav_css }}{% block css %}{% endblock %}</style></head><body>
{% include "nav.html" %}
{% block body %}{% endblock %}
{{ chart_scripts }}
</body></html>
"""

INDEX = """{% extends "base.html" %}
{% block css %}
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin:12px 0}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
th[data-sort]{cursor:pointer;user-select:none} th[data-sort]:after{content:" ↕";color:#aab}
th.asc:after{content:" ↑"} th.desc:after{content:" ↓"} td.src{font-size:12px}
{% endblock %}
{% block body %}
<h1>Stories</h1>
<p class="meta">{{ story_count }} stories from {{ outlet_count }} outlets; newest first. Conflicts: figures
or claims where outlets cannot all be right. Unique entities: named by one outlet only, in a story others
cover.</p>
<div class="charts">{% for c in charts %}{{ c }}{% endfor %}</div>
<form class="filters" id="filters" onsubmit="return false">
<label>title contains<input id="q" type="search" placeholder="words in the title"></label>
<label>source<select id="source"><option value="">any source</option>
{% for o in outlets %}<option value="{{ o }}">{{ o }}</option>{% endfor %}</select></label>
<label>last seen from<input id="from" type="date"></label><label>to<input id="to" type="date"></label>
<span class="note"><span id="shown">{{ story_count }}</span> shown</span>
</form>
<table id="stories"><thead><tr><th data-sort="text">title</th><th>sources</th>
<th data-sort="num">documents</th><th data-sort="num">outlets</th><th data-sort="text">first seen</th>
<th data-sort="text" class="desc">last seen</th><th data-sort="num">conflicts</th>
<th data-sort="num">unique entities</th></tr></thead><tbody>
{{ rows }}</tbody></table>
<script>
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#stories tbody tr'));
  var q = document.getElementById('q'), src = document.getElementById('source');
  var from = document.getElementById('from'), to = document.getElementById('to');
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), s = src.value, n = 0;
    rows.forEach(function (tr) {
      var d = tr.dataset, ok = words.every(function (w) { return d.title.indexOf(w) >= 0; });
      if (ok && s) { ok = d.sources.indexOf('|' + s + '|') >= 0; }
      if (ok && from.value) { ok = d.last >= from.value; }
      if (ok && to.value) { ok = d.first <= to.value; }
      tr.hidden = !ok; if (ok) { n++; }
    });
    document.getElementById('shown').textContent = n;
  }
  [q, src, from, to].forEach(function (el) { el.addEventListener('input', apply); });
  document.querySelectorAll('#stories th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = th.cellIndex, num = th.dataset.sort === 'num', asc = !th.classList.contains('asc');
      document.querySelectorAll('#stories th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(asc ? 'asc' : 'desc');
      var body = document.querySelector('#stories tbody');
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var c = num ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
        return asc ? c : -c;
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
})();
</script>
{% endblock %}
"""

DOCUMENT = """{% extends "base.html" %}
{% block css %}
.text{white-space:pre-wrap;line-height:1.6;max-width:900px;border:1px solid var(--line);padding:12px 16px}
mark{background:none;padding:0} mark.mention{background:#e4ecfa;border-bottom:2px solid #7aa2e3}
mark.figure{background:#fdf2d8;font-weight:600} mark.claim{text-decoration:underline wavy #8a63d2}
mark.conflict{background:#fde3e1} .legend mark{margin-right:8px}
{% endblock %}
{% block body %}
<h1 id="doc-title">{{ title_html }}</h1>
<p class="meta">Document <code>{{ d.doc_id }}</code> · <a href="{{ links.outlet(d.source) }}">{{ d.source
}}</a>
{% if d.story_id %} · story <a id="story-link" href="{{ links.story(d.story_id) }}">{{ story_title or
d.story_id }}</a>{% endif %}
{% if d.published_at %} · published {{ fmt_time(d.published_at) }}{% endif %} · ingested {{
fmt_time(d.ingested_at) }}
{% if d.word_count is not none %} · {{ d.word_count }} words{% endif %}{% if d.language %} · {{ d.language
}}{% endif %}</p>
<p class="note">Input <code>{{ d.path }}{% if d.record is not none %} #{{ d.record }}{% endif %}</code>
{% if d.url %} · URL <code>{{ d.url }}</code>{% endif %}</p>
{% if d.duplicate_of %}<p>A {{ d.duplicate_method or '' }} copy of
<a href="{{ links.doc(d.duplicate_of) }}">{{ d.duplicate_of }}</a>: not extracted itself; its changes are
listed
below.</p>{% endif %}
<p class="legend note"><mark class="mention">entity</mark><mark class="figure">figure</mark>
<mark class="claim">claim</mark><mark class="conflict">in conflict with another outlet</mark>
{{ counts.m }} mentions, {{ counts.f }} figures, {{ counts.c }} claims.</p>
<div class="text" id="doc-body">{{ body_html }}</div>
{% if diffs %}<h2>Changes against the original</h2>
<table id="diffs"><thead><tr><th>change</th><th>original</th><th>this copy</th></tr></thead><tbody>
{% for c in diffs %}<tr><td>{{ c.change_type }}</td><td>{{ c.before_text or '' }}</td><td>{{ c.after_text
or '' }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% if copies %}<h2>Copies of this document</h2>
<table id="copies"><thead><tr><th>copy</th><th>outlet</th><th>kind</th><th>Jaccard</th>
<th>changes</th></tr></thead>
<tbody>{% for c in copies %}<tr><td><a href="{{ links.doc(c.doc_id) }}">{{ c.doc_id }}</a></td>
<td><a href="{{ links.outlet(c.source) }}">{{ c.source }}</a></td><td>{{ c.duplicate_method or '' }}</td>
<td class="num">{{ fmt_num(c.jaccard) }}</td>
<td>{% for x in copy_diffs.get(c.doc_id, []) %}<div><b>{{ x.change_type }}</b>: {% if x.before_text
%}<del>{{ x.before_text }}</del>{% endif %}
{% if x.after_text %} → <ins>{{ x.after_text }}</ins>{% endif %}</div>{% else %}identical{% endfor
%}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% endblock %}
"""

ENTITY = """{% extends "base.html" %}
{% block body %}
<h1 id="entity-name">{{ e.canonical_name }}</h1>
<p class="meta">{{ e.label }} · {{ e.doc_count }} documents · {{ e.source_count }} outlets · {{
e.story_count }}
stories · {{ e.mention_count }} mentions · <code>{{ e.entity_id }}</code></p>
{% if outlets %}<p id="first-named">First named by <a href="{{ links.outlet(outlets[0].source) }}">{{
outlets[0].source }}</a>
({{ fmt_time(outlets[0].first_at) }}).</p>{% endif %}
<h2>Aliases and how they were linked</h2>
<table id="aliases"><thead><tr><th>alias</th><th>method</th><th>confidence</th>
<th>evidence</th></tr></thead><tbody>
{% for a in aliases %}<tr><td>{{ a.alias }}</td><td>{{ a.method }}</td><td class="num">{{
fmt_num(a.confidence) }}</td>
<td class="note">{{ a.evidence or '' }}</td></tr>{% else %}<tr><td colspan="4">No alias
recorded.</td></tr>{% endfor %}
</tbody></table>
<h2>Outlets naming it (first to name it on top)</h2>
<table id="entity-outlets"><thead><tr><th>outlet</th><th>first
named</th><th>documents</th><th>mentions</th></tr>
</thead><tbody>{% for o in outlets %}<tr><td><a href="{{ links.outlet(o.source) }}">{{ o.source }}</a></td>
<td>{{ fmt_time(o.first_at) }}</td><td class="num">{{ o.docs }}</td><td class="num">{{ o.mentions }}</td></tr>
{% endfor %}</tbody></table>
<h2>Stories naming it</h2>
<table id="entity-stories"><thead><tr><th>story</th><th>outlets naming it</th><th>of</th><th>first named
by</th>
<th>mentions</th></tr></thead><tbody>
{% for s in stories %}<tr><td><a href="{{ links.story(s.story_id) }}">{{ s.title or s.story_id }}</a></td>
<td>{% for src in s.sources %}<a href="{{ links.outlet(src) }}">{{ src }}</a>{{ ', ' if not loop.last }}{%
endfor %}</td>
<td class="num">{{ s.story_sources }}</td><td>{{ s.first_source or '' }}</td><td class="num">{{ s.mentions
}}</td></tr>
{% endfor %}</tbody></table>
{% if stories|length >= max_rows %}<p class="note">The {{ max_rows }} latest stories are shown.</p>{% endif %}
{% endblock %}
"""

OUTLET = """{% extends "base.html" %}
{% block body %}
<h1 id="outlet-name">{{ o.source }}</h1>
<p class="meta">{{ o.docs }} documents ({{ o.versions }} with copies) · {{ o.stories }} stories ·
{{ fmt_time(o.first_at) }} – {{ fmt_time(o.last_at) }}</p>
<div class="charts">{% for c in charts %}{{ c }}{% endfor %}</div>
<h2>Stories covered</h2>
{% if o.stories > stories|length %}<p class="note">Its newest {{ stories|length }} stories of {{ o.stories
}}; the entities and figures below are from these. <a href="{{ links.root('index.html') }}">The index</a>
lists every story (filter it by outlet).</p>{% endif %}
<table id="outlet-stories"><thead><tr><th>story</th><th>documents</th><th>outlets in
story</th><th>latest</th></tr>
</thead><tbody>{% for s in stories %}<tr><td><a href="{{ links.story(s.story_id) }}">{{ s.title or
s.story_id }}</a></td>
<td class="num">{{ s.docs }}</td><td class="num">{{ s.source_count }}</td><td>{{ fmt_time(s.last_at)
}}</td></tr>
{% endfor %}</tbody></table>
<h2>Entities only this outlet names</h2>
<table id="outlet-unique"><thead><tr><th>entity</th><th>label</th><th>story</th><th>mentions</th>
<th>outlets in story</th>
</tr></thead><tbody>{% for u in unique %}<tr><td>{{ link(links.entity, u.entity_id, u.canonical_name) }}</td>
<td>{{ u.label }}</td><td><a href="{{ links.story(u.story_id) }}">{{ u.title or u.story_id }}</a></td>
<td class="num">{{ u.mention_count }}</td><td class="num">{{ u.story_source_count }}</td></tr>
{% else %}<tr><td colspan="5">None: every entity it names is named by another outlet too.</td></tr>{%
endfor %}
</tbody></table>
<h2>Figures where it disagrees with the others</h2>
<table id="outlet-conflicts"><thead><tr><th>story</th><th>measure</th><th>its figure</th><th>others</th>
<th>sentence</th></tr></thead><tbody>{% for f in conflicts %}<tr class="conflict">
<td><a href="{{ links.story(f.story_id) }}">{{ f.title or f.story_id }}</a></td><td>{{ f.measure }}{% if
f.unit %}
({{ f.unit }}){% endif %}</td><td>{{ f.value_text }}</td><td>{{ f.others }}</td>
<td class="note">{{ f.sentence or '' }}</td></tr>
{% else %}<tr><td colspan="5">No conflicting figure.</td></tr>{% endfor %}</tbody></table>
{% endblock %}
"""

ENTITIES = """{% extends "base.html" %}
{% block body %}
<h1>Entities</h1>
<p class="meta">{{ entity_count }} entities; {{ paged }} named in {{ min_docs }} documents or more have
a page.</p>
<table id="entities"><thead><tr><th>entity</th><th>label</th><th>documents</th><th>outlets</th>
<th>stories</th>
<th>aliases</th></tr></thead><tbody>
{{ rows }}</tbody></table>
{% endblock %}
"""

OUTLETS = """{% extends "base.html" %}
{% block body %}
<h1>Outlets</h1>
<div class="charts">{% for c in charts %}{{ c }}{% endfor %}</div>
<table id="outlets"><thead><tr><th>outlet</th><th>documents</th><th>with
copies</th><th>stories</th><th>first</th>
<th>last</th></tr></thead><tbody>
{% for o in outlets %}<tr><td><a href="{{ links.outlet(o.source) }}">{{ o.source }}</a></td>
<td class="num">{{ o.docs }}</td><td class="num">{{ o.versions }}</td><td class="num">{{ o.stories }}</td>
<td>{{ fmt_time(o.first_at) }}</td><td>{{ fmt_time(o.last_at) }}</td></tr>{% endfor %}</tbody></table>
{% endblock %}
"""

RUNS = """{% extends "base.html" %}
{% block body %}
<h1>Run history</h1>
<p class="meta">{% if data_docs %}Validation details per expectation: <a id="data-docs" href="{{ data_docs
}}">data
docs</a>.{% else %}No data-docs page next to the published file.{% endif %}</p>
<table id="runs"><thead><tr><th>run</th><th>date</th><th>started</th><th>finished</th><th>status</th>
<th>published</th>
<th>files seen / new / rejected</th><th>documents
new</th><th>validation</th><th>model</th></tr></thead><tbody>
{% for r in runs %}<tr class="{{ 'conflict' if r.status != 'success' else '' }}"><td><code>{{ r.run_id
}}</code></td>
<td>{{ r.run_date or '' }}</td><td>{{ fmt_time(r.started_at) }}</td><td>{{ fmt_time(r.finished_at) }}</td>
<td>{{ r.status }}{% if r.error %}<div class="note">{{ r.error[:300] }}</div>{% endif %}</td>
<td>{{ r.publish_status or '' }}</td>
<td class="num">{{ r.files_seen or 0 }} / {{ r.files_new or 0 }} / {{ r.files_rejected or 0 }}</td>
<td class="num">{{ r.documents_new or 0 }}</td>
<td>{% if r.validation_success is none %}{% elif r.validation_success %}passed{% else %}<span
class="flag">failed</span>
{% endif %}{% if r.expectations %} ({{ r.expectations - (r.expectations_failed or 0) }}/{{ r.expectations
}}){% endif %}</td>
<td>{{ r.model or '' }} {{ r.model_version or '' }}</td></tr>
{% else %}<tr><td colspan="10">No run recorded.</td></tr>{% endfor %}</tbody></table>
<h2>Rejected files</h2>
<p class="meta">{% for r in reasons %}{{ r.reason }}: {{ r.files }}{{ '; ' if not loop.last }}{% else
%}None.{% endfor %}</p>
{% if rejected %}<table
id="rejected"><thead><tr><th>file</th><th>reason</th><th>detail</th><th>run</th><th>when</th></tr>
</thead><tbody>{% for f in rejected %}<tr><td><code>{{ f.path }}{% if f.record is not none %} #{{ f.record
}}{% endif %}</code></td>
<td>{{ f.reason }}</td><td class="note">{{ (f.detail or '')[:300] }}</td><td><code>{{ f.run_id }}</code></td>
<td>{{ fmt_time(f.rejected_at) }}</td></tr>{% endfor %}</tbody></table>{% endif %}
{% endblock %}
"""

TEMPLATES = {
    "base.html": BASE,
    "nav.html": NAV,
    "index.html": INDEX,
    "document.html": DOCUMENT,
    "entity.html": ENTITY,
    "outlet.html": OUTLET,
    "entities.html": ENTITIES,
    "outlets.html": OUTLETS,
    "runs.html": RUNS,
}
