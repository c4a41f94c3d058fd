"""Conflict flags on ECB+ development events nobody annotated: what an analyst would be shown.

    python -m bench.figures_unseen [--runs 2] [--keep DIR] [--verbose] [--subtopic 25_ecb ...]

`bench.figures` measures precision on 12 annotated events, which the figure rules were written
against. This bench feeds other development events (sports, awards, business, technology, crime;
`DEFAULT`) through the same nightly flow (`bench.figures.run_pipeline`: the documents in `--runs`
batches into a temporary database) and prints, from the published `marts.rpt_fact_comparison`,
how many figures are flagged as conflicts and under which keys, with `--verbose` each flagged
figure's sentence, to be judged by hand. It has no gold: its number is the flags an analyst has to
read, and the verbose list is what to judge.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import ECBPLUS, ecb_docs, run_pipeline  # noqa: E402

# development subtopics without figure gold (see bench.figures for the annotated ones)
DEFAULT = (
    "2_ecb", "5_ecb", "6_ecb", "25_ecb", "29_ecb", "33_ecb", "39_ecb", "40_ecb", "44_ecb",
    "11_ecb", "16_ecbplus", "18_ecbplus", "21_ecbplus", "22_ecbplus", "26_ecbplus", "30_ecbplus",
    "36_ecb", "42_ecb",
)  # fmt: skip

_FLAGGED_SQL = """
    select story_id, measure, coalesce(unit, '') as unit, source, value_text, is_conflict, sentence
    from marts.rpt_fact_comparison
    where (story_id, measure, coalesce(unit, '')) in (
        select (story_id, measure, coalesce(unit, '')) from marts.rpt_fact_comparison where is_conflict
    )
    order by story_id, measure, unit, normalized_value
"""


def flags(db_path: Path) -> tuple[dict[str, int], dict[tuple[str, str, str], list[tuple[Any, ...]]]]:
    """(counts: rows, compared rows, flagged rows, flagged keys; the rows of each flagged key)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows, compared, flagged = con.execute(
            "select count(*), count(sources_reporting_measure), count(*) filter (where is_conflict) "
            "from marts.rpt_fact_comparison"
        ).fetchone() or (0, 0, 0)
        keys: dict[tuple[str, str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for story, measure, unit, source, text, conflict, sentence in con.execute(_FLAGGED_SQL).fetchall():
            keys[(story, measure, unit)].append((source, text, conflict, sentence))
    finally:
        con.close()
    counts = {"rows": rows, "compared": compared, "flagged": flagged, "flagged keys": len(keys)}
    return counts, keys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subtopic", action="append", help="ECB+ subtopics (default: DEFAULT)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="run in this folder and keep it")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    if not ECBPLUS.exists():
        print(f"skipped: {ECBPLUS} not found")
        return 0
    docs = ecb_docs(set(args.subtopic or DEFAULT))
    root = args.keep or Path(tempfile.mkdtemp(prefix="parallax-unseen-"))
    root.mkdir(parents=True, exist_ok=True)
    db_path = run_pipeline(docs, root, args.runs)
    counts, keys = flags(db_path)
    print(
        f"{len(docs)} documents of {len(set(r['subtopic'] for r in docs.values()))} events: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    for (story, measure, unit), members in sorted(keys.items()) if args.verbose else ():
        print(f"== {story[:9]} {measure} {unit}")
        for source, text, conflict, sentence in members:
            print(f"   {'C' if conflict else ' '} {source[:22]:22} {text!r:30} | {(sentence or '')[:140]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
