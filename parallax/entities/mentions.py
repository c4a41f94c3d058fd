"""The noise filter: the model's name spans -> mentions, with heading context from the document."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from parallax.entities.labels import NAME_LABELS
from parallax.entities.lexicon import Lexicon
from parallax.entities.names import (
    _APOSTROPHES,
    _LIST_PREFIX,
    _ROLE_JOINERS,
    _WORD,
    FUNCTION_WORDS,
    TITLE_WORDS,
    key_for,
    name_form,
    name_key,
    person_name,
    strip_possessive,
)


# --------------------------------------------------------------------------------------------
# document context: where headings are, how words are written in running text
# --------------------------------------------------------------------------------------------
def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _headline_line(line: str) -> bool:
    """A short line in headline case (most content words capitalized) or all capitals."""
    body = _LIST_PREFIX.sub("", line, count=1).strip()
    words = _WORD.findall(body)
    if not words or len(words) > 25:
        return False
    letters = [c for c in body if c.isalpha()]
    if letters and not any(c.islower() for c in letters) and len(letters) >= 2:
        return True
    if body.rstrip().endswith((".", "!", "?", "…")) or body.rstrip().endswith(('."', ".”")):
        return False
    content = [w for w in words if w.casefold() not in FUNCTION_WORDS]
    if not content:
        return False
    caps = sum(1 for w in content if _is_cap(w))
    return caps / len(content) >= 0.75 and (len(content) >= 2 or body.endswith(":"))


@dataclass
class DocContext:
    """What the noise filter knows about one document body."""

    body: str
    # (start, end, kind): kind "heading" (clean stage's heading paragraph), "lead_in" ("Label:" at
    # a line start), "colon_line" (a headline-case line ending with ':'), "headline" (other
    # headline-case or all-capitals line)
    heading_ranges: list[tuple[int, int, str]] = field(default_factory=list)
    lower_counts: Counter[str] = field(default_factory=Counter)
    cap_counts: Counter[str] = field(default_factory=Counter)
    running_name_keys: set[str] = field(default_factory=set)

    def in_heading(self, start: int, end: int) -> bool:
        return self.heading_of(start, end) is not None

    def heading_of(self, start: int, end: int) -> tuple[int, int, str] | None:
        for s, e, kind in self.heading_ranges:
            if s <= start and end <= e:
                return s, e, kind
        return None


def heading_ranges(
    body: str, heading_paragraphs: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """Character ranges in heading context: heading paragraphs, headline-case lines, list lead-ins.

    A lead-in is the start of a list item or line up to a colon when it is short and in headline
    case ("- Airstrikes: In recent months ..." -> "Airstrikes").
    """
    ranges = [(int(s), int(e), "heading") for s, e in heading_paragraphs]
    pos = 0
    for line in body.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if _headline_line(line):
            kind = "colon_line" if line.rstrip().endswith(":") else "headline"
            ranges.append((start, end, kind))
            continue
        colon = line.find(":")
        if 0 < colon <= 80:
            lead = line[:colon]
            words = _WORD.findall(_LIST_PREFIX.sub("", lead, count=1))
            if 1 <= len(words) <= 8 and _headline_line(lead + ":"):
                ranges.append((start, start + colon, "lead_in"))
    return sorted(ranges)


def build_context(body: str, heading_paragraphs: Iterable[tuple[int, int]] = ()) -> DocContext:
    """Heading ranges plus word-case evidence from running (non-heading) text."""
    ranges = heading_ranges(body, heading_paragraphs)
    ctx = DocContext(body=body, heading_ranges=ranges)
    # running text = body with heading ranges blanked
    chars = list(body)
    for s, e, _ in ranges:
        for i in range(s, min(e, len(chars))):
            chars[i] = " " if chars[i] != "\n" else "\n"
    running = "".join(chars)
    for m in _WORD.finditer(running):
        word = m.group(0).rstrip(".'’")
        if not word:
            continue
        before = running[max(0, m.start() - 3) : m.start()]
        sentence_initial = m.start() == 0 or bool(re.search(r"(^|[.!?:\n\"“]\s*|\n\s*)$", before))
        if word[:1].islower():
            ctx.lower_counts[word.casefold()] += 1
        elif not sentence_initial and not word.isupper():
            ctx.cap_counts[word.casefold()] += 1
    return ctx


def is_common_in_doc(word: str, ctx: DocContext, lex: Lexicon) -> bool:
    """Is this capitalized word a common word here? Document evidence first, then the lexicon."""
    w = word.casefold().strip(_APOSTROPHES + ".:,;")
    if not w or not any(c.isalpha() for c in w):
        return True
    low, cap = ctx.lower_counts.get(w, 0), ctx.cap_counts.get(w, 0)
    if low > cap:
        return True
    if cap > low:
        return False
    return lex.is_common_word(w)


# --------------------------------------------------------------------------------------------
# mentions
# --------------------------------------------------------------------------------------------
@dataclass
class Mention:
    """One name mention in one document (before cross-document resolution)."""

    start: int
    end: int
    text: str
    model_label: str
    role: str | None = None
    name: str = ""  # canonical written form of this mention (title/possessive stripped)
    key: str = ""  # comparison key of `name`
    in_heading: bool = False
    trimmed: bool = False
    word_before: str = ""  # lowercase word right before the span (place evidence: "in", "to")
    in_parens: bool = False  # written right after "(" (an acronym's definition precedes it)
    # filled by resolve_within_doc
    canonical_name: str = ""
    canonical_key: str = ""
    label: str = ""
    method: str = "exact"
    confidence: float = 1.0


ALL_STEPS = frozenset({"linebreak", "edges", "heading", "split_conj"})


def _trim_edges(body: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace/punctuation and a leading 'the'."""
    while start < end and (body[start].isspace() or body[start] in "\"“”'‘,;:.-–—([{<•*"):
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in '"“”‘,;:-–—)]}>•*'):
        end -= 1
    # a trailing period is kept for abbreviations (U.S.) but dropped after a normal word
    if (
        end - start > 1
        and body[end - 1] == "."
        and not re.search(r"(\b\w\.\w\.?$|\b[A-Z][a-z]?\.$)", body[start:end])
    ):
        end -= 1
    m = re.match(r"(?i)the\s+", body[start:end])
    if m and end - start > m.end():
        start += m.end()
    # lowercase words the model ran on past a name ("SEACOM undersea cable") are not the name
    tail = re.search(r"(?:\s+[a-z][a-z-]*)+$", body[start:end])
    if tail and tail.start() > 0 and body[start:end][:1].isupper():
        end = start + tail.start()
    return start, end


