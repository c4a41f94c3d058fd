"""Values of written figures: numbers, scale words, bounds, currencies and units.

- Numbers: digits with thousands separators and a scale word after them, joined, spaced or
  hyphenated ("$10bn", "$2 bn", "$2-billion", "3 mn", "2.5 million"); number words through
  `text2num` ("twenty-five", "two hundred and fifty", "sixty-one"), with what it does not read
  handled here: "a dozen", "a hundred", fractions ("two-thirds", "half", "a quarter"), and vague
  plurals, which are lower bounds ("dozens" -> 12, "thousands" -> 1000, "tens of thousands" -> 10000).
- Bounds (`Value.lower` / `Value.upper`, None = open): "at least", "more than", "over", "dozens"
  -> lower; "up to", "at most", "less than", "under" -> upper; "about", "around", "some",
  "roughly", "nearly", "almost" -> an approximate interval (+-10 %; "nearly"/"almost" below the
  value only); "between 5 and 7", "5-7", "5 to 7" -> both. An exact figure has lower = upper = value.
- `Value.precision`: half a unit of the last digit written ("6" -> 0.5, "6.2" -> 0.05,
  "$2.5 billion" -> 5e7); two figures closer than that are the same figure rounded.
- Currencies: ISO 4217 codes from symbols ("US$" -> USD, "£" -> GBP), words ("euro cents" -> EUR
  and a factor of 0.01) and qualified words ("Canadian dollars" -> CAD). "Rs" / "rupees" name the
  Indian, Pakistani, Sri Lankan and Nepalese rupee alike: the code comes from the country the
  document is about (`rupee_country`), else the unit stays the ambiguous word "rupee".
- Percent vs percentage points: "10 percentage points" has unit "percentage_point", never "percent".

Why these libraries: on the unit cases in tests/test_numbers.py, `text2num` reads compound number
words the hand rules missed ("one hundred and five") and nothing it reads is wrong;
`price-parser` finds the amount and the symbol but drops every scale word ("$2 bn" -> 2) and names
no ISO code; `quantulum3` reads "$2 bn" as 2 "dollar barn newton", "$2-billion" as 500000001 and
"Rs 500" as dimensionless, costs 5.6 s to import and its bundled classifier does not load with the
installed scikit-learn; `dateparser` is not needed (dates are not compared as figures). So numbers
words go through `text2num`, the rest stays here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from text_to_num import text2num

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1, "single": 1,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "dozen": 12, "half": 0.5, "quarter": 0.25, "both": 2, "couple": 2,
}  # fmt: skip
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "lakh": 1e5,
    "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "millions": 1e6, "billions": 1e9,
}  # fmt: skip
# "a double murder", "a triple homicide": how many a crime's name counts (parallax.figure_spans)
MULTIPLES = {"double": 2.0, "triple": 3.0, "quadruple": 4.0, "quintuple": 5.0}
# Vague plurals: lower bounds.
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10,
}  # fmt: skip
_FILLER = {"and", "about", "some", "nearly", "almost", "around", "over", "more", "than", "up", "to"}

CURRENCY_SYMBOLS = [
    ("US$", "USD"), ("U.S.$", "USD"), ("C$", "CAD"), ("A$", "AUD"), ("NZ$", "NZD"), ("HK$", "HKD"),
    ("S$", "SGD"), ("R$", "BRL"), ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("¥", "JPY"), ("₹", "INR"),
    ("₽", "RUB"), ("₩", "KRW"), ("₺", "TRY"), ("₪", "ILS"), ("₦", "NGN"), ("Rs.", "rupee"), ("Rs", "rupee"),
]  # fmt: skip
CURRENCY_WORDS = {
    "dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "pound": "GBP", "sterling": "GBP",
    "gbp": "GBP", "yen": "JPY", "jpy": "JPY", "yuan": "CNY", "renminbi": "CNY", "cny": "CNY",
    "rupee": "rupee", "inr": "INR", "pkr": "PKR", "lkr": "LKR", "npr": "NPR", "rial": "rial",
    "riyal": "riyal", "dirham": "AED", "dh": "AED", "dhs": "AED", "aed": "AED",
    "franc": "CHF", "chf": "CHF", "ruble": "RUB", "rouble": "RUB",
    "rub": "RUB", "won": "KRW", "lira": "TRY", "peso": "peso", "rand": "ZAR", "naira": "NGN",
    "shekel": "ILS", "krona": "SEK", "krone": "NOK", "real": "BRL", "dlr": "USD", "forint": "HUF",
    "zloty": "PLN", "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "kwacha": "kwacha", "dinar": "dinar",
    "aud": "AUD", "cad": "CAD", "jpy ": "JPY",
}  # fmt: skip
CURRENCY_QUALIFIERS = {
    ("canadian", "dollar"): "CAD", ("australian", "dollar"): "AUD", ("hong", "dollar"): "HKD",
    ("singapore", "dollar"): "SGD", ("new", "dollar"): "NZD", ("indian", "rupee"): "INR",
    ("pakistani", "rupee"): "PKR", ("iranian", "rial"): "IRR", ("saudi", "riyal"): "SAR",
    ("mexican", "peso"): "MXN", ("swiss", "franc"): "CHF", ("danish", "krone"): "DKK",
    ("norwegian", "krone"): "NOK", ("swedish", "krona"): "SEK", ("brazilian", "real"): "BRL",
    ("us", "dollar"): "USD", ("u.s.", "dollar"): "USD", ("american", "dollar"): "USD",
    ("sri", "rupee"): "LKR", ("nepalese", "rupee"): "NPR", ("nepali", "rupee"): "NPR",
}  # fmt: skip
# Hundredth parts: value / 100 in the main currency (the main currency from the words, else USD).
_SUBUNITS = {
    "cent": "USD",
    "cents": "USD",
    "ct": "USD",
    "cts": "USD",
    "penny": "GBP",
    "pence": "GBP",
    "paise": "INR",
}
# Country cues for "Rs" / "rupees" (lowercase words of the document).
RUPEE_COUNTRIES = {
    "PKR": ("pakistan", "pakistani", "islamabad", "karachi", "lahore", "rawalpindi", "peshawar"),
    "INR": ("india", "indian", "new delhi", "delhi", "mumbai", "kolkata", "chennai", "bengaluru"),
    "LKR": ("sri lanka", "sri lankan", "colombo"),
    "NPR": ("nepal", "nepalese", "nepali", "kathmandu"),
}

TIME_UNITS = {
    "second": "second", "minute": "minute", "hour": "hour", "day": "day", "night": "day", "week": "week",
    "fortnight": "fortnight", "month": "month", "quarter": "quarter", "year": "year", "decade": "decade",
    "century": "century", "yr": "year", "hr": "hour", "min": "minute",
}  # fmt: skip
# a currency written against its amount ("Rs500", "Rs.2bn", "Dh4,275", "euro345", "EUR2bn"), as
# South Asian, Gulf and some wire copy writes it: read as if a space were there (`unglue`)
# (case matters: "Euro2016" is a football tournament, "RS232" a cable)
GLUED_CURRENCY = r"(?:Rs\.?|Dhs?|USD|EUR|GBP|INR|PKR|AED|SAR|euros?)"
_GLUED = re.compile(rf"(?<![A-Za-z])({GLUED_CURRENCY})(?=\d)")
# a whole token that is such an amount ("Rs500", "Rs.2bn"): a figure, never the noun a figure counts
GLUED_AMOUNT = re.compile(
    rf"{GLUED_CURRENCY}\d[\d,]*(?:\.\d+)?(?:{'|'.join(sorted(SCALES, key=len, reverse=True))})?"
)


def unglue(text: str) -> str:
    """`text` with a space between a currency and the amount written against it ("Rs500" -> "Rs 500")."""
    return _GLUED.sub(r"\1 ", text)


# a number, not the digits of a model name ("AK-47", "F-16": letters, a hyphen, digits)
_AND_A_FRACTION = re.compile(r"\s+(?:[a-z]+\s+)?and\s+an?\s+(half|quarter|third)\b")
_NUM = re.compile(r"(?<![\w.])(?<![A-Za-z]-)[-+]?\d[\d,]*(?:\.\d+)?|(?<![\w])\.\d+")
# "4 1/2 hours", "4 1 / 2": a whole number and a fraction
_MIXED = re.compile(r"(?<![\w.,/])(\d+)\s+(\d)\s*/\s*(\d{1,2})(?![\d/])")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
# "two or three minutes", "5 or 6": two neighbouring values, either of which may be true
_OR = re.compile(r"^(.*?\S)\s+or\s+(\S.*)$", re.IGNORECASE)
_RANGE = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(?:-|–|—|to)\s*(\d[\d,]*(?:\.\d+)?)(?![\d])", re.IGNORECASE
)
_BETWEEN = re.compile(r"\bbetween\s+(.+?)\s+(?:and|to)\s+(.+)$", re.IGNORECASE)
_LOWER_CUES = (
    "at least",
    "more than",
    "over",
    "above",
    "upwards of",
    "in excess of",
    "no fewer than",
    "exceeding",
)
_UPPER_CUES = (
    "up to",
    "at most",
    "less than",
    "fewer than",
    "under",
    "below",
    "no more than",
    "as many as",
    "as much as",
    "maximum of",
)
_ABOUT_CUES = (
    "about", "around", "some", "roughly", "approximately", "an estimated", "estimated", "an approximate",
    "approximate", "circa", "nearly", "almost", "close to", "just under", "just over",
)  # fmt: skip
APPROX = 0.1  # "about 300" -> [270, 330]


@dataclass
class Value:
    """A figure's value with its bounds (None = open) and the rounding of what was written."""

    value: float | None
    lower: float | None
    upper: float | None
    precision: float | None
    qualifier: str | None = None


