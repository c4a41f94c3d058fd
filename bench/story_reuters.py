"""Topic piles on Reuters: do template items about different companies share a story?

    python -m bench.story_reuters [--n 3000] [--nights 5] [--keep DIR] [--largest 5]
    python -m bench.story_reuters --replay DIR/out/.parallax.duckdb.work   # re-assign stories only

The first `--n` Reuters-21578 articles with a body (file order, February-March 1987) are sorted
by their date and dealt into `--nights` dated nights; each night's articles are one JSON-lines
file (title, text, published_at, source = first `places` code) added to the input folder, and
`flows.nightly.nightly` runs over it, as a scheduler would (the same code path and settings as
`parallax run`). From the published file it prints:

- *ticker pairs*: of the same-story pairs of articles whose headlines both carry company tickers
  (`<AXP>`), the share whose ticker sets are disjoint (template items about different companies;
  issue 15 target <= 10%); also the number of stories holding such pairs;
- the largest stories, with the headlines of a few members;
- the stories step's share of the run time (target < 10%).

Reuters headlines are upper case and carry the ticker verbatim; the ticker set is read from the
corpus record, never from the pipeline's output.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench._corpus import REUTERS, quiet_flow_env

TICKER = re.compile(r"<([A-Z][A-Z0-9.&/-]*)>")


def load(n: int) -> list[dict[str, Any]]:
    """The first `n` Reuters records with a body of >= 20 words, sorted by date (stable)."""
    out: list[dict[str, Any]] = []
    with REUTERS.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if len((rec.get("body") or "").split()) < 20:
                continue
            stamp = rec["date"].split(".")[0].strip()
            try:
                when = datetime.strptime(stamp, "%d-%b-%Y %H:%M:%S")
            except ValueError:  # a few records carry a broken clock time ("605:12:19"): the day only
                when = datetime.strptime(stamp.split()[0], "%d-%b-%Y")
            places = rec.get("places") or []
            out.append(
                {
                    "id": f"r{rec['newid']}",
                    "title": (rec.get("title") or "").strip(),
                    "text": rec["body"],
                    "published_at": when.isoformat() + "Z",
                    "source": str(places[0]) if places else "reuters",
                }
            )
            if len(out) >= n:
                break
    out.sort(key=lambda r: r["published_at"])
    return out


def run_nights(recs: list[dict[str, Any]], nights: int, tmp: Path) -> tuple[Path, list[float]]:
    """Feed `recs` night by night to the real flow; the published file and each night's seconds."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly

    input_dir, db_path = tmp / "input", tmp / "out" / "parallax.duckdb"
    input_dir.mkdir(parents=True)
    size = -(-len(recs) // nights)
    seconds: list[float] = []
    with prefect_test_harness(server_startup_timeout=180):
        for night in range(nights):
            part = recs[night * size : (night + 1) * size]
            if not part:
                break
            with (input_dir / f"night-{night + 1}.jsonl").open("w", encoding="utf-8") as fh:
                for rec in part:
                    fh.write(json.dumps(rec) + "\n")
            t0 = time.perf_counter()
            nightly(input_dir=str(input_dir), db_path=str(db_path), run_date=part[-1]["published_at"][:10])
            seconds.append(time.perf_counter() - t0)
            print(f"  night {night + 1}/{nights}: {len(part)} articles, {seconds[-1]:.0f}s", flush=True)
    return db_path, seconds


def evaluate(db_path: Path, recs: list[dict[str, Any]], nights: int, largest: int) -> list[str]:
    """Ticker-pair share, largest stories and stories-step share from the published file."""
    import duckdb

    size = -(-len(recs) // nights)
    by_key = {(f"night-{i // size + 1}.jsonl", i % size): r for i, r in enumerate(recs)}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        docs = con.execute("select path, record, story_id from marts.dim_documents").fetchall()
        steps = con.execute(
            "select step_seconds['stories'], epoch(finished_at - started_at) from audit.runs"
        ).fetchall()
    finally:
        con.close()
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path, record, story in docs:
        rec = by_key.get((Path(path).name, record))
        if rec is not None and story is not None:
            members[story].append(rec)
    pairs = disjoint = 0
    piles: set[str] = set()
    for story, recs_in in members.items():
        tickered = [set(TICKER.findall(r["title"])) for r in recs_in]
        for a, b in itertools.combinations([t for t in tickered if t], 2):
            pairs += 1
            if not a & b:
                disjoint += 1
                piles.add(story)
    lines = [
        f"documents {len(docs)}, stories {len(members)}, "
        f"largest {max(map(len, members.values()), default=0)}",
        f"same-story headline pairs with tickers: {pairs}; naming different companies: {disjoint} "
        f"= {disjoint / pairs if pairs else 0.0:.3f} (target <= 0.10), in {len(piles)} stories",
    ]
    story_s = sum(float(s or 0.0) for s, _ in steps)
    run_s = sum(float(d or 0.0) for _, d in steps)
    if run_s:
        share = story_s / run_s
        lines.append(f"stories step {story_s:.1f}s of {run_s:.0f}s run time = {share:.3f} (target < 0.10)")
    lines.append("largest stories:")
    for story, recs_in in sorted(members.items(), key=lambda kv: -len(kv[1]))[:largest]:
        heads = "; ".join(r["title"][:60] for r in recs_in[:4])
        lines.append(f"  {story}: {len(recs_in)} articles: {heads}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--nights", type=int, default=5)
    ap.add_argument("--largest", type=int, default=5)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--db", type=Path, default=None, help="score this published file (no flow run)")
    ap.add_argument(
        "--replay",
        type=Path,
        default=None,
        help="re-assign the stories of a kept working database (DIR/out/.parallax.duckdb.work) with "
        "the current code and settings, night by night, and score that (seconds, not a flow run)",
    )
    args = ap.parse_args(argv)
    if not REUTERS.exists():
        print(f"corpus not present: {REUTERS}")
        return 0
    quiet_flow_env()
    recs = load(args.n)
    print(f"Reuters through the nightly flow: {len(recs)} articles, {args.nights} dated nights")
    if args.db:
        print("\n".join(evaluate(args.db, recs, args.nights, args.largest)))
        return 0
    if args.replay:
        from bench.stories import replay

        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(evaluate(replay(args.replay, Path(tmp)), recs, args.nights, args.largest)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        db_path, _ = run_nights(recs, args.nights, work)
        print("\n".join(evaluate(db_path, recs, args.nights, args.largest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
