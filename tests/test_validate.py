"""Validation: the GX suites in expectations/ state the contracts and catch rows that break them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from story_rows import Corpus, build_story, given

from parallax import db
from parallax.datadocs import render_data_docs
from parallax.history import snapshot_run
from parallax.settings import Settings
from parallax.validate import (
    data_docs_path,
    load_suites,
    run_suites,
    store_results,
    validate_published,
    validate_run,
)
from parallax.validate_history import ENTITIES_PER_DOC_DEFAULT, history_parameters

LONG = (
    "The harbour council met on Tuesday to discuss the new ferry timetable, the repair of the old pier and "
    "the budget for the coming winter season, and members argued for two hours about the price of tickets "
    "for pensioners and students before they agreed to meet again next month in the town hall."
)


@pytest.fixture
def mem(mem_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """In-memory: suites read rows the tests insert."""
    return mem_con


def test_every_table_and_view_has_a_gx_suite(mem: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    from great_expectations.core import ExpectationSuite

    suites = load_suites(settings.expectations)
    objects = {
        r[0]
        for r in mem.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'intermediate', 'marts', 'audit')"
        ).fetchall()
    }
    assert objects - {s.object_name for s in suites} == set(), "objects without a suite"
    for suite in suites:
        assert suite.path.name == f"{suite.name}.json"
        text = suite.path.read_text(encoding="utf-8")
        assert '"id"' not in text, "no GX UUIDs in suite files"
        gx_suite = ExpectationSuite(name=suite.name, expectations=suite.spec["expectations"])
        assert len(gx_suite.expectations) == len(suite.spec["expectations"]) > 0


def test_validate_run_passes_on_consistent_rows_and_ignores_other_runs(
    mem: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    build_story(mem)
    snapshot_run(mem, "r1")
    # an earlier run left a bad mention (offsets off by one): not what r1 added, so not re-validated
    old = Corpus(mem, run_id="r0")
    old.doc("old", "o", "An older article about the harbour and its ferry.")
    given(
        mem,
        "intermediate.int_mentions",
        [
            {
                "doc_id": "old",
                "mention_index": 0,
                "surface_text": "harbour",
                "label": "FAC",
                "model_label": "FAC",
                "sentence_index": 0,
                "start_char": 28,
                "end_char": 35,
                "entity_id": "E_raisi",
                "run_id": "r0",
            }
        ],
    )

    outcome = validate_run(mem, "r1", settings)
    assert outcome.success, outcome.summary()
    assert outcome.unsuited == []
    mentions = next(s for s in outcome.suites if s.suite == "intermediate.int_mentions")
    assert mentions.rows == 12 and mentions.failed == 0
    stored = mem.execute(
        "select count(*), bool_and(success) from audit.validation_results where run_id = 'r1'"
    )
    assert stored.fetchall() == [(len(outcome.results), True)]
    page = data_docs_path(settings).read_text(encoding="utf-8")
    assert "Run r1" in page and "passed" in page
    # storing the run's results again replaces them
    store_results(mem, "r1", outcome)
    again = mem.execute("select count(*) from audit.validation_results where run_id = 'r1'").fetchall()
    assert again == [(len(outcome.results),)]


def test_broken_contracts_fail_the_run_with_the_expectation_named(
    mem: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path
) -> None:
    story = build_story(mem)
    # 1. a mention whose offsets do not match its text
    mem.execute(
        "update intermediate.int_mentions set start_char = start_char + 1, end_char = end_char + 1 "
        "where doc_id = 'db' and surface_text = 'Iran'"
    )
    # 2. a mention of an entity that does not exist
    given(
        mem,
        "intermediate.int_mentions",
        [
            {
                "doc_id": "dc",
                "mention_index": 9,
                "surface_text": "today",
                "label": "PERSON",
                "model_label": "DATE",
                "sentence_index": 0,
                "start_char": story.bodies["dc"].index("today"),
                "end_char": story.bodies["dc"].index("today") + 5,
                "entity_id": "E_missing",
                "run_id": "r1",
            }
        ],
    )
    # 3. a reference boilerplate phrase (kind exact) surviving in a cleaned body
    mem.execute(
        "update staging.stg_documents set body = body || chr(10) || chr(10) || 'Share this article.' "
        "where doc_id = 'de'"
    )
    # 4. a copy pointing to a document that is not a canonical one
    story.doc("dz", "z", "A copy of an article whose canonical document is unknown.", canonical="nope")

    outcome = validate_run(mem, "r1", settings)
    assert not outcome.success
    failed = {(r.suite, r.kwargs.get("column")) for r in outcome.results if not r.success}
    assert failed == {
        ("intermediate.int_mentions", "offsets_match_text"),
        ("intermediate.int_mentions", "entity_exists"),
        ("staging.stg_documents", "no_exact_boilerplate"),
        ("intermediate.int_document_duplicates", "points_to_canonical"),
    }
    offsets = next(
        r
        for r in outcome.results
        if r.kwargs.get("column") == "offsets_match_text" and r.suite == "intermediate.int_mentions"
    )
    assert offsets.unexpected_count == 1 and offsets.element_count == 13
    assert "offsets_match_text" in outcome.summary()
    stored = mem.execute(
        "select suite, expectation_type, kwargs, unexpected_count from audit.validation_results "
        "where run_id = 'r1' and not success order by suite, expectation_index"
    ).fetchall()
    assert len(stored) == 4
    assert json.loads(stored[0][2]) == {"column": "points_to_canonical", "value_set": [True]}

    page = render_data_docs(mem, tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "FAILED" in page and "offsets_match_text" in page and "intermediate.int_mentions" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_entities_per_document_bound_catches_a_silent_ner_failure(
    mem: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    c = Corpus(mem)
    for i in range(6):  # six canonical documents of >= 50 words, no mention extracted at all
        c.doc(f"n{i}", f"s{i}", LONG + f" Item {i}.")
    outcome = run_suites(mem, settings, "r1", only=["intermediate.int_mentions"])
    assert not outcome.success
    (bad,) = [r for r in outcome.results if not r.success]
    assert bad.kwargs == {
        "column": "entities_per_document",
        "min_value": ENTITIES_PER_DOC_DEFAULT[0],
        "max_value": ENTITIES_PER_DOC_DEFAULT[1],
    }
    # the same documents with entities pass
    mem.execute("insert into intermediate.int_entities values ('E_h', 'Harbour Council', 'ORG', [], 'r1')")
    for i in range(6):
        given(
            mem,
            "intermediate.int_mentions",
            [
                {
                    "doc_id": f"n{i}",
                    "mention_index": 0,
                    "surface_text": "harbour",
                    "label": "ORG",
                    "model_label": "ORG",
                    "sentence_index": 0,
                    "start_char": 4,
                    "end_char": 11,
                    "entity_id": "E_h",
                    "run_id": "r1",
                }
            ],
        )
    assert run_suites(mem, settings, "r1", only=["intermediate.int_mentions"]).success


def test_a_key_held_twice_across_runs_fails_the_run(
    mem: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    """raw.documents and the other tables a night appends long text to have no key constraint (see
    parallax.table_keys): their suites' duplicate_keys batch catches a second row with a key."""
    build_story(mem)
    snapshot_run(mem, "r1")
    assert validate_run(mem, "r1", settings).success
    assert db.primary_key(mem, "raw.documents") == ["doc_id"]
    assert db.table_keys.constraint_key(mem, "raw.documents") == []
    # r2 writes a document version under an id r1 wrote (a bug the constraint used to stop)
    mem.execute(
        "insert into raw.documents select * replace ('r2' as run_id) from raw.documents where doc_id = 'da'"
    )
    outcome = validate_run(mem, "r2", settings)
    assert not outcome.success
    failed = [(r.suite, r.expectation_type, r.observed) for r in outcome.results if not r.success]
    assert ("raw.documents", "expect_table_row_count_to_equal", 1) in failed  # and the views it doubles


