"""Who is said to have done or said what: actor–predicate–topic triples and quotes from the parse.

- action: a verb with an entity subject (or the agent of a passive) and an object or a
  prepositional object: "Sharif notably raised the issue of Kashmir" -> Sharif / raise / kashmir
  issue; "Raisi's response focused more on the Palestine issue" -> Raisi / focus on / palestine
  issue (a communication noun's possessor is the actor); "Raisi's decision to raise the Kashmir
  issue" -> Raisi / raise / kashmir issue (a noun's possessor is the actor of its to-infinitive);
  "Pakistan sought to raise awareness" -> Pakistan / raise / awareness (xcomp inherits the subject);
  conjoined verbs inherit the subject too.
- statement: a reporting verb with an entity subject and a clause ("X said that ..."); quote holds
  the reported clause.
- quote: a reporting verb whose sentence holds a direct quotation outside of which the verb stands
  ("'...,' X said", "X said: '...'"); quote holds the quoted words.
- "according to X, ...": a statement with speaker X (predicate `say`, cue `according to`).
Subjects "he"/"she" resolve to the closest preceding PERSON mention. Each attribution carries a
polarity (negation, "refused to", "denied that": `parallax.claims.polarity_of`) and a cue (how it
reaches the reader: said / according to / quote, None for the outlet's own narration).

Topics are normalized so that "the Kashmir issue", "the issue of Kashmir" and "Kashmir issues"
compare equal ("kashmir issue"): determiners dropped, lowercase, head noun lemmatized, the object
of "of" moved in front of topic nouns (issue, question, matter, ...), adjectives kept only when
the phrase has no noun modifier ("the longstanding Kashmir issue" -> "kashmir issue", "the nuclear
issue" -> "nuclear issue").
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from parallax.claims import (
    AFFIRMED,
    CUE_ACCORDING,
    CUE_QUOTE,
    CUE_SAID,
    QuoteIndex,
    according_to,
    cue_of,
    polarity_of,
    statement_polarity,
)
from parallax.entities import Lexicon, Mention, name_key

REPORTING_VERBS = frozenset(
    [
        "say",
        "tell",
        "state",
        "announce",
        "add",
        "claim",
        "note",
        "warn",
        "insist",
        "stress",
        "emphasize",
        "emphasise",
        "argue",
        "deny",
        "confirm",
        "explain",
        "suggest",
        "report",
        "declare",
        "assert",
        "acknowledge",
        "reiterate",
        "urge",
        "accuse",
        "allege",
        "vow",
        "pledge",
        "promise",
        "threaten",
        "write",
        "tweet",
        "post",
        "comment",
        "remark",
        "respond",
        "reply",
        "predict",
        "admit",
        "believe",
        "describe",
        "demand",
        "caution",
        "concede",
        "contend",
        "maintain",
        "mention",
        "observe",
        "point",
        "recall",
        "reveal",
        "underline",
        "highlight",
        "criticize",
        "criticise",
        "condemn",
        "praise",
        "welcome",
        "reject",
        "dismiss",
        "call",
        "ask",
    ]
)
# Subjects of a relative clause that stand for the noun the clause describes.
RELATIVE_PRONOUNS = frozenset(["who", "which", "that"])
# Verbs whose direct object is the person told, not what is claimed ("X told reporters ...").
ADDRESSEE_VERBS = frozenset(["tell", "inform", "brief", "notify", "remind", "assure", "thank"])
# Verbs that say nothing about an actor's action on their own.
LIGHT_VERBS = frozenset(["be", "have", "do", "become", "seem", "appear", "get", "remain"])
# Nouns whose possessor is the one speaking or acting through them ("Raisi's response focused on").
# (Intention nouns such as "decision", "bid", "plan" are not here: their possessor acts through
# the noun's to-infinitive, handled separately; "Raisi's decision underscores ..." is not Raisi's act.)
COMMUNICATION_NOUNS = frozenset(
    [
        "response",
        "reply",
        "answer",
        "statement",
        "remarks",
        "remark",
        "comment",
        "comments",
        "speech",
        "address",
        "message",
        "letter",
        "interview",
        "announcement",
        "declaration",
        "warning",
        "appeal",
        "demand",
        "proposal",
        "offer",
        "claim",
        "insistence",
        "stance",
        "position",
    ]
)
# Head nouns that take their subject after "of": "the issue of Kashmir" = "the Kashmir issue".
TOPIC_NOUNS = frozenset(
    [
        "issue",
        "issues",
        "question",
        "questions",
        "matter",
        "problem",
        "problems",
        "situation",
        "crisis",
        "conflict",
        "dispute",
        "case",
        "topic",
        "subject",
        "cause",
        "plight",
        "future",
        "status",
        "question",
    ]
)
NUMERIC_ENTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


@dataclass
class Attribution:
    kind: str  # action / statement / quote
    actor_text: str
    actor_key: str  # within-document canonical key of the actor (Mention.canonical_key)
    predicate: str
    topic: str | None
    topic_text: str | None
    quote: str | None
    start: int
    end: int
    polarity: str = AFFIRMED  # affirmed / negated (parallax.claims.polarity_of)
    cue: str | None = None  # said / according to / quote; None when the outlet narrates it


class _MentionIndex:
    def __init__(self, mentions: Sequence[Mention]):
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        # one-word references the model did not tag ("Ardern sought ..."): a surname of a PERSON
        # of the document or a one-word name; kept only when it points to one entity
        words: dict[str, set[str]] = {}
        first: dict[str, Mention] = {}
        for m in self.mentions:
            keys = {m.canonical_key} if len(m.canonical_key.split()) == 1 else set()
            if m.label == "PERSON" and m.canonical_key:
                keys.add(m.canonical_key.split()[-1])
            for k in keys:
                words.setdefault(k, set()).add(m.canonical_key)
                first.setdefault(k, m)
        self.by_word = {k: first[k] for k, v in words.items() if len(v) == 1}

    def at(self, char: int) -> Mention | None:
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.mentions[i].start <= char < self.mentions[i].end:
            return self.mentions[i]
        return None

    def last_person_before(self, char: int) -> Mention | None:
        i = bisect.bisect_left(self.starts, char) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.label == "PERSON":
                return m
            i -= 1
        return None


def _mention_of_token(tok: Any, idx: _MentionIndex) -> Mention | None:
    m = idx.at(tok.idx)
    if m is not None:
        return m
    if tok.pos_ == "PROPN" and tok.text[:1].isupper():
        ref = idx.by_word.get(name_key(tok.text))
        if ref is not None:
            return replace(ref, start=tok.idx, end=tok.idx + len(tok.text), text=tok.text)
    # "Prime Minister Sharif": the head may be a title word whose compound/appos child is the name
    for child in tok.children:
        if child.dep_ in ("compound", "appos", "flat"):
            m = idx.at(child.idx)
            if m is not None and m.label in ("PERSON", "ORG", "GPE", "NORP"):
                return m
    return None


def _actors(subj: Any, idx: _MentionIndex, allow_nominal: bool = True) -> list[Mention]:
    """Entities acting through a subject token (with its conjuncts)."""
    out: list[Mention] = []
    for tok in [subj, *subj.conjuncts]:
        m = _mention_of_token(tok, idx)
        if m is None and tok.lower_ in ("he", "she"):
            ref = idx.last_person_before(tok.idx)
            # the antecedent's entity, but the pronoun's place and words ("actor as written"): the
            # clause stays in its own sentence and the view can tell a pronoun from a name
            if ref is not None:
                m = replace(ref, start=tok.idx, end=tok.idx + len(tok.text), text=tok.text)
        if m is None and allow_nominal and tok.pos_ == "NOUN" and tok.lemma_.lower() in COMMUNICATION_NOUNS:
            for child in tok.children:
                if child.dep_ == "poss":
                    m = _mention_of_token(child, idx)
        if m is not None and m.label in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            out.append(m)
    return out


def _core(tok: Any, idx: _MentionIndex) -> str:
    """Normalized core of a noun phrase headed by `tok`."""
    m = idx.at(tok.idx)
    if m is not None and tok.pos_ == "PROPN":
        return m.canonical_name.casefold()
    mods = [
        c
        for c in tok.children
        if c.dep_ in ("compound", "nmod") and c.i < tok.i and c.ent_type_ not in NUMERIC_ENTS and c.is_alpha
    ]
    parts: list[str] = []
    if mods:
        for c in sorted(mods, key=lambda c: c.i):
            cm = idx.at(c.idx)
            word = cm.canonical_name.casefold() if cm is not None else c.lower_
            if not parts or parts[-1] != word:
                parts.append(word)
    else:
        parts.extend(c.lower_ for c in tok.children if c.dep_ == "amod" and c.i < tok.i and c.pos_ == "ADJ")
    head = tok.lemma_.lower() if tok.pos_ == "NOUN" else tok.lower_
    parts.append(head)
    return " ".join(parts)


def topic_of(tok: Any, idx: _MentionIndex) -> str | None:
    """Normalized topic of the noun phrase headed by `tok` (None for pronouns)."""
    if tok.pos_ in ("PRON", "DET") or not any(ch.isalpha() for ch in tok.text):
        return None
    core = _core(tok, idx)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs and objs[0].pos_ not in ("PRON",):
                inner = _core(objs[0], idx)
                if tok.lemma_.lower() in TOPIC_NOUNS:
                    return f"{inner} {core}"
                return f"{core} of {inner}"
    return core


def _subtree_span(tok: Any) -> tuple[int, int]:
    toks = list(tok.subtree)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _object(verb: Any) -> tuple[str, Any | None]:
    """(predicate, object head) of a verb: direct object, else first prepositional object."""
    lemma = verb.lemma_.lower()
    prt = [c.lower_ for c in verb.children if c.dep_ == "prt"]
    pred = " ".join([lemma, *prt])
    # "X told The Canadian Press": the object of a verb of telling is the addressee, not the topic
    # (unless a dative names the addressee: "X told them the news")
    addressee = lemma in ADDRESSEE_VERBS and not any(c.dep_ == "dative" for c in verb.children)
    for c in verb.children:
        if c.dep_ in ("dobj", "obj", "nsubjpass") and not (addressee and c.dep_ != "nsubjpass"):
            return pred, c  # passive: the subject is what was acted on
    for c in verb.children:
        if c.dep_ == "prep" and c.i > verb.i:  # "In contrast, X focused on Y": the prep after the verb
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                return f"{pred} {c.lower_}", objs[0]
    return pred, None


def _subject_and_actors(verb: Any, idx: _MentionIndex) -> tuple[list[Mention], bool]:
    """Actors of a verb: subject, passive agent, inherited from xcomp/conj heads, nominal possessor."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            if c.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl" and verb.head is not verb:
                return _actors(verb.head, idx), False  # "Raisi, who raised the issue, ..."
            return _actors(c, idx), False
    for c in verb.children:
        if c.dep_ == "agent":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                return _actors(objs[0], idx, allow_nominal=False), True
    head = verb.head
    if verb.dep_ == "xcomp" and head.pos_ in ("VERB", "AUX"):
        # object control: "X told / urged / allowed Y to raise ..." -> Y acts
        dobj = next((c for c in head.children if c.dep_ in ("dobj", "obj") and c.i < verb.i), None)
        if dobj is not None:
            return _actors(dobj, idx, allow_nominal=False), False
    if verb.dep_ in ("xcomp", "conj") and head is not verb and head.pos_ in ("VERB", "AUX"):
        return _subject_and_actors(head, idx)
    # "X was unable to raise": the xcomp of a predicative adjective takes the clause's subject
    if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp" and head.head is not head:
        return _subject_and_actors(head.head, idx)
    # "X refrained from raising", "X left without raising": a verb under a preposition of a verb
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        return _subject_and_actors(head.head, idx)
    if (
        verb.dep_ in ("acl", "xcomp", "relcl")
        and head.pos_ == "NOUN"
        and any(c.dep_ == "aux" for c in verb.children)
    ):
        for c in head.children:
            if c.dep_ == "poss":
                m = _mention_of_token(c, idx)
                if m is not None:
                    return [m], False
    return [], False


