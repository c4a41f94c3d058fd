"""Figures: MONEY, PERCENT, QUANTITY, CARDINAL and DATE mentions normalized to value + unit.

Conventions (also in the README's analyst notes):
- MONEY: value in currency units, unit an ISO 4217 code when the symbol/word says which
  ("$2 billion" -> 2e9 USD; "£3m" -> 3e6 GBP); "rupees" etc. with no country -> the word ("rupee").
- PERCENT: value in percent ("10%" -> 10, unit "percent").
- QUANTITY: value and the unit word, singular ("300 tonnes" -> 300 "tonne").
- CARDINAL: value, unit null. Vague plurals are lower bounds: "thousands of" -> 1000,
  "hundreds" -> 100, "dozens" -> 12, "millions" -> 1e6, "tens of thousands" -> 10000.
- DATE: a duration ("three-day", "two weeks") -> value and time unit ("day", "week"); a calendar
  date -> unit = ISO date at the precision written ("2024-04-22", "2024-04", "2024"), value null;
  relative days ("yesterday", "Monday") resolve only against a known publication date; otherwise
  both are null.
- measure: the noun the figure counts or prices when the dependency parse shows it: the noun it
  modifies ("three-day journey" -> journey), the object of "of" ("thousands of pilgrims" ->
  pilgrims), or for a figure under from/to/by/at of a verb, that verb's object or subject
  ("increase bilateral trade from $2 billion" -> trade).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

from parallax.entities import Lexicon

FACT_LABELS = {
    "MONEY": "money",
    "PERCENT": "percent",
    "QUANTITY": "quantity",
    "CARDINAL": "cardinal",
    "DATE": "date",
}

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1, "single": 1,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "dozen": 12, "half": 0.5, "quarter": 0.25, "both": 2, "couple": 2,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "lakh": 1e5,
    "crore": 1e7,
}  # fmt: skip
# Vague plurals: lower bounds.
_VAGUE = {"dozens": 12, "scores": 20, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}

_CURRENCY_SYMBOLS = [
    ("US$", "USD"), ("U.S.$", "USD"), ("C$", "CAD"), ("A$", "AUD"), ("NZ$", "NZD"), ("HK$", "HKD"),
    ("S$", "SGD"), ("R$", "BRL"), ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("¥", "JPY"), ("₹", "INR"),
    ("₽", "RUB"), ("₩", "KRW"), ("₺", "TRY"), ("₪", "ILS"), ("₦", "NGN"), ("Rs.", "rupee"), ("Rs", "rupee"),
]  # fmt: skip
_CURRENCY_WORDS = {
    "dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "pound": "GBP", "sterling": "GBP",
    "gbp": "GBP", "yen": "JPY", "jpy": "JPY", "yuan": "CNY", "renminbi": "CNY", "cny": "CNY",
    "rupee": "rupee", "inr": "INR", "pkr": "PKR", "rial": "rial", "riyal": "riyal", "dirham": "AED",
    "franc": "CHF", "chf": "CHF", "ruble": "RUB", "rouble": "RUB", "rub": "RUB", "won": "KRW",
    "lira": "TRY", "peso": "peso", "rand": "ZAR", "naira": "NGN", "shekel": "ILS", "krona": "SEK",
    "krone": "NOK", "real": "BRL", "cent": "cent", "ct": "cent", "cts": "cent", "dlr": "USD",
    "forint": "HUF", "zloty": "PLN", "baht": "THB", "ringgit": "MYR", "rupiah": "IDR",
    "kwacha": "kwacha", "dinar": "dinar", "penny": "pence", "pence": "pence",
}  # fmt: skip
_CURRENCY_QUALIFIERS = {
    ("canadian", "dollar"): "CAD", ("australian", "dollar"): "AUD", ("hong", "dollar"): "HKD",
    ("singapore", "dollar"): "SGD", ("new", "dollar"): "NZD", ("indian", "rupee"): "INR",
    ("pakistani", "rupee"): "PKR", ("iranian", "rial"): "IRR", ("saudi", "riyal"): "SAR",
    ("mexican", "peso"): "MXN", ("swiss", "franc"): "CHF", ("danish", "krone"): "DKK",
    ("norwegian", "krone"): "NOK", ("swedish", "krona"): "SEK", ("brazilian", "real"): "BRL",
    ("us", "dollar"): "USD", ("u.s.", "dollar"): "USD", ("american", "dollar"): "USD",
}  # fmt: skip
_TIME_UNITS = {
    "second": "second", "minute": "minute", "hour": "hour", "day": "day", "night": "day", "week": "week",
    "fortnight": "fortnight", "month": "month", "quarter": "quarter", "year": "year", "decade": "decade",
    "century": "century", "yr": "year", "hr": "hour", "min": "minute",
}  # fmt: skip
_MONTHS = {
    m: i + 1
    for i, ms in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"),
         ("november", "nov"), ("december", "dec")]
    )
    for m in ms
}  # fmt: skip
_WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}
_NUM = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?|(?<![\w])\.\d+")


@dataclass
class Fact:
    start: int
    end: int
    text: str
    fact_type: str
    normalized_value: float | None
    unit: str | None
    measure: str | None


def _singular(word: str) -> str:
    w = word.casefold()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-‐–—]+", text.casefold().replace(",", " ")) if w]


def parse_number(text: str) -> float | None:
    """Number written with digits, words or both: '2', '1,200', '2.5 million', 'three', 'twenty-five',
    'a dozen', '$10bn', 'thousands' (lower bound 1000), 'tens of thousands' (10000)."""
    t = text.casefold().replace("\u00a0", " ")
    frac = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", t)
    if frac and 0 < int(frac.group(1)) < int(frac.group(2)) <= 100:  # "7/8" (not "1987/88")
        return int(frac.group(1)) / int(frac.group(2))
    m = _NUM.search(t)
    if m:
        value = float(m.group(0).replace(",", ""))
        rest = t[m.end() :]
        tail = re.match(r"\s*([a-z]+)", rest)
        if tail and tail.group(1) in _SCALES:
            unit_word = tail.group(1)
            # single-letter scales only directly after the number ("$10bn", "3m", "5k")
            if len(unit_word) > 2 or rest[:1].isalpha():
                value *= _SCALES[unit_word]
        return value
    words = [w.strip(".()") for w in _words(t)]
    if "of" in words:  # "tens of thousands", "hundreds of millions"
        i = words.index("of")
        left, right = words[:i], words[i + 1 :]
        base = {"tens": 10, "hundreds": 100, "dozens": 12}.get(left[-1] if left else "")
        r = parse_number(" ".join(right)) if right else None
        if base is not None and r is not None:
            return base * r
        if left:
            return parse_number(" ".join(left))
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in _VAGUE:
            return float(_VAGUE[w]) * (current or 1.0) + total
        if w in ("a", "an"):  # "a dozen", "half a million": a multiplier of one at most
            current = current or 1.0
            seen = True
        elif w == "dozen":
            current = (current or 1.0) * 12
            seen = True
        elif w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _SCALES and len(w) > 2:
            scale = _SCALES[w]
            current = (current or 1.0) * scale
            if scale >= 1e3:
                total += current
                current = 0.0
            seen = True
        elif w in ("and", "about", "some", "nearly", "almost", "around", "over", "more", "than", "up", "to"):
            continue
    if not seen:
        return None
    return total + current


def _currency(text: str) -> str | None:
    t = text.strip()
    for sym, code in _CURRENCY_SYMBOLS:
        if sym in t and (not sym[0].isalpha() or re.search(rf"(?<![A-Za-z]){re.escape(sym)}(?![a-z])", t)):
            return code
    words = [_singular(w.strip(".")) for w in _words(t)]
    for a, b in itertools.pairwise(words):
        if (a, b) in _CURRENCY_QUALIFIERS:
            return _CURRENCY_QUALIFIERS[(a, b)]
    for w in words:
        if w in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[w]
    codes = re.findall(r"\b[A-Z]{3}\b", t)
    return codes[0] if codes else None


def _duration(text: str) -> tuple[float | None, str | None]:
    words = [w.strip(".,") for w in _words(text)]
    for i, w in enumerate(words):
        unit = _TIME_UNITS.get(_singular(w)) or _TIME_UNITS.get(w)
        if unit is None:
            continue
        number_part = " ".join(words[:i])
        value = parse_number(number_part) if number_part else None
        if value is not None:
            return value, unit
    return None, None


def _iso_date(text: str, published: dt.date | None) -> str | None:
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


def normalize(text: str, label: str, published: dt.date | None = None) -> tuple[float | None, str | None]:
    """(normalized_value, unit) of a figure written as `text` with spaCy label `label`."""
    if label == "MONEY":
        value = parse_number(text)
        unit = _currency(text)
        if unit in ("cent", "pence") and value is not None:
            return value / 100.0, "USD" if unit == "cent" else "GBP"
        return value, unit
    if label == "PERCENT":
        return parse_number(text), "percent"
    if label == "QUANTITY":
        value = parse_number(text)
        words = [w for w in _words(text) if not _NUM.fullmatch(w) and w not in _UNITS and w not in _SCALES]
        words = [
            w for w in words if w not in ("of", "about", "some", "nearly", "around", "over", "than", "more")
        ]
        return value, (_singular(words[-1].strip(".")) if words else None)
    if label == "CARDINAL":
        return parse_number(text), None
    if label == "DATE":
        value, unit = _duration(text)
        if value is not None:
            return value, unit
        return None, _iso_date(text, published)
    return None, None


# --------------------------------------------------------------------------------------------
# measure from the dependency parse
# --------------------------------------------------------------------------------------------
_NOUNS = {"NOUN", "PROPN"}


def _noun_text(tok: Any) -> str:
    return str(tok.text).casefold()


def _phrase_head(tok: Any, lexicon: Lexicon | None) -> Any:
    """The noun a name-like modifier belongs to when the parser cut the phrase short.

    "thousands of Pakistani Shia pilgrims" is sometimes parsed with "Shia" as the object and
    "pilgrims" as a verb; a lowercase common noun right after a proper-noun object is the head.
    """
    doc = tok.doc
    if tok.pos_ != "PROPN" or tok.i + 1 >= len(doc) or lexicon is None:
        return tok
    nxt = doc[tok.i + 1]
    word = nxt.text
    if (
        word.isalpha()
        and word.islower()
        and not word.endswith(("ing", "ed"))
        and ("noun" in lexicon.in_index(word) or lexicon.is_plural_common_noun(word))
    ):
        return nxt
    return tok


def measure_of(span: Any, lexicon: Lexicon | None = None) -> str | None:
    """What the figure counts or prices, from the parse (None when the parse does not show it)."""
    root = span.root
    inside = {t.i for t in span}
    # "thousands of pilgrims", "a population of 5 million" (figure as head of "of")
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objs = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in _NOUNS]
            if objs:
                return _noun_text(_phrase_head(objs[0], lexicon))
    head = root.head
    modifier_deps = ("nummod", "quantmod", "compound", "amod", "npadvmod", "nmod")
    if root.dep_ in modifier_deps and head.i not in inside and head.pos_ in _NOUNS:
        return _noun_text(head)
    if root.dep_ == "pobj" and head.dep_ == "prep":
        gov = head.head
        if head.lower_ == "of" and gov.pos_ in _NOUNS and gov.i not in inside:
            return _noun_text(gov)  # "a deal of $5 billion"
        if gov.pos_ in ("VERB", "AUX"):
            return _verb_measure(gov, inside)
        if gov.pos_ in _NOUNS and gov.i not in inside:
            return _noun_text(gov)  # "an increase of 10%", "trade worth ..."
    if root.dep_ in ("dobj", "attr", "npadvmod", "nsubj", "oprd") and head.pos_ in ("VERB", "AUX"):
        return _verb_measure(head, inside, exclude_dep=root.dep_)
    return None


def _verb_measure(verb: Any, inside: set[int], exclude_dep: str | None = None) -> str | None:
    for dep in ("dobj", "nsubjpass", "nsubj"):
        if dep == exclude_dep:
            continue
        for c in verb.children:
            if c.dep_ == dep and c.i not in inside and c.pos_ in _NOUNS:
                return _noun_text(c)
    return None


def is_list_marker(body: str, start: int, end: int) -> bool:
    """'1.' / '2)' opening a list item (not a figure)."""
    line_start = body.rfind("\n", 0, start) + 1
    if body[line_start:start].strip(" \t•-*(") != "":
        return False
    after = body[end : end + 1]
    return bool(re.fullmatch(r"\(?\d{1,3}[.)]?", body[start:end].strip())) and (
        body[start:end].endswith((".", ")")) or after in (".", ")")
    )


def extract_facts(
    doc: Any, body: str, published: dt.date | None = None, lexicon: Lexicon | None = None
) -> list[Fact]:
    """Facts of one parsed document; spans are exact slices of `body`."""
    out: list[Fact] = []
    for ent in doc.ents:
        fact_type = FACT_LABELS.get(ent.label_)
        if fact_type is None:
            continue
        start, end = ent.start_char, ent.end_char
        # trim whitespace / stray punctuation the model may include
        while start < end and (body[start].isspace() or body[start] in '([{"“'):
            start += 1
        while end > start and (body[end - 1].isspace() or body[end - 1] in ')]}"”,;:'):
            end -= 1
        if end <= start or "\n" in body[start:end]:
            continue
        if ent.label_ == "CARDINAL" and is_list_marker(body, start, end):
            continue
        text = body[start:end]
        value, unit = normalize(text, ent.label_, published)
        try:
            measure = measure_of(ent, lexicon) if doc.has_annotation("DEP") else None
        except (AttributeError, IndexError, ValueError):
            measure = None
        out.append(Fact(start, end, text, fact_type, value, unit, measure))
    return out