# plurals in -ves that dropping the "s" gets wrong ("wives" -> "wive")
VES_PLURALS = {
    "wives": "wife", "housewives": "housewife", "knives": "knife", "lives": "life", "wolves": "wolf",
    "halves": "half", "thieves": "thief", "shelves": "shelf", "leaves": "leaf", "loaves": "loaf",
    "calves": "calf", "selves": "self",
}  # fmt: skip


def singular(word: str) -> str:
    """Crude English singular of a unit word ('tonnes' -> 'tonne', 'inches' -> 'inch', 'wives' -> 'wife')."""
    w = word.casefold()
    if w in VES_PLURALS:
        return VES_PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def words_of(text: str) -> list[str]:
    """Lowercase words, split on spaces and dashes, commas dropped."""
    return [w for w in re.split(r"[\s\-‐–—]+", text.casefold().replace(",", " ")) if w]


def _digits(text: str) -> float:
    return float(text.replace(",", ""))


def _scale_after(rest: str) -> float:
    """The scale word right after a number: spaced or hyphenated ('$2 bn', '$2-billion', '3 mn');
    single letters only when joined ('$10bn', '3m', '5k')."""
    tail = re.match(r"([\s\-‐–]*)([a-z]+)\b", rest)
    if not tail or tail.group(2) not in SCALES:
        return 1.0
    word = tail.group(2)
    if len(word) == 1 and tail.group(1):
        return 1.0
    return SCALES[word]


