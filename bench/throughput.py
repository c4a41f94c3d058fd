"""Throughput bench: the nightly flow end to end vs bare spaCy over the same cleaned texts.

In one process it
1. writes N Reuters-21578 articles (optionally replayed K times with controlled edits, see
   `bench/_corpus.py`) as one `.txt` per article under per-outlet folders in a temp dir;
2. times Prefect's start-up (a trivial flow), then the `nightly` flow over that folder into a
   fresh database (called in-process), with the time per step from the run summary;
3. times a second run with no new files, then a run with 1% new files (unseen articles), or with
   `--new K` the last K articles of the corpus (the same K whatever `--n`, so one night can be
   timed on archives of different sizes: issue 16's "1%-new night at 20,000 vs 3,000");
4. times bare spaCy `nlp.pipe` over the same cleaned canonical bodies the flow extracted
   (staging.stg_documents of the first run, duplicates left out), with the same components,
   `n_process` and batch size;
and prints documents/s, words/s, their ratio, time per step and peak memory.

The end-to-end comparison issue 16 asks for (one `.jsonl` file, fresh `parallax run` and bare
spaCy processes, start-up included) is `bench/vs_spacy.py`.

    .venv/bin/python bench/throughput.py [--n 3000] [--replay K --mode mix|near]
        [--n-process 2] [--batch-size 64] [--json FILE] [--keep DIR]

Peak memory is sampled every 0.2 s per phase as the resident set of this process plus its
worker processes (Prefect's temporary API server excluded: it is not the pipeline), and also
reported as `getrusage` maxima (self; children = largest finished child).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# No network here; Prefect's temporary server is slow to start (see DESIGN.md).
for _k, _v in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_k, _v)

# `python bench/throughput.py` puts bench/ first on sys.path; the repository root makes `bench.` work too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._corpus import (  # noqa: E402
    Article,
    count_words,
    load_reuters,
    mixed_copy,
    replay,
    write_articles,
)

MB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# memory sampling
# --------------------------------------------------------------------------------------------
def _is_prefect_server(proc: Any) -> bool:
    try:
        cmd = " ".join(proc.cmdline())
    except Exception:  # process gone or not ours
        return False
    return "uvicorn" in cmd or "prefect.server" in cmd or "prefect server" in cmd


class RssSampler:
    """Peak resident memory of this process and of this process + its workers, per phase."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.peak_self = 0
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        try:
            own = self.me.memory_info().rss
            total = own
            for child in self.me.children(recursive=True):
                if _is_prefect_server(child):
                    continue
                try:
                    total += child.memory_info().rss
                except Exception:
                    continue
        except Exception:
            return
        self.peak_self = max(self.peak_self, own)
        self.peak_total = max(self.peak_total, total)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()


# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------
@dataclass
class Phase:
    """One timed phase: wall seconds, peak memory, and the run summary when it was a flow run."""

    name: str
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    peak_rss_with_workers_mb: float = 0.0
    cpu_seconds: float = 0.0
    documents: int = 0
    words: int = 0
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers count once they exit)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def measured(phase: Phase) -> Iterator[Phase]:
    """Wall time, CPU time (load-independent: other jobs on the machine do not inflate it) and RSS."""
    sampler = RssSampler()
    t0, c0 = time.perf_counter(), cpu_seconds()
    with sampler:
        yield phase
    phase.seconds = time.perf_counter() - t0
    phase.cpu_seconds = cpu_seconds() - c0
    phase.peak_rss_mb = sampler.peak_self / MB
    phase.peak_rss_with_workers_mb = sampler.peak_total / MB


def prefect_startup() -> float:
    """Seconds for a trivial flow run (starts Prefect's temporary API server when none is set)."""
    from prefect import flow

    @flow(name="bench-warmup")
    def warmup() -> int:
        return 1

    t0 = time.perf_counter()
    warmup()
    return time.perf_counter() - t0


