"""Extraction stage, database side: staging rows in, resolved and persisted annotations out.

- `read_inputs` reads the staging rows `parallax.extract.annotate` takes (DuckDB -> Arrow).
- `write_annotations` resolves the annotations' names against the archive
  (`parallax.entity_archive`, `parallax.entities.resolve_entities`) and replaces the documents'
  rows in `intermediate.int_mentions`, `int_entities`, `int_entity_aliases`, `int_facts`,
  `int_attributions` (then re-projects their copies). Rerunning for the same documents replaces
  their rows; entity ids persist.
- `extract_documents(con, run_id, doc_ids, settings, nlp) -> StageResult` does read, annotate
  (in this process) and write; `parallax.runner.extract_documents` is the same with `annotate`
  run wherever the run's annotator says.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from parallax import copies, db
from parallax.entities import (
    TITLE_WORDS,
    DocGroup,
    Evidence,
    Override,
    find_override,
    is_acronym_form,
    is_short_form,
    label_class,
    load_overrides,
    name_key,
    resolve_entities,
    short_candidate_ids,
    vote_label,
)
from parallax.entities.propagate import METHOD as PROPAGATED
from parallax.entities.propagate import propagate_names
from parallax.entity_archive import (
    BatchNames,
    archive_aliases,
    archive_evidence,
    known_entities,
    label_votes,
    load_cooccurrence,
)
from parallax.extract import ALIASES_FILE, annotate
from parallax.language import keep_model_languages
from parallax.schemas import MENTION_SCHEMA, Annotations
from parallax.settings import Settings
from parallax.stage import StageResult


def _ids_table(doc_ids: Iterable[str]) -> pa.Table:
    return pa.table({"doc_id": pa.array(sorted(set(doc_ids)), pa.string())})


def read_inputs(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """stg_documents, stg_sentences, stg_paragraphs rows of `doc_ids` (Arrow)."""
    ids = list(doc_ids)
    docs = db.fetch_arrow(
        con,
        "select doc_id, title, body, published_at from staging.stg_documents "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id",
        [ids],
    )
    sents = db.fetch_arrow(
        con,
        "select doc_id, sentence_index, start_char, end_char from staging.stg_sentences "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id, sentence_index",
        [ids],
    )
    paras = db.fetch_arrow(
        con,
        "select doc_id, paragraph_index, start_char, end_char, is_heading from staging.stg_paragraphs "
        "where doc_id in (select unnest(?::varchar[])) order by doc_id, paragraph_index",
        [ids],
    )
    return docs, sents, paras


def with_batch_names(ann: Annotations, docs: pa.Table, sents: pa.Table, settings: Settings) -> Annotations:
    """`ann` plus the mentions of names the batch tagged elsewhere but the tagger missed here.

    See `parallax.entities.propagate`; runs on the whole batch (after every worker's part), over
    the text the tagger read (`settings.max_nlp_chars`)."""
    if settings.entity_propagate_min_docs <= 0 or not ann.mentions.num_rows:
        return ann
    limit = settings.max_nlp_chars
    texts: dict[tuple[str, str], str] = {}
    titles = docs.column("title").to_pylist() if "title" in docs.column_names else [None] * docs.num_rows
    for doc_id, title, body in zip(
        docs.column("doc_id").to_pylist(), titles, docs.column("body").to_pylist(), strict=True
    ):
        texts[(doc_id, "body")] = (body or "")[:limit]
        if title and title.strip():
            texts[(doc_id, "title")] = title[:limit]
    starts: dict[str, list[int]] = defaultdict(list)
    for doc_id, start in zip(
        sents.column("doc_id").to_pylist(), sents.column("start_char").to_pylist(), strict=True
    ):
        starts[doc_id].append(int(start))
    new = propagate_names(
        ann.mentions.to_pylist(), texts, starts, min_docs=settings.entity_propagate_min_docs
    )
    if not new:
        return ann
    added = pa.Table.from_pylist(new, schema=MENTION_SCHEMA)
    return dataclasses.replace(ann, mentions=pa.concat_tables([ann.mentions, added]))


def _is_title_role(role: str | None) -> bool:
    return bool(role) and role.split()[-1].casefold() in TITLE_WORDS  # type: ignore[union-attr]


def extract_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: list[str], settings: Settings, nlp: Any
) -> StageResult:
    """Extract, resolve and persist for `doc_ids`; idempotent per document, entity ids stable.

    Documents in a language the model does not read (`settings.model_languages`) are skipped."""
    result = StageResult(doc_ids=list(doc_ids))
    doc_ids = keep_model_languages(con, doc_ids, settings, result)
    if not doc_ids:
        return result
    docs, sents, paras = read_inputs(con, doc_ids)
    present = docs.column("doc_id").to_pylist()
    overrides = load_overrides(settings.seeds / ALIASES_FILE)
    ann = with_batch_names(
        annotate(docs, nlp, settings, sents, paras, overrides=overrides), docs, sents, settings
    )
    return store_annotations(
        con, run_id, present, ann, overrides, result, min_score=settings.entity_link_min_evidence
    )


def store_annotations(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    present: list[str],
    ann: Annotations,
    overrides: dict[str, Override],
    result: StageResult,
    *,
    min_score: float = Evidence.min_score,
) -> StageResult:
    """Resolve and write `ann` for the documents `present`, adding the evidence counts to `result`."""
    result.add("documents", len(present))
    result.add("skipped_spans", ann.skipped_spans)
    write_annotations(con, run_id, present, ann, overrides, min_score=min_score)
    result.add("mentions", ann.mentions.num_rows)
    result.add("facts", ann.facts.num_rows)
    result.add("attributions", ann.attributions.num_rows)
    n_entities = con.execute(
        "select count(distinct entity_id) from intermediate.int_mentions "
        "where doc_id in (select unnest(?::varchar[]))",
        [present],
    ).fetchall()
    result.add("entities", int(n_entities[0][0]) if n_entities else 0)
    return result


def write_annotations(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    doc_ids: list[str],
    ann: Annotations,
    overrides: dict[str, Override] | None = None,
    *,
    min_score: float = Evidence.min_score,
) -> dict[tuple[str, str], str]:
    """Resolve `ann` against the archive and replace the rows of `doc_ids`.

    Returns (doc_id, canonical_key) -> entity id."""
    overrides = overrides or {}
    m = ann.mentions.to_pylist()

    # ---- document-level groups ------------------------------------------------------------
    per_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in m:
        per_group[(row["doc_id"], row["canonical_key"])].append(row)
    groups = []
    for (doc_id, key), rows in per_group.items():
        groups.append(
            DocGroup(
                doc_id=doc_id,
                key=key,
                name=rows[0]["canonical_name"],
                label=rows[0]["label"],
                classes={label_class(r["model_label"]) for r in rows} | {label_class(rows[0]["label"])},
                override=any(r["method"] == "override" for r in rows),
                mention_count=len(rows),
                acronym=any(is_acronym_form(r["name"]) for r in rows if r["key"] == key),
                place_evidence=any(r["as_place"] for r in rows),
                aliases=frozenset(r["key"] for r in rows if r["key"] and r["key"] != key),
            )
        )

    short = [g for g in groups if is_short_form(g)]
    short_keys = {g.key for g in short}
    known = known_entities(con, doc_ids, BatchNames.of(groups, {g.key for g in short if g.acronym}))
    aliases = archive_aliases(con, known, short_keys)
    load_cooccurrence(con, known, sorted(short_candidate_ids(short, known.values(), aliases)), doc_ids)
    evidence = archive_evidence(con, known, doc_ids, aliases, overrides, min_score)
    resolution, entities = resolve_entities(groups, list(known.values()), evidence)
    ent_by_id = {e.entity_id: e for e in entities}

    # ---- entities: label by vote over the archive and this batch ---------------------------
    touched = sorted({r.entity_id for r in resolution.values()})
    votes = label_votes(con, touched, doc_ids)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in m:
        eid = resolution[(row["doc_id"], row["canonical_key"])].entity_id
        weight = 0.5 if row["in_heading"] else 1.0
        votes[eid][row["label"]] += weight  # the document-level vote (demonyms, titles, full names)
        if _is_title_role(row["role"]):
            votes[eid]["PERSON"] += 1
            roles[eid].add(row["role"])
    existing = {
        r[0]: (r[1], list(r[2] or []), r[3])
        for r in con.execute(
            "select entity_id, canonical_name, roles, run_id from intermediate.int_entities "
            "where entity_id in (select unnest(?::varchar[]))",
            [touched],
        ).fetchall()
    }
    entity_rows = []
    for eid in touched:
        ent = ent_by_id[eid]
        ov = find_override(overrides, ent.canonical_name)
        label = (
            ov.label if ov is not None and name_key(ov.canonical_name) == ent.key else vote_label(votes[eid])
        )
        name, old_roles, first_run = existing.get(eid, (ent.canonical_name, [], run_id))
        entity_rows.append(
            {
                "entity_id": eid,
                "canonical_name": name,
                "label": label,
                "roles": sorted(set(old_roles) | roles[eid]),
                "run_id": first_run,
            }
        )
    label_of = {r["entity_id"]: r["label"] for r in entity_rows}
    name_of = {r["entity_id"]: r["canonical_name"] for r in entity_rows}

    # ---- mentions --------------------------------------------------------------------------
    mention_rows = []
    alias_best: dict[tuple[str, str], tuple[float, str, str | None]] = {}
    for row in m:
        res = resolution[(row["doc_id"], row["canonical_key"])]
        eid = res.entity_id
        mention_rows.append(
            {
                "doc_id": row["doc_id"],
                "mention_index": row["mention_index"],
                "part": row["part"],
                "surface_text": row["surface_text"],
                "label": label_of[eid],
                "model_label": row["model_label"],
                "sentence_index": row["sentence_index"],
                "start_char": row["start_char"],
                "end_char": row["end_char"],
                "entity_id": eid,
                "role": row["role"],
                "run_id": run_id,
            }
        )
        alias = " ".join(row["surface_text"].split())
        name = name_of[eid]
        if row["method"] == "override" or res.method == "override":
            method, conf, why = "override", 1.0, "seeds/entity_aliases.csv"
        elif res.method not in ("exact", "normalized"):
            method, conf, why = res.method, min(res.confidence, row["confidence"]), res.evidence
        elif row["method"] not in (
            "exact",
            "normalized",
            PROPAGATED,
        ):  # propagated: a name as written elsewhere
            method, conf, why = row["method"], row["confidence"], f"same document as {name}"
        elif alias == name:
            method, conf, why = "exact", 1.0, ""
        else:
            method, conf, why = "normalized", min(row["confidence"], res.confidence), ""
        prev = alias_best.get((alias, eid))
        if prev is None or conf > prev[0]:
            alias_best[(alias, eid)] = (conf, method, why or None)

    old_entities = [
        r[0]
        for r in con.execute(
            "select distinct entity_id from intermediate.int_mentions "
            "where doc_id in (select unnest(?::varchar[])) "
            "or projected_from in (select unnest(?::varchar[]))",
            [doc_ids, doc_ids],
        ).fetchall()
    ]
    ids = _ids_table(doc_ids)
    con.register("_parallax_extract_ids", ids)
    try:
        for table in ("intermediate.int_mentions", "intermediate.int_facts", "intermediate.int_attributions"):
            db.log_before_images(
                con, table, "t.doc_id in (select doc_id from _parallax_extract_ids)", run_id=run_id, key=[]
            )
            con.execute(
                f"delete from {table} where doc_id in (select doc_id from _parallax_extract_ids)"
            ).fetchall()
    finally:
        con.unregister("_parallax_extract_ids")

    if entity_rows:
        db.upsert_arrow(
            con,
            "intermediate.int_entities",
            pa.Table.from_pylist(
                entity_rows,
                schema=pa.schema(
                    [
                        ("entity_id", pa.string()),
                        ("canonical_name", pa.string()),
                        ("label", pa.string()),
                        ("roles", pa.list_(pa.string())),
                        ("run_id", pa.string()),
                    ]
                ),
            ),
            ["entity_id"],
            run_id=run_id,
        )
    if mention_rows:
        db.insert_arrow(con, "intermediate.int_mentions", pa.Table.from_pylist(mention_rows))

    # aliases keep the run that first recorded them
    if alias_best:
        keys = pa.table(
            {
                "alias": [k[0] for k in alias_best],
                "entity_id": [k[1] for k in alias_best],
            }
        )
        con.register("_parallax_alias_keys", keys)
        try:
            first = {
                (a, e): r
                for a, e, r in con.execute(
                    "select a.alias, a.entity_id, a.run_id from intermediate.int_entity_aliases a "
                    "join _parallax_alias_keys k using (alias, entity_id)"
                ).fetchall()
            }
        finally:
            con.unregister("_parallax_alias_keys")
        alias_rows = [
            {
                "alias": a,
                "entity_id": e,
                "method": method,
                "confidence": round(conf, 3),
                "run_id": first.get((a, e), run_id),
                "evidence": why,
            }
            for (a, e), (conf, method, why) in sorted(alias_best.items())
        ]
        db.upsert_arrow(
            con,
            "intermediate.int_entity_aliases",
            pa.Table.from_pylist(alias_rows),
            ["alias", "entity_id"],
            run_id=run_id,
        )

    # facts and attributions
    if ann.facts.num_rows:
        facts = ann.facts.append_column("run_id", pa.array([run_id] * ann.facts.num_rows, pa.string()))
        db.insert_arrow(con, "intermediate.int_facts", facts)
    if ann.attributions.num_rows:
        att = ann.attributions.to_pylist()
        for row in att:
            actor = resolution.get((row["doc_id"], row["actor_key"]))
            row["actor_entity_id"] = actor.entity_id if actor else None
            row["run_id"] = run_id
            del row["actor_key"]
        db.insert_arrow(con, "intermediate.int_attributions", pa.Table.from_pylist(att))

    # keep other documents' mention labels in step with the entity label vote
    if entity_rows:
        labels = pa.table(
            {"entity_id": [r["entity_id"] for r in entity_rows], "label": [r["label"] for r in entity_rows]}
        )
        con.register("_parallax_entity_labels", labels)
        try:
            db.log_before_images(
                con,
                "intermediate.int_mentions",
                "exists (select 1 from _parallax_entity_labels u where t.entity_id = u.entity_id "
                "and t.label <> u.label)",
                run_id=run_id,
            )
            con.execute(
                "update intermediate.int_mentions m set label = u.label from _parallax_entity_labels u "
                "where m.entity_id = u.entity_id and m.label <> u.label"
            ).fetchall()
        finally:
            con.unregister("_parallax_entity_labels")

    # copies of these documents carry their mentions (re-mapped when the canonical changed)
    copies.project_copies(con, run_id, canonical_ids=doc_ids)

    # entities this batch (or its copies) used to reference and nothing references any more
    gone = sorted(set(old_entities) - set(touched))
    if gone:
        db.log_before_images(
            con,
            "intermediate.int_entities",
            "t.entity_id in (select unnest(?::varchar[])) "
            "and t.entity_id not in (select entity_id from intermediate.int_mentions)",
            [gone],
            run_id=run_id,
        )
        con.execute(
            "delete from intermediate.int_entities where entity_id in (select unnest(?::varchar[])) "
            "and entity_id not in (select entity_id from intermediate.int_mentions)",
            [gone],
        ).fetchall()
        db.log_before_images(
            con,
            "intermediate.int_entity_aliases",
            "t.entity_id in (select unnest(?::varchar[])) "
            "and t.entity_id not in (select entity_id from intermediate.int_entities)",
            [gone],
            run_id=run_id,
        )
        con.execute(
            "delete from intermediate.int_entity_aliases where entity_id in (select unnest(?::varchar[])) "
            "and entity_id not in (select entity_id from intermediate.int_entities)",
            [gone],
        ).fetchall()
    return {k: r.entity_id for k, r in resolution.items()}
