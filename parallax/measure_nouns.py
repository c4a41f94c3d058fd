"""What noun phrase a figure counts, read from the dependency parse (pure functions over spaCy tokens).

`parallax.measures.measure_of` keys a figure by the noun it counts and the predicate over that noun;
these helpers find the noun: the one the number modifies ("five boats"), the object of "of"
("thousands of pilgrims"), the noun a count is hyphened to ("a five-boat attack"), the plural noun
counted a few sentences before ("two of them"), or a verb's object or subject.
"""

from __future__ import annotations

from typing import Any

from parallax.measure_words import NOUN_TAGS, lemma
from parallax.numbers import TIME_UNITS, singular

# units and group sizes a hyphened count measures rather than counts ("a 10-mile walk", "a
# five-member panel")
UNIT_WORDS = {
    "mile", "kilometre", "kilometer", "km", "metre", "meter", "foot", "feet", "inch", "yard", "pound",
    "ton", "tonne", "kilogram", "kg", "gram", "litre", "liter", "gallon", "point", "percent", "degree",
    "storey", "story", "floor", "lane", "member", "man", "person", "page", "mph", "acre", "hectare",
}  # fmt: skip
_FIGURE_ENTS = {"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}


def phrase_head(tok: Any, lexicon: Any) -> Any:
    """The noun a name-like modifier belongs to when the parser cut the phrase short: "thousands of
    Pakistani Shia pilgrims" parsed with "Shia" as the object: a lowercase common noun right after
    a proper-noun object is the head."""
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


def figure_root(span: Any) -> Any:
    """The span's root, or its number when a determiner or adjective was taken for the root ("An
    estimated 100,000 people": every word of the figure hangs on "people"; "At present 65% of
    traffic": the model took "present" into the figure, and "%" holds the number)."""
    root = span.root
    if root.like_num or root.pos_ not in ("DET", "ADJ"):
        return root
    outside = [t for t in span if not span.start <= t.head.i < span.end]
    nums = [
        t
        for t in outside
        if t.like_num or any(c.like_num and c.i in range(span.start, span.end) for c in t.children)
    ]
    return nums[-1] if nums else root


def counted_noun(span: Any, lexicon: Any = None) -> Any:
    """The noun phrase head the figure counts: the modified noun, the object of 'of', or the figure."""
    root = figure_root(span)
    inside = {t.i for t in span}
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i >= span.end - 1:
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return phrase_head(objs[0], lexicon)
    if root.dep_ == "conj" and root.head.like_num and root.head.dep_ == "nummod":
        return root.head.head  # "5,000 dead and more than 20,000 injured people"
    head = root.head
    while head.pos_ in ("NUM", "PROPN") and head.dep_ in ("nummod", "compound") and head.head.i > head.i:
        head = head.head  # "six AK-47 rifles": through the model name to the rifles
    modifier = root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod")
    if modifier and head.i not in inside and (head.pos_ in NOUN_TAGS or head.pos_ == "PRON"):
        while head.dep_ == "compound" and head.head.pos_ in NOUN_TAGS and head.head.i > head.i:
            head = head.head  # "six AK-47 rifles": the rifles, not the model name
        return hyphened_tail(head)
    return root


def hyphened_tail(tok: Any) -> Any:
    """The last noun of a hyphened compound the tokenizer split ("two co-workers" read as "co", "-",
    "workers", each an object of the verb): the workers are counted, not "co"."""
    doc = tok.doc
    while (
        tok.i + 2 < len(doc)
        and not tok.whitespace_
        and doc[tok.i + 1].text in ("-", "–")
        and not doc[tok.i + 1].whitespace_
        and doc[tok.i + 2].pos_ in NOUN_TAGS
        and doc[tok.i + 2].is_alpha
    ):
        tok = doc[tok.i + 2]
    return tok


def one_of_many(span: Any) -> bool:
    """ "one of 99 members seized": a member of a set the next figure counts, not a count itself."""
    root = span.root
    if span.text.lower() != "one":
        return False
    for prep in (c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            if obj.like_num or any(g.like_num for g in obj.children if g.dep_ in ("nummod", "quantmod")):
                return True
    return False


def hyphen_noun(span: Any) -> Any:
    """The noun a count is hyphened to in a compound modifier ("a five-boat attack", "on a two-party
    basis"): what the figure counts; None for units and times ("a 10-mile walk", "a two-day strike")."""
    doc = span.doc
    last = doc[span.end - 1]
    if span.end + 1 >= len(doc) or last.whitespace_ or doc[span.end].text not in ("-", "–"):
        return None
    noun = doc[span.end + 1]
    if doc[span.end].whitespace_ or noun.pos_ != "NOUN" or noun.dep_ not in ("compound", "amod", "nmod"):
        return None
    if not noun.text.replace("-", "").isalpha():
        return None  # "29-of-34 passes": a ratio, no noun
    if noun.head.i <= noun.i or noun.head.pos_ not in NOUN_TAGS:
        return None
    word = lemma(noun)
    if word in TIME_UNITS or singular(noun.lower_) in TIME_UNITS or word in UNIT_WORDS:
        return None
    return noun


def counted_before(span: Any) -> Any:
    """The plural noun last counted before the figure, in its sentence or the three before
    ("five boats approached ... two of them escaped" -> boats)."""
    doc = span.doc
    first = span.sent.start
    for _ in range(3):
        if first > 0:
            first = doc[first - 1].sent.start
    for t in reversed(doc[first : span.start]):
        tail = hyphened_tail(t)  # "three co-workers": "co" carries the count
        if (t.tag_ == "NNS" or tail is not t) and any(c.dep_ == "nummod" for c in t.children):
            return tail
    return None


def argument_noun(verb: Any, skip: set[int]) -> Any:
    """The object (else subject) noun of a verb: what a figure under it measures ("increase trade
    from $2 billion", "the standoff lasted two hours")."""
    for dep in ("dobj", "nsubjpass", "nsubj"):
        for c in verb.children:
            if c.dep_ == dep and c.i not in skip and c.pos_ in NOUN_TAGS and not c.like_num:
                # another figure's unit ("70 per cent of web services ..., and 60 per cent in
                # India, were disrupted": not a count of cents) measures nothing itself
                return None if c.ent_type_ in _FIGURE_ENTS else c
    return None
