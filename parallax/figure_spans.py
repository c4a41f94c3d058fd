"""Where a figure starts and ends in the text, and which numbers are not figures.

`candidates` lists spaCy's numeric entities plus the number words the model leaves out; `extend` takes
in what the model cut off (a qualifier, a currency sign, a scale word, a range's second end, "-old");
`trim`, `not_a_figure` (clock times, phone, street and model numbers, ordinals, days of the month,
"one of the ..."), `is_list_marker` and `is_clock_hours` drop what is not a figure; `anaphoric` and
`described` tell a count used as a reference ("the two nations") from a first mention ("the four
submarine cables"). `parallax.facts` reads the figures from these spans.
"""

from __future__ import annotations

import re
from typing import Any

from parallax.ages import ages_listed
from parallax.dates import MONTH_NAMES
from parallax.numbers import GLUED_AMOUNT, MULTIPLES, TIME_UNITS, parse_number, singular

FACT_LABELS = {
    "MONEY": "money",
    "PERCENT": "percent",
    "QUANTITY": "quantity",
    "CARDINAL": "cardinal",
    "DATE": "date",
    "TIME": "duration",
}
NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
    "million", "billion", "dozen", "dozens", "hundreds", "thousands", "millions", "billions",
}  # fmt: skip
# the words of a rate written out ("5 per cent", "4 percentage points")
_PERCENT_WORDS = r"(?:percentage\s+points?|per\s?cent\b|percent\b)"
QUALIFIERS = (
    "at least", "more than", "fewer than", "less than", "up to", "at most", "no more than", "as many as",
    "about", "around", "nearly", "almost", "roughly", "approximately", "some", "over", "under", "between",
)  # fmt: skip
_CLOCK = re.compile(
    r"\d{1,2}[:.]\d{2}|\b(?:a\.?m|p\.?m)\b|o'clock|\bnoon\b|\bmidnight\b|\d\s*(?:am|pm)\b", re.I
)
# a time of day written with a.m. / p.m. after the number ("10 a.m.", "3:45 p. m.", "7pm"): any label
_AM_PM = re.compile(r"\s*(?:[ap]\.\s?m\b\.?|[ap]m\b)", re.I)
_ORDINAL_PERSON = re.compile(r"(?:a|an|the)\s+(?:third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)", re.I)
_SPEC_AFTER = re.compile(r"[\s-]*(?:gauge|caliber|calibre|bore|magnum)\b", re.I)
# a speed after the number the model cut off ("more than 100 mph", "120 miles an hour", "193km / h")
_RATE_AFTER = re.compile(
    r"[\s-]*(?:mph|kph|kmh|km\s?/\s?h|(?:miles?|kilomet(?:er|re)s?|km)\s+(?:an|per|a)\s+hour)\b", re.I
)
_RATE_TAIL = re.compile(r"\s?/\s?h\b|\s+(?:an|per|a)\s+hour\b", re.I)
_HHMM = re.compile(r"(?:[01]?\d|2[0-3]):?[0-5]\d")
_ZONE_AFTER = re.compile(r"\s*\(?(?:GMT|UTC|BST|CES?T|HKT|IST|JST|AES?T|AEDT|[ECMP][SD]?T)\b")
_PHONE = re.compile(r"\d{3}[-.\s]\d{3}[-.\s]?\d{4}|\(\d{3}\)|\d{3}-\d{4}")
_CODE_BEFORE = re.compile(
    r"(?:\b(?:No|Nos|Article|Art|Ch|Channel|Highway|Hwy|Route|Interstate|I|Building|Flight|Room|Section|"
    r"Chapter|Level|Gate|Platform|Pier|Unit|Suite|Apt|Box|Lot|Road)\.?[ \t]*|[A-Za-z]-|\b[A-Z]{2}[ \t])\Z"
)
_STREET_AFTER = re.compile(
    r"^\s*(?:block\b|(?:[NSEW]\.?\s+|North |South |East |West )?(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th))\.?\s+"
    r"(?:St|Street|Ave|Avenue|Blvd|Boulevard|Rd|Road|Dr|Drive|Lane|Ln|Way|Place|Pl)\b)"
)
PER_CENT = re.compile(rf"(?:\d\s*|[a-z]\s+){_PERCENT_WORDS}", re.IGNORECASE)  # "60 per cent", "five per cent"
_CLOCK_HOURS = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d\s*(?:hours|hrs|hr|h)\.?", re.IGNORECASE)
_CLOCK_BEFORE = re.compile(
    r"\b(?:at|by|until|till|around|about|from|before|after|since|approximately|approx\.?)\s*$", re.IGNORECASE
)


