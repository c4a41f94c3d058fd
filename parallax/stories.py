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
profiles of the stories its new documents share terms with.

When both dates are known, a document only joins a story whose documents were published within
`settings.story_window_days` of it. Documents are assigned in order (published_at, unknown last,
then arrival order), each one seeing the stories created by the documents before it. At the end
of a batch, a document still alone in the story it founded in that batch gets a second look
against every story (also those founded after it) and joins the best one at
`RESCUE_THRESHOLD_SHARE * story_threshold`.

The threshold is low on purpose (0.20): joining is permissive, and every story the batch added
to is then re-examined as a whole (`parallax.storysplit`). Single-pass assignment cannot undo its
typical mistake, the first article of an event joining the story of a similar earlier event (the
same people and kind of event on another occasion), which then draws the event's later articles
after it; a story holding two events shows as a normalized cut well below that of one event, and
is split (`settings.story_split_ncut`). The part holding the founding document keeps the story id,
so a story id never moves away from the article that founded it; the other part becomes a new
story. Documents an earlier run had assigned keep their run stamp and are logged in
`intermediate.int_story_moves`; their rows as they were are saved as before-images
(`db.log_before_images`), from which `db.rollback_run` moves them back.

Measured on ECB+ through the nightly flow (bench/stories.py: `text_detok` records, three nightly
runs, the published story_id): ARI 0.911 / 0.905 / 0.902 against subtopics on three arrival
orders, with 13 / 17 / 14 of the 85 events of 4+ articles split over several stories. The settings were chosen
with the in-process side configuration (bench/stories_inprocess.py: tokenised text, no entity
terms, 1, 5 or 10 runs, three orders): mean ARI 0.905 there (0.852 without splitting, at the 0.35
threshold that was best without it); 0.909 on three other orders not used to choose them.

A rerun changes nothing: documents that already have a story are skipped.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db
from parallax.settings import Settings
from parallax.stage import StageResult, chunked, stable_id
from parallax.stopwords import ENGLISH_STOP_WORDS
from parallax.storysplit import split_members

STORIES = "intermediate.int_document_stories"
DOC_TERMS = "intermediate.int_story_doc_terms"
TERM_DF = "intermediate.int_story_term_df"
DUPLICATES = "intermediate.int_document_duplicates"
MENTIONS = "intermediate.int_mentions"
MOVES = "intermediate.int_story_moves"

# Terms kept per document (storage ~ TOP_TERMS rows per canonical document).
TOP_TERMS = 150
# Title words count this many times (a headline names the event).
TITLE_WEIGHT = 2
# An entity mention counts this many times a word occurrence.
ENTITY_WEIGHT = 2.0
# Entity labels that identify an event's participants and place.
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")
# Terms of a new document used to look up similar archived documents, and neighbours kept.
QUERY_TERMS = 40
NEIGHBOURS = 30
# Canonical documents assigned per batch (memory ~ batch vectors + candidate story profiles).
BATCH_DOCS = 1000

# A document that founded a story in this batch and is still alone there gets a second look
# at the end of the batch (against stories founded after it, too) and joins the most similar
# one at this lower similarity: single-pass assignment is order-dependent, and a lower bar for
# documents already known to stand alone repairs most of that without re-opening older stories.
RESCUE_THRESHOLD_SHARE = 0.7
# Candidate stories are those sharing one of a document's CANDIDATE_TERMS heaviest terms (cost ~
# linear in the batch; more terms = more cosines, a little more recall).
CANDIDATE_TERMS = 12
# Capitalized words inside a sentence (names, places, organisations) and figures of 11 and more
# (ages, tolls, amounts, years) tell one occasion of an event from another: they count this much.
NAME_WEIGHT = 3
NUMBER_WEIGHT = 2
NUMBER_MIN = 11

_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W_]+)?|\d+(?:[.,]\d+)*|[.!?\n]")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "according", "reported", "news"}


@dataclass
class StoryProfile:
    story_id: str
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, vec: dict[str, float], published: datetime | None) -> None:
        for t, w in vec.items():
            self.centroid[t] = self.centroid.get(t, 0.0) + w
        self.norm = math.sqrt(sum(w * w for w in self.centroid.values()))
        if published is not None:
            self.first = published if self.first is None else min(self.first, published)
            self.last = published if self.last is None else max(self.last, published)


