"""Memory bench: one big multi-record file must not take memory in proportion to its records.

Writes one JSON list of N short distinct records (synthetic newswire-like sentences from word
lists, no corpus text) and, separately, one of N near-identical template bulletins (weather
reports that share most of their shingles), and runs `parallax run` over each in a fresh
subprocess. Peak RSS is that of the largest process of the run, read with
`getrusage(RUSAGE_CHILDREN)` in a small wrapper process that only starts the run (so the figure
is the run's, not this script's); Prefect's API runs here, outside the measured tree.

    .venv/bin/python -m bench.memory                       # 4,000 vs 40,000 short; 10,000 bulletins
    .venv/bin/python -m bench.memory --small 400 --large 2000 --bulletins 1000 --batch-docs 200 \
        --no-attributions --json out.json                  # a bounded subset (about 6 minutes)

Pass when: peak(large) / peak(small) <= 1.6 and every peak < 2 GB; bulletins within 15 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

for _k, _v in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_k, _v)

REPO_ROOT = Path(__file__).resolve().parent.parent
RATIO_MAX = 1.6
PEAK_MAX_BYTES = 2 * 1024**3
BULLETIN_SECONDS_MAX = 15 * 60

_FIRST = [
    "Anna",
    "Boris",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Petra",
]
_OUTLET = ["Daily Ledger", "Evening Post", "Coast Herald", "Valley Times", "Metro Wire", "North Star"]
_ROLE = [
    "minister",
    "mayor",
    "chief",
    "executive",
    "spokesperson",
    "governor",
    "senator",
    "judge",
    "coach",
    "director",
]
_PLACE = [
    "Valmora",
    "Kestrel",
    "Bay",
    "Dunmoor",
    "Port",
    "Elric",
    "Ashford",
    "Linden",
    "Cove",
    "Marrow",
    "Hill",
    "Tessaly",
    "Ostra",
]
_VERB = [
    "announced",
    "rejected",
    "approved",
    "delayed",
    "criticised",
    "defended",
    "proposed",
    "cancelled",
    "expanded",
]
_THING = [
    "a plan to rebuild the bridge",
    "new limits on fishing",
    "a budget for schools",
    "the merger talks",
    "a tax on shipping",
    "the rail strike settlement",
    "plans for a wind farm",
    "a review of hospital waiting times",
]
_DAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


_SYLL = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vo",
    "dru",
    "pel",
    "sa",
    "nor",
    "bi",
    "gest",
    "ul",
    "fam",
    "ri",
    "co",
    "zan",
    "het",
    "quo",
    "lin",
    "mar",
    "tev",
    "os",
]
_TEMPLATES = (
    "{who}, {role} of {org}, {verb} {thing} in {place} on {day}.",
    "In {place}, {org} {verb} {thing} after {n1} residents signed a petition, {who} said.",
    "{org} said on {day} that it {verb} {thing}; {who} called the move overdue.",
    "{who} of {org} {verb} {thing}, a decision worth {n2} million for {place}.",
    "Officials in {place} {verb} {thing} on {day}, {n1} days after {org} asked {who} to act.",
)


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLL) for _ in range(parts)).capitalize()


def short_record(rng: random.Random, i: int) -> dict[str, str]:
    """A short (about 40 words), distinct newswire-like record about its own invented event: names
    are random syllables, so records share template words but few names (one event each)."""
    slots = {
        "who": f"{rng.choice(_FIRST)} {_name(rng, 3)}",
        "role": rng.choice(_ROLE),
        "org": f"{_name(rng, 2)} {rng.choice(['Bank', 'Rail', 'Council', 'Foods', 'Air', 'Union'])}",
        "place": _name(rng, 3),
        "verb": rng.choice(_VERB),
        "thing": rng.choice(_THING),
        "day": rng.choice(_DAY),
        "n1": rng.randint(2, 9000),
        "n2": rng.randint(10, 990),
    }
    first, second = rng.sample(_TEMPLATES, 2)
    text = f"{first.format(**slots)} {second.format(**slots)} Reference {i}."
    return {
        "title": f"{slots['org']} {slots['verb']} {slots['thing']}",
        "text": text,
        "source": rng.choice(_OUTLET),
    }


def bulletin(rng: random.Random, i: int) -> dict[str, str]:
    """A template weather bulletin: near-identical to every other one but for a few values."""
    place = f"{rng.choice(_PLACE)} {i % 500}"
    high, low, wind = rng.randint(5, 35), rng.randint(-5, 20), rng.randint(5, 60)
    text = (
        f"Weather for {place} on {rng.choice(_DAY)}: mostly cloudy skies in the morning, clearing in "
        f"the afternoon, with a high of {high} degrees and a low of {low} degrees. Winds from the "
        f"west at {wind} kilometres per hour. The chance of rain is {rng.randint(0, 100)} percent. "
        "The national weather service issues the next update at six in the evening."
    )
    return {"title": f"Weather for {place}", "text": text, "source": "Weather Desk"}


def write_feed(path: Path, n: int, kind: str, seed: int = 7) -> None:
    """One JSON list of `n` records of `kind` ('short' or 'bulletin')."""
    rng = random.Random(seed)
    make = short_record if kind == "short" else bulletin
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            fh.write(("," if i else "") + json.dumps(make(rng, i)) + "\n")
        fh.write("]\n")


_WRAPPER = (
    "import json, resource, subprocess, sys, threading, time\n"
    "import psutil\n"
    "t = time.perf_counter()\n"
    "log = open(sys.argv[-1] + '.log', 'w')\n"
    "proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=log)\n"
    "peaks = {}\n"
    "def sample():\n"
    "    # Which process peaks, and when: the tree is polled every 0.5 s (the exact peak is rusage's).\n"
    "    root = psutil.Process(proc.pid)\n"
    "    while proc.poll() is None:\n"
    "        try:\n"
    "            kids = [root, *root.children(recursive=True)]\n"
    "        except psutil.Error:\n"
    "            break\n"
    "        for p in kids:\n"
    "            try:\n"
    "                rss, cmd = p.memory_info().rss, ' '.join(p.cmdline())[-90:]\n"
    "            except psutil.Error:\n"
    "                continue\n"
    "            if rss > peaks.get(p.pid, {}).get('rss', 0):\n"
    "                peaks[p.pid] = {'rss': rss, 'cmd': cmd, 'at_s': round(time.perf_counter() - t, 1)}\n"
    "        time.sleep(0.5)\n"
    "threading.Thread(target=sample, daemon=True).start()\n"
    "rc = proc.wait()\n"
    "top = sorted(peaks.values(), key=lambda d: -d['rss'])[:6]\n"
    "print(json.dumps({'returncode': rc, 'seconds': time.perf_counter() - t,\n"
    "                  'peak_rss_bytes': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,\n"
    "                  'sampled_peaks': top}))\n"
)


def measure_run(base: Path, env_extra: dict[str, str] | None = None, timeout: float = 3600) -> dict[str, Any]:
    """Run `parallax run` over `base/input` in a fresh process tree; returns returncode, seconds,
    peak_rss_bytes (largest process of the run) and the documents it published."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    # Shipped settings (worker processes as configured), except the settle wait: the feed is
    # written just before the run, and a file younger than the settle window is left for next night.
    env.update({"PARALLAX_SETTLE_SECONDS": "0", "PYTHONPATH": str(REPO_ROOT)})
    env.update(env_extra or {})
    db_path = base / "out" / "parallax.duckdb"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "parallax.cli", "run", "--input", str(base / "input"), "--db", str(db_path)]
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["documents"] = None
    if result["returncode"] == 0:
        import duckdb

        con = duckdb.connect(str(db_path), read_only=True)
        try:
            row = con.execute("select count(*) from marts.dim_documents").fetchone()
            result["documents"] = int(row[0]) if row else 0
        finally:
            con.close()
    else:
        result["log_tail"] = Path(str(db_path) + ".log").read_text(errors="replace")[-3000:]
    return result


