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

from parallax.measure_qualifiers import of_object
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


_OFFSPRING = {"child", "children", "son", "daughter", "kid"}
_PARENT_BY_PRONOUN = {"he": "father", "him": "father", "his": "father", "she": "mother", "her": "mother"}
_FAMILY_VERBS = {"survive", "leave", "have", "raise"}  # "survived by two sons", "leaves behind two children"


def offspring_of(span: Any) -> tuple[str, str] | None:
    """(measure, evidence) of a count of someone's children told by a pronoun ("her 12 children",
    "he is survived by two sons", "he leaves behind a wife and two children"): the parent's kin key
    (mother, father), as "a mother of 12" has it; None when no pronoun says whose."""
    noun = span.root
    if noun.dep_ == "nummod" and not span.start <= noun.head.i < span.end:
        noun = noun.head
    if lemma(noun) not in _OFFSPRING or noun.tag_ != "NNS":
        return None
    # the noun, or the first of the nouns it is listed with ("his wife and two sons")
    first = noun
    # (the parser may take a list's second item for an apposition of the first: "his wife, two sons")
    while first.head.i != first.i and (
        first.dep_ == "conj" or (first.dep_ == "appos" and lemma(first.head) in KIN)
    ):
        first = first.head
    if first is not noun and (lemma(first) in _OFFSPRING or any(c.dep_ == "nummod" for c in first.children)):
        return None  # "three children, a son and two daughters": a part of another count
    poss = next((c for w in (noun, first) for c in w.children if c.dep_ == "poss"), None)
    if poss is not None and poss.lower_ in _PARENT_BY_PRONOUN:
        parent = _PARENT_BY_PRONOUN[poss.lower_]
        return parent, f"'{poss.text} {span.text} {noun.text}': the children of one {parent}"
    verb = first.head.head if first.dep_ == "pobj" else first.head if first.dep_ == "dobj" else None
    if verb is None or lemma(verb) not in _FAMILY_VERBS:
        return None
    if any(c.dep_ == "prep" and c.lower_ == "with" for c in (*verb.children, *noun.children)):
        return None  # "his mistress, with whom he had three children": the children of one couple
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ not in _PARENT_BY_PRONOUN:
        return None
    parent = _PARENT_BY_PRONOUN[subject.lower_]
    return (
        parent,
        f"'{subject.text} ... {verb.text} ... {span.text} {noun.text}': the children of one {parent}",
    )


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


# people one loses to death besides the person nouns of parallax.measure_words ("lost two brothers")
_MOURNED = frozenset(
    {"friend", "brother", "sister", "sibling", "relative", "cousin", "uncle", "aunt", "nephew", "niece"}
)


def lost_people(named: Any, verb: Any) -> tuple[str, str] | None:
    """(deaths, evidence) for people someone lost ("I lost two of my closest friends", "the village
    lost five children"): the verb's object; not a loss to something ("lost two players to
    injury"), not the people who lost ("two of the workers lost their jobs")."""
    count = named
    if named.dep_ == "pobj" and named.head.lower_ == "of" and named.head.head.pos_ == "NUM":
        count = named.head.head  # "two of my closest friends": the two
    if verb.pos_ != "VERB" or lemma(verb) != "lose" or count.dep_ != "dobj" or count.head.i != verb.i:
        return None
    if named.pos_ not in _NOUNS or not (is_person_noun(named) or lemma(named) in _MOURNED):
        return None
    if any(c.dep_ == "prep" and c.lower_ == "to" for c in (*verb.children, *count.children, *named.children)):
        return None
    return "deaths", f"verb '{verb.text}' (people lost) -> deaths"


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


# classes of things people travel in (seeds/measures.csv)
CONVEYANCES = frozenset({"vessel", "vehicle", "aircraft"})
# what comes from the boats or vehicles that did it ("under fire from two boats")
_ASSAULT_NOUNS = frozenset({"fire", "gunfire", "attack", "assault", "shot", "shooting"})