def _stem(word: str) -> str:
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
            if tok[0].isdigit():
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
            counts[_stem(w)] += (NAME_WEIGHT if inside and tok[:1].isupper() else 1) * mult
    return counts


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
    todo = _pending(con, wanted)
    # canonical documents of copies that have no story yet are assigned first
    canon_missing = _unassigned_canonicals(con, [r["canonical_doc_id"] for r in todo])
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
        known = _stories_of(con, sorted({r["canonical_doc_id"] for r in copies} - set(story_of)))
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
        _write_stories(con, rows)
        result.add("duplicate", len(rows))
    final = _stories_of(con, wanted)
    result.doc_ids = [d for d in wanted if d in final]
    result.add("stories", len(set(final.values())))  # distinct stories the documents belong to
    return result


# --------------------------------------------------------------------------------------------
# reading


def _with_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str], query: str, name: str) -> pa.Table:
    con.register(
        name,
        pa.table({"doc_id": pa.array(list(ids), pa.string()), "ord": pa.array(range(len(ids)), pa.int64())}),
    )
    try:
        return db.fetch_arrow(con, query)
    finally:
        con.unregister(name)


def _pending(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Requested documents without a story, with their canonical document (themselves if none)."""
    return _with_ids(
        con,
        ids,
        f"""
        select s.doc_id, coalesce(d.canonical_doc_id, s.doc_id) as canonical_doc_id,
               s.published_at, i.ord
        from staging.stg_documents s
        join _stories_ids i on i.doc_id = s.doc_id
        left join {DUPLICATES} d on d.doc_id = s.doc_id
        where not exists (select 1 from {STORIES} x where x.doc_id = s.doc_id)
        order by i.ord
        """,
        "_stories_ids",
    ).to_pylist()


def _unassigned_canonicals(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    ids = sorted(set(ids))
    if not ids:
        return []
    rows = _with_ids(
        con,
        ids,
        f"""
        select s.doc_id, s.doc_id as canonical_doc_id, s.published_at, -1 as ord
        from staging.stg_documents s
        join _stories_can i on i.doc_id = s.doc_id
        where not exists (select 1 from {STORIES} x where x.doc_id = s.doc_id)
        """,
        "_stories_can",
    ).to_pylist()
    return rows


def _stories_of(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    tbl = _with_ids(
        con,
        list(ids),
        f"select x.doc_id, x.story_id from {STORIES} x join _stories_of i on i.doc_id = x.doc_id",
        "_stories_of",
    )
    return dict(zip(tbl.column("doc_id").to_pylist(), tbl.column("story_id").to_pylist(), strict=True))


def _documents(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    tbl = _with_ids(
        con,
        ids,
        "select s.doc_id, s.title, s.body from staging.stg_documents s "
        "join _stories_docs i on i.doc_id = s.doc_id",
        "_stories_docs",
    )
    return {r["doc_id"]: r for r in tbl.to_pylist()}


def _entities(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, Counter[str]]:
    """Entity mention counts per document from intermediate.int_mentions' bodies (empty when absent)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    con.register("_stories_labels", pa.table({"label": pa.array(ENTITY_LABELS, pa.string())}))
    try:
        tbl = _with_ids(
            con,
            ids,
            f"""
            select m.doc_id, m.entity_id, count(*) as n
            from {MENTIONS} m
            join _stories_ment i on i.doc_id = m.doc_id
            join _stories_labels l on l.label = m.label
            where m.part = 'body'  -- as measured (title words already count TITLE_WEIGHT times)
            group by all
            """,
            "_stories_ment",
        )
    except duckdb.CatalogException:
        return out
    finally:
        con.unregister("_stories_labels")
    for r in tbl.to_pylist():
        out[r["doc_id"]][f"e:{r['entity_id']}"] += int(r["n"])
    return out


def _document_frequencies(con: duckdb.DuckDBPyConnection, terms: Sequence[str]) -> tuple[dict[str, int], int]:
    """Archived document frequency of each term, and the archived document count."""
    con.register("_stories_terms", pa.table({"term": pa.array([*terms, ""], pa.string())}))
    try:
        tbl = db.fetch_arrow(
            con,
            f"select f.term, sum(f.df)::bigint as df from {TERM_DF} f "
            "join _stories_terms t on t.term = f.term group by f.term",
        )
    finally:
        con.unregister("_stories_terms")
    df = dict(zip(tbl.column("term").to_pylist(), tbl.column("df").to_pylist(), strict=True))
    n_docs = int(df.pop("", 0) or 0)
    return {t: int(v) for t, v in df.items()}, n_docs


def _candidate_stories(
    con: duckdb.DuckDBPyConnection,
    vectors: dict[str, dict[str, float]],
    df: dict[str, int] | None = None,
    max_docs: int | None = None,
) -> dict[str, StoryProfile]:
    """Archived stories holding the nearest archived documents of any new document, with profiles.

    A term in more than `max_docs` documents (`df`) is not used to look up neighbours: it names
    no event, and its postings would make the lookup cost grow with the archive (template
    bulletins share every word)."""
    q_doc: list[str] = []
    q_term: list[str] = []
    q_w: list[float] = []
    for d, vec in vectors.items():
        usable = {t: w for t, w in vec.items() if df is None or max_docs is None or df.get(t, 0) <= max_docs}
        for t, w in sorted(usable.items(), key=lambda kv: -kv[1])[:QUERY_TERMS]:
            q_doc.append(d)
            q_term.append(t)
            q_w.append(w)
    if not q_doc:
        return {}
    con.register("_stories_q", pa.table({"doc_id": q_doc, "term": q_term, "weight": q_w}))
    try:
        near = db.fetch_arrow(
            con,
            f"""
            with scores as (
                select q.doc_id, t.doc_id as old_id, sum(q.weight * t.weight) as score
                from _stories_q q join {DOC_TERMS} t on t.term = q.term
                group by all
            )
            select distinct x.story_id
            from scores s join {STORIES} x on x.doc_id = s.old_id
            qualify row_number() over (partition by s.doc_id order by s.score desc, s.old_id) <= {NEIGHBOURS}
            """,
        )
    finally:
        con.unregister("_stories_q")
    story_ids = near.column("story_id").to_pylist()
    if not story_ids:
        return {}
    con.register("_stories_sid", pa.table({"story_id": pa.array(story_ids, pa.string())}))
    try:
        prof = db.fetch_arrow(
            con,
            f"""
            select x.story_id, t.term, sum(t.weight) as weight
            from {STORIES} x join _stories_sid s on s.story_id = x.story_id
            join {DOC_TERMS} t on t.doc_id = x.doc_id
            group by all
            """,
        ).to_pylist()
        dates = db.fetch_arrow(
            con,
            f"""
            select x.story_id, min(d.published_at) as first, max(d.published_at) as last
            from {STORIES} x join _stories_sid s on s.story_id = x.story_id
            join staging.stg_documents d on d.doc_id = x.doc_id
            group by all
            """,
        ).to_pylist()
    finally:
        con.unregister("_stories_sid")
    stories: dict[str, StoryProfile] = {}
    for r in prof:
        st = stories.setdefault(r["story_id"], StoryProfile(r["story_id"]))
        st.centroid[r["term"]] = float(r["weight"])
    for st in stories.values():
        st.norm = math.sqrt(sum(w * w for w in st.centroid.values()))
    for r in dates:
        if r["story_id"] in stories:
            stories[r["story_id"]].first = r["first"]
            stories[r["story_id"]].last = r["last"]
    return stories


# --------------------------------------------------------------------------------------------
# one batch


def tfidf_vector(counts: Counter[str], df: dict[str, int], n_docs: int) -> dict[str, float]:
    weights = {
        t: (1.0 + math.log(c)) * (math.log((n_docs + 1) / (df.get(t, 0) + 1)) + 1.0)
        for t, c in counts.items()
        if c > 0
    }
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: w / norm for t, w in top}


