"""The comparison views on the three sample articles, through the real stages and the real model.

Runs the stage functions directly (no Prefect: the flow itself is covered by test_flow.py), builds the
marts, snapshots the stories, validates, and checks that the views answer the issue's questions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from parallax import db, similarity
from parallax.history import snapshot_run
from parallax.report import render_report
from parallax.settings import Settings
from parallax.validate import validate_run

pytestmark = pytest.mark.integration


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    rel = con.execute(sql)
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture
def sample_db(con: duckdb.DuckDBPyConnection, settings: Settings, sample_input: Path, nlp: Any) -> Any:
    from parallax import clean, dedup, extract_store, ingest, stories

    run_id = "r-sample"
    scan = ingest.scan_inputs(sample_input, settings)
    ids = ingest.ingest_files(con, run_id, sample_input, scan.files, settings).doc_ids
    ids = clean.clean_documents(con, run_id, ids, settings).doc_ids
    canonical = dedup.deduplicate(con, run_id, ids, settings).doc_ids
    extract_store.extract_documents(con, run_id, canonical, settings, nlp)
    stories.assign_stories(con, run_id, ids, settings)
    db.apply_sql(con, settings.sql, ["marts"])
    similarity.refresh(con, run_id, settings.sql)
    snapshot_run(con, run_id, settings.sql)
    return con, run_id


def test_sample_story_views_answer_the_questions(sample_db: Any, settings: Settings) -> None:
    con, run_id = sample_db
    story = _records(con, "select * from marts.dim_stories")
    assert len(story) == 1 and story[0]["source_count"] == 3 and story[0]["canonical_doc_count"] == 3

    coverage = {
        r["canonical_name"]: r["coverage"]
        for r in _records(con, "select canonical_name, coverage from marts.rpt_entity_divergence")
    }
    for name in ("Ebrahim Raisi", "Iran", "Pakistan", "Kashmir"):
        assert coverage.get(name) == "consensus", (name, coverage)
    for name in ("Shehbaz Sharif", "Asim Munir", "Israel", "Palestine"):
        assert coverage.get(name) == "unique", (name, coverage)

    raised = _records(
        con,
        "select source, actor_name, is_conflict from marts.rpt_attribution_comparison "
        "where predicate = 'raise' and topic like '%kashmir%'",
    )
    assert len({r["actor_name"] for r in raised}) >= 2 and all(r["is_conflict"] for r in raised), raised

    money = _records(
        con,
        "select source, value_text, normalized_value from marts.rpt_fact_comparison "
        "where fact_type = 'money' order by normalized_value",
    )
    assert [r["normalized_value"] for r in money] == [2e9, 1e10] and len({r["source"] for r in money}) == 1

    pairs = _records(con, "select * from marts.rpt_source_similarity")
    assert len(pairs) == 3 and all(
        0 < p["text_similarity"] < 1 and 0 < p["entity_jaccard"] < 1 for p in pairs
    )

    first = _records(con, "select change, count(*) as n from marts.rpt_story_changes group by change")
    assert [(r["change"]) for r in first] == ["added"]

    outcome = validate_run(con, run_id, settings)
    assert outcome.success, outcome.summary()

    page = render_report(con, story[0]["story_id"])
    assert "Shehbaz Sharif" in page and 'data-coverage="consensus"' in page
