"""Data docs: one self-contained HTML page of the validation results stored per run (works offline).

Reads `audit.validation_runs` / `audit.validation_results` (and `audit.runs` when present): for each
run, newest first, how many expectations held per suite, every failed expectation with its arguments
and observation, and whether the run was published (a failed publish is shown with its error). A run
whose outcomes equal an earlier run's shows that run's rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, select_autoescape

# Runs shown on the page (newest first); older results stay in audit.validation_results.
MAX_RUNS = 30

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Parallax data docs</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2433}
h1{font-size:22px} h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0 16px}
th,td{border:1px solid #d5dae3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f8} .ok{color:#17753a;font-weight:600} .bad{color:#b42318;font-weight:600}
code{font-size:12px;white-space:pre-wrap;word-break:break-word}
</style></head><body>
<h1>Parallax data docs</h1>
<p>Great Expectations results stored in <code>audit.validation_results</code>, newest run first
({{ runs|length }} run{{ '' if runs|length == 1 else 's' }} shown).</p>
{% for run in runs %}
<section class="run" id="run-{{ run.run_id }}">
<h2>Run {{ run.run_id }} — <span class="{{ 'ok' if run.success else 'bad' }}">
{{ 'passed' if run.success else 'FAILED' }}</span>
{%- if run.publish_status == 'failed' %} — <span class="bad">PUBLISH FAILED</span>{% endif %}</h2>
<p>{{ run.held }}/{{ run.total }} expectations held
{%- if run.status %}; run status {{ run.status }}{% endif %}; validated {{ run.validated_at }}
{%- if run.results_run_id != run.run_id %}; outcomes identical to run {{ run.results_run_id }}{% endif %}
{%- if run.publish_status == 'published' %}; published {{ run.published_at }}{% endif %}.</p>
{% if run.publish_status == 'failed' %}<p class="publish-failed"><span class="bad">Not published:</span>
analysts still see an earlier published file; the next successful run publishes this state.
<code>{{ run.error }}</code></p>{% endif %}
<table><thead><tr><th>suite</th><th>table</th><th>expectations</th><th>failed</th>
<th>rows (largest batch)</th></tr></thead><tbody>
{% for s in run.suites %}<tr><td>{{ s.suite }}</td><td>{{ s.table_name }}</td><td>{{ s.total }}</td>
<td class="{{ 'bad' if s.failed else 'ok' }}">{{ s.failed }}</td><td>{{ s.rows }}</td></tr>
{% endfor %}</tbody></table>
{% if run.failures %}<table class="failures"><thead><tr><th>suite</th><th>#</th><th>expectation</th>
<th>arguments</th><th>unexpected / checked</th><th>observed</th></tr></thead><tbody>
{% for f in run.failures %}<tr><td>{{ f.suite }}</td><td>{{ f.expectation_index }}</td>
<td>{{ f.expectation_type }}{% if f.severity == 'warning' %} (warning){% endif %}</td>
<td><code>{{ f.kwargs }}</code></td>
<td>{{ f.unexpected_count }} / {{ f.element_count }}</td><td><code>{{ f.observed }}</code></td></tr>
{% endfor %}</tbody></table>{% endif %}
</section>
{% else %}<p>No validation results yet.</p>{% endfor %}
</body></html>
"""


def _records(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    rel = con.execute(query, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def _short(text: Any, limit: int = 400) -> str:
    if text is None:
        return ""
    s = text if isinstance(text, str) else json.dumps(text)
    return s if len(s) <= limit else s[:limit] + "…"


def collect(con: duckdb.DuckDBPyConnection, max_runs: int = MAX_RUNS) -> list[dict[str, Any]]:
    """Per run (newest first): totals, per-suite counts and failed expectations."""
    runs = _records(
        con,
        """
        select run_id, success, expectations as total, expectations - failed as held, validated_at,
               results_run_id
        from audit.validation_runs
        union all
        select run_id, bool_and(success or severity = 'warning'), count(*),
               count(*) filter (where success), max(validated_at), run_id
        from audit.validation_results
        where run_id not in (select run_id from audit.validation_runs)
        group by run_id
        order by validated_at desc, run_id desc
        limit ?
        """,
        [max_runs],
    )
    run_columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'audit' and table_name = 'runs'"
        ).fetchall()
    }
    # files published before publish_status existed lack the publish columns
    wanted = [c for c in ("status", "publish_status", "published_at", "error") if c in run_columns]
    for run in runs:
        run.update(dict.fromkeys(("status", "publish_status", "published_at", "error")))
        if wanted:
            st = con.execute(
                f"select {', '.join(wanted)} from audit.runs where run_id = ?", [run["run_id"]]
            ).fetchall()
            if st:
                run.update(zip(wanted, st[0], strict=True))
        rid = run["results_run_id"]  # the run whose stored rows hold these outcomes
        run["suites"] = _records(
            con,
            "select suite, any_value(table_name) as table_name, count(*) as total, "
            "count(*) filter (where not success) as failed, max(element_count) as rows "
            "from audit.validation_results where run_id = ? group by suite order by suite",
            [rid],
        )
        failures = _records(
            con,
            "select suite, expectation_index, expectation_type, kwargs, observed, unexpected_count, "
            "element_count, severity from audit.validation_results where run_id = ? and not success "
            "order by suite, expectation_index",
            [rid],
        )
        for f in failures:
            f["kwargs"], f["observed"] = _short(f["kwargs"]), _short(f["observed"])
        run["failures"] = failures
    return runs


def render_data_docs(con: duckdb.DuckDBPyConnection, out_path: Path | str, max_runs: int = MAX_RUNS) -> Path:
    """Write the data-docs page (no external CSS/JS, every value escaped); returns its path."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(_TEMPLATE).render(runs=collect(con, max_runs))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
