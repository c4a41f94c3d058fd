"""Issue 14 faults 1, 4, 5, 7 reproduced with real `parallax run` processes (SIGKILL failpoints):
a growing feed whose night fails and whose file is then rotated away, a file that kills every run,
a CSV row over the size limit. After each, the published file holds every earlier document and
`parallax validate` on it passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax import db
from parallax.settings import REPO_ROOT

pytestmark = pytest.mark.integration

EVENTS = [
    ("Bridge reopens", "The Ostravel bridge reopened to traffic on Monday after three months of repairs, the "
     "regional transport office said, and buses returned to their normal routes."),
    ("Library extends hours", "The central library in Marrowdale will open until nine in the evening from "
     "March, its director Lena Hoff said, after a survey of 1,200 readers."),
    ("Strike ends at port", "Dock workers at Port Elric ended a four-day strike on Thursday after the "
     "harbour company agreed to a pay rise of 6 percent, the union said."),
    ("Orchard harvest falls", "Apple growers in the Tessaly valley picked 30 percent less fruit this year "
     "because of a late frost, the growers' association reported on Friday."),
    ("Ferry timetable changes", "The Kestrel Bay ferry will sail every two hours instead of every hour "
     "during the winter, the operator announced, citing fewer passengers."),
]  # fmt: skip


def line(i: int) -> str:
    title, text = EVENTS[i]
    return json.dumps({"title": title, "text": text, "source": "Coast Wire"}) + "\n"


@pytest.fixture(scope="module")
def api_env(prefect_harness: None) -> dict[str, str]:
    """Environment for subprocess runs: the test harness's Prefect API, spaCy in-process."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
        PARALLAX_N_PROCESS="1",
        PARALLAX_SETTLE_SECONDS="0",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


def cli(base: Path, env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parallax.cli", *args, "--db", str(base / "pub" / "parallax.duckdb")],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )


def run(base: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return cli(base, env, "run", "--input", str(base / "input"), **extra)


def published(base: Path, query: str) -> list[tuple]:
    con = db.connect(base / "pub" / "parallax.duckdb", read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def assert_validates(base: Path, env: dict[str, str]) -> None:
    done = cli(base, env, "validate")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_failed_night_after_an_append_loses_nothing_and_appends_cost_only_new_records(
    tmp_path: Path, api_env: dict[str, str]
) -> None:
    feed = tmp_path / "input" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(line(i) for i in range(3)))
    first = run(tmp_path, api_env)
    assert first.returncode == 0, first.stderr[-3000:]
    docs_1 = published(tmp_path, "select doc_id, run_id, ingested_at from raw.documents order by doc_id")
    assert len(docs_1) == 3

    # an append: only the new record is written, cleaned and extracted
    with feed.open("a") as fh:
        fh.write(line(3))
    second = run(tmp_path, api_env)
    assert second.returncode == 0, second.stderr[-3000:]
    (run_2,) = published(tmp_path, "select run_id from audit.runs order by started_at desc limit 1")[0]
    assert published(tmp_path, f"select documents_new from audit.runs where run_id = '{run_2}'") == [(1,)]
    by_run = "select run_id, count(*) from {} group by 1 order by 1"
    assert dict(published(tmp_path, by_run.format("raw.documents")))[run_2] == 1
    assert dict(published(tmp_path, by_run.format("staging.stg_documents")))[run_2] == 1
    mention_docs = published(
        tmp_path, f"select distinct doc_id from intermediate.int_mentions where run_id = '{run_2}'"
    )
    new_doc = published(tmp_path, f"select doc_id from raw.documents where run_id = '{run_2}'")
    assert set(mention_docs) <= set(new_doc)
    docs_2 = published(tmp_path, "select doc_id, run_id, ingested_at from raw.documents order by doc_id")
    assert set(docs_1) < set(docs_2)  # the first night's rows neither rewritten nor restamped

    # another append, and that night dies (SIGKILL while cleaning); then the feed is rotated away
    with feed.open("a") as fh:
        fh.write(line(4))
    third = run(tmp_path, api_env, PARALLAX_FAILPOINT="clean")
    assert third.returncode != 0
    feed.unlink()
    fourth = run(tmp_path, api_env)
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    assert (
        published(tmp_path, "select doc_id, run_id, ingested_at from raw.documents order by doc_id") == docs_2
    )
    assert published(tmp_path, "select count(*) from marts.dim_documents") == [(4,)]
    statuses = [s for (s,) in published(tmp_path, "select status from audit.runs order by started_at")]
    assert statuses == ["success", "success", "crashed", "success"]
    # no orphans of the crashed night anywhere downstream
    assert published(
        tmp_path,
        "select count(*) from staging.stg_documents where doc_id not in (select doc_id from raw.documents)",
    ) == [(0,)]
    assert_validates(tmp_path, api_env)


def test_a_file_that_kills_every_run_is_quarantined_and_bad_rows_cost_only_themselves(
    tmp_path: Path, api_env: dict[str, str]
) -> None:
    inp = tmp_path / "input"
    inp.mkdir()
    (inp / "a_feed.jsonl").write_text("".join(line(i) for i in range(2)))
    (inp / "b_note.txt").write_text(f"{EVENTS[2][0]}\n\n{EVENTS[2][1]}\n")
    rows = [("title", "text"), EVENTS[3], ("Oversized", "z" * 140_000), EVENTS[4]]
    (inp / "c_table.csv").write_text("".join(f'{t},"{x}"\n' for t, x in rows))
    env = {**api_env, "PARALLAX_MAX_RECORD_CHARS": "5000", "PARALLAX_MAX_FILE_FAILURES": "2"}

    # the feed kills the run whenever it is read (as an out-of-memory kill would)
    for _ in range(2):
        assert run(tmp_path, env, PARALLAX_FAILPOINT="read:a_feed.jsonl").returncode != 0
    done = run(tmp_path, env, PARALLAX_FAILPOINT="read:a_feed.jsonl")
    assert done.returncode == 0, done.stderr[-3000:]

    rejected = published(tmp_path, "select path, record, reason from audit.rejected_files order by path")
    assert rejected == [("a_feed.jsonl", None, "quarantined"), ("c_table.csv", 1, "too_large")]
    assert published(tmp_path, "select path, record from marts.dim_documents order by path, record") == [
        ("b_note.txt", None),
        ("c_table.csv", 0),
        ("c_table.csv", 2),
    ]
    statuses = [s for (s,) in published(tmp_path, "select status from audit.runs order by started_at")]
    assert statuses == ["crashed", "crashed", "success"]
    assert_validates(tmp_path, env)