def one(kind: str, n: int, workdir: Path, env_extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Write one feed of `n` records of `kind` into a fresh folder and measure a run over it."""
    base = workdir / f"{kind}-{n}"
    write_feed(base / "input" / f"{kind}.json", n, kind)
    result = measure_run(base, env_extra)
    result.update(kind=kind, records=n)
    print(
        f"{kind:9s} {n:7d} records: exit {result['returncode']}, {result['seconds']:.0f} s, "
        f"peak RSS {result['peak_rss_bytes'] / 1e9:.2f} GB, documents {result['documents']}",
        flush=True,
    )
    for peak in result.get("sampled_peaks", []):
        print(f"    {peak['rss'] / 1e9:.2f} GB at {peak['at_s']:7.1f} s  {peak['cmd']}", flush=True)
    return result


def main() -> None:
    """Measure and print; exit 1 when a bound is missed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=4000)
    ap.add_argument("--large", type=int, default=40000)
    ap.add_argument("--bulletins", type=int, default=10000, help="0 skips the bulletin case")
    ap.add_argument("--batch-docs", type=int, default=None, help="PARALLAX_BATCH_DOCS for the runs")
    ap.add_argument(
        "--no-attributions", action="store_true", help="tok2vec+ner only (about 2x faster; same batching)"
    )
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = ap.parse_args()
    env_extra = {"PARALLAX_BATCH_DOCS": str(args.batch_docs)} if args.batch_docs else {}
    if args.no_attributions:
        env_extra["PARALLAX_EXTRACT_ATTRIBUTIONS"] = "false"

    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=180):
        os.environ["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
        workdir = args.keep or Path(tmp)
        results = [one("short", args.small, workdir, env_extra), one("short", args.large, workdir, env_extra)]
        if args.bulletins:
            results.append(one("bulletin", args.bulletins, workdir, env_extra))
    small, large = results[0], results[1]
    ratio = large["peak_rss_bytes"] / small["peak_rss_bytes"]
    checks = {
        "all runs exit 0": all(r["returncode"] == 0 for r in results),
        "every record a document": all(r["documents"] == r["records"] for r in results),
        f"peak ratio {ratio:.2f} <= {RATIO_MAX}": ratio <= RATIO_MAX,
        "every peak < 2 GB": all(r["peak_rss_bytes"] < PEAK_MAX_BYTES for r in results),
    }
    if args.bulletins:
        secs = results[2]["seconds"]
        checks[f"bulletins in {secs:.0f} s <= {BULLETIN_SECONDS_MAX}"] = secs <= BULLETIN_SECONDS_MAX
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "ratio": ratio, "checks": checks}, indent=2))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
