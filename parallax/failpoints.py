"""Failpoints: let tests make a real run fail at a named point, to prove recovery.

`PARALLAX_FAILPOINT=extract` kills the process (SIGKILL) when the run first reaches the `extract`
step; `extract#2` the second time (e.g. the second batch); `read:feed.jsonl` when ingest opens that
input file (a file that kills every run). A mode after a colon changes what happens to a step:
`models:raise` raises `FailpointError` (an ordinary failed run, rolled back by the flow),
`models:hang` sleeps until something (the run timeout) interrupts it. `validate-chunk` is each chunk
of rows validation reads while its query streams. Unset (the default), `hit` does nothing.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

_seen: Counter[str] = Counter()
MODES = ("kill", "raise", "hang")


class FailpointError(RuntimeError):
    """Raised by a `:raise` failpoint."""


def hit(name: str, failpoint: str | None) -> None:
    """Fail as `failpoint` says if it names this point (and occurrence)."""
    if not failpoint:
        return
    _seen[name] += 1
    spec, _, mode = failpoint.rpartition(":")
    if mode not in MODES:  # a colon inside the point's name ("read:feed.jsonl"), no mode
        spec, mode = failpoint, "kill"
    target, _, nth = spec.partition("#")
    if target != name or _seen[name] != int(nth or 1):
        return
    if mode == "raise":
        raise FailpointError(f"failpoint {failpoint}")
    if mode == "hang":
        while True:
            time.sleep(1)
    os.kill(os.getpid(), signal.SIGKILL)


def reset() -> None:
    """Forget the points seen (a new run in the same process counts from one again)."""
    _seen.clear()
