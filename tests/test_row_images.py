"""Rollback restores what a run changed, not only what it inserted (before-images in audit.row_images)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from parallax import db, runs


def table(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[object, ...]]:
    return sorted(con.execute(f"select * from {name}").fetchall(), key=repr)


def entities(rows: list[tuple[str, str, str, list[str], str]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            dict(zip(["entity_id", "canonical_name", "label", "roles", "run_id"], r, strict=True))
            for r in rows
        ],
        schema=pa.schema(
            [
                ("entity_id", pa.string()),
                ("canonical_name", pa.string()),
                ("label", pa.string()),
                ("roles", pa.list_(pa.string())),
                ("run_id", pa.string()),
            ]
        ),
    )


def aliases(rows: list[tuple[str, str, str, float, str]]) -> pa.Table:
    return pa.Table.from_pylist(
        [dict(zip(["alias", "entity_id", "method", "confidence", "run_id"], r, strict=True)) for r in rows]
    )


def test_rollback_restores_upserted_updated_and_deleted_rows_of_earlier_runs(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ents, als = "intermediate.int_entities", "intermediate.int_entity_aliases"
    db.upsert_arrow(
        con,
        ents,
        entities([("E1", "Ana Reyes", "PERSON", ["minister"], "r1"), ("E2", "Tarsk", "GPE", [], "r1")]),
        ["entity_id"],
    )
    db.upsert_arrow(
        con,
        als,
        aliases([("Reyes", "E1", "partial_name", 0.1 + 0.2, "r1"), ("Tarsk", "E2", "exact", 1.0, "r1")]),
        ["alias", "entity_id"],
    )
    before = {name: table(con, name) for name in (ents, als)}

    summary = runs.RunSummary(run_id="r2", run_date=runs.now().date())
    runs.start_run(con, summary, "in")
    # relabel and new role (the row keeps its first run's stamp), a restamped row, a changed alias,
    # a new entity, an in-place UPDATE and a DELETE of earlier rows
    db.upsert_arrow(
        con,
        ents,
        entities(
            [
                ("E1", "Ana Reyes", "ORG", ["minister", "president"], "r1"),
                ("E2", "Tarsk", "LOC", [], "r2"),
                ("E3", "New Entity", "ORG", [], "r2"),
            ]
        ),
        ["entity_id"],
    )
    db.upsert_arrow(con, als, aliases([("Reyes", "E1", "override", 1.0, "r1")]), ["alias", "entity_id"])
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "NORP", [], "r1")]), ["entity_id"])  # twice
    db.log_before_images(con, als, "t.entity_id = ?", ["E2"])
    con.execute(f"update {als} set confidence = 0.5 where entity_id = 'E2'")
    db.log_before_images(con, als, "t.alias = ?", ["Reyes"])
    con.execute(f"delete from {als} where alias = 'Reyes'")
    assert table(con, ents) != before[ents] and table(con, als) != before[als]

    db.rollback_run(con, "r2")
    assert {name: table(con, name) for name in (ents, als)} == before  # exact, 0.1 + 0.2 included
    assert con.execute(f"select count(*) from {db.IMAGES}").fetchone() == (0,)
    assert db.current_run(con) is None


def test_a_successful_run_drops_its_images_and_rows_it_wrote_itself_are_not_logged(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ents = "intermediate.int_entities"
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "PERSON", [], "r1")]), ["entity_id"])
    summary = runs.RunSummary(run_id="r2", run_date=runs.now().date())
    runs.start_run(con, summary, "in")
    db.upsert_arrow(con, ents, entities([("E9", "Own", "ORG", [], "r2")]), ["entity_id"])
    db.upsert_arrow(con, ents, entities([("E9", "Own", "LOC", [], "r2")]), ["entity_id"])
    assert con.execute(f"select count(*) from {db.IMAGES}").fetchone() == (0,)
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "ORG", [], "r1")]), ["entity_id"])
    assert con.execute(f"select sum(row_count) from {db.IMAGES}").fetchone() == (1,)
    summary.status = runs.STATUS_SUCCESS
    runs.finish_run(con, summary)
    assert con.execute(f"select count(*) from {db.IMAGES}").fetchone() == (0,)
    assert con.execute(f"select label from {ents} where entity_id = 'E1'").fetchone() == ("ORG",)


def test_a_crashed_run_is_restored_by_recovery(con: duckdb.DuckDBPyConnection) -> None:
    ents = "intermediate.int_entities"
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "PERSON", [], "r1")]), ["entity_id"])
    before = table(con, ents)
    summary = runs.RunSummary(run_id=runs.new_run_id(), run_date=runs.now().date())
    runs.start_run(con, summary, "in")
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "ORG", [], summary.run_id)]), ["entity_id"])
    db.end_run(con)  # the process died; a new connection has no run set
    assert runs.recover_unfinished_runs(con) == [summary.run_id]
    assert table(con, ents) == before


def test_a_row_saved_under_two_keys_is_restored_once(con: duckdb.DuckDBPyConnection) -> None:
    paras = "staging.stg_paragraphs"
    rows = pa.table(
        {
            "doc_id": ["d1", "d1"],
            "paragraph_index": pa.array([0, 1], pa.int32()),
            "text": ["Para one.", "Para two."],
            "start_char": pa.array([0, 11], pa.int32()),
            "end_char": pa.array([9, 20], pa.int32()),
            "is_heading": [False, False],
            "run_id": ["r1", "r1"],
        }
    )
    db.upsert_arrow(con, paras, rows, ["doc_id", "paragraph_index"])
    before = table(con, paras)
    db.begin_run(con, "r2")
    db.log_before_images(con, paras, "t.doc_id = ?", ["d1"], key=["doc_id"])
    db.upsert_arrow(con, paras, rows.slice(0, 1), ["doc_id", "paragraph_index"])
    con.execute(f"delete from {paras} where doc_id = 'd1'")
    db.rollback_run(con, "r2")
    assert table(con, paras) == before


def test_a_row_updated_then_deleted_in_one_run_goes_back_as_before_the_run(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Seen at 40,000 archived articles: a batch relabels an archived document's mentions (images by
    primary key), a later step of the same run deletes them to re-extract the document (images with
    no key, re-insert only), and the run fails. Both images hold the row, with different labels:
    the rollback put both back and failed on the primary key, leaving the run unrolled."""
    ents = "intermediate.int_entities"
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "PERSON", [], "r1")]), ["entity_id"])
    before = table(con, ents)
    db.begin_run(con, "r2")
    db.log_before_images(con, ents, "t.entity_id = ?", ["E1"])  # by primary key
    con.execute(f"update {ents} set label = 'ORG' where entity_id = 'E1'")
    db.log_before_images(con, ents, "t.entity_id = ?", ["E1"], key=[])  # re-insert only
    con.execute(f"delete from {ents} where entity_id = 'E1'")
    db.upsert_arrow(con, ents, entities([("E1", "Ana Reyes", "GPE", [], "r2")]), ["entity_id"])
    db.rollback_run(con, "r2")
    assert table(con, ents) == before


_UNSPILLABLE = (
    "select length(string_agg(distinct (x % 300000)::varchar || 'abcdefghij', ',' "
    "order by (x % 300000)::varchar || 'abcdefghij')) from range(600000) t(x)"
)


def test_a_statement_out_of_memory_is_tried_once_more_at_the_retry_limit() -> None:
    """An ordered distinct string_agg cannot spill: at 20MB it fails; the retry runs it at the
    larger limit and puts the connection's own limit back; without a retry limit the error stands."""
    import pytest

    con = duckdb.connect(config={"memory_limit": "20MB"})
    limit = con.execute("select current_setting('memory_limit')").fetchone()
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute(_UNSPILLABLE).fetchone()
    assert db.retry_out_of_memory(con, "512MB", lambda: con.execute(_UNSPILLABLE).fetchone()) == (4_988_889,)
    assert con.execute("select current_setting('memory_limit')").fetchone() == limit
    with pytest.raises(duckdb.OutOfMemoryException):
        db.retry_out_of_memory(con, None, lambda: con.execute(_UNSPILLABLE).fetchone())
