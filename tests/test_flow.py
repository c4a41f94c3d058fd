"""Integration tests: the real nightly flow, real spaCy model, real GX, real DuckDB, in tmp_path."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute
import pytest

from parallax import db
from parallax.settings import REPO_ROOT, get_settings

pytestmark = pytest.mark.integration

CONTRACT = {
    "marts.dim_documents": [
        "doc_id",
        "source",
        "path",
        "record",
        "title",
        "body",
        "word_count",
        "story_id",
        "duplicate_of",
        "ingested_at",
    ],
    "marts.dim_entities": ["entity_id", "canonical_name", "label", "aliases", "doc_count", "source_count"],
    "marts.fct_mentions": [
        "doc_id",
        "entity_id",
        "surface_text",
        "label",
        "part",
        "sentence_index",
        "start_char",
        "end_char",
    ],
    "marts.dim_stories": ["story_id", "title", "doc_count", "source_count", "first_seen_at"],
    "marts.rpt_entity_coverage": [
        "story_id",
        "entity_id",
        "canonical_name",
        "label",
        "source",
        "mention_count",
        "via_copy",
    ],
    "audit.runs": [
        "run_id",
        "started_at",
        "finished_at",
        "status",
        "files_seen",
        "files_new",
        "files_rejected",
        "documents_new",
        "validation_success",
        "model",
    ],
    "audit.rejected_files": ["path", "sha256", "reason", "run_id"],
}
# Tables whose rows legitimately change on every run (one row per run / per validation).
PER_RUN_TABLES = {"audit.runs", "audit.validation_results", "audit.validation_runs"}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> Iterator[dict[str, Path]]:
    """Point the settings at tmp_path (the flow reads them through get_settings)."""
    paths = {
        "input": tmp_path / "input",
        "db": tmp_path / "pub" / "parallax.duckdb",
        "work": tmp_path / "pub" / ".parallax.duckdb.work",
        "expectations": REPO_ROOT / "expectations",
    }
    paths["input"].mkdir()
    monkeypatch.setenv("PARALLAX_DB_PATH", str(paths["db"]))
    monkeypatch.setenv("PARALLAX_INPUT_DIR", str(paths["input"]))
    get_settings.cache_clear()
    yield paths
    get_settings.cache_clear()


def run_flow(env: dict[str, Path], **kw: str) -> dict[str, object]:
    from flows.nightly import nightly

    return nightly(input_dir=str(env["input"]), db_path=str(env["db"]), **kw)


def snapshot(path: Path) -> dict[str, str]:
    """Content hash of every table and view (order-independent), per-run audit tables excluded."""
    con = db.connect(path, read_only=True)
    try:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('raw','staging','intermediate','marts','audit') order by 1, 2"
            ).fetchall()
        ]
        out = {}
        for name in names:
            if name in PER_RUN_TABLES:
                continue
            rows = sorted(repr(r) for r in con.execute(f"select * from {name}").fetchall())
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def copy_samples(dest: Path) -> None:
    for f in sorted((REPO_ROOT / "seeds" / "articles").iterdir()):
        shutil.copy(f, dest / f.name)


def test_sample_articles_give_contract_tables_and_second_run_changes_nothing(env: dict[str, Path]) -> None:
    copy_samples(env["input"])
    first = run_flow(env, run_date="2026-11-20")
    assert first["status"] == "success"
    assert first["documents_new"] == 3
    assert first["files_rejected"] == 0
    assert first["validation_success"] is True
    assert first["model"] and "core_web_sm" in str(first["model"]) and first["model_version"] == "3.8.0"
    # the analysts' site is rebuilt next to the published file (PARALLAX_SITE, default on)
    site = env["db"].parent / "site"
    assert first["site"] == str(site / "index.html")
    assert len(list((site / "docs").glob("*.html"))) == 3 and (site / "runs.html").is_file()

    con = db.connect(env["db"], read_only=True)
    try:
        for table, cols in CONTRACT.items():
            have = db.table_columns(con, table)
            assert set(cols) <= set(have), f"{table} lacks {set(cols) - set(have)}"
        docs = con.execute(
            "select source, path, record, duplicate_of from marts.dim_documents order by path"
        ).fetchall()
        assert [d[0] for d in docs] == [
            "000_beaf7ddb147ac9ff",
            "001_b2d129b936de5105",
            "003_0e2efafa0fdf3893",
        ]
        assert all(d[2] is None and d[3] is None for d in docs)
        # every mention's offsets point at its text in the cleaned title or body, as part says
        bad = con.execute(
            "select count(*) from marts.fct_mentions m join marts.dim_documents d using (doc_id) "
            "where substring(case m.part when 'title' then d.title else d.body end, m.start_char + 1, "
            "m.end_char - m.start_char) <> m.surface_text"
        ).fetchone()
        assert bad == (0,)
        assert con.execute("select count(*) from marts.fct_mentions").fetchone()[0] > 20
        body = con.execute("select string_agg(body, ' ') from marts.dim_documents").fetchone()[0]
        for phrase in ("Powered by Blogger", "Share This Article", "Leave a comment"):
            assert phrase not in body
        # every table, view and column is documented
        undocumented = con.execute(
            "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
            "where schema_name in ('raw','staging','intermediate','marts','audit') "
            "and (comment is null or comment = '')"
        ).fetchall()
        assert undocumented == []
        run = con.execute("select status, model, model_version, files_seen from audit.runs").fetchall()
        assert run[0][0] == "success" and run[0][2] == "3.8.0" and run[0][3] == 3
    finally:
        con.close()

    before = snapshot(env["db"])
    second = run_flow(env, run_date="2026-11-21")
    assert second["status"] == "success"
    assert second["documents_new"] == 0 and second["files_new"] == 0
    assert snapshot(env["db"]) == before
    con = db.connect(env["db"], read_only=True)
    try:
        assert con.execute("select count(*) from audit.runs where status = 'success'").fetchone() == (2,)
    finally:
        con.close()


def test_bad_inputs_are_rejected_with_reasons_while_good_files_load(env: dict[str, Path]) -> None:
    inp = env["input"]
    copy_samples(inp)
    (inp / "empty.txt").write_bytes(b"")
    (inp / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (inp / "legacy.txt").write_bytes(
        "Caf\u00e9 owners in Lyon said on Monday that the new tax \u2013 \u201cunfair\u201d \u2013 would "
        "hurt small businesses across the region, according to a trade group.".encode("cp1252")
    )
    (inp / "broken.json").write_text('{"title": "x", "text": "unterminated', encoding="utf-8")
    (inp / "huge.txt").write_bytes(b"word " * (get_settings().max_file_bytes // 5 + 10))
    result = run_flow(env)
    assert result["status"] == "success"
    con = db.connect(env["db"], read_only=True)
    try:
        reasons = dict(con.execute("select path, reason from audit.rejected_files").fetchall())
        assert reasons == {
            "empty.txt": "empty",
            "binary.txt": "binary",
            "broken.json": "unparseable",
            "huge.txt": "too_large",
        }
        details = [r[0] for r in con.execute("select detail from audit.rejected_files").fetchall()]
        assert all(d and len(d) > 10 for d in details)
        body = con.execute("select body from marts.dim_documents where path = 'legacy.txt'").fetchone()[0]
        assert "Caf\u00e9" in body and "\u201cunfair\u201d" in body
        n_docs = con.execute("select count(*) from marts.dim_documents").fetchone()[0]
        assert n_docs == 4
        # every input file ends as a document or a rejected row
        files = {p.name for p in inp.iterdir()}
        loaded = {r[0] for r in con.execute("select distinct path from marts.dim_documents").fetchall()}
        assert files == loaded | set(reasons)
    finally:
        con.close()


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    n0 = con.execute("select count(*) from raw.documents").fetchone()[0]
    print(n0, flush=True)
    sys.stdin.readline()          # hold the file open while the writer runs
    n1 = con.execute("select count(*) from raw.documents").fetchone()[0]
    print(n1, flush=True)
    """
)


