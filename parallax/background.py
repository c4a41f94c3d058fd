"""Background figures: about another time or event, a running total, or a generic statement.

A figure is background (`background_cue` gives the words that show it) when its own clause (the
tokens whose nearest governing verb is the figure's: subordinate clauses have their own) names
another time - a year before the document's reference year (its publication year, else the latest
year it names), a month two or more months before the publication date ("In January, five cables
were cut" in December, a verb in the past), "last year", "N years ago", "previous", "prior",
"earlier" - or is a running total over several events ("in their five operations so far"), or is a
generic statement (a modal verb with an indefinite subject: "a quake of that size can cause ...").
Background figures are kept and shown, never compared.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from spacy.attrs import DEP, HEAD, POS
from spacy.parts_of_speech import AUX, VERB

from parallax.attributions import REPORTING_VERBS
from parallax.dates import month_number
from parallax.measures import lemma
from parallax.numbers import parse_number

_VERBAL = {int(VERB), int(AUX)}

_PAST_WORDS = {"previous", "prior", "earlier", "preceding", "past"}
_RELATIVE_PAST = re.compile(
    r"\blast\s+(?:year|month|week|decade|season|time|summer|winter|spring|autumn|fall)\b"
)
_AGO = re.compile(r"\b(?:(?:[\w-]+\s+)?(?:years?|decades?)|months?|centuries)\s+ago\b")
_CUMULATIVE = re.compile(
    r"\b(?:so far|thus far|to date|in total|a total of|altogether|in all|this year|since the start of)\b"
)
_YEAR_TO_DATE = re.compile(r"\bthis year\b|\bsince the (?:start|beginning) of (?:the|this) year\b")
_RELATIVE_BEFORE = re.compile(
    r"\b(?:earlier|just) this (?:year|month|week)\b"
    r"|\b(?:a|one|two|three|a few|several) (?:days?|weeks?|months?) (?:earlier|before)\b|\brecently\b"
)
# verbs of saying (attributions' list) and of knowing: a clause under them is reported speech
_REPORTING = REPORTING_VERBS | {"testify", "accord", "think", "know", "learn"}
_EVENT_NOUNS = {
    "operation", "attack", "raid", "mission", "incident", "quake", "earthquake", "storm", "match",
    "game", "season", "election", "bombing", "shooting", "year", "month",
}  # fmt: skip
_MODALS = {"can", "could", "may", "might", "would"}
_USUALLY = {"usually", "typically", "normally", "generally", "ordinarily"}
_TYPICAL = {"typical", "usual", "normal"}  # not "average": "the average age of the victims"
_SPANS = {"week", "month", "year"}  # "weeks after ...": a distance in time ("a day after" is often the event)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


_GOVERNOR_HOPS = 12
_GOVERNORS = "parallax_governors"  # Doc.user_data key: the nearest governing verb of each token


def _governors(doc: Any) -> list[int]:
    """Per token of `doc`, the index of its nearest verb above (itself when it is one), else of
    the sentence root; computed once per Doc from its arrays (a Token per step was a third of
    figure extraction's time)."""
    cached = doc.user_data.get(_GOVERNORS)
    if cached is not None and len(cached) == len(doc):
        return cached
    arr = doc.to_array([POS, DEP, HEAD]).astype("int64")
    pos, dep = arr[:, 0].tolist(), arr[:, 1].tolist()
    head = [i + int(off) for i, off in enumerate(arr[:, 2].tolist())]
    root = doc.vocab.strings["ROOT"]
    stop = [p in _VERBAL or d == root or head[i] == i for i, (p, d) in enumerate(zip(pos, dep, strict=True))]
    out = []
    for i in range(len(doc)):
        j = i
        for _ in range(_GOVERNOR_HOPS):
            if stop[j]:
                break
            j = head[j]
        out.append(j)
    doc.user_data[_GOVERNORS] = out
    return out


def _governor(tok: Any) -> Any:
    """The nearest verb above a token (the token itself when it is one), else the sentence root."""
    return tok.doc[_governors(tok.doc)[tok.i]]


def _clause(span: Any) -> list[Any]:
    """Tokens of the figure's own clause: those whose nearest governing verb is the figure's
    (subordinate and relative clauses have their own verb and are left out)."""
    doc = span.doc
    govs = _governors(doc)
    gov = doc[govs[span.root.i]]
    sent = span.sent
    own = [doc[i] for i in range(sent.start, sent.end) if i == gov.i or govs[i] == gov.i]
    if gov.dep_ == "relcl":  # "the 2015 quake which killed 9,000": the antecedent's modifiers too
        own += [c for c in gov.head.children if c.dep_ in ("compound", "amod", "nummod", "npadvmod")]
    if gov.dep_ == "conj" and gov.head.i != gov.i and not _has_subject(gov):
        # "Last month the frigate sank a ship and rescued two vessels": the second verb shares the
        # first one's subject and time
        own += [doc[i] for i in range(sent.start, sent.end) if govs[i] == gov.head.i and i < gov.i]
    # "a recently married father", "the newly elected mayor": the adverb dates the modifier, not the clause
    return [t for t in own if not (t.dep_ == "advmod" and t.head.dep_ == "amod" and t.head.i != gov.i)]


def _has_subject(verb: Any) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _present_perfect(gov: Any) -> bool:
    """ "have attacked", and "... and hijacked" sharing the first verb's subject and auxiliary."""
    verbs = [gov, gov.head] if gov.dep_ == "conj" and not _has_subject(gov) else [gov]
    return any(c.dep_ == "aux" and c.lower_ in ("have", "has") for v in verbs for c in v.children)


def _pluperfect(gov: Any, clause: list[Any], inside: set[int]) -> str | None:
    """ "Early November, the Royal Navy had captured eight pirates": a past perfect with a date of
    its own tells an earlier event than the one reported. Without a date it is often the reported
    event's own sequence ("by then the pirates had clambered onto the dhow", "he had been a deputy
    for three years"), and reported speech shifts tenses back ("police said he had shot two")."""
    had = next((c for c in gov.children if c.dep_ == "aux" and c.lower_ == "had"), None)
    if had is None or gov.tag_ != "VBN":
        return None
    date = next((t for t in clause if t.ent_type_ == "DATE" and t.i not in inside and not t.like_num), None)
    if date is None:
        return None
    t = gov
    for _ in range(4):  # up through conjuncts and clauses to a verb of saying
        if t.dep_ in ("ccomp", "conj", "advcl", "xcomp") and t.head.i != t.i:
            t = t.head
            if lemma(t) in _REPORTING:
                return None
        else:
            break
    return f"'{had.text} {gov.text}' ({date.text}): before the reported event"


_CUE_YEAR = re.compile(r"^(?:year (\d{4})\b|'last year'|'([\w-]+) years? ago')")


def cue_year(cue: str, ref_year: int | None) -> int | None:
    """The year a background cue names or counts back to from the document's reference year:
    "year 2010" -> 2010, "'last year'" -> ref_year - 1, "'two years ago'" -> ref_year - 2; None for
    other cues (a month, "previous", a running total, a generic statement)."""
    m = _CUE_YEAR.match(cue)
    if m is None:
        return None
    if m.group(1):
        return int(m.group(1))
    if ref_year is None:
        return None
    back = 1.0 if m.group(2) is None else parse_number(m.group(2))
    if back is None or back != int(back) or not 0 < back < 200:
        return None
    return ref_year - int(back)


def long_ago(evidence: str | None, unit: str | None) -> bool:
    """Whether an interval figure counts back from the day it was written by a month or more ("he
    retired ten years ago"): another time, as its own words say, not a length two outlets writing
    on different days would give alike ("married two weeks ago" is)."""
    return "how long ago" in (evidence or "") and unit in ("month", "year", "decade", "century")


def reference_year(text: str, published_year: int | None) -> int | None:
    """The year the document reports from: its publication year, else the latest year it names."""
    if published_year is not None:
        return published_year
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def _earlier_month(clause: list[Any], inside: set[int], published: dt.date) -> str | None:
    """ "In January, five cables were cut" in a December article: a month of the clause (no year
    other than the publication's) two or more months before publication, with a verb in the past."""
    if not _past(clause):
        return None  # "the vote will be held in March"
    for t in clause:
        month = month_number(t.text) if t.ent_type_ == "DATE" and t.i not in inside else None
        if month is None:
            continue
        years = [int(w.text) for w in t.doc[max(t.i - 3, 0) : t.i + 4] if _YEAR.fullmatch(w.text)]
        if any(y != published.year for y in years):
            continue  # "in January 2007": the year rule's
        if (published.month - month) % 12 >= 2:
            return f"'{t.text}', {(published.month - month) % 12} months before publication"
    return None


def _past(clause: list[Any]) -> bool:
    """Whether the clause's verb is in the past, with no future or modal auxiliary."""
    verbs = [t for t in clause if t.pos_ in ("VERB", "AUX")]
    aux = [c for v in verbs for c in v.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in ("will", "would", "shall", "'ll", "to", "may", "might") for c in aux):
        return False  # "the vote will be held in March"
    return any(t.tag_ in ("VBD", "VBN") for t in verbs + aux)


def _fronted_month(clause: list[Any], inside: set[int]) -> str | None:
    """ "In January, five cables were cut" in an undated document: a bare month (no day, no year)
    put before the clause's verb, the clause in the past. News tells its own event by weekday or
    date ("on Friday", "on January 5", "this month"); a month set in front opens an earlier one."""
    if not _past(clause):
        return None
    for t in clause:
        if t.i in inside or t.lower_ != "in" or t.dep_ != "prep" or t.head.i <= t.i:
            continue
        objs = [c for c in t.children if c.dep_ == "pobj"]
        if len(objs) != 1 or month_number(objs[0].text) is None:
            continue
        if any(c.lower_ not in ("early", "late", "mid") for c in objs[0].children):
            continue  # "in early March": still a bare month
        if objs[0].ent_type_ == "DATE" and objs[0].i + 1 < len(t.doc) and t.doc[objs[0].i + 1].is_punct:
            return f"'In {objs[0].text},' before the verb: an earlier month"
    return None


def _time_cue(
    clause: list[Any],
    inside: set[int],
    ref_year: int | None,
    published: dt.date | None,
    of_things: bool = True,
) -> str | None:
    """Another time the clause names: an earlier month or year, "last year", "two years ago",
    "earlier this month", and with `of_things` an earlier thing ("the previous quake"); None if none."""
    text = " ".join(t.text for t in clause).lower()
    if published is not None:
        earlier = _earlier_month(clause, inside, published)
    else:
        earlier = _fronted_month(clause, inside)
    if earlier is not None:
        return earlier
    if ref_year is not None:
        for t in clause:
            if t.i in inside:
                continue
            m = _YEAR.fullmatch(t.text)
            if m and t.ent_type_ == "DATE" and int(m.group(1)) < ref_year:
                return f"year {t.text}"
    m = _RELATIVE_PAST.search(text) or _AGO.search(text) or _RELATIVE_BEFORE.search(text)
    if m:
        return f"'{m.group(0)}'"
    for t in clause if of_things else ():
        if t.lower_ in _PAST_WORDS and t.dep_ == "amod" and t.i not in inside:
            return f"'{t.text} {t.head.text}'"
    return None


def _inherited_time(span: Any, gov: Any, clause: list[Any], inside: set[int], ref_year: int | None,
                    published: dt.date | None) -> str | None:  # fmt: skip
    """A subordinate clause naming no time of its own happens when the clause it hangs from does:
    "In February, a woman opened fire at a university, killing three"; and a clause opened by
    "after" with a distance in time ("weeks after a driver shot eight") tells an earlier event."""
    if gov.dep_ not in ("advcl", "relcl", "acl", "pcomp", "conj") or gov.head.i == gov.i:
        return None
    mark = next((c for c in gov.children if c.dep_ in ("mark", "prep") and c.lower_ == "after"), None)
    if mark is None and gov.head.lower_ == "after":
        mark = gov.head
    # "weeks after": the distance hangs from "after" or, as the parser often has it, from the verb
    near = [*mark.children, *(c for c in gov.children if c.dep_ == "npadvmod")] if mark is not None else []
    distance = next((c for c in near if lemma(c) in _SPANS), None)
    if distance is not None:
        return f"'{distance.text} after': an earlier event"
    if any(t.ent_type_ in ("DATE", "TIME") and t.i not in inside for t in clause):
        return None  # a time of its own
    head = _governor(gov.head)
    if head.i == gov.i:
        return None
    # ("the quake, which killed 40, was the strongest since 1990": a baseline, not the clause's time)
    above = [
        t for t in _clause(span.doc[head.i : head.i + 1]) if not any(a.lower_ == "since" for a in t.ancestors)
    ]
    # ("... was stronger than the previous one": an earlier thing the clause compares with)
    cue = _time_cue(above, inside, ref_year, published, of_things=False)
    return f"{cue}, in the clause it hangs from" if cue else None


def background_cue(span: Any, ref_year: int | None, published: dt.date | None = None) -> str | None:
    """The words showing the figure is about another time or event, or generic; None if none.
    `published`: the document's publication date, when known (a month named months before it)."""
    clause = _clause(span)
    text = " ".join(t.text for t in clause).lower()
    inside = {t.i for t in span}
    gov = _governor(span.root)
    cue = _time_cue(clause, inside, ref_year, published) or _inherited_time(
        span, gov, clause, inside, ref_year, published
    )
    if cue is not None:
        return cue
    cum = _CUMULATIVE.search(text)
    year_to_date = _YEAR_TO_DATE.search(text)
    if year_to_date and _present_perfect(gov):
        # "pirates have attacked 100 ships this year": a count over the year, not this event's
        return f"'{year_to_date.group(0)}' with a present perfect: a running total"
    if cum:
        for t in clause:
            if t.i in inside or t.pos_ != "NOUN" or t.tag_ != "NNS" or lemma(t) not in _EVENT_NOUNS:
                continue
            if any(c.dep_ == "nummod" or c.like_num for c in t.children):
                return f"'{cum.group(0)}' over several {t.text}"
    earlier = _pluperfect(gov, clause, inside)
    if earlier is not None:
        return earlier
    # generic: "a quake of that size can cause ..." (modal verb, indefinite subject)
    modal = next((c for c in gov.children if c.dep_ == "aux" and c.lower_ in _MODALS), None)
    if modal is not None and any(c.dep_ == "aux" and c.lower_ == "have" for c in gov.children):
        # what might, could or would have happened did not ("there might have been two people
        # killed", "the blast could have killed hundreds")
        return f"hypothetical: '{modal.text} have {gov.text}'"
    subj = [c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")]
    if (
        modal is not None
        and subj
        and any(d.lower_ in ("a", "an", "any") for d in subj[0].children if d.dep_ == "det")
    ):
        return f"generic: '{subj[0].text} {modal.text} {gov.text}'"
    # what is usual, not what happened: "the typical lifespan of a battery is three years", "such
    # fires usually burn for two days"
    usual = next((c for c in gov.children if c.dep_ == "advmod" and c.lower_ in _USUALLY), None)
    usual = usual or next(
        (a for c in subj for a in c.children if a.dep_ == "amod" and a.lower_ in _TYPICAL), None
    )
    if usual is not None:
        return f"generic: '{usual.text}'"
    # what happens whenever something does: "when one is killed, all of us lose" (what happened is
    # told in the past: "killed five when the bus crashed"; not "if": "if it takes a $35,000
    # reward to break the case, ..." speaks of the real reward)
    cond = next(
        (c for c in gov.children if c.dep_ in ("mark", "advmod") and c.lower_ in ("when", "whenever")),
        None,
    )
    if cond is not None and any(
        t.tag_ in ("VBZ", "VBP") for t in (gov, *(c for c in gov.children if c.dep_ in ("aux", "auxpass")))
    ):
        return f"generic: '{cond.text} ... {gov.text}' in the present tense"
    return None
