"""Near-duplicate candidates for `parallax.dedup`: LSH band and containment-anchor channels.

Every function here reads the persisted index (`intermediate.int_lsh_buckets`,
`int_minhash_signatures`) or the batch's own index rows and returns candidate pairs with their
evidence; `parallax.dedup` confirms each candidate with the exact shingle overlap.

Oversized buckets (template bulletins: weather, markets, results share most shingles, so one
band key or anchor can hold thousands of documents) offer at most `Settings.lsh_bucket_cap`
candidates each, the same documents in every bucket (earliest processed in a batch, lowest
doc_id in the archive), as NeMo Curator's bucket anchors and text-dedup's bucket caps do: work is
~ documents x cap instead of ~ documents squared. A copy is still found through the smaller,
more specific buckets it shares with its original, or through the capped members, which are
near-identical to it by construction of such a bucket. The archive lookups scan the bucket
table once per batch (hash join on the batch's keys); an ART index on (band, bucket) was not
added because DuckDB keeps ART indexes in memory and does not use them for joins.
"""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb
import pyarrow as pa

from parallax import db

# Signature values per LSH band. With 128 permutations: 25 bands of 5 rows, so a pair at Jaccard
# 0.8 shares a band with probability 1 - (1 - 0.8**5)**25 > 0.9999; at 0.3 only ~6% (fewer
# candidates to confirm). More rows per band = fewer candidates but lower recall.
BAND_ROWS = 5
# Containment anchors: 1 shingle in ANCHOR_MODULUS is stored (index rows ~ shingles / 8);
# documents with fewer than ANCHOR_KEEP_ALL_BELOW shingles store all of them.
ANCHOR_MODULUS = 8
ANCHOR_KEEP_ALL_BELOW = 64
# A pair is an anchor candidate when it shares at least this share of the anchors a contained
# copy would share (lower = more candidates to confirm, higher recall).
ANCHOR_SHARE = 0.25
# Candidates confirmed per new document at most (best LSH / anchor evidence first).
MAX_CANDIDATES = 64
SIGNATURES = "intermediate.int_minhash_signatures"
BUCKETS = "intermediate.int_lsh_buckets"
ANCHOR_BAND = -1


def _with_ids(con: duckdb.DuckDBPyConnection, ids: list[str], query: str, name: str) -> pa.Table:
    con.register(name, pa.table({"doc_id": pa.array(list(ids), pa.string())}))
    try:
        return db.fetch_arrow(con, query)
    finally:
        con.unregister(name)


def archive_candidates(
    con: duckdb.DuckDBPyConnection,
    band_rows: pa.Table,
    shingle_rows: pa.Table,
    cap: int,
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], dict[str, tuple[int, int]]]:
    """LSH band matches and anchor matches of the batch against the persisted index.

    Only the first `cap` archived documents (by doc_id, the same order in every bucket) of each
    bucket the batch queries are matched (see `Settings.lsh_bucket_cap`).
    Returns (band matches new->old->bands, anchor matches new->old->shared, old -> (shingles, anchors)).
    """
    band_hits: dict[str, dict[str, int]] = defaultdict(dict)
    anchor_hits: dict[str, dict[str, int]] = defaultdict(dict)
    con.register("_dedup_bands", band_rows)
    con.register("_dedup_shingles", shingle_rows)
    try:
        for query, hits in ((_ARCHIVE_BANDS, band_hits), (_ARCHIVE_ANCHORS, anchor_hits)):
            for r in db.fetch_arrow(con, query, [cap]).to_pylist():
                hits[r["new_id"]][r["old_id"]] = int(r["n"])
    finally:
        con.unregister("_dedup_bands")
        con.unregister("_dedup_shingles")
    olds = {o for hits in anchor_hits.values() for o in hits}
    stats: dict[str, tuple[int, int]] = {}
    if olds:
        tbl = _with_ids(
            con,
            sorted(olds),
            f"select s.doc_id, s.shingle_count, s.anchor_count from {SIGNATURES} s "
            "join _dedup_stats i on i.doc_id = s.doc_id",
            "_dedup_stats",
        )
        for r in tbl.to_pylist():
            stats[r["doc_id"]] = (int(r["shingle_count"]), int(r["anchor_count"]))
    return band_hits, anchor_hits, stats