def test_reader_holding_published_file_is_not_blocked(env: dict[str, Path], tmp_path: Path) -> None:
    copy_samples(env["input"])
    run_flow(env)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(env["db"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "3"
        (env["input"] / "extra.txt").write_text(
            "Flood warnings issued along the river\n\nHeavy rain caused the river to rise overnight, "
            "and officials in the town issued flood warnings for residents living near its banks.",
            encoding="utf-8",
        )
        result = run_flow(env)
        assert result["status"] == "success" and result["documents_new"] == 1
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "3"  # the open reader keeps a consistent old view
    finally:
        reader.kill()
        reader.wait()
    con = duckdb.connect(str(env["db"]), read_only=True)
    try:
        assert con.execute("select count(*) from raw.documents").fetchone() == (4,)
    finally:
        con.close()


def test_failing_expectation_leaves_published_file_unchanged(
    env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import ValidationFailedError

    copy_samples(env["input"])
    run_flow(env)
    published_before = hashlib.sha256(env["db"].read_bytes()).hexdigest()
    snap_before = snapshot(env["db"])

    # A suite that cannot hold for the new document: raw.documents text must be at most 10 characters.
    strict = tmp_path / "strict_expectations"
    shutil.copytree(REPO_ROOT / "expectations", strict)
    suite_path = strict / "raw.documents.json"
    suite = json.loads(suite_path.read_text())
    suite["expectations"].append(
        {"type": "expect_column_value_lengths_to_be_between", "kwargs": {"column": "text", "max_value": 10}}
    )
    suite_path.write_text(json.dumps(suite, indent=2))
    monkeypatch.setenv("PARALLAX_EXPECTATIONS_DIR", str(strict))
    get_settings.cache_clear()

    (env["input"] / "new.txt").write_text(
        "Council approves budget\n\nThe city council approved the annual budget on Tuesday after a long "
        "debate about spending on roads and schools.",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailedError):
        run_flow(env)
    assert hashlib.sha256(env["db"].read_bytes()).hexdigest() == published_before
    # the failed run's rows were rolled back in the working DB; its failure is recorded
    con = db.connect(env["work"], read_only=True)
    try:
        assert con.execute("select count(*) from raw.documents").fetchone() == (3,)
        status = con.execute(
            "select status, validation_success from audit.runs order by started_at"
        ).fetchall()
        assert status == [("success", True), ("failed", False)]
        failed = con.execute(
            "select count(*) from audit.validation_results where not success "
            "and expectation_type = 'expect_column_value_lengths_to_be_between'"
        ).fetchone()
        assert failed == (1,)
    finally:
        con.close()

    # with the normal suites back, the next run loads the new file and publishes
    monkeypatch.delenv("PARALLAX_EXPECTATIONS_DIR")
    get_settings.cache_clear()
    result = run_flow(env)
    assert result["status"] == "success" and result["documents_new"] == 1
    assert snapshot(env["db"]) != snap_before


def test_published_file_opens_in_duckdb_1_5_cli(env: dict[str, Path]) -> None:
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        pytest.fail("duckdb-cli 1.5 is a dev dependency and should be installed by make install")
    copy_samples(env["input"])
    run_flow(env)
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-csv",
            str(env["db"]),
            "-c",
            "select count(*) from marts.dim_documents; select count(*) from marts.rpt_entity_coverage;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    assert "3" in lines


def test_mention_offsets_that_miss_their_text_fail_the_run_and_nothing_is_published(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: extraction writes mentions whose offsets are shifted by one character
    (the kind of bug a tokenizer or cleaning change could cause). The offsets contract must catch
    it, fail the run, roll it back, and leave the analysts' file as it was."""
    from flows.nightly import ValidationFailedError
    from parallax import extract_store

    copy_samples(env["input"])
    run_flow(env)
    published_before = hashlib.sha256(env["db"].read_bytes()).hexdigest()

    real_write = extract_store.write_annotations

    def shifted(con, run_id, doc_ids, ann, overrides=None, **kwargs):  # type: ignore[no-untyped-def]
        m = ann.mentions
        moved = m.set_column(
            m.schema.get_field_index("start_char"), "start_char", pa.compute.add(m["start_char"], 1)
        )
        moved = moved.set_column(
            moved.schema.get_field_index("end_char"), "end_char", pa.compute.add(moved["end_char"], 1)
        )
        return real_write(con, run_id, doc_ids, replace(ann, mentions=moved), overrides, **kwargs)

    monkeypatch.setattr(extract_store, "write_annotations", shifted)
    (env["input"] / "new.txt").write_text(
        "Ministers meet in Geneva\n\nForeign ministers from France and Germany met in Geneva on "
        "Monday to discuss trade, and Chancellor Olaf Scholz said the talks were useful.",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailedError, match=r"start_char|offset|surface"):
        run_flow(env)
    assert hashlib.sha256(env["db"].read_bytes()).hexdigest() == published_before
    con = db.connect(env["work"], read_only=True)
    try:
        assert con.execute("select count(*) from raw.documents").fetchone() == (3,)
        assert con.execute(
            "select count(*) from intermediate.int_mentions where run_id = ("
            "select max(run_id) from audit.runs)"
        ).fetchone() == (0,)
    finally:
        con.close()