def _fraction(words: list[str]) -> float | None:
    """'two-thirds' -> 0.667, 'three quarters' -> 0.75, 'a half' -> 0.5 (None if not a fraction)."""
    if not words or words[-1] not in _FRACTIONS or len(words) > 3:
        return None
    head = [w for w in words[:-1] if w not in ("of", "and")]
    if not head:
        return 1 / _FRACTIONS[words[-1]] if words[-1] in ("half", "quarter", "third") else None
    n = _UNITS.get(head[-1]) if head[-1] not in ("a", "an", "one") else 1
    if n is None or n >= _FRACTIONS[words[-1]]:
        return None
    return n / _FRACTIONS[words[-1]]


def _and_a_fraction(words: list[str]) -> float | None:
    """'one and a half' -> 1.5, 'a mile and a half' -> 1.5 (the unit word between is skipped),
    'two and a quarter' -> 2.25; None when the words do not end so."""
    if len(words) < 4 or words[-3:-1] not in (["and", "a"], ["and", "an"]) or words[-1] not in _FRACTIONS:
        return None
    head = _words_number(words[:-3])
    return head + 1 / _FRACTIONS[words[-1]] if head is not None else None


def _words_number(words: list[str]) -> float | None:
    """A number written in words ('twenty-five', 'a dozen', 'two hundred thousand')."""
    words = [w.strip(".()") for w in words]
    words = [w for w in words if w]
    if not words:
        return None
    and_a = _and_a_fraction(words)  # "one and a half", "a mile and a half"
    if and_a is not None:
        return and_a
    frac = _fraction(words)
    if frac is not None:
        return frac
    if "of" in words:  # "tens of thousands", "hundreds of millions"
        i = words.index("of")
        left, right = words[:i], words[i + 1 :]
        base = {"tens": 10, "hundreds": 100, "dozens": 12}.get(left[-1] if left else "")
        r = _words_number(right) if right else None
        if base is not None and r is not None:
            return base * r
        if left:
            return _words_number(left)
    core = [w for w in words if w not in _FILLER or w == "and"]
    while core and core[0] == "and":
        core = core[1:]
    if core and all(w in _UNITS or w in SCALES or w == "and" for w in core) and core[0] not in ("a", "an"):
        try:
            return float(text2num(" ".join(core), "en"))
        except ValueError:
            pass
    total, current, seen = 0.0, 0.0, False
    for i, w in enumerate(words):
        if w in VAGUE:
            return float(VAGUE[w]) * (current or 1.0) + total
        if w in ("a", "an"):  # "a dozen", "half a million": a multiplier of one at most
            current = current or 1.0
            seen = True
        elif w == "dozen":
            current = (current or 1.0) * 12
            seen = True
        elif w in _UNITS:
            # "a couple", "a single": the article is no number of its own (not 1 + 2)
            article = i > 0 and words[i - 1] in ("a", "an") and current == 1.0
            current = _UNITS[w] if article else current + _UNITS[w]
            seen = True
        elif w in SCALES and len(w) > 2:
            scale = SCALES[w]
            current = (current or 1.0) * scale
            if scale >= 1e3:
                total += current
                current = 0.0
            seen = True
    return total + current if seen else None