def _split_line_breaks(body: str, start: int, end: int) -> list[tuple[int, int]]:
    parts = []
    pos = start
    for piece in re.split(r"(\n)", body[start:end]):
        if piece != "\n" and any(c.isalnum() for c in piece):
            parts.append((pos, pos + len(piece)))
        pos += len(piece)
    return parts


def _leading_role(body: str, start: int) -> str | None:
    """Title words written right before a name ("Prime Minister Shehbaz Sharif" -> "Prime Minister")."""
    before = body[max(0, start - 60) : start]
    if "\n" in before:
        before = before.rsplit("\n", 1)[1]
    words = before.split()
    role: list[str] = []
    for w in reversed(words):
        wc = w.casefold()
        if (wc in TITLE_WORDS and _is_cap(w)) or (role and wc in _ROLE_JOINERS - {"the"}):
            role.insert(0, w)
        else:
            break
    while role and role[0].casefold() in _ROLE_JOINERS:
        role.pop(0)
    return " ".join(role) if role else None


def _word_before(body: str, start: int) -> str:
    """The word right before a span on its line, lowercase ("" at a line start)."""
    before = body[max(0, start - 30) : start].rsplit("\n", 1)[-1].split()
    return before[-1].casefold().strip("\"'“”‘’([,") if before else ""


def make_mention(body: str, start: int, end: int, label: str, *, in_heading: bool, trimmed: bool) -> Mention:
    """A mention of body[start:end]; titles come off PERSON spans only (`person_name`)."""
    text = body[start:end]
    if label == "PERSON":
        name, role_inside = person_name(text)
    else:
        name, role_inside = name_form(text), None
    role = role_inside or _leading_role(body, start)
    name = name or name_form(text)
    return Mention(
        start=start,
        end=end,
        text=text,
        model_label=label,
        role=role,
        name=name,
        key=key_for(name, label),
        in_heading=in_heading,
        trimmed=trimmed,
        word_before=_word_before(body, start),
        in_parens=body[max(0, start - 1) : start] == "(",
    )