def test_history_parameters_defaults_history_and_small_runs() -> None:
    cols = ["run_id", "documents", "duplicate_rate", "extracted_documents", "entities_per_document"]
    current = pd.DataFrame([["now", 100, 0.1, 50, 10.0]], columns=cols)
    none = pd.DataFrame([], columns=cols)
    p = history_parameters(current, none)
    assert (p["entities_per_doc_min"], p["entities_per_doc_max"]) == ENTITIES_PER_DOC_DEFAULT
    assert p["duplicate_rate_max"] == 0.9

    history = pd.DataFrame(
        [["a", 50, 0.05, 40, 8.0], ["b", 60, 0.2, 30, 12.0], ["c", 70, 0.1, 35, 10.0], ["d", 3, 1.0, 2, 0.0]],
        columns=cols,
    )
    p = history_parameters(current, history)
    assert (p["entities_per_doc_min"], p["entities_per_doc_max"]) == (2.0, 48.0), "tiny run d is ignored"
    assert p["duplicate_rate_max"] == 0.5

    small = pd.DataFrame([["now", 3, 1.0, 2, 0.0]], columns=cols)
    p = history_parameters(small, history)
    assert p["entities_per_doc_max"] is None and p["entities_per_doc_min"] == 0.0
    assert p["duplicate_rate_max"] == 1.0


