"""Mentions of copies: a near or exact duplicate carries its canonical document's mentions.

Dedup sends only canonical documents to the model. An outlet that runs a copy still names what it
prints, so every copy gets the canonical's mentions mapped onto its own title and body, without
running the model again:

- the canonical's text and the copy's text (title with title, body with body) are aligned with an
  edit-distance alignment (`rapidfuzz.distance.Indel.opcodes`, the longest common subsequence);
- a mention is kept when its whole span lies in one stretch the two texts share, with at least
  `MIN_CONTEXT` shared characters around it (fewer when the text is shorter), and starts and ends
  on word boundaries in the copy; its offsets move by the stretch's shift. A name the copy cut or
  rewrote is not in a shared stretch and is dropped ("minus what its diff removed");
- the rows keep the canonical's entity, label and role, take the copy's own sentence numbers,
  and record `projected_from` = the canonical doc_id.

`project_copies` writes `intermediate.int_mentions` rows for copies; a copy whose rows are already
what the projection gives is left untouched (its run stamp stays), so a rerun writes nothing. It
runs for new copies (flow step after extraction) and for the copies of re-extracted canonical
documents (`parallax.extract_store.write_annotations`), so a copy's mentions follow its canonical.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa
from rapidfuzz.distance import Indel

from parallax import db
from parallax.entities import Mention, build_context, name_form
from parallax.schemas import TITLE_SENTENCE
from parallax.stage import StageResult, chunked
from parallax.titles import body_names_in_title

log = logging.getLogger(__name__)

MENTIONS = "intermediate.int_mentions"
DUPLICATES = "intermediate.int_document_duplicates"
# Shared characters around a mapped span (either side, together) that anchor it: fewer lets a name
# match a lone equal stretch inside rewritten text, more drops names next to an edited word.
MIN_CONTEXT = 12
# Copies handled per database round trip (memory ~ 2 x BATCH_COPIES titles + bodies).
BATCH_COPIES = 500
# Columns compared to decide whether a copy's stored rows are already the projection.
ROW_COLUMNS = (
    "doc_id",
    "mention_index",
    "part",
    "surface_text",
    "label",
    "model_label",
    "sentence_index",
    "start_char",
    "end_char",
    "entity_id",
    "role",
    "projected_from",
)


def _boundary(text: str, i: int) -> bool:
    """Is offset `i` of `text` a word boundary (not between two letters/digits)?"""
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def map_spans(
    source: str, target: str, spans: Sequence[tuple[int, int]], min_context: int = MIN_CONTEXT
) -> list[tuple[int, int] | None]:
    """Where each span of `source` is in `target` (None when the copy does not print it).

    A span maps when it lies inside one stretch both texts share, with at least
    min(min_context, len(source) - span length) shared characters around it in that stretch, and
    its mapped ends are word boundaries of `target`.
    """
    if not spans:
        return []
    blocks = [
        (op.src_start, op.src_end, op.dest_start)
        for op in Indel.opcodes(source, target)
        if op.tag == "equal" and op.src_end > op.src_start
    ]
    starts = [b[0] for b in blocks]
    out: list[tuple[int, int] | None] = []
    for s, e in spans:
        # the block containing s: the last one starting at or before it
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= s:
                lo = mid + 1
            else:
                hi = mid
        i = lo - 1
        if i < 0 or e <= s:
            out.append(None)
            continue
        b0, b1, d0 = blocks[i]
        need = min(min_context, len(source) - (e - s))
        if e > b1 or (b1 - b0) - (e - s) < need:
            out.append(None)
            continue
        ts, te = d0 + (s - b0), d0 + (e - b0)
        out.append((ts, te) if _boundary(target, ts) and _boundary(target, te) else None)
    return out


class _Sentences:
    """The copy's sentence_index of a body offset (stg_sentences rows of the copy)."""

    def __init__(self, rows: list[tuple[int, int]]) -> None:
        rows = sorted(rows, key=lambda r: r[1])
        self.index = [r[0] for r in rows] or [0]
        self.starts = [r[1] for r in rows] or [0]

    def of(self, char: int) -> int:
        lo, hi = 0, len(self.starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] <= char:
                lo = mid + 1
            else:
                hi = mid
        return self.index[max(lo - 1, 0)]


