"""Names the tagger missed in one document but found in others of the same batch.

A statistical tagger decides each occurrence on its own context, so a team, a company or a
surname it tags in six articles of a story is often missed in the seventh ("the Colts", a
surname in a quote, a headline). After a batch is annotated, `propagate_names` writes down every
name the batch tagged in at least `min_docs` documents and marks its other occurrences:

- the same characters as written (case-sensitive), at word boundaries, inside a run of
  capitalized words (so "Smith" never matches inside "Smithfield" or a lowercase word), the
  longest name first, never overlapping a mention the tagger made;
- a one-word name only when the batch's running text writes it capitalized more often than in
  lowercase (so a common word the tagger once took for a name, "Sun", "Internet", is not spread),
  and not at the start of a sentence unless it is never written in lowercase;
- never a bare personal title ("President", "Coach") nor a name shorter than two letters.

A new mention takes the label the batch gave that name most often (`model_label` and `label`),
its own role and key from `make_mention`, and its document-level canonical name from a mention
of the same document it repeats ("Timmons" after "Jim Timmons" in the same document), else its
own; `method` is `propagated`, confidence 0.8. Cross-document resolution then treats it like any
other mention. Pure: rows and texts in, rows out; no model, no database.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from parallax.entities.labels import NAME_LABELS, label_class
from parallax.entities.mentions import make_mention
from parallax.entities.names import FUNCTION_WORDS, TITLE_WORDS, strip_possessive
from parallax.entities.within import LOCATIVE_WORDS

METHOD = "propagated"
CONFIDENCE = 0.8
MAX_WORDS = 6
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# a run of capitalized words, joined by spaces and the particles names carry ("Bank of England")
_TOKEN = r"[A-Z0-9][\w&'’.-]*"
_CAP_RUN = re.compile(
    rf"(?<![\w'’-]){_TOKEN}(?:[ ](?:(?:of|the|de|da|del|der|du|la|le|van|von|and|&)(?![\w'’-])|{_TOKEN}))*"
)
_WORDS = re.compile(r"[A-Za-z][\w'’-]*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”]\s*|\n\s*)$")


def _word_counts(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """(lowercase occurrences, capitalized occurrences not at a sentence start) per folded word."""
    lower: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for text in texts:
        for m in _WORDS.finditer(text):
            w = m.group()
            if w.islower():
                lower[w] += 1
            elif w[0].isupper() and not _SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]):
                cap[w.casefold()] += 1
    return lower, cap


def _clean_surface(surface: str) -> str:
    s = strip_possessive(surface.strip())
    if s.casefold().startswith("the "):
        s = s[4:]
    return s.strip(" ,;:\"“”'’")


def build_gazetteer(mentions: Sequence[Mapping[str, Any]], min_docs: int = 2) -> dict[str, tuple[str, str]]:
    """Names tagged in at least `min_docs` documents: written form -> (model_label, label)."""
    docs: dict[str, set[str]] = defaultdict(set)
    model_votes: dict[str, Counter[str]] = defaultdict(Counter)
    label_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in mentions:
        if r["label"] not in NAME_LABELS:
            continue
        forms = {_clean_surface(r["surface_text"])}
        name = r.get("name") or ""
        if name and name in r["surface_text"]:
            forms.add(_clean_surface(name))
        if r["label"] == "PERSON" and " " in name:  # "Ana Telford" is also "Telford"
            last = name.split(" ")[-1]
            if last.rstrip(".").casefold() not in _SUFFIXES:
                forms.add(last)
        for form in forms:
            words = form.split(" ")
            if not form or len(words) > MAX_WORDS or not form[0].isupper():
                continue
            if sum(c.isalpha() for c in form) < 2 or len(form) < 2:
                continue
            if all(w.strip(".,'’").casefold() in TITLE_WORDS | FUNCTION_WORDS for w in words):
                continue
            docs[form].add(r["doc_id"])
            model_votes[form][r["model_label"]] += 1
            label_votes[form][r["label"]] += 1
    return {
        form: (model_votes[form].most_common(1)[0][0], label_votes[form].most_common(1)[0][0])
        for form, ds in docs.items()
        if len(ds) >= min_docs
    }


def _one_word_ok(form: str, at_sentence_start: bool, lower: Counter[str], cap: Counter[str]) -> bool:
    low = lower.get(form.casefold(), 0)
    if at_sentence_start and low:
        return False
    return cap.get(form.casefold(), 0) > low


def _free_word(word: str) -> bool:
    """A capitalized word that may stand next to a name in a run: "The", "of", "Coach", "President"."""
    return word.strip(".,'’").casefold() in FUNCTION_WORDS | TITLE_WORDS


def find_occurrences(
    text: str,
    gazetteer: Mapping[str, tuple[str, str]],
    taken: Sequence[tuple[int, int]],
    sentence_starts: Sequence[int] = (),
) -> list[tuple[int, int, str]]:
    """(start, end, form) of gazetteer names in `text`: longest first, none overlapping `taken`.

    A run of capitalized words is used only when every word outside the names found in it is a
    function word or a personal title, or the run's first word at a sentence start ("Fans of the
    Hawks", "Coach Telford"); an unknown capitalized neighbour means a longer name nobody tagged
    ("Harbor Hawks" when only "Hawks" is known), so the run is left alone.
    """
    out: list[tuple[int, int, str]] = []
    starts = set(sentence_starts)
    for run in _CAP_RUN.finditer(text):
        toks = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        hits: list[tuple[int, int, str]] = []
        free = True
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(MAX_WORDS, len(toks) - i), 0, -1):
                s, e = toks[i][0], toks[i + n - 1][1]
                for end in (e, e - 1, e - 2):  # as written, then without "." / "'s" / "'"
                    form = text[s:end]
                    if end > s and form in gazetteer and _ends_word(text, end):
                        hit = (s, end, form, n)
                        break
                if hit:
                    break
            if hit is None:
                ts, te = toks[i]
                first_at_start = i == 0 and (ts in starts or _SENTENCE_END.search(text[max(0, ts - 3) : ts]))
                free = free and (_free_word(text[ts:te]) or bool(first_at_start))
                i += 1
                continue
            hits.append(hit[:3])
            i += hit[3]
        if free:
            out.extend(h for h in hits if not any(h[0] < te and ts < h[1] for ts, te in taken))
    return out


def _ends_word(text: str, end: int) -> bool:
    rest = text[end : end + 2]
    return not rest[:1].isalnum() and (not rest[:1] or rest[:1] in " ,;:.!?)\"”'’\n-")


def propagate_names(
    mentions: Sequence[Mapping[str, Any]],
    texts: Mapping[tuple[str, str], str],
    sentence_starts: Mapping[str, Sequence[int]],
    *,
    min_docs: int = 2,
) -> list[dict[str, Any]]:
    """New mention rows for the batch's names the tagger missed (see the module docstring).

    `mentions`: the batch's mention rows (MENTION_SCHEMA); `texts`: (doc_id, part) -> text;
    `sentence_starts`: doc_id -> sorted body sentence start offsets (indexes are positions).
    """
    gazetteer = build_gazetteer(mentions, min_docs)
    if not gazetteer:
        return []
    lower, cap = _word_counts(texts.values())
    by_part: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    next_index: dict[str, int] = defaultdict(int)
    for r in mentions:
        by_part[(r["doc_id"], r["part"])].append(r)
        next_index[r["doc_id"]] = max(next_index[r["doc_id"]], int(r["mention_index"]) + 1)
    out: list[dict[str, Any]] = []
    for (doc_id, part), text in sorted(texts.items()):
        if not text:
            continue
        own = by_part.get((doc_id, part), [])
        doc_rows = by_part.get((doc_id, "body"), []) + by_part.get((doc_id, "title"), [])
        starts = list(sentence_starts.get(doc_id, ())) if part == "body" else [0]
        taken = [(r["start_char"], r["end_char"]) for r in own]
        for s, e, form in find_occurrences(text, gazetteer, taken, starts):
            sent = max(0, bisect.bisect_right(starts, s) - 1) if starts else 0
            at_start = (starts and starts[sent] == s) or _SENTENCE_END.search(
                text[max(0, s - 3) : s]
            ) is not None
            if " " not in form and not _one_word_ok(form, bool(at_start), lower, cap):
                continue
            model_label, label = gazetteer[form]
            m = make_mention(text, s, e, model_label, in_heading=part == "title", trimmed=False)
            canon_name, canon_key = m.name, m.key
            same = [r for r in doc_rows if r["key"] == m.key or r["name"] == m.name]
            if not same and "PERSON" in (model_label, label) and " " not in m.name:
                same = [
                    r
                    for r in doc_rows
                    if r["label"] == "PERSON" and (r["canonical_name"] or "").split(" ")[-1:] == [m.name]
                ]
            if len({r["canonical_key"] for r in same}) == 1:
                canon_name, canon_key, label = (
                    same[0]["canonical_name"],
                    same[0]["canonical_key"],
                    same[0]["label"],
                )
            out.append(
                {
                    "doc_id": doc_id,
                    "mention_index": next_index[doc_id],
                    "part": part,
                    "surface_text": text[s:e],
                    "label": label,
                    "model_label": model_label,
                    "sentence_index": (-1 if part == "title" else sent),
                    "start_char": s,
                    "end_char": e,
                    "role": m.role,
                    "name": m.name,
                    "canonical_name": canon_name,
                    "canonical_key": canon_key,
                    "method": METHOD,
                    "confidence": CONFIDENCE,
                    "in_heading": part == "title",
                    "key": m.key,
                    "as_place": m.word_before in LOCATIVE_WORDS and label_class(label) == "place",
                }
            )
            next_index[doc_id] += 1
    return out
