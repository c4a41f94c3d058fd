"""Extraction stage: spaCy over cleaned bodies -> mentions, entities, aliases, facts, attributions.

Two layers:
- `annotate(docs, nlp, settings, sentences=..., paragraphs=...) -> Annotations` is pure: Arrow in,
  Arrow out, no database, so it can run on Dask workers. Mentions carry a within-document
  canonical key; nothing there knows about other documents.
- `extract_documents(con, run_id, doc_ids, settings, nlp) -> StageResult` reads the staging rows,
  calls `annotate`, resolves names against the archive (`parallax.entities.resolve_entities`),
  and writes `intermediate.int_mentions`, `int_entities`, `int_entity_aliases`, `int_facts`,
  `int_attributions`. Rerunning for the same documents replaces their rows; entity ids persist.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from parallax import copies, db
from parallax.attributions import Attribution, extract_attributions
from parallax.entities import (
    ALL_STEPS,
    TITLE_WORDS,
    DocContext,
    DocGroup,
    Evidence,
    KnownEntity,
    Mention,
    Override,
    apart_pairs,
    build_context,
    clean_mentions,
    find_override,
    is_acronym_form,
    is_name_like,
    is_short_form,
    key_for,
    label_class,
    lexicon_for,
    load_overrides,
    make_mention,
    name_key,
    resolve_entities,
    resolve_within_doc,
    short_candidate_ids,
    vote_label,
    written_as_place,
)
from parallax.facts import Fact, extract_facts
from parallax.language import other_language_doc_ids
from parallax.measures import MEASURES_FILE, load_measures
from parallax.settings import Settings
from parallax.stage import StageResult
from parallax.titles import body_names_in_title, model_text, only_title_words, title_context

log = logging.getLogger(__name__)

# Pipeline components each output needs. The parser (the slowest part) is needed only for
# attributions and for the `measure` of facts; the lemmatizer's tables (not its run) feed the
# noise filter's lexicon, so it may stay loaded but disabled.
ENTITY_COMPONENTS: tuple[str, ...] = ("tok2vec", "ner")
ATTRIBUTION_COMPONENTS: tuple[str, ...] = (
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "ner",
)
REQUIRED_COMPONENTS: tuple[str, ...] = ATTRIBUTION_COMPONENTS
ALIASES_FILE = "entity_aliases.csv"
# sentence_index of a span in the title (part = 'title'): stg_sentences split the body only, so a
# title span is in no body sentence; -1 also sorts before the body's first sentence (0).
TITLE_SENTENCE = -1


def required_components(attributions: bool = True) -> list[str]:
    """Components `annotate` needs: all of them for attributions and fact measures, else tok2vec+ner."""
    return list(ATTRIBUTION_COMPONENTS if attributions else ENTITY_COMPONENTS)


MENTION_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("mention_index", pa.int32()),
        ("part", pa.string()),
        ("surface_text", pa.string()),
        ("label", pa.string()),
        ("model_label", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("canonical_name", pa.string()),
        ("canonical_key", pa.string()),
        ("method", pa.string()),
        ("confidence", pa.float64()),
        ("in_heading", pa.bool_()),
        ("key", pa.string()),  # the mention's own name key (canonical_key differs when linked)
        ("as_place", pa.bool_()),  # written as a place here ("in Washington")
    ]
)
FACT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("part", pa.string()),
        ("fact_type", pa.string()),
        ("value_text", pa.string()),
        ("normalized_value", pa.float64()),
        ("unit", pa.string()),
        ("measure", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("lower_value", pa.float64()),
        ("upper_value", pa.float64()),
        ("value_precision", pa.float64()),
        ("is_background", pa.bool_()),
        ("measure_evidence", pa.string()),
    ]
)
ATTRIBUTION_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("attribution_index", pa.int32()),
        ("part", pa.string()),
        ("kind", pa.string()),
        ("actor_key", pa.string()),
        ("actor_text", pa.string()),
        ("predicate", pa.string()),
        ("topic", pa.string()),
        ("topic_text", pa.string()),
        ("quote", pa.string()),
        ("polarity", pa.string()),
        ("cue", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
    ]
)


@dataclass
class Annotations:
    """What `annotate` found, as Arrow tables (see the *_SCHEMA constants)."""

    mentions: pa.Table
    facts: pa.Table
    attributions: pa.Table
    skipped_spans: int = 0


def _rows_by_doc(table: pa.Table | None, cols: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    if table is None or table.num_rows == 0:
        return out
    data = [table.column(c).to_pylist() for c in ("doc_id", *cols)]
    for row in zip(*data, strict=True):
        out[row[0]].append(tuple(row[1:]))
    return out


class _Sentences:
    """sentence_index of a character offset: the stg_sentences row containing it."""

    def __init__(self, rows: list[tuple[Any, ...]] | None, doc: Any):
        if rows:
            rows = sorted(rows, key=lambda r: int(r[1]))
            self.index = [int(r[0]) for r in rows]
            self.starts = [int(r[1]) for r in rows]
        else:  # no clean-stage sentences given (benches): spaCy's own
            sents = list(doc.sents) if doc.has_annotation("SENT_START") else []
            self.index = list(range(len(sents))) or [0]
            self.starts = [s.start_char for s in sents] or [0]

    def of(self, char: int) -> int:
        i = bisect.bisect_right(self.starts, char) - 1
        return self.index[max(i, 0)]


def _title_sentence(_char: int) -> int:
    return TITLE_SENTENCE


def _title_mentions(
    doc: Any, title: str, body_ctx: DocContext, body_mentions: list[Mention], lex: Any, steps: frozenset[str]
) -> list[Mention]:
    """The title's mentions: the tagger's, noise-filtered as a heading with the body's evidence,
    plus the body's names the tagger missed there (parallax.titles)."""
    found = [
        m
        for m in clean_mentions(doc, title_context(title, body_ctx), lex, steps=steps)
        if not only_title_words(m.text)  # "Sheriff", "Deputy" alone in a headline name nobody
    ]
    for s, e, seen in body_names_in_title(title, body_mentions, [(m.start, m.end) for m in found], body_ctx):
        label = "PERSON" if "PERSON" in (seen.label, seen.model_label) else seen.model_label
        m = make_mention(title, s, e, label, in_heading=True, trimmed=False)
        if is_name_like(m.name):
            found.append(m)
    return sorted(found, key=lambda m: (m.start, m.end))


