"""What a figure counts in the event (its measure key) and whether it is about the event at all.

Measure keys are built from the dependency parse and lemmas, so that outlets' wordings of one
measure share one key, and come with the words that decided them (`evidence`):

1. Ages (`parallax.ages`): "a 45-year-old", "Smith, 45,", "aged 45", "in her 60s" -> `age:<surname>`
   of the named person the age describes (the PERSON entity in apposition or right after), else
   `age:<noun>`; a place the tagger took for a name ("a 66-year-old Burnsville woman") is not one.
2. The counted noun phrase: the noun the number modifies ("five boats"), the object of "of"
   ("thousands of pilgrims", "two of the skiffs"), the noun a count is hyphened to ("a five-boat
   attack"), or the figure itself ("killing 5"); "one of 99 members" is no count.
3. The words of `seeds/measures.csv`, checked in order on the noun and its modifiers ("5 deaths",
   "a death toll of 5", "5 injured people", "the killings of two women"), then on the predicate the
   noun phrase is the subject or object of, its conjuncts and its complement ("killed 5", "5 were
   killed", "shot and killed one", "5 were dead", "two of them managed to get away"), and verbs that
   measure only their subject ("a dozen people managed to leave") -> the normalised measure
   (deaths, injured, missing, evacuated, sighted, escaped ...).
4. Otherwise `<noun class>[:<verb lemma>]` ("intercepted three boats" -> `vessel:seized`, the
   class from `seeds/measures.csv`: boats, skiffs and ships are vessels); light verbs (be, have,
   say, manage, try ...) pass to their complement or are left out, a copula to its subject ("her
   blood-alcohol level was 0.12 percent" -> level). A count of people with no predicate ("26 crew
   on board") is `people`: `measure_class` says what a count counts, and the comparison view files
   such general counts under the agreeing measure of their class.
5. Qualifiers: a figure under "to" of a growth verb (increase trade from $2 billion *to $10
   billion*) or next to "target"/"goal" gets `:target`; a deal, contract or offer gets
   `:<party>` (the person or organisation offering it) so one party's offer is not compared with
   another's.

Background figures are told apart in `parallax.background`.
"""

from __future__ import annotations

from typing import Any

from parallax.ages import age_subject, is_modifier_name
from parallax.figure_spans import multiple_killing
from parallax.measure_nouns import (
    argument_noun,
    counted_before,
    counted_noun,
    figure_root,
    hyphen_noun,
    one_of_many,
)
from parallax.measure_qualifiers import (
    LASTING_VERBS,
    amount_owner,
    interval,
    kin_owner,
    listed_group,
    names_a_thing,
    of_a_variant,
    other_set,
    part_of,
    party,
    person_described,
    size_of,
    tenure,
)
from parallax.measure_roles import (
    COUNT_MEASURES,
    TOLLS,
    acted,
    agent_of,
    charged,
    children_of,
    lost_lives,
    lost_people,
    modifiers,
    of_group,
    offspring_of,
    predicates,
    shooters_rounds,
    table_word,
    turned_out,
    undergone,
)
from parallax.measure_words import (
    AMMUNITION,
    FIRING_VERBS,
    MEASURES_FILE,
    NOUN_TAGS,
    PEOPLE_WORDS,
    MeasureTable,
    changed_subject,
    default_measures,
    is_people,
    is_person_noun,
    lemma,
    load_measures,
    measure_class,
    model_name,
    month_named,
    surname,
)
from parallax.numbers import CURRENCY_WORDS, GLUED_AMOUNT, parse_number, rate_unit, singular

_NOUNS = NOUN_TAGS
_PEOPLE = PEOPLE_WORDS

__all__ = [
    "COUNT_MEASURES",
    "MEASURES_FILE",
    "MeasureTable",
    "age_subject",
    "default_measures",
    "is_modifier_name",
    "is_people",
    "is_person_noun",
    "lemma",
    "load_measures",
    "measure_class",
    "measure_of",
    "surname",
]

