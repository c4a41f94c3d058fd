"""Template bulletins: thousands of items sharing most shingles stay bounded (capped LSH buckets)."""

from __future__ import annotations

import random
import time

import duckdb
from test_dedup import add_docs, dup_rows

from parallax import db
from parallax.dedup import deduplicate
from parallax.settings import Settings

TOWNS = ["Ashford", "Brigg", "Crewe", "Dover", "Ely", "Frome", "Goole", "Hythe", "Ilford", "Jarrow"]
MARKETS = ["steady", "firmer", "weaker", "mixed", "quiet", "volatile"]


def _bulletin(rng: random.Random, i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    return (
        f"Market report for {town}. Trading was {rng.choice(MARKETS)} on the morning session, with "
        f"wheat at {rng.randint(150, 260)} per tonne and barley at {rng.randint(120, 220)} per tonne. "
        f"Cattle prices moved {rng.randint(1, 40)} pence per kilo and {rng.randint(100, 900)} head were "
        "sold. The next sale is held on Thursday at the usual hall, and buyers are reminded to register "
        "at the office before bidding opens. Figures are supplied by the auctioneers and may be revised."
    )


def bulletins(n: int, seed: int = 7) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """`n` template bulletins, with planted (copy, original, method) pairs: verbatim and one-word edits."""
    rng = random.Random(seed)
    docs: list[dict] = []
    pairs: list[tuple[str, str, str]] = []
    originals: list[int] = []
    for i in range(n):
        if i > 20 and i % 50 == 0:
            j = rng.choice(originals)
            body = docs[j]["body"]
            if i % 100:
                body = body.replace("usual hall", "main hall")
            docs.append({"doc_id": f"b{i:05d}", "body": body})
            pairs.append((f"b{i:05d}", docs[j]["doc_id"], "near" if i % 100 else "exact"))
        else:
            docs.append({"doc_id": f"b{i:05d}", "body": _bulletin(rng, i)})
            originals.append(i)
    return docs, pairs


def _dedup(
    con: duckdb.DuckDBPyConnection, settings: Settings, docs: list[dict]
) -> tuple[dict[str, tuple], int]:
    ids = add_docs(con, "r1", docs)
    result = deduplicate(con, "r1", ids, settings)
    return dup_rows(con), result.counts["lsh_buckets_capped"]


def test_capped_buckets_decide_as_uncapped_ones(settings: Settings, tmp_path) -> None:
    """On a set small enough to run uncapped, the cap changes no decision."""
    docs, pairs = bulletins(600)
    results = []
    for cap, name in ((10**9, "uncapped"), (20, "capped")):
        con = db.connect(tmp_path / f"{name}.duckdb")
        db.apply_sql(con, settings.sql)
        results.append(_dedup(con, settings.model_copy(update={"lsh_bucket_cap": cap}), docs))
        con.close()
    (uncapped, n_uncapped), (capped, n_capped) = results
    assert n_uncapped == 0 and n_capped > 0
    assert {d: r[:2] for d, r in capped.items()} == {d: r[:2] for d, r in uncapped.items()}
    assert all(capped[c][:2] == (capped[o][0], m) for c, o, m in pairs)


def test_three_thousand_bulletins_are_bounded_and_right(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    docs, pairs = bulletins(3000)
    t0 = time.perf_counter()
    ids = add_docs(con, "r1", docs)
    result = deduplicate(con, "r1", ids, settings)
    seconds = time.perf_counter() - t0
    assert result.counts["lsh_buckets_capped"] > 0  # the cap did apply
    rows = dup_rows(con)
    for copy, original, method in pairs:
        assert rows[copy][:2] == (rows[original][0], method), (copy, original, rows[copy])
    assert seconds < 240, seconds
    # a second night of the same template against the archive: still bounded, copies still found
    more, _ = bulletins(3200)
    extra = more[3000:]
    repeat = {"doc_id": "again", "body": docs[5]["body"]}
    ids2 = add_docs(con, "r2", [*extra, repeat])
    deduplicate(con, "r2", ids2, settings)
    assert dup_rows(con)["again"][:2] == (rows[docs[5]["doc_id"]][0], "exact")
