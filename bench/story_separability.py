"""How well the story similarity tells an ECB+ subtopic from its sister subtopic, order aside.

`bench/stories.py` measures the clustering the pipeline builds incrementally; this benchmark
measures the similarity it is built on. For every ECB+ article it draws K other articles of its own
subtopic (the same event) and K of the sister subtopic (same topic: the same kind of event with
similar participants, on another occasion), builds both story centroids the way
`parallax.stories` does (TF-IDF vectors of `text_terms`, corpus IDF, centroid = sum of normalized
vectors) and prints, per story size K and threshold:

- `own`: share of articles whose own story reaches the threshold (a correct join is possible);
- `sister`: share whose sister story reaches it (a wrong join is possible when the article is the
  first of its event to arrive and the sister story already exists);
- `argmax`: share for which the own story scores higher than the sister (both exist).

Document-vs-story cosines against max-link (the best single member) are printed side by side, so a
better similarity shows as a higher `own` at an equal or lower `sister`.

    .venv/bin/python -m bench.story_separability [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict

from bench.stories_inprocess import load_ecbplus
from parallax.story_terms import StoryProfile, story_cosine, text_terms, tfidf_vector

SIZES = (1, 3, 10)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def _sister(subtopic: str) -> str:
    topic, kind = subtopic.split("_")
    return f"{topic}_{'ecbplus' if kind == 'ecb' else 'ecb'}"


def _centroid_cosine(vec: dict[str, float], members: list[dict[str, float]]) -> float:
    story = StoryProfile("bench")
    for m in members:
        story.add(m, None)
    return story_cosine(vec, story)


def _max_link(vec: dict[str, float], members: list[dict[str, float]]) -> float:
    return max(sum(w * m.get(t, 0.0) for t, w in vec.items()) for m in members)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    recs = load_ecbplus()
    if recs is None:
        return 0
    counts = {r["doc"]: text_terms(None, r["text"]) for r in recs}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    vectors = {d: tfidf_vector(c, dict(df), len(recs)) for d, c in counts.items()}
    subtopic = {r["doc"]: r["subtopic"] for r in recs}
    members: dict[str, list[str]] = defaultdict(list)
    for d, s in subtopic.items():
        members[s].append(d)

    rng = random.Random(args.seed)
    print(f"ECB+ separability: articles={len(recs)} subtopics={len(members)} seed={args.seed}")
    for k in (*SIZES, 0):
        rows = []
        for d, s in subtopic.items():
            own = [x for x in members[s] if x != d]
            sister = members.get(_sister(s), [])
            if not own or not sister:
                continue
            if k:
                own, sister = rng.sample(own, min(k, len(own))), rng.sample(sister, min(k, len(sister)))
            ov, sv = [vectors[x] for x in own], [vectors[x] for x in sister]
            rows.append(
                (
                    _centroid_cosine(vectors[d], ov),
                    _centroid_cosine(vectors[d], sv),
                    _max_link(vectors[d], ov),
                    _max_link(vectors[d], sv),
                )
            )
        n = len(rows)
        label = f"K={k}" if k else "K=all"
        argmax = (sum(r[0] > r[1] for r in rows) / n, sum(r[2] > r[3] for r in rows) / n)
        print(f"  {label:6} articles={n} argmax centroid={argmax[0]:.3f} max-link={argmax[1]:.3f}")
        for th in THRESHOLDS:
            cen = (sum(r[0] >= th for r in rows) / n, sum(r[1] >= th for r in rows) / n)
            mx = (sum(r[2] >= th for r in rows) / n, sum(r[3] >= th for r in rows) / n)
            print(
                f"    threshold {th:.2f}: centroid own {cen[0]:.3f} sister {cen[1]:.3f}"
                f" | max-link own {mx[0]:.3f} sister {mx[1]:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
