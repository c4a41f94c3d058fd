"""Crash recovery: a real `parallax run` SIGKILLed at several points leaves the published file intact,
and the next run completes with the same content as a run that was never killed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parallax import db
from parallax.settings import REPO_ROOT

pytestmark = pytest.mark.integration

EXTRA = {
    "harbour.txt": "Storm closes harbour\n\nA winter storm closed the harbour at Dover on Friday, and ferry "
    "operators cancelled twelve crossings while coastguards warned of waves up to six metres.",
    "budget.txt": "Council passes budget\n\nThe city council in Leeds approved a budget of 450 million "
    "pounds on Tuesday after councillors argued about spending on roads and schools.",
    "vaccine.txt": "Clinic expands hours\n\nThe public health clinic in Oslo said it would open on Saturdays "
    "from next month, after demand for vaccinations rose by 20 percent over the winter.",
}
# Columns that legitimately differ between two runs over the same input.
VOLATILE = {
    "run_id",
    "batch_id",
    "ingested_at",
    "rejected_at",
    "validated_at",
    "first_seen_at",
    "last_seen_at",
    "step_seconds",
    "mtime_ns",
    "snapshot_at",
    "previous_run_id",
}
PER_RUN_TABLES = {"audit.runs", "audit.validation_results", "audit.validation_runs"}


@pytest.fixture(scope="module")
def api_env(prefect_harness: None) -> dict[str, str]:
    """Environment for subprocess runs: talk to the test harness's Prefect API (no slow start-up)."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
        PARALLAX_BATCH_FILES="2",
        PARALLAX_SETTLE_SECONDS="0",  # inputs are written just before each run: read them at once
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


def write_inputs(folder: Path, with_extra: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted((REPO_ROOT / "seeds" / "articles").iterdir())
    for f in samples[:2] if not with_extra else samples:
        shutil.copy(f, folder / f.name)
    if with_extra:
        for name, text in EXTRA.items():
            (folder / name).write_text(text, encoding="utf-8")


def run_cli(
    base: Path, env: dict[str, str], failpoint: str | None = None
) -> subprocess.CompletedProcess[str]:
    run_env = dict(env)
    if failpoint:
        run_env["PARALLAX_FAILPOINT"] = failpoint
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "parallax.cli",
            "run",
            "--input",
            str(base / "input"),
            "--db",
            str(base / "pub" / "parallax.duckdb"),
        ],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )


def content(path: Path) -> dict[str, str]:
    """Order-independent content hash per table/view, volatile columns left out."""
    con = db.connect(path, read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw','staging','intermediate','marts','audit') order by 1"
        ).fetchall()
        out = {}
        for (name,) in tables:
            if name in PER_RUN_TABLES:
                continue
            cols = [c for c in db.table_columns(con, name) if c not in VOLATILE]
            rows = sorted(repr(r) for r in con.execute(f"select {', '.join(cols)} from {name}").fetchall())
            out[name] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, api_env: dict[str, str]) -> dict[str, str]:
    base = tmp_path_factory.mktemp("reference")
    write_inputs(base / "input", with_extra=False)
    assert run_cli(base, api_env).returncode == 0
    write_inputs(base / "input", with_extra=True)
    done = run_cli(base, api_env)
    assert done.returncode == 0, done.stderr
    return content(base / "pub" / "parallax.duckdb")


@pytest.mark.parametrize("failpoint", ["ingest#2", "extract", "validate", "publish-replace"])
def test_killed_run_leaves_published_file_intact_and_next_run_recovers(
    failpoint: str, tmp_path: Path, api_env: dict[str, str], reference: dict[str, str]
) -> None:
    published = tmp_path / "pub" / "parallax.duckdb"
    write_inputs(tmp_path / "input", with_extra=False)
    first = run_cli(tmp_path, api_env)
    assert first.returncode == 0, first.stderr
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    old_content = content(published)

    write_inputs(tmp_path / "input", with_extra=True)
    killed = run_cli(tmp_path, api_env, failpoint)
    assert killed.returncode == -9, (
        f"expected SIGKILL at {failpoint}: {killed.returncode} {killed.stderr[-2000:]}"
    )
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert content(published) == old_content  # still opens, same data

    recovered = run_cli(tmp_path, api_env)
    assert recovered.returncode == 0, recovered.stderr
    assert content(published) == reference
    con = db.connect(published, read_only=True)
    try:
        statuses = [r[0] for r in con.execute("select status from audit.runs order by started_at").fetchall()]
        # killed after the run committed (between copy and replace): nothing to roll back, the next
        # run publishes; killed earlier: the run is found unfinished, marked crashed, rolled back
        middle = "success" if failpoint == "publish-replace" else "crashed"
        assert statuses == ["success", middle, "success"]
        assert con.execute("select count(*) from raw.documents").fetchone() == (6,)
        dup = con.execute("select count(*) - count(distinct doc_id) from raw.documents").fetchone()
        assert dup == (0,)
    finally:
        con.close()
    assert list(published.parent.glob("*.publishing")) == []  # side files of a killed publish are removed
