"""Entity layer: noise filter, name normalization, within-document and cross-document resolution.

Three steps, each a plain function:

1. `clean_mentions(doc, ctx, lexicon)` turns the model's name spans into mentions: spans that
   cross a line break are cut at it, edges are trimmed, spans in heading context (heading
   paragraphs, headline-case lines, "Label:" lead-ins of list items) lose common words at their
   edges and are kept only with evidence that they are names, "A & B" is split when both parts
   are names on their own in the document. Leading titles become the mention's `role`.
2. `resolve_within_doc(mentions)` gives every mention a within-document canonical name: a bare
   surname ("Raisi") resolves to the one full PERSON name of the document ending with it
   ("Ebrahim Raisi"); possessives and titles are stripped; the label of a name is a vote.
3. `resolve_entities(...)` merges document-level names with the archive (see its docstring).

Everything is general: no rule names a sample article's words. The only word lists are small
closed classes (personal titles, function words) and spaCy's own lexicon (the lemmatizer's
WordNet-derived word index) plus evidence from the document itself (how a word is written in
running text).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from parallax.stage import stable_id

# Labels of names (the numeric labels go to facts).
NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Label classes: labels in one class are compatible (the model confuses GPE/LOC/FAC freely).
LABEL_CLASS = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
    "PRODUCT": "work",
    "WORK_OF_ART": "work",
    "LAW": "work",
    "LANGUAGE": "language",
}

# Personal titles and roles (a closed class). Multi-word roles are sequences of these words.
TITLE_WORDS = frozenset(
    w.casefold()
    for w in [
        "President",
        "Vice",
        "Prime",
        "Minister",
        "Ministers",
        "Foreign",
        "Defence",
        "Defense",
        "Interior",
        "Finance",
        "Deputy",
        "Chief",
        "General",
        "Gen",
        "Gen.",
        "Lieutenant",
        "Lt",
        "Lt.",
        "Colonel",
        "Col",
        "Col.",
        "Major",
        "Maj",
        "Captain",
        "Capt",
        "Admiral",
        "Adm",
        "Field",
        "Marshal",
        "Army",
        "Commander",
        "Sergeant",
        "Sgt",
        "Mr",
        "Mr.",
        "Mrs",
        "Mrs.",
        "Ms",
        "Ms.",
        "Miss",
        "Dr",
        "Dr.",
        "Prof",
        "Prof.",
        "Professor",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Emperor",
        "Sheikh",
        "Shaikh",
        "Ayatollah",
        "Imam",
        "Pope",
        "Cardinal",
        "Bishop",
        "Archbishop",
        "Rabbi",
        "Rev",
        "Rev.",
        "Reverend",
        "Father",
        "Senator",
        "Sen",
        "Sen.",
        "Representative",
        "Rep",
        "Rep.",
        "Congressman",
        "Congresswoman",
        "Governor",
        "Gov",
        "Gov.",
        "Mayor",
        "Chancellor",
        "Secretary",
        "State",
        "Premier",
        "Speaker",
        "Ambassador",
        "Envoy",
        "Judge",
        "Justice",
        "Attorney",
        "Chairman",
        "Chairwoman",
        "Chairperson",
        "Chair",
        "CEO",
        "Director",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Leader",
        "Supreme",
        "Crown",
        "Emir",
        "Sultan",
        "Saint",
        "St",
        "St.",
        "Mullah",
        "Treasurer",
        "Commissioner",
        "Inspector",
        "Superintendent",
        "Detective",
        "Officer",
        "Executive",
        "Maulana",
        "Chairman",
    ]
)
# Words that may join title words inside a role ("Minister of Foreign Affairs", "Chief of Staff").
_ROLE_JOINERS = frozenset({"of", "for", "the"})
# Portfolio words that end a role after a joiner ("Minister of Foreign Affairs", "Chief of Staff").
_ROLE_TAIL = frozenset(
    w.casefold()
    for w in [
        "Affairs",
        "Staff",
        "Trade",
        "Commerce",
        "Health",
        "Energy",
        "Economy",
        "Education",
        "Justice",
        "Defence",
        "Defense",
        "Interior",
        "Finance",
        "State",
        "Security",
        "Labour",
        "Labor",
        "Agriculture",
        "Transport",
        "Industry",
        "Environment",
        "Information",
    ]
)
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "&",
        "as",
        "into",
        "over",
        "under",
        "after",
        "before",
        "about",
        "against",
        "between",
        "through",
        "during",
        "without",
        "within",
        "up",
        "down",
        "out",
        "off",
        "via",
        "per",
        "vs",
        "vs.",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
    ]
)
_APOSTROPHES = "'’‘`´"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.IGNORECASE)
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•·–—>]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])?\s*")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


# --------------------------------------------------------------------------------------------
# normalization
# --------------------------------------------------------------------------------------------
_QUOTE_TABLE = {ord(a): b for a, b in zip("’‘`´“”", "''''" + '""', strict=True)}


def fold_quotes(text: str) -> str:
    """Curly quotes and apostrophes to ASCII."""
    return text.translate(_QUOTE_TABLE)


def strip_possessive(text: str) -> str:
    """'Raisi's' / 'Raisi’s' / 'Jones'' -> the name without the possessive."""
    return _POSSESSIVE.sub("", text.rstrip())


def split_title(text: str) -> tuple[str, str | None]:
    """('President Ebrahim Raisi') -> ('Ebrahim Raisi', 'President'); leading titles only.

    A name made only of title words ("General") is returned unchanged with no role.
    """
    words = text.split()
    i = 0
    while i < len(words) - 1 and (
        words[i].casefold() in TITLE_WORDS
        or (i > 0 and words[i].casefold() in _ROLE_JOINERS)
        or (i > 0 and words[i - 1].casefold() in _ROLE_JOINERS and words[i].casefold() in _ROLE_TAIL)
        or (i > 1 and words[i - 2].casefold() in _ROLE_JOINERS and words[i].casefold() in _ROLE_TAIL)
    ):
        i += 1
    while i > 0 and words[i - 1].casefold() in _ROLE_JOINERS:
        i -= 1
    if i == 0:
        return text, None
    return " ".join(words[i:]), " ".join(words[:i])


def name_form(text: str) -> str:
    """Canonical written form of a name: whitespace collapsed, leading 'the', title and possessive removed."""
    text = " ".join(text.split())
    text = strip_possessive(text)
    if text[:4].casefold() == "the " and len(text) > 4:
        text = text[4:]
    text, _ = split_title(text)
    return text.strip(" \t,;:-–—\"'“”") if len(text) > 1 else text


def name_key(text: str) -> str:
    """Comparison key of a name: NFKC, case-folded, quotes folded, periods and inner punctuation dropped."""
    text = unicodedata.normalize("NFKC", fold_quotes(name_form(text))).casefold()
    text = text.replace(".", "").replace("'", "")
    text = re.sub(r"[\s\-‐–—_/]+", " ", text)
    return text.strip()


def label_class(label: str) -> str:
    return LABEL_CLASS.get(label, label.lower())


# --------------------------------------------------------------------------------------------
# lexicon: spaCy's own word index (no extra word lists)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lexicon:
    """Word classes from the pipeline's lemmatizer tables (WordNet-derived) plus its stop words.

    WordNet lists many proper names as nouns (countries, cities, surnames), so noun membership
    alone never makes a word "common"; verb, adjective and adverb membership, plural nouns and
    function words do.
    """

    nouns: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()
    adjs: frozenset[str] = frozenset()
    advs: frozenset[str] = frozenset()
    stop_words: frozenset[str] = FUNCTION_WORDS
    rules: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def _lemmas(self, word: str, pos: str) -> set[str]:
        out = {word}
        for p, rules in self.rules:
            if p != pos:
                continue
            for old, new in rules:
                if old and word.endswith(old):
                    out.add(word[: len(word) - len(old)] + new)
        return out

    def in_index(self, word: str) -> set[str]:
        """Word classes ('noun', 'verb', 'adj', 'adv') the lowercase word belongs to."""
        w = word.casefold()
        found = set()
        for pos, table in (
            ("noun", self.nouns),
            ("verb", self.verbs),
            ("adj", self.adjs),
            ("adv", self.advs),
        ):
            if any(lemma in table for lemma in self._lemmas(w, pos)):
                found.add(pos)
        return found

    def is_plural_common_noun(self, word: str) -> bool:
        w = word.casefold()
        if len(w) < 4 or not w.endswith("s") or w in self.nouns:
            return False
        return any(lemma in self.nouns for lemma in self._lemmas(w, "noun") if lemma != w)

    def is_common_word(self, word: str) -> bool:
        """Function word, verb/adjective/adverb, or plural common noun (no document evidence)."""
        w = word.casefold().strip(_APOSTROPHES + ".")
        if not w:
            return True
        if w in self.stop_words or w in FUNCTION_WORDS:
            return True
        if self.in_index(w) & {"verb", "adj", "adv"}:
            return True
        return self.is_plural_common_noun(w)

    def is_known_word(self, word: str) -> bool:
        """Any entry in spaCy's word index (including WordNet's proper nouns)."""
        w = word.casefold().strip(_APOSTROPHES + ".")
        return bool(self.in_index(w)) or w in self.stop_words


_LEXICONS: dict[int, Lexicon] = {}


def lexicon_for(nlp: Any) -> Lexicon:
    """The lexicon of a loaded pipeline (cached per pipeline object)."""
    key = id(nlp)
    if key in _LEXICONS:
        return _LEXICONS[key]
    tables: dict[str, frozenset[str]] = {}
    rules: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups
        index = lookups.get_table("lemma_index")
        for pos in ("noun", "verb", "adj", "adv"):
            tables[pos] = frozenset(index.get(pos, []))
        rule_table = lookups.get_table("lemma_rules")
        for pos in ("noun", "verb", "adj"):
            rules.append((pos, tuple((a, b) for a, b in rule_table.get(pos, []))))
    except (KeyError, ValueError):  # a pipeline without the rule lemmatizer: document evidence only
        pass
    stop = frozenset(getattr(nlp.Defaults, "stop_words", set())) | FUNCTION_WORDS
    lex = Lexicon(
        nouns=tables.get("noun", frozenset()),
        verbs=tables.get("verb", frozenset()),
        adjs=tables.get("adj", frozenset()),
        advs=tables.get("adv", frozenset()),
        stop_words=stop,
        rules=tuple(rules),
    )
    _LEXICONS[key] = lex
    return lex


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


def make_mention(body: str, start: int, end: int, label: str, *, in_heading: bool, trimmed: bool) -> Mention:
    text = body[start:end]
    stripped = strip_possessive(" ".join(text.split()))
    if stripped[:4].casefold() == "the ":
        stripped = stripped[4:]
    name, role_inside = split_title(stripped)
    role = role_inside or _leading_role(body, start)
    name = name_form(name) or name
    return Mention(
        start=start,
        end=end,
        text=text,
        model_label=label,
        role=role,
        name=name,
        key=name_key(name),
        in_heading=in_heading,
        trimmed=trimmed,
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
        if "heading" in steps and hrange is not None:
            if hrange not in prose_cache:
                prose_cache[hrange] = hrange[2] != "headline" or is_title_case_prose(
                    body, hrange[0], hrange[1], spans, ctx, lex
                )
            res = _filter_heading_span(doc, body, s, e, ctx, lex, strict=prose_cache[hrange])
            if res is None:
                continue
            trimmed = res != (s, e)
            s, e = res
        pieces = _split_conjunction(body, s, e, ctx) if "split_conj" in steps else [(s, e)]
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


# --------------------------------------------------------------------------------------------
# within-document resolution and label vote
# --------------------------------------------------------------------------------------------
def vote_label(votes: Mapping[str, float]) -> str:
    """One label: vote by class first (GPE+LOC+FAC count together), then the label within it.

    So a place tagged GPE 3x, LOC 2x and PERSON 4x is a place (5 > 4), labelled GPE.
    """
    if not votes:
        return "ORG"
    by_class: dict[str, float] = defaultdict(float)
    for label, n in votes.items():
        by_class[label_class(label)] += n
    best_class = max(by_class, key=lambda c: (by_class[c], c == "place", c == "person", c))
    within = {lab: n for lab, n in votes.items() if label_class(lab) == best_class}
    return max(within, key=lambda lab: (within[lab], lab))


def mention_weight(m: Mention) -> float:
    """Votes of a mention: heading or trimmed spans count less, full names more."""
    w = 1.0
    if m.in_heading or m.trimmed:
        w *= 0.5
    if len(m.name.split()) > 1:
        w *= 1.5
    return w


def _vote(mentions: Sequence[Mention]) -> dict[str, float]:
    votes: dict[str, float] = defaultdict(float)
    for m in mentions:
        votes[m.model_label] += mention_weight(m)
        if m.role and m.role.split()[-1].casefold() in TITLE_WORDS:
            # a personal title right before a name is stronger evidence than the model's label
            votes["PERSON"] += 2 * mention_weight(m)
    return votes


def _display_name(names: Iterable[str]) -> str:
    """Most frequent written form, preferring mixed case over ALL CAPS, then the longer one."""
    counts = Counter(names)
    return max(counts, key=lambda n: (not n.isupper() or len(n) <= 4, counts[n], len(n), n))


@dataclass(frozen=True)
class Override:
    alias_key: str
    canonical_name: str
    label: str


def load_overrides(path: Path) -> dict[str, Override]:
    """seeds/entity_aliases.csv: alias,canonical_name,label (header; '#' lines are comments)."""
    return dict(_load_overrides_cached(str(path)))


@lru_cache(maxsize=8)
def _load_overrides_cached(path: str) -> tuple[tuple[str, Override], ...]:
    p = Path(path)
    if not p.exists():
        return ()
    out: dict[str, Override] = {}
    with p.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        for row in rows:
            alias = (row.get("alias") or "").strip()
            canonical = (row.get("canonical_name") or "").strip()
            label = (row.get("label") or "").strip().upper()
            if alias and canonical and label:
                key = override_key(alias)
                out[key] = Override(key, canonical, label)
                ckey = override_key(canonical)
                out.setdefault(ckey, Override(ckey, canonical, label))
    return tuple(out.items())


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def override_key(name: str) -> str:
    """Lookup key of an override: acronyms match case-sensitively ("US" is not "Us"), others by name_key."""
    form = " ".join(fold_quotes(name).split())
    return "=" + form if _is_acronym(form) else name_key(form)


def find_override(overrides: dict[str, Override], name: str) -> Override | None:
    """The override for a mention's name, if any."""
    if not overrides:
        return None
    return overrides.get(override_key(name_form(name)))


