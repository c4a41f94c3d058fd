"""Language identification bench: py3langid vs lingua on English news and non-English text.

English: Reuters-21578 bodies (long), AG News descriptions (one or two sentences) and AG News
titles alone (headline-only items). Non-English: the example sentences spaCy ships for each of
its languages (`spacy.lang.<code>.examples`, news-style sentences), one at a time (short) and
joined per language (long). Reports, per library and set, the share classified correctly (for
English sets: the share kept English) and docs/s, all through `parallax.language.detect_languages`
(the pipeline's decision rule and default settings, only the classifier swapped).

    python -m bench.language [--n 1000] [--libs py3langid,lingua]

lingua is not a project dependency: the bench imports it when installed and skips it otherwise.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import pkgutil
import time
from collections.abc import Callable

from bench._corpus import CORPORA, REUTERS

AG_NEWS = CORPORA / "ag_news" / "test.csv"


def english_sets(n: int) -> dict[str, list[str]]:
    """Reuters bodies, AG News descriptions and AG News titles (first `n` of each)."""
    bodies: list[str] = []
    with REUTERS.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if len((rec.get("body") or "").split()) >= 50:
                bodies.append(rec["body"])
            if len(bodies) >= n:
                break
    titles, descs = [], []
    with AG_NEWS.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            titles.append(row[1])
            descs.append(row[2])
            if len(titles) >= n:
                break
    return {"en_reuters_body": bodies, "en_ag_description": descs, "en_ag_title": titles}


def foreign_sets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(iso code, text): spaCy's example sentences one by one, and joined per language."""
    import spacy.lang

    short: list[tuple[str, str]] = []
    long: list[tuple[str, str]] = []
    for mod in pkgutil.iter_modules(spacy.lang.__path__):
        code = mod.name
        if len(code) != 2 or code in ("en", "xx"):
            continue
        try:
            sentences = importlib.import_module(f"spacy.lang.{code}.examples").sentences
        except (ImportError, AttributeError):
            continue
        sentences = [s for s in sentences if len(s.split()) >= 3 or code in ("zh", "ja")]
        short.extend((code, s) for s in sentences)
        if sentences:
            long.append((code, " ".join(sentences)))
    return short, long


def run(n: int, libs: list[str]) -> list[dict[str, object]]:
    from parallax import language
    from parallax.settings import Settings

    settings = Settings()
    eng = english_sets(n)
    short, long = foreign_sets()
    rows: list[dict[str, object]] = []
    for lib in libs:
        try:
            detect: Callable[[str], tuple[str | None, float]] = language.raw_detector(lib)
        except ImportError as exc:
            print(f"{lib}: not installed ({exc}); skipped")
            continue
        detect("warm up the model")
        for name, texts in eng.items():
            t0 = time.perf_counter()
            decided = language.detect_languages(texts, settings, detect)
            dt = time.perf_counter() - t0
            rows.append(_row(lib, name, sum(d == "en" for d in decided), len(texts), dt))
        for name, pairs in (("foreign_short", short), ("foreign_long", long)):
            t0 = time.perf_counter()
            decided = language.detect_languages([t for _, t in pairs], settings, detect)
            dt = time.perf_counter() - t0
            ok = sum(d == code for d, (code, _) in zip(decided, pairs, strict=True))
            not_en = sum(d != "en" for d in decided)
            rows.append(_row(lib, name, ok, len(pairs), dt) | {"not_en": round(not_en / len(pairs), 3)})
    return rows


def _row(lib: str, name: str, ok: int, total: int, seconds: float) -> dict[str, object]:
    return {
        "lib": lib,
        "set": name,
        "n": total,
        "accuracy": round(ok / max(total, 1), 3),
        "docs_per_s": round(total / max(seconds, 1e-9), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="English items per set")
    parser.add_argument("--libs", default="py3langid,lingua")
    args = parser.parse_args()
    for row in run(args.n, args.libs.split(",")):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
