"""Figures read together: what one figure of a document says about another.

- `link_unnamed_ages`: "a 61-year-old man" is the age of the person the document names with that
  age, else of the next person it names (not a mere speaker) within three sentences.
- `place_subtotals`: a smaller count the document gives for a place ("in Hatay, 30 died") is that
  place's subtotal, measured `<measure>:<place>`.
- `elliptic_counts`: "12 are from Somalia and 11 from Yemen": a count left without its noun counts
  what the count of the clause it is joined to counts.
- `restated_counts`: "the 23 suspects surrendered" repeats a count the document gives ("captured
  23 piracy suspects"), before or after it.
- `restatements`: "10 km (6.2 miles)" - a bracketed figure restates the one before it.
- `running_totals`: of two values for one measure, the one in a "so far" / "a total of" sentence is
  a running total over several events (background).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Set
from typing import TYPE_CHECKING, Any

from parallax.ages import is_modifier_name
from parallax.measure_nouns import figure_root
from parallax.measure_words import OUTAGE_VERBS, changed_subject, is_people, lemma, surname

if TYPE_CHECKING:
    from parallax.facts import Fact

# Nouns for a person an article names later ("a 61-year-old man ... Eric Kirkpatrick").
_UNNAMED = {
    "man", "woman", "person", "boy", "girl", "suspect", "driver", "victim", "gunman", "shooter",
    "attacker", "employee", "worker", "resident", "motorist", "pedestrian", "teenager", "youth",
}  # fmt: skip
_SPEECH = {"say", "tell", "announce", "report", "confirm", "add", "state", "explain", "describe", "allege"}


def link_unnamed_ages(facts: list[Fact], spans: list[Any]) -> None:
    """'a 61-year-old man' -> the age of the person the document goes on to name: the named age of
    the same value in the document, else the next person named within three sentences who is not
    only a speaker ('Constable Fanning said ...')."""
    named = {f.normalized_value: f.measure for f in facts if f.fact_type == "age" and f.measure and
             f.measure_evidence and f.measure_evidence.startswith("age of ") and
             not f.measure_evidence.startswith(("age of the ", "age of an unnamed"))}  # fmt: skip
    for f, span in zip(facts, spans, strict=True):
        ev = f.measure_evidence or ""
        if f.fact_type != "age" or not ev.startswith(("age of the ", "age of an unnamed")):
            continue
        if (f.measure or "").removeprefix("age:") not in _UNNAMED:
            continue  # "her lawyer, aged 52": a role, not someone the article goes on to name
        if f.normalized_value in named:
            f.measure = named[f.normalized_value]
            f.measure_evidence = f"{ev}, named in the document with the same age ({f.measure})"
            continue
        doc = span.doc
        # someone the article named before the age is not the unnamed person it describes ("Jeffs
        # ... a 12-year-old girl ... Jeffs"): it would have used the name
        named_before = {surname(e.text) for e in doc.ents if e.label_ == "PERSON" and e.end <= span.start}
        sents = 0
        for ent in doc.ents:
            if ent.start < span.end or ent.label_ != "PERSON":
                continue
            sents = len({t.sent.start for t in doc[span.end : ent.start]})
            if sents > 3:
                break
            root = ent.root
            if root.dep_ == "nsubj" and root.head.lemma_.lower() in _SPEECH:
                continue
            if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according":
                continue
            if is_modifier_name(ent):
                continue  # "in Bloomington", "a Burnsville woman": a place the model took for a name
            if surname(ent.text) in named_before:
                continue
            key = f"age:{surname(ent.text)}"
            if key in named.values():
                continue  # that person's own age is given, and differs
            f.measure = key
            f.measure_evidence = f"{ev}, named next: {ent.text}"
            break


def place_subtotals(facts: list[Fact], spans: list[Any]) -> None:
    """A document giving one measure several values, the smaller ones for a place ('in Hatay
    province, 30 died'): those are subtotals of that place, measured as '<measure>:<place>'."""
    groups: dict[str, list[tuple[Fact, Any]]] = {}
    for f, span in zip(facts, spans, strict=True):
        # (counts: shares are placed by share_places)
        if f.measure and not f.is_background and f.normalized_value is not None and f.fact_type != "percent":
            groups.setdefault(f.measure, []).append((f, span))
    for measure, group in groups.items():
        top = max(f.normalized_value or 0 for f, _ in group)
        several = len({f.normalized_value for f, _ in group}) >= 2
        for f, span in group:
            # "where another 20,000 people marched": a further set, whatever its size
            if not _added(span) and (not several or (f.normalized_value or 0) >= top):
                continue
            places = [e for e in span.sent.ents if e.label_ in ("GPE", "LOC", "FAC") and _placed_in(e.root)]
            # the place the parse ties to the count ("and three in Lyon"), else the nearest place
            # named before it ("in Hatay province, 30 died")
            ties = (span.root.i, span.root.head.i) if span.root.dep_ == "nummod" else (span.root.i,)
            own = [e for e in places if e.root.head.head.i in ties]
            before = [e for e in places if e.start < span.start]
            place = own[0] if own else (before[-1] if before else (places[0] if places else None))
            place = _where(span) or place
            if place is not None:
                f.measure = f"{measure}:{place.text.lower()}"
                f.measure_evidence = f"{f.measure_evidence}; a subtotal for {place.text}"


def _where(span: Any) -> Any:
    """ "in Thessaloniki, where another 20,000 people marched": the place a 'where' clause holding
    the count is about (its antecedent, a name of any label: "where" makes it a place, and the model
    often takes a city for an organisation or a person)."""
    verb = figure_root(span)
    while verb.dep_ not in ("relcl", "ROOT") and verb.head.i != verb.i:
        verb = verb.head
    if verb.dep_ != "relcl" or not any(c.lower_ == "where" for c in verb.children):
        return None
    place = verb.head
    ent = next((e for e in span.doc.ents if e.start <= place.i < e.end), None)
    if ent is None or ent.label_ in ("DATE", "TIME", "CARDINAL", "QUANTITY", "ORDINAL"):
        return None
    return ent


def _added(span: Any) -> bool:
    """ "another 20,000 people", "a further 20,000", "an additional 30": a count of a set besides
    one the text has counted (a qualifier, "another about 20,000", is inside the span already)."""
    doc = span.doc
    k = span.start - 1
    if k < 0:
        return False
    word = doc[k].lower_
    return word == "another" or (
        word in ("further", "additional") and k > 0 and doc[k - 1].lower_ in ("a", "an")
    )


_PLACE_PREPS = ("in", "to", "with", "for", "from")


def _placed_in(tok: Any) -> bool:
    """ "in Patras", "at the port", "in the northern city of Thessaloniki": a place something is in."""
    if tok.dep_ != "pobj":
        return False
    prep = tok.head
    if prep.lower_ == "of" and prep.head.dep_ == "pobj":  # "the city of Thessaloniki"
        prep = prep.head.head
    return prep.lower_ in ("in", "at")


def _outage(measure: str | None) -> bool:
    """A network's share an outage took, keyed by its verb ("service:disrupt", "service:lose")."""
    head, _, verb = (measure or "").partition(":")
    return head == "service" and verb in OUTAGE_VERBS


def _share_place(span: Any, outage: bool = False) -> Any:
    """The place a share is of ("65% of traffic to India", "52 percent in Egypt", "traffic in India
    was down 60 percent"): a GPE after one of _PLACE_PREPS on the figure or on the noun it is a
    share or a change of."""
    root = figure_root(span)
    heads = [root] + [c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"]
    heads += [o for p in heads[1:] for o in p.children if o.dep_ == "pobj"]
    if root.dep_ == "pobj" and root.head.lower_ == "by":
        # "services in Egypt were down by 80 percent, in India by 65 percent": the place right
        # before "by" is this figure's
        siblings = sorted(root.head.head.children, key=lambda t: t.i)
        at = [t.i for t in siblings].index(root.head.i)
        heads += [siblings[at - 1]] if at > 0 and siblings[at - 1].lower_ in _PLACE_PREPS else []
    changed = changed_subject(root)  # "traffic in India was down 60 percent"
    heads += [changed] if changed is not None else []
    if outage:
        # "100 percent of traffic was lost in the Maldives", "80 percent of services and call
        # centers in Egypt": where the outage was
        heads += [root.head] if root.dep_ in ("nsubj", "nsubjpass") else []
        listed = [c for h in heads for c in h.children if c.dep_ == "conj"]
        heads += [c for c in listed if not any(t.like_num for t in c.subtree)]  # (not the next share)
    for h in heads:
        preps = [h] if h.dep_ == "prep" and h.lower_ in _PLACE_PREPS and h.head.pos_ == "AUX" else []
        preps += [c for c in h.children if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS]
        for prep in preps:
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                # (an outage's place may name the islands, the coast: "the Maldives Indian Ocean islands")
                named = [obj] + ([c for c in obj.children if c.dep_ == "compound"] if outage else [])
                for o in named:
                    if o.ent_type_ in ("GPE", "LOC"):
                        ent = next((e for e in span.doc.ents if e.start <= o.i < e.end), None)
                        return ent if ent is not None else o
    return None


def share_places(facts: list[Fact], spans: list[Any]) -> None:
    """Shares of one thing in several places are one measure per place: "55 percent of voice traffic
    in Saudi Arabia, 52 percent in Egypt and 82 percent in India" -> service:saudi arabia,
    service:egypt, service:india (traffic: a network's service, seeds/measures.csv). A share the
    parse gave no measure (the list's later items) takes the measure of the share before it in the
    sentence, and a bare share in a list takes the bound of the one before it (`_list_bounds`)."""
    last: tuple[Any, str, int, Fact] | None = None  # (sentence, measure, root, fact) of the previous share
    for f, span in zip(facts, spans, strict=True):
        if f.fact_type != "percent":
            continue
        base = f.measure
        outage = _outage(base)
        place = _share_place(span, outage)
        if place is not None and outage:
            # "70 per cent of web services in Egypt were disrupted", "65% of traffic to India was
            # down": one share of a place, whatever the verb
            base = "service"
            f.measure_evidence = f"{f.measure_evidence} (an outage's share)"
        listed = last is not None and last[0] == span.sent.start
        # a conjunct of the share before it ("70 per cent of web services in Egypt, and 60 per cent
        # in India, were disrupted") is the same share wherever the parse took its measure from
        conjunct = listed and last is not None and span.root.dep_ == "conj" and span.root.head.i == last[2]
        if last is not None and place is not None and ((base is None and listed) or conjunct):
            base = last[1]
            f.measure_evidence = f"the share before it in the list: {base}"
            if _list_bounds(f, last[3]):
                f.measure_evidence += " (and its bound)"
        if base is None:
            continue
        last = (span.sent.start, base, span.root.i, f)
        if place is not None:
            f.measure = f"{base}:{place.text.lower()}"
            f.measure_evidence = f"{f.measure_evidence}; in {place.text}"


def _list_bounds(f: Fact, first: Fact) -> bool:
    """A list's bound is every share's: "as much as 55 percent ... in Saudi Arabia, 52 percent in
    Egypt and 82 percent in India" -> at most 52, at most 82. Sets `f`'s bounds from `first`'s
    when `f` is written bare; whether it did."""
    v, fv = f.normalized_value, first.normalized_value
    if v is None or f.lower_value != v or f.upper_value != v:
        return False  # not written bare
    if not fv or (first.lower_value == fv and first.upper_value == fv):
        return False
    f.lower_value = None if first.lower_value is None else v * first.lower_value / fv
    f.upper_value = None if first.upper_value is None else v * first.upper_value / fv
    return True


def elliptic_counts(facts: list[Fact], spans: list[Any], general: Callable[[str], bool]) -> None:
    """ "Of 23 pirates, 12 are from Somalia and 11 from Yemen": a count the writer left without its
    noun and verb, in a clause joined to one whose subject counts a kind of thing with no predicate
    (`general`: people, vessels), counts that kind too. (A predicate is not copied: in "five died in
    Paris and three in Lyon" the second count already has one, and its place tells it apart.)"""
    by_token = {t.i: f for f, s in zip(facts, spans, strict=True) for t in s}
    for f, s in zip(facts, spans, strict=True):
        if f.measure is not None or f.fact_type != "cardinal" or f.is_background:
            continue
        root = s.root
        if root.dep_ != "conj" or root.head.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in root.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        other = by_token.get(subj.i) if subj is not None else None
        if other is None or other.fact_type != "cardinal" or other.is_background:
            continue
        if other.measure and general(other.measure):
            f.measure = other.measure
            f.measure_evidence = f"counts what '{other.text}' counts, in a clause left without its noun"


def restated_counts(
    facts: list[Fact], spans: list[Any], anaphors: set[int], named: Set[int] = frozenset()
) -> tuple[list[Fact], list[Any]]:
    """`facts` and their `spans` without the counts at `anaphors` ("the 23 suspects surrendered")
    whose value another count of the same text gives ("captured 23 piracy suspects"), before or
    after (a headline is a text of its own: the body's first "the 23 pirates" is the body's count).
    An anaphor in `named` names its kind with a noun before its noun ("the four submarine cables"):
    only a count of that same kind restates it, not a bare "four" elsewhere ("With four you should
    have an insurance policy")."""
    counted = [_counted_kind(s) for s in spans]
    given: dict[float | None, set[str | None]] = {}
    for i, f in enumerate(facts):
        if f.fact_type == "cardinal" and i not in anaphors:
            given.setdefault(f.normalized_value, set()).add(counted[i])
    keep = []
    for i, f in enumerate(facts):
        kinds = given.get(f.normalized_value)
        kind = counted[i]
        # the same count of another thing is no restatement ("a five-boat attack" ... "escorting the
        # five merchant vessels"); a count whose noun is not known is taken as the same
        # (an anaphor naming its kind needs a count of that kind)
        same = kinds is not None and (
            kind in kinds if i in named else (kind is None or None in kinds or kind in kinds)
        )
        if i not in anaphors or not same:
            keep.append(i)
    return [facts[i] for i in keep], [spans[i] for i in keep]


def _counted_kind(span: Any) -> str | None:
    """What a count counts, as `restated_counts` compares it: "people" for people ("23 pirates",
    "the 23 suspects"), else the counted noun's lemma ("boat" for "five-boat" and "five boats");
    None when the parse does not say."""
    root = span.root
    if root.dep_ == "nummod" and root.head.pos_ in ("NOUN", "PROPN"):
        noun = root.head
    elif span.end + 1 < len(span.doc) and span.doc[span.end].text in ("-", "–"):
        noun = span.doc[span.end + 1]  # "a five-boat formation"
    else:
        return None
    while noun.dep_ == "compound" and noun.head.i > noun.i:
        noun = noun.head  # "three bank workers", the count tied to "bank"
    if noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return "people" if is_people(noun) else lemma(noun)


def restatements(facts: list[Fact], body: str) -> None:
    """'10 km (6.2 miles)': a figure in brackets right after another restates it in other units."""
    for prev, f in itertools.pairwise(facts):
        bracket = re.fullmatch(r"\s*[(\[]\s*", body[prev.end : f.start])
        if prev.measure and bracket and f.fact_type == prev.fact_type:
            f.measure, f.is_background = prev.measure, prev.is_background
            f.measure_evidence = f"restates '{prev.text}' ({prev.measure_evidence})"


def running_totals(facts: list[Fact], body: str) -> None:
    """A document giving one measure two values in two sentences, one of them a 'so far' / 'a total
    of' sentence: that one is the running total over several events (background)."""
    by_measure: dict[str, list[Fact]] = {}
    for f in facts:
        if f.measure and not f.is_background and f.normalized_value is not None:
            by_measure.setdefault(f.measure, []).append(f)

    def sentence_of(f: Fact) -> tuple[int, int]:
        s = body.rfind(".", 0, f.start) + 1
        e = body.find(".", f.end)
        return s, e if e >= 0 else len(body)

    for group in by_measure.values():
        if len({f.normalized_value for f in group}) < 2:
            continue
        spans = [sentence_of(f) for f in group]
        for f, (s, e) in zip(group, spans, strict=True):
            # the other value must be told elsewhere: "a total of 288 candidates ..., with 37 of the
            # candidates in the capital" is a whole and its part, both of this event
            elsewhere = (
                g.normalized_value != f.normalized_value and o != (s, e)
                for g, o in zip(group, spans, strict=True)
            )
            if not any(elsewhere):
                continue
            sentence = body[s:e].casefold()
            m = re.search(r"\b(?:so far|thus far|to date|a total of|in total|altogether)\b", sentence)
            if m:
                f.is_background = True
                cue = f"background: '{m.group(0)}', a running total (another value for this measure)"
                f.measure_evidence = f"{f.measure_evidence}; {cue}" if f.measure_evidence else cue
