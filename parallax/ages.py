"""Whose age a figure is: the named person it describes ("Smith, 45,", "a 45-year-old Tom Smith"),
else the noun it describes ("a 66-year-old woman"): `age:<surname>` or `age:<noun>`."""

from __future__ import annotations

from typing import Any

from parallax.measure_words import NOUN_TAGS, lemma, surname

_NOUNS = NOUN_TAGS
# where an age is said of the person the clause names ("Smith was 45-year-old")
_PREDICATIVE = {"attr", "acomp", "appos", "oprd", "advcl"}
_PLACE_PREPOSITIONS = {"in", "at", "from", "near", "outside", "inside", "into", "across"}


def _person_at(doc: Any, i: int) -> Any:
    """The PERSON entity covering token i, or None."""
    tok = doc[i]
    if tok.ent_type_ == "PERSON":
        for ent in doc.ents:
            if ent.start <= i < ent.end:
                return ent
    return None


def is_modifier_name(ent: Any) -> bool:
    """A name that modifies a common noun for a person or place rather than naming the person: "a
    66-year-old Burnsville woman" (a town tagged as a person), "outside the store in Bloomington"."""
    root = ent.root
    modifier = root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ == "NOUN"
    if modifier and root.head.ent_type_ != "PERSON":
        return True
    return root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPOSITIONS


def age_subject(span: Any) -> tuple[str, str]:
    """(key, evidence) of whose age the figure is: 'age:<surname>', else 'age:<noun>'."""
    doc = span.doc
    sent = span.sent
    # "Smith, 45," / "Smith, 45" / "both 51" after a name: the name just before
    j = span.start - 1
    while j >= sent.start and doc[j].lower_ in (",", "both", "aged", "age", "ages", "then", "now"):
        j -= 1
    if j >= sent.start and j < span.start - 1:
        ent = _person_at(doc, j)
        if ent is not None:
            return f"age:{surname(ent.text)}", f"age of {ent.text}"
        if doc[j].pos_ == "PROPN":
            return f"age:{surname(doc[j].text)}", f"age of {doc[j].text}"
        if doc[j].pos_ == "NOUN":
            return f"age:{lemma(doc[j])}", f"age of the {doc[j].text}"
    # "a 45-year-old Tom Smith" / "51-year-old Capt. Tom Tennant": a name right after
    for k in range(span.end, min(span.end + 5, sent.end)):
        if doc[k].pos_ in ("VERB", "AUX") or doc[k].text in (",", ";", "."):
            break
        ent = _person_at(doc, k)
        if ent is not None and not is_modifier_name(ent):
            return f"age:{surname(ent.text)}", f"age of {ent.text}"
    # the noun the age describes ("a 66-year-old woman"), else the clause's subject
    head = span.root.head
    if head.pos_ in _NOUNS and head.i >= span.end:
        for c in head.children:  # "a 61-year-old neighbour, John Reed,"
            ent = _person_at(doc, c.i) if c.dep_ == "appos" else None
            if ent is not None:
                return f"age:{surname(ent.text)}", f"age of {ent.text}"
        return f"age:{lemma(head)}", f"age of the {head.text}"
    if span.root.dep_ in _PREDICATIVE:
        # "Smith was 45-year-old", "Smith, then 45-year-old": the age is said of the clause's person
        for k in range(span.start - 1, sent.start - 1, -1):
            ent = _person_at(doc, k)
            if ent is not None:
                return f"age:{surname(ent.text)}", f"age of {ent.text} (named before)"
    # "Jeffs assaulted the 12-year-old": someone else, whom the sentence does not name
    return "age:person", "age of an unnamed person"
