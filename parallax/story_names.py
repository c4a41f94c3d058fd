"""Names for story assignment: which entity mentions look like names, and which names are variants.

`parallax.stories` gates a join on a document's rare names (a story must hold one of them). Two
things make that gate usable on real text:

- the extractor labels some ordinary words as entities, mostly in headlines: a time zone after a
  clock time ("12:42 GMT"), headline-case words ("Article"), all-caps headings ("PAYOUT"). A mention
  counts as a name (`is_name`) only if it has a name label (NAME_LABELS), is not a time zone, and
  not every word of it is written lower-case more often than capitalised inside the batch's
  sentences (`word_cases`); an abbreviation written with dots ("U.S.") is always a name;
- one company or person is often several entities ("Kraft", "Kraft Foods"): `variant_index`
  relates entity terms whose canonical names' tokens are a subset of one another, when the
  shorter name holds a rare word (so "Bank" does not relate every bank).

- a story must hold one of the document's rare names *as its own* (`holds_own`): enough of the
  documents that hold the name, or a variant of it, are the story's (NAME_SHARE), so a name many
  stories hold (an agency, a heading word) joins none of them.

Pure functions (no database access); `parallax.stories` reads the rows they take.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from parallax.dates import is_calendar_word
from parallax.stopwords import ENGLISH_STOP_WORDS
from parallax.story_terms import stem, text_terms

# Entity labels that can name a rare participant or place of an event (others, DATE, MONEY,
# PRODUCT..., never count as names for the gate). With this set and the other defaults of
# `parallax.stories`, Reuters topic piles 0.972 -> 0.504, ECB+ ARI 0.9067 -> 0.9097.
NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT", "LOC")
PLACE_LABELS = ("GPE", "LOC", "NORP")

# A story holds a name as its own when at least this share of the assigned documents holding the
# name or one of its variants are the story's (`holds_own`). Measured by replaying the stories step
# over kept working databases of the flow (bench/stories.py --replay, bench/story_reuters.py
# --replay): Reuters topic piles 0.504 -> 0.253 of ticker pairs; ECB+ ARI 0.9097 -> 0.9049 (seed 0)
# and 0.9066 -> 0.9063 (seed 1), split events 13 -> 15 and 16 -> 16 of 85. 0.2: piles 0.367, ECB+
# unchanged; 0.4: piles 0.254, ARI 0.9017 / 0.8978. Counting each variant alone (not the group) left
# the "Avg" table headings that the model tags as persons, one entity per document, related as
# variants: piles 0.314.
NAME_SHARE = 0.3

# A story of at least this many articles whose headlines share no name (`headlines_recur`) takes a
# document only when the story already holds one of the document's headline names. Replayed over
# the kept runs (2026-12-02): Reuters' largest story, 38 eurobond issues of as many borrowers (every
# one listed in Luxembourg, the name they shared), falls apart; ticker pairs 0.217 -> 0.214; ECB+
# ARI 0.9221 / 0.9320 / 0.9251 -> 0.9221 / 0.9334 / 0.9257 (seeds 0-2). At 2: ECB+ seed 0 0.9204.
HEADLINE_CORE_MIN = 3
_TOKEN = re.compile(r"[^\W_]+")
# the dot of a one-letter abbreviation ("U.S.", "N.Z."): followed by a letter word, a space or the end
_ABBREV_DOT = re.compile(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]\b|\s|$)")
# upper-case time zone abbreviations ("GMT", "EST"; not "Europe/London")
_ZONES = frozenset(z for z in zoneinfo.available_timezones() if "/" not in z and z.isupper())
# a clock time just before a mention ("12:42 ", "9.30 a.m. (")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s*m\.?)?\s*\(?$", re.I)
# a word inside a sentence (not at the start of the text or after a sentence end)
_INSIDE = re.compile(r"(?<![.!?\n]\s)(?<!^)\b([^\W\d_][^\W_]+)")


def word_cases(bodies: Iterable[str | None]) -> tuple[Counter[str], Counter[str]]:
    """How often each word is written lower-case and capitalised inside sentences of the bodies.

    Returns (lower, upper), both keyed by the lower-cased word. Words at the start of the text or
    after a sentence end are not counted (their capital says nothing).
    """
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for text in bodies:
        for m in _INSIDE.finditer(text or ""):
            w = m.group(1)
            if w.islower():
                lower[w] += 1
            elif w[0].isupper():
                upper[w.lower()] += 1
    return lower, upper


def ordinary(word: str, lower: Counter[str], upper: Counter[str]) -> bool:
    """Whether the batch writes `word` (lower case) lower-case more often than capitalised."""
    return lower[word] > upper[word]


def is_name(
    surface: str, label: str, text: str, start: int, lower: Counter[str], upper: Counter[str]
) -> bool:
    """Does a mention look like a name (not a time zone, heading word or common word)?

    `text` is the part the mention was found in and `start` its offset there (to see a clock time
    before it); `lower`/`upper` are the batch's word cases (`word_cases`).
    """
    if label not in NAME_LABELS:
        return False
    abbrev = bool(_ABBREV_DOT.search(surface))
    toks = [t for t in _TOKEN.findall(_ABBREV_DOT.sub("", surface)) if not any(c.isdigit() for c in t)]
    content = [t for t in toks if len(t) >= 2 and not (t.islower() and t in ENGLISH_STOP_WORDS)]
    if not content or not any(t[0].isupper() for t in content):
        return False
    if len(content) == 1 and not abbrev:
        t = content[0]
        # a time zone ("12:42 GMT", "EST"); a place label keeps a country code that is also a zone
        # name in the time-zone database ("GB", "NZ", "PRC")
        zone = t in _ZONES and label not in PLACE_LABELS
        if t.isupper() and (zone or (len(t) <= 4 and _CLOCK.search(text[max(0, start - 12) : start]))):
            return False
    # ordinary words written with capitals (headline case "Article", all-caps "4TH QTR", "PAYOUT"):
    # every word of the mention is more often lower-case than capitalised inside sentences
    # (an abbreviation written with dots, "U.S.", "N.Z.", is a name)
    return abbrev or not all(ordinary(t.lower(), lower, upper) for t in content)


def name_mentions(
    rows: Iterable[Mapping[str, Any]],
    docs: Mapping[str, Mapping[str, Any]],
    part: str,
    lower: Counter[str],
    upper: Counter[str],
) -> dict[str, Counter[str]]:
    """Mention counts per document of the entities (as `e:<entity_id>` terms) that look like names.

    `rows` are int_mentions rows of one part (doc_id, entity_id, surface_text, label, start_char);
    `docs` maps doc_id to its row (title, body).
    """
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        text = (docs.get(r["doc_id"]) or {}).get(part) or ""
        if is_name(r["surface_text"], r["label"], text, int(r["start_char"] or 0), lower, upper):
            out[r["doc_id"]][f"e:{r['entity_id']}"] += 1
    return out


def name_tokens(name: str) -> frozenset[str]:
    """The lower-cased words of a name, without possessive 's, abbreviation dots, figures and
    function words written lower-case ("Bank of England" -> {bank, england}; "Bill" is a name)."""
    name = re.sub(r"['’]s\b", "", name)
    name = _ABBREV_DOT.sub("", name)  # U.S. -> US
    caps = name.isupper()
    toks = []
    for t in _TOKEN.findall(name):
        w = t.lower()
        if w.isdigit() or len(w) < 2 or (w in ENGLISH_STOP_WORDS and (caps or t.islower())):
            continue
        toks.append(w)
    return frozenset(toks)


def variant_index(
    names: Mapping[str, str],
    df: Mapping[str, int],
    name_df: float,
    lower: Counter[str] | None = None,
    upper: Counter[str] | None = None,
) -> Callable[[str], set[str]]:
    """related(term) -> the term and the entity terms naming the same thing by a token subset.

    `names` maps entity terms (`e:<entity_id>`) to canonical names. Two terms are variants when the
    tokens of one name are a subset of the other's ("Kraft" / "Kraft Foods") and the shorter name
    holds a rare word: a word of 3+ letters whose term is in at most `name_df` documents (`df`),
    that is not a month or weekday name (`dates.is_calendar_word`) and that the batch
    (`lower`/`upper`, `word_cases`) does not write lower-case more often than capitalised. Without
    the last two, a heading the model took for a name in all-caps template headlines ("QTR JAN" out
    of "KEVEX CORP KEVX 2ND QTR JAN") was a variant of every company's "... 2ND QTR JAN" headline,
    and quarterly results of different companies shared a story. A term without a name is related
    to itself only.
    """
    lower = lower or Counter()
    upper = upper or Counter()
    tokens = {t: v for t, n in names.items() if (v := name_tokens(n))}
    by_tok: dict[str, set[str]] = defaultdict(set)
    for t, v in tokens.items():
        for w in v:
            by_tok[w].add(t)
    cache: dict[str, set[str]] = {}

    def rare_word(v: frozenset[str]) -> bool:
        return any(
            df.get(stem(w), 0) <= name_df
            for w in v
            if len(w) >= 3 and not is_calendar_word(w) and not ordinary(w, lower, upper)
        )

    def related(t: str) -> set[str]:
        if t in cache:
            return cache[t]
        out = {t}
        v = tokens.get(t)
        if v:
            for e in set().union(*(by_tok[w] for w in v)):
                u = tokens[e]
                if (v <= u or u <= v) and rare_word(v if len(v) <= len(u) else u):
                    out.add(e)
        cache[t] = out
        return out

    return related


def name_words(title: str | None, lower: Counter[str], upper: Counter[str]) -> list[str]:
    """Terms (stemmed, as `story_terms.text_terms` makes them) of the headline's capitalised words
    that are not ordinary words: not written lower-case more often than capitalised in the batch."""
    out = []
    for t in _TOKEN.findall(title or ""):
        w = t.lower()
        if len(w) < 2 or any(c.isdigit() for c in w) or w in ENGLISH_STOP_WORDS or not t[0].isupper():
            continue
        if ordinary(w, lower, upper):
            continue
        out.append(stem(w))
    return out


def gate_terms(
    vec: dict[str, float],
    title: str | None,
    heads: Counter[str],
    df: dict[str, int],
    name_df: float,
    lower: Counter[str],
    upper: Counter[str],
) -> tuple[list[str], list[str]]:
    """The document's terms for the name gate: (names, rare headline names).

    Names: when it has a rare name (an entity term in at most `name_df` documents), all its entity
    terms, else its rare title terms; a candidate story must hold one of them as its own (a
    document with neither passes). Rare headline names: its headline's name mentions
    (`heads`) in at most `name_df` documents, else its rare headline words that look like names
    (`name_words`); a story holding none of them needs `stories.HEAD_SIM`.
    """
    rare = [t for t in vec if t.startswith("e:") and df.get(t, 0) <= name_df]
    if rare:  # with a rare name the gate applies, and any of its names may pass it
        rare += [t for t in vec if t.startswith("e:") and df.get(t, 0) > name_df]
    else:
        rare = [t for t in text_terms(title, None) if t in vec and df.get(t, 0) <= name_df]
    head = [t for t in heads if df.get(t, 0) <= name_df]
    if not head:
        head = [t for t in name_words(title, lower, upper) if t in vec and df.get(t, 0) <= name_df]
    return rare, head


def headlines_recur(members: int, counts: Mapping[str, int], related: Callable[[str], set[str]]) -> bool:
    """Do a story's headlines share a name: one that two of its articles' headlines give (`counts`:
    name term -> headlines naming it), counting name variants (`related`) as one? A story of fewer
    than HEADLINE_CORE_MIN articles passes. Outlets covering one event name its people, place or
    company in their headlines, so by the third article a name recurs; a pile of template items
    (each eurobond issue, contract award or results line headed by its own issuer) never does."""
    if members < HEADLINE_CORE_MIN or any(n >= 2 for n in counts.values()):
        return True
    terms = set(counts)
    return any(not related(t).isdisjoint(terms - {t}) for t in terms)


def held(terms: frozenset[str], holders: Mapping[str, int]) -> set[str]:
    """The terms a story (its term -> documents map) holds. `holders.keys() & terms` walks the
    smaller side in C; `terms.isdisjoint(holders)` would walk the dict, thousands of terms for a
    large story, on every call."""
    return holders.keys() & terms


def holds_own(
    groups: Sequence[frozenset[str]],
    union: frozenset[str],
    holders: Mapping[str, int],
    seen: Counter[str],
    totals: list[int | None],
) -> bool:
    """Does a story (`holders`: its term -> documents holding it) hold one of the names as its own?
    A name is a group of terms (an entity and its variants; `union` is all groups' terms); the story
    holds it when at least NAME_SHARE of the documents assigned so far that hold a term of the group
    (`seen`) are the story's. A name spread over many stories (an agency, a heading word taken for a
    name, a template word of a small archive) names none of them. `totals` caches each group's
    count for one look (None = not counted yet)."""
    found = held(union, holders)
    if not found:  # the common case
        return False
    for i, group in enumerate(groups):
        if group.isdisjoint(found):
            continue
        total = totals[i]
        if total is None:
            total = totals[i] = sum(seen[t] for t in group)
        if sum(holders[t] for t in group & found) >= NAME_SHARE * total:
            return True
    return False
