"""What splits one measure into several, or gives it: the group a listed count is of ("two women and
one man died" -> deaths:woman, deaths:man), the place a distance is measured from ("150 nautical
miles off Aden" -> distance:aden), the person a figure describes and the party a deal is offered
by, a set of others ("11 other men": `:other`), a part of a whole ("35 years of his sentence"),
the size of a noun of the table's `size` rows ("a march of 30,000" -> protesters), how long someone
worked ("a 15-year veteran" -> tenure) and how long before another time an act happened ("married
two weeks before the shooting" -> interval:marry). Used by `parallax.measures` and `parallax.facts`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parallax.attributions import REPORTING_VERBS
from parallax.measure_words import (
    KIN,
    NOUN_TAGS,
    PEOPLE_WORDS,
    MeasureTable,
    is_person_noun,
    lemma,
    month_named,
    surname,
)
from parallax.numbers import singular

_NOUNS = NOUN_TAGS
_PEOPLE = PEOPLE_WORDS


def listed_group(span: Any, np: Any) -> str | None:
    """The group a count of people covers when it is one item of a list (`np`: the counted noun)."""
    return _coordinated(np) or _listed_modifier(span, np) or _with_part(np)


def _with_part(np: Any) -> str | None:
    """ "Five people were hurt, two with serious burns and three with cuts": a count in apposition
    to a total, told apart by what it is with, is a part of that total (`with_burn`)."""
    if not np.like_num or np.dep_ not in ("appos", "conj"):
        return None
    with_ = next((c for c in np.children if c.dep_ == "prep" and c.lower_ == "with"), None)
    after = np.doc[np.i + 1] if np.i + 1 < len(np.doc) else None
    if with_ is None and after is not None and after.lower_ == "with" and after.dep_ == "prep":
        with_ = after  # "Four people-one with broken bones": the parse hung "with" on "people"
    obj = next((o for o in with_.children if o.dep_ == "pobj"), None) if with_ is not None else None
    return f"with_{lemma(obj)}" if obj is not None and obj.pos_ in _NOUNS else None


def _coordinated(np: Any) -> str | None:
    """The group a count of people covers when it is one item of a list ("two women and one man",
    "three people, a man and two women"): the noun's lemma; None for a count that is not listed."""
    if np.pos_ not in _NOUNS or not is_person_noun(np) or lemma(np) in _PEOPLE:
        return None  # (a nationality is a group too: "12 Somali and 11 Yemeni nationals")
    if any(c.dep_ == "appos" and c.pos_ in _NOUNS for c in np.children):
        return None  # "the three bank workers, two women and a man": the total the list spells out
    # the other items are groups of people too ("23 pirates and a large arms cache" lists no group)
    listed = np.dep_ in ("conj", "appos") and np.head.pos_ in _NOUNS and is_person_noun(np.head)
    # a name is a member, not another group: "two managers, Paul Riva and Alan Steinberg, were wounded"
    listed = listed or any(
        c.dep_ == "conj" and c.pos_ in _NOUNS and is_person_noun(c) and not _bare_name(c) for c in np.children
    )
    # a proper noun keeps its text as lemma: "11 Yemenis" and "11 Yemeni pirates" are one group
    return (singular(lemma(np)) if np.pos_ == "PROPN" else lemma(np)) if listed else None


def _bare_name(tok: Any) -> bool:
    """A proper name with no count or article of its own ("Paul Riva"; not "11 Yemenis", "a Briton")."""
    return tok.pos_ == "PROPN" and not any(c.dep_ in ("nummod", "det") for c in tok.children)


def _listed_modifier(span: Any, np: Any) -> str | None:
    """ "12 Somali and 11 Yemeni pirates": one noun counted twice, each count with its own modifier:
    the count of the group the modifier names ("somali")."""
    doc = span.doc
    if span.end >= len(doc) or sum(1 for c in np.children if c.dep_ == "nummod") < 2:
        return None
    nxt = doc[span.end]
    return nxt.lower_ if nxt.head.i == np.i and nxt.dep_ in ("amod", "compound") else None


