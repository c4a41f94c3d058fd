"""Figures: number parsing, normalization per label, measure from the parse, list markers."""

from __future__ import annotations

import datetime as dt

import pytest

from parallax.entities import lexicon_for
from parallax.facts import extract_facts, is_list_marker, normalize, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2),
        ("1,200", 1200),
        ("2.5 million", 2.5e6),
        ("$10bn", 1e10),
        ("three", 3),
        ("twenty-five", 25),
        ("a dozen", 12),
        ("two hundred thousand", 200_000),
        ("thousands", 1000),  # vague plural: lower bound
        ("tens of thousands", 10_000),
        ("hundreds of millions", 1e8),
        ("nothing numeric", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "label", "value", "unit"),
    [
        ("$2 billion", "MONEY", 2e9, "USD"),
        ("$10 billion", "MONEY", 1e10, "USD"),
        ("£3m", "MONEY", 3e6, "GBP"),
        ("€1.5 billion", "MONEY", 1.5e9, "EUR"),
        ("5 million rupees", "MONEY", 5e6, "rupee"),
        ("20 Canadian dollars", "MONEY", 20, "CAD"),
        ("50 cents", "MONEY", 0.5, "USD"),
        ("10%", "PERCENT", 10, "percent"),
        ("3.5 per cent", "PERCENT", 3.5, "percent"),
        ("ten percent", "PERCENT", 10, "percent"),
        ("300 tonnes", "QUANTITY", 300, "tonne"),
        ("5 km", "QUANTITY", 5, "km"),
        ("thousands", "CARDINAL", 1000, None),
        ("three-day", "DATE", 3, "day"),
        ("two weeks", "DATE", 2, "week"),
        ("18 months", "DATE", 18, "month"),
        ("April 22, 2024", "DATE", None, "2024-04-22"),
        ("22 April 2024", "DATE", None, "2024-04-22"),
        ("March 2023", "DATE", None, "2023-03"),
        ("2024", "DATE", None, "2024"),
        ("annually", "DATE", None, None),
        ("recent months", "DATE", None, None),
    ],
)
def test_normalize(text: str, label: str, value: float | None, unit: str | None) -> None:
    got_value, got_unit = normalize(text, label)
    assert got_unit == unit
    if value is None:
        assert got_value is None
    else:
        assert got_value == pytest.approx(value)


def test_relative_dates_need_a_publication_date() -> None:
    pub = dt.date(2024, 4, 24)  # a Wednesday
    assert normalize("yesterday", "DATE", pub) == (None, "2024-04-23")
    assert normalize("Monday", "DATE", pub) == (None, "2024-04-22")
    assert normalize("April 22", "DATE", pub) == (None, "2024-04-22")
    assert normalize("yesterday", "DATE") == (None, None)


def test_list_markers_are_not_figures() -> None:
    body = "Plans:\n  1. Arrival in the capital.\n  2) Talks on trade.\nThey expect 2 more rounds."
    s = body.index("1.")
    assert is_list_marker(body, s, s + 2)
    s2 = body.index("2)")
    assert is_list_marker(body, s2, s2 + 1)
    s3 = body.index("2 more")
    assert not is_list_marker(body, s3, s3 + 1)


def _facts(nlp, text: str):
    return extract_facts(nlp(text), text, None, lexicon_for(nlp))


def test_money_measure_is_the_verb_object(nlp) -> None:
    text = "Leaders discussed plans to increase bilateral trade from $2 billion to a targeted $10 billion."
    money = {f.text: f for f in _facts(nlp, text) if f.fact_type == "money"}
    assert money["$2 billion"].normalized_value == 2e9
    assert money["$10 billion"].normalized_value == 1e10
    assert {f.unit for f in money.values()} == {"USD"}
    assert {f.measure for f in money.values()} == {"trade"}


def test_measure_of_counts_and_durations(nlp) -> None:
    facts = _facts(nlp, "Thousands of protesters marched in the capital during a three-day strike.")
    by_type = {f.fact_type: f for f in facts}
    assert by_type["cardinal"].normalized_value == 1000
    assert by_type["cardinal"].measure == "protesters"
    assert by_type["date"].normalized_value == 3 and by_type["date"].unit == "day"
    assert by_type["date"].measure == "strike"


def test_fact_offsets_index_the_body(nlp) -> None:
    text = "Exports fell 10% to $4.2 billion in 2023, officials said.\n\n  1. Next steps\n"
    facts = _facts(nlp, text)
    assert facts
    for f in facts:
        assert text[f.start : f.end] == f.text
    assert not any(f.text in ("1", "1.") for f in facts)
    pct = [f for f in facts if f.fact_type == "percent"]
    assert pct and pct[0].normalized_value == 10 and pct[0].measure == "exports"
