"""Claims bench: polarity and speaker precision of attributions on hand-labelled ECB+ sentences.

Gold (`bench/claims_gold.jsonl`, labelled by hand from ECB+ development topics' `text_detok`; only
document ids, sentence offsets and labels are stored, never the text):

- `claims`: [actor word, predicate lemma, polarity] for the claims of the sentence;
- `speakers`: a word of each named speaker of the sentence (reported speech, quotation, "according
  to"); `a|b` when either name identifies the speaker.

Each labelled document is run whole through the pipeline's own extraction (spaCy model, mention
cleaning, within-document resolution, `extract_attributions`), so quotation spans are found over the
whole document as in a nightly run; an attribution belongs to a gold sentence when its span overlaps it.

- polarity precision: of extracted attributions matching a gold claim (actor word in the actor, same
  first predicate word), the share with the gold polarity; negated recall: of gold negated claims,
  the share extracted and negated; affirmed-but-negated: extracted matches of negated claims marked
  affirmed (the failure "negated claims counted as affirmed").
- speaker precision: of extracted speaker rows (a quote, or a statement carrying reported content)
  in gold sentences, the share whose actor is a gold speaker; speaker recall: of gold speakers, the
  share found.

Usage (from the repository root; `PYTHONPATH=/path/to/other/checkout` measures another version):

    python bench/claims.py [--gold bench/claims_gold.jsonl] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ECB_DOCS = REPO_ROOT.parent / "shared" / "corpora" / "ecbplus" / "ecbplus_docs.jsonl"


def _load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _texts(doc_ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    with ECB_DOCS.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["doc"] in doc_ids:
                out[d["doc"]] = d["text_detok"]
    return out


def _actor_matches(att: Any, word: str) -> bool:
    names = f"{att.actor_key} {att.actor_text}".casefold()
    return any(w in names for w in word.split("|"))


def _is_speaker_row(att: Any) -> bool:
    return bool(att.kind == "quote" or (att.kind == "statement" and att.quote))


def main(argv: list[str] | None = None) -> int:
    """Print polarity and speaker precision/recall on the gold sentences."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=REPO_ROOT / "bench" / "claims_gold.jsonl")
    parser.add_argument("--show", action="store_true", help="print each sentence's extracted rows")
    args = parser.parse_args(argv)
    if not ECB_DOCS.exists():
        print(f"ECB+ not found at {ECB_DOCS}", file=sys.stderr)
        return 2

    from parallax.attributions import extract_attributions
    from parallax.entities import build_context, clean_mentions, lexicon_for, resolve_within_doc
    from parallax.nlp import load_model
    from parallax.settings import Settings

    gold = _load_gold(args.gold)
    texts = _texts({g["doc"] for g in gold})
    nlp = load_model(Settings())
    lex = lexicon_for(nlp)
    atts_by_doc: dict[str, list[Any]] = {}
    for doc_id, text in texts.items():
        doc = nlp(text)
        mentions = resolve_within_doc(clean_mentions(doc, build_context(text), lex))
        atts_by_doc[doc_id] = extract_attributions(doc, text, mentions, lex)

    matched = correct = neg_gold = neg_found = neg_as_affirmed = 0
    spk_rows = spk_right = spk_gold = spk_found = 0
    for g in gold:
        atts = [a for a in atts_by_doc[g["doc"]] if a.start < g["end"] and a.end > g["start"]]
        for actor, pred, polarity in g["claims"]:
            hits = [a for a in atts if _actor_matches(a, actor) and a.predicate.split()[0] == pred]
            got = [getattr(a, "polarity", "affirmed") for a in hits]
            matched += len(got)
            correct += sum(p == polarity for p in got)
            if polarity == "negated":
                neg_gold += 1
                neg_found += bool(got) and all(p == "negated" for p in got)
                neg_as_affirmed += sum(p == "affirmed" for p in got)
        speakers = [a for a in atts if _is_speaker_row(a)]
        spk_rows += len(speakers)
        spk_right += sum(any(_actor_matches(a, w) for w in g["speakers"]) for a in speakers)
        spk_gold += len(g["speakers"])
        spk_found += sum(any(_actor_matches(a, w) for a in speakers) for w in g["speakers"])
        if args.show:
            text = texts[g["doc"]][g["start"] : g["end"]]
            print(f"== {g['doc']} {g['start']}: {text[:100]}")
            for a in atts:
                cue = getattr(a, "cue", None)
                pol = getattr(a, "polarity", "affirmed")
                print(f"     {a.kind:9} {a.actor_key:22} {a.predicate:14} {a.topic or '':22} {pol:8} {cue}")

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print(f"sentences {len(gold)}, documents {len(texts)}")
    print(f"polarity precision      {ratio(correct, matched)}")
    print(f"negated recall          {ratio(neg_found, neg_gold)}")
    print(f"negated read affirmed   {neg_as_affirmed}")
    print(f"speaker precision       {ratio(spk_right, spk_rows)}")
    print(f"speaker recall          {ratio(spk_found, spk_gold)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
