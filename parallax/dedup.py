"""Deduplication: exact and near-duplicate clusters, kept as rows, with a diff of every copy.

Reads `staging.stg_documents` for the new documents; writes `intermediate.int_document_duplicates`
(every new document: canonical ones point to themselves), `intermediate.int_duplicate_diffs` (per
copy, what changed against its canonical: `parallax.copy_diffs`), and the persisted index
`int_minhash_signatures` + `int_lsh_buckets`. Returns the new canonical documents: only they go on
to extraction.

How a copy is found
- Exact: same `normalized_sha256` (case- and whitespace-folded body), new vs new and new vs archive.
- Near: word shingles of the body (digits kept) go through two candidate channels, and every
  candidate is confirmed with the exact shingle Jaccard and containment:
  * MinHash-LSH: `minhash_perm` permutations cut into bands of `BAND_ROWS`; a pair sharing one band
    key is a candidate (probability of being found at Jaccard 0.8: > 0.9999 with 128 permutations).
  * Containment anchors: shingles whose hash is 0 mod `ANCHOR_MODULUS` are stored (all shingles of
    short documents). The choice depends on the shingle only, so a truncated copy's anchors are a
    subset of its original's and an extended copy contains all of its original's: such pairs have a
    low Jaccard that LSH alone misses, but share anchors.
  A pair is a copy when Jaccard >= `near_dup_jaccard` or containment (share of the smaller body's
  shingles found in the other) >= `near_dup_containment`. Titles are not compared: the same body
  under two headlines is a copy, and so is a title-only variant.
  Both channels live in `parallax.candidates`; oversized buckets (template bulletins) offer at
  most `settings.lsh_bucket_cap` candidates each.

Canonical member and the stability policy
- Within a run, documents are processed in priority order: earliest `published_at` first (unknown
  dates last), then the most complete (most words), then doc_id. Each document is compared with
  the archive and with the documents of the run processed before it, so a new cluster's canonical
  member is its earliest, then most complete, document.
- A new document that is a copy of an archived cluster joins that cluster even when it is earlier
  or longer than the archived canonical: canonical ids never change once assigned, so downstream
  ids (extraction, stories) stay stable. The diff still shows what the newcomer adds or changes.
- Copies point to the cluster's canonical (a star, no chains); `jaccard`/`containment` are measured
  against the canonical even when the copy was found through another member.

Incremental and bounded: new documents are processed in batches of `BATCH_DOCS`; a batch reads only
the index rows whose keys it shares and the bodies of its candidates, so the work grows with the
new documents, not with the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from parallax import db
from parallax.candidates import (
    ANCHOR_BAND,
    ANCHOR_KEEP_ALL_BELOW,
    ANCHOR_MODULUS,
    BAND_ROWS,
    BUCKETS,
    SIGNATURES,
    archive_candidates,
    batch_candidates,
    select_candidates,
)
from parallax.copy_diffs import DIFF_SCHEMA, diff_documents
from parallax.settings import Settings
from parallax.shingles import (
    MinHasher,
    TokenHasher,
    anchors,
    as_int64,
    band_keys,
    overlap,
    shingle_hashes,
    tokens,
)
from parallax.stage import StageResult, chunked

# New documents per batch (memory ~ BATCH_DOCS bodies + their shingles).
BATCH_DOCS = 2000

DUPLICATES = "intermediate.int_document_duplicates"
DIFFS = "intermediate.int_duplicate_diffs"


@dataclass
class _Doc:
    doc_id: str
    sha: str
    title: str | None = None
    body: str = ""
    shingles: np.ndarray | None = None


@dataclass
class _Decision:
    canonical: str
    method: str
    jaccard: float | None
    containment: float | None


# --------------------------------------------------------------------------------------------
# public entry point


def deduplicate(
    con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: Sequence[str], settings: Settings
) -> StageResult:
    """Assign every new document to a duplicate cluster; return the new canonical documents.

    Documents that already have a row in `int_document_duplicates` are left as they are (a rerun
    changes nothing) and are returned when they are canonical.
    """
    result = StageResult()
    wanted = list(dict.fromkeys(doc_ids))
    if not wanted:
        return result
    minhasher = MinHasher.create(settings.minhash_perm)
    pending = _pending(con, wanted)
    result.add("documents", len(wanted))
    for batch in chunked(pending, BATCH_DOCS):
        counts = _dedup_batch(con, run_id, batch, settings, minhasher)
        for name, n in counts.items():
            result.add(name, n)
    canon = _canonical_among(con, wanted)
    result.doc_ids = [d for d in wanted if d in canon]
    result.add("canonical_returned", len(result.doc_ids))
    return result


# --------------------------------------------------------------------------------------------
# reading


def _with_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str], query: str, name: str) -> pa.Table:
    con.register(name, pa.table({"doc_id": pa.array(list(ids), pa.string())}))
    try:
        return db.fetch_arrow(con, query)
    finally:
        con.unregister(name)


def _pending(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """New documents not yet deduplicated, in priority order (earliest, then longest)."""
    tbl = _with_ids(
        con,
        ids,
        f"""
        select s.doc_id, s.normalized_sha256 as sha
        from staging.stg_documents s
        join _dedup_ids i on i.doc_id = s.doc_id
        where not exists (select 1 from {DUPLICATES} d where d.doc_id = s.doc_id)
        order by s.published_at nulls last, s.word_count desc, s.doc_id
        """,
        "_dedup_ids",
    )
    return tbl.to_pylist()


def _canonical_among(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    tbl = _with_ids(
        con,
        ids,
        f"select d.doc_id from {DUPLICATES} d join _dedup_ret i on i.doc_id = d.doc_id "
        "where d.method = 'canonical'",
        "_dedup_ret",
    )
    return set(tbl.column("doc_id").to_pylist())


def _fetch_docs(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, _Doc]:
    if not ids:
        return {}
    tbl = _with_ids(
        con,
        sorted(set(ids)),
        "select s.doc_id, s.normalized_sha256, s.title, s.body from staging.stg_documents s "
        "join _dedup_fetch i on i.doc_id = s.doc_id",
        "_dedup_fetch",
    )
    return {
        r["doc_id"]: _Doc(r["doc_id"], r["normalized_sha256"], r["title"], r["body"] or "")
        for r in tbl.to_pylist()
    }


def _archive_exact(con: duckdb.DuckDBPyConnection, shas: Sequence[str]) -> dict[str, str]:
    """normalized_sha256 -> canonical doc of an archived document with that body."""
    if not shas:
        return {}
    con.register("_dedup_shas", pa.table({"sha": pa.array(sorted(set(shas)), pa.string())}))
    try:
        rows = db.fetch_arrow(
            con,
            f"""
            select s.normalized_sha256 as sha, d.canonical_doc_id
            from staging.stg_documents s
            join _dedup_shas q on q.sha = s.normalized_sha256
            join {DUPLICATES} d on d.doc_id = s.doc_id
            order by (d.method = 'canonical') desc, d.canonical_doc_id
            """,
        ).to_pylist()
    finally:
        con.unregister("_dedup_shas")
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(r["sha"], r["canonical_doc_id"])
    return out


def _canonical_of(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    tbl = _with_ids(
        con,
        sorted(set(ids)),
        f"select d.doc_id, d.canonical_doc_id from {DUPLICATES} d join _dedup_can i on i.doc_id = d.doc_id",
        "_dedup_can",
    )
    ids_, canon = tbl.column("doc_id").to_pylist(), tbl.column("canonical_doc_id").to_pylist()
    return dict(zip(ids_, canon, strict=True))


# --------------------------------------------------------------------------------------------
# one batch


def _dedup_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    batch: list[dict[str, Any]],
    settings: Settings,
    minhasher: MinHasher,
) -> dict[str, int]:
    k = settings.shingle_size
    hasher = TokenHasher()
    docs = _fetch_docs(con, [r["doc_id"] for r in batch])
    order = [r["doc_id"] for r in batch if r["doc_id"] in docs]
    archive_exact = _archive_exact(con, [docs[d].sha for d in order])

    # Exact groups: the first document (priority order) with a body not seen in the archive leads.
    leader_of_sha: dict[str, str] = {}
    leaders: list[str] = []
    followers: dict[str, str] = {}
    for d in order:
        sha = docs[d].sha
        if sha in archive_exact:
            continue
        if sha in leader_of_sha:
            followers[d] = leader_of_sha[sha]
        else:
            leader_of_sha[sha] = d
            leaders.append(d)

    # Signatures, band keys and anchors of the leaders.
    rows_bands: dict[str, np.ndarray] = {}
    rows_anchors: dict[str, np.ndarray] = {}
    sigs: dict[str, np.ndarray] = {}
    for d in leaders:
        doc = docs[d]
        doc.shingles = shingle_hashes(tokens(doc.body), k, hasher)
        sigs[d] = minhasher.signature(doc.shingles)
        rows_bands[d] = band_keys(sigs[d], BAND_ROWS) if doc.shingles.size else np.empty(0, np.int64)
        rows_anchors[d] = as_int64(anchors(doc.shingles, ANCHOR_MODULUS, ANCHOR_KEEP_ALL_BELOW))

    # Query rows (all shingles, band keys) and the batch's own index rows, with processing order.
    order_of = {d: i for i, d in enumerate(leaders)}

    def rows_table(arrays: dict[str, np.ndarray], band_of: Any = None) -> pa.Table:
        ids_col = [d for d in leaders for _ in range(arrays[d].size)]
        return pa.table(
            {
                "doc_id": pa.array(ids_col, pa.string()),
                "ord": pa.array([order_of[d] for d in ids_col], pa.int32()),
                "band": pa.array(
                    np.concatenate([band_of(d) for d in leaders]).astype(np.int16)
                    if leaders and band_of is not None
                    else np.full(len(ids_col), ANCHOR_BAND, np.int16)
                ),
                "bucket": pa.array(
                    np.concatenate([arrays[d] for d in leaders]) if leaders else np.empty(0, np.int64)
                ),
            }
        )

    band_tbl = rows_table(rows_bands, lambda d: np.arange(rows_bands[d].size))
    shingle_tbl = rows_table({d: as_int64(_shingles(docs[d])) for d in leaders})
    anchor_tbl = rows_table(rows_anchors)
    cap = settings.lsh_bucket_cap
    band_hits, anchor_hits, old_stats = archive_candidates(con, band_tbl, shingle_tbl, cap)
    # Within the batch a document is compared with the documents processed before it only.
    capped = batch_candidates(con, band_tbl, shingle_tbl, anchor_tbl, band_hits, anchor_hits, cap)
    stats = {**old_stats, **{d: (int(_shingles(docs[d]).size), int(rows_anchors[d].size)) for d in leaders}}
    candidates: dict[str, list[str]] = {
        d: select_candidates(band_hits.get(d, {}), anchor_hits.get(d, {}), stats[d], stats) for d in leaders
    }

    in_batch = set(leaders)
    archive_ids = {c for cs in candidates.values() for c in cs if c not in in_batch}
    canon_of = _canonical_of(con, sorted(archive_ids))
    canon_of.update({v: v for v in archive_exact.values()})
    extra = set(archive_ids) | set(canon_of.values()) | set(archive_exact.values())
    archive_docs = _fetch_docs(con, sorted(extra - set(docs)))
    pool: dict[str, _Doc] = {**archive_docs, **docs}

    def shingles_of(doc_id: str) -> np.ndarray:
        doc = pool[doc_id]
        if doc.shingles is None:
            doc.shingles = shingle_hashes(tokens(doc.body), k, hasher)
        return doc.shingles

    jt, ct = settings.near_dup_jaccard, settings.near_dup_containment
    decisions: dict[str, _Decision] = {}
    for d in leaders:
        best: tuple[float, float, str] | None = None
        for c in candidates[d]:
            cluster = decisions[c].canonical if c in decisions else canon_of.get(c)
            if cluster is None or cluster not in pool:
                continue
            j, cont = overlap(shingles_of(d), shingles_of(c))
            if j >= jt or cont >= ct:
                score = (max(j, cont), j, c)
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is None:
            decisions[d] = _Decision(d, "canonical", None, None)
            continue
        cand = best[2]
        cluster = decisions[cand].canonical if cand in decisions else canon_of[cand]
        decisions[d] = _copy_decision(pool, d, cluster, shingles_of)
    for d, leader in followers.items():
        decisions[d] = _copy_decision(pool, d, decisions[leader].canonical, shingles_of)
    for d in order:
        if d in decisions:
            continue
        decisions[d] = _copy_decision(pool, d, archive_exact[docs[d].sha], shingles_of)

    # Diffs of every copy against its canonical.
    diff_rows: list[dict[str, Any]] = []
    for d in order:
        dec = decisions[d]
        if dec.method == "canonical":
            continue
        canon, copy = pool[dec.canonical], pool[d]
        for i, ch in enumerate(diff_documents(canon.title, canon.body, copy.title, copy.body)):
            diff_rows.append({"doc_id": d, "change_index": i, "canonical_doc_id": dec.canonical, **ch})

    dup_tbl = pa.table(
        {
            "doc_id": pa.array(order, pa.string()),
            "canonical_doc_id": pa.array([decisions[d].canonical for d in order], pa.string()),
            "cluster_id": pa.array([decisions[d].canonical for d in order], pa.string()),
            "method": pa.array([decisions[d].method for d in order], pa.string()),
            "jaccard": pa.array([decisions[d].jaccard for d in order], pa.float64()),
            "containment": pa.array([decisions[d].containment for d in order], pa.float64()),
            "run_id": pa.array([run_id] * len(order), pa.string()),
        }
    )
    db.upsert_arrow(con, DUPLICATES, dup_tbl, ["doc_id"])
    if diff_rows:
        diff_tbl = pa.Table.from_pylist([{**r, "run_id": run_id} for r in diff_rows], schema=DIFF_SCHEMA)
        db.upsert_arrow(con, DIFFS, diff_tbl, ["doc_id", "change_index"])

    indexed = [d for d in leaders if _shingles(docs[d]).size]
    sig_tbl = pa.table(
        {
            "doc_id": pa.array(indexed, pa.string()),
            "shingle_count": pa.array([int(_shingles(docs[d]).size) for d in indexed], pa.int32()),
            "anchor_count": pa.array([int(rows_anchors[d].size) for d in indexed], pa.int32()),
            "signature": pa.array([sigs[d] for d in indexed], pa.list_(pa.uint32())),
            "run_id": pa.array([run_id] * len(indexed), pa.string()),
        }
    )
    db.upsert_arrow(con, SIGNATURES, sig_tbl, ["doc_id"])
    idx_ids: list[str] = []
    idx_band: list[np.ndarray] = []
    idx_bucket: list[np.ndarray] = []
    for d in indexed:
        nb, na = rows_bands[d].size, rows_anchors[d].size
        idx_ids.extend([d] * (nb + na))
        idx_band.append(np.arange(nb, dtype=np.int16))
        idx_band.append(np.full(na, ANCHOR_BAND, dtype=np.int16))
        idx_bucket.append(rows_bands[d])
        idx_bucket.append(rows_anchors[d])
    bucket_tbl = pa.table(
        {
            "doc_id": pa.array(idx_ids, pa.string()),
            "band": pa.array(np.concatenate(idx_band) if idx_band else np.empty(0, np.int16)),
            "bucket": pa.array(np.concatenate(idx_bucket) if idx_bucket else np.empty(0, np.int64)),
            "run_id": pa.array([run_id] * len(idx_ids), pa.string()),
        }
    )
    db.upsert_arrow(con, BUCKETS, bucket_tbl, ["doc_id"])

    methods = [decisions[d].method for d in order]
    return {
        "canonical": methods.count("canonical"),
        "exact": methods.count("exact"),
        "near": methods.count("near"),
        "diff_rows": len(diff_rows),
        "indexed": len(indexed),
        "lsh_buckets_capped": capped,
    }


def _shingles(doc: _Doc) -> np.ndarray:
    assert doc.shingles is not None
    return doc.shingles


def _copy_decision(pool: dict[str, _Doc], doc_id: str, canonical: str, shingles_of: Any) -> _Decision:
    if pool[doc_id].sha == pool[canonical].sha:
        return _Decision(canonical, "exact", 1.0, 1.0)
    j, c = overlap(shingles_of(doc_id), shingles_of(canonical))
    return _Decision(canonical, "near", round(j, 6), round(c, 6))
