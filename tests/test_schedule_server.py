"""The nightly schedule: deployment spec, prefect.yaml, and a real Prefect server running the flow.

The server test starts `prefect server start` on a free port (state in tmp_path), serves the
`nightly` deployment with `parallax serve` in a subprocess, triggers a run through the
API and waits for it to complete; then it checks the published file and the scheduled runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import duckdb
import httpx
import pytest
import sqlalchemy
import typer
import yaml
from prefect.settings import PREFECT_API_URL, temporary_settings
from typer.testing import CliRunner

from parallax import schedule
from parallax.schedule import DEPLOYMENT_NAME, FLOW_NAME, ScheduleError
from parallax.settings import REPO_ROOT, Settings

# Prefect 3.8.8's scheduler breaks on SQLAlchemy 2.1 (see the xfail below); the server runs in this venv.
SQLALCHEMY_2_1 = tuple(int(p) for p in sqlalchemy.__version__.split(".")[:2]) >= (2, 1)
SERVER_START_SECONDS = 120  # measured 14-35 s here
RUN_SECONDS = 180  # the flow run: model load + two tiny articles

# A two-article story from two outlets: enough for every stage of the flow to have work.
ARTICLES = {
    "harbor-gazette.txt": (
        "Storm closes Port Elling for two days\n\n"
        "Port Elling closed on Tuesday after a storm brought winds of 120 km/h to the coast, "
        "the harbour authority said. About 40 ships were waiting offshore.\n\n"
        '"We expect to reopen on Thursday," said Maria Okafor, the harbour master. '
        "The closure follows a similar shutdown in March."
    ),
    "coastal-times.txt": (
        "Harbour shut as storm hits Port Elling\n\n"
        "Authorities shut Port Elling on Tuesday as a storm swept the coast. Maria Okafor, the "
        "harbour master, said the port would reopen on Thursday.\n\n"
        "Shipping companies said dozens of vessels were delayed and fishermen stayed ashore."
    ),
}


# --- deployment spec, schedule and CLI (fast) ------------------------------------------------------


def test_default_spec_is_0200_utc_with_absolute_paths(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path)
    spec = schedule.deployment_spec(settings)
    assert (spec.cron, spec.timezone) == ("0 2 * * *", "UTC")
    assert spec.full_name == f"{FLOW_NAME}/{DEPLOYMENT_NAME}"
    assert spec.parameters == {
        "input_dir": str(tmp_path / "seeds" / "articles"),
        "db_path": str(tmp_path / "data" / "parallax.duckdb"),
    }
    first = schedule.nightly_schedule(spec)
    assert first.cron == "0 2 * * *" and first.timezone == "UTC"


def test_relative_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = schedule.deployment_spec(Settings(root=tmp_path), "in", "out/x.duckdb")
    assert spec.parameters == {"input_dir": str(tmp_path / "in"), "db_path": str(tmp_path / "out/x.duckdb")}


@pytest.mark.parametrize(
    ("cron", "timezone", "message"),
    [
        ("0 2 * * *", "Mars/Olympus_Mons", "unknown timezone 'Mars/Olympus_Mons'"),
        ("0 25 * * *", "UTC", "invalid cron expression '0 25 * * *'"),
        ("every night", "UTC", "invalid cron expression"),
    ],
)
def test_invalid_schedule_is_one_clear_error(cron: str, timezone: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=re.escape(message)):
        schedule.deployment_spec(Settings(schedule_cron=cron, schedule_timezone=timezone))


def test_check_api_without_server_is_one_clear_error() -> None:
    with pytest.raises(ScheduleError, match="prefect server start"):
        schedule.check_api(None)
    port = _free_port()  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(ScheduleError, match=f"127.0.0.1:{port}/api is not answering"):
        schedule.check_api(f"http://127.0.0.1:{port}/api", timeout=5)
    assert time.monotonic() - t0 < 5


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app holding only the operations command."""

    schedule.register(app)
    return app


