"""Entity quality on CoNLL-2003 (testa, testb): the raw model's spans against each post-processing step.

    .venv/bin/python bench/entities.py [--split eng.testa --split eng.testb] [--limit N]

Scores exact span + label matches (the CoNLL convention) after mapping spaCy's labels: PERSON->PER,
ORG->ORG, GPE/LOC/FAC->LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE->MISC (numeric labels
dropped). Columns, each cumulative over the previous one:

- raw: `doc.ents` as the model gives them;
- +linebreak: spans cut at line breaks;
- +edges: surrounding punctuation and a leading "the" trimmed;
- +heading: heading/headline-case context: common words trimmed, spans without name evidence dropped;
- +split_conj: "A & B" split when both parts are names on their own in the document;
- +name_span: the mention reduced to its name (leading title and possessive out) - what
  int_entities/aliases compare, while int_mentions keeps the written span;
- +label_vote: the label of every mention replaced by its document-level entity vote.

The documents go through `nlp.pipe` once; every column reuses the same parses.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parallax.entities import (  # noqa: E402
    Mention,
    build_context,
    clean_mentions,
    lexicon_for,
    resolve_within_doc,
)
from parallax.nlp import load_model  # noqa: E402
from parallax.settings import Settings  # noqa: E402

CORPUS = (REPO.parent / "shared" / "corpora" / "conll2003").resolve()
LABEL_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
LABELS = ("PER", "ORG", "LOC", "MISC")
STEPS = ("linebreak", "edges", "heading", "split_conj")
Span = tuple[int, int, str]


def load_docs(split: str, limit: int | None) -> list[dict]:
    path = CORPUS / f"{split}.docs.jsonl"
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    return docs[:limit] if limit else docs


def name_span(body: str, m: Mention) -> tuple[int, int]:
    """Offsets of the mention's name (title and possessive removed) inside its span."""
    pos = body.find(m.name, m.start, m.end)
    return (pos, pos + len(m.name)) if pos >= 0 else (m.start, m.end)


def score(gold: list[set[Span]], pred: list[set[Span]]) -> dict[str, tuple[float, float, float, int]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, guess in zip(gold, pred, strict=True):
        for s in guess:
            (tp if s in g else fp)[s[2]] += 1
        for s in g:
            if s not in guess:
                fn[s[2]] += 1
    out = {}
    for label in (*LABELS, "micro"):
        if label == "micro":
            t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
        else:
            t, f_p, f_n = tp[label], fp[label], fn[label]
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[label] = (p, r, f, t + f_n)
    return out


def run(
    splits: list[str], limit: int | None
) -> dict[str, dict[str, dict[str, tuple[float, float, float, int]]]]:
    settings = Settings()
    nlp = load_model(settings)
    lex = lexicon_for(nlp)
    results = {}
    for split in splits:
        docs = load_docs(split, limit)
        gold = [{(e["start"], e["end"], e["label"]) for e in d["entities"]} for d in docs]
        columns: dict[str, list[set[Span]]] = {
            c: [] for c in ("raw", *[f"+{s}" for s in STEPS], "+name_span", "+label_vote")
        }
        t0 = time.perf_counter()
        words = 0
        with nlp.select_pipes(enable=["tok2vec", "ner"]):
            parsed = list(nlp.pipe((d["text"] for d in docs), batch_size=settings.nlp_batch_size))
        for d, doc in zip(docs, parsed, strict=True):
            body = d["text"]
            words += len(body.split())
            columns["raw"].append(
                {(e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP}
            )
            mentions: list[Mention] = []
            for i in range(len(STEPS)):
                steps = frozenset(STEPS[: i + 1])
                ctx = build_context(body)
                mentions = clean_mentions(doc, ctx, lex, steps=steps)
                columns[f"+{STEPS[i]}"].append({(m.start, m.end, LABEL_MAP[m.model_label]) for m in mentions})
            columns["+name_span"].append({(*name_span(body, m), LABEL_MAP[m.model_label]) for m in mentions})
            resolved = resolve_within_doc(mentions)
            columns["+label_vote"].append({(*name_span(body, m), LABEL_MAP[m.label]) for m in resolved})
        elapsed = time.perf_counter() - t0
        results[split] = {c: score(gold, pred) for c, pred in columns.items()}
        print(
            f"\n== {split}: {len(docs)} docs, {sum(len(g) for g in gold)} gold entities, "
            f"{words} words, {elapsed:.1f}s (tok2vec+ner)"
        )
        header = f"{'column':<14}" + "".join(f"{lab:>22}" for lab in (*LABELS, "micro"))
        print(header)
        print(f"{'':<14}" + "".join(f"{'P     R     F1':>22}" for _ in (*LABELS, "micro")))
        for c, sc in results[split].items():
            cells = "".join(
                f"{sc[lab][0] * 100:>10.1f}{sc[lab][1] * 100:>6.1f}{sc[lab][2] * 100:>6.1f}"
                for lab in (*LABELS, "micro")
            )
            print(f"{c:<14}{cells}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", action="append", help="eng.testa / eng.testb (default both)")
    parser.add_argument("--limit", type=int, default=None, help="first N documents of each split")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"corpus not present: {CORPUS}")
        return 0
    run(args.split or ["eng.testa", "eng.testb"], args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
