"""Deduplication benchmark: the pipeline's clean + dedup over Reuters-21578 and AG News.

Per corpus it prints the pairs found, precision and recall against the corpus duplicate lists
and against the exact all-pairs truth (every pair with shingle Jaccard >= near_dup_jaccard or
containment >= near_dup_containment, found by an exhaustive prefix-filter join, so the sampled
lists are not the only reference), recall on synthetic truncated / extended / figure-changed /
retitled copies added on a second (incremental) run, time, and peak memory.

    .venv/bin/python -m bench.dedup [--corpus reuters|ag_news|all] [--synthetic 300] [--limit N]

Documents go through `parallax.clean.clean_documents` (raw.documents rows are inserted first),
exactly as in the flow, into a fresh DuckDB file in a temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from parallax import db
from parallax.dedup import deduplicate
from parallax.settings import REPO_ROOT, Settings
from parallax.shingles import TokenHasher, overlap, shingle_hashes, tokens

CORPORA = (REPO_ROOT.parent / "shared" / "corpora").resolve()

_RAW_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("record", pa.int32()),
        ("source", pa.string()),
        ("file_sha256", pa.string()),
        ("content_sha256", pa.string()),
        ("format", pa.string()),
        ("encoding", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("url", pa.string()),
        ("site_name", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
    ]
)


class RssSampler:
    """Highest resident set size (MB) seen while the block runs (samples /proc every 20 ms)."""

    def __enter__(self) -> RssSampler:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_staging(
    con: duckdb.DuckDBPyConnection, run_id: str, docs: Sequence[dict[str, Any]], settings: Settings
) -> list[str]:
    """Insert records as raw.documents and run the pipeline's clean stage; return staged doc_ids.

    Each record: doc_id, source, title, text, published_at, path, record.
    """
    from parallax.clean import clean_documents

    now = datetime.now(UTC)
    rows = [
        {
            "doc_id": d["doc_id"],
            "path": d.get("path") or d["doc_id"],
            "record": d.get("record"),
            "source": d.get("source") or "bench",
            "file_sha256": _sha(d["doc_id"]),
            "content_sha256": _sha((d.get("title") or "") + "\n" + d["text"]),
            "format": "jsonl",
            "encoding": "utf-8",
            "title": d.get("title"),
            "text": d["text"],
            "url": None,
            "site_name": None,
            "published_at": d.get("published_at"),
            "ingested_at": now,
            "run_id": run_id,
        }
        for d in docs
    ]
    for start in range(0, len(rows), 5000):
        part = pa.Table.from_pylist(rows[start : start + 5000], schema=_RAW_SCHEMA)
        db.upsert_arrow(con, "raw.documents", part, ["doc_id"])
    res = clean_documents(con, run_id, [d["doc_id"] for d in docs], settings)
    staged = set(res.doc_ids)
    return [d["doc_id"] for d in docs if d["doc_id"] in staged]


# --------------------------------------------------------------------------------------------
# exact truth


def true_pairs(
    shingles: dict[str, np.ndarray], jt: float, ct: float
) -> dict[tuple[str, str], tuple[float, float]]:
    """Every pair with Jaccard >= jt or containment >= ct (exhaustive prefix-filter join).

    Both conditions imply an overlap >= min(jt, ct) * the smaller set, so a pair must share one of
    the smaller set's |A| - ceil(min(jt, ct) * |A|) + 1 rarest shingles.
    """
    floor = min(jt, ct)
    postings: dict[int, list[str]] = defaultdict(list)
    for d, s in shingles.items():
        for h in s.tolist():
            postings[h].append(d)
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for a, s in shingles.items():
        if s.size == 0:
            continue
        order = sorted(s.tolist(), key=lambda h: (len(postings[h]), h))
        prefix = order[: s.size - int(np.ceil(floor * s.size - 1e-9)) + 1]
        seen: set[str] = set()
        for h in prefix:
            for b in postings[h]:
                if b == a or b in seen:
                    continue
                seen.add(b)
                sb = shingles[b]
                if sb.size < s.size or (sb.size == s.size and b < a):
                    continue
                j, c = overlap(s, sb)
                if j >= jt or c >= ct:
                    out[(min(a, b), max(a, b))] = (j, c)
    return out


# --------------------------------------------------------------------------------------------
# synthetic copies

_NUM = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def synthetic_copies(
    bodies: dict[str, tuple[str | None, str]], n: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Truncated, extended, figure-changed and retitled copies of sampled documents (>= 30 words).

    An extension is another document's words in reverse order: new text sharing no shingle with
    the corpus (appending a real article would make the copy contain two articles).
    """
    pool = sorted(d for d, (_, b) in bodies.items() if len(b.split()) >= 30)
    if not pool:
        return []
    out: list[dict[str, Any]] = []
    later = datetime(2030, 1, 1, tzinfo=UTC)
    for kind in ("truncated", "extended", "figure", "retitled"):
        for orig in rng.sample(pool, min(n, len(pool))):
            title, body = bodies[orig]
            words = body.split(" ")
            if kind == "truncated":
                new = " ".join(words[: int(len(words) * rng.uniform(0.5, 0.9))])
            elif kind == "extended":
                other = bodies[rng.choice(pool)][1]
                new = body + "\n\n" + " ".join(reversed(other.split(" ")[:60]))
            elif kind == "figure":
                nums = list(_NUM.finditer(body))
                if not nums:
                    continue
                m = rng.choice(nums)
                new = body[: m.start()] + str(int(re.sub(r"\D", "", m.group(0)) or 0) + 7) + body[m.end() :]
            else:
                new, title = body, f"Update: {title or 'untitled'} (revised)"
            out.append(
                {
                    "doc_id": f"syn-{kind}-{orig}",
                    "source": "synthetic",
                    "title": title,
                    "text": new,
                    "published_at": later,
                    "kind": kind,
                    "original": orig,
                }
            )
    return out


