"""What examining one large story costs: the shipped splitter against the dense one it replaces.

    python -m bench.story_split_cost [--sizes 500 1000 2000 4000 8000] [--dense-max 2000]

Issue 15: "splitting costs grow with the square of a story's size (dense `eigh` up to 2,000
members)". Each size takes that many Reuters-21578 articles (file order, bodies of >= 20 words)
as the members of one story, with the term vectors the stories step stores (`story_terms`:
title and body terms, TF-IDF over the articles; no entity terms, which need the NLP), and hands
them to the splitter the flow runs (`storysplit.split_as_configured`, shipped settings). Articles
of many topics in one story are the worst case: the story is bisected again and again. It prints
the seconds and parts of:

- *shipped*: up to `storysplit.DENSE_MAX_DOCS` members (a story or a part of one) on the dense
  similarity matrix, above that through the term matrix (`storysplit.term_bisection`);
- *dense*: every bisection on the dense matrix (the code before; sizes up to `--dense-max`),
  and whether both give the same parts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from bench._corpus import REUTERS, load_reuters


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[500, 1000, 2000, 4000, 8000])
    ap.add_argument("--dense-max", type=int, default=2000, help="largest size also run the dense way")
    args = ap.parse_args(argv)
    if not REUTERS.exists():
        print(f"corpus not present: {REUTERS}")
        return 0
    from parallax import storysplit
    from parallax.settings import REPO_ROOT, Settings
    from parallax.story_terms import text_terms, tfidf_vector

    settings = Settings(root=REPO_ROOT)
    articles = load_reuters(max(args.sizes))
    counts = [text_terms(a.title, a.body) for a in articles]
    shipped_max = storysplit.DENSE_MAX_DOCS
    print(f"one story of n Reuters articles, split as configured (ncut < {settings.story_split_ncut})")
    for n in args.sizes:
        df: Counter[str] = Counter(t for c in counts[:n] for t in c)
        vectors = {f"d{i:05d}": tfidf_vector(c, dict(df), n) for i, c in enumerate(counts[:n])}
        t0 = time.perf_counter()
        parts = storysplit.split_as_configured(vectors, vectors, {}, settings)
        shipped = time.perf_counter() - t0
        line = f"  n={n}: shipped {shipped:.2f}s, {len(parts)} parts"
        if n <= args.dense_max:
            storysplit.DENSE_MAX_DOCS = n
            try:
                t0 = time.perf_counter()
                dense_parts = storysplit.split_as_configured(vectors, vectors, {}, settings)
                dense = time.perf_counter() - t0
            finally:
                storysplit.DENSE_MAX_DOCS = shipped_max
            same = sorted(map(sorted, parts)) == sorted(map(sorted, dense_parts))
            line += f"; dense {dense:.2f}s, {len(dense_parts)} parts, same parts: {same}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
