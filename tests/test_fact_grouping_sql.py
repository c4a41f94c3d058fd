"""marts.rpt_fact_comparison files general figures under the specific measure they agree with:
a count with no predicate ("26 crew on board") and an unnamed age in a range ("in her 60s")."""

from __future__ import annotations

import duckdb
import pytest
from story_rows import Corpus, build_story, rows


@pytest.fixture
def con(mem_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """In-memory: these tests read views over rows they insert."""
    return mem_con


@pytest.fixture
def story(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Story S1 told by sources a, b, c and e (documents da, db, dc, de)."""
    return build_story(con)


def _count(story: Corpus, doc: str, value: float, measure: str, cls: str | None, **extra: object) -> None:
    bounds = {"lower_value": value, "upper_value": value, "value_precision": 0.5, **extra}
    story.fact(doc, "Raisi", "cardinal", value, None, measure, measure_class=cls, **bounds)


def _unnamed_age(story: Corpus, doc: str, value: float, noun: str) -> None:
    """ "a 61-year-old man": an exact age of someone the document does not name."""
    story.fact(
        doc, "Raisi", "age", value, "year", f"age:{noun}", lower_value=value, upper_value=value,
        value_precision=0.5, measure_evidence=f"age of the {noun}",
    )  # fmt: skip


def _by_source(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bool]]:
    got = rows(con, "select source, measure, is_conflict from marts.rpt_fact_comparison order by source")
    return {r["source"]: (r["measure"], r["is_conflict"]) for r in got}


def test_a_general_count_is_filed_under_the_measure_it_agrees_with(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    _count(story, "da", 26, "arrested", "people")
    _count(story, "db", 26, "arrested", "people")
    _count(story, "dc", 26, "people", "people")  # "26 crew on board"
    _count(story, "de", 40, "people", "people")  # another count: stays general, no conflict made
    got = _by_source(con)
    assert got["c"] == ("arrested", False)
    assert got["e"] == ("people", False)
    assert not any(flag for _, flag in got.values())
    evidence = rows(con, "select measure_evidence from marts.rpt_fact_comparison where source = 'c'")
    assert "filed under arrested" in evidence[0]["measure_evidence"]


def test_a_count_of_other_people_with_no_predicate_is_filed_like_a_general_count(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "twelve other people escaped" (a, b) and "a dozen other people were in the office" (c:
    # people:other, no predicate): c agrees with the story's one people measure, so it is filed there
    _count(story, "da", 12, "escaped", "people")
    _count(story, "db", 12, "escaped", "people")
    _count(story, "dc", 12, "people:other", "people")
    _count(story, "de", 30, "people:other", "people")  # agrees with nothing: shown, never a conflict,
    got = _by_source(con)  # beside the story's other general counts of people
    assert got["c"] == ("escaped", False)
    assert got["e"] == ("people", False)


def test_an_open_ended_measure_takes_no_general_count(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "at least one injured" agrees with any count: it cannot claim "a dozen people were there"
    _count(story, "da", 1, "injured", "people", upper_value=None)
    _count(story, "dc", 12, "people", "people")
    assert _by_source(con)["c"] == ("people", False)


def test_a_general_count_between_two_equal_measures_stays_general(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    _count(story, "da", 26, "arrested", "people")
    _count(story, "db", 26, "rescued", "people")
    _count(story, "dc", 26, "people", "people")
    assert _by_source(con)["c"] == ("people", False)


def test_a_bare_group_is_filed_under_the_people_measure_listing_it(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "12 Somali and 11 Yemeni pirates were arrested" (a and b) and "among them were 11 Yemenis" (c)
    _count(story, "da", 11, "arrested:yemeni", "people")
    _count(story, "db", 11, "arrested:yemeni", "people")
    _count(story, "dc", 11, "yemeni", "yemeni")
    _count(story, "de", 12, "yemeni", "yemeni")  # disagrees with the listed count: stays apart
    got = _by_source(con)
    assert got["c"] == ("arrested:yemeni", False)
    assert got["e"][0] == "yemeni"


def test_another_class_is_never_a_home(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    _count(story, "da", 3, "vessel:seized", "vessel")
    _count(story, "dc", 3, "people", "people")
    assert _by_source(con)["c"] == ("people", False)


def test_an_unnamed_age_in_a_range_is_the_named_person_of_that_age(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    age = {"value_precision": 0.5}
    story.fact(
        "da", "Raisi", "age", 66.0, "year", "age:raisi", lower_value=66.0, upper_value=66.0,
        measure_evidence="age of Raisi", **age,
    )  # fmt: skip
    story.fact(
        "db", "Raisi", "age", 36.0, "year", "age:sharif", lower_value=36.0, upper_value=36.0,
        measure_evidence="age of Sharif", **age,
    )  # fmt: skip
    story.fact(
        "dc", "Raisi", "age", 60.0, "year", "age:person", lower_value=60.0, upper_value=69.0,
        measure_evidence="age of an unnamed person", **age,
    )  # fmt: skip
    got = _by_source(con)
    assert got["c"] == ("age:raisi", False)


def test_unnamed_ages_nobody_is_named_with_meet_by_value(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    _unnamed_age(story, "da", 61.0, "man")
    _unnamed_age(story, "db", 61.0, "employee")
    _unnamed_age(story, "dc", 45.0, "man")  # another value: another person, never a conflict with 61
    got = _by_source(con)
    assert got["a"] == got["b"] == ("age:unnamed:61", False)
    assert got["c"] == ("age:unnamed:45", False)


def test_a_lone_unnamed_age_one_year_off_what_most_sources_give_is_a_conflict(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    for doc in ("da", "db", "dc"):
        _unnamed_age(story, doc, 12.0, "girl")  # "a 12-year-old girl"
    _unnamed_age(story, "de", 11.0, "girl")  # one outlet alone: "an 11-year-old girl"
    got = _by_source(con)
    assert got["e"] == ("age:unnamed:12", True) and got["a"] == ("age:unnamed:12", True)
    evidence = rows(con, "select measure_evidence from marts.rpt_fact_comparison where source = 'e'")
    assert "3 sources give the girl the age 12" in evidence[0]["measure_evidence"]


def test_unnamed_ages_of_other_nouns_or_fewer_sources_stay_apart(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    _unnamed_age(story, "da", 12.0, "girl")
    _unnamed_age(story, "db", 12.0, "girl")
    _unnamed_age(story, "dc", 11.0, "girl")  # two sources against one: no usual value to be off from
    _unnamed_age(story, "de", 13.0, "daughter")  # another noun: another person
    got = _by_source(con)
    assert got["c"] == ("age:unnamed:11", False) and got["e"] == ("age:unnamed:13", False)


def test_an_open_ended_general_count_stays_general(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "at least a dozen people were at the party" is not the "12 escaped" count
    _count(story, "da", 12, "escaped", "people")
    _count(story, "db", 12, "escaped", "people")
    _count(story, "dc", 12, "people", "people", upper_value=None)
    assert _by_source(con)["c"] == ("people", False)


def test_a_length_tied_to_no_event_is_filed_under_the_event_it_agrees_with(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    def length(doc: str, value: float, measure: str) -> None:
        story.fact(
            doc, "Raisi", "duration", value, "hour", measure, measure_class="duration", lower_value=value,
            upper_value=value, value_precision=0.5,
        )  # fmt: skip

    length("da", 2, "negotiation")  # "two hours of negotiations"
    length("db", 2, "duration:2")  # "after two hours he surrendered"
    length("dc", 3, "duration:3")  # another length: no event of the story takes it, no measure
    got = _by_source(con)
    assert got["b"] == ("negotiation", False)
    assert got["c"] == (None, False)


def test_counts_with_no_predicate_are_never_a_conflict(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "10,000 members", "more than 400 women and children": counts of people the story names no
    # event measure for may count different people; shown side by side, never flagged
    _count(story, "da", 10000, "people", "people")
    _count(story, "db", 400, "people", "people")
    assert _by_source(con) == {"a": ("people", False), "b": ("people", False)}
    # so may counts of things keyed by their noun alone: "four touchdowns" (this season) and "nine
    # touchdowns" (in 10 games) are other counts, not a disagreement
    _count(story, "dc", 4, "touchdown", "touchdown")
    _count(story, "de", 9, "touchdown", "touchdown")
    got = _by_source(con)
    assert got["c"] == ("touchdown", False) and got["e"] == ("touchdown", False)


def test_a_count_by_a_verb_outside_the_table_is_never_a_conflict_on_its_own(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "pirates hold at least 17 ships" / "still hold about a dozen ships": vessel:hold has no event
    # predicate of the table; two outlets may count different ships (here, piracy's running tally)
    _count(story, "da", 17, "vessel:hold", None)
    _count(story, "db", 12, "vessel:hold", None)
    assert _by_source(con) == {"a": ("vessel:hold", False), "b": ("vessel:hold", False)}


def test_boats_that_acted_are_compared(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "two boats closed in on the tanker" (a), "the pirates, in three boats, attempted to board" (b):
    # one act told in different verbs, keyed vessel:acting; two and three boats cannot both be true
    _count(story, "da", 2, "vessel:acting", None)
    _count(story, "db", 3, "vessel:acting", None)
    _count(story, "dc", 2, "vessel:acting", None)
    got = _by_source(con)
    assert got == {"a": ("vessel:acting", True), "b": ("vessel:acting", True), "c": ("vessel:acting", True)}


def test_a_key_one_source_gives_two_values_holds_several_quantities(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # a gives two boats seized and, later, four: the key holds two quantities, so b's three is no
    # disagreement with either
    _count(story, "da", 2, "vessel:seized", "vessel")
    story.fact(
        "da", "Pakistan", "cardinal", 4, None, "vessel:seized", measure_class="vessel",
        lower_value=4, upper_value=4, value_precision=0.5,
    )  # fmt: skip
    _count(story, "db", 3, "vessel:seized", "vessel")
    assert not any(r["is_conflict"] for r in rows(con, "select is_conflict from marts.rpt_fact_comparison"))


def test_a_named_age_one_source_gives_twice_is_two_times(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # a: "Orozco, 27" (his arrest) and "Orozco, 29" (his trial, two years on); b: 27
    for doc, value, text in (("da", 27.0, "Raisi"), ("da", 29.0, "Pakistan"), ("db", 27.0, "Raisi")):
        story.fact(
            doc, text, "age", value, "year", "age:raisi", lower_value=value, upper_value=value,
            value_precision=0.5, measure_evidence="age of Raisi",
        )  # fmt: skip
    assert not any(r["is_conflict"] for r in rows(con, "select is_conflict from marts.rpt_fact_comparison"))


def test_a_toll_one_source_updates_still_compares(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "five died ... the toll rose to 11" in a, seven in b: a toll keeps comparing
    _count(story, "da", 5, "deaths", "people")
    story.fact(
        "da", "Pakistan", "cardinal", 11, None, "deaths", measure_class="people",
        lower_value=11, upper_value=11, value_precision=0.5,
    )  # fmt: skip
    _count(story, "db", 7, "deaths", "people")
    assert _by_source(con)["b"] == ("deaths", True)


def test_a_count_of_a_thing_is_filed_under_the_one_measure_of_its_class(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "police seized seven AK-47s" (a, b), "twelve AK-47s were recovered" (c), and "the cache held
    # seven AK-47 rifles" (e: no predicate): the only ak47 measure of the story is where it belongs,
    # and there it disagrees with c like a and b do
    _count(story, "da", 7, "ak47:seized", "ak47")
    _count(story, "db", 7, "ak47:seized", "ak47")
    _count(story, "dc", 12, "ak47:seized", "ak47")
    _count(story, "de", 7, "ak47", "ak47")
    got = _by_source(con)
    assert got["e"] == ("ak47:seized", True)
    assert got["c"] == ("ak47:seized", True)


def test_a_count_of_a_thing_between_two_measures_of_its_class_stays_general(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    _count(story, "da", 3, "vessel:seized", "vessel")
    _count(story, "db", 2, "vessel:escaped", "vessel")
    _count(story, "dc", 5, "vessel:seized", "vessel")
    _count(story, "de", 3, "vessel", "vessel")  # agrees with one seized figure, but which measure?
    assert _by_source(con)["e"] == ("vessel", False)


def test_counts_of_other_people_and_vague_plurals_are_shown_never_a_conflict(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "Jeffs and 11 other men were charged" vs "12 other defendants were charged": with or
    # without the named man, both can be right
    _count(story, "da", 11, "charged:other", "people")
    _count(story, "db", 12, "charged:other", "people")
    assert _by_source(con) == {"a": ("charged:other", False), "b": ("charged:other", False)}
    # "two other rifles" vs "three other rifles": things keep comparing
    _count(story, "dc", 2, "rifle:seized:other", "rifle")
    _count(story, "de", 3, "rifle:seized:other", "rifle")
    got = _by_source(con)
    assert got["c"] == ("rifle:seized:other", True) and got["e"] == ("rifle:seized:other", True)


def test_a_vague_plural_is_never_a_conflict(con: duckdb.DuckDBPyConnection, story: Corpus) -> None:
    # "assaulting two girls" vs "a career with hundreds of victims": an order of size, another scope
    _count(story, "da", 2, "victims", "people")
    _count(story, "db", 2, "victims", "people")
    _count(story, "dc", 100, "victims", "people", upper_value=None, value_text="hundreds")
    assert not any(flag for _, flag in _by_source(con).values())
    _count(story, "de", 5, "victims", "people")  # an exact figure does disagree
    assert _by_source(con)["e"] == ("victims", True)


def test_a_count_by_a_verb_outside_the_table_joins_the_one_agreeing_measure_of_its_noun(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "three cables were damaged" (a, b) and "three cables went down" (c: cable:go, no class)
    _count(story, "da", 3, "cable:damaged", "cable")
    _count(story, "db", 3, "cable:damaged", "cable")
    _count(story, "dc", 3, "cable:go", None)
    _count(story, "de", 4, "cable:go", None)  # disagrees: keeps its own key, makes no conflict
    got = _by_source(con)
    assert got["c"] == ("cable:damaged", False)
    assert got["e"] == ("cable:go", False)


def test_a_count_by_a_verb_outside_the_table_is_compared_in_the_one_measure_of_its_noun(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "three cables were damaged" (a), "two cables were damaged" (b), "three cables were cut" (c:
    # cable:cut, no class): the story's one cable measure has a figure agreeing with c, so c is
    # compared there, and disagrees with b as a does
    _count(story, "da", 3, "cable:damaged", "cable")
    _count(story, "db", 2, "cable:damaged", "cable")
    _count(story, "dc", 3, "cable:cut", None)
    _count(story, "de", 3, "rifle:find:other", None)  # a set besides another: never filed
    got = _by_source(con)
    assert got["c"] == ("cable:damaged", True) and got["b"] == ("cable:damaged", True)
    assert got["e"] == ("rifle:find:other", False)


def test_an_undated_age_given_higher_at_the_trial_is_an_update(con: duckdb.DuckDBPyConnection) -> None:
    # no publication dates: "Orozco, 27" on his arrest, "Orozco, 29" when the jury found him guilty
    c = Corpus(con)
    c.doc("d1", "a", "Orozco, 27, was arrested near the house.", story="S1", title="Suspect arrested")
    c.doc("d2", "b", "A jury found Orozco, 29, guilty of murder.", story="S1", title="Verdict")
    c.doc("d3", "c", "Orozco, 28, was held without bail.", story="S1", title="Suspect held")
    for doc, value in (("d1", 27.0), ("d2", 29.0), ("d3", 28.0)):
        c.fact(
            doc, "Orozco", "age", value, "year", "age:orozco", lower_value=value, upper_value=value,
            value_precision=0.5, measure_evidence="age of Orozco",
        )  # fmt: skip
    got = {
        r["source"]: (r["is_conflict"], r["is_update"])
        for r in rows(con, "select source, is_conflict, is_update from marts.rpt_fact_comparison")
    }
    # the trial's 29 updates both earlier ages; the two reports before the trial still disagree
    assert got == {"a": (True, True), "b": (False, True), "c": (True, True)}


def test_a_figure_background_only_for_naming_the_storys_year_is_compared(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # a trial article's "the deaths of two co-workers in 2010" in a story of 2010 articles
    c = Corpus(con)
    c.doc("d1", "a", "Hiller killed two co-workers at the plant.", story="S1")
    c.doc("d2", "b", "Hiller killed three co-workers at the plant.", story="S1")
    c.doc("d3", "c", "Hiller is charged with the deaths of two co-workers in 2010.", story="S1")
    for doc, value, evidence in (
        ("d1", 2.0, "verb 'killed' -> deaths"),
        ("d2", 3.0, "verb 'killed' -> deaths"),
        ("d3", 2.0, "noun 'deaths' -> deaths; background: year 2010"),
    ):
        c.fact(
            doc, "Hiller", "cardinal", value, None, "deaths", measure_class="people", lower_value=value,
            upper_value=value, value_precision=0.5, measure_evidence=evidence, is_background=doc == "d3",
            background_year=2010 if doc == "d3" else None,
        )  # fmt: skip
    query = "select source, is_background, is_conflict from marts.rpt_fact_comparison"
    con.execute("update intermediate.int_document_stories set text_year = 2010")
    got = {r["source"]: (r["is_background"], r["is_conflict"]) for r in rows(con, query)}
    assert got == {"a": (False, True), "b": (False, True), "c": (False, True)}
    # another year than the story's stays background
    con.execute("update intermediate.int_document_stories set text_year = 2012")
    got = {r["source"]: (r["is_background"], r["is_conflict"]) for r in rows(con, query)}
    assert got["c"] == (True, False)


def test_counts_of_a_noun_told_in_different_verbs_share_the_key_most_sources_give(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    # "288 candidates are running" (a, b), "vying" (c): one key, grouped, never compared
    _count(story, "da", 288, "candidate:run", None)
    _count(story, "db", 288, "candidate:run", None)
    _count(story, "dc", 288, "candidate:vie", None)
    _count(story, "de", 300, "candidate:reach", None)  # disagrees: keeps its own key
    got = _by_source(con)
    assert got == {
        "a": ("candidate:run", False),
        "b": ("candidate:run", False),
        "c": ("candidate:run", False),
        "e": ("candidate:reach", False),
    }
    evidence = rows(con, "select measure_evidence from marts.rpt_fact_comparison where source = 'c'")
    assert "the key of this noun most sources of the story give" in evidence[0]["measure_evidence"]


def test_a_figure_that_does_not_say_whose_joins_the_one_key_that_does_and_agrees(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    def tenure(doc: str, value: float, measure: str, evidence: str) -> None:
        story.fact(
            doc, "Raisi", "duration", value, "year", measure, lower_value=value, upper_value=value,
            value_precision=0.5, measure_evidence=evidence,
        )  # fmt: skip

    tenure("da", 15, "tenure:hiller", "'employee': how long someone worked; of hiller")
    tenure("db", 30, "tenure:ryan", "'worked': how long someone worked; of ryan")
    tenure("dc", 15, "tenure", "'worked': how long someone worked")  # agrees with Hiller's only
    tenure("de", 20, "tenure", "'veteran': how long someone worked")  # agrees with neither
    got = _by_source(con)
    assert got["c"] == ("tenure:hiller", False)
    assert got["e"] == ("tenure", False)
    assert not any(flag for _, flag in got.values())


def test_a_few_or_several_is_shown_beside_a_number_never_against_it(
    con: duckdb.DuckDBPyConnection, story: Corpus
) -> None:
    story.fact("da", "Raisi", "cardinal", 10, None, "deaths", measure_class="people", lower_value=10,
               upper_value=10, value_precision=0.5)  # fmt: skip
    story.fact("db", "Raisi", "cardinal", 3, None, "deaths", measure_class="people", lower_value=3,
               upper_value=3, value_precision=0.5)  # fmt: skip
    con.execute("update intermediate.int_facts set value_text = 'a few' where doc_id = 'db'")
    got = _by_source(con)
    assert got == {"a": ("deaths", False), "b": ("deaths", False)}


def test_a_story_whose_documents_name_many_years_has_no_year_of_its_own(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # undated articles of a 2009 arrest that each name one of the sect's past years
    c = Corpus(con)
    for doc, source in (("d1", "a"), ("d2", "b"), ("d3", "c"), ("d4", "e")):
        c.doc(doc, source, "Two leaders were arrested. Raisi said so.", story="S1")
    c.fact("d1", "Two", "cardinal", 2.0, None, "arrested", measure_class="people", lower_value=2.0,
           upper_value=2.0, value_precision=0.5)  # fmt: skip
    c.fact("d2", "Two", "cardinal", 3.0, None, "arrested", measure_class="people", lower_value=3.0,
           upper_value=3.0, value_precision=0.5, is_background=True, background_year=2005,
           measure_evidence="background: 'last year'")  # fmt: skip
    set_year = "update intermediate.int_document_stories set text_year = ? where doc_id = ?"
    for doc, year in (("d1", 2005), ("d2", 2005), ("d3", 2003), ("d4", 2002)):
        con.execute(set_year, [year, doc])
    query = "select source, is_background, is_conflict from marts.rpt_fact_comparison"
    got = {r["source"]: (r["is_background"], r["is_conflict"]) for r in rows(con, query)}
    assert got == {"a": (False, False), "b": (True, False)}
    # three of four documents of 2005: the story's year, and the figure is compared
    con.execute("update intermediate.int_document_stories set text_year = 2005 where doc_id = 'd3'")
    got = {r["source"]: (r["is_background"], r["is_conflict"]) for r in rows(con, query)}
    assert got == {"a": (False, True), "b": (False, True)}
