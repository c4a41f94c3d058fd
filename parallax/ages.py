"""Whose age a figure is: the named person it describes ("Smith, 45,", "a 45-year-old Tom Smith"),
else the noun it describes ("a 66-year-old woman"): `age:<surname>` or `age:<noun>`."""

from __future__ import annotations

import re
from typing import Any

from parallax.entities.names import person_name, same_given_name
from parallax.measure_words import KIN, NOUN_TAGS, is_person_noun, lemma, surname
from parallax.numbers import parse_number

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


def person_key(doc: Any, name: str) -> str:
    """Key of a named person in an age: the surname ("Warren Jeffs" -> jeffs). When the document
    names people of that surname with different given names (a father and son, a defendant and a
    nephew), the one it names most in full (the first, among equals) keeps the surname and the
    others are keyed by given name and surname (brent_jeffs): their ages are other measures, never
    rivals. A quoted nickname is a given name too ('Luis Gerardo "Jerry" Ortiz' and "Jerry Ortiz"
    are one person). A bare surname stays the surname."""
    words = person_name(name)[0].split()
    # the document's person names, each as (text, its words), read once
    mentions = [(e.text, person_name(e.text)[0].split()) for e in doc.ents if e.label_ == "PERSON"]
    if len(words) == 1:  # a given name alone ("Jerry was 35"): the person the text names in full with it
        given = words[0].casefold()
        full = next(
            (
                text
                for text, mention in mentions
                if len(mention) > 1
                and given in _given_names(text, mention)
                and surname(" ".join(mention)).casefold() != given
            ),
            None,
        )
        if full is not None:
            return person_key(doc, full)
    last = surname(name)
    groups: list[list[set[str]]] = []  # given names of one person's mentions, in order of first mention
    for text, mention in mentions:
        if len(mention) > 1 and surname(" ".join(mention)) == last:
            names = _given_names(text, mention)
            group = next((g for g in groups if _same_person(g[0], names)), None)
            if group is None:
                groups.append([names])
            else:
                group.append(names)
    if len(groups) < 2 or len(words) < 2:
        return last
    main = max(range(len(groups)), key=lambda i: (len(groups[i]), -i))
    mine = _given_names(name, words)
    if _same_person(groups[main][0], mine):
        return last
    return f"{words[0].casefold().strip('.')}_{last}"


def _given_names(text: str, words: list[str]) -> set[str]:
    """The first given name of a person's name and any nickname quoted in it."""
    quoted = {q.casefold() for q in re.findall(r"[\"“”‘']([A-Z][a-z]+)[\"“”’']", text)}
    return {words[0].casefold().strip(".\"“”'‘’")} | quoted


def _same_person(a: set[str], b: set[str]) -> bool:
    return any(_one_given_name(x, y) for x in a for y in b)


def _one_given_name(a: str, b: str) -> bool:
    """ "Benjamin" / "Ben" / "B." name one person; "Warren" / "Brent" two."""
    if len(a) == 1 or len(b) == 1:
        return a[:1] == b[:1]
    return same_given_name(a, b)


def _speaker_age(span: Any) -> tuple[str, str]:
    """An age said of a pronoun ("he was 5 years old"): the person is known only in reported speech
    ("Smith said he was 45": the speaker); elsewhere the pronoun may be anyone the text named
    ("he testified that Jeffs raped him when he was 5"), so the age is an unnamed person's."""
    verb = span.root.head
    while verb.dep_ == "ccomp" and verb.head.i != verb.i:
        verb = verb.head
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        ent = _person_at(span.doc, subject.i) if subject is not None else None
        name = ent.text if ent is not None else None
        if name is None and subject is not None and subject.pos_ == "PROPN":
            name = subject.text
        if name is not None:
            return f"age:{person_key(span.doc, name)}", f"age of {name} (who said it)"
        if subject is None or subject.pos_ != "PRON":
            break
    return "age:person", "age of an unnamed person (a pronoun)"


def is_modifier_name(ent: Any) -> bool:
    """A name that modifies a common noun for a person or place rather than naming the person: "a
    66-year-old Burnsville woman" (a town tagged as a person), "outside the store in Bloomington"."""
    root = ent.root
    modifier = root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ == "NOUN"
    if modifier and root.head.ent_type_ != "PERSON":
        return True
    return root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPOSITIONS


def ages_of_counted(span: Any) -> Any:
    """ "the two girls, 12 and 15, who ...": a list of as many bare numbers as the people counted
    just before it, set off by commas, gives their ages: the counted noun ("girls"), else None."""
    doc, sent = span.doc, span.sent
    lo = hi = span.start
    while lo - 1 >= sent.start and (doc[lo - 1].like_num or doc[lo - 1].lower_ in (",", "and")):
        lo -= 1
    while hi < sent.end and (doc[hi].like_num or doc[hi].lower_ in (",", "and")):
        hi += 1
    items = [t for t in doc[lo:hi] if t.like_num]
    noun = doc[lo - 1] if lo - 1 >= sent.start else None
    people = noun is not None and (is_person_noun(noun) or lemma(noun) in KIN)  # "his two half-brothers"
    if noun is None or doc[lo].text != "," or len(items) < 2 or not people:
        return None
    if hi < sent.end and doc[hi - 1].text != "," and doc[hi].text not in (".", ";", ")"):
        return None  # the list must close the apposition
    counts = [c for c in noun.children if c.dep_ == "nummod"]
    return noun if len(counts) == 1 and parse_number(counts[0].text) == len(items) else None


