"""The whole-run timeout: a hung night ends as failed, is rolled back and releases the writer lock.

The deadline is applied inside the `nightly` flow from `Settings.run_timeout_seconds`, so it holds
however the flow is started (`parallax run`, `parallax serve`, a `prefect.yaml` deployment) and
the setting is read when the run starts, not when the module is imported.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType


class RunTimeoutError(TimeoutError):
    """The run took longer than `Settings.run_timeout_seconds`."""


@dataclass
class Deadline:
    """What `deadline` yields: `expired` turns True once the time is up."""

    seconds: float | None
    started: float = field(default_factory=time.monotonic)

    @property
    def expired(self) -> bool:
        return self.seconds is not None and time.monotonic() - self.started >= self.seconds

    @property
    def message(self) -> str:
        return f"run exceeded its timeout of {self.seconds:g} s (PARALLAX_RUN_TIMEOUT_SECONDS)"


@contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline]:
    """Raise `RunTimeoutError` inside the block once `seconds` have passed (None or <= 0: no limit).

    In the main thread (where Prefect runs a flow) a SIGALRM timer raises it at once, also out of
    a sleep or a blocking read Python can interrupt; a read stuck in the kernel (a dead network
    mount) ends only when the kernel returns. Elsewhere Prefect's timeout is used, which raises
    when the thread next runs Python code.
    """
    state = Deadline(seconds if seconds and seconds > 0 else None)
    if state.seconds is None:
        yield state
        return
    in_main = threading.current_thread() is threading.main_thread()
    if not in_main or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        from prefect.utilities.timeout import timeout

        with timeout(state.seconds, RunTimeoutError):
            yield state
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise RunTimeoutError(state.message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, state.seconds)
    try:
        yield state
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