_LIGHT_VERBS = {
    "be", "have", "do", "say", "tell", "report", "manage", "try", "begin", "start", "continue",
    "include", "make", "get", "give", "take", "see", "show", "put", "seem", "appear", "remain",
    "leave", "bring", "become", "add", "confirm", "state", "announce", "reveal", "want", "need", "allege",
    "believe", "think", "understand", "know", "headquarter", "base", "locate", "spread", "scatter",
    "situate", "station", "employ",
}  # fmt: skip
_GROWTH_VERBS = {
    "increase",
    "raise",
    "boost",
    "double",
    "triple",
    "expand",
    "grow",
    "reach",
    "take",
    "lift",
    "push",
}
_TARGET_NOUNS = {"target", "goal", "aim", "ambition", "objective"}
_PARTY_MEASURES = {"deal"}
# Generic keys keep noun and verb ("boat:approach"); the noun alone measured worse on bench.figures
# (grouping precision 0.89 instead of 0.93, conflict precision 0.61 instead of 0.86).
NOUN_AND_VERB = True
_TARGET_WORDS = {"target", "goal", "aim", "ambition", "objective", "plan", "seek", "hope", "want", "envisage"}


def _is_target(span: Any, np: Any) -> bool:
    """A level aimed at, not reached: "to a targeted $10 billion", "a $10 billion goal", "aims to
    raise exports to 5 million"."""
    root = span.root
    doc = span.doc
    near = doc[max(span.start - 3, span.sent.start) : min(span.end + 2, span.sent.end)]
    if any(lemma(t) in _TARGET_NOUNS for t in near) or (np is not root and lemma(np) in _TARGET_NOUNS):
        return True
    if root.dep_ == "pobj" and root.head.lower_ in ("to", "at") and lemma(root.head.head) in _GROWTH_VERBS:
        verb = root.head.head
        chain = [verb, verb.head, verb.head.head]
        return any(lemma(t) in _TARGET_WORDS for t in chain) or any(
            c.dep_ == "aux" and c.lower_ in ("will", "would", "to", "shall") for c in verb.children
        )
    return False


