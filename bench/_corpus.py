"""Corpus helpers shared by the benches: load Reuters-21578, replay it at larger sizes, write inputs.

Nothing here is copied into the repository: the corpus is read from `../shared/corpora/`.

Replay makes archives larger than the corpus with *controlled* edits, so what the pipeline
should find is known by construction:

- `mix` (default for scale runs): copy `j` of article `i` keeps the first half of article
  `i`'s paragraphs and appends the second half of another article's paragraphs, then shifts
  every number. The result shares at most half its text with any original, i.e. it is a new
  document for dedup and goes through the NLP like a real article.
- `near`: copy `j` of article `i` is article `i` with a few numbers changed and one sentence
  dropped: a known near-duplicate of the original (dedup should link it, extraction skips it).

Every function is deterministic (a seeded `random.Random`), so two runs of a bench write the
same files.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# What a bench sets for an in-process flow run unless the caller already did: no analytics, a
# patient temporary Prefect server, warnings only.
QUIET_FLOW_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def quiet_flow_env() -> None:
    """Set `QUIET_FLOW_ENV` in this process where the caller has not set a value."""
    for var, value in QUIET_FLOW_ENV.items():
        os.environ.setdefault(var, value)


CORPORA = (REPO_ROOT.parent / "shared" / "corpora").resolve()
REUTERS = CORPORA / "reuters21578" / "reuters21578.jsonl"

_NUMBER = re.compile(r"\d+")
_PARAGRAPH = re.compile(r"\n\s{2,}|\n\s*\n")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class Article:
    """One corpus article as the benches write it: a source (outlet) folder, a title and a body."""

    key: str
    source: str
    title: str
    body: str
    date: str | None = None

    @property
    def words(self) -> int:
        return len(self.body.split())


def _source_of(record: dict) -> str:
    """Reuters has no outlet; the first `places` code (else the dateline city) stands in for one."""
    places = record.get("places") or []
    raw = str(places[0]) if places else str(record.get("dateline") or "").split(",")[0]
    name = _UNSAFE.sub("-", raw.strip().lower()).strip("-")
    return name or "unknown"


def load_reuters(n: int | None = None, path: Path = REUTERS, min_words: int = 20) -> list[Article]:
    """The first `n` Reuters articles (file order) having a body of at least `min_words` words."""
    if not path.exists():
        raise FileNotFoundError(f"corpus not present: {path}")
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if len(body.split()) < min_words:
                continue
            out.append(
                Article(
                    key=f"r{rec['newid']}",
                    source=_source_of(rec),
                    title=(rec.get("title") or "").strip(),
                    body=body,
                    date=rec.get("date"),
                )
            )
            if n is not None and len(out) >= n:
                break
    return out


def paragraphs(body: str) -> list[str]:
    """Paragraphs of a Reuters body (indented first lines or blank lines start a new one)."""
    return [p.strip() for p in _PARAGRAPH.split(body) if p.strip()]


def _shift_numbers(text: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), text)


def mixed_copy(article: Article, other: Article, copy: int, seed: int = 0) -> Article:
    """A new article: first half of `article`'s paragraphs + second half of `other`'s, numbers shifted."""
    rng = random.Random(f"{seed}:{article.key}:{other.key}:{copy}")
    a, b = paragraphs(article.body), paragraphs(other.body)
    head = a[: max(1, (len(a) + 1) // 2)]
    tail = b[len(b) // 2 :] or b
    body = "\n\n".join(_shift_numbers(p, rng) for p in head + tail)
    return Article(
        key=f"{article.key}-m{copy}",
        source=article.source,
        title=f"{article.title} ({copy})",
        body=body,
        date=article.date,
    )


def near_copy(article: Article, copy: int, seed: int = 0) -> Article:
    """A known near-duplicate: a few numbers changed and (for longer bodies) one paragraph dropped."""
    rng = random.Random(f"{seed}:{article.key}:near:{copy}")
    paras = paragraphs(article.body)
    if len(paras) > 4:
        del paras[rng.randrange(1, len(paras))]
    changed = 0
    out: list[str] = []
    for p in paras:
        if changed < 3 and _NUMBER.search(p):
            p = _NUMBER.sub(lambda m: str(int(m.group()) + 1), p, count=1)
            changed += 1
        out.append(p)
    return Article(
        key=f"{article.key}-n{copy}",
        source=article.source,
        title=article.title,
        body="\n\n".join(out),
        date=article.date,
    )


def replay(articles: Sequence[Article], copies: int, mode: str = "mix", seed: int = 0) -> Iterator[Article]:
    """The originals, then `copies - 1` edited copies of each (`mode` is `mix` or `near`)."""
    if mode not in ("mix", "near"):
        raise ValueError(f"replay mode must be mix or near, got {mode!r}")
    yield from articles
    n = len(articles)
    for copy in range(1, copies):
        for i, art in enumerate(articles):
            if mode == "near":
                yield near_copy(art, copy, seed)
            else:
                # a partner far from i, different for every copy (n > 1)
                j = (i + copy * 7919 + 1) % n if n > 1 else i
                yield mixed_copy(art, articles[j], copy, seed)


def article_text(article: Article) -> str:
    """The file content the pipeline reads: title line, blank line, body."""
    return f"{article.title}\n\n{article.body.strip()}\n" if article.title else article.body.strip() + "\n"


def write_articles(articles: Iterable[Article], root: Path) -> list[Path]:
    """One `.txt` per article under `root/<source>/<key>.txt` (the folder name is the outlet)."""
    written: list[Path] = []
    made: set[Path] = set()
    for art in articles:
        folder = root / art.source
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        path = folder / f"{art.key}.txt"
        path.write_text(article_text(art), encoding="utf-8")
        written.append(path)
    return written


def count_words(texts: Iterable[str]) -> int:
    """Whitespace-separated words (the unit of the words/s figures)."""
    return sum(len(t.split()) for t in texts)
