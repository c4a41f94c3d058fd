"""Conflict flags on ECB+ development events nobody annotated: what an analyst would be shown.

    python -m bench.figures_unseen [--runs 2] [--keep DIR] [--verbose] [--subtopic 25_ecb ...]
    python -m bench.figures_unseen --db PUBLISHED.duckdb [--verbose]   (judge a kept run again)

`bench.figures` measures precision on 21 annotated events, which most figure rules were written
against. This bench feeds the 21 other development events (sports, awards, business, technology,
crime, disasters; `DEFAULT`) through the same nightly flow (`bench.figures.run_pipeline`: the
documents in `--runs` batches into a temporary database) and prints, from the published
`marts.rpt_fact_comparison`, how many figures are flagged as conflicts and under which keys.
There is no figure gold for these events. Instead, flagged figures are judged by hand in
`figures_unseen_judged.jsonl` (real: the figure truly disagrees with another outlet's figure of the
same thing), and the bench prints the precision of the flags judged and how many flagged rows
are not judged yet; `--verbose` lists every flagged key with its rows (R real, F not real, ? not
judged, with the line to judge it by). Recall is not measured here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import ECBPLUS, ecb_docs, run_pipeline  # noqa: E402

# flagged figures judged by hand: {"doc", "value", "sentence" (its first words), "real", "why"}; "real"
# means the figure truly disagrees with another outlet's figure of the same thing in its story
JUDGED = REPO / "bench" / "figures_unseen_judged.jsonl"

# development subtopics without figure gold (see bench.figures for the annotated ones)
DEFAULT = (
    "2_ecb", "5_ecb", "6_ecb", "25_ecb", "29_ecb", "33_ecb", "39_ecb", "40_ecb", "44_ecb",
    "26_ecbplus", "42_ecb",
    "2_ecbplus", "5_ecbplus", "6_ecbplus", "25_ecbplus", "29_ecbplus", "34_ecb", "34_ecbplus",
    "39_ecbplus", "40_ecbplus", "42_ecbplus",
)  # fmt: skip

_FLAGGED_SQL = """
    select story_id, measure, coalesce(unit, '') as unit, source, value_text, is_conflict, sentence, path
    from marts.rpt_fact_comparison join marts.dim_documents using (doc_id, story_id, source)
    where (story_id, measure, coalesce(unit, '')) in (
        select (story_id, measure, coalesce(unit, '')) from marts.rpt_fact_comparison where is_conflict
    )
    order by story_id, measure, unit, normalized_value
"""


def load_judged(path: Path = JUDGED) -> dict[tuple[str, str, str], bool]:
    """(document, figure text, first words of its sentence) -> whether the flag is real."""
    if not path.exists():
        return {}
    out: dict[tuple[str, str, str], bool] = {}
    for line in path.open(encoding="utf-8"):
        if line.strip():
            j = json.loads(line)
            out[(j["doc"], j["value"], j["sentence"])] = bool(j["real"])
    return out


def judged_key(path: str, value: str, sentence: str | None) -> tuple[str, str, str]:
    """The judgement key of a row: its ECB+ document (the file's name), text and first words."""
    return (Path(path).stem, value, " ".join((sentence or "").split()[:8]))


def flags(db_path: Path) -> tuple[dict[str, int], dict[tuple[str, str, str], list[tuple[Any, ...]]]]:
    """(counts: rows, compared rows, flagged rows, flagged keys; the rows of each flagged key: source,
    text, flagged, sentence, judgement key)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows, compared, flagged = con.execute(
            "select count(*), count(sources_reporting_measure), count(*) filter (where is_conflict) "
            "from marts.rpt_fact_comparison"
        ).fetchone() or (0, 0, 0)
        keys: dict[tuple[str, str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for row in con.execute(_FLAGGED_SQL).fetchall():
            story, measure, unit, source, text, conflict, sentence, path = row
            key = judged_key(path, text, sentence)
            keys[(story, measure, unit)].append((source, text, conflict, sentence, key))
    finally:
        con.close()
    counts = {"rows": rows, "compared": compared, "flagged": flagged, "flagged keys": len(keys)}
    return counts, keys


def judge(
    keys: dict[tuple[str, str, str], list[tuple[Any, ...]]], judged: dict[tuple[str, str, str], bool]
) -> dict[str, int]:
    """Flagged rows judged real, judged not real, and not judged yet."""
    verdicts = [judged.get(row[4]) for members in keys.values() for row in members if row[2]]
    return {
        "real": sum(1 for v in verdicts if v is True),
        "not real": sum(1 for v in verdicts if v is False),
        "unjudged": sum(1 for v in verdicts if v is None),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subtopic", action="append", help="ECB+ subtopics (default: DEFAULT)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="run in this folder and keep it")
    ap.add_argument("--db", type=Path, help="judge the flags of this published file (no run)")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    if not ECBPLUS.exists():
        print(f"skipped: {ECBPLUS} not found")
        return 0
    docs = ecb_docs(set(args.subtopic or DEFAULT))
    if args.db is None:
        root = args.keep or Path(tempfile.mkdtemp(prefix="parallax-unseen-"))
        root.mkdir(parents=True, exist_ok=True)
        db_path = run_pipeline(docs, root, args.runs)
    else:
        db_path = args.db
    counts, keys = flags(db_path)
    print(
        f"{len(docs)} documents of {len(set(r['subtopic'] for r in docs.values()))} events: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    judged = load_judged()
    verdicts = judge(keys, judged)
    n = verdicts["real"] + verdicts["not real"]
    precision = f"{verdicts['real'] / n:.3f}" if n else "n/a"
    print(
        f"flags judged by hand ({JUDGED.name}): precision {precision} ({verdicts['real']}/{n}), "
        f"{verdicts['unjudged']} flagged rows not judged yet"
    )
    mark = {True: "R", False: "F", None: "?"}
    for (story, measure, unit), members in sorted(keys.items()) if args.verbose else ():
        print(f"== {story[:9]} {measure} {unit}")
        for source, text, conflict, sentence, key in members:
            verdict = mark[judged.get(key)] if conflict else " "
            flag = "C" if conflict else " "
            print(f"   {flag}{verdict} {source[:22]:22} {text!r:30} | {(sentence or '')[:140]}")
            if conflict and key not in judged:
                print(f"      key {json.dumps(dict(zip(('doc', 'value', 'sentence'), key, strict=True)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