def test_validate_published_is_read_only(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "pub.duckdb"
    c = db.connect(path)
    db.apply_sql(c, settings.sql)
    build_story(c)
    c.execute("insert into audit.runs (run_id, started_at, status) values ('r1', now(), 'success')")
    c.execute("checkpoint")
    c.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    outcome = validate_published(path, settings)
    assert outcome.success, outcome.summary()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    with pytest.raises(FileNotFoundError):
        validate_published(tmp_path / "missing.duckdb", settings)


def test_a_missing_object_fails_its_suite(mem: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    build_story(mem)
    mem.execute("drop view marts.dim_stories")
    outcome = run_suites(mem, settings, "r1", only=["marts.dim_stories", "marts.dim_documents"])
    assert not outcome.success
    assert outcome.failures == ["marts.dim_stories[-1] expect_table_to_exist(marts.dim_stories)"]
    with pytest.raises(ValueError, match="no such suite"):
        run_suites(mem, settings, "r1", only=["nope.nope"])


def test_negated_claim_counted_as_affirmed_fails_the_attribution_suite(
    mem: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    c = Corpus(mem)
    body = (
        "Chancellor Scholz did not raise the energy issue. Chancellor Scholz did not only raise the budget."
    )
    c.doc("n1", "s1", body)

    def attribution(index: int, clause: str, polarity: str, topic: str) -> None:
        start = body.index(clause)
        row = {
            "doc_id": "n1",
            "attribution_index": index,
            "kind": "action",
            "actor_entity_id": None,
            "actor_text": "Scholz",
            "predicate": "raise",
            "topic": topic,
            "topic_text": topic,
            "quote": None,
            "polarity": polarity,
            "cue": None,
            "sentence_index": 0,
            "start_char": start,
            "end_char": start + len(clause),
            "run_id": "r1",
        }
        given(mem, "intermediate.int_attributions", [row])

    only = ["intermediate.int_attributions"]
    attribution(0, "Scholz did not raise the energy issue", "negated", "energy issue")
    attribution(1, "Scholz did not only raise the budget", "affirmed", "budget")  # "not only" affirms
    assert run_suites(mem, settings, "r1", only=only).success
    mem.execute("update intermediate.int_attributions set polarity = 'affirmed' where attribution_index = 0")
    outcome = run_suites(mem, settings, "r1", only=only)
    assert [r.kwargs["column"] for r in outcome.results if not r.success] == ["negation_read"]
    mem.execute("update intermediate.int_attributions set polarity = 'unsure' where attribution_index = 0")
    outcome = run_suites(mem, settings, "r1", only=only)
    assert [r.kwargs["column"] for r in outcome.results if not r.success] == ["polarity"]


def test_plausibility_warnings_are_stored_but_do_not_fail_the_run(
    mem: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    story = build_story(mem)
    # money without a currency and figures without a measure: implausible, not broken
    for doc, text in (("da", "Raisi"), ("db", "Raisi"), ("dc", "today")):
        story.fact(doc, text, "money", 5.0, None, None, lower_value=5.0, upper_value=5.0)
    outcome = validate_run(mem, "r1", settings)
    assert outcome.success, outcome.summary()
    warned = {(r.suite, r.kwargs.get("column")) for r in outcome.results if not r.success}
    assert warned == {
        ("intermediate.int_facts", "money_has_currency"),
        ("intermediate.int_facts", "has_measure"),
    }
    assert len(outcome.warnings) == 2 and "warnings" in outcome.summary()
    stored = mem.execute(
        "select distinct severity from audit.validation_results where run_id = 'r1' and not success"
    ).fetchall()
    assert stored == [("warning",)]


def test_an_expectation_on_a_column_the_batch_lacks_says_so() -> None:
    """GX catches the error and keys it by metric; the stored outcome carries its message (a suite
    naming a column its batch query does not select once failed with nothing observed)."""
    from parallax.validate_gx import GxValidator, exception_message

    exp = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "year", "min_value": 1}}
    result = GxValidator().validate("t", [(0, exp)], pd.DataFrame({"other": [1, 2]}), {})[0]
    assert not result.success
    assert exception_message(result.exception_info) == 'Error: The column "year" in BatchData does not exist.'
    assert exception_message({"raised_exception": True, "exception_message": "flat"}) == "flat"
    assert exception_message({}) is None and exception_message(None) is None
