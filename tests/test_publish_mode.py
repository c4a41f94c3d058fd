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
