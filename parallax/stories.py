"""Stories: articles about the same event, from any number of sources, share one stable story id.

`assign_stories(con, run_id, doc_ids, settings)` gives every new document a row in
`intermediate.int_document_stories`:

- a copy (exact or near duplicate) inherits its canonical document's story (method `duplicate`),
  so near-duplicates are never split across stories;
- a canonical document is compared with existing stories and joins the most similar one when the
  similarity reaches `settings.story_threshold` (method `similarity`); otherwise it founds a new
  story (method `new_story`) whose id is `stable_id(founding doc_id, prefix="S")`;
- a document moved into a story split off the one it had joined has method `split` (below).

Similarity is the cosine between the document's TF-IDF vector and the story's centroid (sum of its
documents' normalized vectors). Terms are the title and body words (stop words dropped, digits
only as 4-digit years) and, when extraction found them, the document's entities as
`e:<entity_id>` terms (intermediate.int_mentions), so shared people, places and organisations
count more than shared vocabulary. Document frequencies persist as per-batch increments
(`int_story_term_df`), each document's kept terms persist in `int_story_doc_terms`, and a story's
profile is the sum over its documents (`int_story_profiles` view): a later run only reads the
profiles of the stories its new documents share terms with. Inside a batch, a document's candidate
stories are those holding one of its CANDIDATE_TERMS heaviest terms, among the terms held by at
most CANDIDATE_MAX_STORIES stories (template words that every story holds would make every story
a candidate; 40,000 word-list records took 18 minutes in this step without that bound).

A document with a rare name only joins a story that holds one of its names, rare or not, as its own
(the name gate, NAME_DF_SHARE, NAME_SHARE; a document with no rare name: one of its rare title
words): without it, stories about a kind of event (all earnings reports, all debt talks) grow into
topic piles of unrelated companies. "Its own": of the documents assigned so far that hold the name
(or a variant of it), at least NAME_SHARE are the story's, so a name that many stories hold (an
agency every filing names, a table heading the model took for a person) joins none of them
(`story_names.holds_own`), while a name many documents give but one story holds ("Indian Navy" in 20
articles on one rescue) does. A headline's names count for more: a story holding none of them needs
HEAD_SIM similarity, and cannot take the document at all when it is a pile of template items, three
or more articles whose headlines share no name (`story_names.headlines_recur`). Which mentions
look like names, and which names are variants of one another ("Kraft" / "Kraft Foods"), is
`parallax.story_names`.

When both dates are known, a document only joins a story whose documents were published within
`settings.story_window_days` of it, and its similarity to a story decays with time
(`story_terms.time_decay`): unweighted within `settings.story_decay_grace_days` of the story's
dates, then halving every `settings.story_half_life_days`, so a story whose last article is days old
takes a new one only when it is clearly the same event (a kind of event that recurs, contract awards,
ratings actions, one company's news, otherwise chains into one story over the window). A batch of
dated documents therefore looks up candidate stories only through documents published since its
earliest date less the window (or undated), which keeps the lookup on the recent end of
`int_story_doc_terms` as the archive grows.
Documents are assigned in order (published_at, unknown last, then arrival order), each one seeing
the stories created by the documents before it. At the end
of a batch, a document still alone in the story it founded in that batch gets a second look
against every story (also those founded after it) and joins the best one at
`RESCUE_THRESHOLD_SHARE * story_threshold`. Then the batch's story pairs that may hold one
event are merged (`parallax.storymerge`): a pair is examined when an article of the batch is at
least `story_threshold` similar to the story it did not join, and at least MERGE_CLOSENESS of its
similarity to its own story; the two stories merge when their union passes the split test below.
The story that held documents before the batch keeps its id; moved documents of earlier runs are
logged like a split's (method `merge`). A part the split test then cuts off a story is looked at
the same way (the pairs its documents of the batch find), since it may be the event of a story
the batch did not join.

The threshold is low on purpose (0.20): joining is permissive, and every story the batch added
to is then re-examined as a whole (`parallax.storysplit`). Single-pass assignment cannot undo its
typical mistake, the first article of an event joining the story of a similar earlier event (the
same people and kind of event on another occasion), which then draws the event's later articles
after it; a story holding two events shows as a normalized cut well below that of one event, and
is split (`settings.story_split_ncut`). A shallow cut also runs through single events. Where
documents carry no date, the year their text writes most (`text_year`) tells most occasions apart
(30 of the 32 ECB+ topics whose two occasions write years write different ones), so two parts
whose undated documents mostly report the same year need a clear cut
(`settings.story_split_same_year_ncut`; one event cut in two scored 0.7-0.9 on ECB+), unless that
year is common in the archive (YEAR_MAX_SHARE: in an archive of one year it says nothing). Dated
documents are kept apart by the window instead. The part holding the founding document keeps the story id,
so a story id never moves away from the article that founded it; the other part becomes a new
story. Documents an earlier run had assigned keep their run stamp and are logged in
`intermediate.int_story_moves`; their rows as they were are saved as before-images
(`db.log_before_images`), from which `db.rollback_run` moves them back.

Measured on ECB+ through the nightly flow (bench/stories.py: `text_detok` records, three nightly
runs, the published story_id; stories step replayed on the kept runs): ARI 0.923 / 0.926 / 0.916
against subtopics on three arrival orders (0.921 / 0.926 / 0.906 without merging), with 10 / 11 /
12 of the 85 events of 4+ articles split over several stories (11 / 11 / 14). The settings were chosen
with the in-process side configuration (bench/stories_inprocess.py: tokenised text, no entity
terms, 1, 5 or 10 runs, three orders): mean ARI 0.905 there (0.852 without splitting, at the 0.35
threshold that was best without it); 0.909 on three other orders not used to choose them.

A rerun changes nothing: documents that already have a story are skipped.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db, story_names
from parallax import story_store as store
from parallax.settings import Settings
from parallax.stage import StageResult, chunked, stable_id
from parallax.story_terms import StoryProfile, story_cosine, text_terms, text_year, tfidf_vector, time_decay
from parallax.storymerge import merge_stories
from parallax.storysplit import split_as_configured

# An entity mention counts this many times a word occurrence.
ENTITY_WEIGHT = 2.0
# Canonical documents assigned per batch (memory ~ batch vectors + candidate story profiles).
BATCH_DOCS = 1000
# A document that founded a story in this batch and is still alone there gets a second look
# at the end of the batch (against stories founded after it, too) and joins the most similar
# one at this lower similarity: single-pass assignment is order-dependent, and a lower bar for
# documents already known to stand alone repairs most of that without re-opening older stories.
RESCUE_THRESHOLD_SHARE = 0.7
# Two stories are examined for a merge when an article of the batch is at least this close to the
# one it did not join (x story_threshold) and at least MERGE_CLOSENESS of its similarity to its own.
# Measured by replaying the stories step over the flow's working databases (ECB+, three orders;
# 3,000 Reuters articles): with no closeness bar, ARI 0.921 -> 0.922 but Reuters topic piles 0.253
# -> 0.270 (an earnings item is near every earnings story); with 0.5, ARI 0.922 and piles 0.252;
# 0.6-0.9 merged fewer single events (ARI 0.919-0.918). Lower shares (0.5, 0.7) changed nothing on
# ECB+ and made more piles; 2.0 and above merged fewer events.
MERGE_THRESHOLD_SHARE = 1.0
MERGE_CLOSENESS = 0.5
# Candidate stories are those sharing one of a document's CANDIDATE_TERMS heaviest terms (cost ~
# linear in the batch; more terms = more cosines, a little more recall).
CANDIDATE_TERMS = 12
# A term held by more stories than this does not bring candidates (it names no event, and for
# template items, where every story holds the template's words, it would make every story a
# candidate: cost ~ batch x stories). It still counts in the cosine of the candidates found.
CANDIDATE_MAX_STORIES = 100
# The name gate (`story_names.gate_terms`). A document with a rare name (an entity term in at most
# max(NAME_DF_FLOOR, NAME_DF_SHARE * documents) documents, archive + batch) only joins a story that
# holds one of its names (rare or not) as its own, or a name variant of one
# (`story_names.variant_index`: "Kraft" / "Kraft Foods"); a document without uses its rare title
# terms instead, and one with neither passes. Until 2026-12-01 only the rare names could pass:
# in a small archive an article whose rare names were all peripheral (the outlet it quotes,
# "MSNBC") founded a story of its own beside its event's (12_ecb and 22_ecbplus split on the figures
# bench); counting every name changed nothing on ECB+ (982 articles, replayed: ARI 0.9221, 8 split
# events) nor on Reuters piles (replayed: 0.250), and on the figures bench (21 events, 214
# articles) made those two events whole: grouping recall 0.744 -> 0.759. A story that holds none of the
# headline's rare names needs at least HEAD_SIM similarity. Headline names are title mentions that
# look like names (`story_names.is_name`), or, when there are none, capitalised headline words
# that the batch rarely writes lower-case. These mentions also count as entity terms of the document.
# Measured with these three values (replaying the stories step over the flow's working databases,
# against the code without the gate): on 3,000 Reuters articles, the share of same-story headline
# pairs naming different companies (topic piles) went from 0.972 to 0.504 (bench/story_reuters.py);
# on ECB+ (bench/stories.py), ARI went from 0.9067 to 0.9097 and split events from 14 to 13 of 85.
NAME_DF_SHARE = 0.05
# A name or word in at most this many documents is always rare: about one event's coverage by a
# dozen outlets. With 3, in a small archive an event's own names (in 8-11 of 77 documents) were not
# rare, so a document had to share a peripheral name with its event's story and events split: on the
# figures benchmark (bench/figures.py, 77 ECB+ documents) 8 events became 19 stories, grouping recall
# fell from 0.761 to 0.553 and conflict recall from 0.914 to 0.800; with 12 they are 10 stories, 0.740
# and 0.914. Archives of more than 240 documents are unaffected (NAME_DF_SHARE decides there).
NAME_DF_FLOOR = 12
# A story that holds none of the headline's rare names needs this similarity (instead of
# settings.story_threshold), measured as above.
HEAD_SIM = 0.3
# A text year tells two occasions apart only where it is uncommon: one that more than this share of
# the archive's undated documents write (an archive of one year) says nothing about a story's parts.
YEAR_MAX_SHARE = 0.5

# --------------------------------------------------------------------------------------------


def assign_stories(
    con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: Sequence[str], settings: Settings
) -> StageResult:
    """Give every new document a story; return the same ids (those that have a story).

    counts: new_story / similarity / duplicate (documents assigned by each method in this call)
    and stories (distinct stories the requested documents belong to).
    """
    result = StageResult()
    wanted = list(dict.fromkeys(doc_ids))
    if not wanted:
        return result
    todo = store.pending(con, wanted)
    # canonical documents of copies that have no story yet are assigned first
    canon_missing = store.unassigned_canonicals(con, [r["canonical_doc_id"] for r in todo])
    todo_ids = {r["doc_id"] for r in todo}
    canonicals = [r for r in canon_missing if r["doc_id"] not in todo_ids]
    canonicals += [r for r in todo if r["canonical_doc_id"] == r["doc_id"]]
    canonicals.sort(key=lambda r: (r["published_at"] is None, r["published_at"] or datetime.min, r["ord"]))
    copies = [r for r in todo if r["canonical_doc_id"] != r["doc_id"]]

    story_of: dict[str, str] = {}
    for batch in chunked(canonicals, BATCH_DOCS):
        assigned = _assign_batch(con, run_id, batch, settings)
        story_of.update({d: s for d, (s, _, _) in assigned.items()})
        for _, _, method in assigned.values():
            result.add(method, 1)

    if copies:
        known = store.stories_of(con, sorted({r["canonical_doc_id"] for r in copies} - set(story_of)))
        known.update(story_of)
        rows = [
            {
                "doc_id": r["doc_id"],
                "story_id": known[r["canonical_doc_id"]],
                "similarity": None,
                "method": "duplicate",
                "run_id": run_id,
            }
            for r in copies
            if r["canonical_doc_id"] in known
        ]
        store.write_stories(con, rows)
        result.add("duplicate", len(rows))
    final = store.stories_of(con, wanted)
    result.doc_ids = [d for d in wanted if d in final]
    result.add("stories", len(set(final.values())))  # distinct stories the documents belong to
    return result


def _in_window(published: datetime | None, story: StoryProfile, window: timedelta) -> bool:
    if published is None or story.first is None or story.last is None:
        return True
    return story.first - window <= published <= story.last + window


def _holding(terms: Iterable[str], by_term: Mapping[str, set[str]]) -> set[str]:
    """The stories holding one of `terms` (`by_term`: term -> the stories holding it)."""
    found: set[str] = set()
    for t in terms:
        found.update(by_term.get(t, ()))
    return found


def _variant_index(
    con: duckdb.DuckDBPyConnection,
    vectors: dict[str, dict[str, float]],
    stories: dict[str, StoryProfile],
    df: dict[str, int],
    name_df: float,
    lower: Counter[str],
    upper: Counter[str],
) -> Callable[[str], set[str]]:
    """`story_names.variant_index` over the entity terms of the batch and of its candidate stories."""
    universe = {t for v in vectors.values() for t in v if t.startswith("e:")}
    universe |= {t for st in stories.values() for t in st.holders if t.startswith("e:")}
    canonical = store.entity_names(con, sorted(t[2:] for t in universe))
    names = {f"e:{e}": n for e, n in canonical.items()}
    return story_names.variant_index(names, df, name_df, lower, upper)


def _assign_batch(
    con: duckdb.DuckDBPyConnection, run_id: str, batch: list[dict[str, Any]], settings: Settings
) -> dict[str, tuple[str, float | None, str]]:
    ids = [r["doc_id"] for r in batch]
    docs = store.documents(con, ids)
    ents = store.entities(con, ids)
    # headline names: title mentions that look like names (not "GMT", "Article", "PAYOUT")
    lower, upper = story_names.word_cases(r["body"] for r in docs.values())
    heads = story_names.name_mentions(store.mention_rows(con, ids, "title"), docs, "title", lower, upper)
    counts: dict[str, Counter[str]] = {}
    for d in ids:
        c = text_terms(docs[d]["title"], docs[d]["body"])
        for t, n in ents.get(d, Counter()).items():
            c[t] = max(1, round(n * ENTITY_WEIGHT))
        for t in heads.get(d, Counter()):  # a headline name counts at least as one body mention
            c[t] = max(c.get(t, 0), round(ENTITY_WEIGHT))
        counts[d] = c

    # Document frequencies: archive + this batch (counted before vectorizing).
    batch_df: Counter[str] = Counter()
    for c in counts.values():
        batch_df.update(c.keys())
    df, n_docs = store.document_frequencies(con, sorted(batch_df))
    # documents holding each term among those assigned so far (archive, then this batch's as they go)
    seen: Counter[str] = Counter(df)
    for t, n in batch_df.items():
        df[t] = df.get(t, 0) + n
    n_docs += len(ids)
    vectors = {d: tfidf_vector(counts[d], df, n_docs) for d in ids}

    window = timedelta(days=settings.story_window_days)
    published = {r["doc_id"]: r["published_at"] for r in batch}
    # a batch of dated documents can only join stories with documents inside the window of its dates
    dated = [p for p in published.values() if p is not None]
    since = min(dated) - window if dated and len(dated) == len(ids) else None
    stories = store.candidate_stories(con, vectors, df, settings.story_query_max_docs, since)
    by_term: dict[str, set[str]] = defaultdict(set)
    for sid, st in stories.items():
        for t in st.centroid:
            by_term[t].add(sid)
    name_df = max(NAME_DF_FLOOR, NAME_DF_SHARE * n_docs)
    related = _variant_index(con, vectors, stories, df, name_df, lower, upper)
    # archived counts of the names the candidate stories hold that the batch does not
    unseen_names = {t for st in stories.values() for t in st.holders if t.startswith("e:")} - seen.keys()
    seen.update(store.document_frequencies(con, sorted(unseen_names))[0])
    # per document, its gate terms with their name variants (a story holds a term when one of its
    # documents does: `holders` counts are >= 1), expanded once rather than per candidate story
    gate: dict[str, tuple[list[frozenset[str]], frozenset[str], frozenset[str]]] = {}
    for d in ids:
        rare, head = story_names.gate_terms(
            vectors[d], docs[d]["title"], heads.get(d, Counter()), df, name_df, lower, upper
        )
        groups = [frozenset(related(t)) for t in rare]
        gate[d] = (groups, frozenset().union(*groups), frozenset(e for t in head for e in related(t)))
    assigned: dict[str, tuple[str, float | None, str]] = {}
    # candidate stories' articles and their headline names (`story_names.headlines_recur`)
    headlines = store.story_headlines(con, sorted(stories), story_names.NAME_LABELS)
    # undated documents only: a dated one's time is its publication date (the window)
    year = {d: None if published[d] else text_year(docs[d]["title"], docs[d]["body"]) for d in ids}

    def similarity(d: str, st: StoryProfile) -> float:
        decay = time_decay(published[d], st, settings.story_decay_grace_days, settings.story_half_life_days)
        return story_cosine(vectors[d], st) * decay

    def best_story(d: str, exclude: str | None = None) -> tuple[float, str] | None:
        vec = vectors[d]
        # Candidates share one of the document's heaviest terms: a story sharing only light,
        # common terms cannot reach the threshold, and looking it up would make a batch cost
        # grow with batch x stories (measured: 200k cosines for 487 documents).
        usable = [t for t in vec if len(by_term.get(t, ())) <= CANDIDATE_MAX_STORIES]
        top = heapq.nlargest(CANDIDATE_TERMS, usable, key=vec.__getitem__)
        cands = _holding(top, by_term)
        rare, rare_terms, head = gate[d]
        totals: list[int | None] = [None] * len(rare)  # seen counts do not change during this look
        # the stories holding a gate term or a headline name (`by_term` lists every story holding a
        # term), found once rather than by a set intersection per candidate
        gated = _holding(rare_terms, by_term)
        headed = _holding(head, by_term)
        best: tuple[float, str] | None = None
        for sid in sorted(cands):
            if sid == exclude or not _in_window(published[d], stories[sid], window):
                continue
            st = stories[sid]
            # the name gate
            if rare and (
                sid not in gated or not story_names.holds_own(rare, rare_terms, st.holders, seen, totals)
            ):
                continue
            sim = similarity(d, st)
            if head and sid not in headed:
                if sim < HEAD_SIM:
                    continue
                size, names = headlines.get(sid, (0, Counter()))
                if not story_names.headlines_recur(size, names, related):
                    continue  # a pile of template items, each headed by its own name
            if best is None or sim > best[0]:
                best = (sim, sid)
        return best

    def join(d: str, sid: str) -> None:
        stories[sid].add(vectors[d], published[d])
        size, names = headlines.setdefault(sid, (0, Counter()))
        names.update(heads.get(d, Counter()).keys())
        headlines[sid] = (size + 1, names)
        for t in vectors[d]:
            by_term[t].add(sid)
            seen[t] += 1

    existing = set(stories)  # stories that held documents before this batch
    founded: list[str] = []
    for d in ids:
        best = best_story(d)
        if best is not None and best[0] >= settings.story_threshold:
            assigned[d] = (best[1], round(best[0], 6), "similarity")
        else:
            sid = stable_id(d, prefix="S")
            stories[sid] = StoryProfile(sid)
            founded.append(d)
            assigned[d] = (sid, None, "new_story")
        join(d, assigned[d][0])

    # second look for documents still alone in the story they founded in this batch
    members = Counter(s for s, _, _ in assigned.values())
    rescue = settings.story_threshold * RESCUE_THRESHOLD_SHARE
    for d in founded:
        sid = assigned[d][0]
        if members[sid] != 1:
            continue
        best = best_story(d, exclude=sid)
        if best is None or best[0] < rescue:
            continue
        del stories[sid]
        headlines.pop(sid, None)
        for t in vectors[d]:
            by_term[t].discard(sid)
            seen[t] -= 1  # join() counts it again
        members[sid] -= 1
        members[best[1]] += 1
        assigned[d] = (best[1], round(best[0], 6), "similarity")
        join(d, best[1])

    # story pairs this batch may have cut one event into: an article whose next-best story would have
    # taken it too (`storymerge.merge_stories` examines each pair as a whole)
    def merge_pairs(docs: Mapping[str, tuple[str, float, str]]) -> dict[tuple[str, str], float]:
        # docs: document -> (its story, its similarity to it, a story to leave out of the look)
        pairs: dict[tuple[str, str], float] = {}
        for d, (own, own_sim, exclude) in docs.items():
            alt = best_story(d, exclude=exclude)
            if (
                alt is not None
                and alt[1] != own
                and alt[0] >= settings.story_threshold * MERGE_THRESHOLD_SHARE
                and alt[0] >= MERGE_CLOSENESS * own_sim
            ):
                key = (min(own, alt[1]), max(own, alt[1]))
                pairs[key] = max(pairs.get(key, 0.0), alt[0])
        return pairs

    pairs = merge_pairs({d: (s, similarity(d, stories[s]), s) for d, (s, _, _) in assigned.items()})

    batch_id = stable_id(run_id, ids[0], len(ids), prefix="B")
    df_tbl = pa.table(
        {
            "batch_id": [batch_id] * (len(batch_df) + 1),
            "term": ["", *batch_df.keys()],
            "df": pa.array([len(ids), *batch_df.values()], pa.int32()),
            "run_id": [run_id] * (len(batch_df) + 1),
        }
    )
    db.upsert_arrow(con, store.TERM_DF, df_tbl, ["batch_id"])
    term_rows = [(d, t, w) for d in ids for t, w in vectors[d].items()]
    terms_tbl = pa.table(
        {
            "doc_id": pa.array([r[0] for r in term_rows], pa.string()),
            "term": pa.array([r[1] for r in term_rows], pa.string()),
            "weight": pa.array([r[2] for r in term_rows], pa.float64()),
            "run_id": pa.array([run_id] * len(term_rows), pa.string()),
            "published_at": pa.array([published[r[0]] for r in term_rows], pa.timestamp("us", tz="UTC")),
        }
    )
    db.upsert_arrow(con, store.DOC_TERMS, terms_tbl, ["doc_id"])
    store.write_stories(
        con,
        [
            {
                "doc_id": d,
                "story_id": s,
                "similarity": sim,
                "method": m,
                "run_id": run_id,
                "text_year": year[d],
            }
            for d, (s, sim, m) in assigned.items()
        ],
    )
    for d, (sid, sim) in merge_stories(con, run_id, pairs, existing, settings).items():
        if d in assigned:
            assigned[d] = (sid, sim, "merge")
    touched = sorted({sid for sid, _, _ in assigned.values()})
    split = _split_stories(con, run_id, touched, settings)
    # a part split off may be another story's event: the pairs its documents of this batch find (their
    # story before the split, whose profile still holds them, left out; no closeness bar: a document's
    # similarity to a part made of it and a few others is no measure of how well it fits there)
    again = merge_pairs({d: (part, 0.0, assigned[d][0]) for d, (part, _) in split.items() if d in assigned})
    for d, (sid, sim) in split.items():
        if d in assigned:
            assigned[d] = (sid, sim, "split")
    for d, (sid, sim) in merge_stories(con, run_id, again, existing, settings).items():
        if d in assigned:
            assigned[d] = (sid, sim, "merge")
    return assigned


# --------------------------------------------------------------------------------------------
# merging stories that hold one event, splitting stories that hold two


def split_years(con: duckdb.DuckDBPyConnection, years: Mapping[str, int | None]) -> dict[str, int | None]:
    """Documents' text years as a split reads them: None where unknown or common in the archive."""
    common = (
        store.common_text_years(con, YEAR_MAX_SHARE) if any(v is not None for v in years.values()) else set()
    )
    return {d: None if y in common else y for d, y in years.items()}


