"""The big benchmark: 100,000 articles in nightly batches through `parallax run`, as shipped.

    python -m bench.big_archive [--articles 100000] [--nights 10] [--keep DIR] [--json FILE]

Issue 16's "one big benchmark, run once and reported". The articles are Reuters-21578 (the
articles with a body, file order) replayed with controlled edits until there are `--articles`:
the originals, then copies that mix the first half of one article with the second half of
another (new documents) and, every third copy, known near-duplicates (a few numbers changed, a
paragraph dropped), see `bench._corpus`. They are dealt in order into `--nights` nights; each
night adds one JSON-lines file (title, text, source, published_at) to the input folder and runs
`parallax run` in a fresh process tree (`bench.memory.measure_run`: shipped settings, the settle
wait off because the file was just written), which reports the largest process's peak RSS.

After the last night it times a no-change night and a 1%-new night (new mixes, never seen).
Per night it prints seconds, documents per second, the largest processes' peak RSS and the
database's size; results are written to `--json` after every night, so a stopped run keeps what
it measured.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bench._corpus import Article, load_reuters, mixed_copy, near_copy
from bench.memory import measure_run

NEAR_EVERY = 3  # every third copy of the corpus is a near-duplicate copy


def articles(corpus: Sequence[Article], total: int, first_copy: int = 1) -> Iterator[Article]:
    """`total` articles: the corpus (when `first_copy` is 1), then edited copies (see module doc)."""
    n = len(corpus)
    made = 0
    if first_copy == 1:
        for art in corpus[:total]:
            yield art
            made += 1
    copy = first_copy
    while made < total:
        for i, art in enumerate(corpus):
            if made >= total:
                return
            if copy % NEAR_EVERY == 0:
                yield near_copy(art, copy)
            else:
                yield mixed_copy(art, corpus[(i + copy * 7919 + 1) % n], copy)
            made += 1
        copy += 1


def record(art: Article) -> dict[str, Any]:
    return {"id": art.key, "title": art.title, "text": art.body, "source": art.source}


def write_night(path: Path, arts: Sequence[Article]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for art in arts:
            fh.write(json.dumps(record(art)) + "\n")


def db_size(base: Path) -> int:
    out = base / "out"
    return sum(p.stat().st_size for p in out.glob("*.duckdb*") if p.is_file()) if out.exists() else 0


def night(base: Path, name: str, arts: Sequence[Article], result: dict[str, Any]) -> dict[str, Any]:
    """Add one night's file (none for a no-change night), run it, record and print the figures."""
    if arts:
        write_night(base / "input" / f"{name}.jsonl", arts)
    t0 = time.perf_counter()
    run = measure_run(base, timeout=4 * 3600)
    row = {
        "night": name,
        "articles": len(arts),
        "returncode": run["returncode"],
        "seconds": round(run["seconds"], 1),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "documents_total": run["documents"],
        "peak_rss_bytes": run["peak_rss_bytes"],
        "sampled_peaks": run.get("sampled_peaks", []),
        "db_bytes": db_size(base),
    }
    if run["returncode"] != 0:
        row["log_tail"] = run.get("log_tail", "")
    result["nights"].append(row)
    rate = len(arts) / run["seconds"] if arts and run["seconds"] else 0.0
    print(
        f"{name}: {len(arts)} articles, exit {run['returncode']}, {run['seconds']:.0f}s "
        f"({rate:.1f} articles/s), peak RSS {run['peak_rss_bytes'] / 1e9:.2f} GB, "
        f"documents {run['documents']}, database {row['db_bytes'] / 1e9:.2f} GB",
        flush=True,
    )
    for peak in row["sampled_peaks"][:3]:
        print(f"    {peak['rss'] / 1e9:.2f} GB at {peak['at_s']:7.1f}s  {peak['cmd']}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--nights", type=int, default=10)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--json", type=Path, default=None, help="figures, rewritten after every night")
    args = ap.parse_args(argv)
    try:
        corpus = load_reuters()
    except FileNotFoundError as exc:
        print(exc)
        return 0
    base = args.keep or Path(tempfile.mkdtemp(prefix="parallax-big-"))
    arts = list(articles(corpus, args.articles))
    per_night = math.ceil(len(arts) / args.nights)
    result: dict[str, Any] = {"articles": len(arts), "nights": []}

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")

    print(f"{len(arts)} articles in {args.nights} nights, working in {base}", flush=True)
    try:
        return run_nights(base, corpus, arts, per_night, args.nights, result, save)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def run_nights(
    base: Path,
    corpus: Sequence[Article],
    arts: Sequence[Article],
    per_night: int,
    nights: int,
    result: dict[str, Any],
    save: Callable[[], None],
) -> int:
    """The nights, then a no-change and a 1%-new night; 1 if a night failed."""
    for k in range(nights):
        part = arts[k * per_night : (k + 1) * per_night]
        if not part:
            break
        if night(base, f"night-{k + 1:02d}", part, result)["returncode"] != 0:
            save()
            return 1
        save()
    night(base, "no-change", [], result)
    save()
    # 1% new: copies numbered after every copy used so far, so none was seen
    fresh = list(articles(corpus, max(1, len(arts) // 100), first_copy=len(arts) // len(corpus) + 2))
    night(base, "one-percent", fresh, result)
    save()
    runs = [r for r in result["nights"] if r["night"].startswith("night-")]
    total_s = sum(r["seconds"] for r in runs)
    peak = max((r["peak_rss_bytes"] for r in result["nights"]), default=0)
    print(
        f"total {sum(r['articles'] for r in runs)} articles in {total_s:.0f}s of runs "
        f"({sum(r['articles'] for r in runs) / total_s if total_s else 0:.1f} articles/s); "
        f"largest process peak {peak / 1e9:.2f} GB (bound 2 GB); final database "
        f"{result['nights'][-1]['db_bytes'] / 1e9:.2f} GB",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
