"""Boilerplate: reference rules (seeds/boilerplate.csv) and patterns learned per source.

Reference rules (`load_rules`) have an id, a kind and a pattern, matched case-insensitively against
one normalized paragraph (a line, or hard-wrapped lines joined; see `parallax.clean`):

- `exact`: the line equals the pattern, ignoring case, typographic quotes, whitespace and
  punctuation at either end ("Powered by Blogger." matches `Powered by Blogger`).
- `prefix`: the line starts with the pattern and is at most `PREFIX_MAX_CHARS` long (a long
  paragraph that happens to start the same way is never dropped).
- `regex`: a Python regular expression. A match covering the whole line removes the line; a match
  anchored at the start or the end of the line (datelines such as `LONDON (Reuters) - `) removes
  only that span. Unanchored partial matches are ignored.

Learned boilerplate works on paragraphs too (hard-wrapped lines already joined, so a wrapped
fragment such as "said." is never a candidate): the paragraphs at the edges of each document (the
first `EDGE_HEAD` and last `EDGE_TAIL`) of at most `CANDIDATE_MAX_CHARS` characters, the
dateline prefix of the first paragraph ("AP - ", "SPACE.com - ") and the last sentence of the last
paragraph (a sign-off glued to the text) are stored per document in
`staging.stg_boilerplate_candidates`. A candidate becomes a learned pattern for its source once it
occurs in at least `LEARN_MIN_DOCS` distinct documents of that source (documents with identical
text count once, so copies of one article do not teach anything) and in at least `LEARN_MIN_SHARE`
of the source's distinct documents. A line that occurs in fewer documents is never removed on
frequency alone. The table keeps growing night after night, so a source's furniture is learned
from its whole history.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from parallax import db
from parallax.textnorm import fold_key, sha256_text

# Prefix rules only remove lines up to this length.
PREFIX_MAX_CHARS = 160
# Learning knobs (candidates for Settings; see report). Raising LEARN_MIN_DOCS makes learning
# slower to pick up new furniture; lowering it risks removing lines shared by a few articles.
LEARN_MIN_DOCS = 5
LEARN_MIN_SHARE = 0.01
CANDIDATE_MAX_CHARS = 200
EDGE_HEAD = 2
EDGE_TAIL = 3
# "AP - ", "SPACE.com - ", "WASHINGTON -- " at the start of the first body line.
_DATELINE_PREFIX = re.compile(r"^([^\s.!?][^.!?:;]{0,38}?\S?)\s+(?:-{1,2}|–|—)\s+(?=\S)")
_EDGE_PUNCT = " \t.,;:!?-–—|•·*\"'()[]"

CANDIDATES_TABLE = "staging.stg_boilerplate_candidates"


@dataclass(frozen=True)
class Rule:
    """One reference rule from seeds/boilerplate.csv."""

    id: str
    kind: str
    pattern: str
    regex: re.Pattern[str] | None = None
    key: str = ""
    anchored: bool = False


def line_key(text: str) -> str:
    """Comparison key of a line for exact rules and learning: folded, edge punctuation stripped."""
    return fold_key(text).strip(_EDGE_PUNCT)


def load_rules(path: Path) -> list[Rule]:
    """Read and compile the reference rules; a malformed row raises ValueError naming it."""
    rules: list[Rule] = []
    if not path.exists():
        return rules
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            rid, kind, pattern = (
                (row.get("id") or "").strip(),
                (row.get("kind") or "").strip(),
                row.get("pattern"),
            )
            if not rid or not pattern or kind not in ("exact", "prefix", "regex"):
                raise ValueError(f"{path}:{n}: need id, kind (exact/prefix/regex) and pattern")
            if kind == "regex":
                try:
                    rx = re.compile(pattern, re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"{path}:{n}: bad regex {pattern!r}: {exc}") from None
                rules.append(Rule(rid, kind, pattern, regex=rx, anchored=pattern.startswith("^")))
            else:
                rules.append(Rule(rid, kind, pattern, key=line_key(pattern)))
    return rules


class RuleSet:
    """Compiled reference rules with a fast path for exact matches."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.exact = {r.key: r for r in self.rules if r.kind == "exact"}
        self.prefix = [r for r in self.rules if r.kind == "prefix"]
        self.regex = [r for r in self.rules if r.kind == "regex"]
        self._exact_max = max((len(k) for k in self.exact), default=0) + 8
        # One combined pattern screens a line against every anchored regex rule in a single call;
        # only a line it matches is checked rule by rule (to know which rule, and the span).
        anchored = [r for r in self.regex if r.anchored]
        self._screen: re.Pattern[str] | None = None
        if anchored:
            try:
                joined = "|".join(f"(?:{r.pattern})" for r in anchored)
                self._screen = re.compile(joined, re.IGNORECASE)
            except re.error:
                self._screen = None

    def match(self, line: str) -> tuple[Rule, int, int] | None:
        """The first rule matching `line` and the span to remove (whole line or an edge span)."""
        n = len(line)
        if n <= self._exact_max or (self.prefix and n <= PREFIX_MAX_CHARS):
            key = line_key(line)
            rule = self.exact.get(key)
            if rule is not None:
                return rule, 0, n
        if self.prefix and n <= PREFIX_MAX_CHARS:
            for rule in self.prefix:
                if key.startswith(rule.key):
                    return rule, 0, len(line)
        screened = self._screen is not None and self._screen.match(line) is None
        for rule in self.regex:
            if screened and rule.anchored:
                continue
            assert rule.regex is not None
            m = rule.regex.match(line) if rule.anchored else rule.regex.search(line)
            if m is None or m.end() == m.start():
                continue
            if m.start() == 0 and m.end() == len(line):
                return rule, 0, len(line)
            if m.start() == 0 or m.end() == len(line):
                return rule, m.start(), m.end()
        return None