def clean_mentions(
    doc: Any,
    ctx: DocContext,
    lex: Lexicon,
    steps: frozenset[str] = ALL_STEPS,
    labels: frozenset[str] = NAME_LABELS,
) -> list[Mention]:
    """The noise filter: model name spans -> mentions whose text is exactly body[start:end]."""
    body = ctx.body
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        start, end = ent.start_char, ent.end_char
        parts = _split_line_breaks(body, start, end) if "linebreak" in steps else [(start, end)]
        for s, e in parts:
            if "edges" in steps:
                s, e = _trim_edges(body, s, e)
            if e > s and any(c.isalpha() for c in body[s:e]):
                spans.append((s, e, ent.label_))

    spans = _join_nicknames(body, spans)
    # running-text evidence: names the model found outside headings
    for s, e, _ in spans:
        if not ctx.in_heading(s, e):
            key = name_key(body[s:e])
            if key:
                ctx.running_name_keys.add(key)

    prose_cache: dict[tuple[int, int, str], bool] = {}
    out: list[Mention] = []
    for s, e, label in spans:
        hrange = ctx.heading_of(s, e)
        heading = hrange is not None
        trimmed = False
        if "heading" in steps and hrange is not None and not _inside_lead_in_phrase(body, s, e, hrange, lex):
            if hrange not in prose_cache:
                prose_cache[hrange] = hrange[2] != "headline" or is_title_case_prose(
                    body, hrange[0], hrange[1], spans, ctx, lex
                )
            res = _filter_heading_span(doc, body, s, e, ctx, lex, strict=prose_cache[hrange])
            if res is None:
                continue
            trimmed = res != (s, e)
            s, e = res
        elif "heading" in steps:
            s = _drop_leading_gerund(body, s, e, ctx, lex)
        pieces = _split_conjunction(body, s, e, ctx) if "split_conj" in steps else [(s, e)]
        if "split_conj" in steps:
            pieces = [p for ps, pe in pieces for p in _split_possessive(body, ps, pe)]
        for ps, pe in pieces:
            m = make_mention(body, ps, pe, label, in_heading=heading, trimmed=trimmed or len(pieces) > 1)
            if is_name_like(m.name):
                out.append(m)
    out.sort(key=lambda m: (m.start, m.end))
    # drop overlaps (keep the first, longer one)
    result: list[Mention] = []
    for m in out:
        if result and m.start < result[-1].end:
            continue
        result.append(m)
    return result


# a quoted nickname and the surname after a given name: ' "The Chin" Gigante', " 'Jerry' Ortiz"
_NICKNAME_TAIL = re.compile(
    r"[ ]+[\"“'‘](?:The[ ]+)?[A-Z][^\"“”'‘’\n]{0,25}[\"”'’][ ]+[A-Z][\w'’-]*[a-z][\w-]*"
)


def _join_nicknames(body: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A person's name the tagger cut at a quoted nickname ('Vincent "The Chin" Gigante' as
    "Vincent" + 'Chin" Gigante') is one span again; the spans it swallows are dropped."""
    joined: list[tuple[int, int]] = []
    for s, e, label in spans:
        if label != "PERSON" or len(body[s:e].split()) > 2:
            continue
        end = e
        while end > s and body[end - 1] in " \"“'‘":  # the tagger took the opening quote
            end -= 1
        m = _NICKNAME_TAIL.match(body, end)
        if m is not None:
            joined.append((s, m.end()))
    if not joined:
        return spans
    out = [(s, e, "PERSON") for s, e in joined]
    for s, e, label in spans:
        if not any(js <= s < je or js < e <= je for js, je in joined):
            out.append((s, e, label))
    return sorted(out)


def _inside_lead_in_phrase(
    body: str, start: int, end: int, hrange: tuple[int, int, str], lex: Lexicon
) -> bool:
    """A name inside a "Label:" lead-in after a lowercase word ("Talks in Geneva: ...") stands in
    running-text position: its capitals are evidence, the lead-in's headline case is not."""
    if hrange[2] != "lead_in":
        return False
    before = body[hrange[0] : start].split()
    if not before or not before[-1][:1].islower():
        return False
    words = strip_possessive(body[start:end]).split()
    return all(w[:1].isupper() and not lex.is_common_word(w) for w in words)


def is_title_case_prose(
    body: str, start: int, end: int, spans: Sequence[tuple[int, int, str]], ctx: DocContext, lex: Lexicon
) -> bool:
    """Does a headline-case line hold capitalized common words outside the model's spans?

    A line listing names ("1. Stephen Ames ( Trinidad ) 211,175", "NEW YORK 1996-08-30") has
    none: capitals there are names and the model's spans are trusted. "Ebrahim Raisi Seeks to
    Repair Strained Ties" has some: case says nothing there.
    """
    inside = [(s, e) for s, e, _ in spans if s >= start and e <= end]
    for m in _WORD.finditer(body, start, end):
        if any(s <= m.start() < e for s, e in inside):
            continue
        w = m.group(0).rstrip(".'’")
        if not w or not w[:1].isupper() or w.casefold() in FUNCTION_WORDS:
            continue
        if w.casefold() in TITLE_WORDS:
            continue
        if is_common_in_doc(w, ctx, lex):
            return True
    return False


def is_name_like(name: str) -> bool:
    """A name has a capital letter and a word that is not a function word ("the", "cts" are not)."""
    words = [w for w in re.findall(r"[^\W_]+", name) if w.casefold() not in FUNCTION_WORDS]
    return bool(words) and any(c.isupper() for c in name)