# units of length a distance is given in (parallax.facts: `unit` of a quantity)
LENGTH_UNITS = {
    "mile", "nautical_mile", "kilometre", "kilometer", "km", "metre", "meter", "yard", "foot", "feet",
}  # fmt: skip
_DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "away"}


def distance_from(span: Any, noun_key: Callable[[Any], str] = lemma) -> tuple[str | None, str | None]:
    """ "150 nautical miles off Aden", "13 miles (away) from the ship", "150 km west of Aden": the
    distance from the place or thing named after it (`distance:<word>`; a common noun keyed by
    `noun_key`, the measure table's class: "from the ship" and "from the vessel" are one); (None,
    None) when none is."""
    doc = span.doc
    k = span.end
    if k < len(doc) and doc[k].text == "(":  # "150 nautical miles (about 277km) from Aden"
        close = next((t.i for t in doc[k : min(k + 8, len(doc))] if t.text == ")"), None)
        k = close + 1 if close is not None else k
    while k < min(span.end + 3, len(doc)) and doc[k].lower_ in _DIRECTIONS:
        k += 1  # "west of", "away from"
    if k >= len(doc) or doc[k].lower_ not in ("from", "off", "of", "to"):
        return None, None
    if doc[k].lower_ == "of" and k == span.end:
        return None, None  # "20 kilometres of spare cable": what is measured, not where from
    obj = next((c for c in doc[k].children if c.dep_ == "pobj"), None)
    if obj is None or obj.pos_ not in _NOUNS:
        return None, None
    key = surname(obj.text) if obj.pos_ == "PROPN" else noun_key(obj)
    # "a motorist 50 miles north of Detroit": a person's whereabouts, not where the event is (the
    # person the direction word describes, or that the parser hung on the unit)
    unit = span[-1]
    located = [c for c in unit.children if c.i < span.start]
    located += [t.head for t in doc[span.end : k] if t.lower_ in _DIRECTIONS and t.head.i < span.start]
    person = next((c for c in located if c.pos_ == "NOUN" and is_person_noun(c)), None)
    if person is not None:
        return f"distance:{key}:{lemma(person)}", f"a distance {doc[k].text} '{obj.text}' of a {person.text}"
    return f"distance:{key}", f"a distance {doc[k].text} '{obj.text}'"


def person_described(noun: Any) -> str | None:
    """Surname of the person a noun phrase describes: "Tennant was a 28-year veteran", "Russell, a
    20-year veteran", "he leaves two children" is not resolved (pronouns)."""
    if noun.pos_ not in _NOUNS:
        return None
    if noun.dep_ == "appos" and noun.head.ent_type_ == "PERSON":
        return surname(noun.head.text)
    if noun.dep_ in ("attr",) and noun.head.pos_ == "AUX":
        for c in noun.head.children:
            if c.dep_ == "nsubj" and c.ent_type_ == "PERSON":
                return surname(c.text)
    if noun.dep_ == "pobj" and noun.head.lower_ == "with" and noun.head.head.ent_type_ == "PERSON":
        return surname(noun.head.head.text)
    return None


def _party_key(tok: Any) -> str:
    return surname(tok.text) if tok.ent_type_ == "PERSON" else tok.text.lower()


_PARTIES = ("PERSON", "ORG", "GPE", "NORP")


def named_owner(noun: Any, kinds: tuple[str, ...] = _PARTIES) -> str | None:
    """The person or organisation (or place, of `kinds`) a noun is of by its possessor or compound
    name, or after "of" ("HP shares", "IBM's share", "shares of Boeing", "Pakistan's offer"), else None."""
    for c in noun.children:
        if c.dep_ in ("poss", "compound") and c.ent_type_ in kinds:
            return _party_key(c)
    obj = of_object(noun)
    return _party_key(obj) if obj is not None and obj.ent_type_ in kinds else None


def of_object(noun: Any) -> Any:
    """The object of the noun's "of" ("shares of Boeing", "sons of immigrant parents"), else None."""
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None


def names_a_thing(noun: Any, root: Any) -> bool:
    """An amount keyed by a name alone ("the 15-inch MacBook Pro", "Ross was paid $3 million",
    "The Hunger Games grossed $368 million"): which of the named thing's sizes, prices or sums it
    is, the name does not say (a product line has several), so the amount has no measure."""
    return is_name(noun) or (noun.pos_ == "PROPN" and noun.i == root.head.i)


