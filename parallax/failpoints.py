"""Failpoints: let tests kill a real run with SIGKILL at a named point, to prove crash recovery.

`PARALLAX_FAILPOINT=extract` kills the process when the run first reaches the `extract` step;
`extract#2` the second time (e.g. the second batch); `read:feed.jsonl` when ingest opens that input
file (a file that kills every run). Unset (the default), `hit` does nothing.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_seen: Counter[str] = Counter()


def hit(name: str, failpoint: str | None) -> None:
    """SIGKILL this process if `failpoint` names this point (and occurrence)."""
    if not failpoint:
        return
    _seen[name] += 1
    target, _, nth = failpoint.partition("#")
    if target == name and _seen[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