def parse_number(text: str) -> float | None:
    """Number written with digits, words or both: '2', '1,200', '2.5 million', '$2 bn', 'three',
    'twenty-five', 'a dozen', 'two-thirds', 'thousands' (lower bound 1000), 'tens of thousands'."""
    t = unglue(text).casefold().replace("\u00a0", " ")
    if t.strip() in MULTIPLES:
        return MULTIPLES[t.strip()]
    mixed = _MIXED.search(t)
    if mixed and 0 < int(mixed.group(2)) < int(mixed.group(3)):
        return int(mixed.group(1)) + int(mixed.group(2)) / int(mixed.group(3))
    vulgar = re.search(r"(\d*)\s*([½¼¾⅓⅔])", t)
    if vulgar:
        return float(vulgar.group(1) or 0) + _VULGAR[vulgar.group(2)]
    frac = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*(?:[a-z].*)?", t)
    if frac and 0 < int(frac.group(1)) < int(frac.group(2)) <= 100:  # "7/8", "1/2 liter" (not "1987/88")
        return int(frac.group(1)) / int(frac.group(2))
    m = _NUM.search(t)
    if m:
        tail = _AND_A_FRACTION.match(t[m.end() :])  # "2 and a half"
        if tail:
            return _digits(m.group(0)) + 1 / _FRACTIONS[tail.group(1)]
        return _digits(m.group(0)) * _scale_after(t[m.end() :])
    return _words_number(words_of(t))


