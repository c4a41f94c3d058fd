"""Bench the marts views, story snapshots and validation on a synthetic archive.

    .venv/bin/python bench/marts.py [--docs 20000] [--run-docs 2000]

Writes consistent upstream rows (documents in stories of 1-8 sources, cleaned bodies, sentences,
mentions whose offsets match the body, entities, facts, attributions) through the Arrow path, split
into an archive run and a last run of `--run-docs` documents, then times a full scan of every view, one
story's rows from every view (what `parallax report` reads), `snapshot_run` and `validate_run` on the
last run, and prints peak RSS. Nothing is downloaded; the database lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import functools
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parallax import db, similarity
from parallax.history import snapshot_run
from parallax.settings import Settings
from parallax.validate import validate_run

T = TypeVar("T")

VIEWS = [
    "dim_documents", "dim_entities", "fct_mentions", "dim_stories", "rpt_entity_coverage",
    "rpt_entity_divergence", "rpt_fact_comparison", "rpt_attribution_comparison", "rpt_source_similarity",
    "rpt_story_changes",
]  # fmt: skip


def build(con: duckdb.DuckDBPyConnection, n_docs: int, run_docs: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(5000)]
    names = [f"Name{i}" for i in range(3000)]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    docs, stg, sents, dups, stories, mentions, facts, attrs = ([] for _ in range(8))
    story_sizes: list[int] = []
    while sum(story_sizes) < n_docs:
        story_sizes.append(int(rng.integers(1, 9)))
    doc_i = 0
    for s_i, size in enumerate(story_sizes):
        story_names = rng.choice(len(names), 12, replace=False)
        for member in range(size):
            if doc_i >= n_docs:
                break
            run = "r-last" if doc_i >= n_docs - run_docs else "r-archive"
            doc_id = f"d{doc_i:07d}"
            source = f"source{(s_i * 7 + member) % 50:02d}"
            pieces, sentence_rows, mention_rows, pos = [], [], [], 0
            for k in range(20):  # 20 sentences of 20 words, 3 of them names
                words = list(rng.choice(vocab, 17))
                picked = [names[j] for j in rng.choice(story_names, 3)]
                for w in picked:
                    words.insert(int(rng.integers(0, len(words))), w)
                text = " ".join(words) + "."
                start = pos
                offset = start
                for w in words:
                    if w.startswith("Name"):
                        mention_rows.append((w, offset, k))
                    offset += len(w) + 1
                sentence_rows.append(
                    {
                        "doc_id": doc_id,
                        "sentence_index": k,
                        "paragraph_index": k // 5,
                        "start_char": start,
                        "end_char": start + len(text),
                        "text": text,
                        "run_id": run,
                    }
                )
                pieces.append(text)
                pos = start + len(text) + 1
            body = " ".join(pieces)
            docs.append(
                {
                    "doc_id": doc_id,
                    "path": f"{source}/{doc_id}.txt",
                    "record": None,
                    "source": source,
                    "file_sha256": doc_id,
                    "content_sha256": doc_id,
                    "format": "text",
                    "title": f"T {doc_id}",
                    "text": body,
                    "ingested_at": t0 + timedelta(seconds=doc_i),
                    "run_id": run,
                }
            )
            stg.append(
                {
                    "doc_id": doc_id,
                    "source": source,
                    "title": f"T {doc_id}",
                    "body": body,
                    "normalized_sha256": doc_id,
                    "word_count": 400,
                    "paragraph_count": 4,
                    "sentence_count": 20,
                    "run_id": run,
                }
            )
            sents.extend(sentence_rows)
            dups.append(
                {
                    "doc_id": doc_id,
                    "canonical_doc_id": doc_id,
                    "cluster_id": doc_id,
                    "method": "canonical",
                    "jaccard": 1.0,
                    "containment": 1.0,
                    "run_id": run,
                }
            )
            stories.append(
                {
                    "doc_id": doc_id,
                    "story_id": f"S{s_i:06d}",
                    "similarity": None,
                    "method": "new_story",
                    "run_id": run,
                }
            )
            for m_i, (w, start, k) in enumerate(mention_rows):
                mentions.append(
                    {
                        "doc_id": doc_id,
                        "mention_index": m_i,
                        "surface_text": w,
                        "label": "PERSON",
                        "model_label": "PERSON",
                        "sentence_index": k,
                        "start_char": start,
                        "end_char": start + len(w),
                        "entity_id": "E" + w,
                        "role": None,
                        "run_id": run,
                    }
                )
            for f_i in range(3):
                w, start, k = mention_rows[f_i]
                facts.append(
                    {
                        "doc_id": doc_id,
                        "fact_type": "money",
                        "value_text": w,
                        "normalized_value": float(rng.integers(1, 4)) * 1e9,
                        "unit": "USD",
                        "measure": ["trade", "aid", "debt"][f_i],
                        "sentence_index": k,
                        "start_char": start,
                        "end_char": start + len(w),
                        "run_id": run,
                    }
                )
                attrs.append(
                    {
                        "doc_id": doc_id,
                        "attribution_index": f_i,
                        "kind": "action",
                        "actor_entity_id": "E" + w,
                        "actor_text": w,
                        "predicate": "raise",
                        "topic": ["trade", "aid", "debt"][f_i],
                        "topic_text": None,
                        "quote": None,
                        "sentence_index": k,
                        "start_char": start,
                        "end_char": start + len(w),
                        "run_id": run,
                    }
                )
            doc_i += 1
    entities = [
        {"entity_id": "E" + n, "canonical_name": n, "label": "PERSON", "roles": [], "run_id": "r-archive"}
        for n in names
    ]
    for table, rows in [
        ("raw.documents", docs),
        ("staging.stg_documents", stg),
        ("staging.stg_sentences", sents),
        ("intermediate.int_document_duplicates", dups),
        ("intermediate.int_document_stories", stories),
        ("intermediate.int_mentions", mentions),
        ("intermediate.int_entities", entities),
        ("intermediate.int_facts", facts),
        ("intermediate.int_attributions", attrs),
    ]:
        db.insert_arrow(con, table, pa.Table.from_pylist(rows))
    con.execute(
        "insert into audit.runs (run_id, started_at, status) values "
        "('r-archive', now() - interval 1 day, 'success'), ('r-last', now(), 'running')"
    )


def timed(label: str, fn: Callable[[], T]) -> T:
    t = time.perf_counter()
    out = fn()
    print(f"{label:55s} {time.perf_counter() - t:8.2f} s")
    return out


def count(con: duckdb.DuckDBPyConnection, view: str, story: str | None) -> int:
    """Rows of a marts view (of one story when given)."""
    if story is None:
        return int(con.execute(f"select count(*) from marts.{view}").fetchall()[0][0])
    return int(con.execute(f"select count(*) from marts.{view} where story_id = ?", [story]).fetchall()[0][0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--run-docs", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "parallax.duckdb")
        con = db.connect(settings.work_db)
        db.apply_sql(con, settings.sql)
        timed(f"build {args.docs} documents", lambda: build(con, args.docs, args.run_docs))
        counts = con.execute(
            "select (select count(*) from intermediate.int_mentions), "
            "(select count(distinct story_id) from intermediate.int_document_stories)"
        ).fetchall()
        print(f"mentions {counts[0][0]}, stories {counts[0][1]}")
        timed("similarity.refresh (every story)", lambda: similarity.refresh(con, "r-last", settings.sql))
        for view in VIEWS:
            timed(f"full scan marts.{view}", functools.partial(count, con, view, None))
        story = con.execute(
            "select story_id from marts.dim_stories order by source_count desc limit 1"
        ).fetchall()[0][0]
        for view in [v for v in VIEWS if v != "dim_entities"]:  # dim_entities spans stories
            timed(f"one story  marts.{view}", functools.partial(count, con, view, story))
        timed("snapshot_run (last run)", lambda: snapshot_run(con, "r-last", settings.sql))
        outcome = timed(
            "validate_run (last run, incl. GX import)", lambda: validate_run(con, "r-last", settings)
        )
        print(outcome.summary())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {rss:.0f} MB")
        con.close()


if __name__ == "__main__":
    main()
