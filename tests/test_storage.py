"""Storage stays bounded: compaction of the working DB, no validation rows for no-change nights."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from parallax import db
from parallax.compact import compact, maybe_compact, needs_compaction
from parallax.settings import REPO_ROOT, Settings, get_settings


def _inventory(path: Path) -> dict[str, object]:
    con = db.connect(path, read_only=True)
    try:
        tables = con.execute(
            "select schema_name || '.' || table_name, comment from duckdb_tables() order by 1"
        ).fetchall()
        counts = {t: con.execute(f"select count(*) from {t}").fetchone() for t, _ in tables}
        return {
            "tables": tables,
            "counts": counts,
            "views": con.execute(
                "select schema_name, view_name, comment from duckdb_views() where not internal order by 1, 2"
            ).fetchall(),
            "columns": con.execute(
                "select table_name, column_name, comment from duckdb_columns() order by 1, 2"
            ).fetchall(),
            "constraints": con.execute(
                "select table_name, constraint_type from duckdb_constraints() order by 1, 2"
            ).fetchall(),
        }
    finally:
        con.close()


def test_compact_rewrites_a_file_full_of_free_blocks_keeping_everything(settings: Settings) -> None:
    path = settings.work_db
    con = db.connect(path)
    db.apply_sql(con, settings.sql)
    con.execute(
        "insert into raw.documents "
        "(doc_id, path, source, file_sha256, content_sha256, format, text, ingested_at, run_id) "
        "select 'd' || i, 'p' || i, 's', 'x', 'y', 'text', repeat('words and more words ', 200) || i, "
        "now(), 'r1' from range(20000) t(i)"
    )
    con.execute("checkpoint")
    con.execute("delete from raw.documents where doc_id <> 'd7'")
    con.execute("checkpoint")
    con.close()
    before = path.stat().st_size
    inventory = _inventory(path)
    compact(path)
    assert path.stat().st_size < before / 4
    assert _inventory(path) == inventory
    con = db.connect(path)  # a normal writable open works, views bind
    try:
        assert con.execute("select count(*) from marts.dim_documents").fetchone() == (1,)
    finally:
        con.close()
    assert not list(path.parent.glob("*.compacting"))


def test_a_failed_compaction_keeps_the_working_file(settings: Settings) -> None:
    """The side file cannot be created (a directory holds its name): the run's file stays as it was."""
    path = settings.work_db
    con = db.connect(path)
    db.apply_sql(con, settings.sql)
    con.execute("create table audit.filler as select repeat('x', 1000) || i as v from range(50000) t(i)")
    con.execute("checkpoint")
    con.execute("drop table audit.filler")
    con.execute("checkpoint")
    con.close()
    before = path.read_bytes()
    path.with_name(path.name + ".compacting").mkdir()
    result = maybe_compact(path, settings.model_copy(update={"compact_min_free_bytes": 0}))
    assert not result.compacted and result.free_share > 0.25
    assert path.read_bytes() == before


def test_thresholds() -> None:
    s = Settings(compact_free_share=0.4, compact_min_free_bytes=1000)
    assert needs_compaction(100, 50, 262144, s)
    assert not needs_compaction(100, 30, 262144, s)  # too small a share
    assert not needs_compaction(100, 50, 10, s)  # too few bytes
    assert not needs_compaction(0, 0, 262144, s)


def test_maybe_compact_leaves_a_compact_file_alone(settings: Settings) -> None:
    con = db.connect(settings.work_db)
    db.apply_sql(con, settings.sql)
    con.execute("checkpoint")
    con.close()
    result = maybe_compact(settings.work_db, settings.model_copy(update={"compact_min_free_bytes": 0}))
    assert not result.compacted and result.free_blocks == 0


# --- the real flow, five small nights -----------------------------------------------------------

ITEM = (
    "Harbour update {i}\n\nThe harbour board met on day {i} and approved {n} new berths for cargo ships. "
    "Officials in Rotterdam said the port of Antwerp would be consulted before work starts. Minister "
    "Anna Berg welcomed the plan on Monday and promised a decision on funding within {i} weeks.\n"
)