def _precision(text: str, value: float | None) -> float | None:
    """Half a unit of the last digit written, in the value's units ('6.2' -> 0.05, '$2 bn' -> 5e8)."""
    if value is None:
        return None
    mixed = _MIXED.search(text)
    if mixed:  # "4 1/2": half a unit of the fraction written
        return 0.5 / int(mixed.group(3))
    m = _NUM.search(text)
    if not m:
        return 0.5 if value == round(value) and abs(value) >= 1 else None
    digits = _digits(m.group(0))
    decimals = len(m.group(0).split(".")[1]) if "." in m.group(0) else 0
    scale = value / digits if digits else 1.0
    return 0.5 * 10.0**-decimals * abs(scale)


def _starts(text: str, cues: tuple[str, ...]) -> str | None:
    t = text.casefold().lstrip()
    for cue in cues:
        if t.startswith(cue + " ") or t == cue:
            return cue
    return None


# compiled once: a qualifier ending the text before a figure, and a country cue of the rupee
_CUE_AT_END = {c: re.compile(rf"\b{re.escape(c)}\s*$") for c in (*_LOWER_CUES, *_UPPER_CUES, *_ABOUT_CUES)}
_RUPEE_CUES = {
    code: [re.compile(rf"\b{re.escape(c)}\b") for c in cues] for code, cues in RUPEE_COUNTRIES.items()
}


def parse_value(text: str, before: str = "") -> Value:
    """Value and bounds of a figure `text`; `before` is the text just before it (qualifiers the
    entity left out: 'at least' in 'at least [5 people]')."""
    t = " ".join(unglue(text).split())
    lead = (before.split("\n")[-1][-24:] + " " + t).casefold()
    between = _BETWEEN.search(t)
    if between:
        a, b = parse_number(between.group(1)), parse_number(between.group(2))
        if a is not None and b is not None:
            first, second = words_of(between.group(1)), words_of(between.group(2))
            if len(second) > 1 and second[-1] in SCALES and not any(w in SCALES for w in first):
                a *= SCALES[second[-1]]  # "between 2 and 3 billion"
            lo, hi = min(a, b), max(a, b)
            return Value(lo, lo, hi, _precision(between.group(1), lo), "between")
    either = _OR.match(t)
    if either:
        a, b = parse_number(either.group(1)), parse_number(either.group(2))
        if a is not None and b is not None and a < b:
            return Value(a, a, b, _precision(either.group(1), a), "or")
    rng = _RANGE.search(t)
    if rng and not re.search(r"\d\s*-\s*(?:year|month|week|day|hour)", t[rng.start() :].casefold()):
        a, b = _digits(rng.group(1)), _digits(rng.group(2))
        if a < b and not (a >= 1000 and b < 100):  # not "1987-88"
            scale = _scale_after(t[rng.end() :])
            return Value(a * scale, a * scale, b * scale, _precision(rng.group(1), a * scale), "range")
    value = parse_number(t)
    precision = _precision(t, value)
    if value is None:
        return Value(None, None, None, None)
    words = words_of(t)
    head = t.casefold()
    before_t = lead[: len(lead) - len(t) - 1]
    for cue in _LOWER_CUES:
        if head.startswith(cue + " ") or _CUE_AT_END[cue].search(before_t):
            return Value(value, value, None, precision, cue)
    for cue in _UPPER_CUES:
        if head.startswith(cue + " ") or _CUE_AT_END[cue].search(before_t):
            return Value(value, None, value, precision, cue)
    for cue in _ABOUT_CUES:
        if head.startswith(cue + " ") or _CUE_AT_END[cue].search(before_t):
            below = cue in ("nearly", "almost", "close to", "just under")
            hi = value if below else value * (1 + APPROX)
            lo = value * (1 - APPROX) if cue != "just over" else value
            return Value(value, lo, hi, precision, cue)
    if any(w in VAGUE for w in words) or (words and words[-1] in ("plus", "+")) or t.endswith("+"):
        return Value(value, value, None, precision, "vague plural")
    return Value(value, value, value, precision)


