"""Stories: same event from several sources -> one stable story; other occasions -> other stories."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

import pyarrow as pa
from conftest import corpus
from sklearn.metrics import adjusted_rand_score
from test_dedup import BASE, OTHER, add_docs
from test_storysplit import FIGHT_A, FIGHT_B

from parallax import db
from parallax.dedup import deduplicate
from parallax.settings import REPO_ROOT, Settings
from parallax.stories import assign_stories
from parallax.story_terms import text_terms

SEED_ARTICLES = REPO_ROOT / "seeds" / "articles"


def sample_docs() -> list[dict]:
    docs = []
    for path in sorted(SEED_ARTICLES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        docs.append({"doc_id": path.stem, "source": path.stem, "title": title.strip(), "body": body.strip()})
    return docs


def stories(con) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = con.execute("select doc_id, story_id, method from intermediate.int_document_stories").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def run(con, run_id: str, docs: list[dict], settings: Settings) -> list[str]:  # type: ignore[no-untyped-def]
    ids = add_docs(con, run_id, docs)
    deduplicate(con, run_id, ids, settings)
    return assign_stories(con, run_id, ids, settings).doc_ids


def test_sample_articles_form_one_story(con, settings: Settings) -> None:
    docs = sample_docs()
    assert len(docs) == 3
    assert sorted(run(con, "r1", docs, settings)) == sorted(d["doc_id"] for d in docs)
    st = stories(con)
    assert len({s for s, _ in st.values()}) == 1
    assert sorted(m for _, m in st.values()) == ["new_story", "similarity", "similarity"]


def test_new_article_attaches_to_existing_story_on_a_second_run(con, settings: Settings) -> None:
    first, second, third = sample_docs()
    flood = {"doc_id": "flood", "body": OTHER, "title": "Floods close schools"}
    run(con, "r1", [first, second, flood], settings)
    before = stories(con)
    run(con, "r2", [third], settings)
    after = stories(con)
    assert {d: after[d] for d in before} == before  # ids unchanged
    assert after[third["doc_id"]] == (before[first["doc_id"]][0], "similarity")
    assert before["flood"][0] != before[first["doc_id"]][0]
    rows = con.execute(
        "select count(*) from intermediate.int_story_doc_terms where doc_id = ? and run_id = 'r2'",
        [third["doc_id"]],
    ).fetchone()
    assert rows is not None and rows[0] > 0


def test_unrelated_articles_found_two_stories(con, settings: Settings) -> None:
    run(con, "r1", [{"doc_id": "bank", "body": BASE}, {"doc_id": "flood", "body": OTHER}], settings)
    st = stories(con)
    assert st["bank"][0] != st["flood"][0]
    assert {m for _, m in st.values()} == {"new_story"}
    assert st["bank"][0].startswith("S")


def test_near_duplicates_share_their_canonical_story(con, settings: Settings) -> None:
    docs = [
        {"doc_id": "a", "body": BASE, "source": "x"},
        {"doc_id": "b", "body": BASE.replace("3.2 percent", "3.1 percent"), "source": "y"},
        {"doc_id": "c", "body": BASE, "title": "Another headline", "source": "z"},
    ]
    run(con, "r1", docs, settings)
    st = stories(con)
    assert st["b"] == (st["a"][0], "duplicate")
    assert st["c"] == (st["a"][0], "duplicate")
    # a copy arriving later inherits the story too
    run(con, "r2", [{"doc_id": "d", "body": BASE[: BASE.index(" The next")]}], settings)
    assert stories(con)["d"] == (st["a"][0], "duplicate")


def test_time_window_separates_occasions(con, settings: Settings) -> None:
    far = datetime(2024, 1, 1, tzinfo=UTC)
    later = datetime(2024, 6, 3, tzinfo=UTC)
    docs = [
        {"doc_id": "jan", "body": BASE, "published_at": far},
        {
            "doc_id": "jun",
            "body": BASE.replace("Tuesday", "Thursday").replace("March", "May") + " Markets fell.",
            "published_at": later,
        },
    ]
    ids = add_docs(con, "r1", docs)
    # not copies for this test: skip dedup, each document is its own canonical
    assign_stories(con, "r1", ids, settings)
    st = stories(con)
    assert st["jan"][0] != st["jun"][0]


def test_rerun_changes_nothing(con, settings: Settings) -> None:
    docs = [*sample_docs(), {"doc_id": "flood", "body": OTHER}]
    ids = run(con, "r1", docs, settings)
    tables = ["int_document_stories", "int_story_doc_terms", "int_story_term_df"]

    def snapshot() -> dict[str, list]:
        return {t: sorted(con.execute(f"select * from intermediate.{t}").fetchall(), key=str) for t in tables}

    before = snapshot()
    assert assign_stories(con, "r1", ids, settings).doc_ids == ids
    assert assign_stories(con, "r2", ids, settings).doc_ids == ids
    assert snapshot() == before


def test_entities_from_mentions_join_the_profile(con, settings: Settings) -> None:
    ids = add_docs(con, "r1", [{"doc_id": "bank", "body": BASE}])
    start = BASE.index("Maria Keller")
    mention = pa.table(
        {
            "doc_id": ["bank"],
            "mention_index": pa.array([0], pa.int32()),
            "surface_text": ["Maria Keller"],
            "label": ["PERSON"],
            "model_label": ["PERSON"],
            "sentence_index": pa.array([1], pa.int32()),
            "start_char": pa.array([start], pa.int32()),
            "end_char": pa.array([start + 12], pa.int32()),
            "entity_id": ["E-keller"],
            "role": ["Governor"],
            "run_id": ["r1"],
        }
    )
    db.insert_arrow(con, "intermediate.int_mentions", mention)
    assign_stories(con, "r1", ids, settings)
    terms = {r[0] for r in con.execute("select term from intermediate.int_story_doc_terms").fetchall()}
    assert "e:E-keller" in terms
    assert "keller" in terms


def test_text_terms_weights_names_and_figures() -> None:
    counts = text_terms("Quake hits", "A strong quake hit Jakarta on Monday. It killed 120 people in 2009.")
    assert counts["quake"] == 3  # twice in the title, once in the body
    assert counts["jakarta"] == 3  # a name inside a sentence
    assert counts["#120"] == 2 and counts["#2009"] == 2
    assert "it" not in counts and "on" not in counts


def test_text_terms_a_figure_glued_to_letters_is_a_word() -> None:
    """A name, an ordinal, a decade ("76ers", "11th", "1990s"), never the figures 76, 11 or 1990 (as
    figures, every 76ers story would share an event figure, `storysplit.shared_figures`)."""
    counts = text_terms(None, "The 76ers fired their coach in the 1990s and the 11th hour. 76 fans came.")
    assert counts["76er"] == 1 and counts["11th"] == 1 and counts["1990"] == 1
    assert counts["#76"] == 2  # the figure written alone
    assert "#11" not in counts and "#1990" not in counts


def test_ecbplus_subtopics_of_one_topic_are_separated(con, settings: Settings) -> None:
    """ECB+ topics 1-10 (20 subtopics: two occasions of the same kind of event per topic), in two runs."""
    path = corpus("ecbplus", "ecbplus_docs.jsonl")
    recs = [r for r in map(json.loads, path.open(encoding="utf-8")) if int(r["topic"]) <= 10]
    truth: dict[str, str] = {}
    for i, part in enumerate((recs[::2], recs[1::2])):
        docs = [{"doc_id": r["doc"], "source": r["domain"] or "ecb", "body": r["text"]} for r in part]
        truth.update({r["doc"]: r["subtopic"] for r in part})
        run(con, f"r{i}", docs, settings)
    st = stories(con)
    ari = adjusted_rand_score([truth[d] for d in truth], [st[d][0] for d in truth])
    by_story: dict[str, set[str]] = defaultdict(set)
    for d, sub in truth.items():
        by_story[st[d][0]].add(sub)
    topics_per_story = [{s.split("_")[0] for s in subs} for subs in by_story.values()]
    assert all(len(t) == 1 for t in topics_per_story)  # never two kinds of event in one story
    # sister subtopics (same topic, other occasion) share a story in at most 3 of 10 topics
    assert sum(1 for subs in by_story.values() if len(subs) > 1) <= 3
    assert ari >= 0.75, ari


def test_small_batches_keep_one_story(con, settings: Settings, monkeypatch) -> None:
    import parallax.stories as stories_mod

    monkeypatch.setattr(stories_mod, "BATCH_DOCS", 1)
    docs = [*sample_docs(), {"doc_id": "flood", "body": OTHER}]
    run(con, "r1", docs, settings)
    st = stories(con)
    assert len({st[d["doc_id"]][0] for d in sample_docs()}) == 1
    assert st["flood"][0] != st[docs[0]["doc_id"]][0]
    df = con.execute("select sum(df) from intermediate.int_story_term_df where term = ''").fetchone()
    assert df == (4,)


def story_rows(con) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    rows = con.execute(
        "select doc_id, story_id, similarity, method, run_id from intermediate.int_document_stories"
    )
    return {r[0]: r[1:] for r in rows.fetchall()}


def test_a_story_holding_two_events_is_split_and_a_rollback_puts_it_back(con, settings: Settings) -> None:
    """Two occasions merged by a permissive threshold are split once the second has two articles.

    Run 1 puts three articles about one fight and the first article about a rematch in one story (a
    lone article cannot be split off). Run 2 brings two more rematch articles: the story is split,
    the founder's part keeps the id, run 1's rematch article moves (keeping its run stamp, logged in
    int_story_moves), and rolling run 2 back puts it where it was.
    """
    from parallax.stage import stable_id

    merged = settings.model_copy(update={"story_threshold": 0.05})
    a = [{"doc_id": f"fight-a{i}", "body": t, "source": f"outlet{i}"} for i, t in enumerate(FIGHT_A)]
    b = [{"doc_id": f"fight-b{i}", "body": t, "source": f"outlet{i}"} for i, t in enumerate(FIGHT_B)]
    run(con, "r1", [*a, b[0]], merged)
    before = story_rows(con)
    founder = stable_id("fight-a0", prefix="S")
    assert {r[0] for r in before.values()} == {founder}

    result = assign_stories(con, "r2", add_docs(con, "r2", b[1:]), merged)
    after = story_rows(con)
    rematch = stable_id("fight-b0", prefix="S")
    assert {d: after[d] for d in ("fight-a0", "fight-a1", "fight-a2")} == {
        d: before[d] for d in ("fight-a0", "fight-a1", "fight-a2")
    }
    assert {after[d][0] for d in ("fight-b0", "fight-b1", "fight-b2")} == {rematch}
    assert after["fight-b0"][2:] == ("split", "r1")  # moved, keeps the run that assigned it
    assert {after[d][2:] for d in ("fight-b1", "fight-b2")} == {("split", "r2")}
    assert result.counts["split"] == 2
    moves = con.execute(
        "select doc_id, run_id, from_story_id, to_story_id, from_method, from_run_id "
        "from intermediate.int_story_moves"
    ).fetchall()
    assert moves == [("fight-b0", "r2", founder, rematch, before["fight-b0"][2], "r1")]

    # a rerun changes nothing
    assign_stories(con, "r2", ["fight-b1", "fight-b2"], merged)
    assert story_rows(con) == after

    # rolling run 2 back restores run 1's story exactly
    db.rollback_run(con, "r2")
    assert story_rows(con) == before
    assert con.execute("select count(*) from intermediate.int_story_moves").fetchone() == (0,)

    # and running it again gives the same stories
    assign_stories(con, "r2", add_docs(con, "r2", b[1:]), merged)
    assert story_rows(con) == after


def test_splitting_disabled_keeps_the_merged_story(con, settings: Settings) -> None:
    merged = settings.model_copy(update={"story_threshold": 0.05, "story_split_ncut": 0.0})
    docs = [{"doc_id": f"a{i}", "body": t} for i, t in enumerate(FIGHT_A)]
    docs += [{"doc_id": f"b{i}", "body": t} for i, t in enumerate(FIGHT_B)]
    run(con, "r1", docs, merged)
    assert len({s for s, _ in stories(con).values()}) == 1


def test_one_run_splits_two_events_found_together(con, settings: Settings) -> None:
    merged = settings.model_copy(update={"story_threshold": 0.05})
    docs = [{"doc_id": f"a{i}", "body": t} for i, t in enumerate(FIGHT_A)]
    docs += [{"doc_id": f"b{i}", "body": t} for i, t in enumerate(FIGHT_B)]
    run(con, "r1", docs, merged)
    st = stories(con)
    assert len({st[f"a{i}"][0] for i in range(3)}) == 1 and len({st[f"b{i}"][0] for i in range(3)}) == 1
    assert st["a0"][0] != st["b0"][0]
    assert con.execute("select count(*) from intermediate.int_story_moves").fetchone() == (0,)


def test_terms_in_too_many_documents_are_not_used_to_find_neighbours(con, settings: Settings) -> None:
    """The neighbour lookup skips terms found in more than `story_query_max_docs` documents (its
    cost stays ~ query terms x cap on template-heavy archives); at a cap of one document no term
    the archive shares is looked up, so the third sample article cannot find its story."""
    first, second, third = sample_docs()
    capped = settings.model_copy(update={"story_query_max_docs": 1})
    run(con, "r1", [first, second], capped)
    before = stories(con)
    run(con, "r2", [third], capped)
    assert stories(con)[third["doc_id"]][0] not in {s for s, _ in before.values()}


def test_stop_words_copy_equals_scikit_learn_list() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as sklearn_words

    from parallax.stopwords import ENGLISH_STOP_WORDS

    assert frozenset(sklearn_words) == ENGLISH_STOP_WORDS


def test_terms_held_by_too_many_stories_bring_no_candidates(con, settings: Settings, monkeypatch) -> None:
    """Template words every story holds do not make every story a candidate (cost ~ batch x
    stories): a term held by more than CANDIDATE_MAX_STORIES stories finds none. At 0 not even
    the first sample article's story is found by the others, so each founds its own."""
    import parallax.stories as stories_mod

    monkeypatch.setattr(stories_mod, "CANDIDATE_MAX_STORIES", 0)
    run(con, "r1", sample_docs(), settings)
    assert sorted(m for _, m in stories(con).values()) == ["new_story"] * 3


