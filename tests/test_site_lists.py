"""The list pages' rows are built in SQL (`parallax.site.lists`): the same text as the Python functions
the other pages use (markupsafe's escaping, `names.slug`, `isoformat`, `report.format_time`)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from markupsafe import escape

from parallax.report import format_time
from parallax.site import lists
from parallax.site.names import page, slug

TEXTS = ["plain", "a & b", '<b>"q"</b> it\'s', "", "é & 日本", "&amp;", "tab\tnew\nline"]
KEYS = [
    "S1",
    "E_00-1",
    "a" * 80,
    "a" * 81,
    "../etc",
    "news.example.com",
    "é",
    "日本",
    "__",
    "a b/c",
    "x" * 100 + "!",
    "-_-",
]


def _one(con: duckdb.DuckDBPyConnection, expr: str, value: object) -> object:
    row = con.execute(f"select {expr} from (select ? as v) t", [value]).fetchone()
    return row[0] if row else None


def test_escaping_and_page_names_equal_the_python_functions() -> None:
    con = duckdb.connect()
    for text in TEXTS:
        assert _one(con, lists.esc_sql("v"), text) == str(escape(text))
    for key in KEYS:
        assert _one(con, lists.slug_sql("v"), key) == slug(key)
        assert _one(con, lists.page_sql("entities", "v"), key) == page("entities", key)
    listed = [["a&b", "c", "<d>"], None, []]
    for items in listed:
        expected = ", ".join(str(escape(i)) for i in (items or [])[:2])
        got = con.execute(f"select {lists.joined_sql('v', ', ', 2)} from (select ?::varchar[] as v)", [items])
        assert got.fetchone() == (expected,)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_times_equal_the_python_functions(zone: str) -> None:
    con = duckdb.connect()
    con.execute(f"set TimeZone = '{zone}'")  # (a test constant)
    for text in ("2026-03-01 23:59:59+00", "2026-07-04 00:00:00.25+00", "1999-12-31 12:00:00.000001+00"):
        con.execute("create or replace temp table t as select ?::timestamptz as v", [text])
        value = con.execute("select v from t").fetchone()[0]  # as Python sees it (the session's zone)
        assert isinstance(value, dt.datetime) and value.tzinfo is not None
        got = con.execute(
            f"select {lists.iso_sql('v')}, {lists.day_sql('v')}, {lists.minute_sql('v')} from t"
        ).fetchone()
        assert got == (value.isoformat(), value.date().isoformat(), format_time(value))
    con.execute("create or replace temp table t as select null::timestamptz as v")
    assert con.execute(
        f"select {lists.iso_sql('v')}, {lists.day_sql('v')}, {lists.minute_sql('v')} from t"
    ).fetchone() == ("", "", "")


def test_story_and_entity_rows() -> None:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        "create table s as select 'S1' as story_id, 'Fish & Chips <Ltd>' as title, "
        "['a', 'b&c', 'c', 'd', 'e', 'f', 'g'] as sources, 7 as doc_count, 7 as source_count, "
        "timestamptz '2026-01-02 03:04:05+00' as first_seen_at, timestamptz '2026-01-03 00:00:00+00' "
        "as last_seen_at, null::timestamptz as first_published_at, "
        "timestamptz '2026-01-02 10:00:00.5+00' as last_published_at"
    )
    head = con.execute(f"select {lists.STORY_ROW_HEAD} from s").fetchone()[0]
    row = str(lists.story_rows([{"row_head": head, "conflicts": 2, "unique_entities": 0}]))
    assert row == (
        '<tr data-title="fish &amp; chips &lt;ltd&gt;" data-sources="|a|b&amp;c|c|d|e|f|g|"\n'
        ' data-last="2026-01-02" data-first="2026-01-02">\n'
        '<td data-v="fish &amp; chips &lt;ltd&gt;"><a href="stories/S1.html">Fish &amp; Chips &lt;Ltd&gt;</a>'
        "</td>\n"
        '<td class="src">a, b&amp;c, c, d, e, f +1</td>\n'
        '<td class="num" data-v="7">7</td>\n'
        '<td class="num" data-v="7">7</td>\n'
        '<td data-v="2026-01-02T03:04:05+00:00">2026-01-02 03:04</td>\n'
        '<td data-v="2026-01-02T10:00:00.500000+00:00">2026-01-02 10:00</td>\n'
        '<td class="num" data-v="2"><span class="flag">2</span>\n</td>\n'
        '<td class="num" data-v="0">0</td></tr>\n'
    )
    con.execute(
        "create table e as select * from (values ('E1', 'A & B', 'ORG', ['x', 'y<'], 3, 2, 1), "
        "('odd id', 'Solo', 'PERSON', null, 1, 1, 1)) "
        "v(entity_id, canonical_name, label, aliases, doc_count, source_count, story_count)"
    )
    rows = con.execute(f"select {lists.entity_row_sql('e', 'e.doc_count >= 2')} from e order by 1").fetchall()
    assert [r[0] for r in rows] == [
        '<tr><td><a href="entities/E1.html">A &amp; B</a></td><td>ORG</td>\n'
        '<td class="num">3</td><td class="num">2</td><td class="num">1</td>\n'
        '<td class="note">x, y&lt;</td></tr>',
        "<tr><td>Solo</td><td>PERSON</td>\n"
        '<td class="num">1</td><td class="num">1</td><td class="num">1</td>\n'
        '<td class="note"></td></tr>',
    ]
