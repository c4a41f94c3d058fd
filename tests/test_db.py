"""Unit tests for the DuckDB helpers: applying sql/, idempotent upserts, run rollback, publishing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from parallax import db, publish, runs
from parallax.settings import Settings


def test_apply_sql_is_idempotent_and_documents_everything(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    n = db.apply_sql(con, settings.sql)
    assert n == len(db.sql_files(settings.sql))
    missing = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where schema_name in ('raw','staging','intermediate','marts','audit') and comment is null"
    ).fetchall()
    assert missing == []


def test_every_sql_file_has_a_grain_and_key_header(settings: Settings) -> None:
    for f in db.sql_files(settings.sql):
        head = f.read_text(encoding="utf-8").splitlines()[:3]
        text = " ".join(head).lower()
        assert head[0].startswith("--") and "grain" in text and "key" in text, f


def test_apply_sql_retries_objects_that_depend_on_later_files(tmp_path: Path) -> None:
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "a_view.sql").write_text(
        "create or replace view marts.a_view as select * from marts.b_view"
    )
    (tmp_path / "marts" / "b_view.sql").write_text("create or replace view marts.b_view as select 1 as x")
    c = duckdb.connect()
    assert db.apply_sql(c, tmp_path) == 2
    assert c.execute("select x from marts.a_view").fetchall() == [(1,)]


def test_apply_sql_reports_broken_objects(tmp_path: Path) -> None:
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "bad.sql").write_text("create or replace view marts.bad as select * from nowhere")
    with pytest.raises(RuntimeError, match=r"bad\.sql"):
        db.apply_sql(duckdb.connect(), tmp_path)


OLD_MENTIONS = """
create table if not exists intermediate.int_mentions (
    doc_id varchar not null, mention_index integer not null, surface_text varchar not null,
    label varchar not null, model_label varchar, sentence_index integer not null,
    start_char integer not null, end_char integer not null, entity_id varchar not null,
    role varchar, run_id varchar not null, primary key (doc_id, start_char, end_char)
);
"""


def test_a_table_created_with_an_older_key_is_rebuilt_with_the_new_one(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("create schema intermediate")
    con.execute(OLD_MENTIONS)
    con.execute(
        "insert into intermediate.int_mentions "
        "values ('d1', 0, 'Maardu', 'GPE', 'GPE', 0, 4, 10, 'E1', null, 'r1')"
    )
    con.execute("create schema marts")
    con.execute("create view marts.old_view as select doc_id from intermediate.int_mentions")
    assert db.primary_key(con, "intermediate.int_mentions") == ["doc_id", "start_char", "end_char"]
    con.close()

    con = db.connect(path)
    try:
        db.apply_sql(con, settings.sql)
        assert db.primary_key(con, "intermediate.int_mentions") == [
            "doc_id",
            "part",
            "start_char",
            "end_char",
        ]
        assert con.execute(
            "select doc_id, part, surface_text, projected_from, run_id from intermediate.int_mentions"
        ).fetchall() == [("d1", "body", "Maardu", None, "r1")]
        # a title span at the same offsets as a body span is a different row now
        con.execute(
            "insert into intermediate.int_mentions (doc_id, mention_index, part, surface_text, label, "
            "sentence_index, start_char, end_char, entity_id, run_id) "
            "values ('d1', 1, 'title', 'Maardu', 'GPE', -1, 4, 10, 'E1', 'r1')"
        )
        assert con.execute("select count(*) from marts.old_view").fetchone() == (2,)
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'int_mentions' and column_name = 'part'"
        ).fetchone()
        assert comment and comment[0]
        # applying again changes nothing
        assert (
            db.upgrade_primary_key(con, (settings.sql / "intermediate" / "int_mentions.sql").read_text())
            is False
        )
        db.apply_sql(con, settings.sql)
        assert con.execute("select count(*) from intermediate.int_mentions").fetchone() == (2,)
    finally:
        con.close()


def test_a_key_constraint_the_file_no_longer_declares_is_dropped_and_the_key_still_known(
    tmp_path: Path, settings: Settings
) -> None:
    """An archive built with `doc_id varchar primary key`: the next apply rebuilds raw.documents without
    the index (appends then go to a new row group), rows kept; its key is read from the file's header."""
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("create schema raw")
    old = (settings.sql / "raw" / "documents.sql").read_text(encoding="utf-8")
    con.execute(old.replace("doc_id varchar not null,", "doc_id varchar primary key,"))
    assert db.table_keys.constraint_key(con, "raw.documents") == ["doc_id"]
    con.execute(
        "insert into raw.documents (doc_id, path, source, file_sha256, content_sha256, format, text, "
        "ingested_at, run_id) values ('d1', 'p', 's', 'f', 'c', 'text', 'Body.', now(), 'r1')"
    )
    con.close()
    con = db.connect(path)
    try:
        db.apply_sql(con, settings.sql)
        assert db.table_keys.constraint_key(con, "raw.documents") == []
        assert db.primary_key(con, "raw.documents") == ["doc_id"]
        assert db.primary_key(con, "intermediate.int_mentions") == [
            "doc_id",
            "part",
            "start_char",
            "end_char",
        ]
        assert db.primary_key(con, "audit.runs") == ["run_id"]  # a constraint kept
        # every table without a constraint declares its key in its header; only UNINDEXED ones use it
        assert db.primary_key(con, "intermediate.int_lsh_buckets") == []
        for path in sorted(settings.sql.glob("*/*.sql")):
            text = path.read_text(encoding="utf-8")
            table = db.table_keys.declare(text)
            if table in db.table_keys.UNINDEXED:
                assert "primary key" not in text.lower().replace("-- ", ""), path
                assert db.table_keys.declared_key(table), path
        assert con.execute("select doc_id, text from raw.documents").fetchall() == [("d1", "Body.")]
        assert db.upgrade_primary_key(con, old) is False  # applying again changes nothing
    finally:
        con.close()