def _split_stories(
    con: duckdb.DuckDBPyConnection, run_id: str, story_ids: Sequence[str], settings: Settings
) -> dict[str, tuple[str, float]]:
    """Split the given stories where they hold two events; return moved document -> (story, similarity).

    Each story is bisected recursively (`parallax.storysplit`) while the normalized cut stays
    below `settings.story_split_ncut`. The part holding the story's founding document keeps the
    story id (so a story id never moves away from the article that founded it); every other part
    becomes a story whose id is `stable_id` of its first document (by doc_id). Copies follow their
    canonical document. A document moved out of a story written by an earlier run keeps that run's
    stamp and gets a row in `int_story_moves`; its row as it was is saved as a before-image, which
    `db.rollback_run` restores if this run is rolled back. Stories larger than
    `story_split_max_docs` are not examined.
    """
    if settings.story_split_ncut <= 0 or not story_ids:
        return {}
    vectors, members, years, _ = store.member_vectors(
        con, story_ids, 2 * settings.story_split_min_docs, settings.story_split_max_docs
    )
    years = split_years(con, years)
    moved: dict[str, tuple[str, float]] = {}
    for sid in sorted(members):
        parts = split_as_configured(members[sid], vectors, years, settings)
        if len(parts) < 2:
            continue
        founders = [i for i, part in enumerate(parts) if any(stable_id(d, prefix="S") == sid for d in part)]
        # the founder's part keeps the story (the largest one if a story lacks its founder)
        keep = founders[0] if founders else max(range(len(parts)), key=lambda i: len(parts[i]))
        for i, part in enumerate(parts):
            if i == keep:
                continue
            new_sid = stable_id(part[0], prefix="S")
            story = StoryProfile(new_sid)
            for d in part:
                story.add(vectors[d], None)
            for d in part:
                moved[d] = (new_sid, round(story_cosine(vectors[d], story), 6))
    if moved:
        store.move_documents(con, run_id, moved)
    return moved