def story_cosine(vec: dict[str, float], story: StoryProfile) -> float:
    if not story.norm:
        return 0.0
    return sum(w * story.centroid.get(t, 0.0) for t, w in vec.items()) / story.norm


def _in_window(published: datetime | None, story: StoryProfile, window: timedelta) -> bool:
    if published is None or story.first is None or story.last is None:
        return True
    return story.first - window <= published <= story.last + window


def _assign_batch(
    con: duckdb.DuckDBPyConnection, run_id: str, batch: list[dict[str, Any]], settings: Settings
) -> dict[str, tuple[str, float | None, str]]:
    ids = [r["doc_id"] for r in batch]
    docs = _documents(con, ids)
    ents = _entities(con, ids)
    counts: dict[str, Counter[str]] = {}
    for d in ids:
        c = text_terms(docs[d]["title"], docs[d]["body"])
        for t, n in ents.get(d, Counter()).items():
            c[t] = max(1, round(n * ENTITY_WEIGHT))
        counts[d] = c

    # Document frequencies: archive + this batch (counted before vectorizing).
    batch_df: Counter[str] = Counter()
    for c in counts.values():
        batch_df.update(c.keys())
    df, n_docs = _document_frequencies(con, sorted(batch_df))
    for t, n in batch_df.items():
        df[t] = df.get(t, 0) + n
    n_docs += len(ids)
    vectors = {d: tfidf_vector(counts[d], df, n_docs) for d in ids}

    stories = _candidate_stories(con, vectors, df, settings.story_query_max_docs)
    by_term: dict[str, set[str]] = defaultdict(set)
    for sid, st in stories.items():
        for t in st.centroid:
            by_term[t].add(sid)
    window = timedelta(days=settings.story_window_days)
    assigned: dict[str, tuple[str, float | None, str]] = {}
    published = {r["doc_id"]: r["published_at"] for r in batch}

    def best_story(d: str, exclude: str | None = None) -> tuple[float, str] | None:
        vec = vectors[d]
        # Candidates share one of the document's heaviest terms: a story sharing only light,
        # common terms cannot reach the threshold, and looking it up would make a batch cost
        # grow with batch x stories (measured: 200k cosines for 487 documents).
        top = heapq.nlargest(CANDIDATE_TERMS, vec, key=vec.__getitem__)
        cands = set().union(*(by_term.get(t, set()) for t in top)) if top else set()
        best: tuple[float, str] | None = None
        for sid in sorted(cands):
            if sid == exclude or not _in_window(published[d], stories[sid], window):
                continue
            sim = story_cosine(vec, stories[sid])
            if best is None or sim > best[0]:
                best = (sim, sid)
        return best

    def join(d: str, sid: str) -> None:
        stories[sid].add(vectors[d], published[d])
        for t in vectors[d]:
            by_term[t].add(sid)

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
        for t in vectors[d]:
            by_term[t].discard(sid)
        members[sid] -= 1
        members[best[1]] += 1
        assigned[d] = (best[1], round(best[0], 6), "similarity")
        join(d, best[1])

    batch_id = stable_id(run_id, ids[0], len(ids), prefix="B")
    df_tbl = pa.table(
        {
            "batch_id": [batch_id] * (len(batch_df) + 1),
            "term": ["", *batch_df.keys()],
            "df": pa.array([len(ids), *batch_df.values()], pa.int32()),
            "run_id": [run_id] * (len(batch_df) + 1),
        }
    )
    db.upsert_arrow(con, TERM_DF, df_tbl, ["batch_id"])
    term_rows = [(d, t, w) for d in ids for t, w in vectors[d].items()]
    terms_tbl = pa.table(
        {
            "doc_id": pa.array([r[0] for r in term_rows], pa.string()),
            "term": pa.array([r[1] for r in term_rows], pa.string()),
            "weight": pa.array([r[2] for r in term_rows], pa.float64()),
            "run_id": pa.array([run_id] * len(term_rows), pa.string()),
        }
    )
    db.upsert_arrow(con, DOC_TERMS, terms_tbl, ["doc_id"])
    _write_stories(
        con,
        [
            {"doc_id": d, "story_id": s, "similarity": sim, "method": m, "run_id": run_id}
            for d, (s, sim, m) in assigned.items()
        ],
    )
    touched = sorted(sid for sid, n in members.items() if n > 0)
    for d, (sid, sim) in _split_stories(con, run_id, touched, settings).items():
        if d in assigned:
            assigned[d] = (sid, sim, "split")
    return assigned


