"""Figures benchmark on hand-annotated ECB+ events: recall, grouping and conflicts of rpt_fact_comparison.

    python -m bench.figures [--runs 2] [--verbose] [--subtopic 22_ecb ...]

The gold (`bench/figures_gold.jsonl`) was written by reading the articles of 21 events of the ECB+
development topics: 22_ecb, 16_ecb, 26_ecb, 8_ecb, 11_ecbplus, 12_ecbplus, 21_ecb, 18_ecb, and,
annotated later as a check on events the rules were not written for, 8_ecbplus, 12_ecb, 30_ecb and
36_ecbplus, then 18_ecbplus, 21_ecbplus, 22_ecbplus, 33_ecbplus, 16_ecbplus, 36_ecb, 11_ecb,
30_ecbplus and 44_ecbplus (annotated blind: their annotator read only the articles and this
convention, never the pipeline's output) (`--subtopic` picks some). Every figure an outlet gives
about the event, and every background figure (another time or event, a generic statement), each with
its value, bounds, unit and a measure key of the annotator's own. Calendar dates, clock times,
street numbers, phone numbers, ordinals and model names ("AK-47") are not figures; neither is an
anaphoric "the two banks". The nine later events also leave out vague plurals with no number ("tens
of thousands", "several days") and key a measure given in two units by unit (`measure@unit`: "150
nautical miles" and "277 km" are one distance, but no conflict). Only the document id, the figure's
own few words and its offset are stored, never article text.

The documents go through the real nightly flow (ingest -> ... -> validate -> publish) in `--runs`
batches into a temporary database, as a nightly schedule would see them; the bench then reads
`marts.rpt_fact_comparison` from the published file. A source is the outlet (`domain`, else the
document itself). Printed:

- recall: event figures with a row of the view overlapping the figure and giving its value
  (normalized_value within 0.5 %); `body` counts figures in the cleaned body, `all` counts title
  figures too (they need headline tagging: rows with `part = 'title'` once that column exists);
- grouping precision: of row pairs from different sources that the view puts under one measure and
  unit of one story (the key it compares figures on; background rows left out), the share that are
  the same gold figure (same gold measure); grouping recall: of gold same-measure pairs across
  sources, the share the view puts under one measure and unit of one story;
- conflict precision / recall: a gold figure is in conflict when another source gives the same gold
  measure an interval it cannot share (bounds widened by half a unit of the last digit written);
- background flagged: background figures whose row is a conflict (must be 0).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOLD = REPO / "bench" / "figures_gold.jsonl"
ECBPLUS = (REPO.parent / "shared" / "corpora" / "ecbplus" / "ecbplus_docs.jsonl").resolve()
ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
VALUE_TOLERANCE = 0.005
# The events whose gold leaves out vague plurals with no number (see above): a row of theirs for one
# ("tens of thousands of protesters") has no gold figure to be judged against, so grouping precision
# leaves it out (the view shows such rows beside the others and never flags them).
VAGUE_LEFT_OUT = frozenset(
    {"8_ecbplus", "12_ecb", "30_ecb", "36_ecbplus"}
    | {"18_ecbplus", "21_ecbplus", "22_ecbplus", "33_ecbplus", "16_ecbplus"}  # annotated blind
    | {"36_ecb", "11_ecb", "30_ecbplus", "44_ecbplus"}
)
VAGUE_PLURAL = re.compile(r"(?:tens of |hundreds of )?(?:dozens|hundreds|thousands|millions|scores)\b", re.I)


def unjudged_vague(value_text: str | None, event: str | None) -> bool:
    """Whether a row without a gold figure is a vague plural its event's gold leaves out, so that
    no gold can judge it (VAGUE_LEFT_OUT)."""
    return event in VAGUE_LEFT_OUT and bool(VAGUE_PLURAL.match((value_text or "").strip()))


@dataclass
class GoldFigure:
    doc: str
    subtopic: str
    source: str
    start: int  # offsets into text_detok
    end: int
    surface: str
    value: float
    lower: float | None
    upper: float | None
    measure: str
    is_background: bool
    part: str = "body"  # where the pipeline put it: body, title, or missing (text not found)
    pstart: int = -1  # offsets into that part
    pend: int = -1
    row: dict[str, Any] | None = None


@dataclass
class Scores:
    lines: list[str] = field(default_factory=list)

    def ratio(self, name: str, num: int, den: int) -> float:
        value = num / den if den else float("nan")
        self.lines.append(f"{name:<44} {value:6.3f}  ({num}/{den})")
        return value


def source_of(rec: dict[str, Any]) -> str:
    """The outlet: the article's domain, else the document itself (ECB documents carry none)."""
    raw = rec.get("domain") or "doc-" + rec["doc"].removesuffix(".xml")
    return re.sub(r"[^a-z0-9_.-]+", "-", raw.lower())