# Index rows of the buckets a batch queries, at most `cap` (the bound parameter) per bucket.
_ARCHIVE_BANDS = f"""
with keys as (select distinct band, bucket from _dedup_bands),
members as (
    select b.band, b.bucket, b.doc_id
    from {BUCKETS} b join keys k on b.band = k.band and b.bucket = k.bucket
    where b.band >= 0
    qualify row_number() over (partition by b.band, b.bucket order by b.doc_id) <= ?
)
select q.doc_id as new_id, m.doc_id as old_id, count(*) as n
from _dedup_bands q join members m on m.band = q.band and m.bucket = q.bucket
where m.doc_id <> q.doc_id
group by all
"""
_ARCHIVE_ANCHORS = f"""
with keys as (select distinct bucket from _dedup_shingles),
members as (
    select b.bucket, b.doc_id
    from {BUCKETS} b join keys k on b.bucket = k.bucket
    where b.band = {ANCHOR_BAND}
    qualify row_number() over (partition by b.bucket order by b.doc_id) <= ?
)
select q.doc_id as new_id, m.doc_id as old_id, count(*) as n
from _dedup_shingles q join members m on m.bucket = q.bucket
where m.doc_id <> q.doc_id
group by all
"""


def batch_candidates(
    con: duckdb.DuckDBPyConnection,
    band_rows: pa.Table,
    shingle_rows: pa.Table,
    anchor_rows: pa.Table,
    band_hits: dict[str, dict[str, int]],
    anchor_hits: dict[str, dict[str, int]],
    cap: int,
) -> int:
    """Add matches against documents of the same batch processed earlier (lower `ord`).

    Each bucket offers its first `cap` documents in processing order (the same documents in every
    bucket, and the likeliest canonical ones). Returns the number of buckets that were capped.
    """
    con.register("_dedup_qb", band_rows)
    con.register("_dedup_qs", shingle_rows)
    con.register("_dedup_qa", anchor_rows)
    try:
        for query, hits in ((_BATCH_BANDS, band_hits), (_BATCH_ANCHORS, anchor_hits)):
            for r in db.fetch_arrow(con, query, [cap]).to_pylist():
                hits[r["new_id"]][r["old_id"]] = int(r["n"])
        capped = db.scalar(
            con,
            "select count(*) from (select 1 from _dedup_qb group by band, bucket having count(*) > ?"
            " union all select 1 from _dedup_qa group by bucket having count(*) > ?)",
            [cap, cap],
        )
    finally:
        for name in ("_dedup_qb", "_dedup_qs", "_dedup_qa"):
            con.unregister(name)
    return int(capped or 0)  # type: ignore[call-overload]


_BATCH_BANDS = """
with capped as (
    select * from _dedup_qb qualify row_number() over (partition by band, bucket order by ord) <= ?
)
select q.doc_id as new_id, b.doc_id as old_id, count(*) as n
from _dedup_qb q join capped b on b.band = q.band and b.bucket = q.bucket and b.ord < q.ord
group by all
"""
_BATCH_ANCHORS = """
with capped as (
    select * from _dedup_qa qualify row_number() over (partition by bucket order by ord) <= ?
)
select q.doc_id as new_id, a.doc_id as old_id, count(*) as n
from _dedup_qs q join capped a on a.bucket = q.bucket and a.ord < q.ord
group by all
"""


# --------------------------------------------------------------------------------------------
# candidate selection


def _anchor_expected(new_shingles: int, old_shingles: int, old_anchors: int) -> float:
    """Shared anchors a contained copy would show: the new document is queried with all of its
    shingles against the anchors the old one stored."""
    if new_shingles <= old_shingles:  # new contained in old: its shingles that old sampled
        old_rate = 1.0 if old_shingles < ANCHOR_KEEP_ALL_BELOW else 1.0 / ANCHOR_MODULUS
        return new_shingles * old_rate
    return float(old_anchors)  # old contained in new: every anchor old stored


def select_candidates(
    band_hits: dict[str, int],
    anchor_hits: dict[str, int],
    new_stats: tuple[int, int],
    old_stats: dict[str, tuple[int, int]],
) -> list[str]:
    """The candidates of one new document to confirm, best evidence first (at most MAX_CANDIDATES):
    every LSH band match, and anchor matches sharing enough of what a contained copy would share."""
    scored: list[tuple[float, str]] = []
    for old, n in band_hits.items():
        scored.append((1000.0 + n, old))
    for old, shared in anchor_hits.items():
        if old in band_hits:
            continue
        st = old_stats.get(old)
        if st is None:
            continue
        expected = _anchor_expected(new_stats[0], st[0], st[1])
        if shared >= max(1, math.floor(ANCHOR_SHARE * expected)):
            scored.append((shared / max(expected, 1.0), old))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [old for _, old in scored[:MAX_CANDIDATES]]
