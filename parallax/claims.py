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
- **Quotation spans, once per document**, paragraph (line) by paragraph: each mark is an opening or
  a closing one by its glyph (“…”, «…», ``…'') or, for the straight mark ("), by the characters
  around it (an opening mark after a space, a closing one before a space or punctuation), else by
  alternation within the paragraph. The pairing restarts at every paragraph, so one stray mark cannot
  invert quoted and unquoted text for the rest of a long article; a quotation left open at a
  paragraph end runs to that end only when the next paragraph goes on quoting (the news convention
  for a quotation over several paragraphs), else its opening mark is taken as stray.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

# Heads that negate the clause depending on them, by part of speech and the dependency that links the
# clause to them. One negation each; an even number of negations is affirmed.
NEGATIVE_HEADS: dict[str, frozenset[str]] = {
    # "X refused / failed / declined to raise", "X denied raising", "X avoided raising",
    # "X forgot to raise", "X stopped raising", "X hesitated to raise" (complement is an xcomp of the
    # verb; "X did not hesitate to raise" is then a double negation, affirmed)
    "verb_xcomp": frozenset(
        [
            "refuse",
            "decline",
            "fail",
            "deny",
            "avoid",
            "neglect",
            "forget",
            "omit",
            "cease",
            "stop",
            "reject",
            "hesitate",
        ]
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

# Quotation marks: those showing their direction (curly, guillemets, the ``...'' of some feeds),
# and the straight mark, whose direction comes from the characters around it.
_OPENING = frozenset(["“", "«", "``", "„"])
_CLOSING = frozenset(["”", "»", "''"])
_START_MARKS = '“«`„"'
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


def _role(text: str, pos: int, mark: str) -> str:
    """'open', 'close' or 'either' for one mark: its glyph's direction unless the characters around
    it clearly say otherwise ("delivers, `` said": an opening glyph typed as a closing mark)."""
    opening, closing = _shape(text, pos, len(mark))
    if mark in _OPENING:
        return "close" if closing and not opening else "open"
    if mark in _CLOSING:
        return "open" if opening and not closing else "close"
    if opening != closing:
        return "open" if opening else "close"
    return "either"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in re.finditer(r"\n+", text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _pair_paragraph(
    text: str, p_start: int, p_end: int, continued: bool
) -> tuple[list[tuple[int, int]], int | None, str | None]:
    """Quotations of one paragraph: (spans, start of a quotation still open at its end, role of its
    first mark). `continued`: the previous paragraph ended inside a quotation, so a closing mark
    before any opening one closes a quotation begun at the paragraph start."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    first: str | None = None
    for m in _MARKS.finditer(text, p_start, p_end):
        role = _role(text, m.start(), m.group())
        first = first or role
        if open_at is None:
            if role != "close":
                open_at = m.end()
            elif continued and not spans:
                spans.append((p_start, m.start()))
            continued = False
        elif role == "open":
            open_at = m.end()  # a second opening mark: the first one was stray
        else:
            spans.append((open_at, m.start()))
            open_at = None
    return spans, open_at, first


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation of a document (the words, without the marks), in order.

    Found once for the whole text, paragraph (line) by paragraph, so a stray mark never inverts the
    rest of the document. A quotation left open at a paragraph end continues to that end only when
    the next paragraph goes on quoting (it starts with a quotation mark, or its first mark closes);
    otherwise the opening mark was stray. Quotations shorter than `MIN_QUOTE_WORDS` words are paired
    but not returned.
    """
    paras = _paragraphs(text)
    spans: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None  # (quotation start, paragraph end) awaiting the next paragraph
    for p_start, p_end in paras:
        para_spans, open_at, first = _pair_paragraph(text, p_start, p_end, pending is not None)
        if pending is not None and (text[p_start] in _START_MARKS or first == "close"):
            spans.append(pending)
        spans.extend(para_spans)
        pending = (open_at, p_end) if open_at is not None else None
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
