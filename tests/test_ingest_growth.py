"""Ingest of files that grow, change, vanish or hold bad records: nothing published is lost,
nothing unchanged is processed again, one bad record never costs its neighbours."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from parallax import db, quarantine
from parallax.ingest import IngestResult, ingest_files, iter_records, record_quarantined, scan_inputs
from parallax.jsonstream import iter_json_list
from parallax.settings import Settings


def feed_line(i: int) -> str:
    return json.dumps(
        {
            "title": f"Ferry timetable {i}",
            "text": f"The ferry company changed timetable number {i} on Monday "
            "after the winter storms closed two piers along the coast.",
        }
    )


def ingest(con: duckdb.DuckDBPyConnection, settings: Settings, inp: Path, run_id: str) -> IngestResult:
    """One run's ingest of the files whose (path, sha256) is new, as the flow selects them."""
    files = scan_inputs(inp, settings).files
    seen = set(con.execute("select path, sha256 from audit.ingested_files").fetchall())
    keep = [
        (p, s) not in seen
        for p, s in zip(files["path"].to_pylist(), files["sha256"].to_pylist(), strict=True)
    ]
    return ingest_files(con, run_id, inp, files.filter(pa.array(keep, pa.bool_())), settings)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '[{"a": 1}, 2, "x", null, [1, [2]], {"b": {"c": [3, "]"]}}]',
        ' \n[ {"text": "a, b ] c"} ,\n{"text": "\\" ] {"}\n ] \n',
    ],
)
def test_streamed_json_list_matches_json_loads(text: str) -> None:
    start = text.index("[")
    assert [v for _, v, err in iter_json_list(text, start) if err is None] == json.loads(text)
    assert [i for i, _, _ in iter_json_list(text, start)] == list(range(len(json.loads(text))))


def test_bad_json_element_is_rejected_alone_and_later_ones_keep_their_index() -> None:
    text = '[{"text": "one"}, {"text": "two",}, {"text": [1, {"x": "}"}]}, {"text": "four"}, {"text": '
    got = list(iter_json_list(text, 0))
    assert [(i, err is None) for i, _, err in got] == [
        (0, True),
        (1, False),
        (2, True),
        (3, True),
        (4, False),
    ]
    assert got[3][1] == {"text": "four"}
    assert "invalid JSON" in (got[1][2] or "")


def test_json_and_csv_records_are_rejected_one_by_one(settings: Settings) -> None:
    body = "A council vote on the new harbour wall was delayed until the spring."
    items = [
        {"title": "A", "text": body},
        {
            "title": "B",
            "text": body + " Again.",
        },
        7,
        {"source": "C"},
    ]
    data = json.dumps(items).replace('"B",', '"B",,')  # one element that is not valid JSON
    _, records = iter_records(data.encode(), "json", settings)
    got = [(r.index, r.reason) for r in records]
    assert got == [(0, None), (1, "unparseable"), (2, "unparseable"), (3, "no_text")]

    huge = "y" * 140_000  # over the CSV field limit (max(max_record_chars + 1, 131072))
    rows = f'title,text\nFirst,"{body}"\nSecond,"{huge}"\nThird,"{body} Third."\n'
    small = settings.model_copy(update={"max_record_chars": 1000})
    _, records = iter_records(rows.encode(), "csv", small)
    got = [(r.index, r.reason, r.title) for r in records]
    assert got == [(0, None, "First"), (1, "too_large", None), (2, None, "Third")]


