"""What each spaCy component costs on news text, and whether the compiled attribute ruler matches.

    python -m bench.nlp_components [--n 600] [--ecb 300] [--repeats 2]

Texts: the first `--n` Reuters-21578 articles (body) and `--ecb` ECB+ articles (`text_detok`),
read from `../shared/corpora/` (skipped when absent). One process. Each component of the shipped
model runs over the whole list in pipeline order (`proc.pipe`), timed alone; the best of
`--repeats` passes is printed. Then the same texts go through the pipeline extraction loads
(`parallax.worker.load_pipeline`, where `parallax.fast_attributes` stands in for spaCy's
`attribute_ruler`) and through the model with spaCy's ruler, and every token's TAG, POS, MORPH,
LEMMA, DEP, HEAD and entity are compared: the bench fails (exit 1) on any difference.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench._corpus import CORPORA, load_reuters
from bench.entity_links import ECB_DOCS


def texts(n: int, ecb: int) -> list[str]:
    """Reuters bodies and ECB+ `text_detok` texts (what exists of them)."""
    out = [a.body for a in load_reuters(n)] if n and (CORPORA / "reuters21578").exists() else []
    if ecb and ECB_DOCS.exists():
        with ECB_DOCS.open() as fh:
            for line in fh:
                if len(out) >= n + ecb:
                    break
                out.append(json.loads(line)["text_detok"])
    return out


def component_seconds(nlp, docs_text: list[str], repeats: int) -> dict[str, float]:
    """Best-of-`repeats` seconds of each enabled component over the texts, in pipeline order."""
    best: dict[str, float] = {}
    for _ in range(repeats):
        docs = [nlp.make_doc(t) for t in docs_text]
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            docs = list(proc.pipe(docs, batch_size=64) if hasattr(proc, "pipe") else map(proc, docs))
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
    return best


def token_rows(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600, help="Reuters articles")
    ap.add_argument("--ecb", type=int, default=300, help="ECB+ articles")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)

    from parallax.nlp import load_model
    from parallax.settings import Settings
    from parallax.worker import load_pipeline

    corpus = texts(args.n, args.ecb)
    if not corpus:
        print("no corpus under", CORPORA, "- skipped")
        return 0
    settings = Settings()
    spacy_nlp = load_model(settings)
    shipped = load_pipeline(settings)
    words = sum(len(d) for d in spacy_nlp.tokenizer.pipe(corpus))
    print(f"{len(corpus)} texts, {words} tokens, one process")
    for label, nlp in (("spaCy's own components", spacy_nlp), ("as extraction loads them", shipped)):
        secs = component_seconds(nlp, corpus, args.repeats)
        total = sum(secs.values())
        print(f"\n{label}: {total:.2f} s")
        for name, s in secs.items():
            print(f"  {name:26s} {s:6.2f} s  {s / total:6.1%}")

    diffs = 0
    for a, b in zip(spacy_nlp.pipe(corpus), shipped.pipe(corpus), strict=True):
        ra, rb = token_rows(a), token_rows(b)
        if ra != rb:
            diffs += 1
            if diffs <= 5:
                bad = next(i for i, (x, y) in enumerate(zip(ra, rb, strict=True)) if x != y)
                print("DIFF", a[bad].text, ra[bad], rb[bad])
    print(f"\ntoken annotations differing from spaCy's pipeline: {diffs} of {len(corpus)} texts")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