def rate_tail(text: str, after: str) -> str:
    """The rest of a speed the model cut off after a length ("193km" + " / h"), else ''. It stays out
    of the figure's span: the parser attaches "h" to the verb, and the span's noun would be lost."""
    m = _RATE_TAIL.match(after)
    return m.group(0) if m and re.search(r"(?:miles?|km|kilomet(?:er|re)s?)$", text, re.I) else ""


def is_clock_hours(text: str, before: str) -> bool:
    """'at 1230 hours', 'by 0600 hrs': a 24-hour clock time, not a duration of 1,230 hours."""
    return bool(_CLOCK_HOURS.fullmatch(text.strip()) and _CLOCK_BEFORE.search(before[-16:]))


def is_list_marker(body: str, start: int, end: int) -> bool:
    """'1.' / '2)' opening a list item (not a figure)."""
    line_start = body.rfind("\n", 0, start) + 1
    if body[line_start:start].strip(" \t•-*(") != "":
        return False
    after = body[end : end + 1]
    return bool(re.fullmatch(r"\(?\d{1,3}[.)]?", body[start:end].strip())) and (
        body[start:end].endswith((".", ")")) or after in (".", ")")
    )


def trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (body[start].isspace() or body[start] in '([{"“'):
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ')]}"”,;:'):
        end -= 1
    tail = re.search(r"\s+(?:and|or)$", body[start:end])  # "ages 12 and" (15 follows)
    return (start, start + tail.start()) if tail else (start, end)


_KILLINGS = frozenset({"murder", "homicide", "killing", "slaying"})


def multiple_killing(tok: Any) -> Any:
    """The crime's noun when `tok` is "double" in "a double murder", "Triple Homicide" (a count of
    the dead the crime's name gives), else None."""
    if tok.lower_ not in MULTIPLES:
        return None
    after = [t for t in tok.doc[tok.i + 1 : tok.i + 3] if t.text != "-"]  # "a double-murder trial"
    return after[0] if after and after[0].lower_.removesuffix("s") in _KILLINGS else None


def candidates(doc: Any) -> list[tuple[Any, str]]:
    """(span, spaCy label) of every figure candidate: numeric entities, then number tokens outside
    any entity (spaCy leaves out many number words: 'two hours', 'five totally')."""
    out: list[tuple[Any, str]] = []
    covered: set[int] = set()
    figures: set[int] = set()  # tokens of numeric entities
    for ent in doc.ents:
        first = ent.start
        while ent.label_ == "PERSON" and first < ent.end and doc[first].like_num:
            first += 1  # "2 Dead, 1 Wounded" taken for a name: no name starts with a number
        if ent.label_ not in FACT_LABELS and all(re.fullmatch(r"\d[\d,.]*", t.text) for t in ent):
            continue  # "the 288 candidates" with 288 tagged FAC: a bare number is no name
        covered.update(range(first, ent.end))
        if ent.label_ in FACT_LABELS:
            figures.update(range(ent.start, ent.end))
            out.extend(ages_listed(ent) or [(ent, ent.label_)])
    for tok in doc:  # "Rs500", "Dh4,275": one token the model seldom tags (money, whatever it says)
        if tok.i not in figures and GLUED_AMOUNT.fullmatch(tok.text):
            out.append((doc[tok.i : tok.i + 1], "MONEY"))
            covered.add(tok.i)
    for tok in doc:  # "a double murder": two dead, in the crime's name
        if tok.i not in covered and multiple_killing(tok) is not None:
            out.append((doc[tok.i : tok.i + 1], "CARDINAL"))
            covered.add(tok.i)
    i = 0
    while i < len(doc):
        tok = doc[i]
        is_num = (tok.like_num or tok.lower_ in NUMBER_WORDS) and not tok.is_punct
        if i in covered or not is_num:
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j not in covered and (doc[j].like_num or doc[j].lower_ in NUMBER_WORDS):
            j += 1
        start = (
            i - 1
            if i > 0 and doc[i - 1].lower_ in ("a", "an") and tok.lower_ in ("dozen", "hundred", "thousand")
            else i
        )
        label = "CARDINAL"
        if j < len(doc) and singular(doc[j].lower_) in TIME_UNITS and doc[j].i not in covered:
            j += 1
            label = "DATE"
        out.append((doc[start:j], label))
        i = j
    out.sort(key=lambda c: c[0].start_char)
    return out


_CURRENCY_BEFORE = re.compile(
    r"(?:US\$|U\.S\.\$|[A-Z]{1,2}\$|\$|£|€|¥|₹|\bRs\.?|\bUSD|\bEUR|\bGBP|\bINR|\bPKR)\s?$"
)
_SCALE_AFTER = re.compile(r"^[\s\-‐–]?(?:bn|mn|mln|bln|billion|million|trillion|tn|crore|lakh)s?\b", re.I)
_PERCENT_AFTER = re.compile(rf"^[\s\-]?(?:%|{_PERCENT_WORDS})", re.I)
_RANGE_AFTER = re.compile(r"^\s?(?:-|–|—|to)\s?\d[\d,.]*(?![\d:])")
_AND_AFTER = re.compile(
    r"^\s+(?:and|to)\s+(?:\d[\d,.]*|[a-z]+)(?:\s+(?:bn|billion|million|thousand))?(?![\d:])", re.I
)


