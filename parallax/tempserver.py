"""Prefect's temporary API server for one `parallax run`, tied to the life of the run's process.

Without `PREFECT_API_URL`, Prefect 3.8 starts a temporary server itself
(`prefect.server.api.server.SubprocessASGIServer`: `python -m uvicorn ... create_app` in a child
process) and stops it from an `atexit` hook. A run killed with SIGKILL (OOM killer, `kill -9`)
runs no `atexit` hook, so that server kept running, holding a port and Prefect's SQLite file.

`temporary_server()` starts the same server the same way, but the child asks the kernel to kill
it when its parent dies (Linux `prctl(PR_SET_PDEATHSIG, SIGKILL)`), and points Prefect at it for
the duration of the block. With a server configured (`PREFECT_API_URL`, as under `parallax serve`
and workers) or Prefect's temporary server disabled, it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx

PR_SET_PDEATHSIG = 1
#: Environment of the server process, as Prefect sets it for its temporary server (no UI, no services).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def _die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` making the child get SIGKILL when this process dies (Linux only, else None)."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before fork
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start Prefect's server app in a child process that dies with this one, without waiting for
    it to answer; returns it and its API URL (`wait_until_ready` waits).

    Prefect is not imported here when it has not been yet (importing it takes 1.5-3 s, which then runs
    on this core while the server starts on the other): the child reads the same environment, profile
    and ./prefect.toml itself. Settings changed in this process with `temporary_settings` are passed on
    when Prefect is already loaded."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("prefect is not installed")
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent
    port = _free_port()
    env = {**os.environ, **SERVER_ENV}
    if "prefect.settings" in sys.modules:
        from prefect.settings import get_current_settings

        env.update(get_current_settings().to_environment_variables(exclude_unset=True))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(app_dir),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env=env,
        preexec_fn=_die_with_parent(),  # only prctl and getppid run in the child
    )
    return proc, f"http://127.0.0.1:{port}/api"


def wait_until_ready(proc: subprocess.Popen[bytes], url: str) -> None:
    """Wait until the launched server answers; stops it and raises RuntimeError when it does not
    within PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS (counted from this call)."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    limit = float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    started = time.monotonic()
    with httpx.Client() as client:
        while time.monotonic() - started < limit:
            if proc.poll() is not None:
                raise RuntimeError(f"Prefect's temporary server exited with code {proc.returncode}")
            try:
                if client.get(f"{url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(
        f"Prefect's temporary server did not answer within {limit:g} s "
        "(raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run `prefect server start` "
        "and set PREFECT_API_URL)"
    )


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start Prefect's server app in a child process that dies with this one; returns it and its API URL.

    Raises RuntimeError when it does not answer within PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.
    """
    proc, url = launch_server()
    wait_until_ready(proc, url)
    return proc, url


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server: SIGTERM, then SIGKILL after 5 s."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def needs_server() -> bool:
    """True when Prefect has no server configured and would start a temporary one."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def _may_need_server() -> bool:
    """`needs_server` without importing Prefect: False only when the environment names a server.
    A profile or prefect.toml that names one (or turns the temporary server off) is seen by
    `needs_server` once Prefect is loaded, and the early server is then stopped unused."""
    return not os.environ.get("PREFECT_API_URL")


@contextmanager
def early_server() -> Iterator[Callable[[], AbstractContextManager[str | None]]]:
    """Launch the temporary server now, while the caller goes on (importing Prefect and the pipeline:
    the server's ~5-10 s of start-up run on another core meanwhile); yields a function returning the
    `temporary_server` block that waits for it. The server is stopped when this block ends, whether
    or not it was used."""
    launched = launch_server() if _may_need_server() else None
    try:
        yield lambda: temporary_server(launched)
    finally:
        if launched is not None:
            stop_server(launched[0])


@contextmanager
def temporary_server(
    launched: tuple[subprocess.Popen[bytes], str] | None = None,
) -> Iterator[str | None]:
    """Run the block against a temporary Prefect server that cannot outlive this process.

    Yields its API URL, or None when Prefect is already pointed at a server (nothing started).
    `launched` is a server started earlier by `launch_server` (this block waits for it to answer
    but leaves stopping it to its launcher).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if launched is not None and not needs_server():  # configured elsewhere: the early one is not used
        stop_server(launched[0])
        launched = None
        yield None
        return
    if launched is not None:
        proc, url = launched
        wait_until_ready(proc, url)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            try:
                yield url
            finally:
                drain_clients()
        return
    if not needs_server():
        yield None
        return
    proc, url = start_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            try:
                yield url
            finally:
                drain_clients()
    finally:
        stop_server(proc)


def drain_clients(timeout: float = 5.0) -> None:
    """Send the logs and events Prefect still holds while the server is up. Left queued, they are sent
    at interpreter exit to a server that is gone, and the retries ("Error logging to API: All connection
    attempts failed") held the process for over a minute at INFO logging."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # never fail the run for telemetry
            worker.drain_all(timeout=timeout)