def measure_of(
    span: Any, table: MeasureTable, fact_type: str, lexicon: Any = None
) -> tuple[str | None, str | None]:
    """(measure key, evidence) of a figure span; (None, None) when the parse does not say.
    `lexicon` (parallax.entities.Lexicon) mends phrases the parser cut short."""
    if fact_type == "age":
        return age_subject(span)
    if fact_type == "date":
        return None, None
    doc = span.doc
    inside = set(range(span.start, span.end))
    if one_of_many(span):
        return None, None
    family = (children_of(span) or offspring_of(span)) if fact_type == "cardinal" else None
    if family is not None:  # "a mother of 12 was killed", "her 12 children": her children, not the toll
        return family
    crime = multiple_killing(doc[span.start]) if fact_type == "cardinal" else None
    if crime is not None:  # "a double murder": its dead
        return "deaths", f"'{span.text} {crime.text}' -> deaths"
    # a table noun in or right next to the figure ("6.1-magnitude", "magnitude 6.1", "5 dead")
    edges = [t for t in span if not t.like_num]
    edges += [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc) and doc[i].sent == span.sent]
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.pos_ == "ADP" and before.head.pos_ == "VERB":
        # "the death toll rose to 14": the level a table noun reached, however the parser attached 14
        for s in (c for c in before.head.children if c.dep_ in ("nsubj", "nsubjpass")):
            for w in [s, *(c for c in s.children if c.dep_ == "compound")]:
                m = table.nouns.get(lemma(w))
                if m is not None and (fact_type == "cardinal" or m not in COUNT_MEASURES):
                    return m, f"'{s.text} {before.head.text} {before.text}' -> {m}"
    hyphened = hyphen_noun(span) if fact_type == "cardinal" else None
    if hyphened is not None and lemma(hyphened) not in table.nouns:
        # "a five-boat attack", "a two-party vote": a count of boats, of parties, with no predicate
        # of its own (the view files it under the agreeing measure of its class)
        counted = table.noun_key(hyphened)
        counted = "people" if is_people(hyphened) else counted
        return counted, f"'{span.text}-{hyphened.text} {hyphened.head.text}' counts {hyphened.text}"
    np = counted_noun(span, lexicon)
    if fact_type in ("cardinal", "money") and singular(np.lower_) in CURRENCY_WORDS and np.i >= span.end:
        # "4.35 billion dlrs": an amount the tagger did not take for money; what it is an amount of the
        # currency does not say (a "dlr" key would compare every such amount of a story)
        return None, None
    mended = np is not counted_noun(span)  # a noun the parser took for something else
    # what the noun phrase names: "two of them" names the set counted before ("five boats")
    elliptic = np.pos_ == "PRON" or (
        np.i in inside and np.like_num and np.dep_ in ("nsubj", "nsubjpass", "dobj")
    )
    named = (counted_before(span) or np) if elliptic else np  # "the remaining three", "two of them"
    root = figure_root(span)
    measure: str | None = None
    evidence: str | None = None
    for t in edges:
        hit = table_word(t, table)
        hit = of_group(t, table, fact_type, hit)
        if hit and (t.pos_ in _NOUNS or t.i == span.end):
            measure = hit[0]
            evidence = hit[1] + (" (next to the figure)" if t.i not in inside else " (in the figure)")
            if t.pos_ in _NOUNS:
                np = t
            break
    size = size_of(root, np, table) if measure is None and fact_type == "cardinal" else None
    if size is not None:  # "police put the march at 30,000 people"
        measure, evidence = size
    # the counted noun and its modifiers ("5 deaths", "death toll of 5", "injured people")
    words = [np] + [c for c in np.children if c.dep_ in ("compound", "amod") and c.i not in inside]
    for t in (root, np):  # "a toll of 5", "a reward of $35,000", "the killings of two women"
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in _NOUNS:
            words.append(t.head.head)
    for w in words if measure is None else []:
        # "the slayings of two women"; not a modifier ("seven assault rifles")
        counted_by = fact_type == "cardinal" and w is not np and w.dep_ != "compound"
        hit = table_word(w, table, counted_by) if w.i not in inside or w.pos_ in _NOUNS else None
        if hit is None and counted_by and lost_lives(w, np):
            hit = "deaths", f"'the loss of' people ('{np.text}') -> deaths"
        hit = of_group(w, table, fact_type, hit)
        if hit and w.pos_ != "VERB":
            measure, evidence = hit
            break
    preds = predicates(np)
    if measure is None:
        mods = modifiers(preds, np, root)
        for p in preds + mods:
            lost = lost_people(named, p) if fact_type == "cardinal" else None
            if lost is not None:  # "lost two of my closest friends": deaths, whoever they were
                measure, evidence = lost
                break
            hit = undergone(np, p, table) or (None if agent_of(np, p) else table_word(p, table))
            if hit is None and p.pos_ == "VERB" and fact_type == "cardinal":
                of_subject = table.subject_measure(p, named)
                if of_subject is not None:
                    hit = of_subject[0], f"verb '{of_subject[1]}' (of its subject) -> {of_subject[0]}"
            if hit and (fact_type == "cardinal" or hit[0] not in COUNT_MEASURES):
                measure, evidence = hit
                counted_thing = (
                    named.pos_ in _NOUNS
                    and not (named.like_num or GLUED_AMOUNT.fullmatch(named.text))
                    and (named.i not in inside or fact_type == "cardinal")
                )
                if counted_thing and not is_person_noun(named) and lemma(named) not in table.nouns:
                    if measure == "arrested":  # things are seized, not arrested ("captured three boats")
                        measure = "seized"
                    measure, evidence = (
                        f"{table.noun_key(named)}:{measure}",
                        f"noun '{named.text}' + {evidence}",
                    )
                elif counted_thing and measure == "seized" and is_people(named):
                    # people are arrested, not seized ("99 members seized")
                    measure, evidence = "arrested", f"{evidence}; people: arrested"
                break
    if measure is None and fact_type == "duration":
        # "a 15-year veteran", "worked for 15 years"; "married two weeks before the shooting"
        measure, evidence = tenure(root, table) or interval(root) or (None, None)
    if measure is None:
        noun = (
            named
            if (named.pos_ in _NOUNS or mended)
            and not (named.like_num or GLUED_AMOUNT.fullmatch(named.text))
            and (named.i not in inside or fact_type == "cardinal")
            else None
        )
        verb = next((p for p in preds if p.pos_ == "VERB" and lemma(p) not in _LIGHT_VERBS), None)
        governed = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ in _NOUNS
        if noun is None and fact_type == "quantity" and governed and rate_unit(span.text):
            # "at speeds of up to 120 miles an hour": the noun a speed is of
            # (not whoever the clause's verb names: "chased Mr. X" / "deputies chased him")
            noun, verb = root.head.head, None
        if noun is None and verb is not None:
            noun = argument_noun(verb, inside)  # "increase trade from $2 billion": trade
            if noun is not None and (lemma(verb) in _GROWTH_VERBS or fact_type in ("money", "percent")):
                verb = None
        if noun is None and root.dep_ in ("attr", "acomp") and lemma(root.head) == "be":
            # "his blood-alcohol level was 0.41 percent": the subject of the copula is measured
            subj = [c for c in root.head.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]
            before = doc[root.head.i - 1] if root.head.i > 0 else None
            if not subj and before is not None and before.pos_ == "NOUN" and before.dep_ != "compound":
                subj = [before]  # "... showing his level was .41": the parser lost the subject
            noun = subj[0] if subj else None
        if noun is None and fact_type in ("percent", "money", "quantity"):
            noun = changed_subject(root)  # "traffic was down 60 percent": traffic
        if noun is None and root.dep_ == "pobj" and root.head.lower_ in ("of", "for", "at", "worth"):
            gov = root.head.head
            noun = gov if gov.pos_ in _NOUNS else None  # "an increase of 10%", "a price of $5"
        if verb is not None and lemma(verb) in _TARGET_WORDS | _TARGET_NOUNS:
            verb = None
        if noun is not None:  # "the death toll rose to 14": the noun (or its compound) is in the table
            for w in [noun] + [c for c in noun.children if c.dep_ == "compound"]:
                if lemma(w) in table.nouns and (
                    fact_type == "cardinal" or table.nouns[lemma(w)] not in COUNT_MEASURES
                ):
                    m = table.nouns[lemma(w)]
                    hit = of_group(w, table, fact_type, (m, f"noun '{w.text}' -> {m}"))
                    if hit is None:
                        return None, None
                    return charged(span, np, hit[1]) if hit[0] == "charges" else hit
        if (
            noun is not None
            and noun.i == root.head.i
            and fact_type in ("duration", "money", "quantity", "percent")
        ):
            verb = None  # "a three-day strike", "a $5 million grant": the noun it qualifies says it
        if noun is None and (verb is None or fact_type in ("money", "quantity", "percent")):
            # an amount keyed by a verb alone names nothing measured ("he finished with 269 yards",
            # "to close at $24.34", "weighing 4.5 pounds": whose?); two outlets' such amounts are
            # seldom one figure, so it has no measure
            return None, None
        amount = fact_type in ("money", "quantity", "percent") and noun is not None
        if amount and verb is None and names_a_thing(noun, root):
            return None, None  # "the 15-inch MacBook Pro": which of its sizes the name does not say
        if fact_type in ("money", "quantity", "percent", "duration") and verb is None and of_a_variant(root):
            return None, None  # "the 11-inch models ... 5 hours of battery life": one size's
        owner = amount_owner(noun, verb) if amount else kin_owner(noun, fact_type, root)
        if fact_type == "duration" and verb is not None:
            if noun is not None and ((noun is np and np.i not in inside) or lemma(verb) in LASTING_VERBS):
                verb = None  # "two hours of negotiations", "the strike lasted three days": the event
            else:
                # "after two hours a man surrendered", "police spent two hours": who did what for
                # that long names no event outlets share (parallax.facts keys it by its length)
                return None, None
        acting, evidence_verb = False, ""
        if verb is not None and noun is not None and fact_type == "cardinal" and acted(noun, verb, table):
            # "two boats closed in": vessel:acting, whatever the verb
            acting, evidence_verb, verb = True, f" (doing '{verb.text}')", None
        key: str | None = None
        if noun is not None:
            key = (model_name(noun) or singular(noun.text)) if mended and noun is np else table.noun_key(noun)
            key = table.classes.get(key, key)
        if key in AMMUNITION and verb is not None and lemma(verb) in FIRING_VERBS:
            # "sprayed 13 bullets", "fired a dozen rounds": shots fired
            key, evidence_verb, verb = "shots", f" + verb '{verb.text}' -> shots", None
        elif key in AMMUNITION and fact_type == "cardinal" and shooters_rounds(noun, verb):
            # "his dozen rounds were intended for a rival gang": the shooter's rounds are his shots
            key, evidence_verb, verb = "shots", " (the shooter's own) -> shots", None
        if key == "voter" and fact_type == "percent" and verb is not None and turned_out(verb):
            # "90 per cent of eligible voters had participated": the turnout (not "voted for Smith")
            key, evidence_verb, verb = "turnout", f" + verb '{verb.text}' -> turnout", None
        if (
            key in table.sizes
            and fact_type == "cardinal"
            and noun is not None
            and not month_named(noun)
            and (parse_number(span.text) or 0) >= 5000
        ):
            # "more than 50,000 - the biggest protest": a number no count of protests reaches is its size
            key, evidence_verb, verb = table.sizes[key], f" (a size: {key}) -> {table.sizes[key]}", None
        if key in _PEOPLE or (
            verb is None and noun is not None and fact_type == "cardinal" and is_people(noun)
        ):
            key = "people"  # "26 crew on board", "a dozen workers were there": people, no predicate
        parts = [
            x
            for x in (key, lemma(verb) if verb is not None and (key is None or NOUN_AND_VERB) else None)
            if x
        ]
        measure = ":".join([*parts, "acting"] if acting else parts)
        evidence = " + ".join(
            ([f"noun '{noun.text}'{evidence_verb}"] if noun is not None else [])
            + ([f"verb '{verb.text}'"] if verb is not None else [])
        )
        if owner is not None and key not in table.measures:
            # "HP shares dropped 5 percent", "EDS shares soared 28 percent": two companies' figures
            measure, evidence = f"{measure}:{owner}", f"{evidence}; of {owner}"
    group = listed_group(span, np) if fact_type == "cardinal" and measure in COUNT_MEASURES else None
    if group is not None:  # "two women and a man died": a part of the toll, not the toll
        measure, evidence = f"{measure}:{group}", f"{evidence}; a part of a list: {group}"
    if measure == "charges":  # "three counts of vehicular homicide" vs "one count of murder"
        measure, evidence = charged(span, np, evidence)
    owner = person_described(np) if ":" in (measure or "") or measure not in table.measures else None
    if owner and not (measure or "").startswith("age:") and not (measure or "").endswith(f":{owner}"):
        measure, evidence = f"{measure}:{owner}", f"{evidence}; of {owner}"
    if measure == "magnitude" and fact_type != "cardinal":
        measure, evidence = None, None  # a magnitude has no unit: "10 km (6.2 miles)" is not one
    if measure == "depth" and fact_type != "quantity":
        measure, evidence = None, None
    if measure == "prison_sentence" and fact_type not in ("duration", "date"):
        # a length of time: "half his sentence", "at least one life term" count something else
        measure, evidence = None, None
    if measure == "prison_sentence" and part_of(root, ("sentence", "term")):
        # "must serve at least 35 years of the life sentence": the part served, not the sentence
        measure, evidence = "prison_sentence:served", f"{evidence}; a part of the sentence"
    window = doc[max(span.start - 2, 0) : min(span.end + 3, len(doc))]
    if measure == "magnitude" and any(lemma(t) == "aftershock" for t in window):
        measure, evidence = "magnitude:aftershock", f"{evidence}; of an aftershock"
    if measure is None:
        return None, None
    if measure in _PARTY_MEASURES:
        owner = np if np.pos_ in _NOUNS else (root.head if root.head.pos_ in _NOUNS else np)
        while owner.dep_ == "compound" and owner.head.pos_ in _NOUNS:
            owner = owner.head  # "a contract extension": the extension's party
        offerer = party(owner)
        if offerer:
            measure, evidence = f"{measure}:{offerer}", f"{evidence}; offered by {offerer}"
    if _is_target(span, np):
        measure, evidence = f"{measure}:target", f"{evidence}; a target"
    if fact_type == "cardinal" and measure.split(":")[0] not in TOLLS and other_set(span, np):
        head = measure.split(":")[0]
        if np.pos_ == "NOUN" and not is_person_noun(np) and head == table.noun_key(np):
            # "three other rifles were found" / "two other rifles were seized": things besides the ones
            # the text names; the set is what "other" draws, outlets' verbs for it vary
            measure = head
        measure, evidence = f"{measure}:other", f"{evidence}; 'other': a set besides one the text names"
    return measure, evidence