FRENCH = (
    "Le port agrandit ses quais\n\nLe conseil du port a approuvé lundi la construction de quatorze "
    "nouveaux quais pour les navires de marchandises. Selon la direction, les travaux commenceront "
    "au printemps et dureront deux ans. Les syndicats demandent des garanties sur les emplois.\n"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> Iterator[dict[str, Path]]:
    paths = {"input": tmp_path / "input", "db": tmp_path / "pub" / "parallax.duckdb"}
    shutil.copytree(REPO_ROOT / "seeds" / "articles", paths["input"])
    paths["work"] = paths["db"].with_name(".parallax.duckdb.work")
    monkeypatch.setenv("PARALLAX_DB_PATH", str(paths["db"]))
    monkeypatch.setenv("PARALLAX_INPUT_DIR", str(paths["input"]))
    monkeypatch.setenv("PARALLAX_COMPACT_MIN_FREE_BYTES", "0")  # compact even this small file
    get_settings.cache_clear()
    yield paths
    get_settings.cache_clear()


def _counts(work: Path) -> tuple[int, int]:
    con = duckdb.connect(str(work), read_only=True)
    try:
        results = con.execute("select count(*) from audit.validation_results").fetchone()
        summaries = con.execute("select count(*) from audit.validation_runs").fetchone()
        return int(results[0]) if results else 0, int(summaries[0]) if summaries else 0
    finally:
        con.close()


@pytest.mark.integration
def test_five_small_nights_keep_storage_bounded(env: dict[str, Path]) -> None:
    """Nights 2-3 add one small file each (English, then French), nights 4-5 add nothing. Without
    compaction the working file doubled on night 2 (half its blocks free); every night added ~280
    validation rows."""
    from flows.nightly import nightly
    from parallax.validate import data_docs_path, validate_published

    sizes, rows = [], []
    for night in range(1, 6):
        if night == 2:
            (env["input"] / "harbour2.txt").write_text(ITEM.format(i=2, n=14), encoding="utf-8")
        if night == 3:  # a French article: kept and listed, not run through the English model
            (env["input"] / "port.txt").write_text(FRENCH, encoding="utf-8")
        summary = nightly(input_dir=str(env["input"]), db_path=str(env["db"]))
        assert summary["status"] == "success"
        sizes.append(env["work"].stat().st_size)
        rows.append(_counts(env["work"]))
    # compaction keeps the file under 1 / (1 - compact_free_share) = 2x its live data
    assert max(sizes) <= 2.0 * sizes[0], sizes
    assert env["db"].stat().st_size <= 2.0 * sizes[0]
    # a night with nothing new stores no expectation rows once the outcomes repeat
    assert rows[4][0] == rows[3][0], rows
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5]
    # the published file still validates, and the data-docs page lists the last night as passed
    con = duckdb.connect(str(env["db"]), read_only=True)
    try:
        french = con.execute(
            "select d.language, count(m.doc_id) from marts.dim_documents d "
            "left join marts.fct_mentions m using (doc_id) where d.path = 'port.txt' group by 1"
        ).fetchall()
    finally:
        con.close()
    assert french == [("fr", 0)]
    outcome = validate_published(env["db"], get_settings())
    assert outcome.success, outcome.describe_failures()
    page = data_docs_path(get_settings()).read_text(encoding="utf-8")
    assert page.count('class="run"') == 5 and "FAILED" not in page
    assert "outcomes identical to run" in page


def test_prefect_retention_is_configured_for_servers_started_here() -> None:
    """./prefect.toml turns on Prefect's flow-run vacuum with a finite retention."""
    import json
    import subprocess
    import sys

    code = (
        "import json; from prefect.settings import get_current_settings as g; "
        "v = g().server.services.db_vacuum; "
        "print(json.dumps([sorted(v.enabled_vacuum_types), v.retention_period.total_seconds(), "
        "g().server.events.retention_period.total_seconds()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    enabled, flow_runs_kept, events_kept = json.loads(out.stdout.strip().splitlines()[-1])
    assert "flow_runs" in enabled and "events" in enabled
    assert flow_runs_kept == 30 * 86400 and events_kept == 7 * 86400
