"""Quotation pairing bench: where the document-level pairing and the former per-sentence window differ.

Over the ECB+ development topics' `text_detok` (paragraphs joined by a blank line, as the pipeline's
bodies are), every "said / says / told / added" is classified inside or outside a quotation by

- `old`: the former rule (regexes over a window of 3,000 characters around the sentence, a straight
  quote pairing with the next one), kept here only for the comparison;
- `new`: `parallax.claims.QuoteIndex` (pairs found once per document, paragraph by paragraph).

It prints the counts and every disagreement, to be checked by hand (a "said" inside a quotation
belongs to the quoted speaker; outside, it is the outlet's attribution).

Usage (from the repository root): python bench/claims_quotes.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
ECB_DOCS = REPO_ROOT.parent / "shared" / "corpora" / "ecbplus" / "ecbplus_docs.jsonl"
DEV_TOPICS = {2, 5, 6, 8, 11, 12, 16, 18, 21, 22, 25, 26, 29, 30, 33, 34, 36, 39, 40, 42, 44}
_OLD_RES = (
    re.compile(r"“([^”]{3,2000})”"),
    re.compile(r'"((?:[^"\n]|\n(?!\s*\n)){3,2000})"'),
    re.compile(r"«([^»]{3,2000})»"),
)
_REPORTING = re.compile(r"\b(said|says|told|added)\b")


def _old_spans(body: str, start: int, end: int) -> list[tuple[int, int]]:
    lo = max(0, start - 3000)
    text = body[lo : end + 3000]
    out = []
    for rx in _OLD_RES:
        for m in rx.finditer(text):
            s, e = lo + m.start(1), lo + m.end(1)
            if s < end and e > start and len(m.group(1).split()) >= 3:
                out.append((s, e))
    return out


def main() -> int:
    """Print inside-quotation counts of reporting verbs under both rules and their disagreements."""
    from parallax.claims import QuoteIndex

    total = old_in = new_in = 0
    disagreements = []
    with ECB_DOCS.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["topic"] not in DEV_TOPICS:
                continue
            body = "\n\n".join(d["text_detok"].split("\n"))
            index = QuoteIndex(body)
            pos = 0
            for para in body.split("\n\n"):
                old = _old_spans(body, pos, pos + len(para))
                for m in _REPORTING.finditer(para):
                    at = pos + m.start()
                    o = any(s <= at < e for s, e in old)
                    n = index.inside(at)
                    total += 1
                    old_in += o
                    new_in += n
                    if o != n:
                        disagreements.append((d["doc"], m.start(), o, n))
                pos += len(para) + 2
    print(f"reporting verbs {total}; inside a quotation: old {old_in}, new {new_in}")
    print(f"the rules differ on {len(disagreements)}")
    for doc, offset, o, n in disagreements:
        print(f"  {doc} paragraph offset {offset}: old inside={o} new inside={n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
