"""Template bulletins bench: thousands of near-identical items (weather, markets, results) in one file.

Items share most of their word shingles, so their LSH band keys and containment anchors fall in
a few huge buckets; without a cap every item is compared with every earlier one (memory and time
~ items squared). The generator is deterministic and writes text of its own (no corpus needed).

    python -m bench.bulletins [--items 3000] [--cap N]

Prints items, seconds and peak RSS of ingest + clean + dedup, and the exact / near / canonical
counts. Ground truth by construction: the `repeat` items are verbatim copies (exact), the `echo`
items one token away from an earlier item (near), the rest differ in several figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

CITIES = [
    "Aberdeen", "Bergen", "Cork", "Dundee", "Exeter", "Galway", "Hull", "Inverness", "Kiel", "Leeds",
    "Malmo", "Nantes", "Oslo", "Perth", "Rouen", "Turku", "Umea", "Vigo", "Wexford", "York",
]  # fmt: skip
SKIES = ["sunny", "cloudy", "overcast", "showers", "fog", "drizzle", "clear", "windy"]


def bulletin(rng: random.Random, i: int) -> dict[str, str]:
    """One weather bulletin: fixed wording, a few figures and words vary."""
    city = CITIES[i % len(CITIES)]
    hi, lo = rng.randint(5, 30), rng.randint(-5, 15)
    wind, rain = rng.randint(5, 60), rng.randint(0, 100)
    sky, later = rng.choice(SKIES), rng.choice(SKIES)
    text = (
        f"Weather for {city}. Today will be {sky} with a high of {hi} degrees and a low of {lo} "
        f"degrees overnight. Winds from the west at {wind} kilometres per hour, with a {rain} percent "
        f"chance of rain in the afternoon. Tomorrow turns {later} with similar temperatures. "
        "Drivers are advised to check road conditions before setting out, and coastal areas may "
        "see higher gusts near the harbour. The next full forecast is issued at six in the morning. "
        "Readings are provided by the regional weather service and may change without notice."
    )
    return {"title": f"{city} weather bulletin {i}", "text": text, "source": "weather-desk"}


def generate(n: int, seed: int = 0) -> tuple[list[dict[str, str]], dict[str, list[tuple[int, int]]]]:
    """`n` bulletins and the (copy, original) index pairs that must share a cluster."""
    rng = random.Random(seed)
    items: list[dict[str, str]] = []
    truth: dict[str, list[tuple[int, int]]] = {"exact": [], "near": []}
    for i in range(n):
        if i >= 10 and i % 97 == 0:  # verbatim repeat of an earlier original
            j = rng.randrange(i)
            while i_is_copy(j, truth):
                j = rng.randrange(i)
            items.append({**items[j], "title": items[j]["title"] + " (repeat)"})
            truth["exact"].append((i, j))
        elif i >= 10 and i % 89 == 0:  # one word changed in an earlier original
            j = rng.randrange(i)
            while i_is_copy(j, truth):
                j = rng.randrange(i)
            text = items[j]["text"].replace("next full forecast", "next short forecast", 1)
            items.append({**items[j], "text": text})
            truth["near"].append((i, j))
        else:
            items.append(bulletin(rng, i))
    return items, truth


def i_is_copy(j: int, truth: dict[str, list[tuple[int, int]]]) -> bool:
    return any(j == c for pairs in truth.values() for c, _ in pairs)


def run(n: int, cap: int | None) -> dict[str, object]:
    from parallax import db
    from parallax.clean import clean_documents
    from parallax.dedup import deduplicate
    from parallax.ingest import ingest_files, scan_inputs
    from parallax.settings import Settings

    items, truth = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input"
        src.mkdir()
        (src / "bulletins.json").write_text(json.dumps(items), encoding="utf-8")
        updates = {"db_path": Path(tmp) / "p.duckdb", "input_dir": src, "max_file_bytes": 10**9}
        if cap is not None:
            updates["lsh_bucket_cap"] = cap
        settings = Settings().model_copy(update=updates)
        con = db.connect(settings.work_db)
        db.apply_sql(con, settings.sql)
        t0 = time.perf_counter()
        scan = scan_inputs(src, settings)
        ids = ingest_files(con, "r1", src, scan.files, settings).doc_ids
        cleaned = clean_documents(con, "r1", ids, settings).doc_ids
        t1 = time.perf_counter()
        result = deduplicate(con, "r1", cleaned, settings)
        t2 = time.perf_counter()
        rows = con.execute(
            "select r.record, d.canonical_doc_id, d.method from intermediate.int_document_duplicates d "
            "join raw.documents r using (doc_id)"
        ).fetchall()
        con.close()
    cluster = {int(rec): c for rec, c, _ in rows}
    method = {int(rec): m for rec, _, m in rows}
    pairs = [(i, j) for i, j in truth["exact"] + truth["near"]]
    # a false merge: two originals (not a planted copy pair) in one cluster
    originals = [i for i in range(n) if not i_is_copy(i, truth)]
    merged = len(originals) - len({cluster.get(i) for i in originals})
    return {
        "items": n,
        "cap": cap,
        "ingest_clean_s": round(t1 - t0, 1),
        "dedup_s": round(t2 - t1, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "counts": {k: v for k, v in result.counts.items() if k in ("canonical", "exact", "near")},
        "exact_found": sum(cluster.get(i) == cluster.get(j) for i, j in truth["exact"]),
        "exact_truth": len(truth["exact"]),
        "near_found": sum(
            cluster.get(i) == cluster.get(j) and method.get(i) != "exact" for i, j in truth["near"]
        ),
        "near_truth": len(truth["near"]),
        "originals_merged": merged,
        "pairs": len(pairs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=3000)
    ap.add_argument("--cap", type=int, default=None, help="lsh_bucket_cap (default: the setting)")
    args = ap.parse_args()
    print(json.dumps(run(args.items, args.cap)))


if __name__ == "__main__":
    main()
