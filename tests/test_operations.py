"""Operations faults (issue 14): rollback of in-place changes, publish mode, failed publish on a full
disk, hung and killed runs. Real flow, real model, real processes, in tmp_path."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax import db
from parallax.settings import REPO_ROOT, get_settings

pytestmark = pytest.mark.integration

# Tables that hold one row per run / per validation: they differ between runs by design.
PER_RUN_TABLES = {"audit.runs", "audit.validation_results"}

RUN1 = {
    "harbour.txt": "Harbour reopens after storm\n\nMaria Lopez said on Monday that the harbour in Valdora "
    "would reopen after the storm. Lopez added that the ferries of Nordline would run again by Friday, "
    "and that 40 boats had been damaged.",
    "ferries.txt": "Ferries to run by Friday\n\nFerries operated by Nordline will sail from Valdora again "
    "on Friday, Maria Lopez told reporters. About 40 boats were damaged when the storm hit the coast.",
}
RUN2 = {
    "visit.txt": "President Lopez tours harbour\n\nPresident Maria Lopez toured the harbour in Valdora on "
    "Tuesday. Lopez said Nordline ferries would resume and that repairs would cost 3 million euros.",
    "repairs.txt": "Repairs to cost millions\n\nThe president, Maria Lopez, said the Valdora harbour repairs "
    "would cost about 3 million euros. Chairman Tomas Berg of Nordline said ferries would sail on Friday.",
}


def write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def tables(path: Path) -> dict[str, list[str]]:
    """Every row of every table (all columns, run stamps included), per-run audit tables excluded."""
    return db.table_rows(path, exclude=PER_RUN_TABLES)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> Iterator[dict[str, Path]]:
    paths = {"input": tmp_path / "input", "db": tmp_path / "pub" / "parallax.duckdb"}
    paths["work"] = paths["db"].with_name(".parallax.duckdb.work")
    paths["input"].mkdir()
    monkeypatch.setenv("PARALLAX_DB_PATH", str(paths["db"]))
    monkeypatch.setenv("PARALLAX_INPUT_DIR", str(paths["input"]))
    get_settings.cache_clear()
    yield paths
    get_settings.cache_clear()


def run_flow(env: dict[str, Path]) -> dict[str, object]:
    from flows.nightly import nightly

    return nightly(input_dir=str(env["input"]), db_path=str(env["db"]))


def fail_run_two(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, failpoint: str) -> None:
    """Run 2's files with `failpoint` (a `:raise` one) set: the run fails with FailpointError."""
    from parallax.failpoints import FailpointError

    write(env["input"], RUN2)
    monkeypatch.setenv("PARALLAX_FAILPOINT", failpoint)
    get_settings.cache_clear()
    with pytest.raises(FailpointError):
        run_flow(env)


def last_run(path: Path) -> tuple[str, str | None]:
    """The latest run's status and error in the database at `path`."""
    con = db.connect(path, read_only=True)
    try:
        row = con.execute("select status, error from audit.runs order by started_at desc").fetchone()
    finally:
        con.close()
    assert row is not None
    return row[0], row[1]


def changed_earlier_rows(before: dict[str, list[str]], after: dict[str, list[str]]) -> set[str]:
    """Tables where a row present before is gone or different after (an in-place change)."""
    return {n for n, rows in before.items() if set(rows) - set(after.get(n, []))}


