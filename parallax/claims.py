"""Polarity, speaker cues and quotation spans for attributions (used by `parallax.attributions`).

- **Polarity** of a predicate from the dependency parse: the verb's own negation ("did not raise",
  "never raised"), a negative determiner on its object ("raised no objection"), "neither ... nor" on
  its subject, and the negative heads it depends on ("refused to raise", "failed to raise",
  "Scholz's refusal to raise", "refrained from raising", "without raising", "was unable to raise",
  "denied that X raised"). Each negation flips the polarity, so a double negation ("never failed to
  raise", "did not refuse to raise") is affirmed. The words are kept in one table, `NEGATIVE_HEADS`.
- **Speaker cues**: how the claim reaches the reader: `said` (a reporting verb with a clause:
  "X said that ...", "..., X said"), `according to` ("according to X, ..."), `quote` (a direct
  quotation), null when the outlet narrates it itself.
- **Quotation spans, once per document**: directional marks (“…”, «…», ``…'') pair by direction;
  straight quotes (") pair by parity *within a paragraph* (a line), the parity reset at each
  paragraph start, so one stray mark cannot invert quoted and unquoted text for the rest of a long
  article. A paragraph with an odd number of straight marks drops the mark whose removal leaves the
  best-shaped pairs (an opening mark after a space, a closing mark before a space or punctuation);
  a dropped mark that opens a quotation runs to the paragraph end (the news convention for a
  quotation continued over several paragraphs), and a dropped first mark that closes one, right
  after such a paragraph, closes the quotation from the paragraph start.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

# Heads that negate the clause depending on them, by part of speech and the dependency that links the
# clause to them. One negation each; an even number of negations is affirmed.
NEGATIVE_HEADS: dict[str, frozenset[str]] = {
    # "X refused / failed / declined to raise", "X denied raising", "X avoided raising",
    # "X forgot to raise", "X stopped raising" (complement is an xcomp of the verb)
    "verb_xcomp": frozenset(
        ["refuse", "decline", "fail", "deny", "avoid", "neglect", "forget", "omit", "cease", "stop", "reject"]
    ),
    # "X refrained / abstained / desisted from raising" (complement under the preposition "from")
    "verb_from": frozenset(["refrain", "abstain", "desist", "shy", "stop", "prevent", "bar", "keep"]),
    # "X met Y without raising" (the clause is the object of the preposition)
    "preposition": frozenset(["without"]),
    # "X's refusal / failure to raise" (the clause is an acl of the noun)
    "noun": frozenset(["refusal", "failure", "denial", "omission"]),
    # "X was unable to raise" (xcomp of a predicative adjective)
    "adjective": frozenset(["unable", "unwilling"]),
    # "X denied / disputed that Y raised ..." (the clause is a ccomp); the denial is itself negated
    "verb_ccomp": frozenset(["deny", "dispute", "refute"]),
}
# Adverbs that negate a verb when the parser tags them `advmod` instead of `neg` (the parser's `neg`
# dependency covers "not", "n't" and usually "never"). "no" on an object ("raised no objection") and
# "neither ... nor" on a subject are checked on those phrases.
NEGATION_WORDS = frozenset(["not", "n't", "never", "nt"])

AFFIRMED = "affirmed"
NEGATED = "negated"
CUE_SAID = "said"
CUE_ACCORDING = "according to"
CUE_QUOTE = "quote"

# Quotation marks that show their direction: opening -> closing.
_DIRECTIONAL = {"“": "”", "«": "»", "``": "''", "„": "“"}
_MARKS = re.compile(r"``|''|[“”«»„\"]")
_OPEN_BEFORE = set(" \t([{—–-/:")
_CLOSE_AFTER = set(" \t.,;:!?)]}—–-")
# A quotation holds at least this many words; shorter pairs are titles or scare quotes ("the
# 'Iron Lady'"), still paired (so parity holds) but not treated as someone's words.
MIN_QUOTE_WORDS = 3


def _negations(tok: Any) -> int:
    """Negations attached to `tok` itself: its `neg` children (and negating adverbs tagged advmod)."""
    return sum(
        1 for c in tok.children if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in NEGATION_WORDS)
    )


def polarity_of(verb: Any, subject: Any | None = None, obj: Any | None = None) -> str:
    """'affirmed' or 'negated' for the predicate `verb` (with its subject and object heads, when known)."""
    n = _negations(verb)
    if obj is not None and obj.dep_ in ("dobj", "obj"):
        n += sum(1 for c in obj.children if c.dep_ == "det" and c.lower_ == "no")
    if subject is not None:
        n += any(c.lower_ == "neither" or (c.dep_ == "cc" and c.lower_ == "nor") for c in subject.children)
    tok = verb
    for _ in range(8):  # a few levels up; long chains are parse noise
        dep, head = tok.dep_, tok.head
        if head is tok:
            break
        lemma = head.lemma_.lower()
        if dep == "conj":  # "refused to raise A or discuss B": the conjunct shares its head's heads
            tok = head
            if head.dep_ == "conj":
                continue
            dep, head = tok.dep_, tok.head
            if head is tok:
                break
            lemma = head.lemma_.lower()
        if dep == "xcomp" and head.pos_ in ("VERB", "AUX"):
            n += (lemma in NEGATIVE_HEADS["verb_xcomp"]) + _negations(head)
            tok = head
        elif dep == "xcomp" and head.pos_ == "ADJ":
            n += (lemma in NEGATIVE_HEADS["adjective"]) + _negations(head) + _negations(head.head)
            break
        elif dep == "pcomp" and head.dep_ == "prep":
            n += head.lower_ in NEGATIVE_HEADS["preposition"]
            gov = head.head
            if head.lower_ == "from" and gov.lemma_.lower() in NEGATIVE_HEADS["verb_from"]:
                n += 1 + _negations(gov)
                tok = gov
                continue
            break
        elif dep == "acl" and head.pos_ == "NOUN":
            n += lemma in NEGATIVE_HEADS["noun"]
            break
        elif dep == "ccomp" and head.pos_ == "VERB":
            if lemma in NEGATIVE_HEADS["verb_ccomp"]:
                n += 1 + _negations(head)
            break
        else:
            break
    return NEGATED if n % 2 else AFFIRMED


def statement_polarity(verb: Any) -> str:
    """Polarity of a reporting verb's statement: "X did not say" and "X denied that" are negated."""
    n = _negations(verb) + (verb.lemma_.lower() in NEGATIVE_HEADS["verb_ccomp"])
    return NEGATED if n % 2 else AFFIRMED


