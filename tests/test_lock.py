"""WriterLock with real processes: refusal, waiting, and recovery after a holder is SIGKILLed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.lock import (
    EXIT_BUSY,
    LockInfo,
    WriterBusyError,
    WriterLock,
    lock_path_for,
    read_lock_info,
)

# A process that takes the lock, reports what it found, then holds the lock until a line arrives on
# stdin (clean release) or it is killed.
HOLDER = textwrap.dedent(
    """
    import json, sys
    from parallax.lock import WriterLock
    with WriterLock(sys.argv[1], run_id=sys.argv[2]) as lock:
        stale = None if lock.stale_info is None else lock.stale_info.__dict__
        print(json.dumps({"locked": True, "stale": stale}), flush=True)
        sys.stdin.readline()
    print(json.dumps({"released": True}), flush=True)
    """
)

# A second writer: tries once (or waits), exits EXIT_BUSY with the one-line message on refusal.
CONTENDER = textwrap.dedent(
    """
    import json, sys
    from parallax.lock import EXIT_BUSY, WriterBusyError, WriterLock
    try:
        with WriterLock(sys.argv[1], wait_seconds=float(sys.argv[2]), run_id="r-second") as lock:
            stale = None if lock.stale_info is None else lock.stale_info.__dict__
            print(json.dumps({"locked": True, "stale": stale}), flush=True)
    except WriterBusyError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_BUSY)
    """
)


def _start_holder(db: Path, run_id: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), run_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, f"holder did not start: {proc.stderr.read() if proc.stderr else ''}"
    assert json.loads(line)["locked"] is True
    return proc


def _contend(db: Path, wait: float) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CONTENDER, str(db), str(wait)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, time.monotonic() - t0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / ".parallax.duckdb.work"


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    proc = _start_holder(db, "r-first")
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_second_process_refused_at_once_with_clear_message(db: Path, holder: subprocess.Popen[str]) -> None:
    done, elapsed = _contend(db, wait=0)
    assert done.returncode == EXIT_BUSY
    message = done.stderr.strip()
    assert "\n" not in message  # one line, no traceback
    assert message.startswith(f"another parallax run (pid {holder.pid}, started ")
    assert "run r-first" in message
    assert str(db) in message and "--wait SECONDS" in message
    assert elapsed < 10  # interpreter start-up only; no waiting
    # The holder is untouched and still recorded.
    info = read_lock_info(lock_path_for(db))
    assert info is not None and info.pid == holder.pid and info.run_id == "r-first"


def test_waiting_contender_times_out(db: Path, holder: subprocess.Popen[str]) -> None:
    done, elapsed = _contend(db, wait=1.5)
    assert done.returncode == EXIT_BUSY
    assert "waited 1.5 s" in done.stderr
    assert elapsed >= 1.5


def test_waiting_contender_gets_lock_after_clean_release(db: Path, holder: subprocess.Popen[str]) -> None:
    contender = subprocess.Popen(
        [sys.executable, "-c", CONTENDER, str(db), "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    assert contender.poll() is None  # still waiting
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()
    out, err = contender.communicate(timeout=30)
    assert contender.returncode == 0, err
    result = json.loads(out)
    assert result == {"locked": True, "stale": None}  # a clean release is not stale


def test_lock_of_sigkilled_holder_is_stale_and_cleared(db: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    done, _ = _contend(db, wait=0)
    assert done.returncode == 0, done.stderr
    stale = json.loads(done.stdout)["stale"]
    assert stale["pid"] == holder.pid and stale["run_id"] == "r-first"
    # After the new holder released cleanly the file is empty: nothing stale any more.
    assert read_lock_info(lock_path_for(db)) is None
    with WriterLock(db) as lock:
        assert lock.stale_info is None


def test_in_process_reports_stale_holder(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    lock_path_for(db).parent.mkdir(parents=True)
    # What a killed run leaves behind: a filled-in lock file nobody holds.
    dead = LockInfo(
        pid=2**22 + 12345, hostname=socket.gethostname(), started_at="2026-11-23T02:00:01Z", run_id="r-dead"
    )
    lock_path_for(db).write_text(json.dumps(dead.__dict__))
    with WriterLock(db, run_id="r-new") as lock:
        assert lock.stale_info == dead
        assert lock.info is not None and lock.info.run_id == "r-new" and lock.info.pid == os.getpid()
        assert read_lock_info(lock.lock_path) == lock.info
    assert "cleared stale writer lock" in caplog.text and "run r-dead" in caplog.text
    assert lock_path_for(db).exists() and read_lock_info(lock_path_for(db)) is None


def test_same_process_cannot_nest(db: Path) -> None:
    with WriterLock(db, run_id="r-outer"), pytest.raises(WriterBusyError) as err:
        WriterLock(db).acquire()
    assert f"pid {os.getpid()}" in str(err.value) and "run r-outer" in str(err.value)
    assert err.value.holder is not None and err.value.holder.run_id == "r-outer"
    with WriterLock(db) as again:  # released on exit
        assert again.held


def test_orphaned_child_still_holding_lock_is_named(db: Path, tmp_path: Path) -> None:
    """A forked worker inherits the lock; when the parent dies the message says what to do."""
    script = textwrap.dedent(
        """
        import os, sys, time
        from parallax.lock import WriterLock
        lock = WriterLock(sys.argv[1], run_id="r-parent").acquire()
        child = os.fork()
        if child == 0:
            time.sleep(60)
            os._exit(0)
        print(child, flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    try:
        parent.kill()
        parent.wait(timeout=10)
        with pytest.raises(WriterBusyError) as err:
            WriterLock(db).acquire()
        message = str(err.value)
        assert f"pid {parent.pid}" in message and "is gone" in message and "fuser" in message
    finally:
        os.kill(child_pid, signal.SIGKILL)
    # Once the child is gone the lock is free and reported stale.
    deadline = time.monotonic() + 10
    while True:
        try:
            with WriterLock(db) as lock:
                assert lock.stale_info is not None and lock.stale_info.run_id == "r-parent"
            break
        except WriterBusyError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_garbage_lock_file_is_treated_as_stale(db: Path) -> None:
    lock_path_for(db).parent.mkdir(parents=True)
    lock_path_for(db).write_bytes(b"\x00\xffnot json")
    with WriterLock(db) as lock:
        assert lock.stale_info == LockInfo(pid=None, hostname=None, started_at=None, run_id=None)


def test_lock_file_path_may_be_given_directly(db: Path) -> None:
    with WriterLock(lock_path_for(db), run_id="r-a") as lock:
        assert lock.lock_path == lock_path_for(db) and lock.db_path == db
        with pytest.raises(WriterBusyError) as err:
            WriterLock(db).acquire()
        assert f"is writing {db};" in str(err.value)