def test_upsert_replaces_rows_by_key(con: duckdb.DuckDBPyConnection) -> None:
    rows = pa.table(
        {
            "doc_id": ["a", "b"],
            "paragraph_index": [0, 0],
            "start_char": [0, 0],
            "end_char": [5, 7],
            "is_heading": [False, True],
            "run_id": ["r1", "r1"],
        }
    )
    db.upsert_arrow(con, "staging.stg_paragraphs", rows, ["doc_id", "paragraph_index"])
    db.upsert_arrow(con, "staging.stg_paragraphs", rows, ["doc_id", "paragraph_index"])
    assert con.execute("select count(*) from staging.stg_paragraphs").fetchone() == (2,)
    changed = rows.set_column(3, "end_char", pa.array([9, 7]))
    db.upsert_arrow(con, "staging.stg_paragraphs", changed.slice(0, 1), ["doc_id", "paragraph_index"])
    assert con.execute("select end_char from staging.stg_paragraphs order by doc_id").fetchall() == [
        (9,),
        (7,),
    ]


def test_rollback_removes_only_the_runs_rows(con: duckdb.DuckDBPyConnection) -> None:
    for run_id in ("r1", "r2"):
        con.execute(
            "insert into audit.rejected_files values (?, 'x', null, 'empty', 'empty file', ?, now())",
            [f"{run_id}.txt", run_id],
        )
    removed = db.rollback_run(con, "r2")
    assert removed["audit.rejected_files"] == 1
    assert con.execute("select path from audit.rejected_files").fetchall() == [("r1.txt",)]


def test_unfinished_runs_are_marked_crashed_and_rolled_back(con: duckdb.DuckDBPyConnection) -> None:
    summary = runs.RunSummary(run_id=runs.new_run_id(), run_date=runs.now().date())
    runs.start_run(con, summary, "in")
    con.execute(
        "insert into audit.rejected_files values ('a.txt', 'x', null, 'empty', 'empty file', ?, now())",
        [summary.run_id],
    )
    assert runs.recover_unfinished_runs(con) == [summary.run_id]
    assert con.execute("select status from audit.runs").fetchall() == [("crashed",)]
    assert con.execute("select count(*) from audit.rejected_files").fetchone() == (0,)
    assert runs.recover_unfinished_runs(con) == []


def test_publish_replaces_atomically_and_old_readers_keep_their_view(tmp_path: Path) -> None:
    work, pub = tmp_path / "work.duckdb", tmp_path / "pub" / "p.duckdb"
    c = db.connect(work)
    c.execute("create schema audit; create table audit.runs (n int); insert into audit.runs values (1)")
    c.execute("checkpoint")
    c.close()
    publish.publish(work, pub)
    reader = duckdb.connect(str(pub), read_only=True)
    c = db.connect(work)
    c.execute("insert into audit.runs values (2); checkpoint")
    c.close()
    publish.publish(work, pub)
    assert reader.execute("select count(*) from audit.runs").fetchone() == (1,)
    reader.close()
    assert duckdb.connect(str(pub), read_only=True).execute("select count(*) from audit.runs").fetchone() == (
        2,
    )
    assert list(pub.parent.glob("*.publishing")) == []


def test_publish_never_replaces_with_an_unreadable_copy(tmp_path: Path) -> None:
    work, pub = tmp_path / "work.duckdb", tmp_path / "p.duckdb"
    work.write_bytes(b"not a database" * 100)
    pub.write_bytes(b"old")
    with pytest.raises(Exception):  # noqa: B017 - any DuckDB error
        publish.publish(work, pub)
    assert pub.read_bytes() == b"old"
    assert list(tmp_path.glob("*.publishing")) == []


def test_cli_run_reports_missing_input_in_one_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "parallax.cli",
            "run",
            "--input",
            str(tmp_path / "nope"),
            "--db",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "input folder not found" in out.stderr
    assert "Traceback" not in out.stderr