def run_flow(input_dir: Path, db_path: Path, name: str) -> Phase:
    from flows.nightly import nightly
    from parallax.runner import PART_SECONDS

    for part in PART_SECONDS:
        PART_SECONDS[part] = 0.0
    phase = Phase(name)
    with measured(phase):
        phase.summary = nightly(input_dir=str(input_dir), db_path=str(db_path))
    phase.summary["extract_parts"] = {k: round(v, 2) for k, v in PART_SECONDS.items()}
    phase.documents = int(str(phase.summary.get("documents_new") or 0))
    return phase


def canonical_texts(db_path: Path, run_id: str, max_chars: int) -> list[str]:
    """Cleaned bodies the run sent to extraction: its documents that are their own canonical copy."""
    from parallax import db

    con = db.connect(db_path, read_only=True)
    try:
        rows = con.execute(
            "select d.body from staging.stg_documents d "
            "join intermediate.int_document_duplicates u on u.doc_id = d.doc_id "
            "where u.canonical_doc_id = d.doc_id and d.run_id = ? order by d.doc_id",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return [r[0][:max_chars] for r in rows]


def annotate_only(db_path: Path, run_id: str, words: int) -> Phase:
    """Extraction's `annotate` alone, run by the flow's annotator (pool/in-process/Dask) over the
    run's canonical documents: the NLP plus extraction's Python post-processing, without the DB."""
    from parallax import db, extract, extract_store, runner, slices
    from parallax.entities import load_overrides
    from parallax.settings import get_settings

    settings = get_settings()
    con = db.connect(db_path, read_only=True)
    try:
        ids = [
            r[0]
            for r in con.execute(
                "select d.doc_id from staging.stg_documents d "
                "join intermediate.int_document_duplicates u on u.doc_id = d.doc_id "
                "where u.canonical_doc_id = d.doc_id and d.run_id = ? order by d.doc_id",
                [run_id],
            ).fetchall()
        ]
        docs, sents, paras = extract_store.read_inputs(con, ids)
    finally:
        con.close()
    overrides = load_overrides(settings.seeds / extract.ALIASES_FILE)
    annotator = runner.open_annotator(settings)
    phase = Phase(f"annotate ({annotator.name})", documents=docs.num_rows, words=words)
    try:
        with measured(phase):
            for start in range(0, docs.num_rows, settings.batch_files):  # the flow's batches
                part = slices.split_inputs(docs.slice(start, settings.batch_files), sents, paras, 10**9)[0]
                annotator.annotate(*part, overrides)
            annotator.close()  # workers exit inside the phase, so their CPU time is counted
    finally:
        annotator.close()
    return phase


def bare_spacy(texts: list[str], n_process: int, batch_size: int) -> Phase:
    """`nlp.pipe` alone over `texts`, with the components extraction runs (model load not timed)."""
    from parallax import runner
    from parallax.settings import get_settings

    nlp = runner.load_pipeline(get_settings())
    phase = Phase("bare spaCy", documents=len(texts), words=count_words(texts))
    with measured(phase):
        for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass
    phase.summary = {"components": [p for p in nlp.pipe_names]}
    return phase


def new_articles(pool: list[Article], base: list[Article], count: int) -> list[Article]:
    """`count` articles unseen by the first run: held-out corpus articles, else mixed copies."""
    out = pool[:count]
    i = 0
    while len(out) < count and base:
        a, b = base[i % len(base)], base[(i * 7919 + 13) % len(base)]
        out.append(mixed_copy(a, b, copy=100_000 + i))
        i += 1
    return out


def rusage_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------
def bench(args: argparse.Namespace) -> dict[str, Any]:
    base = load_reuters(args.n)
    articles = list(replay(base, args.replay, args.mode)) if args.replay > 1 else base
    if args.new:
        # the corpus's last articles: the same night whatever the archive's size
        extra = load_reuters()[-args.new :]
        if {a.key for a in extra} & {a.key for a in base}:
            raise SystemExit(f"--new {args.new}: the corpus's last articles are in the first --n {args.n}")
    else:
        n_new = max(1, math.ceil(len(articles) / 100))
        held_out = load_reuters(args.n + n_new)[len(base) :]
        extra = new_articles(held_out, base, n_new)

    os.environ["PARALLAX_N_PROCESS"] = str(args.n_process)
    os.environ["PARALLAX_NLP_BATCH_SIZE"] = str(args.batch_size)
    os.environ["PARALLAX_RUNNER"] = args.runner
    if args.dask_address:
        os.environ["PARALLAX_DASK_ADDRESS"] = args.dask_address
    from parallax.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="parallax-bench-"))
    if root.exists() and args.keep:
        shutil.rmtree(root)
    inp, out = root / "input", root / "out" / "parallax.duckdb"
    t0 = time.perf_counter()
    write_articles(articles, inp)
    write_s = time.perf_counter() - t0
    print(
        f"wrote {len(articles)} articles ({count_words(a.body for a in articles)} words) "
        f"to {inp} in {write_s:.1f} s",
        file=sys.stderr,
    )

    startup = prefect_startup()
    print(f"Prefect start-up {startup:.1f} s", file=sys.stderr)
    full = run_flow(inp, out, "full run")
    texts = canonical_texts(out, str(full.summary["run_id"]), settings.max_nlp_chars)
    full.words = count_words(texts)
    print(f"full run {full.seconds:.1f} s", file=sys.stderr)
    nochange = run_flow(inp, out, "no-change run")
    print(f"no-change run {nochange.seconds:.1f} s", file=sys.stderr)
    write_articles(extra, inp)
    one_pct = run_flow(inp, out, "1% new run")
    print(f"1% new run {one_pct.seconds:.1f} s", file=sys.stderr)

    bare = bare_spacy(texts, args.n_process, args.batch_size) if not args.skip_bare else Phase("bare spaCy")
    if not args.skip_bare:
        print(f"bare spaCy {bare.seconds:.1f} s", file=sys.stderr)
    ann = Phase("annotate")
    if not args.skip_bare:
        ann = annotate_only(out, str(full.summary["run_id"]), full.words)
        print(f"{ann.name} {ann.seconds:.1f} s", file=sys.stderr)

    # the ratio compares the same canonical texts: bare time over end-to-end time
    e2e_canonical_wps = full.words / full.seconds if full.seconds else 0.0
    ratio = (bare.seconds / full.seconds) if (full.seconds and bare.seconds) else None
    cpu_ratio = (bare.cpu_seconds / full.cpu_seconds) if (full.cpu_seconds and bare.cpu_seconds) else None
    self_max, kids_max = rusage_mb()
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "args": vars(args),
        "articles": len(articles),
        "canonical_documents": len(texts),
        "canonical_words": full.words,
        "prefect_startup_s": round(startup, 2),
        "phases": {p.name: _phase_dict(p) for p in (full, nochange, one_pct, bare, ann)},
        "ratio_annotate_to_bare": (
            round(bare.seconds / ann.seconds, 3) if ann.seconds and bare.seconds else None
        ),
        "ratio_cpu_bare_to_annotate": (
            round(bare.cpu_seconds / ann.cpu_seconds, 3) if ann.cpu_seconds and bare.cpu_seconds else None
        ),
        "end_to_end_docs_per_s": round(full.docs_per_s, 2),
        "end_to_end_canonical_words_per_s": round(e2e_canonical_wps, 1),
        "bare_docs_per_s": round(bare.docs_per_s, 2),
        "bare_words_per_s": round(bare.words_per_s, 1),
        "ratio_end_to_end_to_bare": round(ratio, 3) if ratio is not None else None,
        "ratio_cpu_bare_to_end_to_end": round(cpu_ratio, 3) if cpu_ratio is not None else None,
        "load_average": os.getloadavg(),
        "one_percent_cost_vs_full": round(one_pct.seconds / full.seconds, 4) if full.seconds else None,
        "rusage_max_rss_mb": {"self": round(self_max, 1), "largest_child": round(kids_max, 1)},
        "step_seconds_full": full.summary.get("step_seconds", {}),
        "step_seconds_no_change": nochange.summary.get("step_seconds", {}),
        "step_seconds_one_percent": one_pct.summary.get("step_seconds", {}),
        "extract_parts_full": full.summary.get("extract_parts", {}),
    }
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return result


