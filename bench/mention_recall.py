"""Mention recall on ECB+: the share of gold proper-name mentions that overlap a Parallax mention.

Development topics only (`entity_gold_dev.jsonl`; the other topics are held out). Each article's
`text_detok` line 0 is its title and the other lines its body; gold tokens are located in the
detokenised lines. Two modes:

- `annotate` (default): `parallax.extract.annotate` over every article (title and body), no
  database: what the tagger and the noise filter find.
- `flow`: the articles go through the real nightly flow as JSONL (title, text, source = outlet
  domain), so near-duplicate copies get only the mentions mapped from their canonical; gold
  spans are located in the cleaned title/body (`marts.dim_documents`) by their line's text.

Run with the code to measure first on PYTHONPATH (main's code has no `part`: every mention is a
body mention there):

    PYTHONPATH=$PWD python bench/mention_recall.py --topics 2 5 6 8 11
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))  # after PYTHONPATH: the code measured is the one it names

from bench._corpus import CORPORA  # noqa: E402

ECB = CORPORA / "ecbplus"

Span = tuple[str, int, int]  # (part, start, end) in the title or body


def token_offsets(tokenised: str, detok: str) -> list[tuple[int, int]] | None:
    """Character span in `detok` of every token of `tokenised` (space-separated), or None."""
    out: list[tuple[int, int]] = []
    pos = 0
    for tok in tokenised.split(" "):
        i = detok.find(tok, pos)
        if i < 0:
            return None
        out.append((i, i + len(tok)))
        pos = i + len(tok)
    return out


def load(topics: set[int]) -> tuple[list[dict[str, Any]], dict[str, list[Span]], int]:
    """Articles of `topics` (doc, title, body, domain) and their gold name spans; gold spans not located."""
    docs: dict[str, dict[str, Any]] = {}
    for line in (ECB / "ecbplus_docs.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        if r["topic"] in topics:
            docs[r["doc"]] = r
    gold: dict[str, list[Span]] = defaultdict(list)
    lost = 0
    for line in (ECB / "entity_gold_dev.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        if not g.get("name") or g["doc"] not in docs:
            continue
        r = docs[g["doc"]]
        tl, dl = r["text"].split("\n"), r["text_detok"].split("\n")
        offs = token_offsets(tl[g["line"]], dl[g["line"]]) if len(tl) == len(dl) else None
        if offs is None:
            lost += 1
            continue
        s, e = offs[g["tok"][0]][0], offs[g["tok"][1] - 1][1]
        if g["line"] == 0:
            gold[g["doc"]].append(("title", s, e))
        else:
            base = sum(len(x) + 1 for x in dl[1 : g["line"]])
            gold[g["doc"]].append(("body", base + s, base + e))
    articles = [
        {
            "doc": d,
            "title": r["text_detok"].split("\n")[0],
            "body": "\n".join(r["text_detok"].split("\n")[1:]),
            "domain": r.get("domain") or f"outlet-{d}",
        }
        for d, r in sorted(docs.items())
    ]
    return articles, gold, lost


def found_by_annotate(articles: list[dict[str, Any]]) -> dict[str, list[Span]]:
    """Mentions `annotate` finds, as (part, start, end) per article."""
    from parallax.extract import annotate
    from parallax.nlp import load_model
    from parallax.settings import get_settings

    settings = get_settings()
    nlp = load_model(settings)
    docs = pa.table(
        {
            "doc_id": [a["doc"] for a in articles],
            "title": [a["title"] for a in articles],
            "body": [a["body"] for a in articles],
        }
    )
    ann = annotate(docs, nlp, settings)
    out: dict[str, list[Span]] = defaultdict(list)
    parts = (
        ann.mentions.column("part").to_pylist()
        if "part" in ann.mentions.column_names
        else ["body"] * ann.mentions.num_rows
    )
    for d, p, s, e in zip(
        ann.mentions.column("doc_id").to_pylist(),
        parts,
        ann.mentions.column("start_char").to_pylist(),
        ann.mentions.column("end_char").to_pylist(),
        strict=True,
    ):
        out[d].append((p, s, e))
    return out


def found_by_flow(
    articles: list[dict[str, Any]], gold: dict[str, list[Span]]
) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
    """Run the nightly flow over the articles; (mentions, gold re-located in the cleaned texts)."""
    from flows.nightly import nightly
    from parallax import db

    tmp = Path(tempfile.mkdtemp(prefix="mention_recall_"))
    inp = tmp / "input"
    inp.mkdir()
    with (inp / "ecb.jsonl").open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(
                json.dumps({"title": a["title"], "text": a["body"], "source": a["domain"], "id": a["doc"]})
                + "\n"
            )
    nightly(input_dir=str(inp), db_path=str(tmp / "pub.duckdb"), work_db_path=str(tmp / "work.duckdb"))
    con = db.connect(tmp / "pub.duckdb", read_only=True)
    rows = con.execute("select record, doc_id, title, body from marts.dim_documents").fetchall()
    has_part = "part" in db.table_columns(con, "intermediate.int_mentions")
    q = "select doc_id, {} start_char, end_char from marts.fct_mentions".format(
        "part," if has_part else "'body',"
    )
    ment: dict[str, list[Span]] = defaultdict(list)
    for d, p, s, e in con.execute(q).fetchall():
        ment[d].append((p, s, e))
    con.close()
    by_doc = {
        articles[int(rec)]["doc"]: (doc_id, title or "", body or "") for rec, doc_id, title, body in rows
    }
    found: dict[str, list[Span]] = {}
    relocated: dict[str, list[Span]] = {}
    for a in articles:
        if a["doc"] not in by_doc:
            continue
        doc_id, title, body = by_doc[a["doc"]]
        spans = []
        for part, s, e in gold.get(a["doc"], []):
            src, dst = (a["title"], title) if part == "title" else (a["body"], body)
            # the gold span's line, found in the cleaned text
            ls = src.rfind("\n", 0, s) + 1
            le = src.find("\n", e)
            line = src[ls : le if le >= 0 else len(src)]
            at = dst.find(line.strip())
            if at < 0:
                continue
            shift = at - (ls + (len(line) - len(line.lstrip())))
            spans.append((part, s + shift, e + shift))
        relocated[a["doc"]] = spans
        found[a["doc"]] = ment.get(doc_id, [])
    return found, relocated


def recall(gold: dict[str, list[Span]], found: dict[str, list[Span]]) -> dict[str, tuple[int, int]]:
    """(hit, total) of gold spans overlapping a found span of the same part: all, title, body."""
    out = {"all": [0, 0], "title": [0, 0], "body": [0, 0]}
    for doc, spans in gold.items():
        have = found.get(doc, [])
        for part, s, e in spans:
            hit = any(p == part and s < fe and fs < e for p, fs, fe in have)
            for k in ("all", part):
                out[k][0] += hit
                out[k][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topics", type=int, nargs="+", default=[2, 5, 6, 8, 11], help="ECB+ dev topics")
    ap.add_argument("--mode", choices=("annotate", "flow"), default="annotate")
    args = ap.parse_args()
    if not (ECB / "entity_gold_dev.jsonl").exists():
        print(f"corpus not present: {ECB}")
        return
    articles, gold, lost = load(set(args.topics))
    t0 = time.perf_counter()
    if args.mode == "annotate":
        found = found_by_annotate(articles)
    else:
        found, gold = found_by_flow(articles, gold)
    res = recall(gold, found)
    print(
        f"ECB+ dev topics {args.topics} ({args.mode}): {len(articles)} articles, "
        f"{res['all'][1]} gold name mentions ({lost} not located), {time.perf_counter() - t0:.0f}s"
    )
    for k, (hit, n) in res.items():
        print(f"  {k:5s} {hit:5d}/{n:<5d} = {hit / max(n, 1):.3f}")


if __name__ == "__main__":
    main()