# --------------------------------------------------------------------------------------------


def _records(corpus: str, limit: int) -> tuple[list[dict[str, Any]], list[tuple[str, list[str]]]]:
    """Records and gold groups (kind, doc ids) of a corpus."""
    recs: list[dict[str, Any]] = []
    groups: list[tuple[str, list[str]]] = []
    if corpus == "reuters":
        base = CORPORA / "reuters21578"
        for line in (base / "reuters21578.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            if not (r.get("body") or "").strip():
                continue
            try:
                stamp = r["date"].strip().split(".")[0]
                pub = datetime.strptime(stamp, "%d-%b-%Y %H:%M:%S").replace(tzinfo=UTC)
            except (ValueError, KeyError):
                pub = None
            recs.append(
                {
                    "doc_id": f"r{r['newid']}",
                    "source": "reuters",
                    "title": r.get("title"),
                    "text": r["body"],
                    "published_at": pub,
                    "path": "reuters21578.jsonl",
                    "record": int(r["newid"]),
                }
            )
        with (base / "exact_duplicate_groups.csv").open() as f:
            for row in csv.DictReader(f):
                groups.append(("exact", [f"r{i}" for i in row["newids"].split()]))
        with (base / "near_duplicate_pairs_jaccard.csv").open() as f:
            for row in csv.DictReader(f):
                kind = "near>=0.8" if float(row["jaccard_5shingle"]) >= 0.8 else "near<0.8"
                groups.append((kind, [f"r{row['newid_a']}", f"r{row['newid_b']}"]))
    else:
        base = CORPORA / "ag_news"
        for line in (base / "ag_news_test.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            recs.append(
                {
                    "doc_id": f"ag{r['id']}",
                    "source": r.get("source_tag") or "ag_news",
                    "title": r["title"],
                    "text": r["description"],
                    "published_at": None,
                    "path": "ag_news_test.jsonl",
                    "record": int(r["id"]),
                }
            )
        with (base / "duplicate_groups.csv").open() as f:
            for row in csv.DictReader(f):
                groups.append((row["kind"], [f"ag{i}" for i in row["ids"].split()]))
    if limit:
        keep = {r["doc_id"] for r in recs[:limit]}
        recs = recs[:limit]
        groups = [(k, [i for i in ids if i in keep]) for k, ids in groups]
    return recs, groups


def _pairs(ids: Iterable[str]) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in combinations(sorted(set(ids)), 2)}