# --------------------------------------------------------------------------------------------
# quotation spans
# --------------------------------------------------------------------------------------------


def _shape(text: str, pos: int, width: int) -> tuple[bool, bool]:
    """(looks like an opening mark, looks like a closing mark) from the characters around it."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + width] if pos + width < len(text) else " "
    opening = (before in _OPEN_BEFORE or before in "“«\n") and after not in " \t\n"
    ends = after in _CLOSE_AFTER or after in "”»\n'\""
    # 'fight, " said': a space before the mark but punctuation ending the quoted words
    spaced_close = (
        before in " \t"
        and after in " \t\n"
        and text[max(0, pos - 20) : pos].rstrip()[-1:] in (",", ".", "!", "?")
    )
    closing = (before not in " \t\n" and ends) or spaced_close
    return opening, closing


def _pair_straight(text: str, marks: list[int]) -> tuple[list[tuple[int, int]], int | None, int | None]:
    """Pair straight quote marks of one paragraph by parity; with an odd count, drop the mark whose
    removal gives the best-shaped pairs. Returns the pairs, the dropped mark when it opens a quotation
    and the dropped mark when it closes one (a quotation continued from the previous paragraph)."""
    if len(marks) % 2 == 0:
        return [(marks[i], marks[i + 1]) for i in range(0, len(marks), 2)], None, None
    shapes = [_shape(text, p, 1) for p in marks]
    best, best_score = 0, -1
    for drop in range(len(marks)):
        rest = [i for i in range(len(marks)) if i != drop]
        score = sum(shapes[rest[k]][0] + shapes[rest[k + 1]][1] for k in range(0, len(rest), 2))
        # the dropped mark opening a quotation that runs to the paragraph end is a fine reading
        score += shapes[drop][0] and not shapes[drop][1] and drop == len(marks) - 1
        if score > best_score:
            best, best_score = drop, score
    rest = [marks[i] for i in range(len(marks)) if i != best]
    pairs = [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]
    opening, closing = shapes[best]
    return (
        pairs,
        marks[best] if opening and not closing else None,
        marks[best] if closing and not opening and best == 0 else None,
    )


def _paragraphs(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"\n+", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation of a document (the words, without the marks), in order.

    Found once for the whole text; straight quotes pair within a paragraph (a line); quotations
    shorter than `MIN_QUOTE_WORDS` words are paired but not returned.
    """
    spans: list[tuple[int, int]] = []
    open_before = False  # the previous paragraph ended inside a quotation
    for p_start, p_end in _paragraphs(text):
        para_spans: list[tuple[int, int]] = []
        straight: list[int] = []
        stack: tuple[str, int] | None = None
        first_close: int | None = None
        for m in _MARKS.finditer(text, p_start, p_end):
            mark, pos = m.group(), m.start()
            if mark == '"':
                straight.append(pos)
            elif mark in _DIRECTIONAL and not (mark == "“" and stack is not None and stack[0] == "„"):
                stack = (mark, m.end())
            elif stack is not None and _DIRECTIONAL[stack[0]] == mark:
                para_spans.append((stack[1], pos))
                stack = None
            elif stack is None and first_close is None and not para_spans and mark in ("”", "»", "''"):
                first_close = pos
        if first_close is not None and open_before:
            para_spans.append((p_start, first_close))
        if stack is not None:
            para_spans.append((stack[1], p_end))
        pairs, opener, closer = _pair_straight(text, straight)
        para_spans.extend((s + 1, e) for s, e in pairs)
        if opener is not None:
            para_spans.append((opener + 1, p_end))
        if closer is not None and open_before:
            para_spans.append((p_start, closer))
        open_before = stack is not None or opener is not None
        spans.extend(para_spans)
    return sorted((s, e) for s, e in spans if len(text[s:e].split()) >= MIN_QUOTE_WORDS)


