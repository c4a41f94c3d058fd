"""The run deadline interrupts a hung step, in the main thread (SIGALRM) and in another thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from parallax.deadline import RunTimeoutError, deadline
from parallax.settings import REPO_ROOT

HANG = """
import time
from parallax.deadline import RunTimeoutError, deadline
started = time.monotonic()
try:
    with deadline(1.5) as limit:
        time.sleep(60)  # one blocking call, interrupted by the alarm
except RunTimeoutError as exc:
    print("timed out", round(time.monotonic() - started), limit.expired, exc)
"""


def test_main_thread_sleep_is_interrupted_with_a_clear_message() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HANG], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )
    assert done.stdout.startswith("timed out 2 True run exceeded its timeout of 1.5 s"), done.stderr


def test_other_thread_is_interrupted_and_expiry_is_known() -> None:
    seen: list[object] = []

    def work() -> None:
        try:
            with deadline(1.0) as limit:
                while True:
                    time.sleep(0.1)
        except BaseException as exc:  # Prefect raises its cancellation inside, a timeout outside
            seen.append((type(exc).__name__, limit.expired))

    t = threading.Thread(target=work)
    t.start()
    t.join(30)
    assert seen == [("RunTimeoutError", True)]


@pytest.mark.parametrize("seconds", [None, 0, -1])
def test_no_limit(seconds: float | None) -> None:
    with deadline(seconds) as limit:
        time.sleep(0.01)
    assert not limit.expired


def test_a_fast_block_is_not_interrupted_and_the_timer_is_cleared() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL)[0]
    with deadline(30):
        pass
    # pytest-timeout's own alarm (if any) is left as it was
    assert signal.getsignal(signal.SIGALRM) == before[0]
    assert signal.getitimer(signal.ITIMER_REAL)[0] <= before[1]
    with pytest.raises(ValueError), deadline(30):  # errors inside pass through unchanged
        raise ValueError("boom")
    assert RunTimeoutError.__mro__[1] is TimeoutError
