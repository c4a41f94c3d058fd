"""An outlet that runs a copy still names what it prints: copies carry their canonical's mentions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax import db
from parallax.copies import map_spans, project_mentions
from parallax.settings import get_settings

ORIGINAL_BODY = (
    "Storm Hallam forced the harbour authority in Valmora to close the port on Tuesday, stranding "
    "dozens of cargo ships offshore. Harbour master Ingrid Vasquez said pilots could not board "
    "vessels in waves of six metres. The closure comes a week after the city council approved a "
    "new breakwater funded by the Coastal Resilience Fund. Dock workers were sent home at noon, "
    "and the ferry service to Orsk Island was suspended until Thursday. Forecasters at the Nordic "
    "Weather Office expect the wind to ease by Wednesday evening, when inspections of the quays "
    "will begin. Shipping agents warned that fruit cargoes waiting in the bay could spoil if the "
    "port stays shut for more than three days. The authority said it would publish a reopening "
    "plan once divers had checked the outer moorings for damage."
)
# the copy cuts the sentence naming the harbour master, and adds one of its own
COPY_BODY = (
    "Storm Hallam forced the harbour authority in Valmora to close the port on Tuesday, stranding "
    "dozens of cargo ships offshore. The closure comes a week after the city council approved a "
    "new breakwater funded by the Coastal Resilience Fund. Dock workers were sent home at noon, "
    "and the ferry service to Orsk Island was suspended until Thursday. Forecasters at the Nordic "
    "Weather Office expect the wind to ease by Wednesday evening, when inspections of the quays "
    "will begin. Shipping agents warned that fruit cargoes waiting in the bay could spoil if the "
    "port stays shut for more than three days. The authority said it would publish a reopening "
    "plan once divers had checked the outer moorings for damage. Readers can send photos."
)
ORIGINAL_TITLE = "Storm Hallam Shuts Valmora Port"
COPY_TITLE = "Valmora port closed as storm hits"


def test_map_spans_moves_shared_spans_and_drops_cut_ones() -> None:
    src = "The mayor, Lena Ruiz, opened the bridge. Critics led by Omar Tal walked out early."
    dst = "Critics led by Omar Tal walked out early. The mayor, Lena Ruiz, opened the bridge today."
    lena, omar = src.index("Lena Ruiz"), src.index("Omar Tal")
    mapped = map_spans(src, dst, [(lena, lena + 9), (omar, omar + 8)])
    hits = [dst[s:e] for s, e in (m for m in mapped if m)]
    assert hits, mapped
    assert all(h in ("Lena Ruiz", "Omar Tal") for h in hits)
    cut = "The mayor opened the bridge. Critics walked out early."
    assert map_spans(src, cut, [(lena, lena + 9), (omar, omar + 8)]) == [None, None]
    # a name inside a longer word of the copy is not a match
    assert map_spans("Ask Tal now please.", "Ask Talbot now please.", [(4, 7)]) == [None]


def test_project_mentions_maps_onto_the_copy_text() -> None:
    vas = ORIGINAL_BODY.index("Ingrid Vasquez")
    orsk = ORIGINAL_BODY.index("Orsk Island")
    val_t = ORIGINAL_TITLE.index("Valmora")
    val_b = ORIGINAL_BODY.index("Valmora")
    mentions = [
        {"part": "body", "start_char": vas, "end_char": vas + 14, "surface_text": "Ingrid Vasquez",
         "label": "PERSON", "model_label": "PERSON", "entity_id": "E-vas", "role": None},
        {"part": "body", "start_char": orsk, "end_char": orsk + 11, "surface_text": "Orsk Island",
         "label": "LOC", "model_label": "LOC", "entity_id": "E-orsk", "role": None},
        {"part": "body", "start_char": val_b, "end_char": val_b + 7, "surface_text": "Valmora",
         "label": "GPE", "model_label": "GPE", "entity_id": "E-val", "role": None},
        {"part": "title", "start_char": val_t, "end_char": val_t + 7, "surface_text": "Valmora",
         "label": "GPE", "model_label": "GPE", "entity_id": "E-val", "role": None},
    ]  # fmt: skip
    rows = project_mentions(
        "copy",
        "canon",
        {"title": ORIGINAL_TITLE, "body": ORIGINAL_BODY},
        {"title": COPY_TITLE, "body": COPY_BODY},
        mentions,
        [(0, 0), (1, COPY_BODY.index("The closure"))],
    )
    texts = {"title": COPY_TITLE, "body": COPY_BODY}
    assert {r["entity_id"] for r in rows} == {"E-orsk", "E-val"}  # the cut name is gone
    # the copy's own headline, reworded, still names Valmora (a name of its body)
    assert [(r["surface_text"], r["entity_id"]) for r in rows if r["part"] == "title"] == [
        ("Valmora", "E-val")
    ]
    for r in rows:
        assert texts[r["part"]][r["start_char"] : r["end_char"]] == r["surface_text"]
        assert r["projected_from"] == "canon" and r["doc_id"] == "copy"
    assert [r["mention_index"] for r in rows] == list(range(len(rows)))
    assert next(r for r in rows if r["entity_id"] == "E-orsk")["sentence_index"] == 1


@pytest.fixture
def flow_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> Iterator[dict[str, Path]]:
    paths = {"input": tmp_path / "input", "db": tmp_path / "pub" / "parallax.duckdb"}
    paths["input"].mkdir()
    monkeypatch.setenv("PARALLAX_DB_PATH", str(paths["db"]))
    monkeypatch.setenv("PARALLAX_INPUT_DIR", str(paths["input"]))
    get_settings.cache_clear()
    yield paths
    get_settings.cache_clear()


def _snapshot(path: Path) -> dict[str, list[str]]:
    con = db.connect(path, read_only=True)
    try:
        out = {}
        for table in ("intermediate.int_mentions", "intermediate.int_entities", "marts.rpt_entity_coverage"):
            out[table] = sorted(repr(r) for r in con.execute(f"select * from {table}").fetchall())
        return out
    finally:
        con.close()


@pytest.mark.integration
def test_copy_from_another_source_names_what_it_prints(flow_env: dict[str, Path]) -> None:
    from flows.nightly import nightly

    (flow_env["input"] / "harbour_post").mkdir()
    (flow_env["input"] / "coast_daily").mkdir()
    (flow_env["input"] / "harbour_post" / "storm.txt").write_text(f"{ORIGINAL_TITLE}\n\n{ORIGINAL_BODY}\n")
    (flow_env["input"] / "coast_daily" / "storm.txt").write_text(f"{COPY_TITLE}\n\n{COPY_BODY}\n")
    first = nightly(input_dir=str(flow_env["input"]), db_path=str(flow_env["db"]), run_date="2026-11-20")
    assert first["status"] == "success" and first["validation_success"] is True

    con = db.connect(flow_env["db"], read_only=True)
    try:
        docs = dict(
            con.execute(
                "select source, doc_id from marts.dim_documents where duplicate_of is not null"
            ).fetchall()
        )
        assert set(docs) == {"coast_daily"}, docs
        copy_id = docs["coast_daily"]
        rows = con.execute(
            "select m.part, m.surface_text, m.start_char, m.end_char, m.projected_from, d.title, d.body, "
            "d.duplicate_of from marts.fct_mentions m join marts.dim_documents d using (doc_id) "
            "where m.doc_id = ?",
            [copy_id],
        ).fetchall()
        assert rows, "the copy carries no mentions"
        for part, text, s, e, projected_from, title, body, canonical in rows:
            assert (title if part == "title" else body)[s:e] == text
            assert projected_from == canonical
        surfaces = {r[1] for r in rows}
        assert not any("Vasquez" in t for t in surfaces)  # cut from the copy
        assert any("Orsk" in t for t in surfaces)
        assert any(r[0] == "title" for r in rows)  # the copy's own headline names Valmora
        canon_names = {
            r[0]
            for r in con.execute(
                "select surface_text from intermediate.int_mentions where doc_id = ?", [rows[0][7]]
            ).fetchall()
        }
        assert any("Vasquez" in t for t in canon_names)

        cov = con.execute(
            "select canonical_name, source, via_copy from marts.rpt_entity_coverage order by all"
        ).fetchall()
        copy_rows = [r for r in cov if r[1] == "coast_daily"]
        assert copy_rows and all(r[2] is True for r in copy_rows)
        assert all(r[2] is False for r in cov if r[1] == "harbour_post")
        div = con.execute(
            "select canonical_name, sources_with, sources_without, sources_via_copy "
            "from marts.rpt_entity_divergence"
        ).fetchall()
        vasquez = [r for r in div if "Vasquez" in r[0]]
        assert vasquez and vasquez[0][1] == ["harbour_post"] and vasquez[0][2] == ["coast_daily"]
        orsk = [r for r in div if "Orsk" in r[0]]
        assert orsk and orsk[0][1] == ["coast_daily", "harbour_post"] and orsk[0][3] == ["coast_daily"]
    finally:
        con.close()

    before = _snapshot(flow_env["db"])
    second = nightly(input_dir=str(flow_env["input"]), db_path=str(flow_env["db"]), run_date="2026-11-21")
    assert second["status"] == "success"
    assert _snapshot(flow_env["db"]) == before


def test_a_rolled_back_run_gives_copies_back_their_mentions(con, settings) -> None:  # type: ignore[no-untyped-def]
    """Re-projecting a copy replaces its rows; a failed run must put the earlier rows back (a failed
    night at 40,000 archived articles lost 106 projected mentions of 4 copies before this was logged)."""
    from test_dedup import add_docs

    from parallax.copies import project_copies
    from parallax.dedup import deduplicate

    ids = add_docs(
        con,
        "r1",
        [
            {"doc_id": "canon", "body": ORIGINAL_BODY, "title": ORIGINAL_TITLE},
            {"doc_id": "copy", "body": ORIGINAL_BODY, "title": COPY_TITLE},
        ],
    )
    deduplicate(con, "r1", ids, settings)
    assert con.execute(
        "select canonical_doc_id from intermediate.int_document_duplicates where doc_id = 'copy'"
    ).fetchall() == [("canon",)]
    start = ORIGINAL_BODY.index("Valmora")
    con.execute(
        "insert into intermediate.int_mentions (doc_id, mention_index, part, surface_text, label, "
        "sentence_index, start_char, end_char, entity_id, run_id) values "
        "('canon', 0, 'body', 'Valmora', 'GPE', 0, ?, ?, 'E1', 'r1')",
        [start, start + len("Valmora")],
    )
    project_copies(con, "r1", canonical_ids=["canon"])
    rows = "select * from intermediate.int_mentions order by all"
    before = con.execute(rows).fetchall()
    assert any(r[0] == "copy" for r in before)

    db.begin_run(con, "r2")
    db.log_before_images(con, "intermediate.int_mentions", "t.doc_id = 'canon'")
    con.execute("update intermediate.int_mentions set entity_id = 'E2' where doc_id = 'canon'")
    project_copies(con, "r2", canonical_ids=["canon"])  # the copy's rows are replaced
    copy_rows = con.execute("select entity_id, run_id from intermediate.int_mentions where doc_id = 'copy'")
    assert set(copy_rows.fetchall()) == {("E2", "r2")}
    db.rollback_run(con, "r2")
    assert con.execute(rows).fetchall() == before