def dateline_prefix(line: str) -> str | None:
    """The "X - " credit/dateline at the start of a line, when short and free of sentence punctuation."""
    m = _DATELINE_PREFIX.match(line)
    if not m or len(m.group(1).split()) > 5:
        return None
    return m.group(0)


def candidate_lines(lines: Sequence[str], tail_sentence: str | None = None) -> list[tuple[str, str, str]]:
    """(kind, key, text) learning candidates of one document's body paragraphs (empty ones ignored).

    `tail_sentence` is the last sentence of the last paragraph when that paragraph has several: a
    sign-off glued to the end of the text ("... said. Follow us for more updates.").
    """
    nonempty = [i for i, t in enumerate(lines) if t]
    edge = set(nonempty[:EDGE_HEAD]) | set(nonempty[-EDGE_TAIL:] if EDGE_TAIL else [])
    out: dict[tuple[str, str], str] = {}
    for i in nonempty:
        text = lines[i]
        if len(text) > CANDIDATE_MAX_CHARS or i not in edge:
            continue
        key = line_key(text)
        if key and any(c.isalpha() for c in key):
            out.setdefault(("line", key), text)
    if nonempty:
        prefix = dateline_prefix(lines[nonempty[0]])
        if prefix:
            out.setdefault(("prefix", fold_key(prefix)), prefix)
    if tail_sentence and len(tail_sentence) <= CANDIDATE_MAX_CHARS:
        key = line_key(tail_sentence)
        if key and any(c.isalpha() for c in key):
            out.setdefault(("tail", key), tail_sentence)
    return [(kind, key, text) for (kind, key), text in out.items()]


def candidates_table(rows: Iterable[tuple[str, str, str, str, str, str]], run_id: str) -> pa.Table:
    """Arrow table for staging.stg_boilerplate_candidates from (doc_id, source, doc_key, kind, key, text)."""
    cols: dict[str, list[str]] = {
        k: [] for k in ("doc_id", "source", "doc_key", "kind", "line_key", "line_text")
    }
    for doc_id, source, doc_key, kind, key, text in rows:
        cols["doc_id"].append(doc_id)
        cols["source"].append(source)
        cols["doc_key"].append(doc_key)
        cols["kind"].append(kind)
        cols["line_key"].append(sha256_text(key)[:16])
        cols["line_text"].append(text)
    n = len(cols["doc_id"])
    return pa.table(
        {**{k: pa.array(v, pa.string()) for k, v in cols.items()}, "run_id": pa.array([run_id] * n)}
    )


def store_candidates(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str], table: pa.Table) -> int:
    """Replace the stored candidates of `doc_ids` with `table` (idempotent)."""
    replace_for_docs(con, CANDIDATES_TABLE, doc_ids)
    return db.insert_arrow(con, CANDIDATES_TABLE, table)


@dataclass(frozen=True)
class Learned:
    """Learned patterns of the sources in a batch: {source: {(kind, line_key): (text, doc_count)}}."""

    patterns: dict[str, dict[tuple[str, str], tuple[str, int]]]

    def lookup(self, source: str, kind: str, key: str) -> tuple[str, int] | None:
        by_source = self.patterns.get(source)
        if not by_source:
            return None
        return by_source.get((kind, sha256_text(key)[:16]))


def learn(
    con: duckdb.DuckDBPyConnection,
    sources: Iterable[str],
    min_docs: int = LEARN_MIN_DOCS,
    min_share: float = LEARN_MIN_SHARE,
) -> Learned:
    """Patterns of `sources` seen in enough distinct documents of the source (whole history)."""
    src = sorted(set(sources))
    if not src:
        return Learned({})
    view = "_parallax_learn_sources"
    con.register(view, pa.table({"source": pa.array(src, pa.string())}))
    try:
        rows = db.fetch_arrow(
            con,
            f"""
            with c as (
                select c.* from {CANDIDATES_TABLE} c join {view} s on c.source = s.source
            ),
            totals as (select source, count(distinct doc_key) as n_docs from c group by source),
            counts as (
                select source, kind, line_key, min(line_text) as line_text,
                       count(distinct doc_key) as n
                from c group by source, kind, line_key
            )
            select k.source, k.kind, k.line_key, k.line_text, k.n
            from counts k join totals t using (source)
            where k.n >= ? and k.n >= ? * t.n_docs
            order by k.source, k.kind, k.line_key
            """,
            [min_docs, min_share],
        ).to_pylist()
    finally:
        con.unregister(view)
    patterns: dict[str, dict[tuple[str, str], tuple[str, int]]] = {}
    for r in rows:
        patterns.setdefault(r["source"], {})[(r["kind"], r["line_key"])] = (r["line_text"], int(r["n"]))
    return Learned(patterns)


def replace_for_docs(con: duckdb.DuckDBPyConnection, table: str, doc_ids: Sequence[str]) -> None:
    """Delete every row of `table` belonging to `doc_ids` (before re-inserting them)."""
    if not doc_ids:
        return
    view = "_parallax_doc_ids"
    con.register(view, pa.table({"doc_id": pa.array(list(doc_ids), pa.string())}))
    try:
        db.log_before_images(con, table, f"t.doc_id in (select doc_id from {view})", key=[])
        con.execute(f"delete from {db._ident(table)} where doc_id in (select doc_id from {view})")
    finally:
        con.unregister(view)