def resolve_within_doc(
    mentions: list[Mention], overrides: dict[str, Override] | None = None
) -> list[Mention]:
    """Give each mention its document-level canonical name, key, label and method.

    - Overrides (seeds/entity_aliases.csv) win.
    - Same key -> same name.
    - A name whose words are the final words of exactly one longer PERSON name of the document
      ("Raisi" / "Ebrahim Raisi") takes that name (method partial_name), whatever label the model
      gave the short form, as long as that label is a person/org/place confusion.
    - The label is a class vote over every mention of the canonical name.
    """
    overrides = overrides or {}
    for m in mentions:
        ov = find_override(overrides, m.name)
        if ov is not None:
            m.canonical_name, m.canonical_key = ov.canonical_name, name_key(ov.canonical_name)
            m.method, m.confidence, m.label = "override", 1.0, ov.label
        else:
            m.canonical_name, m.canonical_key = m.name, m.key
            m.method = "exact" if m.name == m.text else "normalized"
            m.confidence = 1.0 if m.method == "exact" else 0.95

    free = [m for m in mentions if m.method != "override"]
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in free:
        by_key[m.key].append(m)

    # full PERSON names of the document (multi-word keys voted PERSON)
    person_keys = [
        k for k, ms in by_key.items() if len(k.split()) > 1 and label_class(vote_label(_vote(ms))) == "person"
    ]
    for k, ms in list(by_key.items()):
        words = k.split()
        if k in person_keys:
            continue
        if label_class(vote_label(_vote(ms))) not in {"person", "org", "place"}:
            continue
        longer = [p for p in person_keys if len(p.split()) > len(words) and p.split()[-len(words) :] == words]
        if len(longer) != 1:
            continue
        target = longer[0]
        for m in ms:
            m.canonical_key = target
            m.method, m.confidence = "partial_name", 0.85

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[m.canonical_key].append(m)
    for key, ms in groups.items():
        overridden = [m for m in ms if m.method == "override"]
        if overridden:
            label = overridden[0].label
            name = overridden[0].canonical_name
        else:
            label = vote_label(_vote(ms))
            name = (
                _display_name(m.name for m in ms if m.key == key)
                if any(m.key == key for m in ms)
                else ms[0].name
            )
        for m in ms:
            m.label, m.canonical_name = label, name
    _demonyms(groups)
    return mentions