# units of a product's size ("the 11-inch models", "the 64GB version")
_SIZE_UNITS = {"inch", "in", "cm", "mm", "gb", "tb", "ghz"}


def of_a_variant(root: Any) -> bool:
    """An amount told of a subject one size of a product names ("The 11-inch models will start at
    $999 with ... 5 hours of battery life", "Both the 13- and 15-inch options deliver seven hours"):
    the line's other sizes have their own, so the amount is no figure of the event's product."""
    tok = root
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
            break
        tok = tok.head
    for subject in (c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")):
        for mod in subject.children:
            if mod.dep_ not in ("compound", "amod", "nmod", "nummod"):
                continue
            words = list(mod.subtree)
            if any(t.like_num for t in words) and any(
                t.lower_ in _SIZE_UNITS or lemma(t) in _SIZE_UNITS for t in words
            ):
                return True
    return False


def amount_owner(noun: Any, verb: Any) -> str | None:
    """Whose amount it is: a company's or a person's by possessor, compound or "of" ("HP shares",
    "shares of Boeing"), else the one named as doing it ("Smith completed 20 passes for 250
    yards"). Not a country's: its trade is often both countries' ("Pakistan's trade with Iran")."""
    owner = named_owner(noun, ("PERSON", "ORG"))
    return owner if owner is not None or verb is None else named_doer(verb)


def kin_owner(noun: Any, fact_type: str, root: Any = None) -> str | None:
    """Whose relatives a count of kin counts, when the text says so by "of" ("one of five sons of
    immigrant parents": `son:parent`, not the subject's own two sons), by a named possessor
    ("Blackmore's 20 wives") or as what a named person has ("Blackmore has 20 wives and Oler has
    two": `wife:blackmore`, `wife:oler`); else None."""
    if fact_type != "cardinal" or noun is None or lemma(noun) not in KIN:
        return None
    obj = of_object(noun)
    if obj is None:
        obj = next((c for c in noun.children if c.dep_ == "poss" and c.ent_type_ == "PERSON"), None)
    if obj is None:
        for t in (root, noun):  # the count or its noun is what a named person has
            if t is not None and t.dep_ == "dobj" and lemma(t.head) == "have":
                obj = _haver(t.head)
                break  # the nearest "have" says whose, or (no named subject) nobody's
    if obj is None or obj.pos_ not in _NOUNS:
        return None
    return surname(obj.text) if obj.ent_type_ == "PERSON" else lemma(obj)


def _haver(have: Any) -> Any:
    """The named person who "has" something: the verb's subject, or the person the clause hangs on
    ("Blackmore, who has had 26 wives", "Oler, accused of having two wives", "Jeffs is believed to
    have 78 wives"); None when no name is found within three steps up."""
    tok = have
    for _ in range(4):
        if tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON":
            return tok
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        named = [c for c in subjects if c.pos_ == "PROPN" or c.ent_type_ == "PERSON"]
        if named:
            return named[0]
        if subjects and not all(c.lower_ in ("who", "that") for c in subjects):
            return None  # someone unnamed has them ("the man has two wives")
        if tok.dep_ not in ("relcl", "acl", "xcomp", "pcomp", "prep", "advcl", "ccomp") or tok.head is tok:
            return None
        tok = tok.head
    return None


def named_doer(verb: Any) -> str | None:
    """The person or organisation named as the subject of a verb ("Smith completed 20 passes"), else None."""
    for c in verb.children:
        if c.dep_ == "nsubj" and c.ent_type_ in ("PERSON", "ORG"):
            return _party_key(c)
    return None


def is_name(tok: Any) -> bool:
    """A proper noun inside a named entity ("MacBook Pro", "The Hunger Games", "Ross")."""
    return bool(tok.pos_ == "PROPN" and tok.ent_type_ in _NAMED)


_NAMED = {*_PARTIES, "PRODUCT", "WORK_OF_ART", "FAC", "EVENT", "LOC", "LAW"}


def party(noun: Any) -> str | None:
    """The person or organisation whose deal/offer it is: possessor, compound name, the person it is
    given to ("signed Brand to a five-year deal", "gave Cheeks a one-year extension"), subject or
    agent."""
    owner = named_owner(noun)
    if owner is not None:
        return owner
    verb = noun.head
    if noun.dep_ in ("dobj", "nsubjpass", "pobj") and verb.pos_ in ("VERB", "ADP"):
        if verb.pos_ == "ADP":
            verb = verb.head
        for c in verb.children:
            if c.dep_ in ("dative", "dobj") and c is not noun:
                person = next(
                    (t for t in (c, *c.children) if t.ent_type_ == "PERSON" or t.pos_ == "PROPN"), None
                )
                if person is not None:
                    return _party_key(person)
        for c in verb.children:
            if c.dep_ == "nsubj" and c.ent_type_ in _PARTIES:
                return _party_key(c)
            if c.dep_ == "nsubj" and c.pos_ in _NOUNS:
                return c.text.lower() if c.pos_ == "PROPN" else lemma(c)  # "Cheeks", not "cheek"
            if c.dep_ == "agent":
                for p in c.children:
                    if p.ent_type_ in _PARTIES:
                        return _party_key(p)
    return None


def other_set(span: Any, np: Any) -> bool:
    """A count of others than a set the text names ("Jeffs and 11 other men were charged", "seven
    AK-47s and three other rifles"): outlets draw that line differently, so it is its own measure
    (not for a toll of the event, `TOLLS`)."""
    doc = span.doc
    if np.pos_ not in _NOUNS or not 0 <= np.i - span.end <= 3:
        return False
    return any(t.lower_ == "other" for t in doc[span.end : np.i])


_ESTIMATE_VERBS = {"put", "estimate", "number", "place"}  # "police put the march at 30,000"
_DRAW_VERBS = {"draw", "attract", "bring"}  # "the rally drew 50,000"


def size_of(root: Any, np: Any, table: MeasureTable) -> tuple[str, str] | None:
    """(measure, evidence) when the figure gives the size of a noun of the table's `size` rows: "a
    march of 30,000", "police put the march at 30,000 people", "the protest drew 50,000", "a march
    attended by 200,000"."""
    for t in {root.i: root, np.i: np}.values():
        head = t.head
        nouns: list[Any] = []
        if t.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in _NOUNS:
            nouns = [head.head]
        elif t.dep_ == "pobj" and head.lower_ == "at":
            verb = head.head  # the parser may hang "at" on a clause inside ("put the march, to mark ..., at")
            if verb.dep_ in ("advcl", "xcomp") and lemma(verb) not in _ESTIMATE_VERBS:
                verb = verb.head
            if lemma(verb) in _ESTIMATE_VERBS:
                nouns = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        elif t.dep_ == "dobj" and lemma(head) in _DRAW_VERBS:
            nouns = [c for c in head.children if c.dep_ == "nsubj"]
        elif t.dep_ == "pobj" and head.dep_ == "agent" and lemma(head.head) == "attend":
            nouns = [c for c in head.head.children if c.dep_ == "nsubjpass"]
        for n in nouns:
            for w in [n, *(c for c in n.children if c.dep_ == "compound")]:
                if lemma(w) in table.sizes and not month_named(w):
                    m = table.sizes[lemma(w)]
                    return m, f"the size of the {n.text} -> {m}"
    return None


def part_of(root: Any, nouns: tuple[str, ...]) -> bool:
    """Whether the figure's head takes "of" + one of `nouns` ("35 years of his sentence")."""
    return any(
        c.dep_ == "prep"
        and c.lower_ == "of"
        and any(o.dep_ == "pobj" and lemma(o) in nouns for o in c.children)
        for c in root.children
    )


_PRISON = {"prison", "jail", "sentence", "bars", "custody"}
_PERSONAL_PRONOUNS = {"i", "you", "he", "she", "we", "they"}


def tenure(root: Any, table: MeasureTable) -> tuple[str, str] | None:
    """(measure, words) of a length that says how long someone has worked or served: the noun it
    qualifies ("a 15-year veteran", "Hiller, a 15-year employee", "15 years of service") or the verb
    it is the length of ("had worked at the plant for 15 years", "served with the department for 15
    years"; not "served 15 years in prison") is a `tenure` row of the table. The key names whose
    when the text does (`tenure:hiller`), else `tenure`; None for other lengths."""
    head = root.head
    owner: str | None = None
    word: Any = None
    if head.pos_ in _NOUNS and head.i > root.i and lemma(head) in table.tenures:
        word, owner = head, person_described(head)  # "a 15-year veteran"
    of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    if word is None and obj is not None and lemma(obj) in table.tenures:
        word = obj  # "15 years of service"
    verb = None
    if root.dep_ == "pobj" and head.lower_ == "for":
        verb = head.head  # "worked for 15 years"
    elif root.dep_ == "npadvmod":
        verb = head
    # "has been with the department for two decades" (not "with his wife")
    with_ = (
        verb is not None
        and lemma(verb) == "be"
        and any(
            o.dep_ == "pobj" and o.ent_type_ != "PERSON" and not is_person_noun(o)
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ == "with"
            for o in c.children
        )
    )
    if (
        word is None
        and verb is not None
        and ((verb.pos_ == "VERB" and lemma(verb) in table.tenures) or with_)
    ):
        if any(lemma(t) in _PRISON for t in verb.subtree):
            return None  # "served 15 years in prison": a sentence
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.tag_ == "WP" and verb.dep_ == "relcl":
            subject = verb.head  # "Russell, who has been with the department for two decades"
        someone = subject is None or (
            subject.ent_type_ == "PERSON" or is_person_noun(subject) or subject.lower_ in _PERSONAL_PRONOUNS
        )
        if not someone:
            return None  # "it has been with us for 20 years", "the system worked for years"
        word = verb
        owner = surname(subject.text) if subject is not None and subject.ent_type_ == "PERSON" else None
    if word is None:
        return None
    measure = "tenure" if word is verb and with_ else table.tenures[lemma(word)]
    if owner is not None:
        return f"{measure}:{owner}", f"'{word.text}': how long someone worked; of {owner}"
    return measure, f"'{word.text}': how long someone worked"


# how long before an act ("married two weeks ago / before the shooting"); not "N hours later" or
# "after": what follows an event by hours is mostly the event's own length ("gave up about two hours
# later": the standoff), which a length tied to no event already meets in rpt_fact_comparison
_RELATIONS = {"ago": "ago", "before": "before", "earlier": "before", "prior": "before"}
LASTING_VERBS = frozenset({"last", "take", "run", "continue", "drag"})  # "the strike lasted three days"


def interval(root: Any) -> tuple[str, str] | None:
    """(measure, words) of a length that says how long before another time an act happened:
    "married two weeks ago", "had married two weeks before the shooting", "who was married three
    weeks before her husband was murdered" -> `interval:<act>` (the verb dated, lemma), one key
    whichever way outlets anchor it; None for other lengths."""
    rel = root if root.lower_ in _RELATIONS else root.head  # "two weeks ago": the span ends in its word
    if rel is not root and root.dep_ != "npadvmod":
        return None
    verb: Any = None
    if rel.lower_ in _RELATIONS and rel.dep_ in ("advmod", "prep"):
        verb = rel.head  # "married two weeks ago / before the shooting"
        if verb.dep_ == "pobj" and verb.head.dep_ == "prep" and verb.lower_ in ("time", "occasion"):
            verb = verb.head.head  # "married for the second time two weeks ago": the parse hung it on "time"
    elif rel.pos_ == "VERB" and rel.dep_ == "advcl":
        mark = next((c for c in rel.children if c.dep_ == "mark" and c.lower_ in _RELATIONS), None)
        if mark is not None:
            verb = rel.head  # "married three weeks before her husband was murdered"
            rel = mark
    if verb is None or verb.pos_ != "VERB" or lemma(verb) in REPORTING_VERBS | LASTING_VERBS:
        return None  # "a day earlier, the company said": when it was said; "lasted two hours before"
    return (
        f"interval:{lemma(verb)}",
        f"'{verb.text} ... {rel.text}': how long {_RELATIONS[rel.lower_]} '{verb.text}'",
    )