def test_serve_command_reports_user_errors_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(_cli(), ["serve", "--input", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "input folder not found" in missing.output
    bad_tz = runner.invoke(_cli(), ["serve", "--input", str(tmp_path), "--timezone", "Nowhere/City"])
    assert bad_tz.exit_code == 1 and "unknown timezone 'Nowhere/City'" in bad_tz.output
    with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{_free_port()}/api"}):
        no_server = runner.invoke(_cli(), ["serve", "--input", str(tmp_path)])
    assert no_server.exit_code == 1 and "is not answering" in no_server.output
    for result in (missing, bad_tz, no_server):
        assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_prefect_yaml_matches_settings_and_flow() -> None:
    """prefect.yaml (for teams running workers) declares the same deployment `parallax serve` does."""
    config = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    defaults = Settings()
    assert deployment["name"] == DEPLOYMENT_NAME
    (sched,) = deployment["schedules"]
    assert (sched["cron"], sched["timezone"]) == (defaults.schedule_cron, defaults.schedule_timezone)
    assert sched.get("active", True) is True
    path, func = deployment["entrypoint"].split(":")
    assert (REPO_ROOT / path).is_file() and f"def {func}(" in (REPO_ROOT / path).read_text()
    assert f'name="{FLOW_NAME}"' in (REPO_ROOT / path).read_text()
    assert deployment["work_pool"]["name"]
    (pull,) = config["pull"]
    assert "prefect.deployments.steps.set_working_directory" in pull
    assert set(deployment["parameters"]) <= {"input_dir", "db_path", "run_date", "work_db_path"}


# --- a real Prefect server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM the process group we started (server children, served flow runs), then SIGKILL."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _log_tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`prefect server start` on a free port; yields the environment for its clients."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",  # create the 02:00 runs promptly
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    log = home / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Prefect server did not start:\n{_log_tail(log)}")
            time.sleep(0.5)
        yield {**env, "PREFECT_API_URL": api, "SERVER_LOG": str(log)}
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def served(
    prefect_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """`parallax serve` serving the deployment, started from a directory outside the checkout."""
    tmp_path = tmp_path_factory.mktemp("served")
    input_dir = tmp_path / "input"
    input_dir.mkdir()
    for name, text in ARTICLES.items():
        (input_dir / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "out" / "parallax.duckdb"
    log = tmp_path / "serve.log"
    env = {**prefect_server, "PARALLAX_SCHEDULE_TIMEZONE": "Europe/Amsterdam"}
    cmd = [sys.executable, "-m", "parallax.cli", "serve", "--input", str(input_dir), "--db", str(db_path)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        api = prefect_server["PREFECT_API_URL"]
        deployment = _get_deployment(api, proc, log)
        yield {
            "api": api,
            "db": db_path,
            "input": input_dir,
            "log": log,
            "proc": proc,
            "deployment": deployment,
            "server_log": Path(prefect_server["SERVER_LOG"]),
        }
    finally:
        _stop(proc)


def _get_deployment(api: str, proc: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 150  # `parallax serve` imports the flow and its stack first
    url = f"{api}/deployments/name/{FLOW_NAME}/{DEPLOYMENT_NAME}"
    while True:
        response = httpx.get(url, timeout=10)
        if response.status_code == 200:
            return dict(response.json())
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"deployment was not registered:\n{_log_tail(log)}")
        time.sleep(0.5)


def test_deployment_registered_with_cron_timezone_and_paths(served: dict[str, Any]) -> None:
    deployment = served["deployment"]
    (sched,) = deployment["schedules"]
    assert sched["active"] is True
    assert sched["schedule"]["cron"] == "0 2 * * *"
    assert sched["schedule"]["timezone"] == "Europe/Amsterdam"
    assert deployment["parameters"] == {"input_dir": str(served["input"]), "db_path": str(served["db"])}
    assert deployment["entrypoint"] == schedule.FLOW_ENTRYPOINT


def test_run_triggered_through_the_api_completes(served: dict[str, Any]) -> None:
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    # Trigger a run through the API with Prefect's client, as `prefect deployment run` does (the
    # client retries the 503s Prefect's SQLite-backed server returns while it is busy).
    with temporary_settings({PREFECT_API_URL: served["api"]}):
        run = cast(
            "FlowRun",
            run_deployment(
                f"{FLOW_NAME}/{DEPLOYMENT_NAME}", timeout=RUN_SECONDS, poll_interval=1, as_subflow=False
            ),
        )
    assert run.state is not None and run.state.is_final(), f"run not finished:\n{_log_tail(served['log'])}"
    assert run.state.is_completed(), f"{run.state}\n{_log_tail(served['log'])}"
    assert run.name.startswith("nightly-"), run.name

    # The run published the analyst file: both articles are documents.
    with duckdb.connect(str(served["db"]), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_documents").fetchone() == (len(ARTICLES),)
        assert con.execute("select status from audit.runs").fetchall() == [("success",)]


@pytest.mark.xfail(
    SQLALCHEMY_2_1,
    strict=True,
    reason="Prefect 3.8.8's scheduler service cannot insert runs with SQLAlchemy 2.1 (InvalidRequestError: "
    "bulk DML on a hybrid property): no scheduled run is ever created. Pin SQLAlchemy<2.1 (2.0.58 passes).",
)
def test_server_schedules_nightly_runs_at_0200_local_time(served: dict[str, Any]) -> None:
    """The server's scheduler service turns the cron into runs at 02:00 in the schedule's timezone."""
    api, deployment = served["api"], served["deployment"]
    deadline = time.monotonic() + 30
    while True:
        scheduled = httpx.post(
            f"{api}/flow_runs/filter",
            json={
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                "sort": "EXPECTED_START_TIME_ASC",
            },
            timeout=10,
        ).json()
        failing = "InvalidRequestError" in _log_tail(served["server_log"], 200_000)  # scheduler broken
        if scheduled or failing or time.monotonic() > deadline:
            break
        time.sleep(1)
    errors = [line for line in _log_tail(served["server_log"], 200_000).splitlines() if "Error" in line]
    assert scheduled, f"the scheduler created no nightly runs; server errors: {sorted(set(errors))[:5]}"
    amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    for upcoming in scheduled:
        start = dt.datetime.fromisoformat(upcoming["expected_start_time"]).astimezone(amsterdam)
        assert (start.hour, start.minute) == (2, 0)
        assert start > dt.datetime.now(amsterdam)


# --- prefect.yaml with a process work pool and a worker ---------------------------------------------


def _prefect_cli(env: dict[str, str], *args: str, cwd: Path = REPO_ROOT, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (
        f"prefect {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def yaml_deployment(prefect_server: dict[str, str], served: dict[str, Any]) -> dict[str, Any]:
    """`prefect deploy --all` from the repository root, as the README tells teams with workers.

    It registers the same `nightly/parallax-nightly` as `parallax serve`: stop the served process
    first so that only the worker can pick up the run (one or the other, never both, in production).
    """
    _stop(served["proc"])
    api = prefect_server["PREFECT_API_URL"]
    pool = httpx.post(f"{api}/work_pools/", json={"name": "parallax", "type": "process"}, timeout=30)
    assert pool.status_code in (201, 409), pool.text  # 409: created by an earlier test run
    _prefect_cli(prefect_server, "deploy", "--all")
    response = httpx.get(f"{api}/deployments/name/{FLOW_NAME}/{DEPLOYMENT_NAME}", timeout=10)
    response.raise_for_status()
    return dict(response.json())


def test_prefect_yaml_deploys_with_schedule_pool_and_pull_step(yaml_deployment: dict[str, Any]) -> None:
    config = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text())
    (sched,) = yaml_deployment["schedules"]
    assert (sched["schedule"]["cron"], sched["schedule"]["timezone"]) == ("0 2 * * *", "UTC")
    assert yaml_deployment["work_pool_name"] == "parallax"
    assert yaml_deployment["entrypoint"] == "flows/nightly.py:nightly"
    assert yaml_deployment["pull_steps"] == config["pull"]
    assert sched["active"] is True and not yaml_deployment["paused"]  # re-activated after serve paused it


@pytest.mark.slow
def test_prefect_yaml_deployment_runs_on_a_process_worker(
    yaml_deployment: dict[str, Any], prefect_server: dict[str, str], tmp_path: Path
) -> None:
    """A worker (started elsewhere, PARALLAX_ROOT set) pulls the run and completes it."""
    from prefect.client.orchestration import get_client

    input_dir = tmp_path / "input"
    input_dir.mkdir()
    for name, text in ARTICLES.items():
        (input_dir / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "out" / "parallax.duckdb"
    with (
        temporary_settings({PREFECT_API_URL: prefect_server["PREFECT_API_URL"]}),
        get_client(sync_client=True) as client,
    ):
        run = client.create_flow_run_from_deployment(
            yaml_deployment["id"], parameters={"input_dir": str(input_dir), "db_path": str(db_path)}
        )
        env = {**prefect_server, "PARALLAX_ROOT": str(REPO_ROOT)}
        _prefect_cli(
            env, "worker", "start", "--pool", "parallax", "--run-once", cwd=tmp_path, timeout=RUN_SECONDS
        )
        final = client.read_flow_run(run.id)
    assert final.state is not None and final.state.is_completed(), final.state
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_documents").fetchone() == (len(ARTICLES),)
