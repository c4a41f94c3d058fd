"""Hostile inputs: ingest + clean never crash, every file ends as a document or a rejected row.

Three layers: hypothesis property tests through the real stages and DuckDB; a property test of
the pure cleaning function (offsets always index the body); and a time-bounded atheris fuzz run of
parse + clean in a subprocess (`python tests/test_hostile_inputs.py -max_total_time=N`). CI runs
the bounded fuzz (25 s); the long one is marked slow and runs when PARALLAX_FUZZ_SECONDS is set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

REASONS = {
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "unparseable",
    "no_text",
    "unreadable",
    "unsupported",
    "outside_input",
}
EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".bin", ""]
FORMATS = ["text", "markdown", "html", "json", "jsonl", "csv"]


def check_cleaned(c, body_min: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Invariants of one cleaned document (parallax.cleantext.Cleaned)."""
    body = c.body
    assert "\x00" not in body and "\r" not in body
    assert unicodedata.is_normalized("NFC", body)
    assert "\n\n".join(body[s:e] for s, e, _ in c.paragraphs) == body
    for s, e, p in c.sentences:
        ps, pe, _ = c.paragraphs[p]
        assert ps <= s < e <= pe
        assert body[s:e].strip() == body[s:e]


# --- the real stages over random files -------------------------------------------------------

try:
    from hypothesis import HealthCheck, example, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    pytest.skip("hypothesis not installed", allow_module_level=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "body", "source", "date", "url", "x"]) | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@st.composite
def hostile_file(draw) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    ext = draw(st.sampled_from(EXTENSIONS))
    kind = draw(st.sampled_from(["bytes", "text", "json", "jsonl", "html", "csv", "huge_line", "nested"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=3000))
    elif kind == "text":
        text = draw(st.text(max_size=600))
        enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"]))
        data = text.encode(enc, errors="replace")
    elif kind == "json":
        data = json.dumps(draw(json_values)).encode()
    elif kind == "jsonl":
        data = "\n".join(json.dumps(v) for v in draw(st.lists(json_values, max_size=5))).encode()
    elif kind == "html":
        body = draw(st.text(max_size=300))
        data = (
            f"<html><head><title>{draw(st.text(max_size=40))}</title><script>var s='{body}';</script></head>"
            f"<body><p>{body}</p><script>alert(1)</script><p>{draw(st.text(max_size=200))}</p></body></html>"
        ).encode("utf-8", errors="replace")
    elif kind == "csv":
        rows = draw(st.lists(st.lists(st.text(max_size=60), min_size=1, max_size=4), max_size=5))
        header = draw(st.sampled_from(["title,text\n", "text\n", ""]))
        data = (header + "\n".join(",".join(json.dumps(c) for c in r) for r in rows)).encode()
    elif kind == "huge_line":
        data = (draw(st.text(min_size=1, max_size=20)) * 20_000).encode("utf-8", errors="replace")
    else:
        depth = draw(st.integers(min_value=500, max_value=5000))
        data = (
            ("[" * depth + "]" * depth).encode()
            if draw(st.booleans())
            else ('{"a":' * depth + "1" + "}" * depth).encode()
        )
    if draw(st.booleans()) and data:
        pos = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:pos] + b"\x00" + data[pos:]
    return ext, data


_counter = iter(range(10**9))


@hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(files=st.lists(hostile_file(), min_size=1, max_size=4))
@example(files=[(".json", b"[" * 3000 + b"]" * 3000), (".txt", b"\xff\xfe\x00"), (".csv", b'"a,"b\n\x00')])
@example(files=[(".txt", "caf\u00e9 \u2013 \u201cquoted\u201d and more text here".encode("cp1252"))])
def test_any_files_end_as_documents_or_rejected_rows(con, settings, tmp_path, files):
    from parallax.clean import clean_documents
    from parallax.ingest import ingest_files, record_scan_rejections, scan_inputs

    n = next(_counter)
    run_id = f"h{n}"
    inp = tmp_path / f"in{n}"
    inp.mkdir()
    # names unique per example: the connection is shared, and a rejection already recorded for the
    # same path, content and reason keeps the run that recorded it first
    for i, (ext, data) in enumerate(files):
        (inp / f"e{n}f{i}{ext}").write_bytes(data)
    outside = tmp_path / f"outside{n}.txt"
    outside.write_text("never read")
    (inp / f"link{n}.txt").symlink_to(outside)
    small = settings.model_copy(update={"max_file_bytes": 200_000})

    scan = scan_inputs(inp, small)
    record_scan_rejections(con, run_id, scan.rejected)
    ing = ingest_files(con, run_id, inp, scan.files, small)
    cl = clean_documents(con, run_id, ing.doc_ids, small)

    names = {p.name for p in inp.iterdir()}
    docs = con.execute("select doc_id, path, record from raw.documents where run_id = ?", [run_id]).fetchall()
    rejected = con.execute(
        "select path, record, reason, detail from audit.rejected_files where run_id = ?", [run_id]
    ).fetchall()
    assert names == {d[1] for d in docs} | {r[0] for r in rejected}
    assert (f"link{n}.txt", None, "outside_input") in {(r[0], r[1], r[2]) for r in rejected}
    for _, _, reason, detail in rejected:
        assert reason in REASONS and detail and len(detail) < 1000
    # Each document is in staging or rejected (no_text) after cleaning.
    staged = {
        r[0]
        for r in con.execute("select doc_id from staging.stg_documents where run_id = ?", [run_id]).fetchall()
    }
    assert staged == set(cl.doc_ids)
    no_text = {(r[0], r[1]) for r in rejected if r[2] == "no_text"}
    for doc_id, path, record in docs:
        assert doc_id in staged or (path, record) in no_text
    counts = con.execute(
        "select min(word_count), min(paragraph_count), min(sentence_count), min(length(body))"
        " from staging.stg_documents where run_id = ?",
        [run_id],
    ).fetchone()
    if counts is not None and counts[0] is not None:
        assert counts[0] >= 1 and counts[1] >= 1 and counts[2] >= 1 and counts[3] >= small.min_body_chars
    dup_keys = con.execute(
        "select count(*) - count(distinct (doc_id, start_char)) from audit.removed_boilerplate"
        " where run_id = ?",
        [run_id],
    ).fetchone()
    assert dup_keys == (0,)
    bodies = dict(
        con.execute("select doc_id, body from staging.stg_documents where run_id = ?", [run_id]).fetchall()
    )
    for doc_id, s, e, text in con.execute(
        "select doc_id, start_char, end_char, text from staging.stg_sentences where run_id = ?", [run_id]
    ).fetchall():
        assert bodies[doc_id][s:e] == text


@hsettings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=800)
    | st.lists(
        st.sampled_from(
            [
                "Title Line",
                "",
                "Share This Article",
                "- a list item.",
                "1. Numbered item here.",
                "  indented wrapped line of the text that goes on",
                "Mr. Smith said the U.S. paid $4.5 mln.",
                "&lt;b&gt;bold&lt;/b&gt; &#3; #39;s",
                "\u2022 bullet",
                "caf\u00c3\u00a9 mojibake",
                "LONDON (Reuters) - Dateline text.",
                " Reuter",
                "\r\n",
                "\u2028",
                "<script>x=1</script>",
            ]
        ),
        max_size=30,
    ).map("\n".join),
    title=st.none() | st.text(max_size=60),
    fmt=st.sampled_from(FORMATS),
)
def test_clean_texts_offsets_always_index_the_body(text, title, fmt):
    from parallax.clean import load_ruleset
    from parallax.cleantext import clean_texts
    from parallax.settings import Settings

    rules = load_ruleset(Settings())
    row = {"doc_id": "d", "source": "s", "path": "p", "format": fmt, "title": title, "text": text}
    (c,) = clean_texts([row], rules)
    check_cleaned(c)


