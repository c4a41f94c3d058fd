"""Unit tests for the marts views: given these rows in the upstream tables -> expect these rows.

Each test inserts a handful of rows (through the same Arrow path the stages use) into a fresh working
database with every SQL object applied, then reads one view.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest
from story_rows import T0, Corpus, build_story, given, rows

from parallax import copies, db, similarity
from parallax.history import snapshot_run
from parallax.settings import Settings


@pytest.fixture
def con(mem_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """In-memory: these tests read views over rows they insert."""
    return mem_con


@pytest.fixture
def story(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Story S1 told by four sources (a, b, c, e) plus an exact copy in source d; a lone document in x."""
    return build_story(con)


def test_dim_documents_story_duplicate_and_current(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    got = {r["doc_id"]: r for r in rows(con, "select * from marts.dim_documents")}
    assert set(got) == {"da", "db", "dc", "de", "dd", "dx"}
    assert got["dd"]["duplicate_of"] == "da" and not got["dd"]["is_canonical"]
    assert got["dd"]["story_id"] == "S1", "a copy inherits its canonical document's story"
    assert got["da"]["duplicate_of"] is None and got["da"]["is_canonical"]
    assert got["dx"]["story_id"] == "Sdx", "unassigned canonical document is its own story"
    assert got["da"]["title"] == "Raisi in Pakistan"
    assert got["da"]["body"].startswith("Raisi met Sharif")
    assert all(r["is_current"] for r in got.values())


def test_dim_documents_is_current_marks_latest_version(con: duckdb.DuckDBPyConnection) -> None:
    c = Corpus(con)
    c.doc("v1", "a", "First version of the text.", path="a/file.txt", minutes=1)
    c.doc("v2", "a", "Second version of the text.", path="a/file.txt", minutes=5, run_id="r2")
    got = {r[0]: r[1] for r in con.execute("select doc_id, is_current from marts.dim_documents").fetchall()}
    assert got == {"v1": False, "v2": True}


def test_dim_documents_before_dedup_and_cleaning(con: duckdb.DuckDBPyConnection) -> None:
    given(
        con,
        "raw.documents",
        [
            {
                "doc_id": "raw1",
                "path": "p.txt",
                "source": "p",
                "file_sha256": "f",
                "content_sha256": "c",
                "format": "text",
                "title": "T",
                "text": "Body.",
                "ingested_at": T0,
                "run_id": "r1",
            }
        ],
    )
    got = rows(con, "select story_id, is_canonical, duplicate_of, title, body from marts.dim_documents")
    assert got == [
        {"story_id": "Sraw1", "is_canonical": False, "duplicate_of": None, "title": "T", "body": None}
    ]


def test_dim_entities(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    got = {r["entity_id"]: r for r in rows(con, "select * from marts.dim_entities")}
    assert got["E_raisi"]["aliases"] == ["Ebrahim Raisi", "Raisi"]
    assert (got["E_raisi"]["doc_count"], got["E_raisi"]["source_count"]) == (4, 4)
    assert (got["E_pak"]["mention_count"], got["E_pak"]["doc_count"]) == (4, 3)
    assert got["E_sharif"]["aliases"] == [] and got["E_sharif"]["source_count"] == 1


def test_fct_mentions_offsets_and_story(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    got = rows(con, "select m.*, d.body from marts.fct_mentions m join marts.dim_documents d using (doc_id)")
    assert len(got) == 12
    for r in got:
        assert r["body"][r["start_char"] : r["end_char"]] == r["surface_text"]
    assert {r["story_id"] for r in got if r["doc_id"] == "da"} == {"S1"}


def test_dim_stories(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    got = {r["story_id"]: r for r in rows(con, "select * from marts.dim_stories")}
    s1 = got["S1"]
    assert (s1["doc_count"], s1["canonical_doc_count"], s1["source_count"]) == (5, 4, 5)
    assert s1["sources"] == ["a", "b", "c", "d", "e"]
    assert s1["title"] == "Raisi in Pakistan"
    assert s1["entity_count"] == 4
    assert s1["first_seen_at"] == T0 + timedelta(minutes=1)
    assert got["Sdx"]["doc_count"] == 1


def test_rpt_entity_coverage(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    got = rows(
        con, "select * from marts.rpt_entity_coverage where story_id = 'S1' order by entity_id, source"
    )
    keyed = {(r["entity_id"], r["source"]): r for r in got}
    independent = {
        ("E_raisi", "a"),
        ("E_raisi", "b"),
        ("E_raisi", "c"),
        ("E_raisi", "e"),
        ("E_pak", "a"),
        ("E_pak", "b"),
        ("E_pak", "c"),
        ("E_iran", "a"),
        ("E_iran", "b"),
        ("E_sharif", "a"),
    }
    assert set(keyed) == independent, "the copy in source d names nothing before its mentions are mapped"
    # the copy in source d carries its canonical's mentions once they are mapped onto its text
    copies.project_copies(con, "r1", copy_ids=["dd"])
    got = rows(
        con, "select * from marts.rpt_entity_coverage where story_id = 'S1' order by entity_id, source"
    )
    keyed = {(r["entity_id"], r["source"]): r for r in got}
    via_copy = {(e, "d") for e in ("E_raisi", "E_pak", "E_iran", "E_sharif")}
    assert set(keyed) == independent | via_copy
    assert all(keyed[k]["via_copy"] is (k in via_copy) for k in keyed)
    assert keyed[("E_pak", "d")]["mention_count"] == 2
    assert keyed[("E_pak", "a")]["mention_count"] == 2
    assert keyed[("E_pak", "a")]["canonical_name"] == "Pakistan"
    assert keyed[("E_raisi", "a")]["first_appearance_share"] == 0.0
    body = story.bodies["da"]
    assert keyed[("E_iran", "a")]["first_appearance_share"] == round(body.index("Iran") / len(body), 4)
    assert keyed[("E_iran", "a")]["first_sentence_index"] == 1


def test_rpt_entity_divergence(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # source d runs a copy of a's article: it is a source of the story and names what its copy prints
    copies.project_copies(con, "r1", copy_ids=["dd"])
    got = {
        r["entity_id"]: r for r in rows(con, "select * from marts.rpt_entity_divergence where story_id='S1'")
    }
    assert {e: r["coverage"] for e, r in got.items()} == {
        "E_raisi": "consensus",
        "E_pak": "majority",
        "E_iran": "majority",
        "E_sharif": "minority",
    }
    assert got["E_iran"]["sources_with"] == ["a", "b", "d"]
    assert got["E_iran"]["sources_without"] == ["c", "e"]
    assert got["E_iran"]["sources_via_copy"] == ["d"]
    assert got["E_raisi"]["sources_without"] == []
    assert (got["E_pak"]["source_count"], got["E_pak"]["story_source_count"]) == (4, 5)
    assert (got["E_sharif"]["sources_with"], got["E_sharif"]["sources_via_copy"]) == (["a", "d"], ["d"])
    lone = rows(con, "select coverage from marts.rpt_entity_divergence where story_id = 'Sdx'")
    assert lone == [{"coverage": "unique"}]


def test_rpt_fact_comparison(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    story.fact("da", "$2 billion", "money", 2e9, "USD", "trade")
    story.fact("db", "$3 billion", "money", 3e9, "USD", "trade")
    story.fact("dc", "today", "date", None, "2026-11-01", None)
    got = {r["source"]: r for r in rows(con, "select * from marts.rpt_fact_comparison where story_id = 'S1'")}
    assert got["a"]["is_conflict"] and got["b"]["is_conflict"]
    assert (got["a"]["sources_reporting_measure"], got["a"]["sources_agreeing"]) == (2, 1)
    assert got["a"]["sentence"] == "Iran and Pakistan agreed on trade of $2 billion."
    assert not got["c"]["is_conflict"] and got["c"]["sources_reporting_measure"] is None


def test_rpt_fact_comparison_agreeing_figures_are_no_conflict(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    story.fact("da", "$2 billion", "money", 2e9, "USD", "trade")
    story.fact("db", "$3 billion", "money", 2e9, "USD", "trade")  # same normalized value, other wording
    got = rows(
        con, "select source, is_conflict, sources_agreeing from marts.rpt_fact_comparison order by source"
    )
    assert got == [
        {"source": "a", "is_conflict": False, "sources_agreeing": 2},
        {"source": "b", "is_conflict": False, "sources_agreeing": 2},
    ]


def test_rpt_fact_comparison_dates_are_not_compared(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # calendar dates are when things happened, not figures of the event: never a conflict (they were
    # most of the noise flagged before measures existed)
    story.fact("dc", "today", "date", None, "2026-11-01", "arrival")
    story.fact("de", "length", "date", None, "2026-11-02", "arrival")
    story.fact("da", "Raisi", "duration", 3.0, "day", "visit")  # durations compare on number and unit
    story.fact("db", "Raisi", "duration", 4.0, "day", "visit")
    got = {
        (r["source"], r["measure"]): r["is_conflict"]
        for r in rows(con, "select source, measure, is_conflict from marts.rpt_fact_comparison")
    }
    assert got == {
        ("c", "arrival"): False,
        ("e", "arrival"): False,
        ("a", "visit"): True,
        ("b", "visit"): True,
    }


def _flags(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[bool, bool]]:
    got = rows(con, "select source, is_conflict, is_update from marts.rpt_fact_comparison order by source")
    return {r["source"]: (r["is_conflict"], r["is_update"]) for r in got}


def test_bounds_that_can_all_be_true_are_no_conflict(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "at least 5", "more than 200" and "249" can all be true
    story.fact("da", "Raisi", "cardinal", 5.0, None, "deaths", lower_value=5.0, value_precision=0.5)
    story.fact("db", "Raisi", "cardinal", 200.0, None, "deaths", lower_value=200.0, value_precision=0.5)
    story.fact(
        "dc",
        "Raisi",
        "cardinal",
        249.0,
        None,
        "deaths",
        lower_value=249.0,
        upper_value=249.0,
        value_precision=0.5,
    )
    assert _flags(con) == {"a": (False, False), "b": (False, False), "c": (False, False)}


def test_rounding_is_no_conflict_but_another_value_is(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # 6 and 6.2 miles are one figure rounded; an age of 60 against 61 is a disagreement
    story.fact(
        "da", "Raisi", "quantity", 6.0, "mile", "depth", lower_value=6.0, upper_value=6.0, value_precision=0.5
    )
    story.fact(
        "db",
        "Raisi",
        "quantity",
        6.2,
        "mile",
        "depth",
        lower_value=6.2,
        upper_value=6.2,
        value_precision=0.05,
    )
    story.fact(
        "dc",
        "Raisi",
        "age",
        60.0,
        "year",
        "age:raisi",
        lower_value=60.0,
        upper_value=60.0,
        value_precision=0.5,
    )
    story.fact(
        "de",
        "Raisi",
        "age",
        61.0,
        "year",
        "age:raisi",
        lower_value=61.0,
        upper_value=61.0,
        value_precision=0.5,
    )
    assert _flags(con) == {"a": (False, False), "b": (False, False), "c": (True, False), "e": (True, False)}


def test_background_figures_are_never_compared(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    story.fact("da", "Raisi", "cardinal", 12.0, None, "deaths", lower_value=12.0, upper_value=12.0)
    story.fact(
        "db",
        "Raisi",
        "cardinal",
        300.0,
        None,
        "deaths",
        lower_value=300.0,
        upper_value=300.0,
        is_background=True,
    )
    got = rows(
        con, "select source, is_conflict, sources_reporting_measure from marts.rpt_fact_comparison order by 1"
    )
    assert got == [
        {"source": "a", "is_conflict": False, "sources_reporting_measure": 1},
        {"source": "b", "is_conflict": False, "sources_reporting_measure": None},
    ]


def test_a_later_higher_toll_is_an_update(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    story.fact("da", "Raisi", "cardinal", 12.0, None, "deaths", lower_value=12.0, upper_value=12.0)
    story.fact("db", "Raisi", "cardinal", 30.0, None, "deaths", lower_value=30.0, upper_value=30.0)
    con.execute("update raw.documents set published_at = ? where doc_id = 'da'", [T0])
    con.execute("update raw.documents set published_at = ? where doc_id = 'db'", [T0 + timedelta(hours=6)])
    assert _flags(con) == {"a": (False, True), "b": (False, True)}
    con.execute("update raw.documents set published_at = null")  # order unknown: a disagreement
    assert _flags(con) == {"a": (True, False), "b": (True, False)}


def test_a_named_age_later_by_the_years_between_is_an_update(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "Orozco, 27" at his arrest and "29" at his trial two years later: no disagreement; two years
    # apart a month later is one
    story.fact("da", "Raisi", "age", 27.0, "year", "age:orozco", lower_value=27.0, upper_value=27.0)
    story.fact("db", "Raisi", "age", 29.0, "year", "age:orozco", lower_value=29.0, upper_value=29.0)
    con.execute("update raw.documents set published_at = ? where doc_id = 'da'", [T0])
    con.execute("update raw.documents set published_at = ? where doc_id = 'db'", [T0 + timedelta(days=730)])
    assert _flags(con) == {"a": (False, True), "b": (False, True)}
    con.execute("update raw.documents set published_at = ? where doc_id = 'db'", [T0 + timedelta(days=30)])
    assert _flags(con) == {"a": (True, False), "b": (True, False)}
    con.execute("update raw.documents set published_at = ? where doc_id = 'db'", [T0 - timedelta(days=730)])
    assert _flags(con) == {"a": (True, False), "b": (True, False)}  # younger later: a disagreement


def test_rpt_attribution_comparison(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    story.attribution("dc", 0, "Raisi", "E_raisi", "arrive", "pakistan")
    story.attribution("de", 0, "Raisi", "E_raisi", "speak", None)
    got = {
        (r["source"], r["predicate"]): r
        for r in rows(con, "select * from marts.rpt_attribution_comparison where story_id = 'S1'")
    }
    assert got[("a", "raise")]["is_conflict"] and got[("b", "raise")]["is_conflict"]
    assert got[("a", "raise")]["actor_name"] == "Shehbaz Sharif"
    assert got[("b", "raise")]["actor_name"] == "Ebrahim Raisi"
    assert got[("a", "raise")]["sentence"] == "Raisi met Sharif in Pakistan."
    assert not got[("c", "arrive")]["is_conflict"]
    assert not got[("e", "speak")]["is_conflict"]


def test_rpt_attribution_same_actor_is_no_conflict(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    story.attribution("da", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    got = rows(con, "select is_conflict, sources_reporting from marts.rpt_attribution_comparison")
    assert got == [{"is_conflict": False, "sources_reporting": 2}] * 2


def test_int_attributions_upgrades_a_file_without_polarity(settings: Settings) -> None:
    c = duckdb.connect()
    c.execute("create schema intermediate")
    c.execute(
        "create table intermediate.int_attributions (doc_id varchar not null, attribution_index integer "
        "not null, kind varchar not null, actor_entity_id varchar, actor_text varchar not null, predicate "
        "varchar not null, topic varchar, topic_text varchar, quote varchar, sentence_index integer not "
        "null, start_char integer not null, end_char integer not null, run_id varchar not null, "
        "primary key (doc_id, attribution_index))"
    )
    c.execute(
        "insert into intermediate.int_attributions values ('d', 0, 'action', null, 'X', 'raise', "
        "'kashmir issue', null, null, 0, 0, 1, 'r0')"
    )
    db.apply_sql(c, settings.sql)
    assert c.execute("select polarity, cue from intermediate.int_attributions").fetchall() == [
        ("affirmed", None)
    ]
    c.close()


def test_rpt_attribution_polarity_separates_claims(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # a says Sharif raised it, b says Raisi did NOT raise it: different claims, no actor conflict
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue", polarity="negated")
    got = {r["source"]: r for r in rows(con, "select * from marts.rpt_attribution_comparison")}
    assert got["a"]["polarity"] == "affirmed" and got["b"]["polarity"] == "negated"
    assert not got["a"]["is_conflict"] and not got["b"]["is_conflict"]
    assert got["a"]["sources_reporting"] == 1 == got["b"]["sources_reporting"]


def test_rpt_attribution_negated_claims_conflict_on_actors(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue", polarity="negated")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue", polarity="negated")
    got = rows(con, "select source, is_conflict from marts.rpt_attribution_comparison order by source")
    assert got == [{"source": "a", "is_conflict": True}, {"source": "b", "is_conflict": True}]


def test_rpt_attribution_conflict_compares_entity_ids(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "Sharif" (a) and "Raisi" resolved to one entity (b, c): same actor, whatever the text says;
    # an unresolved actor (e) neither conflicts nor makes a conflict
    story.attribution("da", 0, "Sharif", "E_raisi", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    story.attribution("de", 0, "Raisi", None, "raise", "kashmir issue")
    got = {r["source"]: r for r in rows(con, "select * from marts.rpt_attribution_comparison")}
    assert not any(r["is_conflict"] for r in got.values()), got
    assert got["a"]["actor_name"] == "Ebrahim Raisi"


def test_rpt_attribution_pronoun_actor_is_shown_but_never_flagged(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    # as if b wrote "He raised it", "he" resolved to Raisi
    con.execute("update intermediate.int_attributions set actor_text = 'He' where doc_id = 'db'")
    got = {r["source"]: r for r in rows(con, "select * from marts.rpt_attribution_comparison")}
    assert got["b"]["actor_name"] == "Ebrahim Raisi"
    assert not got["a"]["is_conflict"] and not got["b"]["is_conflict"]


def test_rpt_attribution_source_naming_both_actors(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # a names Sharif and Raisi, b names Raisi only: they agree on Raisi, a naming one more is no
    # disagreement; c naming only Iran disagrees with both
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("da", 1, "Raisi", "E_raisi", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    got = {
        (r["source"], r["actor_entity_id"]): r["is_conflict"]
        for r in rows(con, "select * from marts.rpt_attribution_comparison")
    }
    assert got == {("a", "E_sharif"): False, ("a", "E_raisi"): False, ("b", "E_raisi"): False}
    story.attribution("dc", 0, "Pakistan", "E_pak", "raise", "kashmir issue")
    got = {
        (r["source"], r["actor_entity_id"]): r["is_conflict"]
        for r in rows(con, "select * from marts.rpt_attribution_comparison")
    }
    assert all(got.values()) and len(got) == 4, got


def test_report_shows_polarity_and_counts_only_real_conflicts(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    from parallax.report import render_report

    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue", polarity="negated")
    page = render_report(con, "S1")
    assert 'data-polarity="negated"' in page and "<b>not</b> raise" in page
    assert 'data-conflict="true"' not in page


def test_rpt_source_similarity_pairs_a_storys_first_200_documents(con: duckdb.DuckDBPyConnection) -> None:
    """Pairs grow with the square of a story's size: a pile of template items pairs only its first 200."""
    c = Corpus(con)
    for i in range(203):
        body = f"Bulletin {i}: sunny in the north, rain later."
        c.doc(f"d{i:03d}", f"s{i % 5}", body, story="Sbig", minutes=i)
    similarity.refresh(con, "r1")
    got = con.execute(
        "select count(*), count(distinct doc_a), max(greatest(doc_a, doc_b)) from marts.rpt_source_similarity"
    ).fetchone()
    assert got == (200 * 199 // 2, 199, "d199")


def test_rpt_source_similarity(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    similarity.refresh(con, "r1")
    got = {
        (r["doc_a"], r["doc_b"]): r
        for r in rows(con, "select * from marts.rpt_source_similarity where story_id = 'S1'")
    }
    assert set(got) == {("da", "db"), ("da", "dc"), ("da", "de"), ("db", "dc"), ("db", "de"), ("dc", "de")}
    ab = got[("da", "db")]
    # entities: a {raisi, sharif, pak, iran}, b {raisi, pak, iran} -> 3/4
    assert ab["entity_jaccard"] == 0.75 and ab["shared_entity_count"] == 3
    words_a = {
        "raisi",
        "met",
        "sharif",
        "in",
        "pakistan",
        "iran",
        "and",
        "agreed",
        "on",
        "trade",
        "of",
        "2",
        "billion",
    }
    words_b = {"raisi", "visited", "pakistan", "iran", "wants", "trade", "of", "3", "billion"}
    assert ab["text_similarity"] == round(len(words_a & words_b) / len(words_a | words_b), 4)
    assert (ab["source_a"], ab["source_b"]) == ("a", "b")


def test_rpt_story_changes(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    copies.project_copies(con, "r1", copy_ids=["dd"])  # source d names what its copy of a prints
    assert snapshot_run(con, "r1") > 0
    first = rows(con, "select * from marts.rpt_story_changes where story_id = 'S1'")
    assert first and all(r["change"] == "added" and r["previous_run_id"] is None for r in first)
    assert {r["item_key"] for r in first if r["item_kind"] == "source"} == {"a", "b", "c", "d", "e"}

    # run r2: a new source f joins S1, naming Iran and Sharif (Raisi: consensus -> majority)
    c2 = Corpus(con, run_id="r2")
    c2.bodies = story.bodies
    c2.n_docs = 10
    c2.doc("df", "f", "Iran and Sharif were seen.", story="S1")
    c2.mentions("df", ("Iran", "E_iran"), ("Sharif", "E_sharif"))
    snapshot_run(con, "r2")
    latest = rows(
        con,
        "select * from marts.rpt_story_changes where story_id = 'S1' and is_latest "
        "order by item_kind, item_key",
    )
    changes = {(r["change_type"], r["item_key"]): (r["old_value"], r["new_value"]) for r in latest}
    assert ("source_added", "f") in changes
    assert ("document_added", "df") in changes
    assert changes[("entity_changed", "E_raisi")] == ("consensus", "majority")
    assert ("entity_changed", "E_iran") not in changes  # 3 of 5 sources, then 4 of 6: majority
    assert all(r["previous_run_id"] == "r1" and r["run_id"] == "r2" for r in latest)
    # the macro reads only the stories asked for, and gives the view's rows for them
    some = "select * from marts.rpt_story_changes_for(?::varchar[]) order by all"
    view = "select * from marts.rpt_story_changes where story_id = any(?::varchar[]) order by all"
    assert rows(con, some, [["S1"]]) == rows(con, view, [["S1"]]) != []
    assert rows(con, some, [[]]) == []
    assert rows(con, "select * from marts.rpt_story_changes_for(null) order by all") == rows(
        con, "select * from marts.rpt_story_changes order by all"
    )
    assert "Sdx" not in {
        r[0] for r in con.execute("select story_id from audit.story_snapshots where run_id = 'r2'").fetchall()
    }, "untouched story"
    # rerunning the snapshot of a run replaces it
    before = con.execute("select count(*) from audit.story_snapshots").fetchall()
    snapshot_run(con, "r2")
    assert con.execute("select count(*) from audit.story_snapshots").fetchall() == before


def test_every_marts_view_and_column_is_commented(con: duckdb.DuckDBPyConnection) -> None:
    views = rows(con, "select view_name, comment from duckdb_views() where schema_name = 'marts'")
    assert {v["view_name"] for v in views} >= {
        "dim_documents",
        "dim_entities",
        "fct_mentions",
        "dim_stories",
        "rpt_entity_coverage",
        "rpt_entity_divergence",
        "rpt_fact_comparison",
        "rpt_attribution_comparison",
        "rpt_source_similarity",
        "rpt_story_changes",
    }
    assert all(v["comment"] for v in views)
    missing = rows(
        con,
        "select table_name, column_name from duckdb_columns() "
        "where schema_name in ('marts', 'audit') and (comment is null or comment = '')",
    )
    assert missing == []


def test_dim_entities_for(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    """The macro reads only the entities asked for and gives the view's rows for them."""
    every = rows(con, "select * from marts.dim_entities order by all")
    ids = sorted({r["entity_id"] for r in every})[:2]
    assert len(ids) == 2 and any(r["doc_count"] for r in every if r["entity_id"] in ids)
    some = "select * from marts.dim_entities_for(?::varchar[]) order by all"
    assert rows(con, some, [ids]) == [r for r in every if r["entity_id"] in ids]
    assert rows(con, some, [[]]) == []
    assert rows(con, "select * from marts.dim_entities_for(null) order by all") == every
