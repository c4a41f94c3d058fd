"""Cross-document entity resolution on ECB+ (development topics) through the real nightly flow.

    python -m bench.entity_links [--runs 3] [--seed 0] [--topics 2 5 6] [--conll] [--report N]

The development articles (`text_detok`: line 0 is the headline, the rest the body) are written
as JSON records (title, text, source = outlet domain) and fed to `flows.nightly.nightly` over
`--runs` nightly runs (a temporary input folder and database; each run adds its share of the
articles in a fixed pseudo-random order). Then the published file is read back:

- every gold *name* mention (`name: true` in `entity_gold_dev.jsonl`) is located in the cleaned
  title/body (gold token lines -> characters of `text_detok` -> characters of the stored text,
  aligned on non-space characters, difflib where cleaning changed the text);
- it is *matched* when a Parallax mention of that document (same part) covers its head token;
- pairwise link precision / recall / F1 over pairs of matched mentions in different documents
  of one topic (gold: same chain; predicted: same `entity_id`), and B3 F1 over the matched
  mentions, printed next to two baselines computed on the same matched mentions ("same last word
  of the name", "same head word of the gold mention");
- coverage: the share of gold name mentions with a Parallax mention, and the share of all gold
  cross-document name pairs that end up linked (both matched and same entity_id).

`--conll` adds the CoNLL-2003 micro F1 of `bench.entities` (testa/testb, the +label_vote column).
Only the development topics are read: never tune on the others.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from bench._corpus import CORPORA, quiet_flow_env

ECB_DOCS = CORPORA / "ecbplus" / "ecbplus_docs.jsonl"
ECB_GOLD = CORPORA / "ecbplus" / "entity_gold_dev.jsonl"
DEV_TOPICS = (2, 5, 6, 8, 11, 12, 16, 18, 21, 22, 25, 26, 29, 30, 33, 34, 36, 39, 40, 42, 44)


# --------------------------------------------------------------------------------------------
# alignment: gold tokens -> detok characters -> stored text characters
# --------------------------------------------------------------------------------------------
def token_char_spans(tok_line: str, detok_line: str) -> list[tuple[int, int]]:
    """Character span in `detok_line` of every token of `tok_line` (tokens = split(" ")).

    The two lines hold the same non-space characters; a token's span runs from its first to its
    last non-space character in the detokenised line.
    """
    positions = [i for i, c in enumerate(detok_line) if not c.isspace()]
    out: list[tuple[int, int]] = []
    k = 0
    for tok in tok_line.split(" "):
        n = sum(1 for c in tok if not c.isspace())
        if n == 0 or k + n > len(positions):
            at = positions[k] if k < len(positions) else len(detok_line)
            out.append((at, at))
            continue
        out.append((positions[k], positions[k + n - 1] + 1))
        k += n
    return out


_CLITIC = re.compile(r"(?:['’]s|['’])$")
_QUOTES = "\"“”'‘’"


def _name_part(line: str, start: int, end: int) -> tuple[int, int]:
    """A gold token without what ECB+'s tokens glue to a name: a possessive ("Academy's" ->
    "Academy"), surrounding quotes, a final period ("Ltd." -> "Ltd"); the name itself stays."""
    tok = line[start:end]
    core = _CLITIC.sub("", tok.rstrip(_QUOTES)) or tok
    lead = len(core) - len(core.lstrip(_QUOTES))
    core = core.strip(_QUOTES) or core
    if core.endswith(".") and len(core) > 2 and not core[:-1].isupper():
        core = core[:-1]
    start += lead
    return start, start + len(core)


class CharMap:
    """Maps character offsets of a source string onto a target string (None when dropped).

    Non-space characters are aligned; when the non-space sequences differ (cleaning dropped or
    changed something) difflib's matching blocks align what survived.
    """

    def __init__(self, source: str, target: str) -> None:
        self.src_pos = [i for i, c in enumerate(source) if not c.isspace()]
        self.tgt_pos = [i for i, c in enumerate(target) if not c.isspace()]
        a = "".join(source[i] for i in self.src_pos)
        b = "".join(target[i] for i in self.tgt_pos)
        self.index: dict[int, int] = {}
        if a == b:
            self.index = {s: t for s, t in zip(self.src_pos, self.tgt_pos, strict=True)}
        else:
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            for blk in sm.get_matching_blocks():
                for j in range(blk.size):
                    self.index[self.src_pos[blk.a + j]] = self.tgt_pos[blk.b + j]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Target span of source [start, end), or None when its first or last character is gone."""
        if end <= start:
            return None
        first = self.index.get(start)
        last_src = end - 1
        last = self.index.get(last_src)
        if first is None or last is None or last < first:
            return None
        return first, last + 1


