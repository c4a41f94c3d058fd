"""Source similarity kept as a table: recomputed for the stories that changed, and only those."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from story_rows import Corpus, build_story, rows

from parallax import db, similarity


def _pairs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return rows(con, "select * from intermediate.int_source_similarity order by story_id, doc_a, doc_b")


def _stories(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {
        r["story_id"]: r["run_id"]
        for r in rows(con, "select * from intermediate.int_source_similarity_stories")
    }


@pytest.fixture
def con(mem_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return mem_con


def test_a_second_refresh_recomputes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    build_story(con)
    first = similarity.refresh(con, "r1")
    assert first == similarity.Refreshed(stories=1, dropped=0, pairs=6)  # S1: 4 canonical documents
    before = _pairs(con)
    assert similarity.refresh(con, "r2") == similarity.Refreshed(0, 0, 0)
    assert _pairs(con) == before and set(_stories(con).values()) == {"r1"}


def test_only_the_stories_that_changed_are_recomputed(con: duckdb.DuckDBPyConnection) -> None:
    c = build_story(con)
    c.doc("q1", "a", "Floods closed the port of Lagos on Friday.", story="S2")
    c.doc("q2", "b", "The port of Lagos closed after floods.", story="S2")
    similarity.refresh(con, "r1")
    # a later run adds a document to S2 only
    later = Corpus(con, run_id="r2")
    later.doc("q3", "c", "Lagos port shut by flooding, officials said.", story="S2")
    got = similarity.refresh(con, "r2")
    assert got == similarity.Refreshed(stories=1, dropped=0, pairs=3)
    assert _stories(con) == {"S1": "r1", "S2": "r2"}
    assert {(p["doc_a"], p["doc_b"]) for p in _pairs(con) if p["story_id"] == "S2"} == {
        ("q1", "q2"),
        ("q1", "q3"),
        ("q2", "q3"),
    }


def test_an_entity_change_or_a_move_reaches_the_pairs(con: duckdb.DuckDBPyConnection) -> None:
    build_story(con)
    similarity.refresh(con, "r1")
    ab = next(p for p in _pairs(con) if (p["doc_a"], p["doc_b"]) == ("da", "db"))
    assert ab["shared_entity_count"] == 3
    # re-resolution links db's "Raisi" to another entity: S1's signature changes
    con.execute(
        "update intermediate.int_mentions set entity_id = 'E_other' "
        "where doc_id = 'db' and surface_text = 'Raisi'"
    )
    assert similarity.refresh(con, "r2").stories == 1
    ab = next(p for p in _pairs(con) if (p["doc_a"], p["doc_b"]) == ("da", "db"))
    assert ab["shared_entity_count"] == 2
    # every document but one leaves S1: its pairs go
    con.execute(
        "update intermediate.int_document_stories set story_id = 'S9' where doc_id in ('db', 'dc', 'de')"
    )
    got = similarity.refresh(con, "r3")
    assert got.dropped == 1 and "S1" not in _stories(con)
    assert {p["story_id"] for p in _pairs(con)} == {"S9"}


def test_a_rolled_back_refresh_puts_the_pairs_back(con: duckdb.DuckDBPyConnection) -> None:
    build_story(con)
    similarity.refresh(con, "r1")
    before, stories = _pairs(con), _stories(con)
    later = Corpus(con, run_id="r2")
    later.doc("df", "f", "Raisi left Pakistan for Tehran.", story="S1")
    assert similarity.refresh(con, "r2").stories == 1
    assert len(_pairs(con)) == 10
    db.rollback_run(con, "r2")
    assert _pairs(con) == before and _stories(con) == stories
