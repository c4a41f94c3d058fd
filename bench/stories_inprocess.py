"""SIDE CONFIGURATION, not what ships: story clustering on ECB+ with `assign_stories` called directly.

Articles arrive in a fixed pseudo-random order (ECB+ has no publication dates) over several
runs; each run goes through the pipeline's staging load, dedup and `assign_stories`, so stories
are built incrementally, never in one batch. Optionally the real spaCy NER fills
intermediate.int_mentions first (`--ner`), so entity overlap takes part.

    .venv/bin/python -m bench.stories_inprocess [--runs 5] [--seed 0] [--threshold T] [--split-ncut C]
        [--ner] [--report]

`--report` lists the stories that mix subtopics (with the subtopic counts) and the subtopics
split over several stories, to see which occasions get merged.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
from sklearn.metrics import adjusted_rand_score

from bench.dedup import CORPORA, load_staging
from parallax import db
from parallax.dedup import deduplicate
from parallax.settings import REPO_ROOT, Settings
from parallax.stories import assign_stories

ECBPLUS = CORPORA / "ecbplus" / "ecbplus_docs.jsonl"


def load_ecbplus() -> list[dict[str, Any]] | None:
    """ECB+ articles (doc, topic, subtopic, domain, text), or None (with a message) when absent."""
    if not ECBPLUS.exists():
        print(f"corpus not present: {ECBPLUS}")
        return None
    return [json.loads(line) for line in ECBPLUS.open(encoding="utf-8")]


def purity(truth: list[str], pred: list[str]) -> float:
    by_pred: dict[str, Counter[str]] = defaultdict(Counter)
    for t, p in zip(truth, pred, strict=True):
        by_pred[p][t] += 1
    return sum(c.most_common(1)[0][1] for c in by_pred.values()) / len(truth)


def confusions(truth: list[str], pred: list[str]) -> list[str]:
    """Lines describing merged stories (several subtopics) and split subtopics (several stories)."""
    by_pred: dict[str, Counter[str]] = defaultdict(Counter)
    by_truth: dict[str, Counter[str]] = defaultdict(Counter)
    for t, p in zip(truth, pred, strict=True):
        by_pred[p][t] += 1
        by_truth[t][p] += 1
    lines = [
        f"  merged {p}: " + ", ".join(f"{t}={n}" for t, n in c.most_common())
        for p, c in sorted(by_pred.items(), key=lambda kv: -sum(kv[1].values()))
        if len(c) > 1
    ]
    lines += [
        f"  split {t}: " + "+".join(str(n) for _, n in c.most_common())
        for t, c in sorted(by_truth.items())
        if len(c) > 1
    ]
    return lines


def fill_mentions(con: duckdb.DuckDBPyConnection, run_id: str, ids: list[str], nlp: Any) -> int:
    """Real spaCy NER over the canonical documents into int_mentions (entity id = folded name)."""
    import pyarrow as pa

    from parallax.stage import stable_id

    rows = db.fetch_arrow(
        con, "select doc_id, body from staging.stg_documents where doc_id in (select unnest(?))", [ids]
    ).to_pylist()
    out: dict[str, list] = defaultdict(list)
    for doc, r in zip(nlp.pipe((r["body"] for r in rows), batch_size=64), rows, strict=True):
        for i, ent in enumerate(doc.ents):
            out["doc_id"].append(r["doc_id"])
            out["mention_index"].append(i)
            out["surface_text"].append(ent.text)
            out["label"].append(ent.label_)
            out["model_label"].append(ent.label_)
            out["sentence_index"].append(0)
            out["start_char"].append(ent.start_char)
            out["end_char"].append(ent.end_char)
            out["entity_id"].append(stable_id(ent.label_, " ".join(ent.text.lower().split()), prefix="E"))
            out["run_id"].append(run_id)
    if not out:
        return 0
    tbl = pa.table(dict(out))
    db.upsert_arrow(con, "intermediate.int_mentions", tbl, ["doc_id", "start_char", "end_char"])
    return tbl.num_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--split-ncut", type=float, default=None, help="story_split_ncut (0 = no splitting)")
    ap.add_argument("--ner", action="store_true", help="run spaCy NER to fill int_mentions")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--report", action="store_true", help="list merged stories and split subtopics")
    args = ap.parse_args(argv)

    recs = load_ecbplus()
    if recs is None:
        return 0
    random.Random(args.seed).shuffle(recs)
    if args.limit:
        recs = recs[: args.limit]
    truth_of = {f"ecb-{r['doc']}": r["subtopic"] for r in recs}

    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, float] = {}
        if args.threshold is not None:
            overrides["story_threshold"] = args.threshold
        if args.split_ncut is not None:
            overrides["story_split_ncut"] = args.split_ncut
        settings = Settings(root=REPO_ROOT, db_path=Path(tmp) / "bench.duckdb", **overrides)
        con = db.connect(settings.work_db)
        db.apply_sql(con, settings.sql)
        nlp = None
        if args.ner:
            from parallax.nlp import load_model

            nlp = load_model(settings, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        t0 = time.perf_counter()
        size = -(-len(recs) // args.runs)
        ids_seen: list[str] = []
        for run in range(args.runs):
            part = recs[run * size : (run + 1) * size]
            if not part:
                break
            run_id = f"bench-run-{run}"
            docs = [
                {
                    "doc_id": f"ecb-{r['doc']}",
                    "source": r["domain"] or "ecb",
                    "title": None,
                    "text": r["text"],
                    "published_at": None,
                    "path": r["doc"],
                    "record": None,
                }
                for r in part
            ]
            ids = load_staging(con, run_id, docs, settings)
            canon = deduplicate(con, run_id, ids, settings).doc_ids
            if nlp is not None:
                fill_mentions(con, run_id, canon, nlp)
            assign_stories(con, run_id, ids, settings)
            ids_seen.extend(ids)
        elapsed = time.perf_counter() - t0
        story = dict(con.execute("select doc_id, story_id from intermediate.int_document_stories").fetchall())
        con.close()

    docs_eval = [d for d in ids_seen if d in story]
    truth = [truth_of[d] for d in docs_eval]
    pred = [story[d] for d in docs_eval]
    ari = adjusted_rand_score(truth, pred)
    print(
        f"ECB+ stories: docs={len(docs_eval)} subtopics={len(set(truth))} stories={len(set(pred))} "
        f"runs={args.runs} seed={args.seed} threshold={settings.story_threshold} "
        f"split_ncut={settings.story_split_ncut} ner={args.ner}"
    )
    print(f"  ARI={ari:.4f} purity={purity(truth, pred):.4f} inverse_purity={purity(pred, truth):.4f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  time={elapsed:.1f}s peak_rss={peak_mb:.0f}MB")
    if args.report:
        print("\n".join(confusions(truth, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