_OR_AFTER = re.compile(
    r"\s+or\s+(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b",
    re.IGNORECASE,
)


def extend(body: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Take in what the model left out: a qualifier before ('at least' [5]), a currency before
    ('$' [2] 'bn'), a scale word, '%' / 'percentage points', the second end of a range and '-old'."""
    before = body[max(0, start - 16) : start]
    m = _CURRENCY_BEFORE.search(before)
    if m and label in ("CARDINAL", "MONEY", "QUANTITY"):
        start -= len(m.group(0))
        label = "MONEY"
    m = _SCALE_AFTER.match(body[end : end + 12])
    if m and not re.search(r"[a-z]$", body[start:end], re.I):
        end += m.end()
    m = _PERCENT_AFTER.match(body[end : end + 24])
    if m and label == "CARDINAL":
        end += m.end()
        label = "PERCENT"
    m = _RANGE_AFTER.match(body[end : end + 16])
    if m and re.search(r"\d$", body[start:end]) and label in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT"):
        end += m.end()
    before = body[max(0, start - 16) : start].casefold()
    if (before.endswith("between ") or body[start:end].casefold().startswith("between ")) and re.search(
        r"\d$|[a-z]$", body[start:end]
    ):
        m = _AND_AFTER.match(body[end : end + 24])
        if m:
            end += m.end()
            if label == "DATE":
                label = "CARDINAL"
    m = _OR_AFTER.match(body[end : end + 16])
    if m and label == "CARDINAL" and re.fullmatch(r"[\w,.]+", body[start:end]):
        end += m.end()  # "five or six people": one figure, either value
    for q in sorted(QUALIFIERS, key=len, reverse=True):
        if before.endswith(q + " "):
            start -= len(q) + 1
            break
    m = _RATE_AFTER.match(body[end : end + 32])
    if m and label in ("CARDINAL", "QUANTITY") and re.search(r"\d$", body[start:end]):
        end += m.end()
        label = "QUANTITY"
    m = re.match(r"[\s\-‐–]old\b", body[end : end + 5])
    if re.search(r"years?$", body[start:end]) and m:
        end += m.end()
    return start, end, label


# a month name ending the text before a figure ("July 23, 2008"), from parallax.dates' month names
_DAY_OF_MONTH = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:,?\s*(?:1[89]|20)\d\d)?")
_MONTH_BEFORE = re.compile(
    rf"(?:{'|'.join(sorted(MONTH_NAMES, key=len, reverse=True))})\.?\s*$", re.IGNORECASE
)


_PAIR = re.compile(r"\d{1,3}\s?[-–]\s?\d{1,3}")
_RANGE_BEFORE = re.compile(r"\b(?:aged?|ages|between)\s*$", re.I)


def is_score(text: str, before: str, span: Any, end: int) -> bool:
    """ "a 27-24 loss", "Indianapolis (11-4)", "tied at 24-24", "went 2-6.": a score or a record, not a
    range of a count, which counts a plural noun ("5-10 people")."""
    if not _PAIR.fullmatch(text.strip().rstrip(".")) or _RANGE_BEFORE.search(before):
        return False
    nxt = next((t for t in span.doc[span.start :] if t.idx >= end), None)
    return nxt is None or nxt.is_punct or nxt.tag_ in ("NN", "IN", "CC", "TO")


def not_a_figure(body: str, start: int, end: int, label: str, span: Any) -> bool:
    text = body[start:end]
    before = body[max(0, start - 14) : start]
    after = body[end : end + 40]
    if label == "TIME" and _CLOCK.search(text):
        return True
    if _ORDINAL_PERSON.fullmatch(text.strip()) and not re.match(r"\s*of\b", after):
        return True  # "killing two and critically injuring a third": an ordinal (a third person)
    if label in ("CARDINAL", "QUANTITY") and _SPEC_AFTER.match(after):
        return True  # "a 12-gauge shotgun", ".22-caliber": a weapon's specification, like a model name
    clock = label in ("CARDINAL", "QUANTITY", "TIME")  # a date keeps its day ("May 4, 2013 10:46 AM")
    digits_end = re.search(r"\d(?::[0-5]\d)?$", text.rstrip())
    if clock and digits_end and _AM_PM.match(after):
        return True  # "around 10 a. m.": the model took the number alone, the clock follows
    if clock and re.search(r"\d(?::[0-5]\d)?" + _AM_PM.pattern, text, re.I):
        return True  # "around 10 a. m." taken whole as a quantity of "m"
    if clock and _HHMM.fullmatch(text.strip()) and _ZONE_AFTER.match(after):
        return True  # "Updated 0947 GMT (1747 HKT)": a clock time and its zone
    if _PHONE.search(body[max(0, start - 4) : end + 9]) and label == "CARDINAL":
        return True
    # a code ("AK-47", "Route 9") is written in digits: "the cause-three cables" is a count; so is a
    # headline's "NEWS-3 DEAD", which the tagger read unglued (parallax.titles)
    read_before = span.doc.text[max(0, start - 14) : start] if span is not None else before
    code = text.lstrip()[:1].isdigit() and bool(
        _CODE_BEFORE.search(before) and _CODE_BEFORE.search(read_before)
    )
    if label in ("CARDINAL", "QUANTITY") and (code or _STREET_AFTER.match(after)):
        return True
    if label == "CARDINAL" and re.fullmatch(r"(?:1[89]|20)\d\d", text.strip()):
        return True  # a year written alone: a date, not a count
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", text.strip(), re.I):
        return True  # an ordinal ("5th Avenue")
    month = _MONTH_BEFORE.search(before) if label in ("CARDINAL", "DATE") else None
    if month and re.match(r",?\s*(?:1[89]|20)\d\d\b", after):
        return True  # "againJuly 23, 2008": a date the model missed (a word glued to the month)
    if month and month.group(0)[:1].isupper() and _DAY_OF_MONTH.fullmatch(text.strip()):
        return True  # a dateline's "Nov 12, 2011", "Nov 11 -": a day of the month
    if text.strip().casefold() == "one" and re.search(r"\b(?:no|any|every|some)\s*$", before, re.I):
        return True  # "no one else was injured"
    one_of = re.match(r"\s*of\s+(?:the|those|these|them|his|her|their|its)\b", after)
    return label == "CARDINAL" and bool(one_of) and parse_number(text) == 1  # "one of the bosses"


def anaphoric(span: Any) -> bool:
    """'the two nations', 'both countries', 'these three': a count used as a reference."""
    doc = span.doc
    first = span[0]
    if first.lower_ in ("both", "either", "each"):
        return True
    k = span.start - 1
    if k < 0:
        return False
    prev = doc[k]
    hyphened = span.end + 1 < len(doc) and not span[-1].whitespace_ and doc[span.end].text in ("-", "–")
    if hyphened and doc[span.end + 1].pos_ == "NOUN":
        return False  # "the five-boat formation": the article is the formation's, the count is new
    return prev.lower_ in ("the", "these", "those", "both")


def partitive_whole(span: Any) -> bool:
    """'Of 23 pirates, 12 are from Somalia', 'Out of 23 arrested pirates, 12 ...': a count that
    opens its sentence as the whole another count of the sentence divides. It names a set the
    text has given, so it is a reference when the text gives that count elsewhere."""
    doc, sent = span.doc, span.sent
    k = span.start - 1
    while k >= sent.start and doc[k].lower_ in ("the", "these", "those"):
        k -= 1
    if k < sent.start or doc[k].lower_ != "of":
        return False
    opener = doc[k - 1].lower_ if k - 1 >= sent.start else ""
    if k - 1 >= sent.start and not (opener == "out" and k - 2 < sent.start):
        return False  # "of" (or "out of") must open the sentence
    comma = next((t.i for t in doc[span.end : sent.end] if t.text == ","), None)
    return comma is not None and any(t.like_num for t in doc[comma + 1 : min(comma + 4, sent.end)])


def described(span: Any) -> bool:
    """Whether a count's noun is of a kind named by a noun before it ("the four submarine cables",
    "the five merchant vessels"): a first mention with the article, not a reference back to
    participants ("the two nations", "the two neighbouring countries")."""
    head = span.root.head
    if span.root.dep_ != "nummod" or head.pos_ != "NOUN":
        return False
    return any(c.dep_ == "compound" and c.i < head.i for c in head.children)


def in_count_list(span: Any) -> bool:
    """A count that is an item of a list of counts ("seven rifles, one grenade launcher and three
    pistols"; "two cars and one truck"): its noun is coordinated with a noun that has a count too."""
    root = span.root
    if root.dep_ != "nummod" or root.head.pos_ not in ("NOUN", "PROPN"):
        return False
    noun = root.head
    while noun.dep_ == "compound" and noun.head.i > noun.i:
        noun = noun.head  # "one grenade launcher": the count tied to "grenade"
    items = [noun.head] if noun.dep_ in ("conj", "appos") else []
    items += [c for c in noun.children if c.dep_ in ("conj", "appos")]
    return any(
        it.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "nummod" and c.i != root.i for c in it.children)
        for it in items
    )