# --------------------------------------------------------------------------------------------
# splitting stories that hold two events


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
    con.register("_split_sid", pa.table({"story_id": pa.array(list(story_ids), pa.string())}))
    try:
        rows = db.fetch_arrow(
            con,
            f"""
            with members as (
                select x.story_id, x.doc_id from {STORIES} x join _split_sid s using (story_id)
                where exists (select 1 from {DOC_TERMS} t where t.doc_id = x.doc_id)
                qualify count(*) over (partition by x.story_id) between ? and ?
            )
            select m.story_id, m.doc_id, t.term, t.weight
            from members m join {DOC_TERMS} t on t.doc_id = m.doc_id
            """,
            [2 * settings.story_split_min_docs, settings.story_split_max_docs],
        )
    finally:
        con.unregister("_split_sid")
    vectors: dict[str, dict[str, float]] = defaultdict(dict)
    members: dict[str, set[str]] = defaultdict(set)
    for sid, d, t, w in zip(
        *(rows.column(c).to_pylist() for c in ("story_id", "doc_id", "term", "weight")), strict=True
    ):
        vectors[d][t] = w
        members[sid].add(d)
    moved: dict[str, tuple[str, float]] = {}
    for sid in sorted(members):
        parts = split_members(
            sorted(members[sid]), vectors, settings.story_split_ncut, settings.story_split_min_docs
        )
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
        _move_documents(con, run_id, moved)
    return moved


