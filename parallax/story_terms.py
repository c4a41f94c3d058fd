"""Story term vectors: a document's weighted terms, TF-IDF vectors and story centroids (pure functions).

Terms are the title and body words (stop words dropped, plural -s folded), capitalized words inside a
sentence counting more (names, places, organisations), figures of NUMBER_MIN and more as `#<figure>`
terms, and title terms counting TITLE_WEIGHT times. `parallax.stories` adds the document's entities
as `e:<entity_id>` terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from parallax.stopwords import ENGLISH_STOP_WORDS

# Terms kept per document (storage ~ TOP_TERMS rows per canonical document).
TOP_TERMS = 150
# Title words count this many times (a headline names the event).
TITLE_WEIGHT = 2
# Capitalized words inside a sentence (names, places, organisations) and figures of 11 and more
# (ages, tolls, amounts, years) tell one occasion of an event from another: they count this much.
NAME_WEIGHT = 3
NUMBER_WEIGHT = 2
NUMBER_MIN = 11
# A word, a figure, or a sentence end. A figure glued to letters ("76ers", "11th", "1990s", "10m") is one
# word, never a figure: read as "#76" the team name made every 76ers story share an event figure, which
# kept two seasons' coach firings in one story (`storysplit.shared_figures`; ECB+ seed 0 replayed:
# ARI 0.9221 -> 0.9290).
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W_]+)?|\d+(?:[.,]\d+)*(?:[^\W\d_][^\W_]*)?|[.!?\n]")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "according", "reported", "news"}
# a year written as four digits, 1800-2099 (not part of a longer figure: "1,987", "2013.5")
_YEAR = re.compile(r"(?<![\d.,])(?:18|19|20)\d\d(?![\d.,]\d)")


@dataclass
class StoryProfile:
    story_id: str
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    holders: dict[str, int] = field(default_factory=dict)

    def add(self, vec: dict[str, float], published: datetime | None) -> None:
        for t, w in vec.items():
            self.centroid[t] = self.centroid.get(t, 0.0) + w
            self.holders[t] = self.holders.get(t, 0) + 1
        self.norm = math.sqrt(sum(w * w for w in self.centroid.values()))
        if published is not None:
            self.first = published if self.first is None else min(self.first, published)
            self.last = published if self.last is None else max(self.last, published)


def stem(word: str) -> str:
    """Fold a plural -s/-ies ("companies" -> "company", "talks" -> "talk"; not "bus", "crisis")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def text_terms(title: str | None, body: str | None) -> Counter[str]:
    """Term counts of a document.

    Words are lower-cased, stop words dropped and plural -s folded; capitalized words inside a
    sentence count NAME_WEIGHT times; figures >= NUMBER_MIN become `#<figure>` terms counting
    NUMBER_WEIGHT times; title terms count TITLE_WEIGHT times.
    """
    counts: Counter[str] = Counter()
    for text, mult in ((title, TITLE_WEIGHT), (body, 1)):
        start = True
        for m in _WORD.finditer(text or ""):
            tok = m.group(0)
            if tok in ".!?\n":
                start = True
                continue
            inside, start = not start, False
            if tok[0].isdigit() and not tok[-1].isalpha():  # (a figure with letters is a word)
                try:
                    value = float(tok.replace(",", ""))
                except ValueError:
                    continue
                if value >= NUMBER_MIN:
                    counts["#" + tok.replace(",", "")] += NUMBER_WEIGHT * mult
                continue
            w = tok.lower().replace("’", "'")
            if w.endswith("'s"):
                w = w[:-2]
            if len(w) < 2 or w in _STOP:
                continue
            counts[stem(w)] += (NAME_WEIGHT if inside and tok[:1].isupper() else 1) * mult
    return counts


def text_year(title: str | None, body: str | None) -> int | None:
    """The year a text writes most often (the first written of equals: a dateline or the event's
    year comes before the background years), or None. Undated texts (agency copy, scraped pages,
    corpora) mostly carry a dateline or name the year of the event they report."""
    years = Counter(int(y) for y in _YEAR.findall(f"{title or ''}\n{body or ''}"))
    return years.most_common(1)[0][0] if years else None


def tfidf_vector(counts: Counter[str], df: dict[str, int], n_docs: int) -> dict[str, float]:
    weights = {
        t: (1.0 + math.log(c)) * (math.log((n_docs + 1) / (df.get(t, 0) + 1)) + 1.0)
        for t, c in counts.items()
        if c > 0
    }
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: w / norm for t, w in top}


def time_decay(
    published: datetime | None, story: StoryProfile, grace_days: float, half_life_days: float
) -> float:
    """Weight of a dated document's similarity to a story: 1 up to `grace_days` from the story's
    dates (its first to its last document), then halving every `half_life_days` (0: no decay).

    An event's coverage by many outlets comes within a day or two, and a story that keeps
    receiving articles stays open; a story whose last article is days old takes a later one only
    when it is clearly the same event (time-decayed similarity, as in on-line event detection).
    Undated documents and stories without dates are not weighted.
    """
    if half_life_days <= 0 or published is None or story.first is None or story.last is None:
        return 1.0
    gap = max((published - story.last).total_seconds(), (story.first - published).total_seconds(), 0.0)
    late = gap / 86400.0 - grace_days
    return 0.5 ** (late / half_life_days) if late > 0 else 1.0


def story_cosine(vec: dict[str, float], story: StoryProfile) -> float:
    if not story.norm:
        return 0.0
    return sum(w * story.centroid.get(t, 0.0) for t, w in vec.items()) / story.norm
