"""Extraction stage, pure side: spaCy over cleaned titles and bodies -> mentions, facts, attributions.

`annotate(docs, nlp, settings, sentences=..., paragraphs=...) -> Annotations` is pure: Arrow in,
Arrow out, no database, so it can run on Dask workers. Mentions carry a within-document canonical
key; nothing here knows about other documents.

The database side (reading the staging rows, resolving names against the archive, writing
`intermediate.int_*`, and `extract_documents`, which does all three around `annotate`) is
`parallax.extract_store`; the Arrow schemas and `Annotations` are in `parallax.schemas`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from parallax.attributions import Attribution, extract_attributions
from parallax.entities import (
    ALL_STEPS,
    DocContext,
    Mention,
    Override,
    build_context,
    clean_mentions,
    is_name_like,
    lexicon_for,
    load_overrides,
    make_mention,
    resolve_within_doc,
    written_as_place,
)
from parallax.facts import Fact, extract_facts
from parallax.measures import MEASURES_FILE, load_measures
from parallax.schemas import (
    ATTRIBUTION_SCHEMA,
    FACT_SCHEMA,
    MENTION_SCHEMA,
    TITLE_SENTENCE,
    Annotations,
)
from parallax.settings import Settings
from parallax.titles import body_names_in_title, model_body, model_text, only_title_words, title_context

__all__ = [
    "ALIASES_FILE",
    "ATTRIBUTION_COMPONENTS",
    "ATTRIBUTION_SCHEMA",
    "ENTITY_COMPONENTS",
    "FACT_SCHEMA",
    "MENTION_SCHEMA",
    "REQUIRED_COMPONENTS",
    "TITLE_SENTENCE",
    "Annotations",
    "annotate",
    "required_components",
]

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


def required_components(attributions: bool = True) -> list[str]:
    """Components `annotate` needs: all of them for attributions and fact measures, else tok2vec+ner."""
    return list(ATTRIBUTION_COMPONENTS if attributions else ENTITY_COMPONENTS)


def _processes(settings: Settings) -> int:
    """spaCy processes for `nlp.pipe`: `n_process`, every core when it is 0 or less (spaCy's -1)."""
    return settings.n_process if settings.n_process > 0 else -1


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
        # shouted runs read in sentence case (same length; every span is cut from the body as written)
        texts.append((model_body(body[:limit], contexts[doc_id], lex), (doc_id, "body")))
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
                        "background_year": f.background_year,
                        "measure_evidence": f.measure_evidence,
                        "measure_class": f.measure_class,
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
