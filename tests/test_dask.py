"""Extraction off the flow process: slicing, the local worker pool, and the flow on a Dask cluster.

The flow test starts a real two-worker `distributed.LocalCluster` (separate processes), runs
the nightly flow with `runner=dask` and again locally into another database, and compares the
content of every table and view (run ids, timestamps and run-derived batch ids left out).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from parallax import db, extract, runner, slices
from parallax.entities import load_overrides
from parallax.fast_attributes import STANDS_FOR
from parallax.nlp import PARAGRAPH_BREAKS
from parallax.settings import REPO_ROOT, Settings, get_settings

SAMPLES = REPO_ROOT / "seeds" / "articles"

# Short articles written for this test (two outlets, one near-copy across outlets).
EXTRA = {
    "wire/port-strike.txt": (
        "Port strike enters third day\n\n"
        "Dock workers in Rotterdam extended their strike on Wednesday, halting about 40 percent of "
        'container traffic, the port authority said. "We will not return until the contract is '
        'signed," union leader Marta Visser told reporters outside the terminal.\n\n'
        "Shipping group Maersk said it had diverted six vessels to Antwerp and Hamburg."
    ),
    "daily/port-strike.txt": (
        "Rotterdam dock strike goes on\n\n"
        "Dock workers in Rotterdam extended their strike on Wednesday, halting about 40 percent of "
        'container traffic, the port authority said. "We will not return until the contract is '
        'signed," union leader Marta Visser told reporters outside the terminal.\n\n'
        "Shipping group Maersk said it had diverted seven vessels to Antwerp and Hamburg."
    ),
    "daily/rates.txt": (
        "Central bank holds rates\n\n"
        "The Bank of Canada kept its key interest rate at 4.5 percent on Thursday. Governor Tiff "
        "Macklem said inflation was easing but remained above the 2 percent target, and warned that "
        "housing costs in Toronto and Vancouver were still rising.\n\n"
        "Economists at the Royal Bank of Canada had expected the pause."
    ),
}


def write_input(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for f in sorted(SAMPLES.iterdir()):
        shutil.copy(f, root / f.name)
    for rel, text in EXTRA.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return root


# Columns whose values depend on the run (its id, its clock), not on the data.
RUN_DERIVED = {"run_id", "batch_id"}
PER_RUN_TABLES = {"audit.runs", "audit.validation_results", "audit.validation_runs"}


def content_digest(path: Path) -> dict[str, tuple[int, str]]:
    """(row count, order-independent hash) of every table and view, run-derived columns left out."""
    con = db.connect(path, read_only=True)
    try:
        out: dict[str, tuple[int, str]] = {}
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw','staging','intermediate','marts','audit') order by 1, 2"
        ).fetchall()
        for schema, table in names:
            name = f"{schema}.{table}"
            if name in PER_RUN_TABLES or (schema == "audit" and table.startswith("story_snapshots")):
                continue
            cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            keep = [
                c
                for c, typ in cols
                if c not in RUN_DERIVED
                and not c.endswith("_run_id")
                and not c.endswith("_at")
                and "TIMESTAMP" not in typ.upper()
            ]
            rows = con.execute(f"select {', '.join(keep)} from {name}").fetchall()
            digest = hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest()
            out[name] = (len(rows), digest)
        return out
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# unit tests (no flow)
# --------------------------------------------------------------------------------------------
def test_slice_size_stays_within_one_to_eight_nlp_batches() -> None:
    assert slices.slice_size(10, 2, 64) == 64
    assert slices.slice_size(2000, 2, 64) == 250
    assert slices.slice_size(100_000, 2, 64) == 512
    assert slices.slice_size(0, 2, 64) == 64


def test_worker_count_uses_every_core_when_not_positive() -> None:
    assert slices.worker_count(Settings(n_process=3)) == 3
    assert slices.worker_count(Settings(n_process=0)) >= 1
    assert slices.worker_count(Settings(n_process=-1)) == slices.worker_count(Settings(n_process=0))


def test_unknown_runner_is_refused() -> None:
    with pytest.raises(ValueError, match="runner"):
        runner.open_annotator(Settings(runner="spark"))


def _docs() -> pa.Table:
    texts = [(rel, text.split("\n\n", 1)) for rel, text in EXTRA.items()]
    return pa.table(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "title": [t[0] for _, t in texts],
            "body": [t[1] for _, t in texts],
        }
    )


def _sentences(docs: pa.Table) -> pa.Table:
    """One sentence row per paragraph (enough to exercise the per-slice row filtering)."""
    rows: dict[str, list] = {"doc_id": [], "sentence_index": [], "start_char": [], "end_char": []}
    for doc_id, body in zip(docs.column("doc_id").to_pylist(), docs.column("body").to_pylist(), strict=True):
        start = 0
        for i, para in enumerate(body.split("\n\n")):
            rows["doc_id"].append(doc_id)
            rows["sentence_index"].append(i)
            rows["start_char"].append(start)
            rows["end_char"].append(start + len(para))
            start += len(para) + 2
    return pa.table(rows)


def test_split_inputs_gives_each_slice_its_own_rows() -> None:
    docs = _docs()
    sents = _sentences(docs)
    parts = slices.split_inputs(docs, sents, None, 2)
    assert [p[0].num_rows for p in parts] == [2, 1]
    for d, s, p in parts:
        assert p is None
        assert s is not None
        assert set(s.column("doc_id").to_pylist()) == set(d.column("doc_id").to_pylist())
    assert sum(p[1].num_rows for p in parts if p[1] is not None) == sents.num_rows


def test_sliced_annotation_equals_one_call(nlp: Any) -> None:
    settings = Settings(n_process=1)
    overrides = load_overrides(settings.seeds / extract.ALIASES_FILE)
    docs = _docs()
    sents = _sentences(docs)
    whole = extract.annotate(docs, nlp, settings, sents, None, overrides=overrides)
    parts = [
        extract.annotate(d, nlp, settings, s, p, overrides=overrides)
        for d, s, p in slices.split_inputs(docs, sents, None, 1)
    ]
    merged = slices.merge_annotations(parts)
    assert whole.mentions.num_rows > 5
    assert merged.mentions.equals(whole.mentions)
    assert merged.facts.equals(whole.facts)
    assert merged.attributions.equals(whole.attributions)
    empty = slices.merge_annotations([])
    assert empty.mentions.schema == extract.MENTION_SCHEMA and empty.mentions.num_rows == 0


def test_pool_annotator_matches_in_process(nlp: Any) -> None:
    settings = Settings(n_process=2, nlp_batch_size=1)
    overrides = load_overrides(settings.seeds / extract.ALIASES_FILE)
    docs = _docs()
    sents = _sentences(docs)
    local = runner.InProcessAnnotator(settings, nlp).annotate(docs, sents, None, overrides)
    pool = runner.PoolAnnotator(settings, 2)
    try:
        pooled = pool.annotate(docs, sents, None, overrides)
    finally:
        pool.close()
    assert local.mentions.num_rows > 5
    assert pooled.mentions.equals(local.mentions)
    assert pooled.facts.equals(local.facts)
    assert pooled.attributions.equals(local.attributions)


# --------------------------------------------------------------------------------------------
# the flow on a two-worker Dask cluster vs locally
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


@pytest.mark.integration
def test_flow_on_dask_cluster_gives_the_same_tables_as_local(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None, cluster: object
) -> None:
    import threading

    import distributed

    from flows.nightly import nightly, progress_callback

    inp = write_input(tmp_path / "input")
    monkeypatch.setenv("PARALLAX_INPUT_DIR", str(inp))

    monkeypatch.setenv("PARALLAX_RUNNER", "dask")
    monkeypatch.setenv("PARALLAX_DASK_ADDRESS", cluster.scheduler_address)  # type: ignore[attr-defined]
    get_settings.cache_clear()
    # like the CLI's progress bar: a callback holding a lock (which Dask must never be asked to pickle)
    lock, seen = threading.RLock(), []

    def on_progress(step: str, done: int, total: int) -> None:
        with lock:
            seen.append(done)

    with progress_callback(on_progress):
        on_dask = nightly(input_dir=str(inp), db_path=str(tmp_path / "dask" / "p.duckdb"))
    assert seen and seen[-1] == 6

    monkeypatch.setenv("PARALLAX_RUNNER", "local")
    monkeypatch.setenv("PARALLAX_N_PROCESS", "1")
    monkeypatch.delenv("PARALLAX_DASK_ADDRESS")
    get_settings.cache_clear()
    try:
        local = nightly(input_dir=str(inp), db_path=str(tmp_path / "local" / "p.duckdb"))
    finally:
        get_settings.cache_clear()

    assert on_dask["status"] == local["status"] == "success"
    assert on_dask["documents_new"] == local["documents_new"] == 6
    assert on_dask["mentions_new"] == local["mentions_new"]
    assert int(str(local["mentions_new"])) > 20

    # the annotation really ran on the cluster's worker processes (each loads its model there)
    with distributed.Client(cluster.scheduler_address) as client:  # type: ignore[attr-defined]
        loaded = client.run(lambda: len(__import__("parallax.worker").worker._WORKER_MODELS))
    assert sum(loaded.values()) >= 1

    a = content_digest(tmp_path / "dask" / "p.duckdb")
    b = content_digest(tmp_path / "local" / "p.duckdb")
    assert set(a) == set(b)
    assert "intermediate.int_mentions" in a and a["intermediate.int_mentions"][0] > 20
    differing = {name: (a[name], b[name]) for name in a if a[name] != b[name]}
    assert differing == {}


def test_pipeline_identity_without_loading_matches_the_loaded_model(nlp: Any) -> None:
    from parallax.nlp import model_identity

    assert runner.pipeline_identity(Settings()) == model_identity(nlp)


def test_only_needed_components_run(nlp: Any) -> None:
    pipeline = runner.load_pipeline(Settings(), ["tok2vec", "ner"])
    assert pipeline.pipe_names == ["tok2vec", "ner"]
    full = runner.load_pipeline(Settings())
    # the attribute ruler and lemmatizer run as their compiled stand-ins (`parallax.fast_attributes`)
    # (and the paragraph breaks run before the parser: `parallax.nlp.add_paragraph_breaks`)
    steps = {STANDS_FOR.get(p, p) for p in full.pipe_names} - {PARAGRAPH_BREAKS}
    assert steps == set(runner.nlp_components())
    assert "parser" in full.pipe_names  # attributions need the dependency parse


@pytest.mark.integration
def test_warmed_pool_over_several_batches_gives_the_same_tables_as_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """Batches of 2 documents on a pool warmed before the first batch (start/finish extraction per
    batch, the near-copy mapped across batches): the tables equal an in-process run's. Batches are
    pipelined: batch i+1 is cleaned, deduplicated and handed to the workers before batch i is
    written, and batches are written in order."""
    import flows.nightly as nightly_mod
    from flows.nightly import nightly

    events: list[tuple[str, tuple[str, ...]]] = []
    start, finish = nightly_mod._start_documents, nightly_mod._finish_documents

    def logged_start(ctx: Any, summary: Any, timed: Any, doc_ids: list[str]) -> Any:
        batch = start(ctx, summary, timed, doc_ids)
        events.append(("start", tuple(batch.cleaned)))
        return batch

    def logged_finish(ctx: Any, summary: Any, timed: Any, batch: Any) -> None:
        if batch is not None:
            events.append(("finish", tuple(batch.cleaned)))
        finish(ctx, summary, timed, batch)

    monkeypatch.setattr(nightly_mod, "_start_documents", logged_start)
    monkeypatch.setattr(nightly_mod, "_finish_documents", logged_finish)
    inp = write_input(tmp_path / "input")
    monkeypatch.setenv("PARALLAX_BATCH_DOCS", "2")
    monkeypatch.setenv("PARALLAX_NLP_BATCH_SIZE", "1")  # small batches still go to the pool
    results = {}
    for name, workers in (("pool", "2"), ("local", "1")):
        monkeypatch.setenv("PARALLAX_N_PROCESS", workers)
        get_settings.cache_clear()
        try:
            results[name] = nightly(input_dir=str(inp), db_path=str(tmp_path / name / "p.duckdb"))
        finally:
            get_settings.cache_clear()
    assert results["pool"]["status"] == results["local"]["status"] == "success"
    assert results["pool"]["documents_new"] == 6
    pool_events = events[: len(events) // 2]  # the pool run's, then the local run's
    batches = [b for kind, b in pool_events if kind == "start"]
    assert len(batches) == 3
    # start 1, start 2, finish 1, start 3, finish 2, finish 3
    assert pool_events == [
        ("start", batches[0]),
        ("start", batches[1]),
        ("finish", batches[0]),
        ("start", batches[2]),
        ("finish", batches[1]),
        ("finish", batches[2]),
    ]
    assert results["pool"]["duplicates_new"] == results["local"]["duplicates_new"] == 1
    a = content_digest(tmp_path / "pool" / "p.duckdb")
    b = content_digest(tmp_path / "local" / "p.duckdb")
    assert a["intermediate.int_mentions"][0] > 20
    differing = {name: (a[name], b[name]) for name in a if a[name] != b[name]}
    assert differing == {}