def ecb_docs(subtopics: set[str]) -> dict[str, dict[str, Any]]:
    """The ECB+ records of `subtopics`, by document name."""
    docs: dict[str, dict[str, Any]] = {}
    with ECBPLUS.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["subtopic"] in subtopics:
                docs[rec["doc"]] = rec
    return docs


def load(
    subtopics: set[str] | None, gold_path: Path = GOLD
) -> tuple[list[GoldFigure], dict[str, dict[str, Any]]]:
    gold_rows = [json.loads(line) for line in gold_path.open(encoding="utf-8")]
    if subtopics:
        gold_rows = [g for g in gold_rows if g["subtopic"] in subtopics]
    docs = ecb_docs({g["subtopic"] for g in gold_rows})
    gold = [
        GoldFigure(
            doc=g["doc"],
            subtopic=g["subtopic"],
            source=source_of(docs[g["doc"]]),
            start=g["start"],
            end=g["end"],
            surface=g["surface"],
            value=g["value"],
            lower=g["lower"],
            upper=g["upper"],
            measure=g["measure"],
            is_background=g["is_background"],
        )
        for g in gold_rows
    ]
    return gold, docs


def write_inputs(docs: dict[str, dict[str, Any]], root: Path, runs: int) -> list[list[Path]]:
    """Files `<source>/<doc>.txt` (the article text as published), dealt into `runs` batches."""
    batches: list[list[Path]] = [[] for _ in range(runs)]
    for i, (doc, rec) in enumerate(sorted(docs.items())):
        path = root / source_of(rec) / (doc.removesuffix(".xml") + ".txt")
        batches[i % runs].append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rec["text_detok"].strip() + "\n", encoding="utf-8")
    return batches


def run_pipeline(docs: dict[str, dict[str, Any]], tmp: Path, runs: int) -> Path:
    """Feed the documents to the nightly flow in `runs` batches; the published file's path."""
    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
    from flows.nightly import nightly

    staged = tmp / "staged"
    batches = write_inputs(docs, staged, runs)
    input_dir = tmp / "input"
    db_path = tmp / "out" / "parallax.duckdb"
    for n, batch in enumerate(batches):
        for path in batch:
            dest = input_dir / path.relative_to(staged)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
        t0 = time.perf_counter()
        summary = nightly(input_dir=str(input_dir), db_path=str(db_path))
        print(
            f"run {n + 1}/{runs}: {len(batch)} files, status {summary.get('status')}, "
            f"{time.perf_counter() - t0:.0f}s",
            flush=True,
        )
    return db_path


def _locate(fig: GoldFigure, text: str, title: str | None, body: str) -> None:
    """Offsets of the gold figure in the pipeline's title or body (matched by surrounding text).

    The widest context found once in either part wins: a figure of the first line, which the
    pipeline reads as the headline, has its line end in its right context, so only a narrower probe
    finds it in the title, and trying the body first down to the bare surface put it on another
    "23" there (inside "1230 hours"). The bare surface, where it is not found once, is the last resort."""
    parts = (("body", body), ("title", title or ""))
    fallback: tuple[str, int] | None = None
    for width in (30, 15, 6, 0):
        left = text[max(0, fig.start - width) : fig.start]
        right = text[fig.end : fig.end + width]
        probe = left + fig.surface + right
        for part, target in parts:
            hits = [m.start() for m in re.finditer(re.escape(probe), target)]
            if len(hits) == 1:
                fig.part, fig.pstart = part, hits[0] + len(left)
                fig.pend = fig.pstart + len(fig.surface)
                return
            if hits and width == 0 and fallback is None:
                fallback = (part, hits[0])
    if fallback is None:
        fig.part = "missing"
        return
    fig.part, fig.pstart = fallback
    fig.pend = fig.pstart + len(fig.surface)


