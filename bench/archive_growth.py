"""Does a night's cost grow with the archive? The same new articles on a small and a large archive.

    python -m bench.archive_growth [--small 3000] [--large 20000] [--new 30] [--repeats 3]
        [--json FILE] [--keep DIR]

Issue 16's line "a 1%-new night at 20,000 archived articles <= 1.3x the same night at 3,000":

1. two archives are built by the nightly flow (`flows.nightly.nightly`, the function `parallax
   run` calls, default settings): the first `--small` Reuters-21578 articles with a body, and the
   first `--large` (topped up with edited mixes of two articles, `bench._corpus.mixed_copy`, when
   the corpus has fewer unseen articles than that), one `.txt` per article;
2. the new night is the corpus's last `--new` articles, the same for both archives and in
   neither;
3. each archive's working folder (input and database) is copied and the new night is run on the
   copy, alternating small and large `--repeats` times, so the two are timed under the same load;
   the ratio is large over small of the median times.

It prints each run's seconds, steps and site build (the site is rebuilt after the steps), and the
ratio (target <= 1.3).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._corpus import Article, load_reuters, mixed_copy, quiet_flow_env, write_articles

TARGET = 1.3


def archive_articles(corpus: list[Article], size: int, reserved: int) -> list[Article]:
    """The first `size` articles, never the last `reserved`; topped up with mixes when short."""
    usable = corpus[: len(corpus) - reserved]
    out = list(usable[:size])
    i = 0
    while len(out) < size:
        a, b = usable[i % len(usable)], usable[(i * 7919 + 13) % len(usable)]
        out.append(mixed_copy(a, b, copy=200_000 + i))
        i += 1
    return out


def night(work: Path) -> dict[str, Any]:
    """Run the nightly flow over `work/input` into `work/out`; seconds and the run summary."""
    from flows.nightly import nightly

    t0 = time.perf_counter()
    summary = nightly(input_dir=str(work / "input"), db_path=str(work / "out" / "parallax.duckdb"))
    return {"seconds": round(time.perf_counter() - t0, 2), "summary": summary}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", type=int, default=3000)
    ap.add_argument("--large", type=int, default=20000)
    ap.add_argument("--new", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="build the archives here and keep them")
    args = ap.parse_args(argv)
    try:
        corpus = load_reuters()
    except FileNotFoundError as exc:
        print(exc)
        return 0
    quiet_flow_env()
    new = corpus[-args.new :]
    root = args.keep or Path(tempfile.mkdtemp(prefix="parallax-growth-"))
    result: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "build": {}, "nights": []}
    try:
        for name, size in (("small", args.small), ("large", args.large)):
            work = root / name
            if (work / "out" / "parallax.duckdb").exists():
                print(f"{name}: reusing {work}", flush=True)
                continue
            write_articles(archive_articles(corpus, size, args.new), work / "input")
            built = night(work)
            result["build"][name] = {
                "articles": size,
                "seconds": built["seconds"],
                "documents_new": built["summary"].get("documents_new"),
            }
            print(f"{name}: built {size} articles in {built['seconds']:.0f}s", flush=True)
        times: dict[str, list[float]] = {"small": [], "large": []}
        for rep in range(args.repeats):
            for name in ("small", "large"):
                copy = root / f"{name}-night"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(root / name, copy)
                write_articles(new, copy / "input")
                ran = night(copy)
                times[name].append(ran["seconds"])
                steps = ran["summary"].get("step_seconds", {})
                result["nights"].append(
                    {
                        "archive": name,
                        "repeat": rep,
                        "seconds": ran["seconds"],
                        "documents_new": ran["summary"].get("documents_new"),
                        "steps": steps,
                        "site": ran["summary"].get("site"),
                        "site_seconds": ran["summary"].get("site_seconds"),
                    }
                )
                listed = ", ".join(f"{k} {float(v):.1f}" for k, v in steps.items())
                print(
                    f"  {name} night {rep + 1}: {ran['seconds']:.1f}s, "
                    f"{ran['summary'].get('documents_new')} new documents; {listed}; "
                    f"site {float(ran['summary'].get('site_seconds') or 0):.1f}",
                    flush=True,
                )
                shutil.rmtree(copy, ignore_errors=True)
        small, large = statistics.median(times["small"]), statistics.median(times["large"])
        ratio = large / small if small else float("inf")
        result.update({"median_small_s": small, "median_large_s": large, "ratio": round(ratio, 3)})
        verdict = "PASS" if ratio <= TARGET else "FAIL"
        print(
            f"{args.new} new articles: {small:.1f}s on {args.small} archived, {large:.1f}s on "
            f"{args.large}: ratio {ratio:.2f} ({verdict} <= {TARGET})"
        )
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
