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

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start Prefect's server app in a child process that dies with this one; returns it and its API URL.

    Raises RuntimeError when it does not answer within PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.
    """
    import prefect
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, get_current_settings

    port = _free_port()
    env = {**os.environ, **SERVER_ENV, **get_current_settings().to_environment_variables(exclude_unset=True)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(prefect.__module_path__.parent),
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
    url = f"http://127.0.0.1:{port}/api"
    limit = float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    started = time.monotonic()
    with httpx.Client() as client:
        while time.monotonic() - started < limit:
            if proc.poll() is not None:
                raise RuntimeError(f"Prefect's temporary server exited with code {proc.returncode}")
            try:
                if client.get(f"{url}/health", timeout=5).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(
        f"Prefect's temporary server did not answer within {limit:g} s "
        "(raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run `prefect server start` "
        "and set PREFECT_API_URL)"
    )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server: SIGTERM, then SIGKILL after 5 s."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def temporary_server() -> Iterator[str | None]:
    """Run the block against a temporary Prefect server that cannot outlive this process.

    Yields its API URL, or None when Prefect is already pointed at a server (nothing started).
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield None
        return
    proc, url = start_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        stop_server(proc)