def test_text_year_is_the_year_the_text_writes_most() -> None:
    from parallax.story_terms import text_year

    text = "SEPTEMBER 18, 2013. Microsoft patched the flaw in 2013, as it had done in 2008."
    assert text_year("Patch released", text) == 2013
    # equals: the first written (a dateline, the event's year) before the background
    assert text_year("2009: quake hits", "The 2004 tsunami was worse than this one in 2009. 2004") == 2009
    # no year: figures with separators or decimals, four digits inside longer numbers, other numbers
    assert text_year("Shares", "Sales rose to 1,987 units, 2013.5 tonnes, 120013 and 75 pct") is None
    assert text_year(None, None) is None


def test_only_uncommon_text_years_count_and_dated_documents_have_none(con, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from parallax.story_store import common_text_years

    docs = [
        {"doc_id": f"u{i}", "source": "s", "title": f"Harbour news {i}", "body": body}
        for i, body in enumerate(
            [
                "In 2013 the harbour council met again about the ferry timetable and the pier.",
                "The 2013 repairs of the pier were finished, the harbour council said on Monday.",
                "The harbour council said the 2013 budget would cover the pier and a new crane.",
                "Back in 2009 the council had voted against a new crane for the harbour and pier.",
            ]
        )
    ]
    dated = {
        "doc_id": "d0",
        "source": "s",
        "title": "Harbour news dated",
        "body": "The ferry company said its 2013 timetable adds a late boat on Fridays in summer.",
        "published_at": datetime(2014, 1, 2, tzinfo=UTC),
    }
    run(con, "r1", [*docs, dated], settings)
    years = dict(con.execute("select doc_id, text_year from intermediate.int_document_stories").fetchall())
    assert years == {"u0": 2013, "u1": 2013, "u2": 2013, "u3": 2009, "d0": None}
    assert common_text_years(con, 0.5) == {2013}  # 3 of the 4 undated documents
    assert common_text_years(con, 0.8) == set()


def test_a_dated_batch_looks_up_stories_through_documents_inside_the_window(con, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from parallax.story_store import candidate_stories

    topics = {
        "old": ("Velmora port strike ends", "Dock workers in Velmora ended their strike over pay.", 1),
        "recent": ("Velmora ferry delayed", "The Velmora ferry was delayed by fog on the river.", 3),
        "undated": ("Velmora museum opens", "A museum of shipbuilding opened in Velmora harbour.", None),
    }
    docs = [
        {
            "doc_id": k,
            "source": k,
            "title": t,
            "body": b,
            "published_at": None if m is None else datetime(2020, m, 1, tzinfo=UTC),
        }
        for k, (t, b, m) in topics.items()
    ]
    run(con, "r1", docs, settings.model_copy(update={"story_threshold": 0.99}))  # three stories
    story = {d: s for d, (s, _) in stories(con).items()}
    assert len(set(story.values())) == 3
    query = {"q": {"velmora": 1.0}}
    assert set(candidate_stories(con, query)) == set(story.values())
    since = datetime(2020, 2, 15, tzinfo=UTC)
    assert set(candidate_stories(con, query, since=since)) == {story["recent"], story["undated"]}


def test_one_event_in_two_stories_is_merged_and_a_rollback_puts_them_back(con, settings: Settings) -> None:
    """Run 1 (a strict threshold) leaves the three sample articles in three stories. Run 2 (the
    shipped threshold) brings an article made of two of them, close to both: the stories are one
    event (their union has no clear cut), so they merge. Run 1's moved articles keep their run
    stamp and are logged in int_story_moves; a rerun changes nothing; rolling run 2 back restores
    run 1's stories."""
    strict = settings.model_copy(update={"story_threshold": 0.95})
    docs = sample_docs()
    run(con, "r1", docs, strict)
    before = story_rows(con)
    assert len({r[0] for r in before.values()}) == 3

    paragraphs = [p for d in docs[:2] for p in d["body"].split("\n\n") if len(p) > 200]
    body = "\n\n".join(paragraphs)
    fourth = {"doc_id": "fourth", "source": "fourth", "title": docs[1]["title"], "body": body}
    assign_stories(con, "r2", add_docs(con, "r2", [fourth]), settings)
    after = story_rows(con)
    assert len({after[d][0] for d in (docs[0]["doc_id"], docs[1]["doc_id"], "fourth")}) == 1
    assert len({r[0] for r in after.values()}) == 2
    moved = {d for d in before if after[d][0] != before[d][0]}
    assert moved and all(after[d][2:] == ("merge", "r1") for d in moved)
    moves = con.execute("select doc_id, from_story_id, to_story_id from intermediate.int_story_moves")
    moves = moves.fetchall()
    assert {m[0] for m in moves} == moved
    assert all(m[1] == before[m[0]][0] and m[2] == after[m[0]][0] for m in moves)
    assert after["fourth"][0] in {r[0] for r in before.values()}  # an id analysts have seen stays

    assign_stories(con, "r2", ["fourth"], settings)  # a rerun changes nothing
    assert story_rows(con) == after
    db.rollback_run(con, "r2")
    assert story_rows(con) == before
    assert con.execute("select count(*) from intermediate.int_story_moves").fetchone() == (0,)


def test_a_part_split_off_joins_the_story_of_its_event(con, settings: Settings) -> None:
    """A rematch article joins the fight's story (run 1), a later rematch article founds its own story
    (run 2, a strict threshold), and the third, nearer the fight's story than the rematch story three
    days older, joins the fight's story (run 3): the split cuts the two rematch articles off, and the
    part they form is the rematch story's event, so they move there. A rerun changes nothing."""
    from datetime import UTC, datetime, timedelta

    from parallax.stage import stable_id

    day = datetime(2024, 5, 6, 9, tzinfo=UTC)
    loose = settings.model_copy(update={"story_threshold": 0.05})
    a = [{"doc_id": f"a{i}", "body": t, "published_at": day} for i, t in enumerate(FIGHT_A)]
    b = [{"doc_id": f"b{i}", "body": t, "published_at": day} for i, t in enumerate(FIGHT_B)]
    b[2]["published_at"] = day - timedelta(days=3)
    run(con, "r1", [*a, b[0]], loose)
    run(con, "r2", [b[2]], settings.model_copy(update={"story_threshold": 0.99}))
    fight, rematch = stable_id("a0", prefix="S"), stable_id("b2", prefix="S")
    assert {s for s, _ in stories(con).values()} == {fight, rematch}
    run(con, "r3", [b[1]], loose)
    after = stories(con)
    assert {d: s for d, (s, _) in after.items()} == {"a0": fight, "a1": fight, "a2": fight} | {
        f"b{i}": rematch for i in range(3)
    }
    assert after["b0"][1] == "merge" and after["b1"][1] == "merge"
    # the run's one move of run 1's article says where it ended, not the part it passed through
    moves = con.execute("select doc_id, run_id, from_story_id, to_story_id from intermediate.int_story_moves")
    assert moves.fetchall() == [("b0", "r3", fight, rematch)]
    assign_stories(con, "r3", ["b1"], loose)
    assert stories(con) == after
    # rolling run 3 back puts run 1's article back in the fight's story
    db.rollback_run(con, "r3")
    assert stories(con)["b0"] == (fight, "similarity") and "b1" not in stories(con)
    assert con.execute("select count(*) from intermediate.int_story_moves").fetchone() == (0,)
