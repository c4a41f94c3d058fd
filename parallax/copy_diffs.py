"""What a copy changes against its canonical document: the rows of `intermediate.int_duplicate_diffs`.

`diff_documents` lists, in order, a changed title, then removed, added and changed sentences (sentences
of a replaced block paired when similar enough), and inside a changed sentence the numbers and
capitalised words that differ. `parallax.dedup` writes them for every copy it finds.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import pyarrow as pa

# the columns of intermediate.int_duplicate_diffs
DIFF_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("change_index", pa.int32()),
        ("canonical_doc_id", pa.string()),
        ("change_type", pa.string()),
        ("before_text", pa.string()),
        ("after_text", pa.string()),
        ("sentence_before", pa.int32()),
        ("sentence_after", pa.int32()),
        ("run_id", pa.string()),
    ]
)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_DIFF_TOKEN = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*%?|[$€£¥]")
_DIGIT = re.compile(r"\d")
# Sentences of a replaced block are paired when at least this similar (else removed + added).
PAIR_SIMILARITY = 0.5
# ... looking this many sentences ahead at most (bounds the cost of long rewritten passages).
PAIR_LOOKAHEAD = 6


def split_sentences(text: str | None) -> list[str]:
    """Sentences of a body for diffing (lines first, then sentence ends before a capital/digit)."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            out.extend(s.strip() for s in _SENT_SPLIT.split(line) if s.strip())
    return out


def _norm(s: str | None) -> str:
    return " ".join((s or "").lower().split())


def diff_documents(
    canon_title: str | None, canon_body: str | None, copy_title: str | None, copy_body: str | None
) -> list[dict[str, Any]]:
    """Changes from a canonical document to its copy, in order: title, then sentences.

    Each change is a dict with change_type, before_text, after_text, sentence_before,
    sentence_after. Inside a changed sentence the differing numbers (number_changed) and
    capitalized words (name_changed) are listed after the sentence_changed row.
    """
    changes: list[dict[str, Any]] = []

    def add(kind: str, before: str | None, after: str | None, sb: int | None, sa: int | None) -> None:
        changes.append(
            {
                "change_type": kind,
                "before_text": before,
                "after_text": after,
                "sentence_before": sb,
                "sentence_after": sa,
            }
        )

    if _norm(canon_title) != _norm(copy_title):
        add("title_changed", canon_title, copy_title, None, None)
    a, b = split_sentences(canon_body), split_sentences(copy_body)
    an, bn = [_norm(s) for s in a], [_norm(s) for s in b]
    matcher = difflib.SequenceMatcher(a=an, b=bn, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            for i in range(i1, i2):
                add("sentence_removed", a[i], None, i, None)
            continue
        if op == "insert":
            for j in range(j1, j2):
                add("sentence_added", None, b[j], None, j)
            continue
        # replace: pair similar sentences in order, the rest are removed / added
        j = j1
        for i in range(i1, i2):
            match = None
            for jj in range(j, min(j2, j + PAIR_LOOKAHEAD)):
                sm = difflib.SequenceMatcher(a=an[i], b=bn[jj], autojunk=False)
                if sm.real_quick_ratio() >= PAIR_SIMILARITY and sm.ratio() >= PAIR_SIMILARITY:
                    match = jj
                    break
            if match is None:
                add("sentence_removed", a[i], None, i, None)
                continue
            for jj in range(j, match):
                add("sentence_added", None, b[jj], None, jj)
            add("sentence_changed", a[i], b[match], i, match)
            for kind, before, after in _token_changes(a[i], b[match]):
                add(kind, before, after, i, match)
            j = match + 1
        for jj in range(j, j2):
            add("sentence_added", None, b[jj], None, jj)
    return changes


def _token_changes(before: str, after: str) -> list[tuple[str, str | None, str | None]]:
    ta, tb = _DIFF_TOKEN.findall(before), _DIFF_TOKEN.findall(after)
    out: list[tuple[str, str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        seg_a, seg_b = ta[i1:i2], tb[j1:j2]
        both = seg_a + seg_b
        if any(_DIGIT.search(t) for t in both):
            kind = "number_changed"
        elif any(t[:1].isupper() for t in both):
            kind = "name_changed"
        else:
            continue
        out.append((kind, " ".join(seg_a) or None, " ".join(seg_b) or None))
    return out
