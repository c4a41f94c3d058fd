"""Publishing keeps the published file's permission bits (or the umask's for a new file) and says
which run the published file holds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from parallax import db, publish, runs
from parallax.settings import Settings


def work_db(settings: Settings) -> Path:
    con = db.connect(settings.work_db)
    try:
        db.apply_sql(con, settings.sql, ["audit"])
        summary = runs.RunSummary(run_id="r1", run_date=runs.now().date(), status=runs.STATUS_SUCCESS)
        runs.start_run(con, summary, "in")
        summary.publish_status = runs.PUBLISH_PENDING
        runs.finish_run(con, summary)
        con.execute("checkpoint")
    finally:
        con.close()
    return settings.work_db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_the_umask_mode_and_a_replaced_file_keeps_its_mode(settings: Settings) -> None:
    work, published = work_db(settings), settings.db
    old = os.umask(0o027)
    try:
        publish.publish(work, published)
    finally:
        os.umask(old)
    assert mode(published) == 0o640  # not mkstemp's 0600

    os.chmod(published, 0o644)  # an admin opens it to analysts on other accounts
    publish.publish(work, published)
    assert mode(published) == 0o644
    os.chmod(published, 0o604)
    publish.publish(work, published)
    assert mode(published) == 0o604


def test_published_copy_says_which_run_it_holds(settings: Settings) -> None:
    work, published = work_db(settings), settings.db
    at = runs.now()
    publish.publish(work, published, run_id="r1", published_at=at)
    assert publish.published_runs(published, ["r1", "r0"]) == {"r1": at}
    con = db.connect(work, read_only=True)  # the working DB itself is not touched by publish
    try:
        assert con.execute("select publish_status from audit.runs").fetchone() == ("pending",)
    finally:
        con.close()


def test_failed_publish_raises_one_paragraph_and_leaves_no_side_file(settings: Settings) -> None:
    work, published = work_db(settings), settings.db
    publish.publish(work, published)
    before = published.read_bytes()
    with pytest.raises(publish.PublishFailedError) as err:
        publish.publish(settings.work_db.with_name("missing.work"), published)
    assert "\n" not in str(err.value) and "could not be replaced" in str(err.value)
    assert isinstance(err.value.__cause__, OSError)
    assert published.read_bytes() == before
    assert list(published.parent.glob("*.publishing*")) == []


def test_data_docs_say_whether_each_run_was_published(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from parallax.datadocs import render_data_docs

    for run_id, status, error in (("r1", "published", None), ("r2", "failed", "publish failed: disk full")):
        summary = runs.RunSummary(run_id=run_id, run_date=runs.now().date(), status=runs.STATUS_SUCCESS)
        runs.start_run(con, summary, "in")
        runs.finish_run(con, summary)
        runs.record_publish(con, run_id, status, runs.now() if status == "published" else None, error)
        con.execute(
            "insert into audit.validation_results (run_id, suite, table_name, expectation_index, "
            "expectation_type, kwargs, success, validated_at) "
            "values (?, 's', 't', 0, 'x', '{}', true, now())",
            [run_id],
        )
    page = render_data_docs(con, tmp_path / "index.html").read_text(encoding="utf-8")
    r1, r2 = page.split('id="run-r1"')[1], page.split('id="run-r2"')[1].split('id="run-r1"')[0]
    assert "PUBLISH FAILED" in r2 and "publish failed: disk full" in r2
    assert "PUBLISH FAILED" not in r1 and "published 20" in r1
