"""Ingest: every format loads; every bad input ends as a rejected row with the right reason."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import corpus

from parallax.ingest import ingest_files, parse_datetime, record_scan_rejections, scan_inputs
from parallax.settings import Settings
from parallax.stage import StageResult
from parallax.textnorm import DecodeError, decode_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def run_ingest(
    con: duckdb.DuckDBPyConnection, settings: Settings, input_dir: Path, run_id: str = "r1"
) -> StageResult:
    scan = scan_inputs(input_dir, settings)
    record_scan_rejections(con, run_id, scan.rejected)
    return ingest_files(con, run_id, input_dir, scan.files, settings)


def docs_by_path(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int | None], dict]:
    rows = con.sql("select * from raw.documents order by path, record").to_arrow_table().to_pylist()
    return {(r["path"], r["record"]): r for r in rows}


def rejections(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int | None], tuple[str, str]]:
    rows = con.execute("select path, record, reason, detail from audit.rejected_files").fetchall()
    return {(p, rec): (reason, detail) for p, rec, reason, detail in rows}


@pytest.fixture
def good_input(tmp_path: Path) -> Path:
    dest = tmp_path / "input"
    shutil.copytree(FIXTURES, dest)
    return dest


def test_each_format_loads(con, settings, good_input):
    result = run_ingest(con, settings, good_input)
    docs = docs_by_path(con)
    assert set(docs) == {
        ("article.txt", None),
        ("notes.md", None),
        ("page.html", None),
        ("one.json", None),
        ("many.json", 0),
        ("many.json", 1),
        ("feed.jsonl", 0),
        ("feed.jsonl", 1),
        ("table.csv", 0),
        ("table.csv", 1),
    }
    assert sorted(result.doc_ids) == sorted(d["doc_id"] for d in docs.values())
    formats = {p: d["format"] for (p, _), d in docs.items()}
    assert formats == {
        "article.txt": "text",
        "notes.md": "markdown",
        "page.html": "html",
        "one.json": "json",
        "many.json": "json",
        "feed.jsonl": "jsonl",
        "table.csv": "csv",
    }

    html = docs[("page.html", None)]
    assert "SCRIPT TEXT" not in html["text"] and "display: none" not in html["text"]
    assert "winter storm closed the mountain pass" in html["text"]
    assert html["title"] == "Storm Closes Mountain Pass"
    assert html["site_name"] == "Valley Herald" and html["source"] == "Valley Herald"
    assert html["url"] == "https://valleyherald.example/storm-pass"
    assert html["published_at"].date().isoformat() == "2024-03-05"

    one = docs[("one.json", None)]
    assert one["title"] == "Port Strike Ends After Two Weeks"
    assert one["source"] == "Coastal Times"
    assert one["published_at"] == datetime(2024, 2, 1, 9, 0, tzinfo=UTC)

    assert docs[("many.json", 0)]["source"] == "Rail Gazette"
    assert docs[("many.json", 1)]["source"] == "many"  # no metadata, no subfolder: the file stem
    assert docs[("many.json", 1)]["published_at"] == datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    assert docs[("feed.jsonl", 1)]["text"].startswith("The national museum")
    assert docs[("table.csv", 0)]["source"] == "Finance Post"
    assert docs[("table.csv", 1)]["source"] == "table"
    assert docs[("article.txt", None)]["source"] == "article"

    rej = rejections(con)
    assert rej[("many.json", 2)][0] == "no_text"
    assert rej[("feed.jsonl", 2)][0] == "unparseable"
    assert all(detail for _, detail in rej.values())

    status = dict(con.execute("select path, status from audit.ingested_files").fetchall())
    assert set(status) == {p for p, _ in docs} and set(status.values()) == {"loaded"}
    for d in docs.values():
        assert d["doc_id"] and d["file_sha256"] and d["content_sha256"] and d["run_id"] == "r1"


def test_source_from_first_level_subfolder(con, settings, tmp_path):
    src = tmp_path / "input" / "Daily Echo" / "2024"
    src.mkdir(parents=True)
    (src / "story.txt").write_text("Title line\n\nA body sentence that is long enough to be kept.\n")
    run_ingest(con, settings, tmp_path / "input")
    assert con.execute("select path, source from raw.documents").fetchall() == [
        ("Daily Echo/2024/story.txt", "Daily Echo")
    ]


def test_bad_inputs_rejected_with_reasons_while_good_files_load(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the input folder, must never be read")
    good = "Good News\n\nThe good file loads although its neighbours are broken in every way.\n"
    (inp / "good.txt").write_text(good)
    (inp / "empty.txt").write_bytes(b"")
    (inp / "blank.txt").write_bytes(b"  \r\n\n\t \n")
    (inp / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (inp / "nul.txt").write_bytes(b"hello\x00world " * 50)
    (inp / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (inp / "cp1252.txt").write_bytes(
        "Caf\u00e9 Report\n\nThe caf\u00e9 \u2013 \u201cquoted\u201d \u2013 reopened.\n".encode("cp1252")
    )
    (inp / "utf16.txt").write_bytes(
        "\ufeffUTF-16 file\n\nA body with a na\u00efve caf\u00e9 line.\n".encode("utf-16-le")
    )
    (inp / "invalid.json").write_text('{"title": "x", "text": ')
    (inp / "deep.json").write_text("[" * 2400 + "]" * 2400)
    (inp / "wrong_shape.json").write_text("42")
    (inp / "big.txt").write_text("x" * 6000)
    (inp / "longline.txt").write_text("Long Line\n\n" + "word " * 900)
    (inp / "escape.txt").symlink_to(outside)
    (inp / "alias.txt").symlink_to(inp / "good.txt")
    (inp / ".DS_Store").write_bytes(b"\x00\x01junk")
    (inp / ".git").mkdir()
    (inp / ".git" / "config").write_text("[core]")
    small = settings.model_copy(update={"max_file_bytes": 5000})

    result = run_ingest(con, small, inp)

    rej = {p: reason for (p, _), (reason, _) in rejections(con).items()}
    assert rej == {
        "empty.txt": "empty",
        "blank.txt": "empty",
        "binary.txt": "binary",
        "nul.txt": "binary",
        "photo.png": "unsupported",
        "invalid.json": "unparseable",
        "deep.json": "unparseable",
        "wrong_shape.json": "unparseable",
        "big.txt": "too_large",
        "escape.txt": "outside_input",
        "alias.txt": "unsupported",
    }
    docs = docs_by_path(con)
    assert set(p for p, _ in docs) == {"good.txt", "cp1252.txt", "utf16.txt", "longline.txt"}
    assert docs[("cp1252.txt", None)]["encoding"] == "cp1252"
    assert "caf\u00e9 \u2013 \u201cquoted\u201d" in docs[("cp1252.txt", None)]["text"]
    assert docs[("utf16.txt", None)]["encoding"].startswith("utf-16")
    assert "na\u00efve" in docs[("utf16.txt", None)]["text"]
    assert all("outside the input folder, must never" not in d["text"] for d in docs.values())
    # Every visible input ends as a document or a rejected row; hidden files leave no trace.
    visible = {p.name for p in inp.iterdir() if not p.name.startswith(".")}
    assert visible == set(rej) | {p for p, _ in docs}
    assert result.counts["files_loaded"] == 4


def test_unreadable_file_is_rejected(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    locked = inp / "locked.txt"
    locked.write_text("Locked\n\nThis file cannot be read by the pipeline user.\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: a chmod 000 file is still readable, cannot simulate")
        run_ingest(con, settings, inp)
        assert [r[0] for r in rejections(con).values()] == ["unreadable"]
    finally:
        locked.chmod(0o644)


def test_file_vanishing_fifo_and_symlinked_folder(con, settings, tmp_path):
    """Root-independent unreadable case: a file that disappears between scan and read."""
    inp = tmp_path / "input"
    inp.mkdir()
    (inp / "gone.txt").write_text("Gone\n\nThis file is deleted after the scan and before the read.\n")
    os.mkfifo(inp / "pipe.txt")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.txt").write_text("never read")
    (inp / "linked").symlink_to(outside, target_is_directory=True)
    with open(os.path.join(os.fsencode(inp), b"latin1-\xe9.txt"), "wb") as fh:
        fh.write(b"A file whose name is not UTF-8, with enough text to be an article.")
    scan = scan_inputs(inp, settings)
    record_scan_rejections(con, "r1", scan.rejected)
    (inp / "gone.txt").unlink()
    result = ingest_files(con, "r1", inp, scan.files, settings)
    # A file that vanished between scan and read is not an ingested rejection: it is left for the
    # next run (a drop folder may move it back), with no audit row that would make it skipped.
    assert [(p, reason) for p, _, reason, _, _ in result.deferred] == [("gone.txt", "vanished")]
    assert con.execute("select count(*) from audit.ingested_files where path = 'gone.txt'").fetchone() == (0,)
    assert {p: reason for (p, _), (reason, _) in rejections(con).items()} == {
        "pipe.txt": "unsupported",
        "linked": "outside_input",
        "latin1-\\xe9.txt": "unsupported",
    }
    assert con.execute("select count(*) from raw.documents").fetchone() == (0,)


def test_a_rejection_seen_again_keeps_the_run_that_recorded_it(con, settings, tmp_path: Path) -> None:
    from parallax.db import rollback_run

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "empty.txt").write_text("")
    (inp / "ok.txt").write_text("Title\n\nA body long enough to be kept as an article by the ingest step.\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (inp / "linked").symlink_to(outside, target_is_directory=True)
    run_ingest(con, settings, inp, run_id="r1")
    stamped = "select path, reason, run_id, rejected_at from audit.rejected_files order by path"
    first = con.execute(stamped).fetchall()
    assert {(p, r, run) for p, r, run, _ in first} == {
        ("empty.txt", "empty", "r1"),
        ("linked", "outside_input", "r1"),
    }

    run_ingest(con, settings, inp, run_id="r2")
    assert con.execute(stamped).fetchall() == first  # nothing rewritten
    rollback_run(con, "r2")
    assert con.execute(stamped).fetchall() == first  # undoing r2 keeps r1's record

    (inp / "empty.txt").write_bytes(b"\x00\x01\x02" * 50)  # same path, new content: a new rejection
    run_ingest(con, settings, inp, run_id="r3")
    assert ("empty.txt", "r3") in {(p, run) for p, _, run, _ in con.execute(stamped).fetchall()}


def test_ingest_is_idempotent_and_a_changed_file_is_a_new_version(con, settings, good_input):
    run_ingest(con, settings, good_input)
    cols = "doc_id, path, record, source, file_sha256, content_sha256, format, encoding, title, text, url"
    first = con.sql(f"select {cols} from raw.documents order by doc_id").fetchall()
    rej_first = con.sql(
        "select path, sha256, record, reason from audit.rejected_files order by all"
    ).fetchall()
    run_ingest(con, settings, good_input)
    assert con.sql(f"select {cols} from raw.documents order by doc_id").fetchall() == first
    assert (
        con.sql("select path, sha256, record, reason from audit.rejected_files order by all").fetchall()
        == rej_first
    )

    (good_input / "article.txt").write_text(
        "Harbour Bridge Closes Again\n\nThe bridge closed again on Tuesday.\n"
    )
    scan = scan_inputs(good_input, settings)
    seen = set(con.execute("select path, sha256 from audit.ingested_files").fetchall())
    new = scan.files.filter(
        [
            (p, h) not in seen
            for p, h in zip(*scan.files.select(["path", "sha256"]).to_pydict().values(), strict=True)
        ]
    )
    assert new.column("path").to_pylist() == ["article.txt"]
    result = ingest_files(con, "r2", good_input, new, settings)
    assert len(result.doc_ids) == 1
    versions = con.execute("select count(*) from raw.documents where path = 'article.txt'").fetchone()
    assert versions == (2,)


def test_json_object_holding_a_list_and_headerless_csv(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    items = [
        {"title": f"Item {i}", "text": f"Body number {i} of the wrapped feed, long enough."} for i in range(3)
    ]
    (inp / "wrapped.json").write_text(json.dumps({"feed": "x", "articles": items}))
    (inp / "agnews.csv").write_text(
        '"3","Fears for T N pension after talks","Unions representing workers at Turner Newall say they are '
        "'disappointed' after talks.\"\n"
        '"4","Second Private Team Sets Launch Date","A second team of rocketeers announced a launch date."\n'
    )
    run_ingest(con, settings, inp)
    docs = docs_by_path(con)
    assert [k for k in docs if k[0] == "wrapped.json"] == [
        ("wrapped.json", 0),
        ("wrapped.json", 1),
        ("wrapped.json", 2),
    ]
    assert docs[("agnews.csv", 0)]["title"] == "Fears for T N pension after talks"
    assert docs[("agnews.csv", 1)]["text"].startswith("A second team")


def test_decode_bytes_order():
    assert decode_bytes("caf\u00e9".encode()) == ("caf\u00e9", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbfcaf\xc3\xa9") == ("caf\u00e9", "utf-8-sig")
    assert decode_bytes("\ufeffhi".encode("utf-16-le"))[0] == "hi"
    assert decode_bytes("\u201cSmart\u201d quotes \u2013 caf\u00e9".encode("cp1252")) == (
        "\u201cSmart\u201d quotes \u2013 caf\u00e9",
        "cp1252",
    )
    with pytest.raises(DecodeError) as exc:
        decode_bytes(b"abc\x00def")
    assert exc.value.reason == "binary"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T08:30:00Z", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        ("Mon, 15 Jan 2024 09:00:00 GMT", datetime(2024, 1, 15, 9, 0, tzinfo=UTC)),
        ("March 5, 2024", datetime(2024, 3, 5, tzinfo=UTC)),
        (1709627400, datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("not a date", None),
        ("9999-01-01", None),
        # an RFC 2822 date whose fields overflow a C int (the fuzzer's find): no date, not a crash
        ("Mon, 15 Jan 2024 09:07777777777777777777777770:00 GMT", None),
        (True, None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.corpus
def test_reuters_jsonl_sample_loads(con, settings, tmp_path):
    src = corpus("reuters21578", "reuters21578.jsonl")
    inp = tmp_path / "input"
    inp.mkdir()
    with src.open(encoding="utf-8") as fh, (inp / "reuters.jsonl").open("w", encoding="utf-8") as out:
        for _, line in zip(range(300), fh, strict=False):
            out.write(line)
    result = run_ingest(con, settings, inp)
    # a record with a body, or a headline-only item (its headline is its text)
    n_body = sum(
        1
        for line in (inp / "reuters.jsonl").open()
        if json.loads(line).get("body") or json.loads(line).get("title")
    )
    assert len(result.doc_ids) == n_body
    n_rej = con.execute("select count(*) from audit.rejected_files where reason = 'no_text'").fetchone()
    assert n_rej == (300 - n_body,)
    assert con.execute("select count(*) from raw.documents where published_at is null").fetchone() == (0,)
