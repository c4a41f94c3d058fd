"""Extraction stage end to end on the sample articles, idempotency, archive merges, contract checks."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow as pa

from parallax import db
from parallax.extract import annotate, required_components
from parallax.extract_store import extract_documents
from parallax.settings import REPO_ROOT, Settings

SEED_ARTICLES = REPO_ROOT / "seeds" / "articles"
NOISE = (
    "Key Objectives",
    "Agenda",
    "Pakistan Months",
    "Ebrahim Raisi Seeks",
    "Airstrikes",
    "Focus",
    "Visit",
    "Complex Regional Dynamics",
    "Broader Diplomatic Efforts",
)


def stage_docs(con: duckdb.DuckDBPyConnection, docs: dict[str, str], run_id: str = "stage") -> list[str]:
    """Insert staging rows for {doc_id: text}: first line is the title, the rest the body.

    Paragraphs are blank-line separated; a short line without sentence punctuation is a heading;
    sentences are split on . ! ? (a simple stand-in for the clean stage).
    """
    doc_rows, para_rows, sent_rows = [], [], []
    for doc_id, text in docs.items():
        title, _, body = text.partition("\n")
        body = body.strip("\n")
        sentences = 0
        paras = list(re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", body))
        for pi, m in enumerate(paras):
            s, e = m.start(), m.end()
            chunk = body[s:e]
            heading = len(chunk) < 100 and not chunk.rstrip().endswith((".", "!", "?"))
            para_rows.append(
                {"doc_id": doc_id, "paragraph_index": pi, "start_char": s, "end_char": e,
                 "is_heading": heading, "run_id": run_id}
            )  # fmt: skip
            for sm in re.finditer(r"[^.!?\n]+(?:[.!?]+|(?=\n)|$)", chunk):
                if sm.group(0).strip():
                    sent_rows.append(
                        {"doc_id": doc_id, "sentence_index": sentences, "paragraph_index": pi,
                         "start_char": s + sm.start(), "end_char": s + sm.end(), "text": sm.group(0),
                         "run_id": run_id}
                    )  # fmt: skip
                    sentences += 1
        doc_rows.append(
            {"doc_id": doc_id, "source": doc_id, "title": title, "body": body, "normalized_sha256": doc_id,
             "word_count": len(body.split()), "paragraph_count": len(paras), "sentence_count": sentences,
             "published_at": None, "run_id": run_id}
        )  # fmt: skip
    db.insert_arrow(con, "staging.stg_documents", pa.Table.from_pylist(doc_rows))
    db.insert_arrow(con, "staging.stg_paragraphs", pa.Table.from_pylist(para_rows))
    db.insert_arrow(con, "staging.stg_sentences", pa.Table.from_pylist(sent_rows))
    return list(docs)


def sample_docs() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEED_ARTICLES.glob("*.txt"))}


def q(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _check_contract(con: duckdb.DuckDBPyConnection) -> None:
    bad = q(
        con,
        "select m.doc_id, m.surface_text from intermediate.int_mentions m "
        "join staging.stg_documents d using (doc_id) "
        "where substr(case m.part when 'title' then d.title else d.body end, m.start_char + 1, "
        "m.end_char - m.start_char) <> m.surface_text",
    )
    assert bad == []
    bad = q(
        con,
        "select f.value_text from intermediate.int_facts f join staging.stg_documents d using (doc_id) "
        "where substr(case f.part when 'title' then d.title else d.body end, f.start_char + 1, "
        "f.end_char - f.start_char) <> f.value_text",
    )
    assert bad == []
    # sentence_index is the clean stage's sentence containing the start (or the last one before it);
    # a title span has -1
    bad = q(
        con,
        "select m.doc_id, m.surface_text from intermediate.int_mentions m "
        "left join staging.stg_sentences s on s.doc_id = m.doc_id and s.sentence_index = m.sentence_index "
        "where (m.part = 'body' and (s.start_char is null or s.start_char > m.start_char)) "
        "or (m.part = 'title' and m.sentence_index <> -1)",
    )
    assert bad == []
    orphans = q(
        con,
        "select m.entity_id from intermediate.int_mentions m "
        "left join intermediate.int_entities e using (entity_id) where e.entity_id is null",
    )
    assert orphans == []


def _assert_sample_outcomes(con: duckdb.DuckDBPyConnection, ids: dict[str, str]) -> None:
    """ids: '000'/'001'/'003' -> doc_id."""
    raisi = q(
        con,
        "select e.entity_id, e.label, count(distinct m.doc_id) from intermediate.int_entities e "
        "join intermediate.int_mentions m using (entity_id) "
        "where e.canonical_name = 'Ebrahim Raisi' group by all",
    )
    assert len(raisi) == 1, raisi
    raisi_id, label, docs = raisi[0]
    assert label == "PERSON" and docs == 3
    aliases = dict(
        q(con, "select alias, method from intermediate.int_entity_aliases where entity_id = ?", [raisi_id])
    )
    assert {"Ebrahim Raisi", "Raisi"} <= set(aliases)
    assert aliases["Raisi"] == "partial_name"
    # every Raisi mention is on the one entity
    stray = q(
        con,
        "select surface_text from intermediate.int_mentions "
        "where surface_text like '%Raisi%' and entity_id <> ?",
        [raisi_id],
    )
    assert stray == []

    for name in ("Shehbaz Sharif", "Asim Munir"):
        rows = q(
            con,
            "select e.label, list(distinct m.doc_id) from intermediate.int_entities e "
            "join intermediate.int_mentions m using (entity_id) where e.canonical_name = ? group by all",
            [name],
        )
        assert len(rows) == 1 and rows[0][0] == "PERSON" and rows[0][1] == [ids["003"]], (name, rows)
    roles = q(con, "select roles from intermediate.int_entities where canonical_name = 'Shehbaz Sharif'")
    assert "Prime Minister" in roles[0][0]

    names = {r[0] for r in q(con, "select canonical_name from intermediate.int_entities")}
    surfaces = {r[0] for r in q(con, "select surface_text from intermediate.int_mentions")}
    for noise in NOISE:
        assert noise not in names, noise
        assert not any(noise in s for s in surfaces if noise not in ("Visit",)), noise
    assert "Visit" not in surfaces
    kashmir = q(con, "select label from intermediate.int_entities where canonical_name = 'Kashmir'")
    assert kashmir and kashmir[0][0] in ("GPE", "LOC")

    money = q(
        con,
        "select doc_id, value_text, normalized_value, unit, measure from intermediate.int_facts "
        "where fact_type = 'money' order by normalized_value",
    )
    assert [(r[1], r[2], r[3]) for r in money] == [("$2 billion", 2e9, "USD"), ("$10 billion", 1e10, "USD")]
    assert {r[0] for r in money} == {ids["003"]}
    # the level now and the level aimed at are two measures (issue 13), so never a conflict
    assert [r[4] for r in money] == ["trade", "trade:target"]
    three_day = q(
        con, "select normalized_value, unit from intermediate.int_facts where value_text = 'three-day'"
    )
    assert three_day == [(3.0, "day")]
    pilgrims = q(
        con, "select normalized_value, measure from intermediate.int_facts where value_text = 'thousands'"
    )
    assert pilgrims == [(1000.0, "pilgrim")]  # vague plural: lower bound; measure: the counted noun

    raises = q(
        con,
        "select doc_id, actor_entity_id, topic from intermediate.int_attributions "
        "where predicate = 'raise' and topic = 'kashmir issue' order by doc_id",
    )
    by_doc = {r[0]: r[1] for r in raises}
    sharif_id = q(
        con, "select entity_id from intermediate.int_entities where canonical_name = 'Shehbaz Sharif'"
    )[0][0]
    assert by_doc.get(ids["001"]) == raisi_id
    assert by_doc.get(ids["003"]) == sharif_id
    focus = q(
        con,
        "select actor_entity_id from intermediate.int_attributions where predicate = 'focus on' "
        "and topic = 'palestine issue'",
    )
    assert focus == [(raisi_id,)]


def test_sample_articles(con: duckdb.DuckDBPyConnection, settings: Settings, nlp) -> None:
    ids = stage_docs(con, sample_docs())
    result = extract_documents(con, "run1", ids, settings, nlp)
    assert result.doc_ids == ids
    assert result.counts["mentions"] > 50 and result.counts["skipped_spans"] == 0
    _check_contract(con)
    _assert_sample_outcomes(con, {i: i for i in ids})

    # idempotent: a rerun replaces rows and keeps entity ids and aliases' first run
    def snapshot() -> tuple:
        return (
            q(con, "select doc_id, start_char, end_char, surface_text, entity_id, label, role "
                   "from intermediate.int_mentions order by all"),
            q(con, "select entity_id, canonical_name, label, roles, run_id "
                   "from intermediate.int_entities order by all"),
            q(con, "select alias, entity_id, method, confidence, run_id "
                   "from intermediate.int_entity_aliases order by all"),
            q(con, "select * exclude (run_id) from intermediate.int_facts order by all"),
            q(con, "select * exclude (run_id) from intermediate.int_attributions order by all"),
        )  # fmt: skip

    before = snapshot()
    extract_documents(con, "run2", ids, settings, nlp)
    assert snapshot() == before


def test_incremental_runs_merge_with_the_archive(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    nlp,
) -> None:
    docs = sample_docs()
    stage_docs(con, {"003": docs["003"]})
    extract_documents(con, "run1", ["003"], settings, nlp)
    sharif = q(
        con, "select entity_id from intermediate.int_entities where canonical_name = 'Shehbaz Sharif'"
    )[0][0]
    raisi = q(con, "select entity_id from intermediate.int_entities where canonical_name = 'Ebrahim Raisi'")[
        0
    ][0]

    later = {
        # bare surname, same context (Pakistan, Iran): the one known Sharif
        "p1": "Talks go on\nSharif met officials from Iran in Islamabad on Tuesday. Pakistan and Iran agreed "
        "to expand trade, Sharif said.",
        # bare surname in an unrelated context: a different person
        "c1": "Cricket\nSharif scored a century for Lahore Qalandars against Karachi Kings at "
        "Gaddafi Stadium. "
        "Sharif was named player of the match by the Pakistan Super League.",
        "r1": "Visit ends\nIranian President Ebrahim Raisi left Islamabad on Wednesday.",
    }
    stage_docs(con, later)
    extract_documents(con, "run2", list(later), settings, nlp)
    ent = dict(
        q(
            con,
            "select doc_id, list(distinct entity_id) from intermediate.int_mentions "
            "where surface_text like '%Sharif%' group by doc_id",
        )
    )
    assert ent["p1"] == [sharif]
    assert sharif not in ent["c1"]
    assert q(
        con,
        "select distinct entity_id from intermediate.int_mentions "
        "where doc_id = 'r1' and surface_text like '%Raisi%'",
    ) == [(raisi,)]
    method = q(
        con,
        "select method from intermediate.int_entity_aliases where alias = 'Sharif' and entity_id = ?",
        [sharif],
    )
    assert method and method[0][0] == "partial_name"

    # undoing run2 leaves run1's entities and rows intact
    db.rollback_run(con, "run2")
    assert q(con, "select count(*) from intermediate.int_mentions where doc_id in ('p1', 'c1', 'r1')") == [
        (0,)
    ]
    assert q(
        con, "select count(*) from intermediate.int_entities where entity_id in (?, ?)", [sharif, raisi]
    ) == [(2,)]


def test_annotate_truncates_and_uses_clean_sentences(nlp) -> None:
    body = "Angela Merkel met Emmanuel Macron in Berlin. " * 3 + "Joe Biden spoke in Washington on Monday."
    settings = Settings(max_nlp_chars=90)
    docs = pa.table({"doc_id": ["d"], "title": ["t"], "body": [body]})
    # the clean stage's sentence numbering, deliberately different from spaCy's
    sents = pa.table(
        {"doc_id": ["d", "d"], "sentence_index": [7, 8], "start_char": [0, 45], "end_char": [45, 90]}
    )
    ann = annotate(docs, nlp, settings, sents)
    rows = ann.mentions.to_pylist()
    assert rows
    assert all(r["end_char"] <= 90 for r in rows)
    assert {r["sentence_index"] for r in rows} <= {7, 8}
    assert all(body[r["start_char"] : r["end_char"]] == r["surface_text"] for r in rows)
    assert not any("Biden" in r["surface_text"] for r in rows)  # beyond the limit


def test_annotate_without_parser_gives_entities_only(nlp, settings: Settings) -> None:
    assert set(required_components(attributions=False)) == {"tok2vec", "ner"}
    assert "parser" in required_components()
    body = "President Joe Biden raised the issue of tariffs with Germany, costing $5 billion."
    docs = pa.table({"doc_id": ["d"], "title": [None], "body": [body]})
    disabled = [p for p in nlp.pipe_names if p not in required_components(attributions=False)]
    with nlp.select_pipes(disable=disabled):
        ann = annotate(docs, nlp, settings)
    assert "Joe Biden" in ann.mentions.column("canonical_name").to_pylist()
    assert ann.attributions.num_rows == 0
    assert ann.facts.column("normalized_value").to_pylist() == [5e9]


def test_with_ingest_and_clean_stages(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    nlp,
    sample_input: Path,
) -> None:
    """The real upstream stages: ingest -> clean -> extract on the sample articles."""
    from parallax.clean import clean_documents
    from parallax.ingest import ingest_files, scan_inputs

    scan = scan_inputs(sample_input, settings)
    ingested = ingest_files(con, "run1", sample_input, scan.files, settings)
    cleaned = clean_documents(con, "run1", ingested.doc_ids, settings)
    assert len(cleaned.doc_ids) == 3
    extract_documents(con, "run1", cleaned.doc_ids, settings, nlp)
    _check_contract(con)
    by_path = dict(q(con, "select substr(path, 1, 3), doc_id from raw.documents"))
    _assert_sample_outcomes(con, by_path)


def test_alias_overrides_win(con: duckdb.DuckDBPyConnection, settings: Settings, nlp) -> None:
    """seeds/entity_aliases.csv maps U.S. and United States to one entity, whatever the model says."""
    stage_docs(
        con,
        {
            "o1": "Trade\nThe U.S. imposed new tariffs on steel. Officials in the United States said more "
            "measures would follow.",
            "o2": "Markets\nShares fell in the U.S. on Monday after the announcement.",
        },
    )
    extract_documents(con, "run1", ["o1", "o2"], settings, nlp)
    rows = q(
        con,
        "select distinct e.canonical_name, e.label from intermediate.int_mentions m "
        "join intermediate.int_entities e using (entity_id) "
        "where m.surface_text in ('U.S.', 'United States')",
    )
    assert rows == [("United States", "GPE")]
    methods = dict(q(con, "select alias, method from intermediate.int_entity_aliases where alias = 'U.S.'"))
    assert methods == {"U.S.": "override"}