def _filter_heading_span(
    doc: Any, body: str, start: int, end: int, ctx: DocContext, lex: Lexicon, strict: bool = True
) -> tuple[int, int] | None:
    """Trim common words at the edges of a heading span; in headline-case prose (`strict`) keep
    it only with evidence that it is a name."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", body[start:end])]
    if not words:
        return None
    key_whole = name_key(body[start:end])
    if key_whole in ctx.running_name_keys:
        return start, end

    def common(i: int) -> bool:
        w = strip_possessive(body[words[i][0] : words[i][1]])
        wc = w.casefold().strip(_APOSTROPHES + ".:,;")
        if wc in TITLE_WORDS:
            return False
        if not strict:  # a list of names: only function words and document evidence count
            return wc in FUNCTION_WORDS or ctx.lower_counts.get(wc, 0) > ctx.cap_counts.get(wc, 0)
        return is_common_in_doc(w, ctx, lex)

    lo, hi = 0, len(words)
    while lo < hi and common(lo):
        lo += 1
    while hi > lo and common(hi - 1):
        hi -= 1
    if lo >= hi:
        return None
    if strict:
        # a headline verb inside the span ("Academy Picked Ellen DeGeneres"): keep the longest
        # piece between common words that running text names
        pieces: list[tuple[int, int]] = []
        run_lo = lo
        for i in range(lo, hi + 1):
            # split at a common content word, never at a conjunction ("Pakistan & Kashmir")
            if i == hi or (common(i) and body[words[i][0] : words[i][1]].casefold() not in FUNCTION_WORDS):
                if i > run_lo:
                    pieces.append((run_lo, i))
                run_lo = i + 1
        named = [
            (a, b)
            for a, b in pieces
            if name_key(body[words[a][0] : words[b - 1][1]]) in ctx.running_name_keys
        ]
        if len(pieces) > 1 and named:
            lo, hi = max(named, key=lambda p: (p[1] - p[0], p[0]))
    s, e = words[lo][0], words[hi - 1][1]
    s, e = _trim_edges(body, s, e)
    if e <= s:
        return None
    name = name_form(body[s:e])
    key = name_key(name)
    if not key:
        return None
    if not strict:
        return s, e
    # evidence that it is a name: seen in running text, or every word unknown to the lexicon and
    # not written lowercase in the document
    if key in ctx.running_name_keys:
        return s, e
    name_words = [w for w in name.split() if w.casefold() not in FUNCTION_WORDS]
    if any(not lex.is_known_word(w) and ctx.lower_counts.get(w.casefold(), 0) == 0 for w in name_words):
        return s, e
    if all(ctx.cap_counts.get(w.casefold(), 0) > 0 for w in name_words):
        return s, e
    return None


def _drop_leading_gerund(body: str, start: int, end: int, ctx: DocContext, lex: Lexicon) -> int:
    """A sentence-initial verb the model ran into a name ("Choosing DeGeneres, ...") is dropped
    when the rest is a name of the document's running text."""
    m = re.match(r"([A-Z][a-z]+ing)\s+", body[start:end])
    if not m or "verb" not in lex.in_index(m.group(1)):
        return start
    rest = start + m.end()
    return rest if name_key(body[rest:end]) in ctx.running_name_keys else start


_LEGAL_FORMS = frozenset({"inc", "corp", "co", "ltd", "llc", "plc", "company", "corporation", "group"})
_INNER_POSSESSIVE = re.compile(r"(?<=\w)\s?['’]s?\s+(?=[A-Z])")


def _split_possessive(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """ "Saints’ Super Bowl", "Acme's Rivet Works" -> the owner and the owned, two names: a name
    with a possessive inside is never one name ("O'Brien" has no space after the apostrophe)."""
    m = _INNER_POSSESSIVE.search(body, start, end)
    if m is None or m.start() == start:
        return [(start, end)]
    left, right = (start, m.start()), (m.end(), end)
    if body[right[0] : right[1]].casefold().rstrip(".") in _LEGAL_FORMS:
        return [(start, end)]  # "McDonald's Corp" is one company
    if not is_name_like(body[right[0] : right[1]]):
        return [left]
    return [left, right]


def _split_conjunction(body: str, start: int, end: int, ctx: DocContext) -> list[tuple[int, int]]:
    """'Pakistan & Kashmir' -> two spans when each part is a name on its own in this document."""
    text = body[start:end]
    m = re.search(r"\s+(?:&|and)\s+", text)
    if not m:
        return [(start, end)]
    left = (start, start + m.start())
    right = (start + m.end(), end)
    if (
        name_key(body[left[0] : left[1]]) in ctx.running_name_keys
        and name_key(body[right[0] : right[1]]) in ctx.running_name_keys
    ):
        return [left, right]
    return [(start, end)]