def _phase_dict(p: Phase) -> dict[str, Any]:
    d = asdict(p)
    d.pop("summary")
    d["docs_per_s"] = round(p.docs_per_s, 2)
    d["words_per_s"] = round(p.words_per_s, 1)
    for k in ("seconds", "cpu_seconds", "peak_rss_mb", "peak_rss_with_workers_mb"):
        d[k] = round(d[k], 2)
    return d


def print_table(r: dict[str, Any], echo: Callable[[str], None] = print) -> None:
    m = r["machine"]
    echo(f"machine: {m['cpus']} cores, {m['memory_gb']} GB, Python {m['python']}")
    a = r["args"]
    echo(
        f"corpus: {r['articles']} articles (Reuters n={a['n']}, replay={a['replay']} {a['mode']}), "
        f"{r['canonical_documents']} canonical, {r['canonical_words']} words; "
        f"runner={a['runner']} n_process={a['n_process']} batch_size={a['batch_size']}"
    )
    echo(f"Prefect start-up (not in the figures below): {r['prefect_startup_s']:.1f} s")
    echo("")
    head = f"{'phase':<16}{'seconds':>9}{'CPU s':>9}{'docs':>8}{'docs/s':>9}{'words/s':>9}"
    echo(head + f"{'RSS MB':>9}{'+workers':>10}")
    for name, p in r["phases"].items():
        echo(
            f"{name:<16}{p['seconds']:>9.1f}{p['cpu_seconds']:>9.1f}{p['documents']:>8}{p['docs_per_s']:>9.1f}"
            f"{p['words_per_s']:>9.0f}{p['peak_rss_mb']:>9.0f}{p['peak_rss_with_workers_mb']:>10.0f}"
        )
    echo("")
    echo(
        f"end to end over the canonical texts: {r['end_to_end_canonical_words_per_s']:.0f} words/s "
        f"vs bare spaCy {r['bare_words_per_s']:.0f} words/s"
    )
    ratio = r["ratio_end_to_end_to_bare"]
    echo(
        f"ratio end-to-end / bare spaCy: {ratio if ratio is not None else 'n/a'} (target >= 0.85); "
        f"by CPU time: {r['ratio_cpu_bare_to_end_to_end']}; load average {r['load_average'][0]:.1f}"
    )
    echo(
        f"extraction alone (annotate, same texts) vs bare spaCy: {r['ratio_annotate_to_bare']} "
        f"(by CPU time: {r['ratio_cpu_bare_to_annotate']})"
    )
    nc = r["phases"]["no-change run"]["seconds"]
    echo(f"no-change run: {nc:.1f} s (target < 10 s + Prefect start-up)")
    echo(f"1% new run: {r['one_percent_cost_vs_full'] * 100:.1f}% of the full run (target <= 3%)")
    echo(
        f"getrusage max RSS: self {r['rusage_max_rss_mb']['self']:.0f} MB, "
        f"largest finished child {r['rusage_max_rss_mb']['largest_child']:.0f} MB (target < 2048 MB)"
    )
    parts = ", ".join(f"{k} {v:.1f}" for k, v in r["extract_parts_full"].items())
    echo(f"full run extract parts: {parts}")
    for key in ("step_seconds_full", "step_seconds_no_change", "step_seconds_one_percent"):
        steps = r[key]
        listed = ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
        echo(f"{key.removeprefix('step_seconds_')} steps: {listed}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=3000, help="Reuters articles (with a body) to use.")
    p.add_argument("--replay", type=int, default=1, help="Copies of each article (>1: edited replays).")
    p.add_argument(
        "--mode", choices=("mix", "near"), default="mix", help="Replay edit: new documents or near-copies."
    )
    p.add_argument("--n-process", type=int, default=os.cpu_count() or 1, help="NLP worker processes.")
    p.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size.")
    p.add_argument("--runner", choices=("local", "dask"), default="local")
    p.add_argument("--dask-address", default=None, help="tcp://host:port of a Dask scheduler.")
    p.add_argument("--skip-bare", action="store_true", help="Do not time bare spaCy or annotation alone.")
    p.add_argument("--new", type=int, default=0, help="New night = the corpus's last N articles (else 1%%).")
    p.add_argument("--json", default=None, help="Write the figures to this file.")
    p.add_argument("--keep", default=None, help="Build in this folder and keep it (else a temp dir).")
    args = p.parse_args(argv)
    result = bench(args)
    print_table(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
