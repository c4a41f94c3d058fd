"""Lee's 50 ABC news articles: do articles people rated dissimilar share a story?

    python -m bench.story_lee [--nights 1] [--max-rating 0.3] [--keep DIR]

Lee, Pincombe & Welsh (2005) had people rate every pair of 50 short ABC news articles for
similarity (1-5, averaged; normalized to 0.2-1.0). The articles and the mean ratings ship in
gensim's test data (`gensim/test/test_data/lee.cor`, `similarities0-1.txt`; gensim is a dev
dependency and is never imported: only these two files are read). The articles are written as
JSON records (no title, date or outlet: the text only, as the corpus has them) and fed to
`flows.nightly.nightly` over `--nights` runs (the same code path and settings as `parallax run`).
From the published file it prints the pairs that share a story with their human rating, and
how many pairs rated <= `--max-rating` share one (issue 15 target: none).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from bench._corpus import quiet_flow_env


def lee_dir() -> Path | None:
    """gensim's test-data folder when gensim is installed (not imported)."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data"
    return path if (path / "lee.cor").exists() and (path / "similarities0-1.txt").exists() else None


def load(data: Path) -> tuple[list[str], list[list[float]]]:
    """The 50 articles and the symmetric matrix of mean human ratings (upper triangle in the file)."""
    texts = [t.strip() for t in (data / "lee.cor").read_text(encoding="latin-1").splitlines() if t.strip()]
    rows = [
        [float(x) for x in line.split()] for line in (data / "similarities0-1.txt").read_text().splitlines()
    ]
    n = len(rows)
    sim = [[rows[min(i, j)][max(i, j)] for j in range(n)] for i in range(n)]
    return texts, sim


def run_nights(texts: list[str], nights: int, tmp: Path) -> Path:
    """Feed the articles to the real flow over `nights` runs; returns the published file."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly

    input_dir, db_path = tmp / "input", tmp / "out" / "parallax.duckdb"
    input_dir.mkdir(parents=True)
    size = -(-len(texts) // nights)
    with prefect_test_harness(server_startup_timeout=180):
        for night in range(nights):
            part = range(night * size, min(len(texts), (night + 1) * size))
            for i in part:
                (input_dir / f"lee-{i:02d}.json").write_text(json.dumps({"text": texts[i]}), encoding="utf-8")
            t0 = time.perf_counter()
            nightly(input_dir=str(input_dir), db_path=str(db_path), run_date=f"2026-01-{night + 1:02d}")
            print(f"  night {night + 1}/{nights}: {len(part)} articles, {time.perf_counter() - t0:.0f}s")
    return db_path


def evaluate(db_path: Path, sim: list[list[float]], max_rating: float) -> list[str]:
    """Same-story pairs with their human rating; the count rated <= max_rating."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("select path, story_id from marts.dim_documents").fetchall()
    finally:
        con.close()
    story = {int(Path(p).stem.split("-")[1]): s for p, s in rows}
    same = [(i, j) for i, j in itertools.combinations(sorted(story), 2) if story[i] == story[j]]
    low = [(i, j) for i, j in same if sim[i][j] <= max_rating]
    lines = [
        f"documents {len(story)} of {len(sim)}, stories {len(set(story.values()))}, "
        f"same-story pairs {len(same)}",
        f"same-story pairs people rated <= {max_rating}: {len(low)} (target 0)",
    ]
    lines += [
        f"  lee-{i:02d} ~ lee-{j:02d}: rated {sim[i][j]:.2f}"
        for i, j in sorted(same, key=lambda p: sim[p[0]][p[1]])
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nights", type=int, default=1)
    ap.add_argument("--max-rating", type=float, default=0.3)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = ap.parse_args(argv)
    data = lee_dir()
    if data is None:
        print("Lee corpus not present (gensim's test data; `make install` installs the dev extras)")
        return 0
    quiet_flow_env()
    texts, sim = load(data)
    print(f"Lee's 50 ABC articles through the nightly flow: {len(texts)} articles, {args.nights} night(s)")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = run_nights(texts, args.nights, args.keep or Path(tmp))
        print("\n".join(evaluate(db_path, sim, args.max_rating)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