def project_mentions(
    copy_id: str,
    canonical_id: str,
    canonical: dict[str, str],
    copy: dict[str, str],
    mentions: Sequence[dict[str, Any]],
    sentences: list[tuple[int, int]],
) -> list[dict[str, Any]]:
    """The copy's mention rows: the canonical's `mentions` (int_mentions rows) mapped onto `copy`.

    `canonical` / `copy` hold 'title' and 'body'; `sentences` are the copy's (sentence_index,
    start_char). A copy often runs its own headline: besides the canonical title's mentions mapped
    onto it, the names of the copy's mapped body mentions found in it count, as for a canonical
    title (`parallax.titles.body_names_in_title`). Rows come body first, then title, each in text
    order, numbered from 0.
    """
    sents = _Sentences(sentences)
    out: list[dict[str, Any]] = []
    body_seen: list[tuple[Mention, dict[str, Any]]] = []
    for part in ("body", "title"):
        ms = sorted(
            (m for m in mentions if m["part"] == part), key=lambda m: (m["start_char"], m["end_char"])
        )
        src, dst = canonical.get(part) or "", copy.get(part) or ""
        if not dst:
            continue
        mapped = map_spans(src, dst, [(m["start_char"], m["end_char"]) for m in ms])
        found = [
            (where, m)
            for m, where in zip(ms, mapped, strict=True)
            if where is not None and dst[where[0] : where[1]] == m["surface_text"]
        ]
        if part == "title":
            repeated = body_names_in_title(
                dst, [b for b, _ in body_seen], [w for w, _ in found], build_context(copy.get("body") or "")
            )
            by_mention = {id(b): row for b, row in body_seen}
            found += [((s, e), {**by_mention[id(b)], "surface_text": dst[s:e]}) for s, e, b in repeated]
            found.sort(key=lambda x: x[0])
        for where, m in found:
            row = {
                "doc_id": copy_id,
                "mention_index": len(out),
                "part": part,
                "surface_text": m["surface_text"],
                "label": m["label"],
                "model_label": m["model_label"],
                "sentence_index": sents.of(where[0]) if part == "body" else TITLE_SENTENCE,
                "start_char": where[0],
                "end_char": where[1],
                "entity_id": m["entity_id"],
                "role": m["role"] if part == "body" or m.get("part") == "title" else None,
                "projected_from": canonical_id,
            }
            out.append(row)
            if part == "body":
                text = row["surface_text"]
                seen = Mention(
                    where[0], where[1], text, row["model_label"] or row["label"], name=name_form(text)
                )
                seen.label = row["label"]
                body_seen.append((seen, row))
    return out


def _with_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str], query: str) -> list[dict[str, Any]]:
    name = "_parallax_copy_ids"
    db.register(con, name, pa.table({"doc_id": pa.array(sorted(set(ids)), pa.string())}))
    try:
        return db.fetch_arrow(con, query).to_pylist()
    finally:
        con.unregister(name)


def copies_of(
    con: duckdb.DuckDBPyConnection, copy_ids: Sequence[str] = (), canonical_ids: Sequence[str] = ()
) -> dict[str, str]:
    """copy doc_id -> canonical doc_id, for the copies among `copy_ids` and the copies of `canonical_ids`."""
    rows = _with_ids(
        con,
        [*copy_ids, *canonical_ids],
        f"select d.doc_id, d.canonical_doc_id from {DUPLICATES} d "
        "where d.doc_id <> d.canonical_doc_id and (d.doc_id in (select doc_id from _parallax_copy_ids) "
        "or d.canonical_doc_id in (select doc_id from _parallax_copy_ids)) order by d.doc_id",
    )
    wanted_copies, wanted_canon = set(copy_ids), set(canonical_ids)
    return {
        r["doc_id"]: r["canonical_doc_id"]
        for r in rows
        if r["doc_id"] in wanted_copies or r["canonical_doc_id"] in wanted_canon
    }