def read_rows(db_path: Path) -> tuple[list[dict[str, Any]], dict[str, tuple[Any, ...]]]:
    """rpt_fact_comparison rows (with the document path) and each document's (path, title, body,
    duplicate_of, story_id)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cols = {r[0] for r in con.execute("describe marts.rpt_fact_comparison").fetchall()}
        cur = con.execute(
            "select f.*, d.path from marts.rpt_fact_comparison f join marts.dim_documents d using (doc_id)"
        )
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        docs = {
            r[0]: (r[1], r[2], r[3], r[4], r[5])
            for r in con.execute(
                "select d.doc_id, d.path, s.title, s.body, d.duplicate_of, d.story_id "
                "from marts.dim_documents d join staging.stg_documents s using (doc_id)"
            ).fetchall()
        }
    finally:
        con.close()
    for r in rows:  # the view before bounds/background existed
        if "is_background" not in cols:
            r["is_background"] = False
        r.setdefault("part", "body")
    return rows, docs


def _written_tolerance(surface: str, value: float) -> float:
    """Half a unit of the last digit written ('6' -> 0.5, '6.2' -> 0.05); number words: 0.5."""
    m = re.search(r"\d[\d,]*(?:\.(\d+))?", surface)
    if not m:
        return 0.5 if value == round(value) else 0.0
    decimals = len(m.group(1) or "")
    digits = float(m.group(0).replace(",", ""))
    scale = value / digits if digits else 1.0
    return 0.5 * 10.0**-decimals * scale


def gold_conflicts(gold: list[GoldFigure]) -> set[int]:
    """Indexes of event figures some other source contradicts (disjoint intervals, same measure)."""
    out: set[int] = set()
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        if not g.is_background:
            by_key[(g.subtopic, g.measure)].append(i)
    for idx in by_key.values():
        for i, j in itertools.combinations(idx, 2):
            a, b = gold[i], gold[j]
            if a.source == b.source:
                continue
            # half a unit, exclusive: 60 and 61 touch at 60.5, which neither allows
            ta = 0.999 * _written_tolerance(a.surface, a.value)
            tb = 0.999 * _written_tolerance(b.surface, b.value)
            a_lo = -1e300 if a.lower is None else a.lower - ta
            a_hi = 1e300 if a.upper is None else a.upper + ta
            b_lo = -1e300 if b.lower is None else b.lower - tb
            b_hi = 1e300 if b.upper is None else b.upper + tb
            if a_hi < b_lo or b_hi < a_lo:
                out.update((i, j))
    return out


def _same_value(row: dict[str, Any], g: GoldFigure) -> bool:
    v = row.get("normalized_value")
    if v is None:
        return False
    return abs(v - g.value) <= VALUE_TOLERANCE * max(abs(g.value), 1e-9)


def evaluate(gold: list[GoldFigure], docs: dict[str, dict[str, Any]], db_path: Path, verbose: bool) -> Scores:
    rows, stored = read_rows(db_path)
    by_path = {v[0]: (doc_id, v[1], v[2]) for doc_id, v in stored.items()}
    doc_of: dict[str, str] = {}
    for rec in docs.values():
        rel = f"{source_of(rec)}/{rec['doc'].removesuffix('.xml')}.txt"
        if rel in by_path:
            doc_of[rec["doc"]] = by_path[rel][0]
    rows_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        rows_by_doc[r["doc_id"]].append(r)
    for g in gold:
        doc_id = doc_of.get(g.doc)
        if doc_id is None:
            g.part = "missing"
            continue
        if stored[doc_id][3] is not None:
            g.part = "copy"  # a near-duplicate of another outlet's article: not compared, by design
            continue
        _, title, body = by_path[stored[doc_id][0]]
        _locate(g, docs[g.doc]["text_detok"], title, body or "")
        candidates = [
            r
            for r in rows_by_doc.get(doc_id, [])
            if (r.get("part") or "body") == g.part and r["start_char"] < g.pend and g.pstart < r["end_char"]
        ]
        # prefer the row giving the figure's value, then the widest overlap
        candidates.sort(
            key=lambda r: (
                not _same_value(r, g),
                -(min(r["end_char"], g.pend) - max(r["start_char"], g.pstart)),
            )
        )
        g.row = candidates[0] if candidates else None
    row_gold: dict[tuple[str, int, int], GoldFigure] = {}
    for g in gold:
        if g.row is not None:
            row_gold.setdefault((g.row["doc_id"], g.row["start_char"], g.row["end_char"]), g)

    s = Scores()
    stories_per_event: dict[str, set[Any]] = defaultdict(set)
    for rec in docs.values():
        doc_id = doc_of.get(rec["doc"])
        if doc_id is not None and stored[doc_id][3] is None:
            stories_per_event[rec["subtopic"]].add(stored[doc_id][4])
    s.lines.append(
        "stories per event: " + ", ".join(f"{k}={len(v)}" for k, v in sorted(stories_per_event.items()))
    )
    gold = [g for g in gold if g.part != "copy"]
    event = [g for g in gold if not g.is_background]
    body = [g for g in event if g.part == "body"]
    found = [g for g in event if g.row is not None and _same_value(g.row, g)]
    s.lines.append(
        f"gold: {len(gold)} figures ({len(event)} event, {len(gold) - len(event)} background) in "
        f"{len({g.doc for g in gold})} documents (copies left out), "
        f"{len({g.subtopic for g in gold})} events; "
        f"parts: {dict(sorted(_count(g.part for g in gold).items()))}"
    )
    s.ratio("event-figure recall (body)", sum(1 for g in found if g.part == "body"), len(body))
    s.ratio("event-figure recall (all, headlines included)", len(found), len(event))

    # grouping: pairs of rows under one (story, measure, unit) from different sources, the key the
    # view compares figures on (rows of one measure in two units are shown, never compared)
    event_of = {doc_of[rec["doc"]]: rec["subtopic"] for rec in docs.values() if rec["doc"] in doc_of}
    unjudged = [
        r
        for r in rows
        if (r["doc_id"], r["start_char"], r["end_char"]) not in row_gold
        and unjudged_vague(r.get("value_text"), event_of.get(r["doc_id"]))
    ]
    skip = {id(r) for r in unjudged}
    usable = [r for r in rows if r.get("measure") and not r.get("is_background") and id(r) not in skip]
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in usable:
        groups[(r["story_id"], r["measure"], r.get("unit") or "")].append(r)
    pairs = good = 0
    bad_examples: list[str] = []
    for key, members in groups.items():
        for a, b in itertools.combinations(members, 2):
            if a["source"] == b["source"]:
                continue
            pairs += 1
            ga = row_gold.get((a["doc_id"], a["start_char"], a["end_char"]))
            gb = row_gold.get((b["doc_id"], b["start_char"], b["end_char"]))
            ok = bool(
                ga
                and gb
                and not ga.is_background
                and not gb.is_background
                and ga.subtopic == gb.subtopic
                and ga.measure == gb.measure
            )
            good += ok
            if not ok and len(bad_examples) < 40:
                bad_examples.append(
                    f"  {key[1]}: {a['value_text']!r} ({ga.measure if ga else '-'}) ~ "
                    f"{b['value_text']!r} ({gb.measure if gb else '-'})"
                )
    s.ratio("grouping precision (pairs same figure)", good, pairs)
    s.lines.append(f"  (rows left out: {len(unjudged)} vague plurals the gold of their event leaves out)")
    gpairs = gfound = reachable = reachable_found = 0
    missed_pairs: dict[str, int] = defaultdict(int)
    by_measure: dict[tuple[str, str], list[GoldFigure]] = defaultdict(list)
    for g in event:
        by_measure[(g.subtopic, g.measure)].append(g)
    for (sub, measure), members in by_measure.items():
        for a, b in itertools.combinations(members, 2):
            if a.source == b.source:
                continue
            gpairs += 1
            ra, rb = a.row, b.row
            ok = bool(
                ra
                and rb
                and ra.get("measure")
                and not ra.get("is_background")
                and not rb.get("is_background")
                and ra["measure"] == rb.get("measure")
                and (ra.get("unit") or "") == (rb.get("unit") or "")
                and ra["story_id"] == rb["story_id"]
            )
            gfound += ok
            if ra and rb and ra["story_id"] == rb["story_id"]:
                reachable += 1
                reachable_found += ok
            if not ok:
                missed_pairs[f"{sub}:{measure}"] += 1
    s.ratio("grouping recall (same-figure pairs grouped)", gfound, gpairs)
    s.ratio("  of pairs whose rows exist in one story", reachable_found, reachable)

    conflicts = gold_conflicts(gold)
    flagged = [r for r in rows if r.get("is_conflict")]
    true_flags = 0
    false_flags: list[str] = []
    for r in flagged:
        g = row_gold.get((r["doc_id"], r["start_char"], r["end_char"]))
        if g is not None and gold.index(g) in conflicts:
            true_flags += 1
        elif len(false_flags) < 40:
            false_flags.append(
                f"  {r['measure']}: {r['value_text']!r} ({g.measure if g else 'not a gold figure'})"
            )
    s.ratio("conflict precision", true_flags, len(flagged))
    hit = sum(1 for i in conflicts if gold[i].row is not None and gold[i].row.get("is_conflict"))
    s.ratio("conflict recall", hit, len(conflicts))
    bg = [g for g in gold if g.is_background]
    bg_flagged = [g for g in bg if g.row is not None and g.row.get("is_conflict")]
    s.lines.append(f"{'background figures flagged (must be 0)':<44} {len(bg_flagged):6d}")
    s.ratio(
        "background figures marked is_background",
        sum(1 for g in bg if g.row and g.row.get("is_background")),
        len(bg),
    )
    s.lines.append(f"{'rows in the view / flagged':<44} {len(rows)} / {len(flagged)}")
    if verbose:
        s.lines.append("missed event figures:")
        for g in event:
            if g not in found:
                got = f"{g.row['value_text']!r}={g.row.get('normalized_value')}" if g.row else "no row"
                s.lines.append(f"  {g.doc} {g.part} {g.surface!r}={g.value:g} [{g.measure}] -> {got}")
        s.lines.append("pairs grouped wrongly (first 40):")
        s.lines.extend(bad_examples)
        s.lines.append("same-figure pairs not grouped, by measure:")
        s.lines.extend(f"  {k}: {n}" for k, n in sorted(missed_pairs.items(), key=lambda kv: -kv[1]))
        s.lines.append("false conflict flags (first 40):")
        s.lines.extend(false_flags)
        s.lines.append("conflicts missed:")
        for i in sorted(conflicts):
            g = gold[i]
            if g.row is None or not g.row.get("is_conflict"):
                got = f"{g.row['measure']} ({g.row['story_id']})" if g.row else "no row"
                s.lines.append(f"  {g.doc} {g.part} {g.surface!r} [{g.measure}] -> {got}")
        s.lines.append("background figures flagged:")
        s.lines.extend(f"  {g.doc} {g.surface!r} [{g.measure}]" for g in bg_flagged)
    return s


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for x in items:
        out[x] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=2, help="nightly runs the documents are dealt into")
    ap.add_argument("--subtopic", action="append", help="only these events (e.g. 22_ecb)")
    ap.add_argument("--db", type=Path, help="evaluate this published file instead of running the flow")
    ap.add_argument("--keep", type=Path, help="copy the published file here")
    ap.add_argument("--gold", type=Path, default=GOLD, help="gold figures (JSON lines, as GOLD)")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    if not ECBPLUS.exists():
        print(f"corpus not present: {ECBPLUS}")
        return 0
    gold, docs = load(set(args.subtopic or []), args.gold)
    t0 = time.perf_counter()
    if args.db:
        scores = evaluate(gold, docs, args.db, args.verbose)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = run_pipeline(docs, Path(tmp), args.runs)
            if args.keep:
                args.keep.parent.mkdir(parents=True, exist_ok=True)
                args.keep.write_bytes(db_path.read_bytes())
            scores = evaluate(gold, docs, db_path, args.verbose)
    print("\n".join(scores.lines))
    print(f"({time.perf_counter() - t0:.0f}s, {len(docs)} documents)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
