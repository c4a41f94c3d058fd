"""Dates and durations of figures: ISO dates at the precision written, durations in a base unit.

- A calendar date -> its ISO value at the precision written ("2024-04-22", "2024-04", "2024");
  relative days ("yesterday", "Monday", "April 22") resolve only against a known publication date.
- A duration -> value and time unit ("three-day" -> 3 day, "two weeks" -> 2 week), decades and
  centuries in years and fortnights in weeks ("two decades" -> 20 year), so outlets' wordings compare.
"""

from __future__ import annotations

import datetime as dt
import re

from parallax.numbers import duration

_MONTHS = {
    m: i + 1
    for i, ms in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in ms
}  # fmt: skip
MONTH_NAMES = frozenset(_MONTHS)  # month names and abbreviations, lower case


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation ("Jan", "January"), else None."""
    return _MONTHS.get(word.casefold().rstrip("."))


_WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}


def is_calendar_word(word: str) -> bool:
    """A month or weekday name or abbreviation ("JAN", "Sept.", "Tuesday", "thu")."""
    w = word.casefold().rstrip(".")
    return w in _MONTHS or w in _WEEKDAYS or any(d.startswith(w) for d in _WEEKDAYS if len(w) == 3)


_BASE_TIME = {"decade": ("year", 10.0), "century": ("year", 100.0), "fortnight": ("week", 2.0)}


def iso_date(text: str, published: dt.date | None) -> str | None:
    """ISO value of a calendar date written as `text` (None when it is not one)."""
    t = text.casefold().replace(",", " ")
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)
    if m:
        return m.group(0)
    words = re.findall(r"[a-z]+|\d+", t)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4 and 1000 <= int(w) <= 2999), None)
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None)
    ordinal = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\b", t)
    if day is None and ordinal:
        day = int(ordinal.group(1))
    if month is not None:
        if year is None and published is not None and day is not None:
            year = published.year
        if year is not None:
            if day is not None:
                try:
                    return dt.date(year, month, day).isoformat()
                except ValueError:
                    return None
            return f"{year:04d}-{month:02d}"
        return None
    if year is not None and len(words) == 1:
        return f"{year:04d}"
    if published is not None:
        if "today" in words:
            return published.isoformat()
        if "yesterday" in words:
            return (published - dt.timedelta(days=1)).isoformat()
        if "tomorrow" in words:
            return (published + dt.timedelta(days=1)).isoformat()
        wd = [w for w in words if w in _WEEKDAYS]
        if wd and len(words) <= 2:
            delta = (published.weekday() - _WEEKDAYS[wd[0]]) % 7
            return (published - dt.timedelta(days=delta)).isoformat()
    return None


def duration_of(text: str) -> tuple[float | None, str | None]:
    """(value, unit) of a duration in a base unit ("two decades" -> (20, "year")); (None, None) if not."""
    value, unit = duration(text)
    if value is not None and unit in _BASE_TIME:
        base, factor = _BASE_TIME[unit]
        return value * factor, base
    return value, unit
