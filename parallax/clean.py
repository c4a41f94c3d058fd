"""Clean stage: raw.documents -> staging.stg_documents / stg_paragraphs / stg_sentences.

Each document goes through the passes of `parallax.cleantext` (lines, paragraphs, reference rules,
title, learned per-source boilerplate, repeated blocks, sentences, language); every removal is
recorded in audit.removed_boilerplate.

A document whose cleaned body is shorter than `settings.min_body_chars` is not written to
staging: it gets an audit.rejected_files row (reason `no_text`, its path and record) and is not
returned; its raw.documents row stays (raw is what was read).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from parallax import boilerplate as bp
from parallax import db
from parallax.cleantext import (
    WORD,
    Prepared,
    apply_learned,
    finish,
    prepare,
    tail_sentence,
)
from parallax.language import detect_languages
from parallax.settings import Settings
from parallax.stage import StageResult, chunked
from parallax.textnorm import normalized_sha256

# Raw documents read from DuckDB at a time.
READ_CHUNK = 5000

_RAW_COLS = "doc_id, path, record, source, file_sha256, format, title, text, published_at"


def _read_raw(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[dict]:
    view = "_parallax_clean_ids"
    con.register(view, pa.table({"doc_id": pa.array(list(doc_ids), pa.string())}))
    try:
        return db.fetch_arrow(
            con,
            f"select {_RAW_COLS} from raw.documents"
            f" where doc_id in (select doc_id from {view}) order by doc_id",
        ).to_pylist()
    finally:
        con.unregister(view)


def load_ruleset(settings: Settings) -> bp.RuleSet:
    return bp.RuleSet(bp.load_rules(settings.seeds / "boilerplate.csv"))


def clean_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: list[str], settings: Settings
) -> StageResult:
    """Clean raw documents into staging (see module docstring). Returns the ids written to staging."""
    result = StageResult()
    t0 = time.perf_counter()
    rules = load_ruleset(settings)
    ids = sorted(set(doc_ids))
    preps: list[Prepared] = []
    for chunk in chunked(ids, READ_CHUNK):
        batch = [prepare(row, rules) for row in _read_raw(con, chunk)]
        cand = bp.candidates_table(
            (
                (p.doc_id, p.source, p.doc_key, kind, key, text)
                for p in batch
                for kind, key, text in bp.candidate_lines([ln[1] for ln in p.paras], tail_sentence(p))
            ),
            run_id,
        )
        bp.store_candidates(con, [p.doc_id for p in batch], cand)
        preps.extend(batch)
    result.add("documents_in", len(preps))
    learned = bp.learn(
        con, (p.source for p in preps), min_docs=settings.learn_min_docs, min_share=settings.learn_min_share
    )
    result.add("learned_patterns", sum(len(v) for v in learned.patterns.values()))

    now = datetime.now(UTC)
    docs: dict[str, list] = {k: [] for k in _DOC_COLS}
    paras: dict[str, list] = {
        k: [] for k in ("doc_id", "paragraph_index", "start_char", "end_char", "is_heading")
    }
    sents: dict[str, list] = {
        k: [] for k in ("doc_id", "sentence_index", "paragraph_index", "start_char", "end_char", "text")
    }
    removed: dict[str, list] = {k: [] for k in ("doc_id", "start_char", "line_text", "method", "rule")}
    rejected: dict[str, list] = {k: [] for k in ("path", "sha256", "record", "reason", "detail")}
    kept: list[str] = []
    for prep in preps:
        apply_learned(prep, learned)
        c = finish(prep)
        used: set[int] = set()
        for r in sorted(c.removed, key=lambda r: r.start):
            start = r.start
            while start in used:  # (doc_id, start_char) is the audit key: keep it unique
                start += 1
            used.add(start)
            removed["doc_id"].append(c.doc_id)
            removed["start_char"].append(start)
            removed["line_text"].append(r.text)
            removed["method"].append(r.method)
            removed["rule"].append(r.rule)
            result.add(f"removed_{r.method}", 1)
        n_words = len(WORD.findall(c.body))
        if len(c.body) < settings.min_body_chars or n_words == 0:
            rejected["path"].append(prep.path)
            rejected["sha256"].append(prep.file_sha256)
            rejected["record"].append(prep.record)
            rejected["reason"].append("no_text")
            rejected["detail"].append(
                f"cleaned body has {len(c.body)} characters and {n_words} words (minimum"
                f" {settings.min_body_chars} characters) after removing {len(c.removed)}"
                " boilerplate/markup span(s)"
            )
            continue
        kept.append(c.doc_id)
        docs["doc_id"].append(c.doc_id)
        docs["source"].append(prep.source)
        docs["title"].append(c.title)
        docs["body"].append(c.body)
        docs["normalized_sha256"].append(normalized_sha256(c.body))
        docs["word_count"].append(n_words)
        docs["paragraph_count"].append(len(c.paragraphs))
        docs["sentence_count"].append(len(c.sentences))
        docs["published_at"].append(prep.published_at)
        for i, (s, e, h) in enumerate(c.paragraphs):
            paras["doc_id"].append(c.doc_id)
            paras["paragraph_index"].append(i)
            paras["start_char"].append(s)
            paras["end_char"].append(e)
            paras["is_heading"].append(h)
        for i, (s, e, p) in enumerate(c.sentences):
            sents["doc_id"].append(c.doc_id)
            sents["sentence_index"].append(i)
            sents["paragraph_index"].append(p)
            sents["start_char"].append(s)
            sents["end_char"].append(e)
            sents["text"].append(c.body[s:e])

    docs["language"] = detect_languages(
        (f"{t}\n{b}" if t else b for t, b in zip(docs["title"], docs["body"], strict=True)), settings
    )
    docs["nlp_truncated_at"] = [
        settings.max_nlp_chars if len(b) > settings.max_nlp_chars else None for b in docs["body"]
    ]
    result.add(
        "documents_not_model_language",
        sum(lang not in settings.model_language_set for lang in docs["language"]),
    )
    result.add("documents_nlp_truncated", sum(t is not None for t in docs["nlp_truncated_at"]))
    all_ids = [p.doc_id for p in preps]
    for table in ("staging.stg_documents", "staging.stg_paragraphs", "staging.stg_sentences",
                  "audit.removed_boilerplate"):  # fmt: skip
        bp.replace_for_docs(con, table, all_ids)
    db.insert_arrow(con, "staging.stg_documents", _table(docs, run_id, _DOC_TYPES))
    db.insert_arrow(con, "staging.stg_paragraphs", _table(paras, run_id, _PARA_TYPES))
    db.insert_arrow(con, "staging.stg_sentences", _table(sents, run_id, _SENT_TYPES))
    db.insert_arrow(con, "audit.removed_boilerplate", _table(removed, run_id, _REMOVED_TYPES))
    rej = _table(rejected, run_id, _REJ_TYPES)
    if rej.num_rows:
        rej = rej.append_column("rejected_at", pa.array([now] * rej.num_rows, pa.timestamp("us", tz="UTC")))
        db.upsert_arrow(con, "audit.rejected_files", rej, ["path", "sha256", "record"])
    result.doc_ids = kept
    result.add("documents_cleaned", len(kept))
    result.add("documents_rejected", rej.num_rows)
    result.add("paragraphs", len(paras["doc_id"]))
    result.add("sentences", len(sents["doc_id"]))
    result.add("milliseconds", int((time.perf_counter() - t0) * 1000))
    return result


_DOC_COLS = (
    "doc_id", "source", "title", "body", "normalized_sha256", "word_count", "paragraph_count",
    "sentence_count", "published_at", "language", "nlp_truncated_at",
)  # fmt: skip
_DOC_TYPES = {
    "word_count": pa.int32(), "paragraph_count": pa.int32(), "sentence_count": pa.int32(),
    "published_at": pa.timestamp("us", tz="UTC"), "nlp_truncated_at": pa.int32(),
}  # fmt: skip
_PARA_TYPES = {
    "paragraph_index": pa.int32(),
    "start_char": pa.int32(),
    "end_char": pa.int32(),
    "is_heading": pa.bool_(),
}
_SENT_TYPES = {
    "sentence_index": pa.int32(),
    "paragraph_index": pa.int32(),
    "start_char": pa.int32(),
    "end_char": pa.int32(),
}
_REMOVED_TYPES = {"start_char": pa.int32()}
_REJ_TYPES = {"record": pa.int32()}


def _table(cols: dict[str, list], run_id: str, types: dict[str, pa.DataType]) -> pa.Table:
    arrays = {k: pa.array(v, types.get(k, pa.string())) for k, v in cols.items()}
    n = len(next(iter(cols.values()))) if cols else 0
    arrays["run_id"] = pa.array([run_id] * n, pa.string())
    return pa.table(arrays)
