"""Rollback of a run that changed earlier runs' rows, on real articles (ECB+), with real processes.

Run 1 loads `--first` ECB+ articles; run 2 adds `--second` more from the same topics (so it
relabels earlier entities, adds roles and aliases, moves earlier documents between stories) and
is SIGKILLed at the validate step. The before-images it left in `audit.row_images` are counted per
table; run 3 recovers (rolls run 2 back at setup) and is stopped right after by a failpoint; the
working DB is then compared, table by table and row by row, with the copy taken after run 1.

    .venv/bin/python -m bench.rollback [--first 150] [--second 60]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stories_inprocess import ECBPLUS
from parallax import db
from parallax.settings import REPO_ROOT

PER_RUN_TABLES = {"audit.runs", "audit.validation_results"}


def tables(path: Path) -> dict[str, list[str]]:
    """Every row of every table (all columns, run stamps included), per-run audit tables excluded."""
    return db.table_rows(path, exclude=PER_RUN_TABLES)


def run(base: Path, failpoint: str | None) -> tuple[int, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(PREFECT_LOGGING_LEVEL="ERROR", PREFECT_HOME=str(base / "prefect"))
    if failpoint:
        env["PARALLAX_FAILPOINT"] = failpoint
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "run", "--input", str(base / "input"),
         "--db", str(base / "pub.duckdb")],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    return done.returncode, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=150)
    parser.add_argument("--second", type=int, default=60)
    args = parser.parse_args()
    if not ECBPLUS.exists():
        sys.exit(f"corpus not present: {ECBPLUS}")
    docs = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines()]
    topics = sorted({d["topic"] for d in docs})[:8]
    docs = [d for d in docs if d["topic"] in topics]
    # interleave so run 2 brings more articles about run 1's events
    docs = docs[0::2] + docs[1::2]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "input").mkdir()

        def add(batch: list[dict[str, str]]) -> None:
            for d in batch:
                (base / "input" / (d["doc"].replace(".xml", "") + ".txt")).write_text(
                    d["text_detok"], encoding="utf-8"
                )

        work = base / ".pub.duckdb.work"
        add(docs[: args.first])
        rc1, t1 = run(base, None)
        assert rc1 == 0, f"run 1 exited {rc1}"
        shutil.copyfile(work, base / "run1.work")
        add(docs[args.first : args.first + args.second])
        rc2, t2 = run(base, "validate")
        print(f"run 2: {t2:.0f} s")
        assert rc2 == -9, f"run 2 exited {rc2}"
        con = db.connect(work, read_only=True)
        images = con.execute(
            "select table_name, sum(row_count), sum(octet_length(rows)) from audit.row_images "
            "group by 1 order by 1"
        ).fetchall()
        con.close()
        rc3, t3 = run(base, "scan:raise")
        print(f"run 3: {t3:.0f} s")
        con = db.connect(work, read_only=True)
        setup = con.execute(
            "select step_seconds['setup'] from audit.runs order by started_at desc limit 1"
        ).fetchone()
        con.close()
        same = tables(work) == tables(base / "run1.work")
        print(
            f"ECB+ topics {topics}: run 1 {args.first} articles ({t1:.0f} s), "
            f"run 2 +{args.second} (killed at validate)"
        )
        print("before-images left by run 2 (table, rows, bytes):")
        for table, rows, size in images:
            print(f"  {table:45s} {rows:7d} {size:10d}")
        print(f"run 3 (recovers run 2, then stops): exit {rc3}, setup step {setup[0] if setup else '?'} s")
        print(f"working DB equals run 1's state exactly: {same}")


if __name__ == "__main__":
    main()
