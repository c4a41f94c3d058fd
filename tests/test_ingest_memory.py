"""Batching bounds memory: the peak RSS of a run over one JSON file of N short records does not grow
with N (issue 14, fault 4). Bounded version of `bench/memory.py` (which runs 4,000 vs 40,000)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.settings import REPO_ROOT

pytestmark = pytest.mark.integration


def test_peak_memory_is_flat_in_records_per_file(tmp_path: Path) -> None:
    out = tmp_path / "memory.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    # 5x the records with 200-document batches: both runs take several batches, so the ratio shows
    # whether anything holds the whole file (it was about linear before documents were batched)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.memory",
            "--small",
            "400",
            "--large",
            "2000",
            "--bulletins",
            "0",
            "--batch-docs",
            "200",
            "--no-attributions",
            "--json",
            str(out),
        ],
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text())
    small, large = report["results"]
    assert small["returncode"] == large["returncode"] == 0, report
    assert (small["documents"], large["documents"]) == (400, 2000)
    assert large["peak_rss_bytes"] < 2 * 1024**3
    assert report["ratio"] <= 1.6, report