PATHOLOGICAL = {
    "nested_md_links": "[" * 100_000 + "](" * 1000,
    "unclosed_scripts": "<script>" * 100_000,
    "share_words": "share " * 60 + "x",
    "many_tags": "<b " * 200_000,
    "many_entities": "&#39;" * 200_000,
    "huge_line": "word " * 1_000_000,
    "many_dots": ". " * 300_000,
    "emphasis": "*a" * 200_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_cleans_in_linear_time(name):
    """Inputs built to make regexes backtrack: every format cleans well within seconds."""
    import time

    from parallax.clean import load_ruleset
    from parallax.cleantext import clean_texts
    from parallax.settings import Settings

    rules = load_ruleset(Settings())
    for fmt in ("text", "markdown", "html"):
        t0 = time.perf_counter()
        row = {
            "doc_id": "d",
            "source": "s",
            "path": "p",
            "format": fmt,
            "title": None,
            "text": PATHOLOGICAL[name],
        }
        (c,) = clean_texts([row], rules)
        check_cleaned(c)
        assert time.perf_counter() - t0 < 15, (name, fmt)


# --- atheris fuzzing (subprocess, time-bounded) --------------------------------------------------


def _run_fuzzer(tmp_path: Path, seconds: int) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    fixtures = Path(__file__).parent / "fixtures" / "ingest"
    ext_fmt = {".txt": 0, ".md": 1, ".html": 2, ".json": 3, ".jsonl": 4, ".csv": 5}
    for f in sorted(fixtures.iterdir()):
        seeds.joinpath(f.name).write_bytes(bytes([ext_fmt.get(f.suffix, 0)]) + f.read_bytes())
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent.parent), *sys.path])}
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            f"-max_total_time={seconds}",
            "-rss_limit_mb=3072",
            "-max_len=65536",
            f"-artifact_prefix={artifacts}/",
            str(seeds),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        env=env,
    )
    tail = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, f"fuzzer found a crash (artifacts in {artifacts}):\n{tail}"
    assert "Done" in tail or "DONE" in tail or "exec/s" in tail, tail


def test_fuzz_ingest_and_clean_bounded(tmp_path):
    pytest.importorskip("atheris")
    _run_fuzzer(tmp_path, seconds=25)


@pytest.mark.slow
def test_fuzz_ingest_and_clean_long(tmp_path):
    """Long fuzzing on demand: PARALLAX_FUZZ_SECONDS=3600 pytest -m slow tests/test_hostile_inputs.py."""
    pytest.importorskip("atheris")
    seconds = int(os.environ.get("PARALLAX_FUZZ_SECONDS", "0"))
    if seconds <= 0:
        pytest.skip("set PARALLAX_FUZZ_SECONDS to fuzz for longer than the bounded CI run")
    _run_fuzzer(tmp_path, seconds=seconds)


def _fuzz_main() -> None:  # pragma: no cover - runs in the fuzzing subprocess
    import atheris

    # Import the heavy dependencies first so only the project's modules get instrumented.
    import charset_normalizer  # noqa: F401
    import duckdb  # noqa: F401
    import ftfy  # noqa: F401
    import lxml.html  # noqa: F401
    import pyarrow  # noqa: F401
    import rapidfuzz  # noqa: F401

    from parallax import db, stage  # noqa: F401
    from parallax.settings import Settings

    mods = ["parallax.textnorm", "parallax.boilerplate", "parallax.ingest", "parallax.formats",
            "parallax.records", "parallax.htmlpage", "parallax.clean",
            "parallax.cleantext"]  # fmt: skip
    with atheris.instrument_imports(include=mods):
        from parallax import boilerplate, clean, cleantext, ingest, textnorm  # noqa: F401

    settings = Settings(max_file_bytes=1_000_000, max_record_chars=200_000)
    rules = clean.load_ruleset(settings)

    def one_input(data: bytes) -> None:
        if not data:
            return
        fmt = FORMATS[data[0] % len(FORMATS)]
        try:
            _encoding, records = ingest.parse_file(data[1:], fmt, settings)
        except ingest.Rejected as exc:
            assert exc.reason in REASONS and exc.detail, exc
            return
        rows = []
        for i, r in enumerate(records):
            if r.reason is not None:
                assert r.reason in REASONS and r.detail
                continue
            assert r.text is not None
            rows.append(
                {
                    "doc_id": str(i),
                    "source": "s",
                    "path": "p",
                    "format": fmt,
                    "title": r.title,
                    "text": r.text,
                }
            )
        for c in cleantext.clean_texts(rows, rules):
            check_cleaned(c)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":  # pragma: no cover
    _fuzz_main()