def _span_without(head: Any, cut: Any) -> tuple[int, int] | None:
    """(start, end) of `head`'s subtree without the subtree of `cut`, trimmed of edge punctuation."""
    skip = {t.i for t in cut.subtree}
    toks = [t for t in head.subtree if t.i not in skip]
    while toks and toks[0].is_punct:
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _reported_clause(verb: Any) -> tuple[int, int] | None:
    """The clause a reporting verb reports: its ccomp ("X said that ..."), else, for "..., X said"
    parsed with the verb hanging off the clause (parataxis), the clause before it."""
    ccomp = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)
    if ccomp is not None:
        return _subtree_span(ccomp)
    head = verb.head
    if verb.dep_ == "parataxis" and head is not verb and head.i < verb.i and head.pos_ in ("VERB", "AUX"):
        return _span_without(head, verb)
    return None


def _according_rows(sent: Any, body: str, idx: _MentionIndex) -> tuple[list[Attribution], set[int]]:
    """Statements of "according to X, ..." (speaker X, predicate `say`) and the clause heads in scope."""
    rows: list[Attribution] = []
    heads: set[int] = set()
    for speaker, head in according_to(sent):
        heads.add(head.i)
        according = speaker.head.head  # according <- to <- speaker
        clause = _span_without(head, according) if head is not according else None
        for actor in _actors(speaker, idx):
            points = [actor.start, actor.end, according.idx, according.idx + len(according.text)]
            if clause is not None:
                points.extend(clause)
            rows.append(
                Attribution(
                    kind="statement",
                    actor_text=actor.text,
                    actor_key=actor.canonical_key,
                    predicate="say",
                    topic=None,
                    topic_text=None,
                    quote=body[slice(*clause)][:2000] if clause is not None else None,
                    start=max(0, min(points)),
                    end=min(len(body), max(points)),
                    cue=CUE_ACCORDING,
                )
            )
    return rows, heads