def test_appended_feed_writes_only_the_new_record_and_rollback_keeps_earlier(
    con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    feed = inp / "feed.jsonl"
    feed.write_text("\n".join(feed_line(i) for i in range(3)) + "\n")
    first = ingest(con, settings, inp, "r1")
    assert len(first.doc_ids) == 3
    before = con.execute("select doc_id, run_id, ingested_at from raw.documents order by doc_id").fetchall()

    with feed.open("a") as fh:
        fh.write(feed_line(3) + "\n")
    second = ingest(con, settings, inp, "r2")
    assert second.counts["documents_unchanged"] == 3
    assert len(second.doc_ids) == 1  # only the appended record goes on to clean and extract
    rows = con.execute("select doc_id, run_id, ingested_at from raw.documents order by doc_id").fetchall()
    assert [r for r in rows if r[1] == "r1"] == before  # neither rewritten nor restamped
    assert [r[0] for r in rows if r[1] == "r2"] == second.doc_ids

    db.rollback_run(con, "r2")  # the night that read the longer feed fails
    assert (
        con.execute("select doc_id, run_id, ingested_at from raw.documents order by doc_id").fetchall()
        == before
    )
    feed.unlink()  # the drop folder rotates the file away
    assert ingest(con, settings, inp, "r3").doc_ids == []
    assert con.execute("select count(*) from raw.documents").fetchone() == (3,)


def test_recorded_sha_is_that_of_the_bytes_read(
    con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    f = inp / "note.txt"
    f.write_text("Old title\n\nThe first version of the note, long enough to be an article body.\n")
    files = scan_inputs(inp, settings).files
    f.write_text("New title\n\nThe second version of the note, written after the scan hashed the first.\n")
    ingest_files(con, "r1", inp, files, settings)
    recorded = con.execute("select sha256 from audit.ingested_files").fetchall()
    assert recorded == [(hashlib.sha256(f.read_bytes()).hexdigest(),)]
    assert recorded != [(files["sha256"][0].as_py(),)]
    file_sha, text = con.execute("select file_sha256, text from raw.documents").fetchone() or ("", "")
    assert file_sha == recorded[0][0] and "second version" in text


def test_file_modified_within_the_settle_time_waits(
    con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    f = inp / "fresh.txt"
    f.write_text("Fresh\n\nA file dropped into the folder just before the run starts.\n")
    patient = settings.model_copy(update={"settle_seconds": 1.5})
    t0 = time.monotonic()
    result = ingest(con, patient, inp, "r1")  # stable: read in this run, after it settled
    assert len(result.doc_ids) == 1 and not result.deferred
    assert time.monotonic() - t0 >= 1.0

    g = inp / "growing.txt"
    g.write_text("Growing\n\nA file still being copied when the run starts.\n")
    stop = threading.Event()

    def writer() -> None:  # a slow copy: appends every 0.2 s while the run waits
        while not stop.is_set():
            with g.open("a") as fh:
                fh.write("more text arriving.\n")
            time.sleep(0.2)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = ingest(con, patient, inp, "r2")
    finally:
        stop.set()
        thread.join()
    assert [(p, reason, fail) for p, _, reason, _, fail in result.deferred] == [
        ("growing.txt", "settling", False)
    ]
    assert con.execute("select count(*) from audit.ingested_files where path = 'growing.txt'").fetchone() == (
        0,
    )
    old = time.time() - 120
    os.utime(g, (old, old))
    assert len(ingest(con, patient, inp, "r3").doc_ids) == 1


def test_a_file_whose_runs_keep_failing_is_quarantined_and_the_count_survives_rollback(
    con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a_killer.json").write_text(json.dumps([json.loads(feed_line(i)) for i in range(3)]))
    (inp / "b_fine.txt").write_text("Fine\n\nA neighbour of the file that kills the run, itself harmless.\n")
    files = scan_inputs(inp, settings).files
    con.execute("insert into audit.runs (run_id, started_at, status) values ('r1', now(), 'running')")

    quarantine.begin(con, "r1", files)  # r1 dies inside this batch
    db.rollback_run(con, "r1")  # what the next run's recovery does
    assert quarantine.count_crashes(con, "r2") == 2  # both files were in the batch
    held, to_read = quarantine.split(con, files, settings.max_file_failures)
    assert (held.num_rows, to_read["failures"].to_pylist()) == (0, [1, 1])
    suspects = quarantine.batches(to_read, 100)
    assert [b["path"].to_pylist() for b in suspects] == [["a_killer.json"], ["b_fine.txt"]]

    quarantine.begin(con, "r2", suspects[0])  # r2 runs suspects one by one and dies on the first
    db.rollback_run(con, "r2")
    assert quarantine.count_crashes(con, "r3") == 1
    held, to_read = quarantine.split(con, files, settings.max_file_failures)
    assert held["path"].to_pylist() == ["a_killer.json"]
    assert "quarantined after 2 failed runs" in held["detail"][0].as_py()
    assert to_read["path"].to_pylist() == ["b_fine.txt"]
    record_quarantined(con, "r3", held)
    quarantine.begin(con, "r3", to_read)
    ingest_files(con, "r3", inp, to_read, settings)
    quarantine.end(con, "r3")
    assert con.execute("select path, reason from audit.rejected_files").fetchall() == [
        ("a_killer.json", "quarantined")
    ]
    assert con.execute("select path, status from audit.ingested_files order by path").fetchall() == [
        ("a_killer.json", "rejected"),
        ("b_fine.txt", "loaded"),
    ]
    # the fine file's batch completed: its row is gone; the killer's count stays for the operator
    assert con.execute("select path, failures from audit.file_failures").fetchall() == [("a_killer.json", 2)]


def test_batches_keep_order_and_isolate_files_that_failed_before() -> None:
    files = pa.table({"path": list("abcdefg"), "failures": [0, 0, 1, 0, 0, 0, 2]})
    got = [b["path"].to_pylist() for b in quarantine.batches(files, 2)]
    assert got == [["a", "b"], ["c"], ["d", "e"], ["f"], ["g"]]
    assert [b["path"].to_pylist() for b in quarantine.batches(files.slice(0, 0), 2)] == []
