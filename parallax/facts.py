"""Figures: money, percentages, quantities, counts, ages, durations and dates, with what they measure.

Each figure (`Fact`) has:
- fact_type: money, percent, quantity, cardinal, age, duration or date;
- normalized_value with lower_value / upper_value (None = open; an exact figure has both equal to the
  value) and value_precision (half a unit of the last digit written), see `parallax.numbers`;
- unit: ISO 4217 code for money ("rupee" when the document does not say whose), "percent" or
  "percentage_point", the singular unit word of a quantity, "year" for ages, the time unit of a
  duration ("two decades" -> 20 year), the ISO date at the precision written for a calendar date
  ("2024-04-22", "2024-04", "2024"; relative days resolve only against a publication date);
- measure: what the figure counts in the event (`parallax.measures`), with measure_evidence, the
  words that decided it (and, for background figures, the words that showed it);
- is_background: the figure is about another time or event, or generic; kept, never compared.

Candidates are spaCy's MONEY, PERCENT, QUANTITY, CARDINAL, DATE and TIME entities plus number words
the model left out ("two hours", "a dozen"). Not figures, and dropped: clock times, phone numbers,
street and road numbers, model numbers ("AK-47"), list markers, "one of the ...", and an anaphoric
small count with nothing to measure ("the two nations", "both countries").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from parallax.ages import age_as_written, age_at_death, ages_of_counted
from parallax.background import background_cue, cue_year, long_ago, reference_year
from parallax.dates import duration_of, iso_date
from parallax.entities import Lexicon
from parallax.figure_context import (
    elliptic_counts,
    link_unnamed_ages,
    place_subtotals,
    restated_counts,
    restatements,
    running_totals,
    share_places,
)
from parallax.figure_spans import (
    FACT_LABELS,
    NUMBER_WORDS,
    PER_CENT,
    QUALIFIERS,
    anaphoric,
    candidates,
    described,
    extend,
    in_count_list,
    is_clock_hours,
    is_list_marker,
    is_score,
    not_a_figure,
    partitive_whole,
    rate_tail,
    trim,
)
from parallax.measure_qualifiers import LENGTH_UNITS, distance_from
from parallax.measure_words import duration_class
from parallax.measures import MeasureTable, default_measures, measure_class, measure_of
from parallax.numbers import (
    Value,
    currency,
    parse_number,
    parse_value,
    percent_unit,
    rate_unit,
    rupee_country,
    singular,
    words_of,
)

__all__ = [
    "FACT_LABELS",
    "Fact",
    "extract_facts",
    "is_clock_hours",
    "is_list_marker",
    "normalize",
    "parse_number",
]

# what follows the first age of "12- and 15-year-old girls", "12-and 15-year-old", "10- to 12-year-olds"
_SUSPENDED_AGE = re.compile(r"\s?[-‐–]\s?(?:and|or|to)\s+\S+?[\s\-‐–]+years?[\s\-‐–]+old", re.I)
_AGE_WORDS = re.compile(r"^(?P<num>.+?)[\s\-‐–]+years?[\s\-‐–]+old$", re.I)
_DECADE_AGE = re.compile(r"^(?:(?:his|her|their|the)\s+)?(?:early\s+|mid-?|late\s+)?(\d0)'?s$", re.I)

_PERCENT_SIGN = re.compile(r"%|\bper\s?cent|\bpct\b|\bpercentage\b", re.IGNORECASE)


@dataclass
class Fact:
    """One figure of a document; `start`/`end` index the text it was read from."""

    start: int
    end: int
    text: str
    fact_type: str
    normalized_value: float | None
    unit: str | None
    measure: str | None
    lower_value: float | None = None
    upper_value: float | None = None
    value_precision: float | None = None
    is_background: bool = False
    measure_evidence: str | None = None
    measure_class: str | None = None  # what a count counts (people, vessel), or duration
    background_year: int | None = None  # the year a background cue names ("in 2010", "two years ago")


def normalize(text: str, label: str, published: dt.date | None = None) -> tuple[float | None, str | None]:
    """(normalized_value, unit) of a figure written as `text` with spaCy label `label`."""
    value = parse_value(text)
    unit = _unit(text, label, value, None)
    if label in ("DATE", "TIME"):
        v, u = duration_of(text)
        if v is not None:
            return v, u
        return None, iso_date(text, published) if label == "DATE" else None
    scaled = value.value
    if label == "MONEY" and scaled is not None:
        scaled *= currency(text)[1]
    return scaled, unit


def _unit(text: str, label: str, value: Value, rupee: str | None) -> str | None:
    if label == "MONEY":
        return currency(text, rupee)[0]
    if label == "PERCENT":
        return percent_unit(text)
    if label == "QUANTITY":
        rate = rate_unit(text)
        if rate is not None:
            return rate
        words = [re.sub(r"^[-+]?[\d.,/]+(?=[a-z])", "", w) for w in words_of(text)]  # "277km"
        words = [w for w in words if not re.fullmatch(r"[-+]?[\d.,/]+", w)]
        words = [w.strip(".") for w in words if w not in NUMBER_WORDS and w not in ("a", "an", "of", "and")]
        words = [w for w in words if w and w not in {q for c in QUALIFIERS for q in c.split()}]
        if "nautical" in words:  # 1.852 km, not a mile
            return "nautical_mile"
        return singular(words[-1]) if words else None
    return None


def _age(text: str, body: str, start: int, end: int, span: Any) -> Value | None:
    """The age when the figure is one: '45-year-old', 'aged 45', 'Smith, 45,', 'in her 60s', the first
    of '12- and 15-year-old girls'."""
    text = re.sub(r"['’]s$", "", text.strip())  # "the 15-year-old's child"
    if _SUSPENDED_AGE.match(body[end : end + 40]) and re.fullmatch(r"\d{1,3}|[a-z]+", text, re.I):
        n = parse_number(text)  # "Twelve- and 15-year-old girls": the hyphen left hanging
        return Value(n, n, n, 0.5) if n is not None and 0 < n < 125 and n == int(n) else None
    m = _AGE_WORDS.match(text.strip())
    if m:
        n = parse_number(m.group("num"))
        if n is None or not 0 < n < 130:
            return None
        span_of = parse_value(m.group("num"))  # "between 30 and 40 years old": both ends
        if span_of.qualifier in ("between", "range") and span_of.upper is not None and span_of.upper < 130:
            return Value(n, span_of.lower, span_of.upper, 0.5, span_of.qualifier)
        return Value(n, n, n, 0.5)
    aged = re.fullmatch(r"(?:aged?|ages)\s+(\d{1,3})", text.strip(), re.I)
    if aged:  # the model took "age" into the figure
        n = float(aged.group(1))
        return Value(n, n, n, 0.5) if 0 < n < 125 else None
    dec = _DECADE_AGE.match(text.strip())
    if dec and re.search(r"\bin\s+(?:his|her|their)\s*$", body[max(0, start - 12) : start] + " "):
        n = float(dec.group(1))
        return Value(n, n, n + 9, 0.5)
    if not re.fullmatch(r"\d{1,3}|[a-z]+(?:-[a-z]+)?", text.strip()):
        return None
    n = parse_number(text)
    if n is None or not (0 < n < 125) or n != int(n):
        return None
    before = body[max(0, start - 8) : start]
    if re.search(r"\b(?:aged?|ages)\s+$", before, re.I):
        return Value(n, n, n, 0.5)
    if re.search(
        r"\b(?:aged?|ages|between the ages of)\s+\d{1,3}\s*(?:,|and|or|to)\s*$",
        body[max(0, start - 28) : start],
        re.I,
    ):
        return Value(n, n, n, 0.5)  # "two girls, ages 12 and 15": the second age of a list
    if span is not None and (ages_of_counted(span) is not None or age_at_death(span) is not None):
        return Value(n, n, n, 0.5)  # "the two girls, 12 and 15, ...", "died in prison at 77"
    after = body[end : end + 2]
    # "Andrew Lopez, 20 and Jonathan Carrasquillo, 24, ...", "Andrew Lopez, 20 was found guilty": the
    # closing comma left out, a verb or "and" follows the age
    unclosed = (
        span is not None
        and span.end < len(span.doc)
        and span.doc[span.end].pos_ in ("AUX", "VERB", "CCONJ")
        and re.match(r"\s+[a-z]", body[end : end + 3]) is not None  # running text, not "1 Wounded"
    )
    if (
        span is not None
        and re.search(r",\s*(?:both\s+)?$", before)
        and (after[:1] in (",", ".", ";", ")") or after == "" or after[:1] == "\n" or unclosed)
    ):
        doc = span.doc
        k = span.start - 1
        while k >= 0 and doc[k].text in (",", "both"):
            k -= 1
        if k >= 0 and (
            doc[k].ent_type_ == "PERSON"
            or (not unclosed and doc[k].pos_ == "PROPN" and span.root.dep_ == "appos")
        ):
            return Value(n, n, n, 0.5)
    return None


def _scaled(value: Value, target: float) -> Value:
    """`value` re-expressed so that its value is `target` ('two decades' read as 2 -> 20 years)."""
    if not value.value:
        return Value(target, target, target, 0.5)
    k = target / value.value
    return Value(
        target,
        None if value.lower is None else value.lower * k,
        None if value.upper is None else value.upper * k,
        None if value.precision is None else value.precision * k,
        value.qualifier,
    )


def extract_facts(
    doc: Any,
    body: str,
    published: dt.date | None = None,
    lexicon: Lexicon | None = None,
    measures: MeasureTable | None = None,
) -> list[Fact]:
    """Facts of one parsed document; spans are exact slices of `body`."""
    table = measures or default_measures()
    parsed = doc.has_annotation("DEP")
    rupee = rupee_country(body)
    ref_year = reference_year(body, published.year if published else None)
    out: list[Fact] = []
    anaphors: set[int] = set()
    named: set[int] = set()  # anaphors naming their kind ("the four submarine cables")
    spans: list[Any] = []
    seen: set[tuple[int, int]] = set()
    for span, label in candidates(doc):
        start, end = trim(body, span.start_char, span.end_char)
        if end <= start or "\n" in body[start:end]:
            continue
        if label == "CARDINAL" and is_list_marker(body, start, end):
            continue
        start, end, label = extend(body, start, end, label)
        if label == "CARDINAL" and is_score(body[start:end], body[max(0, start - 14) : start], span, end):
            seen.add((start, end))  # "a 27-24 loss": neither number is a figure
            continue
        if any(s < end and start < e for s, e in seen) or not_a_figure(body, start, end, label, span):
            continue
        text = body[start:end]
        if label in ("MONEY", "CARDINAL", "QUANTITY") and PER_CENT.search(text):
            label = "PERCENT"  # "60 per cent": a rate, not 60 cents
        elif label == "PERCENT" and not _PERCENT_SIGN.search(text):
            label = "CARDINAL"  # the model's "percent" with no percent written ("Seven AK-47s")
        if label in ("DATE", "TIME", "QUANTITY", "CARDINAL") and is_clock_hours(text, body[:start]):
            continue  # "at 1230 hours": a time of day written as a number of hours
        fig = doc.char_span(start, end, alignment_mode="expand") if parsed else None
        fig = fig if fig is not None and len(fig) else span
        age = _age(text, body, start, end, fig if parsed else None) if label in ("CARDINAL", "DATE") else None
        unit: str | None
        if age is not None:
            fact_type, value, unit = "age", age, "year"
        elif label in ("DATE", "TIME"):
            v, u = duration_of(text)
            if v is not None:
                fact_type, unit = "duration", u
                value = _scaled(parse_value(text, body[:start]), v)
            elif label == "TIME":
                continue  # a time of day, not a figure
            elif iso_date(text, published) is None and re.fullmatch(r"[\d,.\s\-–]+|between .+", text, re.I):
                fact_type, value, unit = (
                    "cardinal",
                    parse_value(text, body[:start]),
                    None,
                )  # "Between 5 and 7"
            else:
                fact_type, value, unit = "date", Value(None, None, None, None), iso_date(text, published)
        else:
            fact_type = FACT_LABELS[label]
            value = parse_value(text, body[:start])
            unit = _unit(text + rate_tail(text, body[end : end + 12]), label, value, rupee)
            if label == "QUANTITY" and (unit is None or re.search(r"[A-Za-z]+-?\d", text)):
                fact_type, unit = "cardinal", None  # "14 AK-47": a count, the rest a model name
            if label == "MONEY":
                factor = currency(text, rupee)[1]
                if factor != 1.0 and value.value is not None:
                    value = _scaled(value, value.value * factor)
        if fact_type in ("cardinal", "quantity", "money", "percent") and value.value is None:
            continue  # "Christmas", fragments without a number
        measure: str | None = None
        evidence: str | None = None
        background = False
        background_year: int | None = None
        if parsed:
            try:
                measure, evidence = measure_of(fig, table, fact_type, lexicon)
                cue = background_cue(fig, ref_year, published) if fact_type != "date" else None
                relative = cue is not None and not cue.startswith("year ")
                if relative and fact_type == "age" and age_as_written(fig):
                    cue = None  # "LaCalamita, 38, had been dismissed last week": his age now
                if relative and (measure or "").startswith("interval:") and not long_ago(evidence, unit):
                    cue = None  # "married two weeks before the shooting": the cue is the length itself
            except (AttributeError, IndexError, ValueError):
                measure, evidence, cue = None, None, None
            from_table = measure is not None and (
                measure.split(":")[0] in table.measures or measure.startswith("age:")
            )
            reference = fact_type == "cardinal" and anaphoric(fig)
            if reference and not from_table and (value.value or 0) <= 10 and not described(fig):
                continue  # "the two nations": a reference, nothing counted in the event
            if reference or (fact_type == "cardinal" and partitive_whole(fig)):
                anaphors.add(len(out))  # "the 23 pirates": the same count again, when it is given
                if described(fig):
                    named.add(len(out))
            if fact_type == "cardinal" and value.value == 1 and not from_table and not in_count_list(fig):
                continue  # "one day", "one thing": 'one' counts only with a measure of the table
            if fact_type == "quantity" and unit in LENGTH_UNITS and not from_table:
                anchored = distance_from(fig, table.noun_key)  # "150 nautical miles off Aden"
                measure, evidence = anchored if anchored[0] else (measure, evidence)
            if fact_type == "duration" and measure is None and value.value is not None:
                # a length tied to no event: one story's durations of the same length meet (the
                # same value: grouped, never a conflict)
                measure = f"duration:{value.value:g}"
                evidence = (
                    "a length the parse ties to no event: grouped with the story's durations of this length"
                )
            if cue is not None:
                background = True
                background_year = cue_year(cue, ref_year)
                evidence = f"{evidence}; background: {cue}" if evidence else f"background: {cue}"
        seen.add((start, end))
        spans.append(fig)
        out.append(
            Fact(
                start=start,
                end=end,
                text=text,
                fact_type=fact_type,
                normalized_value=value.value,
                unit=unit,
                measure=measure,
                lower_value=value.lower,
                upper_value=value.upper,
                value_precision=value.precision,
                is_background=background,
                background_year=background_year,
                measure_evidence=evidence,
            )
        )
    restatements(out, body)
    running_totals(out, body)
    if parsed:
        elliptic_counts(out, spans, lambda m: measure_class(m, table) == m)
        share_places(out, spans)
        place_subtotals(out, spans)
        link_unnamed_ages(out, spans)
    # last: a restated count still told the steps above what the document counts
    out, spans = restated_counts(out, spans, anaphors, named)
    for f in out:
        if f.fact_type == "cardinal":
            f.measure_class = measure_class(f.measure, table)
        elif f.fact_type == "duration":
            f.measure_class = duration_class(f.measure, table)
    return out