def test_failed_run_that_changed_earlier_rows_leaves_run_one_state_exactly(
    env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(env["input"], RUN1)
    run_flow(env)
    run1 = tables(env["work"])
    pristine = tmp_path / "run1.work"
    shutil.copyfile(env["work"], pristine)

    # run 2 updates run 1's entities, aliases, mention labels or stories, then fails
    fail_run_two(env, monkeypatch, "models:raise")
    assert tables(env["work"]) == run1

    # the same run succeeding does change run 1's rows: the rollback above had something to undo
    monkeypatch.delenv("PARALLAX_FAILPOINT")
    get_settings.cache_clear()
    result = run_flow(env)
    assert result["status"] == "success" and result["documents_new"] == 2
    after = tables(env["work"])
    assert changed_earlier_rows(run1, after) & {
        "intermediate.int_entities",
        "intermediate.int_entity_aliases",
        "intermediate.int_mentions",
    }
    # and publishes exactly the working state, which passes every suite
    assert tables(env["db"]) == after
    from parallax.validate import validate_published

    assert validate_published(env["db"], get_settings()).success


def test_failure_while_validation_streams_rows_rolls_back(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while a validation query is still streaming its rows (a GX error, the run timeout) is
    rolled back and reported as itself: the open result must not keep the rollback from running."""
    write(env["input"], RUN1)
    run_flow(env)
    run1 = tables(env["work"])

    fail_run_two(env, monkeypatch, "validate-chunk#2:raise")
    assert tables(env["work"]) == run1
    status, error = last_run(env["work"])
    assert (status, error) == ("failed", "FailpointError: failpoint validate-chunk#2:raise")

    monkeypatch.delenv("PARALLAX_FAILPOINT")
    get_settings.cache_clear()
    assert run_flow(env)["documents_new"] == 2


def test_hung_step_times_out_fails_the_run_and_rolls_back(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import RunTimeoutError

    write(env["input"], RUN1)
    run_flow(env)
    run1 = tables(env["work"])
    published = hashlib.sha256(env["db"].read_bytes()).hexdigest()

    write(env["input"], RUN2)
    monkeypatch.setenv("PARALLAX_FAILPOINT", "models:hang")
    monkeypatch.setenv("PARALLAX_RUN_TIMEOUT_SECONDS", "20")
    get_settings.cache_clear()
    started = time.monotonic()
    with pytest.raises(RunTimeoutError):
        run_flow(env)
    assert time.monotonic() - started < 120
    assert tables(env["work"]) == run1
    assert hashlib.sha256(env["db"].read_bytes()).hexdigest() == published
    status, error = last_run(env["work"])
    assert status == "failed" and "timeout of 20 s" in error

    monkeypatch.delenv("PARALLAX_FAILPOINT")
    monkeypatch.delenv("PARALLAX_RUN_TIMEOUT_SECONDS")
    get_settings.cache_clear()
    assert run_flow(env)["documents_new"] == 2


@pytest.fixture(scope="module")
def api_env(prefect_harness: None) -> dict[str, str]:
    """Environment for subprocess runs against the test harness's Prefect API."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(PREFECT_API_URL=str(PREFECT_API_URL.value()), PREFECT_LOGGING_LEVEL="WARNING")
    return env


def cli_run(
    base: Path, env: dict[str, str], *, module: str = "parallax.cli"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            module,
            "run",
            "--input",
            str(base / "input"),
            "--db",
            str(base / "pub" / "parallax.duckdb"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO_ROOT,
    )


def mount_tmpfs(path: Path, size_kb: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")


def resize_tmpfs(path: Path, size_kb: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size_kb}k", str(path)], check=True)


def test_full_disk_at_publish_is_reported_and_the_next_run_republishes(
    tmp_path: Path, api_env: dict[str, str]
) -> None:
    """A real full tmpfs under the published file: exit 3 with one paragraph (no traceback),
    `publish_status = failed`, the data-docs page says so, the old file and its mode are kept,
    and the next run, with no input change, publishes the validated state."""
    pub = tmp_path / "pub"
    mount_tmpfs(pub, 256 * 1024)
    try:
        env = dict(api_env, PARALLAX_WORK_DB_PATH=str(tmp_path / "work" / "parallax.work"))
        write(tmp_path / "input", RUN1)
        first = cli_run(tmp_path, env)
        assert first.returncode == 0, first.stderr[-3000:]
        published = pub / "parallax.duckdb"
        os.chmod(published, 0o644)
        digest = hashlib.sha256(published.read_bytes()).hexdigest()

        # leave room for the data-docs page, not for a second copy of the database
        used_kb = int(
            subprocess.run(["du", "-sk", str(pub)], capture_output=True, text=True).stdout.split()[0]
        )
        resize_tmpfs(pub, used_kb + published.stat().st_size // 2048)
        write(tmp_path / "input", RUN2)
        failed = cli_run(tmp_path, env)
        assert failed.returncode == 3, failed.stderr[-3000:]
        assert "Traceback" not in failed.stderr
        assert "publish failed" in failed.stderr and "No space left on device" in failed.stderr
        assert hashlib.sha256(published.read_bytes()).hexdigest() == digest
        assert list(pub.glob("*.publishing*")) == []
        con = db.connect(env["PARALLAX_WORK_DB_PATH"], read_only=True)
        try:
            row = con.execute(
                "select status, publish_status, published_at, error from audit.runs order by started_at desc"
            ).fetchone()
        finally:
            con.close()
        assert row[:3] == ("success", "failed", None) and "No space left on device" in row[3]
        docs = (pub / "data_docs" / "index.html").read_text(encoding="utf-8")
        assert "PUBLISH FAILED" in docs

        # space is back: a run with nothing new publishes the state the failed publish held back
        resize_tmpfs(pub, 256 * 1024)
        again = cli_run(tmp_path, env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert stat.S_IMODE(published.stat().st_mode) == 0o644
        con = db.connect(published, read_only=True)
        try:
            assert con.execute("select count(*) from raw.documents").fetchone() == (4,)
            assert con.execute(
                "select publish_status from audit.runs where status = 'success' order by started_at"
            ).fetchall() == [("published",), ("failed",), ("published",)]
        finally:
            con.close()
        from parallax.validate import validate_published

        assert validate_published(published, get_settings()).success
    finally:
        subprocess.run(["umount", "-l", str(pub)], check=False)


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment holds `marker` (children inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux")
def test_sigkilled_run_leaves_no_prefect_server_behind(tmp_path: Path) -> None:
    """`python -m flows.nightly run` without a Prefect server starts a temporary one; SIGKILL the run
    while it works and that server must go too."""
    marker = f"PARALLAX_TEST_MARKER=kill-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARALLAX_", "PREFECT_API_URL"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PARALLAX_FAILPOINT="extract:hang",
        PARALLAX_TEST_MARKER=marker.partition("=")[2],
    )
    write(tmp_path / "input", RUN1)
    lock = tmp_path / "pub" / ".parallax.duckdb.work.lock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.nightly", "run", "--input", str(tmp_path / "input"),
         "--db", str(tmp_path / "pub" / "parallax.duckdb")],
        env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while not (lock.exists() and lock.read_text().strip()):  # the flow holds the writer lock
            assert proc.poll() is None, "the run ended before it started working"
            assert time.monotonic() < deadline, "the run did not start"
            time.sleep(0.5)
        servers = [p for p in processes_with(marker) if "uvicorn" in cmdline(p)]
        assert servers, "no temporary Prefect server found"
        proc.kill()
        proc.wait()
        until = time.monotonic() + 20
        while processes_with(marker) and time.monotonic() < until:
            time.sleep(0.5)
        left = {p: cmdline(p) for p in processes_with(marker)}
        assert left == {}, f"processes outlived the killed run: {left}"
    finally:
        proc.kill()
        for pid in processes_with(marker):
            os.kill(pid, 9)


def test_early_server_is_stopped_unused_when_prefect_names_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """`parallax run` launches the temporary server before importing Prefect; when Prefect's own settings
    (a profile, prefect.toml) name a server after all, the early one is stopped and nothing waits for it."""
    from parallax import tempserver

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    launched: list[subprocess.Popen[bytes]] = []
    real_launch = tempserver.launch_server

    def launch() -> tuple[subprocess.Popen[bytes], str]:
        proc, url = real_launch()
        launched.append(proc)
        return proc, url

    monkeypatch.setattr(tempserver, "launch_server", launch)
    monkeypatch.setattr(tempserver, "needs_server", lambda: False)
    with tempserver.early_server() as server:
        assert len(launched) == 1
        with server() as url:
            assert url is None
            assert launched[0].poll() is not None  # stopped, not waited for
