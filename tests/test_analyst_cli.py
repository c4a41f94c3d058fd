"""Analyst commands through the real `parallax` typer app, on a small published file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from story_rows import publish_story
from typer.testing import CliRunner

from parallax.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_story(tmp_path_factory.mktemp("pub") / "parallax.duckdb")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def assert_one_line_error(code: int, output: str, needle: str) -> None:
    assert code != 0
    assert "Traceback" not in output
    lines = [ln for ln in output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], output


def test_query_formats(published: Path) -> None:
    sql = (
        "select entity_id, coverage, sources_with from marts.rpt_entity_divergence where story_id = 'S1' "
        "order by entity_id"
    )
    code, out = run("query", sql, "--format", "json", "--db", str(published))
    assert code == 0, out
    rows = json.loads(out[out.index("[") :])
    assert rows[0] == {"entity_id": "E_iran", "coverage": "minority", "sources_with": ["a", "b"]}
    code, out = run("query", sql, "--format", "csv", "--db", str(published))
    assert code == 0
    assert out.splitlines()[:2] == ["entity_id,coverage,sources_with", 'E_iran,minority,"[""a"", ""b""]"']
    code, out = run(
        "query", "select story_id, title from marts.dim_stories order by 1", "--db", str(published)
    )
    assert code == 0 and "Raisi in Pakistan" in out and "2 rows" in out


def test_query_errors_are_one_line(published: Path, tmp_path: Path) -> None:
    assert_one_line_error(*run("query", "select * from nope", "--db", str(published)), "nope")
    assert_one_line_error(*run("query", "selec 1", "--db", str(published)), "syntax")
    assert_one_line_error(*run("query", "  ", "--db", str(published)), "empty SQL")
    assert_one_line_error(*run("query", "select 1", "--db", str(tmp_path / "missing.duckdb")), "not found")
    # read-only: no writes to the database, no files written through SQL
    assert_one_line_error(*run("query", "delete from raw.documents", "--db", str(published)), "read-only")
    target = tmp_path / "leak.csv"
    code, out = run("query", f"copy (select 1) to '{target}'", "--db", str(published))
    assert code != 0 and not target.exists() and "Traceback" not in out
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_text("hello", encoding="utf-8")
    assert_one_line_error(*run("query", "select 1", "--db", str(bad)), "cannot open")


def test_stories_lists_counts(published: Path) -> None:
    code, out = run("stories", "--format", "json", "--db", str(published))
    assert code == 0, out
    rows = json.loads(out[out.index("[") :])
    assert [r["story_id"] for r in rows] == ["S1", "Sdx"]
    s1 = rows[0]
    assert (s1["documents"], s1["sources"], s1["entities"]) == (4, 5, 4)
    # d runs a copy of a's article: a source of the story; this fixture maps none of a's mentions
    # onto it, so Raisi is named by 4 of 5 sources (majority, not consensus)
    assert (s1["consensus_entities"], s1["unique_entities"]) == (0, 1)
    # fact conflicts count measures the sources disagree on (one here, given by two rows), not rows
    assert (s1["fact_conflicts"], s1["fact_agreements"], s1["attribution_conflicts"]) == (1, 0, 2)


def test_report_writes_a_page_and_rejects_unknown_story(published: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "r" / "s1.html"
    code, out = run("report", "S1", "--out", str(out_file), "--db", str(published))
    assert code == 0, out
    html = out_file.read_text(encoding="utf-8")
    assert 'id="heatmap"' in html and "Shehbaz Sharif" in html
    assert_one_line_error(
        *run("report", "NOPE", "--out", str(tmp_path / "x.html"), "--db", str(published)), "unknown story"
    )
    assert not (tmp_path / "x.html").exists()


def test_validate_command(published: Path, tmp_path: Path) -> None:
    mentions = ["--suite", "intermediate.int_mentions", "--suite", "marts.dim_stories"]
    code, out = run("validate", "--db", str(published), *mentions, "--docs", str(tmp_path / "docs.html"))
    assert code == 0, out
    assert "validation passed" in out and (tmp_path / "docs.html").exists()
    broken = publish_story(tmp_path / "broken.duckdb", break_offsets=True)
    code, out = run("validate", "--db", str(broken), *mentions)
    assert code == 1
    assert "FAILED intermediate.int_mentions" in out and "offsets_match_text" in out
    assert "Traceback" not in out
    assert_one_line_error(*run("validate", "--db", str(tmp_path / "missing.duckdb")), "not found")
    assert_one_line_error(*run("validate", "--db", str(published), "--suite", "nope.nope"), "no such suite")