_DEMONYM_SUFFIXES = ("i", "is", "ian", "ians", "an", "ans", "n", "ns", "ese", "ish", "ic")


def _demonyms(groups: dict[str, list[Mention]]) -> None:
    """A one-word name formed from a place of the same document plus a demonym suffix
    ("Kashmiri" / Kashmir, "Israeli" / Israel, "Iranians" / Iran) is a NORP, whatever the model said."""
    places = {k for k, ms in groups.items() if ms and ms[0].label in PLACE_LABELS and " " not in k}
    for key, ms in groups.items():
        if not ms or ms[0].label in ("NORP", "PERSON") or ms[0].method == "override" or " " in key:
            continue
        for place in places:
            if key != place and key.startswith(place) and key[len(place) :] in _DEMONYM_SUFFIXES:
                for m in ms:
                    m.label = "NORP"
                break


# --------------------------------------------------------------------------------------------
# cross-document resolution
# --------------------------------------------------------------------------------------------
@dataclass
class KnownEntity:
    """An entity known to the resolver: from the archive or created in this batch."""

    entity_id: str
    canonical_name: str
    label: str
    key: str
    classes: set[str] = field(default_factory=set)
    cooccurring: set[str] = field(default_factory=set)  # entity ids mentioned in the same documents
    new: bool = False


