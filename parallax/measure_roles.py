"""The role of a counted noun phrase in its clause: the predicates it is an argument of, whether it
is the doer of a verb or undergoes it, and the measure of the table those words give
(`parallax.measures` builds the key from them).

- The doer of a transitive verb is not what the verb counts: "two gunmen killed five shoppers",
  "20 pirates captured the ship" (`agent_of`, shared along conjoined verbs and participles).
- What happened to a group is its measure: "three protesters were killed" -> deaths, "10,000
  protesters marched" -> protesters (`of_group`); "two workers suffered injuries" -> injured
  (`undergone`).
"""

from __future__ import annotations

from typing import Any

from parallax.measure_words import (
    KIN,
    KIN_KEYS,
    NOUN_TAGS,
    PEOPLE_MEASURES,
    MeasureTable,
    is_person_noun,
    lemma,
)

_NOUNS = NOUN_TAGS

# Measures that count people or things in the event: only a count (cardinal) can give them.
COUNT_MEASURES = {
    "deaths", "injured", "missing", "evacuated", "displaced", "rescued", "arrested", "trapped", "charged",
    "seized", "destroyed", "damaged", "victims", "casualties", "survivors", "aftershocks", "escaped",
    "sighted", "protesters",
}  # fmt: skip
# a toll of the event counts everyone it befell: "two died and nine other guests escaped" is the toll
# (the people measures but those of a legal process or a crowd)
TOLLS = PEOPLE_MEASURES - {"arrested", "charged", "victims", "protesters"}
_ARG_DEPS = ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "npadvmod", "dative", "ROOT", "conj", "advmod")


def children_of(span: Any) -> tuple[str, str] | None:
    """(measure, evidence) of a count that is the children of one relative ("a mother of 12 was
    killed", "father to two boys", "Mother of 13 Zurana Horton"): the family's size keyed by the
    relative, not a toll; else None."""
    rel = _relative_of(span)
    if rel is None:
        return None
    kin = KIN_KEYS.get(lemma(rel), lemma(rel))
    return kin, f"'{rel.text} {span.doc[span.start - 1].text} {span.text}': the children of one {kin}"


def _relative_of(span: Any) -> Any:
    root = span.root
    if root.dep_ in ("nummod", "quantmod") and not span.start <= root.head.i < span.end:
        root = root.head  # "two boys": the noun counted
    if root.dep_ != "pobj" or root.head.lower_ not in ("of", "to"):
        return None
    # the relative governs the preposition, or stands right before it where the parser attached it
    # elsewhere ("the newlywed and father to two boys")
    before = root.doc[root.head.i - 1] if root.head.i > 0 else None
    for rel in (root.head.head, before):
        if rel is not None and _one_relative(rel):
            return rel
    return None


def _counted_subject(tok: Any) -> bool:
    """A subject that is or has a number ("five people", "three")."""
    return bool(tok.like_num or any(c.dep_ == "nummod" or c.like_num for c in tok.children))


def _one_relative(tok: Any) -> bool:
    """ "father", "mother", "wife" (one person named by kin; "Mother" in a headline), not "family"
    (a group), not "sons"."""
    return tok.tag_ in ("NN", "NNP") and lemma(tok) in KIN and lemma(tok) != "family"


def predicates(np: Any) -> list[Any]:
    """Verbs (and predicate adjectives) the noun phrase is an argument of, with conjuncts and
    complements of light verbs."""
    out: list[Any] = []
    tok = np
    # climb out of prepositions, appositions and change adverbs: "the death of 5", "from $2 billion",
    # "one of 99", "closed down 3.9 percent"
    for _ in range(3):
        if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent"):
            tok = tok.head.head
            if tok.pos_ in ("VERB", "AUX"):
                break
        elif tok.dep_ in ("appos", "conj") and tok.head.pos_ in _NOUNS | {"NUM", "PRON"}:
            tok = tok.head
        elif tok.dep_ == "npadvmod" and tok.head.pos_ == "ADV" and tok.head.head.pos_ == "VERB":
            tok = tok.head.head  # "stocks closed down 3.9 percent": the amount of the change
            break
        else:
            break
    if tok.pos_ in ("VERB", "AUX") and tok is not np:
        out.append(tok)
    elif tok.dep_ in _ARG_DEPS:
        verb = tok.head if tok.dep_ != "ROOT" else tok
        # a count the parser joined to a verb whose subject is no count ("a receptionist died and
        # two men underwent surgery": "men" conj of "died") is no argument of it; a count after a
        # counted subject is the verb's, gapped ("five people died in Paris and three in Lyon")
        joined = tok.dep_ == "conj" and tok.pos_ in _NOUNS | {"NUM"}
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        own_subject = joined and subjects and not any(_counted_subject(c) for c in subjects)
        if verb.pos_ in ("VERB", "AUX", "ADJ") and not own_subject:
            out.append(verb)
    for child in np.children:  # "five boats approaching", "60 others injured", "2 people dead"
        if child.dep_ in ("acl", "relcl", "amod") and child.pos_ in ("VERB", "ADJ"):
            out.append(child)
    expanded: list[Any] = []
    for verb in out:
        expanded.append(verb)
        for c in verb.children:
            own_subject = any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
            # "shot and killed one"; not "shooting three people, killing one" (an object of its own)
            own_object = np.dep_ == "dobj" and any(g.dep_ == "dobj" and g.pos_ != "PRON" for g in c.children)
            if c.dep_ == "conj" and c.pos_ == "VERB" and not own_subject and not own_object:
                expanded.append(c)
            if c.dep_ in ("acomp", "oprd", "xcomp", "ccomp") and c.pos_ in ("ADJ", "VERB"):
                expanded.append(c)
        if (
            verb.dep_ == "conj"
            and verb.head.pos_ == "VERB"
            and not any(g.dep_ in ("nsubj", "nsubjpass") for g in verb.children)
        ):
            expanded.append(verb.head)
        if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB":  # "tried to flee" read from "flee"
            expanded.append(verb.head)
    return expanded


