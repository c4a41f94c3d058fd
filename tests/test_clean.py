"""Clean: boilerplate rules and learned patterns, titles, repeated blocks, offsets, idempotence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import corpus

from parallax import boilerplate as bp
from parallax.clean import clean_documents, load_ruleset
from parallax.cleantext import clean_texts, is_heading, split_sentences
from parallax.ingest import ingest_files, record_scan_rejections, scan_inputs
from parallax.settings import Settings
from parallax.stage import StageResult
from parallax.textnorm import normalized_sha256

STAGING = ("staging.stg_documents", "staging.stg_paragraphs", "staging.stg_sentences")


def ingest_and_clean(
    con: duckdb.DuckDBPyConnection, settings: Settings, input_dir: Path, run_id: str = "r1"
) -> StageResult:
    scan = scan_inputs(input_dir, settings)
    seen = set(con.execute("select path, sha256 from audit.ingested_files").fetchall())
    pairs = zip(scan.files["path"].to_pylist(), scan.files["sha256"].to_pylist(), strict=True)
    keep = [pair not in seen for pair in pairs]
    record_scan_rejections(con, run_id, scan.rejected)
    ing = ingest_files(con, run_id, input_dir, scan.files.filter(keep), settings)
    return clean_documents(con, run_id, ing.doc_ids, settings)


def bodies(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rows = con.sql(
        "select r.path, r.record, s.* from staging.stg_documents s join raw.documents r using (doc_id)"
    ).to_arrow_table()
    return {
        f"{r['path']}#{r['record']}" if r["record"] is not None else r["path"]: r for r in rows.to_pylist()
    }


def assert_offsets_consistent(con: duckdb.DuckDBPyConnection) -> None:
    docs = {r[0]: r[1] for r in con.execute("select doc_id, body from staging.stg_documents").fetchall()}
    paras: dict[str, list[tuple[int, int, int]]] = {}
    for doc_id, idx, s, e in con.execute(
        "select doc_id, paragraph_index, start_char, end_char from staging.stg_paragraphs order by 1, 2"
    ).fetchall():
        paras.setdefault(doc_id, []).append((idx, s, e))
    for doc_id, body in docs.items():
        ps = paras[doc_id]
        assert [p[0] for p in ps] == list(range(len(ps)))
        # Paragraphs tile the body, separated by exactly one blank line.
        assert "\n\n".join(body[s:e] for _, s, e in ps) == body
    for doc_id, _idx, p_idx, s, e, text in con.execute(
        "select doc_id, sentence_index, paragraph_index, start_char, end_char, text"
        " from staging.stg_sentences"
    ).fetchall():
        body = docs[doc_id]
        assert body[s:e] == text and text.strip() == text and text
        _, ps, pe = paras[doc_id][p_idx]
        assert ps <= s < e <= pe
    counts = con.execute(
        "select d.doc_id, d.paragraph_count, d.sentence_count, "
        "(select count(*) from staging.stg_paragraphs p where p.doc_id = d.doc_id), "
        "(select count(*) from staging.stg_sentences s where s.doc_id = d.doc_id)"
        " from staging.stg_documents d"
    ).fetchall()
    for _, pc, sc, pn, sn in counts:
        assert (pc, sc) == (pn, sn)


def test_sample_articles_clean(con, settings, sample_input):
    result = ingest_and_clean(con, settings, sample_input)
    docs = bodies(con)
    assert len(result.doc_ids) == 3 == len(docs)
    furniture = ("Powered by Blogger", "Share This Article", "No comments", "Leave a comment")
    for d in docs.values():
        for phrase in furniture:
            assert phrase not in d["body"]
        assert d["normalized_sha256"] == normalized_sha256(d["body"])
        assert d["word_count"] > 200
        assert d["title"] and not d["body"].startswith(d["title"])
    removed = con.execute("select line_text, method, rule from audit.removed_boilerplate").fetchall()
    by_rule = {(m, r) for _, m, r in removed}
    rule_ids = {r.id for r in bp.load_rules(settings.seeds / "boilerplate.csv")}
    assert {("rule", "blogger_powered"), ("rule", "share_article"), ("rule", "no_comments")} <= by_rule
    assert all(r in rule_ids for m, r in by_rule if m == "rule")
    # The first article prints its title twice: kept once, the repeat recorded.
    a000 = docs["000_beaf7ddb147ac9ff.txt"]
    assert a000["title"].startswith("Iranian President Ebrahim Raisi Seeks to Repair")
    assert ("title_repeat", "title") in by_rule
    assert a000["body"].startswith("In a notable diplomatic move")
    # Curly apostrophes stay curly; list markers are dropped but the items stay.
    assert "Raisi\u2019s visit" in docs["001_b2d129b936de5105.txt"]["body"]
    assert "Raisi\u2019s" in docs["001_b2d129b936de5105.txt"]["title"]
    assert "\n\nAirstrikes: In recent months" in a000["body"]
    # Real section headings are kept and flagged.
    a003 = docs["003_0e2efafa0fdf3893.txt"]
    heads = {
        a003["body"][s:e]
        for s, e in con.execute(
            "select start_char, end_char from staging.stg_paragraphs where doc_id = ? and is_heading",
            [a003["doc_id"]],
        ).fetchall()
    }
    assert {
        "Background of the Visit:",
        "Agenda and Discussions:",
        "Kashmir Discussion During High-Level Talks",
    } <= heads
    assert "In contrast, President Raisi\u2019s response" in a003["body"]
    assert_offsets_consistent(con)


def write_source(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"story{i:02d}.txt").write_text(text)


TOPICS = [
    "The city council voted to expand the tram network into the northern suburbs",
    "Heavy rain flooded several streets near the river on Sunday night",
    "The regional airport reported record passenger numbers for the summer",
    "A new wind farm off the coast began supplying power to homes",
    "The university opened a research centre for battery technology",
    "Firefighters contained a forest fire in the hills after two days",
    "The central library will extend its opening hours from next month",
    "Local farmers expect a strong apple harvest after a warm spring",
]


def story(i: int, signoff: bool = True, extra: str = "") -> str:
    lines = [
        f"Headline number {i}",
        "",
        f"{TOPICS[i]}, officials said on Monday.",
        "",
        f"The decision follows months of debate, and work is due to start in year {2020 + i}.",
    ]
    if extra:
        lines += ["", extra]
    if signoff:
        lines += ["", "Distributed by the Example Wire Service"]
    return "\n".join(lines) + "\n"


def test_learned_signoff_removed_and_rare_line_kept(con, settings, tmp_path):
    inp = tmp_path / "input"
    rare = "Correction: an earlier version misspelled the name of the mayor."
    # Night 1: three documents carry the sign-off: too few to learn (LEARN_MIN_DOCS).
    write_source(inp / "wire", [story(i, extra=rare if i < 2 else "") for i in range(3)])
    ingest_and_clean(con, settings, inp, "r1")
    assert all("Example Wire Service" in d["body"] for d in bodies(con).values())
    # Night 2: more documents of the same source: the sign-off is now learned from its history.
    write_source(inp / "wire", [story(i, extra=rare if i < 2 else "") for i in range(8)])
    result = ingest_and_clean(con, settings, inp, "r2")
    assert len(result.doc_ids) == 5
    new = [d for d in bodies(con).values() if d["run_id"] == "r2"]
    assert new and all("Example Wire Service" not in d["body"] for d in new)
    learned = con.execute(
        "select distinct rule from audit.removed_boilerplate where method = 'learned' and run_id = 'r2'"
    ).fetchall()
    assert learned == [("Distributed by the Example Wire Service",)]
    # The rare line (2 documents) is never removed on frequency alone.
    assert sum(rare in d["body"] for d in bodies(con).values()) == 2
    # Another source is not affected by what this source taught.
    write_source(inp / "other", [story(0)])
    ingest_and_clean(con, settings, inp, "r3")
    other = [d for d in bodies(con).values() if d["source"] == "other"]
    assert "Example Wire Service" in other[0]["body"]
    assert_offsets_consistent(con)


def test_learned_dateline_prefix(con, settings, tmp_path):
    texts = [f"Title {i}\n\nExampleNews - {TOPICS[i]}, the agency said.\n" for i in range(6)]
    write_source(tmp_path / "input" / "feed", texts)
    ingest_and_clean(con, settings, tmp_path / "input")
    docs = bodies(con).values()
    assert all(not d["body"].startswith("ExampleNews") for d in docs)
    assert all(d["body"][0].isupper() for d in docs)


def test_title_printed_twice_kept_once_and_rules_recorded(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    records = [
        {
            "title": "Mayor\u2019s Plan Wins Approval",
            "text": "Mayor's plan wins approval\n\nThe mayor\u2019s housing plan won approval on Tuesday.\n\n"
            "Powered by Blogger.\n\nShare This Article",
        },
        {"title": "Only Furniture Left", "text": "Share This Article\nLeave a comment\nNo comments"},
    ]
    (inp / "feed.json").write_text(json.dumps(records))
    result = ingest_and_clean(con, settings, inp)
    docs = bodies(con)
    doc = docs["feed.json#0"]
    assert doc["title"] == "Mayor\u2019s Plan Wins Approval"
    assert doc["body"] == "The mayor\u2019s housing plan won approval on Tuesday."
    removed = con.execute(
        "select method, rule, line_text from audit.removed_boilerplate where doc_id = ? order by start_char",
        [doc["doc_id"]],
    ).fetchall()
    assert removed == [
        ("title_repeat", "title", "Mayor's plan wins approval"),
        ("rule", "blogger_powered", "Powered by Blogger."),
        ("rule", "share_article", "Share This Article"),
    ]
    # A record left without text after cleaning is rejected (no_text), not passed on.
    assert "feed.json#1" not in docs
    assert len(result.doc_ids) == 1
    assert con.execute("select record, reason from audit.rejected_files").fetchall() == [(1, "no_text")]


def test_headline_only_item_is_a_document_and_a_short_one_is_rejected(con, settings, tmp_path):
    """A record with a headline and no body (a wire flash, a one-line story) is kept: its headline
    is its text. One too short to read is rejected at the clean stage like any short body."""
    inp = tmp_path / "input"
    inp.mkdir()
    records = [
        {"title": "Harbour authority closes the north quay after a crane collapses in high winds"},
        {"title": "Quay shut", "text": ""},
        {
            "title": "Ferry timetable changes",
            "text": "The winter ferry timetable starts on Monday, the operator said.",
        },
    ]
    (inp / "feed.json").write_text(json.dumps(records))
    result = ingest_and_clean(con, settings, inp)
    docs = bodies(con)
    flash = docs["feed.json#0"]
    assert flash["body"] == records[0]["title"]
    assert flash["title"] is None  # never the same text twice
    assert docs["feed.json#2"]["title"] == "Ferry timetable changes"
    assert "feed.json#1" not in docs and len(result.doc_ids) == 2
    assert con.execute("select record, reason from audit.rejected_files").fetchall() == [(1, "no_text")]


def test_repeated_body_collapsed_and_wire_markup_cleaned(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    block = (
        "LONDON (Reuters) - Sterling rose against the dollar on Monday after &lt;BOE&gt; data showed\n"
        "stronger growth, dealers said. The Bank&#39;s figures surprised markets.&#3;\n"
        "    Analysts said the gains could continue if inflation eased, the\n"
        "dealers added in late trading.\n"
    )
    rec = {
        "title": "Sterling rises",
        "body": block + "\n" + block.replace("LONDON (Reuters) - ", "") + "\n Reuter\n",
    }
    (inp / "wire.jsonl").write_text(json.dumps(rec) + "\n")
    ingest_and_clean(con, settings, inp)
    (doc,) = bodies(con).values()
    assert doc["body"] == (
        "Sterling rose against the dollar on Monday after BOE data showed stronger growth, dealers said. "
        "The Bank's figures surprised markets.\n\n"
        "Analysts said the gains could continue if inflation eased, the dealers added in late trading."
    )
    methods = con.execute("select method, rule from audit.removed_boilerplate order by start_char").fetchall()
    assert methods == [
        ("rule", "dateline_agency"),
        ("repeated_block", "paragraph 0"),
        ("repeated_block", "paragraph 1"),
        ("rule", "reuter_signoff"),
    ]
    assert_offsets_consistent(con)


def test_clean_is_idempotent(con, settings, sample_input):
    result = ingest_and_clean(con, settings, sample_input)
    tables = (*STAGING, "audit.removed_boilerplate", bp.CANDIDATES_TABLE)
    before = {t: con.sql(f"select * from {t} order by all").fetchall() for t in tables}
    again = clean_documents(con, "r1", result.doc_ids, settings)
    assert sorted(again.doc_ids) == sorted(result.doc_ids)
    assert {t: con.sql(f"select * from {t} order by all").fetchall() for t in tables} == before


def test_split_sentences_handles_abbreviations_decimals_initials():
    text = (
        'Mr. Smith paid $4.5 million for the U.S. unit. "It was fair," he said. J. R. Doe, of Acme Inc., '
        "disagreed! Was it 3.5 pct? No. Shares rose 2 pct."
    )
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "Mr. Smith paid $4.5 million for the U.S. unit.",
        '"It was fair," he said.',
        "J. R. Doe, of Acme Inc., disagreed!",
        "Was it 3.5 pct?",
        "No.",
        "Shares rose 2 pct.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Background of the Visit:", True),
        ("Kashmir Discussion During High-Level Talks", True),
        ("Future Prospects:", True),
        ("The talks ended without agreement.", False),
        ("He said the visit was a success and both sides would meet again soon", False),
        ("2024", False),
    ],
)
def test_is_heading(text, expected):
    assert is_heading(text) is expected


def test_clean_texts_pure_function(settings):
    rules = load_ruleset(settings)
    row = {
        "doc_id": "d1",
        "source": "s",
        "path": "a.md",
        "format": "markdown",
        "title": None,
        "text": "# Big **News** Today\n\n## Section One\n\nSee [the report](http://x.example) now.\n\n"
        "---\n\n* First item here.\n",
    }
    (c,) = clean_texts([row], rules)
    assert c.title == "Big News Today"
    assert c.body == "Section One\n\nSee the report now.\n\nFirst item here."
    assert c.paragraphs[0][2] is True  # markdown heading


@pytest.mark.corpus
def test_corpus_samples_clean(con, settings, tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    reuters = corpus("reuters21578", "reuters21578.jsonl")
    ag = corpus("ag_news", "ag_news_test.jsonl")
    wiki = corpus("wikiref220", "WikiRef220")
    for src, name, n in ((reuters, "reuters.jsonl", 400), (ag, "ag.jsonl", 400)):
        with src.open(encoding="utf-8") as fh, (inp / name).open("w", encoding="utf-8") as out:
            for _, line in zip(range(n), fh, strict=False):
                out.write(line)
    (inp / "wiki").mkdir()
    legacy = []
    for f in sorted(wiki.iterdir()):
        data = f.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            legacy.append(f)
    assert legacy, "WikiRef220 has Windows-1252 files"
    for f in legacy[:12]:
        shutil.copy(f, inp / "wiki" / f.name)
    result = ingest_and_clean(con, settings.model_copy(update={"max_file_bytes": 100_000_000}), inp)
    assert len(result.doc_ids) > 600
    encodings = {r[0] for r in con.execute("select distinct encoding from raw.documents").fetchall()}
    assert "cp1252" in encodings
    bad = con.execute(
        "select count(*) from staging.stg_documents where body like '%#39;%' or body like '%&lt;%' "
        "or body like '%&#%' or body like '%\u00e2\u20ac%' or body like '%\ufffd%' "
        "or body like '%' || chr(3) || '%' "
        "or regexp_matches(body, '\\sReuter\\s*$')"
    ).fetchone()
    assert bad == (0,)
    signoffs = con.execute(
        "select count(*) from audit.removed_boilerplate where rule = 'reuter_signoff'"
    ).fetchone()
    assert signoffs is not None and signoffs[0] > 250
    assert_offsets_consistent(con)


def test_hard_wrapped_text_is_unwrapped_and_its_first_line_is_not_a_title(settings):
    rules = load_ruleset(settings)
    text = (
        "Showers continued throughout the week in the cocoa zone,\n"
        "alleviating the drought since early January and improving\n"
        "prospects for the coming harvest, a review said.\n"
        "    Arrivals for the week ended February 22 were 155,221 bags\n"
        "of 60 kilos, dealers said.\n"
        " Reuter\n"
    )
    row = {"doc_id": "d", "source": "s", "path": "w.txt", "format": "text", "title": None, "text": text}
    (c,) = clean_texts([row], rules)
    assert c.title is None
    assert c.body == (
        "Showers continued throughout the week in the cocoa zone, alleviating the drought since early "
        "January and improving prospects for the coming harvest, a review said.\n\n"
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos, dealers said."
    )
    assert [r.method for r in c.removed] == ["rule"]


def test_learned_tail_sentence_glued_to_the_last_paragraph(con, settings, tmp_path):
    tail = "Follow Example Daily on social media for more local stories."
    texts = [
        f"Title {i}\n\n{TOPICS[i]}, officials said. Work starts in year {2020 + i}. {tail}\n"
        for i in range(6)
    ]
    write_source(tmp_path / "input" / "daily", texts)
    ingest_and_clean(con, settings, tmp_path / "input")
    docs = list(bodies(con).values())
    assert len(docs) == 6
    for d in docs:
        assert tail not in d["body"] and d["body"].endswith(f"Work starts in year {d['body'][-5:-1]}.")
    rules = con.execute("select distinct method, rule from audit.removed_boilerplate").fetchall()
    assert rules == [("learned", tail)]
    assert_offsets_consistent(con)


def test_a_body_stays_nfc_where_removed_markup_put_a_letter_before_a_combining_mark() -> None:
    """Lines are NFC one by one; removing markdown emphasis between "a" and U+0323 (found by the
    fuzzer) must still give a composed body."""
    import unicodedata

    row = {
        "doc_id": "d",
        "source": "s",
        "path": "p",
        "format": "markdown",
        "title": None,
        "text": "The new library is in Ha**\u0323**noi and opened today with a large crowd.",
    }
    (c,) = clean_texts([row], load_ruleset(Settings()))
    assert unicodedata.is_normalized("NFC", c.body) and "H\u1ea1noi" in c.body