def rupee_country(text: str) -> str | None:
    """ISO code of the rupee a document means: the country it names most (None when none)."""
    t = text.casefold()
    counts = {code: sum(len(rx.findall(t)) for rx in _RUPEE_CUES[code]) for code in RUPEE_COUNTRIES}
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else None


def currency(text: str, rupee: str | None = None) -> tuple[str | None, float]:
    """(ISO code or currency word, factor): 'US$ 2 bn' -> ('USD', 1); '5 euro cents' -> ('EUR', 0.01)."""
    t = unglue(text).strip()
    words = [singular(w.strip(".")) for w in words_of(t)]
    factor = 1.0
    sub = next((w for w in words_of(t) if w.strip(".") in _SUBUNITS), None)
    if sub is not None:
        factor = 0.01
    code: str | None = None
    for sym, iso in CURRENCY_SYMBOLS:
        if sym in t and (not sym[0].isalpha() or re.search(rf"(?<![A-Za-z]){re.escape(sym)}(?![a-z])", t)):
            code = iso
            break
    if code is None:
        for a, b in itertools.pairwise(words):
            if (a, b) in CURRENCY_QUALIFIERS:
                code = CURRENCY_QUALIFIERS[(a, b)]
                break
    if code is None:
        code = next((CURRENCY_WORDS[w] for w in words if w in CURRENCY_WORDS), None)
    if code is None:
        codes = re.findall(r"\b[A-Z]{3}\b", t)
        code = codes[0] if codes else None
    if code is None and sub is not None:
        code = _SUBUNITS[sub.strip(".")]
    if code == "rupee" and rupee:
        code = rupee
    return code, factor


def percent_unit(text: str) -> str:
    """'percentage points' (a difference of rates) is not 'percent'."""
    t = text.casefold()
    return "percentage_point" if re.search(r"percentage[\s-]*points?|\bpp\b|\bpts?\b", t) else "percent"


RATE_UNITS = ("mph", "km/h")


def rate_unit(text: str) -> str | None:
    """'120 mph', '120 miles an hour' -> 'mph'; '193 km/h', '193km / h', 'kph' -> 'km/h'; else None."""
    t = text.casefold()
    if re.search(r"\bmph\b|miles?\s+(?:an|per|a)\s+hour|\bmi\s?/\s?h\b", t):
        return "mph"
    if re.search(r"kph|kmh|km\s?/\s?h|(?:kilomet(?:er|re)s?|km)\s+(?:an|per|a)\s+hour", t):
        return "km/h"
    return None


def duration(text: str) -> tuple[float | None, str | None]:
    """('three-day' -> 3 day, 'two weeks' -> 2 week, 'two decades' -> 2 decade); (None, None) if not."""
    words = [w.strip(".,") for w in words_of(text)]
    for i, w in enumerate(words):
        unit = TIME_UNITS.get(singular(w)) or TIME_UNITS.get(w)
        if unit is None:
            continue
        number_part = " ".join(x for x in words[:i] if x not in ("the", "next", "past", "last", "first"))
        value = parse_value(number_part).value if number_part else None  # "two or three": 2
        tail = words[i + 1 : i + 4]
        if value is not None and len(tail) == 3 and tail[:2] in (["and", "a"], ["and", "an"]):
            value += 1 / _FRACTIONS[tail[2]] if tail[2] in _FRACTIONS else 0.0  # "an hour and a half"
        if value is not None:
            return value, unit
    return None, None