def _published(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def annotate(
    docs: pa.Table,
    nlp: Any,
    settings: Settings,
    sentences: pa.Table | None = None,
    paragraphs: pa.Table | None = None,
    *,
    steps: frozenset[str] = ALL_STEPS,
    overrides: dict[str, Override] | None = None,
) -> Annotations:
    """Run spaCy over `docs` (doc_id, title, body[, published_at]) and return mentions, facts, attributions.

    `sentences`: staging.stg_sentences rows (doc_id, sentence_index, start_char, end_char);
    `paragraphs`: staging.stg_paragraphs rows (doc_id, start_char, end_char, is_heading).
    Titles and bodies go through one `nlp.pipe` as separate texts; every row says its `part`
    ('title' or 'body') and its offsets index that text (title spans have sentence_index
    `TITLE_SENTENCE`). Title and body mentions are resolved together within the document. Texts
    longer than `settings.max_nlp_chars` are truncated (a prefix, so offsets stay valid). Spans
    whose text does not match are skipped with a warning.
    """
    if overrides is None:
        overrides = load_overrides(settings.seeds / ALIASES_FILE)
    ids = docs.column("doc_id").to_pylist()
    bodies = [b or "" for b in docs.column("body").to_pylist()]
    published = (
        [_published(v) for v in docs.column("published_at").to_pylist()]
        if "published_at" in docs.column_names
        else [None] * len(ids)
    )
    pub_by_id = dict(zip(ids, published, strict=True))
    body_by_id = dict(zip(ids, bodies, strict=True))
    sent_rows = _rows_by_doc(sentences, ["sentence_index", "start_char"])
    head_rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    if paragraphs is not None and paragraphs.num_rows:
        for d, s, e, h in zip(
            *(paragraphs.column(c).to_pylist() for c in ("doc_id", "start_char", "end_char", "is_heading")),
            strict=True,
        ):
            if h:
                head_rows[d].append((s, e))
    lex = lexicon_for(nlp)
    measures = load_measures(settings.seeds / MEASURES_FILE)
    limit = settings.max_nlp_chars
    titles = (
        [t or "" for t in docs.column("title").to_pylist()]
        if "title" in docs.column_names
        else [""] * len(ids)
    )
    title_by_id = dict(zip(ids, titles, strict=True))
    # one nlp.pipe over bodies and titles: a document's title follows its body in the stream; the
    # tagger reads a headline in sentence case, from the body's word-case evidence (parallax.titles)
    texts: list[tuple[str, tuple[str, str]]] = []
    n_parts: dict[str, int] = {}
    contexts: dict[str, DocContext] = {}
    for doc_id, body, title in zip(ids, bodies, titles, strict=True):
        contexts[doc_id] = build_context(body[:limit], head_rows.get(doc_id, ()))
        texts.append((body[:limit], (doc_id, "body")))
        n_parts[doc_id] = 1
        if title.strip():
            texts.append((model_text(title[:limit], contexts[doc_id], lex), (doc_id, "title")))
            n_parts[doc_id] = 2

    m_rows: list[dict[str, Any]] = []
    f_rows: list[dict[str, Any]] = []
    a_rows: list[dict[str, Any]] = []
    skipped = 0
    pending: dict[str, dict[str, Any]] = defaultdict(dict)
    for doc, (doc_id, part) in nlp.pipe(
        texts, as_tuples=True, batch_size=settings.nlp_batch_size, n_process=_processes(settings)
    ):
        parsed = pending[doc_id]
        parsed[part] = doc
        if len(parsed) < n_parts[doc_id]:
            continue
        del pending[doc_id]
        body, title = body_by_id[doc_id], title_by_id[doc_id]
        ctx = contexts.pop(doc_id)
        found = {"body": clean_mentions(parsed["body"], ctx, lex, steps=steps)}
        if "title" in parsed:  # after the body: the title's filter uses the body's evidence
            found["title"] = _title_mentions(parsed["title"], title[:limit], ctx, found["body"], lex, steps)
        # one within-document resolution over title and body ("Smith wins" + "John Smith")
        resolve_within_doc([m for ms in found.values() for m in ms], overrides)
        sents = _Sentences(sent_rows.get(doc_id), parsed["body"])
        n_mentions = n_attributions = 0
        for part, mentions in found.items():
            text = body if part == "body" else title
            sentence_of = sents.of if part == "body" else _title_sentence
            good: list[Mention] = []
            for m in mentions:
                if text[m.start : m.end] != m.text or not m.text:
                    log.warning(
                        "skipping bad mention span %s %s[%d:%d] %r", doc_id, part, m.start, m.end, m.text
                    )
                    skipped += 1
                    continue
                good.append(m)
            for m in good:
                m_rows.append(
                    {
                        "doc_id": doc_id,
                        "mention_index": n_mentions,
                        "part": part,
                        "surface_text": m.text,
                        "label": m.label,
                        "model_label": m.model_label,
                        "sentence_index": sentence_of(m.start),
                        "start_char": m.start,
                        "end_char": m.end,
                        "role": m.role,
                        "name": m.name,
                        "canonical_name": m.canonical_name,
                        "canonical_key": m.canonical_key,
                        "method": m.method,
                        "confidence": m.confidence,
                        "in_heading": m.in_heading,
                        "key": m.key,
                        "as_place": written_as_place(m),
                    }
                )
                n_mentions += 1
            facts: list[Fact] = extract_facts(parsed[part], text, pub_by_id.get(doc_id), lex, measures)
            for f in facts:
                if text[f.start : f.end] != f.text:
                    log.warning(
                        "skipping bad fact span %s %s[%d:%d] %r", doc_id, part, f.start, f.end, f.text
                    )
                    skipped += 1
                    continue
                f_rows.append(
                    {
                        "doc_id": doc_id,
                        "part": part,
                        "fact_type": f.fact_type,
                        "value_text": f.text,
                        "normalized_value": f.normalized_value,
                        "unit": f.unit,
                        "measure": f.measure,
                        "sentence_index": sentence_of(f.start),
                        "start_char": f.start,
                        "end_char": f.end,
                        "lower_value": f.lower_value,
                        "upper_value": f.upper_value,
                        "value_precision": f.value_precision,
                        "is_background": f.is_background,
                        "measure_evidence": f.measure_evidence,
                    }
                )
            atts: list[Attribution] = extract_attributions(parsed[part], text, good, lex)
            for a in atts:
                a_rows.append(
                    {
                        "doc_id": doc_id,
                        "attribution_index": n_attributions,
                        "part": part,
                        "kind": a.kind,
                        "actor_key": a.actor_key,
                        "actor_text": a.actor_text,
                        "predicate": a.predicate,
                        "topic": a.topic,
                        "topic_text": a.topic_text,
                        "quote": a.quote,
                        "polarity": a.polarity,
                        "cue": a.cue,
                        "sentence_index": sentence_of(a.start),
                        "start_char": a.start,
                        "end_char": a.end,
                    }
                )
                n_attributions += 1
    return Annotations(
        mentions=pa.Table.from_pylist(m_rows, schema=MENTION_SCHEMA),
        facts=pa.Table.from_pylist(f_rows, schema=FACT_SCHEMA),
        attributions=pa.Table.from_pylist(a_rows, schema=ATTRIBUTION_SCHEMA),
        skipped_spans=skipped,
    )


# --------------------------------------------------------------------------------------------
# database side
# --------------------------------------------------------------------------------------------
def _ids_table(doc_ids: Iterable[str]) -> pa.Table:
    return pa.table({"doc_id": pa.array(sorted(set(doc_ids)), pa.string())})


def read_inputs(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """stg_documents, stg_sentences, stg_paragraphs rows of `doc_ids` (Arrow)."""
    ids = list(doc_ids)
    docs = db.fetch_arrow(
        con,
        "select doc_id, title, body, published_at from staging.stg_documents "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id",
        [ids],
    )
    sents = db.fetch_arrow(
        con,
        "select doc_id, sentence_index, start_char, end_char from staging.stg_sentences "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id, sentence_index",
        [ids],
    )
    paras = db.fetch_arrow(
        con,
        "select doc_id, paragraph_index, start_char, end_char, is_heading from staging.stg_paragraphs "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id, paragraph_index",
        [ids],
    )
    return docs, sents, paras


def _known_entities(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], words: set[str], acronyms: set[str]
) -> dict[str, KnownEntity]:
    """Persisted entities sharing a word with this batch's names, whose initials are one of its
    acronyms, or that one of its one-word names was linked to before (int_entity_aliases), with
    the label classes their mentions outside the batch carry (the SQL filters only narrow;
    `name_key` and the resolver decide)."""
    rows = con.execute(
        r"""
        with named as (
            select entity_id, canonical_name, label,
                   list_filter(
                       regexp_split_to_array(
                           regexp_replace(lower(canonical_name), '[.''’]', '', 'g'), '[\s\-‐–—_/]+'
                       ),
                       lambda w: w <> ''
                   ) as words
            from intermediate.int_entities
        ),
        aliased as (
            select distinct entity_id from intermediate.int_entity_aliases
            where method not in ('exact', 'normalized')
              and lower(regexp_replace(regexp_replace(alias, '[''’]s?$', ''), '[.]', '', 'g'))
                  in (select unnest(?::varchar[]))
        ),
        candidates as (
            select entity_id, canonical_name, label from named
            where list_has_any(words, ?::varchar[])
               or list_aggregate(
                      list_transform(
                          list_filter(words, lambda w: w not in ('of', 'the', 'and', 'for', 'in', 'at', 'a')),
                          lambda w: w[1]
                      ),
                      'string_agg', ''
                  ) in (select unnest(?::varchar[]))
               or entity_id in (select entity_id from aliased)
        ),
        other as (
            select m.entity_id, m.model_label from intermediate.int_mentions m
            join candidates c using (entity_id)
            where m.doc_id not in (select unnest(?::varchar[])) and m.projected_from is null
        )
        select c.entity_id, c.canonical_name, c.label,
               list(distinct o.model_label) filter (where o.model_label is not null)
        from candidates c left join other o using (entity_id)
        group by all
        """,
        [sorted(words), sorted(words), sorted(acronyms), doc_ids],
    ).fetchall()
    out = {}
    for eid, name, label, labels in rows:
        classes = {label_class(x) for x in (labels or [])} | {label_class(label)}
        out[eid] = KnownEntity(eid, name, label, key_for(name, label), classes, set(), new=False)
    return out


def _load_cooccurrence(
    con: duckdb.DuckDBPyConnection, known: dict[str, KnownEntity], cand: list[str], doc_ids: list[str]
) -> None:
    """Fill `cooccurring` for the entities a one-word name of this batch could refer to."""
    if not cand:
        return
    rows = con.execute(
        """
        select a.entity_id, list(distinct b.entity_id)
        from intermediate.int_mentions a
        join intermediate.int_mentions b on a.doc_id = b.doc_id and a.entity_id <> b.entity_id
        where a.entity_id in (select unnest(?::varchar[]))
          and a.doc_id not in (select unnest(?::varchar[])) and a.projected_from is null
        group by 1
        """,
        [cand, doc_ids],
    ).fetchall()
    for eid, others in rows:
        known[eid].cooccurring = set(others or [])


def _archive_aliases(
    con: duckdb.DuckDBPyConnection, known: dict[str, KnownEntity], short_keys: set[str]
) -> dict[str, set[str]]:
    """One-word name key -> known entities it was linked to before (surname, short form, acronym)."""
    aliases: dict[str, set[str]] = defaultdict(set)
    for alias, eid in con.execute(
        "select alias, entity_id from intermediate.int_entity_aliases "
        "where method not in ('exact', 'normalized') and entity_id in (select unnest(?::varchar[]))",
        [sorted(known)],
    ).fetchall():
        key = name_key(alias)
        if key in short_keys:
            aliases[key].add(eid)
    return aliases


def _evidence(
    con: duckdb.DuckDBPyConnection,
    known: dict[str, KnownEntity],
    doc_ids: list[str],
    aliases: dict[str, set[str]],
    overrides: dict[str, Override],
    min_score: float,
) -> Evidence:
    """Archive evidence for cross-document short forms: document frequency of the known
    entities and of the entities they co-occur with, and the archive's size."""
    ids = sorted(set(known) | {x for e in known.values() for x in e.cooccurring})
    df = dict(
        con.execute(
            "select entity_id, count(distinct doc_id) from intermediate.int_mentions "
            "where entity_id in (select unnest(?::varchar[])) "
            "and doc_id not in (select unnest(?::varchar[])) group by 1",
            [ids, doc_ids],
        ).fetchall()
    )
    n_docs = con.execute(
        "select count(distinct doc_id) from intermediate.int_mentions "
        "where doc_id not in (select unnest(?::varchar[]))",
        [doc_ids],
    ).fetchall()[0][0]
    return Evidence(
        df=df, n_docs=int(n_docs or 0), min_score=min_score, aliases=aliases, apart=apart_pairs(overrides)
    )


def _label_votes(
    con: duckdb.DuckDBPyConnection, entity_ids: list[str], doc_ids: list[str]
) -> dict[str, dict[str, float]]:
    """Model-label votes of each entity's mentions outside the batch (titled mentions vote PERSON).

    Mentions projected onto copies are not votes: they repeat their canonical document's."""
    rows = con.execute(
        """
        select entity_id, model_label, count(*), count(role)
        from intermediate.int_mentions
        where entity_id in (select unnest(?::varchar[])) and doc_id not in (select unnest(?::varchar[]))
          and projected_from is null
        group by 1, 2
        """,
        [entity_ids, doc_ids],
    ).fetchall()
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for eid, label, n, titled in rows:
        out[eid][label or "ORG"] += n
        out[eid]["PERSON"] += titled
    return out


def _is_title_role(role: str | None) -> bool:
    return bool(role) and role.split()[-1].casefold() in TITLE_WORDS  # type: ignore[union-attr]


def _processes(settings: Settings) -> int:
    """spaCy processes for `nlp.pipe`: `n_process`, every core when it is 0 or less (spaCy's -1)."""
    return settings.n_process if settings.n_process > 0 else -1


def extract_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: list[str], settings: Settings, nlp: Any
) -> StageResult:
    """Extract, resolve and persist for `doc_ids`; idempotent per document, entity ids stable.

    Documents in a language the model does not read (`settings.model_languages`) are skipped."""
    result = StageResult(doc_ids=list(doc_ids))
    skipped = set(other_language_doc_ids(con, doc_ids, settings))
    result.add("documents_other_language", len(skipped))
    doc_ids = [d for d in doc_ids if d not in skipped]
    if not doc_ids:
        return result
    docs, sents, paras = read_inputs(con, doc_ids)
    present = docs.column("doc_id").to_pylist()
    overrides = load_overrides(settings.seeds / ALIASES_FILE)
    ann = annotate(docs, nlp, settings, sents, paras, overrides=overrides)
    return store_annotations(
        con, run_id, present, ann, overrides, result, min_score=settings.entity_link_min_evidence
    )