@dataclass
class DocGroup:
    """All mentions of one canonical name in one document."""

    doc_id: str
    key: str
    name: str
    label: str
    classes: set[str]
    override: bool
    mention_count: int


@dataclass
class Resolution:
    entity_id: str
    method: str  # exact / normalized / partial_name / override / new
    confidence: float


# Label classes a one-word name may be merged across: a country is also its government
# ("Canada" GPE / ORG); a person and a place are never merged ("Jordan").
_COMPATIBLE_CLASSES = {"place": {"place", "org"}, "org": {"org", "place"}}


def classes_compatible(a: set[str], b: set[str]) -> bool:
    """Do two sets of label classes allow a merge of one-word names?"""
    expanded = set().union(*(_COMPATIBLE_CLASSES.get(c, {c}) for c in a)) if a else set()
    return bool(expanded & b)


def is_bare_person(group: DocGroup) -> bool:
    return label_class(group.label) == "person" and len(group.key.split()) == 1 and not group.override


def new_entity_id(key: str, label: str, salt: str = "") -> str:
    return stable_id("entity", key, label_class(label), salt, prefix="ent_")


def resolve_entities(
    groups: Sequence[DocGroup], known: list[KnownEntity]
) -> tuple[dict[tuple[str, str], Resolution], list[KnownEntity]]:
    """Map every (doc_id, canonical_key) to an entity id, merging with the archive.

    Rules (documents are independent of the order they come in, within a batch):
    - Pass 1, names that are not bare surnames: merge with a known entity of the same key. A
      multi-word name merges whatever the label (full names are strong identifiers; the label is
      re-voted); a one-word name merges only with a label-compatible entity (same class among
      the labels the model gave either side), so "Jordan" the country and "Jordan" the player
      stay apart. Otherwise a new entity (id from key + label class).
    - Pass 2, bare surnames (a one-word PERSON name whose document has no full name ending with
      it): candidates are known full-name PERSON entities ending with that word and earlier bare
      entities of that word. A candidate scores the number of other entities of this document it
      co-occurs with elsewhere. It merges only when exactly one candidate has the best score and
      that score is at least 1; otherwise the surname becomes its own entity, salted by the
      document so that two unrelated bare "Smith"s never collapse.
    Returns the resolution per group and the (possibly extended) known entities.
    """
    by_key: dict[str, list[KnownEntity]] = defaultdict(list)
    by_last: dict[str, list[KnownEntity]] = defaultdict(list)
    by_id: dict[str, KnownEntity] = {}

    def register(e: KnownEntity) -> None:
        by_key[e.key].append(e)
        by_id[e.entity_id] = e
        if label_class(e.label) == "person" and len(e.key.split()) > 1:
            by_last[e.key.split()[-1]].append(e)

    for e in known:
        register(e)

    out: dict[tuple[str, str], Resolution] = {}
    doc_entities: dict[str, set[str]] = defaultdict(set)

    pass1 = sorted((g for g in groups if not is_bare_person(g)), key=lambda g: (g.doc_id, g.key))
    pass2 = sorted((g for g in groups if is_bare_person(g)), key=lambda g: (g.doc_id, g.key))

    for g in pass1:
        cands = by_key.get(g.key, [])
        multi = len(g.key.split()) > 1
        compatible = [e for e in cands if classes_compatible(e.classes | {label_class(e.label)}, g.classes)]
        if g.override:
            compatible = [e for e in cands if label_class(e.label) == label_class(g.label)] or compatible
        pick = compatible or (cands if multi else [])
        if pick:
            ent = max(pick, key=lambda e: (len(e.classes & g.classes), not e.new, e.entity_id))
            method = "override" if g.override else ("exact" if ent.canonical_name == g.name else "normalized")
            out[(g.doc_id, g.key)] = Resolution(
                ent.entity_id, method, 1.0 if method != "normalized" else 0.95
            )
            ent.classes |= g.classes
        else:
            eid = new_entity_id(g.key, g.label)
            if eid in by_id:  # same key and class but judged incompatible: salt by document
                eid = new_entity_id(g.key, g.label, g.doc_id)
            ent = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
            register(ent)
            out[(g.doc_id, g.key)] = Resolution(eid, "override" if g.override else "exact", 1.0)
        doc_entities[g.doc_id].add(out[(g.doc_id, g.key)].entity_id)

    # what this batch's documents say about co-occurrence counts for the surnames below
    for ids in doc_entities.values():
        for eid in ids:
            by_id[eid].cooccurring |= ids - {eid}

    for g in pass2:
        context = doc_entities[g.doc_id]
        full = by_last.get(g.key, [])
        bare = [e for e in by_key.get(g.key, []) if label_class(e.label) == "person" or e.classes & g.classes]
        chosen: KnownEntity | None = None
        method, conf = "partial_name", 0.7
        for pool, pool_method in ((full, "partial_name"), (bare, "exact")):
            scored = sorted(((len(e.cooccurring & context), e.entity_id, e) for e in pool), reverse=True)
            if not scored:
                continue
            best = scored[0][0]
            if best >= 1 and (len(scored) == 1 or scored[1][0] < best):
                chosen, method = scored[0][2], pool_method
                conf = min(0.9, 0.5 + 0.1 * best) if pool_method == "partial_name" else 0.9
                break
            if best >= 1:
                # several candidates fit this document equally well: do not guess
                break
        if chosen is None:
            eid = new_entity_id(g.key, g.label, g.doc_id)
            chosen = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
            register(chosen)
            method, conf = "exact", 1.0
        chosen.classes |= g.classes
        out[(g.doc_id, g.key)] = Resolution(chosen.entity_id, method, conf)
        chosen.cooccurring |= context - {chosen.entity_id}
        doc_entities[g.doc_id].add(chosen.entity_id)

    # co-occurrence learned from this batch (for later documents of later runs)
    for ids in doc_entities.values():
        for eid in ids:
            if eid in by_id:
                by_id[eid].cooccurring |= ids - {eid}
    return out, [e for e in by_id.values()]