def acted(noun: Any, verb: Any, table: MeasureTable) -> bool:
    """Whether the counted noun names boats, vehicles or aircraft the event was done with ("two boats
    closed in", "two boats closing in", "fired on by two boats", "pirates in three boats attempted
    ..."): outlets tell one act in different verbs, so the count is keyed by its class alone
    (`vessel:acting`). Not people, nor any thing: two groups of people, or "the 76ers", "GarageBand
    09", do different things."""
    partitive = noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NUM"
    return (
        noun.pos_ == "NOUN"
        and not partitive  # "boarded two of the pirate vessels": some of them
        and table.classes.get(table.noun_key(noun)) in CONVEYANCES
        and (subject_of(noun, verb) or _doing(noun, verb) or _carrying(noun) or _peoples(noun))
    )


def _peoples(noun: Any) -> bool:
    """ "attacked two boats of pirates", "chased two pirate boats", "the pirates' two boats": the
    boats of the people who acted (a verb of the table, "seized two pirate boats", keeps its measure:
    this is asked only of verbs outside it)."""
    owners = [c for c in noun.children if c.dep_ in ("poss", "compound")] + [of_object(noun)]
    return any(o is not None and o.pos_ == "NOUN" and is_person_noun(o) for o in owners)


def _doing(noun: Any, verb: Any) -> bool:
    """ "two boats closing in": the thing an active participle describes is its doer; "fired on by
    two boats": the agent of a passive; "under fire from two boats": where an assault came from."""
    if noun.dep_ == "pobj" and noun.head.dep_ == "agent":
        return True
    if noun.dep_ == "pobj" and noun.head.lower_ == "from":
        # "an attack from three helicopters", "came under fire from two boats"
        host = noun.head.head
        beside = [g for c in host.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        if any(lemma(t) in _ASSAULT_NOUNS for t in (host, *beside)):
            return True
    return verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.i == noun.i


def _carrying(noun: Any) -> bool:
    """ "the pirates, in three boats, were attempting ...", "gunmen on two motorcycles": the boats or
    vehicles the people who acted were in (the parser often hangs "in two boats" on the verb: its
    subject, or the people a preposition of the verb names, "acted against the pirates in two boats")."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in ("in", "on", "aboard"):
        return False
    host = prep.head
    if host.pos_ == "VERB":
        return any(
            t.dep_ in ("nsubj", "pobj")
            and t.pos_ in _NOUNS
            and is_person_noun(t)
            and _clause_verb(t) == host.i
            for t in host.subtree
            if t.i not in range(prep.left_edge.i, prep.right_edge.i + 1)
        )
    return host.pos_ in _NOUNS and is_person_noun(host)


def _clause_verb(tok: Any) -> int | None:
    """The index of the nearest verb above `tok` (None when there is none)."""
    head = tok.head
    while head.i != head.head.i and head.pos_ != "VERB":
        head = head.head
    return head.i if head.pos_ == "VERB" else None


def modifiers(preds: list[Any], np: Any, root: Any) -> list[Any]:
    """The adverbs, complements and adverbial clauses of a count's predicates that may say what the
    count underwent ("shot one fatally right away", "shot three people, killing one"); not a clause
    with an object of its own when the count is an object ("shot three people, killing one": one
    killed, not three; "boarded two of the vessels to nab 12 pirates"), nor one with a subject of its
    own ("escorting five vessels when officers detected the boats"; a pronoun is often the same one:
    "faces up to 75 years when he is sentenced")."""
    mods = [c for p in preds for c in p.children if c.dep_ in ("advmod", "acomp", "oprd", "advcl")]
    mods = [
        c
        for c in mods
        if not (
            c.dep_ == "advcl"
            and (
                ("dobj" in (np.dep_, root.dep_) and _has_object(c))
                or any(g.dep_ in ("nsubj", "nsubjpass") and g.pos_ != "PRON" for g in c.children)
            )
        )
    ]
    return mods + [g for c in mods for g in c.children if g.dep_ == "advmod"]


def _has_object(verb: Any) -> bool:
    """An object of its own ("killing one"), not a pronoun taking the count up again ("killing them")."""
    return any(c.dep_ == "dobj" and c.pos_ != "PRON" for c in verb.children)


def charged(span: Any, np: Any, evidence: str | None) -> tuple[str, str | None]:
    """`charges:<offence>` of counts or charges ("two counts of murder", "two murder charges", "one
    attempted murder charge"), or what a verdict found of them (`convictions:<offence>`)."""
    measure = "charges"
    head = next((t for t in span.doc[span.end : span.end + 3] if lemma(t) in ("count", "charge")), np)
    of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    obj = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
    obj = obj or [c for c in head.children if c.dep_ == "compound"][-1:]  # "two murder charges"
    if obj:
        attempted = any(
            lemma(c) in ("attempt", "attempted")
            for c in (*obj[0].children, *head.children)
            if c.dep_ == "amod"
        )
        offence = f"attempted_{lemma(obj[0])}" if attempted else lemma(obj[0])
        measure, evidence = f"charges:{offence}", f"{evidence} of '{obj[0].text}'"
    verdict = _verdict(head)
    if verdict is not None:  # "found guilty of two counts of murder": the counts of the verdict
        offence = measure.partition(":")[2]
        measure = f"{verdict}:{offence}" if offence else verdict
        evidence = f"{evidence}; a verdict ('{verdict}')"
    return measure, evidence


def _verdict(counts: Any) -> str | None:
    """'convictions' / 'acquittals' when counts are what a verdict found ("found Hiller guilty of two
    counts of murder", "convicted on three counts", "acquitted of one count"), else None (charges)."""
    tok = counts
    for _ in range(4):
        if tok.head is tok:
            break
        tok = tok.head
        word = lemma(tok)
        negated = any(c.dep_ == "neg" for c in tok.children) or (tok.i > 0 and tok.nbor(-1).lower_ == "not")
        if word in ("guilty", "convict", "conviction") and not negated:
            return "convictions"  # (a plea of "not guilty" to two counts: the charges)
        if word in ("acquit", "acquittal", "innocent"):
            return "acquittals"
        if tok.pos_ == "VERB" and word not in ("find", "plead", "be"):
            break
    return None


def lost_lives(noun: Any, counted: Any) -> bool:
    """ "mourn the loss of three children": a loss of people is their deaths; not "the loss of 300
    jobs", nor "the loss of two players to injury" (a loss to something)."""
    return (
        lemma(noun) == "loss"
        and counted.pos_ in _NOUNS
        and is_person_noun(counted)
        and not any(
            c.dep_ == "prep" and c.lower_ == "to"
            for c in (*noun.children, *noun.head.children, *counted.children)
        )
    )


# what one does with rounds one has not fired ("police found 300 rounds", "he still had 10 rounds")
_HELD = frozenset(
    {"find", "seize", "recover", "carry", "buy", "have", "own", "store", "keep", "confiscate", "sell", "load"}
)


def shooters_rounds(noun: Any, verb: Any) -> bool:
    """Rounds a person's possessive gives ("his dozen rounds were intended for ...", "Lopez's 13
    bullets"): the shots that person fired; not rounds held, found or bought."""
    words = [noun, *(c for c in noun.children if c.dep_ in ("compound", "nummod"))]  # "his dozen rounds"
    owner = next((c for w in words for c in w.children if c.dep_ == "poss"), None)
    if owner is None or not (owner.lower_ in ("his", "her") or owner.ent_type_ == "PERSON"):
        return False
    held_by = noun.head if noun.dep_ in ("dobj", "nsubj", "nsubjpass") else None
    verbs = [v for v in (verb, held_by) if v is not None]
    return not any(lemma(v) in _HELD for v in verbs)  # (a light verb too: "he still had his 10 rounds")


_TURNOUT_VERBS = frozenset({"participate", "vote", "cast", "turn", "take"})


def turned_out(verb: Any) -> bool:
    """Voters who "participated", "voted", "cast ballots", "turned out", "took part": the turnout;
    not voters who voted for someone ("52 percent voted for Smith", "cast ballots for Smith")."""
    if lemma(verb) not in _TURNOUT_VERBS:
        return False
    if lemma(verb) == "turn" and not any(c.lower_ == "out" for c in verb.children):
        return False
    if lemma(verb) == "take" and not any(c.lower_ == "part" for c in verb.children):
        return False
    return not any(c.dep_ == "prep" and c.lower_ in ("for", "against") for c in verb.children)