def store_annotations(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    present: list[str],
    ann: Annotations,
    overrides: dict[str, Override],
    result: StageResult,
    *,
    min_score: float = Evidence.min_score,
) -> StageResult:
    """Resolve and write `ann` for the documents `present`, adding the evidence counts to `result`."""
    result.add("documents", len(present))
    result.add("skipped_spans", ann.skipped_spans)
    write_annotations(con, run_id, present, ann, overrides, min_score=min_score)
    result.add("mentions", ann.mentions.num_rows)
    result.add("facts", ann.facts.num_rows)
    result.add("attributions", ann.attributions.num_rows)
    n_entities = con.execute(
        "select count(distinct entity_id) from intermediate.int_mentions "
        "where doc_id in (select unnest(?::varchar[]))",
        [present],
    ).fetchall()
    result.add("entities", int(n_entities[0][0]) if n_entities else 0)
    return result


def write_annotations(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    doc_ids: list[str],
    ann: Annotations,
    overrides: dict[str, Override] | None = None,
    *,
    min_score: float = Evidence.min_score,
) -> dict[tuple[str, str], str]:
    """Resolve `ann` against the archive and replace the rows of `doc_ids`.

    Returns (doc_id, canonical_key) -> entity id."""
    overrides = overrides or {}
    m = ann.mentions.to_pylist()

    # ---- document-level groups ------------------------------------------------------------
    per_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in m:
        per_group[(row["doc_id"], row["canonical_key"])].append(row)
    groups = []
    for (doc_id, key), rows in per_group.items():
        groups.append(
            DocGroup(
                doc_id=doc_id,
                key=key,
                name=rows[0]["canonical_name"],
                label=rows[0]["label"],
                classes={label_class(r["model_label"]) for r in rows} | {label_class(rows[0]["label"])},
                override=any(r["method"] == "override" for r in rows),
                mention_count=len(rows),
                acronym=any(is_acronym_form(r["name"]) for r in rows if r["key"] == key),
                place_evidence=any(r["as_place"] for r in rows),
                aliases=frozenset(r["key"] for r in rows if r["key"] and r["key"] != key),
            )
        )

    words = {w for g in groups for w in g.key.split()}
    short = [g for g in groups if is_short_form(g)]
    short_keys = {g.key for g in short}
    known = _known_entities(con, doc_ids, words, {g.key for g in short if g.acronym})
    aliases = _archive_aliases(con, known, short_keys)
    _load_cooccurrence(con, known, sorted(short_candidate_ids(short, known.values(), aliases)), doc_ids)
    evidence = _evidence(con, known, doc_ids, aliases, overrides, min_score)
    resolution, entities = resolve_entities(groups, list(known.values()), evidence)
    ent_by_id = {e.entity_id: e for e in entities}

    # ---- entities: label by vote over the archive and this batch ---------------------------
    touched = sorted({r.entity_id for r in resolution.values()})
    votes = _label_votes(con, touched, doc_ids)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in m:
        eid = resolution[(row["doc_id"], row["canonical_key"])].entity_id
        weight = 0.5 if row["in_heading"] else 1.0
        votes[eid][row["label"]] += weight  # the document-level vote (demonyms, titles, full names)
        if _is_title_role(row["role"]):
            votes[eid]["PERSON"] += 1
            roles[eid].add(row["role"])
    existing = {
        r[0]: (r[1], list(r[2] or []), r[3])
        for r in con.execute(
            "select entity_id, canonical_name, roles, run_id from intermediate.int_entities "
            "where entity_id in (select unnest(?::varchar[]))",
            [touched],
        ).fetchall()
    }
    entity_rows = []
    for eid in touched:
        ent = ent_by_id[eid]
        ov = find_override(overrides, ent.canonical_name)
        label = (
            ov.label if ov is not None and name_key(ov.canonical_name) == ent.key else vote_label(votes[eid])
        )
        name, old_roles, first_run = existing.get(eid, (ent.canonical_name, [], run_id))
        entity_rows.append(
            {
                "entity_id": eid,
                "canonical_name": name,
                "label": label,
                "roles": sorted(set(old_roles) | roles[eid]),
                "run_id": first_run,
            }
        )
    label_of = {r["entity_id"]: r["label"] for r in entity_rows}
    name_of = {r["entity_id"]: r["canonical_name"] for r in entity_rows}

    # ---- mentions --------------------------------------------------------------------------
    mention_rows = []
    alias_best: dict[tuple[str, str], tuple[float, str, str | None]] = {}
    for row in m:
        res = resolution[(row["doc_id"], row["canonical_key"])]
        eid = res.entity_id
        mention_rows.append(
            {
                "doc_id": row["doc_id"],
                "mention_index": row["mention_index"],
                "part": row["part"],
                "surface_text": row["surface_text"],
                "label": label_of[eid],
                "model_label": row["model_label"],
                "sentence_index": row["sentence_index"],
                "start_char": row["start_char"],
                "end_char": row["end_char"],
                "entity_id": eid,
                "role": row["role"],
                "run_id": run_id,
            }
        )
        alias = " ".join(row["surface_text"].split())
        name = name_of[eid]
        if row["method"] == "override" or res.method == "override":
            method, conf, why = "override", 1.0, "seeds/entity_aliases.csv"
        elif res.method not in ("exact", "normalized"):
            method, conf, why = res.method, min(res.confidence, row["confidence"]), res.evidence
        elif row["method"] not in ("exact", "normalized"):
            method, conf, why = row["method"], row["confidence"], f"same document as {name}"
        elif alias == name:
            method, conf, why = "exact", 1.0, ""
        else:
            method, conf, why = "normalized", min(row["confidence"], res.confidence), ""
        prev = alias_best.get((alias, eid))
        if prev is None or conf > prev[0]:
            alias_best[(alias, eid)] = (conf, method, why or None)

    old_entities = [
        r[0]
        for r in con.execute(
            "select distinct entity_id from intermediate.int_mentions "
            "where doc_id in (select unnest(?::varchar[])) "
            "or projected_from in (select unnest(?::varchar[]))",
            [doc_ids, doc_ids],
        ).fetchall()
    ]
    ids = _ids_table(doc_ids)
    con.register("_parallax_extract_ids", ids)
    try:
        for table in ("intermediate.int_mentions", "intermediate.int_facts", "intermediate.int_attributions"):
            db.log_before_images(
                con, table, "t.doc_id in (select doc_id from _parallax_extract_ids)", run_id=run_id, key=[]
            )
            con.execute(
                f"delete from {table} where doc_id in (select doc_id from _parallax_extract_ids)"
            ).fetchall()
    finally:
        con.unregister("_parallax_extract_ids")

    if entity_rows:
        db.upsert_arrow(
            con,
            "intermediate.int_entities",
            pa.Table.from_pylist(
                entity_rows,
                schema=pa.schema(
                    [
                        ("entity_id", pa.string()),
                        ("canonical_name", pa.string()),
                        ("label", pa.string()),
                        ("roles", pa.list_(pa.string())),
                        ("run_id", pa.string()),
                    ]
                ),
            ),
            ["entity_id"],
            run_id=run_id,
        )
    if mention_rows:
        db.insert_arrow(con, "intermediate.int_mentions", pa.Table.from_pylist(mention_rows))

    # aliases keep the run that first recorded them
    if alias_best:
        keys = pa.table(
            {
                "alias": [k[0] for k in alias_best],
                "entity_id": [k[1] for k in alias_best],
            }
        )
        con.register("_parallax_alias_keys", keys)
        try:
            first = {
                (a, e): r
                for a, e, r in con.execute(
                    "select a.alias, a.entity_id, a.run_id from intermediate.int_entity_aliases a "
                    "join _parallax_alias_keys k using (alias, entity_id)"
                ).fetchall()
            }
        finally:
            con.unregister("_parallax_alias_keys")
        alias_rows = [
            {
                "alias": a,
                "entity_id": e,
                "method": method,
                "confidence": round(conf, 3),
                "run_id": first.get((a, e), run_id),
                "evidence": why,
            }
            for (a, e), (conf, method, why) in sorted(alias_best.items())
        ]
        db.upsert_arrow(
            con,
            "intermediate.int_entity_aliases",
            pa.Table.from_pylist(alias_rows),
            ["alias", "entity_id"],
            run_id=run_id,
        )

    # facts and attributions
    if ann.facts.num_rows:
        facts = ann.facts.append_column("run_id", pa.array([run_id] * ann.facts.num_rows, pa.string()))
        db.insert_arrow(con, "intermediate.int_facts", facts)
    if ann.attributions.num_rows:
        att = ann.attributions.to_pylist()
        for row in att:
            actor = resolution.get((row["doc_id"], row["actor_key"]))
            row["actor_entity_id"] = actor.entity_id if actor else None
            row["run_id"] = run_id
            del row["actor_key"]
        db.insert_arrow(con, "intermediate.int_attributions", pa.Table.from_pylist(att))

    # keep other documents' mention labels in step with the entity label vote
    if entity_rows:
        labels = pa.table(
            {"entity_id": [r["entity_id"] for r in entity_rows], "label": [r["label"] for r in entity_rows]}
        )
        con.register("_parallax_entity_labels", labels)
        try:
            db.log_before_images(
                con,
                "intermediate.int_mentions",
                "exists (select 1 from _parallax_entity_labels u where t.entity_id = u.entity_id "
                "and t.label <> u.label)",
                run_id=run_id,
            )
            con.execute(
                "update intermediate.int_mentions m set label = u.label from _parallax_entity_labels u "
                "where m.entity_id = u.entity_id and m.label <> u.label"
            ).fetchall()
        finally:
            con.unregister("_parallax_entity_labels")

    # copies of these documents carry their mentions (re-mapped when the canonical changed)
    copies.project_copies(con, run_id, canonical_ids=doc_ids)

    # entities this batch (or its copies) used to reference and nothing references any more
    gone = sorted(set(old_entities) - set(touched))
    if gone:
        db.log_before_images(
            con,
            "intermediate.int_entities",
            "t.entity_id in (select unnest(?::varchar[])) "
            "and t.entity_id not in (select entity_id from intermediate.int_mentions)",
            [gone],
            run_id=run_id,
        )
        con.execute(
            "delete from intermediate.int_entities where entity_id in (select unnest(?::varchar[])) "
            "and entity_id not in (select entity_id from intermediate.int_mentions)",
            [gone],
        ).fetchall()
        db.log_before_images(
            con,
            "intermediate.int_entity_aliases",
            "t.entity_id in (select unnest(?::varchar[])) "
            "and t.entity_id not in (select entity_id from intermediate.int_entities)",
            [gone],
            run_id=run_id,
        )
        con.execute(
            "delete from intermediate.int_entity_aliases where entity_id in (select unnest(?::varchar[])) "
            "and entity_id not in (select entity_id from intermediate.int_entities)",
            [gone],
        ).fetchall()
    return {k: r.entity_id for k, r in resolution.items()}