class QuoteIndex:
    """Quotation spans of a document, looked up by range."""

    def __init__(self, text: str):
        self.spans = quote_spans(text)
        self.starts = [s for s, _ in self.spans]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotations overlapping [start, end)."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            s, e = self.spans[i]
            if e > start:
                out.append((s, e))
            i += 1
        return out

    def inside(self, char: int) -> bool:
        """True when `char` lies inside a quotation."""
        return bool(self.overlapping(char, char + 1))


# --------------------------------------------------------------------------------------------
# speaker cues
# --------------------------------------------------------------------------------------------


def according_to(sent: Any) -> list[tuple[Any, Any]]:
    """(speaker head token, clause head) of each "according to X" in a sentence."""
    out = []
    for tok in sent:
        if tok.lower_ != "according":
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None:
            continue
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is not None:
            out.append((obj, tok.head if tok.head is not tok else tok))
    return out


def cue_of(verb: Any, reporting: frozenset[str], according_heads: set[int]) -> str | None:
    """How an action clause reaches the reader: under a reporting verb ('said'), in the scope of an
    "according to" ('according to'), else None (the outlet's own narration)."""
    tok = verb
    for _ in range(12):
        if tok.i in according_heads:
            return CUE_ACCORDING
        head = tok.head
        if head is tok:
            return None
        if tok.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in reporting:
            return CUE_SAID
        if head.dep_ == "parataxis" and head.lemma_.lower() in reporting and head.i > tok.i:
            return CUE_SAID
        for c in tok.children:  # "X raised it, Y said": the reporting verb hangs off the clause
            if c.dep_ == "parataxis" and c.lemma_.lower() in reporting and c.i > verb.i:
                return CUE_SAID
        tok = head
    return None