def age_at_death(span: Any) -> Any:
    """ "died in prison at 77", "dead at 77": the verb of dying an age is given with, else None."""
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "at" or not root.like_num:
        return None
    verb = root.head.head
    return verb if lemma(verb) in ("die", "dead") else None


_BETWEEN_NAME_AND_AGE = (",", "both", "aged", "age", "ages", "then", "now")


def _before_age(span: Any) -> int:
    """Index of the token before an age and the words that join it to a name ("Smith, 45",
    "Smith, aged 45", "both 51")."""
    doc, j = span.doc, span.start - 1
    while j >= span.sent.start and doc[j].lower_ in _BETWEEN_NAME_AND_AGE:
        j -= 1
    return j


def name_beside(span: Any) -> Any:
    """The name an age is set beside, or None: "Smith, 45," / "Smith, 45" / "both 51" after it (the
    PERSON entity, else a proper noun), "a 45-year-old Tom Smith" / "51-year-old Capt. Tom Tennant"
    right after it."""
    doc, sent = span.doc, span.sent
    j = _before_age(span)
    if j >= sent.start and j < span.start - 1:
        ent = _person_at(doc, j)
        if ent is not None:
            return ent
        if doc[j].pos_ == "PROPN":
            return doc[j : j + 1]
        if doc[j].pos_ == "NOUN":
            return None  # "the suspect, 38,": the noun's
    for k in range(span.end, min(span.end + 5, sent.end)):
        if doc[k].pos_ in ("VERB", "AUX", "SCONJ", "ADP", "PRON", "CCONJ") or doc[k].text in (",", ";", "."):
            break  # "5 years old when Warren Jeffs ...": no longer the name the age describes
        ent = _person_at(doc, k)
        if ent is not None and not is_modifier_name(ent):
            return ent
    return None


def age_as_written(span: Any) -> bool:
    """Whether an age is its person's age when the document is written, whatever time its clause
    tells: an age set beside a name ("LaCalamita, 38, had been dismissed last week", "17-year-old
    Jeremy Ortiz, a son from a previous marriage") is how news introduces a person. Not with "then"
    or "at the time" ("Smith, then 38,"), nor an age said of a noun ("a 14-year-old girl he married
    years ago": her age then)."""
    doc = span.doc
    if name_beside(span) is None:
        return False
    near = " ".join(t.lower_ for t in doc[max(span.start - 3, span.sent.start) : span.end + 4])
    return not re.search(r"\bthen\b|\bat the time\b", near)


def age_subject(span: Any) -> tuple[str, str]:
    """(key, evidence) of whose age the figure is: 'age:<surname>', else 'age:<noun>'."""
    doc = span.doc
    sent = span.sent
    counted = ages_of_counted(span)
    if counted is not None:  # "the two girls, 12 and 15": someone else, whom the sentence does not name
        return "age:person", f"age of an unnamed person, one of the {counted.text}"
    died = age_at_death(span)
    if died is not None:  # "Gigante, who died in prison at 77": the age of who died
        subject = next((c for c in died.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.tag_ == "WP" and died.dep_ == "relcl":
            subject = died.head  # "who": the person the clause is about
        ent = _person_at(doc, subject.i) if subject is not None else None
        if ent is not None:
            return f"age:{person_key(doc, ent.text)}", f"age of {ent.text} at death"
    name = name_beside(span)
    if name is not None:
        return f"age:{person_key(doc, name.text)}", f"age of {name.text}"
    # "the suspect, 38," after a noun: the noun's
    j = _before_age(span)
    if j >= sent.start and j < span.start - 1 and doc[j].pos_ == "NOUN":
        return f"age:{lemma(doc[j])}", f"age of the {doc[j].text}"
    # the noun the age describes ("a 66-year-old woman"), else the clause's subject
    head = span.root.head
    if head.pos_ in _NOUNS and head.i >= span.end:
        for c in head.children:  # "a 61-year-old neighbour, John Reed,"
            ent = _person_at(doc, c.i) if c.dep_ == "appos" else None
            if ent is not None:
                return f"age:{person_key(doc, ent.text)}", f"age of {ent.text}"
        return f"age:{lemma(head)}", f"age of the {head.text}"
    if span.root.dep_ in _PREDICATIVE:
        # "Smith was 45-year-old", "Smith, then 45-year-old": the age is said of the clause's person
        subject = next((c for c in span.root.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos_ == "PRON":
            return _speaker_age(span)
        for k in range(span.start - 1, sent.start - 1, -1):
            ent = _person_at(doc, k)
            if ent is not None:
                return f"age:{person_key(doc, ent.text)}", f"age of {ent.text} (named before)"
    # "Jeffs assaulted the 12-year-old": someone else, whom the sentence does not name
    return "age:person", "age of an unnamed person"


def ages_listed(ent: Any) -> list[tuple[Any, str]]:
    """ "two children, aged 4 and 6": the tagger's one date "4 and 6" after "aged" / "ages" is two
    ages, one candidate each; [] for any other entity."""
    doc = ent.doc
    words = [t for t in ent if t.lower_ not in ("and", "or", "&")]
    if len(ent) != 3 or len(words) != 2 or not all(t.like_num for t in words) or ent.start == 0:
        return []
    if doc[ent.start - 1].lower_ not in ("aged", "ages", "age"):
        return []
    return [(doc[t.i : t.i + 1], "CARDINAL") for t in words]