def extract_attributions(
    doc: Any, body: str, mentions: Sequence[Mention], lexicon: Lexicon | None = None
) -> list[Attribution]:
    """Attributions of one parsed document; offsets index `body`.

    With a `lexicon`, a predicate must be a verb of spaCy's word index (drops tagging errors
    such as a ticker or an abbreviation parsed as a verb). Quotation spans are found once for the
    whole document (`parallax.claims.quote_spans`).
    """
    if not doc.has_annotation("DEP"):
        return []
    verbs = lexicon.verbs if lexicon is not None else frozenset()
    idx = _MentionIndex(mentions)
    quote_index = QuoteIndex(body)
    out: list[Attribution] = []
    seen: set[tuple[str, str, str | None, int]] = set()
    for sent in doc.sents:
        quotes = quote_index.overlapping(sent.start_char, sent.end_char)
        according_rows, according_heads = _according_rows(sent, body, idx)
        out.extend(according_rows)
        for verb in sent:
            if verb.pos_ != "VERB" or verb.lemma_.lower() in LIGHT_VERBS:
                continue
            if verbs and verb.lemma_.lower() not in verbs:
                continue
            if any(s <= verb.idx < e for s, e in quotes):
                continue  # a verb inside a quotation belongs to the quoted speaker's words
            actors, _passive = _subject_and_actors(verb, idx)
            if not actors:
                continue
            lemma = verb.lemma_.lower()
            pred, obj = _object(verb)
            topic = topic_of(obj, idx) if obj is not None else None
            topic_text = body[slice(*_subtree_span(obj))] if obj is not None else None
            clause = _reported_clause(verb) if lemma in REPORTING_VERBS else None
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            cue: str | None
            quote: str | None
            if lemma in REPORTING_VERBS and quotes:
                kind, quote = "quote", " ".join(body[s:e].strip(" ,;:") for s, e in quotes)
                pred, cue, polarity = lemma, CUE_QUOTE, statement_polarity(verb)
            elif clause is not None:
                kind, quote = "statement", body[slice(*clause)]
                pred, cue, polarity = lemma, CUE_SAID, statement_polarity(verb)
            elif topic is not None:
                kind, quote = ("statement" if lemma in REPORTING_VERBS else "action"), None
                cue = cue_of(verb, REPORTING_VERBS, according_heads)
                polarity = polarity_of(verb, subject, obj)
            else:
                continue
            for actor in actors:
                points = [actor.start, actor.end, verb.idx, verb.idx + len(verb.text)]
                if obj is not None:
                    points.extend(_subtree_span(obj))
                if clause is not None and kind == "statement":
                    points.extend(clause)
                for s, e in quotes if kind == "quote" else []:
                    points.extend((s, e))
                start, end = max(0, min(points)), min(len(body), max(points))
                key = (actor.canonical_key, pred, topic, verb.i)
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    Attribution(
                        kind=kind,
                        actor_text=actor.text,
                        actor_key=actor.canonical_key,
                        predicate=pred,
                        topic=topic,
                        topic_text=topic_text[:500] if topic_text else None,
                        quote=quote[:2000] if quote else None,
                        start=start,
                        end=end,
                        polarity=polarity,
                        cue=cue,
                    )
                )
    out.sort(key=lambda a: (a.start, a.end, a.predicate))
    return out