def _pr(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return f"pairs={len(found)} truth={len(truth)} tp={tp} precision={p:.4f} recall={r:.4f}"


def run_corpus(corpus: str, synthetic: int, limit: int, seed: int) -> None:
    recs, groups = _records(corpus, limit)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(root=REPO_ROOT, db_path=Path(tmp) / "bench.duckdb")
        con = db.connect(settings.work_db)
        db.apply_sql(con, settings.sql)
        t0 = time.perf_counter()
        staged = load_staging(con, "run-1", recs, settings)
        t_clean = time.perf_counter() - t0
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        with RssSampler() as mem:
            res1 = deduplicate(con, "run-1", staged, settings)
        t_dedup = time.perf_counter() - t0
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        rows = db.fetch_arrow(con, "select doc_id, title, body from staging.stg_documents").to_pylist()
        bodies = {r["doc_id"]: (r["title"], r["body"]) for r in rows}
        syn = synthetic_copies(bodies, synthetic, random.Random(seed))
        t0 = time.perf_counter()
        staged2 = load_staging(con, "run-2", syn, settings) if syn else []
        t0 = time.perf_counter()
        res2 = deduplicate(con, "run-2", staged2, settings)
        t_dedup2 = time.perf_counter() - t0
        rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        dup = db.fetch_arrow(
            con, "select doc_id, canonical_doc_id, method from intermediate.int_document_duplicates"
        ).to_pylist()
        rows = db.fetch_arrow(con, "select doc_id, title, body from staging.stg_documents").to_pylist()
        index_rows = con.execute("select count(*) from intermediate.int_lsh_buckets").fetchone()
        con.close()

    canon = {r["doc_id"]: r["canonical_doc_id"] for r in dup}
    clusters: dict[str, list[str]] = defaultdict(list)
    for d, c in canon.items():
        clusters[c].append(d)
    cluster_pairs: set[tuple[str, str]] = set()
    for members in clusters.values():
        cluster_pairs |= _pairs(members)
    edges = {(min(d, c), max(d, c)) for d, c in canon.items() if d != c}

    hasher = TokenHasher()
    shingles = {r["doc_id"]: shingle_hashes(tokens(r["body"]), settings.shingle_size, hasher) for r in rows}
    t0 = time.perf_counter()
    truth = true_pairs(shingles, settings.near_dup_jaccard, settings.near_dup_containment)
    t_truth = time.perf_counter() - t0
    truth_set = set(truth)

    print(f"== {corpus}: {len(recs)} records, {len(staged)} staged (+{len(staged2)} synthetic on run 2)")
    rate = len(staged) / max(t_dedup, 1e-9)
    print(f"  clean {t_clean:.1f}s; dedup run 1 {t_dedup:.1f}s ({rate:.0f} docs/s) counts={res1.counts}")
    print(f"  dedup run 2 (incremental, synthetic copies vs archive) {t_dedup2:.1f}s counts={res2.counts}")
    print(
        f"  memory: RSS during dedup run 1 {mem.start:.0f}MB -> peak {mem.peak:.0f}MB; process peak "
        f"{rss0 / 1024:.0f}MB before dedup, {rss1 / 1024:.0f}MB after run 1, "
        f"{rss2 / 1024:.0f}MB after run 2"
    )
    print(f"  index rows (int_lsh_buckets)={index_rows[0] if index_rows else 0}")
    print(
        f"  clusters with copies: {sum(1 for m in clusters.values() if len(m) > 1)}; "
        f"copies: {sum(1 for d, c in canon.items() if d != c)}"
    )
    staged_all = set(canon)
    for kind in sorted({k for k, _ in groups}):
        gold: set[tuple[str, str]] = set()
        for k, ids in groups:
            if k == kind:
                gold |= _pairs(i for i in ids if i in staged_all)
        tp = len(gold & cluster_pairs)
        in_truth = len(gold & truth_set)
        print(
            f"  gold list '{kind}': pairs={len(gold)} found={tp} recall={tp / max(1, len(gold)):.4f} "
            f"(of which meet the copy thresholds on cleaned bodies: {in_truth}, "
            f"found {len(gold & truth_set & cluster_pairs)})"
        )
    # exact all-pairs truth (J >= t or C >= t on cleaned bodies)
    print(
        f"  vs exhaustive truth (J>={settings.near_dup_jaccard} or C>={settings.near_dup_containment}; "
        f"join {t_truth:.1f}s):"
    )
    print(f"    cluster pairs:  {_pr(cluster_pairs, truth_set)}")
    print(f"    copy->canonical edges: {_pr(edges, truth_set)}")
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for s in syn:
        if s["doc_id"] not in canon:
            continue
        pair = (min(s["doc_id"], s["original"]), max(s["doc_id"], s["original"]))
        if pair in truth_set or s["kind"] == "retitled":
            by_kind[s["kind"]].append(canon[s["doc_id"]] == canon.get(s["original"]))
    for kind, found in sorted(by_kind.items()):
        print(f"  synthetic {kind}: copies={len(found)} recall={sum(found) / max(1, len(found)):.4f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", choices=["reuters", "ag_news", "all"], default="all")
    ap.add_argument("--synthetic", type=int, default=300, help="synthetic copies per kind")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not CORPORA.exists():
        print(f"corpora not present: {CORPORA}")
        return 0
    for corpus in ["reuters", "ag_news"] if args.corpus == "all" else [args.corpus]:
        run_corpus(corpus, args.synthetic, args.limit, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