def project_copies(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    copy_ids: Sequence[str] = (),
    canonical_ids: Sequence[str] = (),
    *,
    done_canonicals: Sequence[str] = (),
) -> StageResult:
    """Give copies their canonical's mentions: the copies among `copy_ids` and those of `canonical_ids`.

    Copies of `done_canonicals` are skipped (extracted just now, which projected their copies).

    Rows of a copy are replaced only when the projection differs from what is stored (a rerun
    writes nothing). Counts: copies, copies_changed, mentions (projected).
    """
    result = StageResult()
    done = set(done_canonicals)
    pairs = {c: k for c, k in copies_of(con, copy_ids, canonical_ids).items() if k not in done}
    result.doc_ids = sorted(pairs)
    for batch in chunked(sorted(pairs), BATCH_COPIES):
        _project_batch(con, run_id, {c: pairs[c] for c in batch}, result)
    return result


def _project_batch(
    con: duckdb.DuckDBPyConnection, run_id: str, pairs: dict[str, str], result: StageResult
) -> None:
    ids = sorted(set(pairs) | set(pairs.values()))
    texts = {
        r["doc_id"]: r
        for r in _with_ids(
            con,
            ids,
            "select doc_id, title, body from staging.stg_documents "
            "where doc_id in (select doc_id from _parallax_copy_ids)",
        )
    }
    canon_mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _with_ids(
        con,
        sorted(set(pairs.values())),
        f"select m.*, e.label as entity_label from {MENTIONS} m "
        "left join intermediate.int_entities e using (entity_id) "
        "where m.doc_id in (select doc_id from _parallax_copy_ids) and m.projected_from is null",
    ):
        r["label"] = r.pop("entity_label") or r["label"]
        canon_mentions[r["doc_id"]].append(r)
    sentences: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in _with_ids(
        con,
        sorted(pairs),
        "select doc_id, sentence_index, start_char from staging.stg_sentences "
        "where doc_id in (select doc_id from _parallax_copy_ids)",
    ):
        sentences[r["doc_id"]].append((int(r["sentence_index"]), int(r["start_char"])))
    stored: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    cols = ", ".join(ROW_COLUMNS)
    for r in _with_ids(
        con,
        sorted(pairs),
        f"select {cols} from {MENTIONS} where doc_id in (select doc_id from _parallax_copy_ids)",
    ):
        stored[r["doc_id"]].add(tuple(r[c] for c in ROW_COLUMNS))

    changed: list[str] = []
    rows: list[dict[str, Any]] = []
    for copy_id, canon_id in sorted(pairs.items()):
        if copy_id not in texts or canon_id not in texts:
            log.warning(
                "copy %s or its canonical %s has no cleaned text: no mentions projected", copy_id, canon_id
            )
            continue
        new = project_mentions(
            copy_id,
            canon_id,
            texts[canon_id],
            texts[copy_id],
            canon_mentions.get(canon_id, []),
            sentences[copy_id],
        )
        result.add("copies", 1)
        result.add("mentions", len(new))
        if {tuple(r[c] for c in ROW_COLUMNS) for r in new} == stored.get(copy_id, set()):
            continue
        changed.append(copy_id)
        for r in new:
            r["run_id"] = run_id
        rows.extend(new)
    result.add("copies_changed", len(changed))
    if not changed:
        return
    db.register(con, "_parallax_copy_changed", pa.table({"doc_id": pa.array(changed, pa.string())}))
    try:
        # earlier runs' rows go back if this run is rolled back (found missing after a failed night)
        db.log_before_images(
            con, MENTIONS, "t.doc_id in (select doc_id from _parallax_copy_changed)", run_id=run_id, key=[]
        )
        con.execute(
            f"delete from {MENTIONS} where doc_id in (select doc_id from _parallax_copy_changed)"
        ).fetchall()
    finally:
        con.unregister("_parallax_copy_changed")
    if rows:
        db.insert_arrow(con, MENTIONS, pa.Table.from_pylist(rows))
