"""Where a story split should cut: normalized cuts of single ECB+ events vs merged sister events.

    python -m bench.story_cuts WORK_DB [--all-topics]

Reads the document vectors the flow stored (`intermediate.int_story_doc_terms` of a working
database kept by `python -m bench.stories --keep DIR`: DIR/seed-N/out/.parallax.duckdb.work)
and, per development topic (`bench.entity_links.DEV_TOPICS`), bisects (`parallax.storysplit`)

- each subtopic alone (one event: a split there is wrong), and
- the topic's two subtopics together (two occasions of one kind of event: the split is right),

printing the best cut (`ncut`), its `cut_gap` on the stored vectors (`gap`) and on their entity
and figure terms only (`sig_gap`, `parallax.storysplit.signature`), and how many of each
population a rule "ncut < c and gap >= g" would split, so that a rule is chosen on what
separates the two populations, never on one event.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.entity_links import DEV_TOPICS, ECB_DOCS
from parallax.storysplit import cut_gap, normalized_cut_bisection, signature, similarity_matrix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work_db", type=Path)
    ap.add_argument("--all-topics", action="store_true", help="also held-out topics (report only)")
    args = ap.parse_args(argv)
    import duckdb

    recs = {r["doc"]: r for r in map(json.loads, ECB_DOCS.open(encoding="utf-8"))}
    con = duckdb.connect(str(args.work_db), read_only=True)
    vectors: dict[str, dict[str, float]] = defaultdict(dict)
    for path, term, w in con.execute(
        "select r.path, t.term, t.weight from intermediate.int_story_doc_terms t "
        "join raw.documents r using (doc_id)"
    ).fetchall():
        vectors[Path(path).stem + ".xml"][term] = w
    con.close()
    groups: dict[str, list[str]] = defaultdict(list)
    for doc in sorted(vectors):
        r = recs[doc]
        if args.all_topics or r["topic"] in DEV_TOPICS:
            groups[r["subtopic"]].append(doc)
    rows: list[tuple[str, str, int, float, float, float]] = []
    topics = sorted({s.split("_")[0] for s in groups}, key=int)
    for t in topics:
        subs = [s for s in (f"{t}_ecb", f"{t}_ecbplus") if s in groups]
        cases = [(s, "single", groups[s]) for s in subs]
        if len(subs) == 2:
            cases.append((t, "pair", groups[subs[0]] + groups[subs[1]]))
        for name, kind, docs in cases:
            if len(docs) < 4:
                continue
            sim = similarity_matrix([vectors[d] for d in docs])
            found = normalized_cut_bisection(sim, 2)
            if found is None:
                continue
            mask, ncut = found
            sig = similarity_matrix([signature(vectors[d]) for d in docs])
            rows.append((name, kind, len(docs), ncut, cut_gap(sim, mask), cut_gap(sig, mask)))
    for kind in ("single", "pair"):
        sel = [r for r in rows if r[1] == kind]
        print(f"{kind}: {len(sel)} cases")
        for r in sorted(sel, key=lambda r: r[3]):
            print(f"  {r[0]:>12} n={r[2]:>3} ncut={r[3]:.3f} gap={r[4]:.3f} sig_gap={r[5]:.3f}")
    singles = np.array([[r[3], r[4]] for r in rows if r[1] == "single"])
    pairs = np.array([[r[3], r[4]] for r in rows if r[1] == "pair"])
    if len(singles) and len(pairs):
        for c in (0.5, 0.6, 0.7, 0.8, 0.9):
            for g in (0.0, 0.3, 0.4, 0.5, 0.6):
                s = np.mean((singles[:, 0] < c) & (singles[:, 1] >= g))
                p = np.mean((pairs[:, 0] < c) & (pairs[:, 1] >= g))
                print(f"  ncut<{c} gap>={g}: singles split {s:.3f}, pairs split {p:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