# verbs whose subject undergoes what their object names ("two workers suffered injuries")
_UNDERGO_VERBS = {"suffer", "sustain", "incur", "undergo"}


def undergone(np: Any, verb: Any, table: MeasureTable) -> tuple[str, str] | None:
    """(measure, evidence) of "suffered injuries" / "sustained damage": the object noun's measure
    in the table, for the subject counted ("two workers suffered injuries" -> injured; not
    "millions lost access after two cables suffered damage")."""
    if verb.pos_ != "VERB" or lemma(verb) not in _UNDERGO_VERBS or not subject_of(np, verb):
        return None
    for c in verb.children:
        m = table.nouns.get(lemma(c)) if c.dep_ == "dobj" else None
        if m is not None and m in COUNT_MEASURES:
            return m, f"'{verb.text} {c.text}' -> {m}"
    return None


def of_group(
    t: Any, table: MeasureTable, fact_type: str, hit: tuple[str, str] | None
) -> tuple[str, str] | None:
    """A table noun for people ("protesters", "victims") counted: what happened to them is the
    measure ("three protesters were killed" -> deaths, "police arrested 40 protesters" ->
    arrested); the noun's own ("10,000 protesters marched") only without one, and only of more
    than one ("one protester threw a petrol bomb" is no crowd)."""
    if hit is None or t.pos_ not in _NOUNS or fact_type != "cardinal" or not is_person_noun(t):
        return hit
    return predicate_measure(t, table) or (hit if t.tag_ != "NN" else None)


def predicate_measure(np: Any, table: MeasureTable) -> tuple[str, str] | None:
    """(measure, evidence) a verb or predicate adjective of the table gives a count of people in
    `np` ("three protesters were killed" -> deaths), not as its doer; None without one."""
    for p in predicates(np):
        hit = None if agent_of(np, p) else table_word(p, table)
        if hit is not None and hit[0] in COUNT_MEASURES and p.pos_ in ("VERB", "ADJ"):
            return hit
    return None


def agent_of(np: Any, verb: Any) -> bool:
    """Whether the counted noun is the doer of a transitive verb ("two gunmen killed five people",
    "20 pirates captured the ship", "two buildings caught fire"): the verb's measure is of its
    object, not of its subject (a passive or intransitive subject is counted: "five were killed",
    "five died")."""
    return verb.pos_ == "VERB" and any(c.dep_ == "dobj" for c in verb.children) and subject_of(np, verb)


def subject_of(np: Any, verb: Any) -> bool:
    """Whether the counted noun is the active subject of `verb`, which shares it with conjoined
    verbs and participles ("stormed the bank and killed five", "attacked the guards, injuring
    two", "tried to kill two")."""
    while np.dep_ in ("appos", "conj") and np.head.pos_ in _NOUNS | {"NUM", "PRON"}:
        np = np.head  # "two buildings, one used by tax officials, caught fire"
    if np.dep_ != "nsubj":
        return False
    head = verb
    while head.i != np.head.i and head.dep_ in ("conj", "advcl", "xcomp") and head.head.pos_ == "VERB":
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
            return False
        head = head.head
    return head.i == np.head.i


def _attempted(tok: Any) -> bool:
    """A predicate only tried: "attempting to murder", "tried to kill", "attempted murder"."""
    if tok.dep_ == "xcomp" and lemma(tok.head) in ("attempt", "try"):
        return True
    return any(c.dep_ in ("amod", "compound") and c.lower_ in ("attempted", "attempt") for c in tok.children)


def table_word(tok: Any, table: MeasureTable, event_nouns: bool = False) -> tuple[str, str] | None:
    """(measure, evidence) when the token is a word of the table in its role; with `event_nouns`,
    a noun naming the act of a count verb of the table too ("killings", "slayings", "murders")."""
    lem, low = lemma(tok), tok.lower_
    if _attempted(tok):
        return None  # "attempting to murder three people", "the attempted murder of two": no toll
    if tok.pos_ in _NOUNS and lem in table.nouns:
        return table.nouns[lem], f"noun '{tok.text}' -> {table.nouns[lem]}"
    verb = table.verb_measure(tok) if tok.pos_ == "VERB" else None
    if verb is not None:
        return verb[0], f"verb '{verb[1]}' -> {verb[0]}"
    if event_nouns and tok.pos_ == "NOUN":  # "the killings of two women": a noun of a table verb
        stem = lem.removesuffix("ing") if lem.endswith("ing") else lem
        if stem in table.verbs and table.verbs[stem] in COUNT_MEASURES:
            return table.verbs[stem], f"noun '{tok.text}' -> {table.verbs[stem]}"
    if tok.pos_ in ("ADJ", "VERB", "ADV") and (lem in table.adjectives or low in table.adjectives):
        m = table.adjectives.get(low) or table.adjectives[lem]
        return m, f"'{tok.text}' -> {m}"
    return None