# --------------------------------------------------------------------------------------------
# scores
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One matched gold name mention."""

    doc: str
    topic: int
    gold: str  # gold chain
    pred: str  # predicted cluster (entity id, or a baseline key)


def pair_scores(items: Sequence[Item]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 over cross-document pairs within a topic."""
    tp = fp = fn = 0
    by_topic: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        by_topic[it.topic].append(it)
    for members in by_topic.values():
        for a, b in combinations(members, 2):
            if a.doc == b.doc:
                continue
            g, p = a.gold == b.gold, a.pred == b.pred
            tp += g and p
            fp += p and not g
            fn += g and not p
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def b_cubed(items: Sequence[Item]) -> tuple[float, float, float]:
    """B3 precision, recall, F1 (clusters taken within a topic)."""
    if not items:
        return 0.0, 0.0, 0.0
    gold: dict[tuple[int, str], set[int]] = defaultdict(set)
    pred: dict[tuple[int, str], set[int]] = defaultdict(set)
    for i, it in enumerate(items):
        gold[(it.topic, it.gold)].add(i)
        pred[(it.topic, it.pred)].add(i)
    p = r = 0.0
    for it in items:
        g, q = gold[(it.topic, it.gold)], pred[(it.topic, it.pred)]
        both = len(g & q)
        p += both / len(q)
        r += both / len(g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _word_key(word: str) -> str:
    w = word.casefold().strip("\"'`.,;:()[]")
    for tail in ("'s", "’s", "'", "’"):
        if w.endswith(tail):
            w = w[: -len(tail)]
    return w


# --------------------------------------------------------------------------------------------
# feeding the flow
# --------------------------------------------------------------------------------------------
def load_corpus(topics: Iterable[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """ECB+ documents and gold name+non-name mentions of `topics` (development topics only)."""
    wanted = set(topics)
    docs = [r for r in map(json.loads, ECB_DOCS.open(encoding="utf-8")) if r["topic"] in wanted]
    gold = [g for g in map(json.loads, ECB_GOLD.open(encoding="utf-8")) if g["topic"] in wanted]
    return docs, gold


def record_of(rec: dict[str, Any]) -> dict[str, Any]:
    """The JSON record the pipeline reads: title (line 0), text (the other lines), outlet."""
    lines = rec["text_detok"].split("\n")
    return {
        "title": lines[0],
        "text": "\n".join(lines[1:]),
        "source": rec.get("domain") or f"ecb-{rec['doc'].split('.')[0]}",
    }


def run_flow(docs: Sequence[dict[str, Any]], runs: int, tmp: Path) -> Path:
    """Feed `docs` to the real nightly flow over `runs` runs; returns the published database."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly

    input_dir, db_path = tmp / "input", tmp / "out" / "parallax.duckdb"
    input_dir.mkdir(parents=True)
    size = -(-len(docs) // runs)
    with prefect_test_harness(server_startup_timeout=180):
        for run in range(runs):
            part = docs[run * size : (run + 1) * size]
            if not part:
                break
            for rec in part:
                path = input_dir / f"{rec['doc'].removesuffix('.xml')}.json"
                path.write_text(json.dumps(record_of(rec)), encoding="utf-8")
            t0 = time.perf_counter()
            nightly(input_dir=str(input_dir), db_path=str(db_path), run_date=f"2026-01-{run + 1:02d}")
            print(
                f"  run {run + 1}/{runs}: {len(part)} articles, {time.perf_counter() - t0:.0f}s", flush=True
            )
    return db_path


def read_published(
    db_path: Path,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[tuple[Any, ...]]], dict[str, str]]:
    """Documents and mentions (part, start, end, entity_id, text) by ECB+ doc name; entity names."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        docs = {}
        for doc_id, path, title, body in con.execute(
            "select doc_id, path, title, body from marts.dim_documents"
        ).fetchall():
            docs[doc_id] = {"doc": Path(path).stem + ".xml", "title": title or "", "body": body or ""}
        cols = {r[0] for r in con.execute("describe marts.fct_mentions").fetchall()}
        part = "part" if "part" in cols else "'body'"
        mentions: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for doc_id, p, s, e, eid, text in con.execute(
            f"select doc_id, {part}, start_char, end_char, entity_id, surface_text from marts.fct_mentions"
        ).fetchall():
            if doc_id in docs:
                mentions[docs[doc_id]["doc"]].append((p, s, e, eid, text))
        names = {
            eid: f"{name}/{label}"
            for eid, name, label in con.execute(
                "select entity_id, canonical_name, label from marts.dim_entities"
            ).fetchall()
        }
    finally:
        con.close()
    return {d["doc"]: d for d in docs.values()}, mentions, names


# --------------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------------
@dataclass
class Result:
    items: list[Item]
    baselines: dict[str, list[Item]]
    gold_names: int
    matched: int
    gold_pairs: int
    linked_pairs: int
    misses: list[str]


def evaluate(
    corpus_docs: Sequence[dict[str, Any]],
    gold: Sequence[dict[str, Any]],
    stored: dict[str, dict[str, Any]],
    mentions: dict[str, list[tuple[Any, ...]]],
) -> Result:
    """Match gold name mentions to Parallax mentions and build the scored items."""
    by_doc = {r["doc"]: r for r in corpus_docs}
    maps: dict[tuple[str, str], CharMap] = {}
    items: list[Item] = []
    last_word: list[Item] = []
    head_word: list[Item] = []
    names = [g for g in gold if g.get("name") and g["doc"] in by_doc]
    matched_pred: dict[int, str] = {}
    misses: list[str] = []
    for n, g in enumerate(names):
        rec, st = by_doc[g["doc"]], stored.get(g["doc"])
        if st is None:
            continue
        tok_lines, detok_lines = rec["text"].split("\n"), rec["text_detok"].split("\n")
        line = g["line"]
        spans = token_char_spans(tok_lines[line], detok_lines[line])
        head_i = g["tok"][0] + g["head"]
        if head_i >= len(spans):
            continue
        if line == 0 and not st["title"] and not "".join(detok_lines[1:]).strip():
            # a headline-only article: its headline is stored as its text (parallax.records)
            part, src, offset, target = "body", detok_lines[0], 0, st["body"]
        elif line == 0:
            part, src, offset, target = "title", detok_lines[0], 0, st["title"]
        else:
            part, src, target = "body", "\n".join(detok_lines[1:]), st["body"]
            offset = sum(len(x) + 1 for x in detok_lines[1:line])
        if (g["doc"], part) not in maps:
            maps[(g["doc"], part)] = CharMap(src, target)
        hs, he = _name_part(detok_lines[line], *spans[head_i])
        head = maps[(g["doc"], part)].span(hs + offset, he + offset)
        if head is None:
            continue
        cover = [
            m for m in mentions.get(g["doc"], []) if m[0] == part and m[1] <= head[0] and head[1] <= m[2]
        ]
        if not cover:
            misses.append(f"{g['doc']} {part}: {g['text']!r}")
            continue
        eid = min(cover, key=lambda m: m[2] - m[1])[3]
        matched_pred[n] = eid
        tokens = g["text"].split(" ")
        items.append(Item(g["doc"], g["topic"], g["chain"], eid))
        last_word.append(Item(g["doc"], g["topic"], g["chain"], _word_key(tokens[-1])))
        head_word.append(
            Item(g["doc"], g["topic"], g["chain"], _word_key(tokens[min(g["head"], len(tokens) - 1)]))
        )
    gold_pairs = linked = 0
    by_chain: dict[tuple[int, str], list[int]] = defaultdict(list)
    for n, g in enumerate(names):
        by_chain[(g["topic"], g["chain"])].append(n)
    for members in by_chain.values():
        for a, b in combinations(members, 2):
            if names[a]["doc"] == names[b]["doc"]:
                continue
            gold_pairs += 1
            linked += a in matched_pred and b in matched_pred and matched_pred[a] == matched_pred[b]
    return Result(
        items=items,
        baselines={"same last word of the name": last_word, "same head word of the gold mention": head_word},
        gold_names=len(names),
        matched=len(items),
        gold_pairs=gold_pairs,
        linked_pairs=linked,
        misses=misses,
    )


def split_errors(
    items: Sequence[Item], limit: int, names: dict[str, str], descs: dict[str, str]
) -> list[str]:
    """The largest gold chains split over several entity ids, and entity ids holding several chains."""
    by_gold: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    by_pred: dict[str, Counter[str]] = defaultdict(Counter)
    for it in items:
        by_gold[(it.topic, it.gold)][it.pred] += 1
        by_pred[it.pred][it.gold] += 1

    def worst(groups: dict[Any, Counter[str]]) -> list[tuple[int, Any, Counter[str]]]:
        bad = [(sum(c.values()) - max(c.values()), k, c) for k, c in groups.items() if len(c) > 1]
        return sorted(bad, key=lambda x: (-x[0], str(x[1])))[:limit]

    def show(c: Counter[str]) -> str:
        return ", ".join(f"{names.get(k, k)}={n}" for k, n in c.most_common(6))

    lines = [f"  split {k[0]}/{descs.get(k[1], k[1])}: {show(c)}" for _, k, c in worst(by_gold)]
    lines += [f"  merged {names.get(k, k)}: {show(c)}" for _, k, c in worst(by_pred)]
    return lines


def print_result(res: Result) -> None:
    def row(name: str, items: Sequence[Item]) -> str:
        p, r, f = pair_scores(items)
        _, _, b3 = b_cubed(items)
        return f"  {name:<38} {p:>9.3f} {r:>9.3f} {f:>9.3f} {b3:>9.3f}"

    print(
        f"  {'resolver (same matched mentions)':<38} {'pair P':>9} {'pair R':>9} {'pair F1':>9} {'B3 F1':>9}"
    )
    print(row("Parallax entity_id", res.items))
    for name, items in res.baselines.items():
        print(row(name, items))
    share = res.matched / res.gold_names if res.gold_names else 0.0
    linked = res.linked_pairs / res.gold_pairs if res.gold_pairs else 0.0
    print(f"  gold name mentions with a Parallax mention: {res.matched}/{res.gold_names} = {share:.3f}")
    print(
        "  gold cross-document name pairs linked end to end: "
        f"{res.linked_pairs}/{res.gold_pairs} = {linked:.3f}"
    )


def conll_micro() -> None:
    """CoNLL-2003 micro F1 of the +label_vote column (targets: testa >= 69.1, testb >= 64.6)."""
    from bench.entities import run

    results = run(["eng.testa", "eng.testb"], None)
    for split, cols in results.items():
        print(f"  CoNLL {split} micro F1 (+label_vote): {cols['+label_vote']['micro'][2] * 100:.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="nightly runs the articles are spread over")
    ap.add_argument("--seed", type=int, default=0, help="order of the articles")
    ap.add_argument("--topics", type=int, nargs="*", default=None, help="a subset of the development topics")
    ap.add_argument("--conll", action="store_true", help="also run the CoNLL-2003 bench")
    ap.add_argument("--report", type=int, default=0, help="list the N worst split and merged chains")
    ap.add_argument("--keep", type=Path, default=None, help="build in this (new) folder and keep it")
    ap.add_argument("--db", type=Path, default=None, help="evaluate this published file (no flow run)")
    args = ap.parse_args(argv)
    print("command: python -m bench.entity_links " + " ".join(sys.argv[1:] if argv is None else argv))
    if not ECB_DOCS.exists() or not ECB_GOLD.exists():
        print(f"corpus not present: {ECB_DOCS.parent}")
        return 0
    topics = args.topics or list(DEV_TOPICS)
    held_out = sorted(set(topics) - set(DEV_TOPICS))
    if held_out:
        print(f"topics {held_out} are held out: development topics only")
        return 2
    quiet_flow_env()
    docs, gold = load_corpus(topics)
    random.Random(args.seed).shuffle(docs)
    print(f"ECB+ entity links: {len(docs)} articles, topics {topics}, runs={args.runs} seed={args.seed}")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        db_path = args.db or run_flow(docs, args.runs, work)
        stored, mentions, names = read_published(db_path)
    res = evaluate(docs, gold, stored, mentions)
    print_result(res)
    print(f"  time={time.perf_counter() - t0:.0f}s")
    if args.report:
        descs = {g["chain"]: g["desc"] for g in gold}
        print("\n".join(split_errors(res.items, args.report, names, descs)))
    if args.conll:
        conll_micro()
    return 0


if __name__ == "__main__":
    sys.exit(main())