def _move_documents(con: duckdb.DuckDBPyConnection, run_id: str, moved: dict[str, tuple[str, float]]) -> None:
    """Move canonical documents (and their copies) to new stories, logging moves of earlier runs' rows."""
    con.register(
        "_split_moved",
        pa.table(
            {
                "doc_id": pa.array(list(moved), pa.string()),
                "story_id": pa.array([s for s, _ in moved.values()], pa.string()),
                "similarity": pa.array([x for _, x in moved.values()], pa.float64()),
            }
        ),
    )
    try:
        con.execute(
            f"""
            create or replace temp table _split_rows as
            select m.doc_id, m.story_id, m.similarity from _split_moved m
            union all
            select d.doc_id, m.story_id, null from {DUPLICATES} d
            join _split_moved m on m.doc_id = d.canonical_doc_id
            where d.doc_id <> d.canonical_doc_id
            """
        )
        # rollback restores the earlier runs' rows from their before-images; the moves are the log
        db.log_before_images(con, STORIES, "t.doc_id in (select doc_id from _split_rows)", run_id=run_id)
        con.execute(
            f"""
            insert into {MOVES} (
                doc_id, run_id, from_story_id, to_story_id, from_similarity, from_method, from_run_id
            )
            select x.doc_id, ?, x.story_id, r.story_id, x.similarity, x.method, x.run_id
            from {STORIES} x join _split_rows r using (doc_id)
            where x.run_id <> ? and x.story_id <> r.story_id
              and not exists (select 1 from {MOVES} v where v.doc_id = x.doc_id and v.run_id = ?)
            """,
            [run_id, run_id, run_id],
        )
        con.execute(
            f"""
            update {STORIES} x
            set story_id = r.story_id, similarity = r.similarity,
                method = case when x.method = 'duplicate' then 'duplicate' else 'split' end
            from _split_rows r where r.doc_id = x.doc_id
            """
        )
    finally:
        con.execute("drop table if exists _split_rows")
        con.unregister("_split_moved")


def _write_stories(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    tbl = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("doc_id", pa.string()),
                ("story_id", pa.string()),
                ("similarity", pa.float64()),
                ("method", pa.string()),
                ("run_id", pa.string()),
            ]
        ),
    )
    db.upsert_arrow(con, STORIES, tbl, ["doc_id"])
