"""Names for story assignment: which mentions look like names, name variants, the headline check."""

from __future__ import annotations

from collections import Counter

import duckdb
import pyarrow as pa
import pytest
from test_dedup import add_docs

from parallax import db
from parallax import stories as stories_mod
from parallax.settings import Settings
from parallax.stories import assign_stories
from parallax.story_names import is_name, name_mentions, name_tokens, name_words, variant_index, word_cases

NONE: Counter[str] = Counter()
HEAD_SIM = stories_mod.HEAD_SIM


def test_a_time_zone_after_a_clock_time_is_not_a_name() -> None:
    title = "Brent crude slips to $61 at 12:42 GMT"
    assert not is_name("GMT", "ORG", title, title.index("GMT"), NONE, NONE)
    # an all-caps word that is no zoneinfo key, right after a clock time, is taken for one too
    for text in ("Sterling firms at 12:42 BST", "Trading halted at 9.30 a.m. HKT"):
        assert not is_name(text[-3:], "ORG", text, len(text) - 3, NONE, NONE)
    # the same shape elsewhere is a name
    title = "IBM cuts prices of mainframes"
    assert is_name("IBM", "ORG", title, 0, NONE, NONE)
    # a country code that is also a time-zone name ("NZ", "GB") is a name when labelled a place
    assert is_name("NZ", "GPE", "NZ dollar firms", 0, NONE, NONE)
    assert not is_name("EST", "ORG", "Markets open EST", 13, NONE, NONE)


def test_ordinary_capitalised_headline_words_are_not_names() -> None:
    bodies = [
        "The article was filed on Monday. Every article in the series named Halvorsen Mills.",
        "A payout of two cents was declared. The payout is the first since Halvorsen Mills listed.",
        "Its quarterly payout rose, the article said.",
    ]
    lower, upper = word_cases(bodies)
    assert lower["article"] == 3 and lower["payout"] == 3
    assert upper["halvorsen"] == 2 and lower["halvorsen"] == 0
    assert not is_name("Article", "ORG", "Article", 0, lower, upper)
    assert not is_name("PAYOUT", "ORG", "HALVORSEN MILLS SETS PAYOUT", 21, lower, upper)
    assert is_name("HALVORSEN MILLS", "ORG", "HALVORSEN MILLS SETS PAYOUT", 0, lower, upper)
    # a label that names no participant is never a name
    assert not is_name("Halvorsen Mills", "PRODUCT", "Halvorsen Mills", 0, lower, upper)


def test_an_abbreviation_with_dots_is_a_name() -> None:
    lower, upper = word_cases(["They told us so, and us alone, said the mayor."])
    assert lower["us"] == 2
    assert is_name("U.S.", "GPE", "U.S. raises tariffs", 0, lower, upper)
    assert not is_name("US", "GPE", "US raises tariffs", 0, lower, upper)  # no dots: a common word here


def test_name_mentions_keeps_the_names_of_each_document() -> None:
    docs = {"d1": {"title": "Kraft bid at 10:15 EST", "body": "Kraft raised its bid."}}
    rows = [
        {"doc_id": "d1", "entity_id": "E-kraft", "surface_text": "Kraft", "label": "ORG", "start_char": 0},
        {"doc_id": "d1", "entity_id": "E-est", "surface_text": "EST", "label": "ORG", "start_char": 19},
    ]
    lower, upper = word_cases(d["body"] for d in docs.values())
    assert name_mentions(rows, docs, "title", lower, upper) == {"d1": Counter({"e:E-kraft": 1})}


def test_name_tokens_drop_function_words_and_possessives() -> None:
    assert name_tokens("Bank of England") == frozenset({"bank", "england"})
    assert name_tokens("Halvorsen's") == frozenset({"halvorsen"})
    assert name_tokens("Bill Evans") == frozenset({"bill", "evans"})  # a capitalised stop word is a name


def test_name_variants_need_a_rare_word_in_the_shorter_name() -> None:
    names = {"e:short": "Kraft", "e:long": "Kraft Foods Inc", "e:other": "General Mills"}
    rare = variant_index(names, {"kraft": 2, "food": 40, "general": 40}, name_df=3)
    assert rare("e:short") == {"e:short", "e:long"}
    assert rare("e:long") == {"e:long", "e:short"}
    assert rare("e:other") == {"e:other"}
    assert rare("kraft") == {"kraft"}  # a word term has no variants
    # the shorter name holds only common words: no variants
    common = variant_index(names, {"kraft": 40}, name_df=3)
    assert common("e:short") == {"e:short"}
    general = variant_index(
        {"e:g": "General", "e:gm": "General Mills"}, {"general": 40, "mill": 1}, name_df=3
    )
    assert general("e:g") == {"e:g"}


def test_template_heading_words_never_make_a_name_rare() -> None:
    # the model read an all-caps results headline as a name whose canonical form is "QTR JAN";
    # "qtr" is written lower-case in the batch's bodies and "Jan" is a month: neither makes that
    # heading a variant of every company's "... 2ND QTR JAN" headline
    lower, upper = word_cases(["Profit for the 2nd qtr rose, the qtr ending Jan 31, said Halvorsen Corp."])
    names = {
        "e:heading": "QTR JAN",
        "e:halvorsen": "HALVORSEN CORP HALV 2ND QTR JAN",
        "e:brannock": "BRANNOCK INC BRNK 2ND QTR JAN",
    }
    df = {"qtr": 5, "jan": 5, "halvorsen": 1, "brannock": 1, "corp": 40, "inc": 40}
    related = variant_index(names, df, name_df=12, lower=lower, upper=upper)
    assert related("e:halvorsen") == {"e:halvorsen"}
    assert related("e:brannock") == {"e:brannock"}
    # without the batch's word cases, "qtr" counts as a rare word and ties each headline to the heading
    assert variant_index(names, df, name_df=12)("e:halvorsen") == {"e:halvorsen", "e:heading"}
    # a name's own rare word still relates its variants
    kraft = {"e:short": "Kraft", "e:long": "Kraft Foods Inc"}
    assert variant_index(kraft, {"kraft": 2}, name_df=3, lower=lower, upper=upper)("e:short") == {
        "e:short",
        "e:long",
    }


def test_name_words_are_headline_words_rarely_written_lower_case() -> None:
    lower, upper = word_cases(["Shares of Halvorsen rose after the merger talks, the merger board said."])
    # "merger" and "talks" are written lower-case in the batch; a word the batch never shows counts
    assert name_words("Halvorsen Merger Talks Stall", lower, upper) == ["halvorsen", "stall"]
    assert name_words("Halvorsen Chiefs", NONE, NONE) == ["halvorsen", "chief"]  # terms are stemmed


# ---- the headline check, through the stories step -------------------------------------------

OLD = {
    "doc_id": "old",
    "title": "Crane collapses at Velmora port",
    "body": "A crane collapsed on Tuesday at the container port of Velmora, injuring four dock "
    "workers. Port director Anja Brandt said the crane had been inspected in May. Inspector Lars "
    "Oskarsson signed that report. Shipping was halted for the rest of the day, two ferries were "
    "diverted to Rosk, and dock unions called a strike over pay and the age of the equipment.",
}
NEW = {
    "doc_id": "new",
    "title": "Oskarsson to review cranes",
    "body": "Brandt faced questions from the city council on Wednesday about safety rules, and "
    "Oskarsson will lead the review, which should take three weeks.",
}


def _mentions(con: duckdb.DuckDBPyConnection, doc: dict, part: str, names: list[tuple[str, str]]) -> None:
    text = doc[part]
    rows = []
    for i, (surface, entity) in enumerate(names):
        start = text.index(surface)
        rows.append(
            {
                "doc_id": doc["doc_id"],
                "mention_index": i,
                "part": part,
                "surface_text": surface,
                "label": "PERSON",
                "model_label": "PERSON",
                "sentence_index": 0,
                "start_char": start,
                "end_char": start + len(surface),
                "entity_id": entity,
                "run_id": "r1",
            }
        )
    db.insert_arrow(con, "intermediate.int_mentions", pa.Table.from_pylist(rows))


def _assign_both(
    con: duckdb.DuckDBPyConnection, settings: Settings, old_names: list[tuple[str, str]]
) -> dict[str, tuple[str, str, float | None]]:
    """The old document alone in run 1 (with `old_names` mentioned in its body), the new one in run 2."""
    ids = add_docs(con, "r1", [OLD])
    if old_names:
        _mentions(con, OLD, "body", old_names)
    assign_stories(con, "r1", ids, settings)
    ids = add_docs(con, "r2", [NEW])
    _mentions(con, NEW, "body", [("Brandt", "E-brandt"), ("Oskarsson", "E-oskarsson")])
    _mentions(con, NEW, "title", [("Oskarsson", "E-oskarsson")])
    assign_stories(con, "r2", ids, settings)
    rows = con.execute("select doc_id, story_id, method, similarity from intermediate.int_document_stories")
    return {r[0]: r[1:] for r in rows.fetchall()}


@pytest.mark.parametrize(
    ("story_holds_headline_name", "head_sim", "joins"),
    [
        (False, HEAD_SIM, False),  # the story lacks the headline's name: needs HEAD_SIM
        (False, 0.0, True),  # the same at a lower bar joins
        (True, HEAD_SIM, True),  # the story holds the headline's name
    ],
)
def test_a_story_without_the_headline_name_needs_head_sim(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    story_holds_headline_name: bool,
    head_sim: float,
    joins: bool,
) -> None:
    """Both documents name Anja Brandt (so the rare-name gate lets the story through); the new
    document's headline names Oskarsson, whom the story names only in the third case. The
    similarity is above story_threshold and below HEAD_SIM in every case."""
    monkeypatch.setattr(stories_mod, "HEAD_SIM", head_sim)
    old_names = [("Anja Brandt", "E-brandt")]
    if story_holds_headline_name:
        old_names.append(("Lars Oskarsson", "E-oskarsson"))
    rows = _assign_both(con, settings, old_names)
    if joins:
        story, method, sim = rows["new"]
        assert (story, method) == (rows["old"][0], "similarity")
        assert sim is not None and settings.story_threshold <= sim < HEAD_SIM
    else:
        assert rows["new"][0] != rows["old"][0] and rows["new"][1] == "new_story"


def test_a_story_holding_none_of_the_rare_names_is_no_candidate(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    """The story names no entity at all: the new document cannot join it, however low the
    threshold (it does when no name is rare: next test)."""
    permissive = settings.model_copy(update={"story_threshold": 0.05})
    rows = _assign_both(con, permissive, [])
    assert rows["new"][0] != rows["old"][0] and rows["new"][1] == "new_story"


def test_without_rare_names_the_gate_is_open(
    con: duckdb.DuckDBPyConnection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories_mod, "NAME_DF_SHARE", 0.0)
    monkeypatch.setattr(stories_mod, "NAME_DF_FLOOR", 0)
    permissive = settings.model_copy(update={"story_threshold": 0.05})
    rows = _assign_both(con, permissive, [])
    assert rows["new"][:2] == (rows["old"][0], "similarity")


def test_a_name_is_held_as_its_own_by_a_story_with_enough_of_its_documents() -> None:
    from parallax.story_names import NAME_SHARE, holds_own

    holders = {"e:acme": 2, "e:sec": 1, "e:avg1": 1}  # a story's term -> its documents holding it
    seen = Counter({"e:acme": 3, "e:sec": 10, "e:avg1": 1, "e:avg2": 1, "e:avg3": 1, "e:avg4": 1})

    def holds(*groups: frozenset[str]) -> bool:
        return holds_own(groups, frozenset().union(*groups), holders, seen, [None] * len(groups))

    assert holds(frozenset({"e:acme"}))  # 2 of the 3 documents naming Acme
    assert not holds(frozenset({"e:sec"}))  # 1 of 10: an agency every filing names
    assert holds(frozenset({"e:sec"}), frozenset({"e:acme"}))  # one name is enough
    # a name and its variants count together: one "Avg" heading per table, each its own entity
    avg = frozenset({"e:avg1", "e:avg2", "e:avg3", "e:avg4"})
    assert NAME_SHARE * 4 > 1 and not holds(avg)
    assert holds(frozenset({"e:avg1"}))
    assert not holds(frozenset({"e:none"}))  # held by no document of the story


FILING = {
    "doc_id": "acme",
    "title": "Acme Industries files for share offering",
    "body": "Acme Industries Inc said it filed with the Securities and Exchange Commission for a "
    "public offering of two million common shares through underwriters led by Kessler Brothers. "
    "Proceeds will be used to repay bank debt and for general corporate purposes.",
}
NEW_FILING = {
    "doc_id": "borex",
    "title": "Borex Corp files for share offering",
    "body": "Borex Corp said it filed with the Securities and Exchange Commission for a public "
    "offering of three million common shares through underwriters led by Kessler Brothers. "
    "Proceeds will be used to repay bank debt and for general corporate purposes.",
}
AGENCY_NEWS = [
    {
        "doc_id": f"agency{i}",
        "title": title,
        "body": body,
    }
    for i, (title, body) in enumerate(
        [
            (
                "Broker fined over late trade reports",
                "The Securities and Exchange Commission fined "
                "the Dunmore brokerage for reporting trades late during the autumn, the regulator said.",
            ),
            (
                "Insider trading probe at Halvard",
                "The Securities and Exchange Commission opened an "
                "inquiry into option purchases by Halvard directors before the takeover was announced.",
            ),
            (
                "New proxy voting rule adopted",
                "The Securities and Exchange Commission adopted a rule "
                "letting shareholders nominate directors on the company ballot from next spring.",
            ),
        ]
    )
]


@pytest.mark.parametrize("agency_elsewhere", [False, True])
def test_a_name_many_stories_hold_lets_no_template_item_join(
    con: duckdb.DuckDBPyConnection, settings: Settings, agency_elsewhere: bool
) -> None:
    """Two share-offering notices of different companies share the template's words and the
    agency's name. When the agency is named only by the first notice's story, the second joins it;
    when other stories name the agency as often, the name is no story's own and the second notice
    founds its own story."""
    sec = ("Securities and Exchange Commission", "E-sec")
    first = [FILING, *AGENCY_NEWS] if agency_elsewhere else [FILING]
    ids = add_docs(con, "r1", first)
    _mentions(con, FILING, "body", [("Acme Industries", "E-acme"), sec])
    for doc in first[1:]:
        _mentions(con, doc, "body", [sec])
    assign_stories(con, "r1", ids, settings)
    ids = add_docs(con, "r2", [NEW_FILING])
    _mentions(con, NEW_FILING, "body", [("Borex Corp", "E-borex"), sec])
    assign_stories(con, "r2", ids, settings)
    rows = dict(con.execute("select doc_id, story_id from intermediate.int_document_stories").fetchall())
    assert (rows["borex"] == rows["acme"]) is not agency_elsewhere


def test_a_story_holding_a_common_name_as_its_own_passes_the_gate(
    con: duckdb.DuckDBPyConnection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new document's only rare name (Oskarsson, in it alone) is not the story's, but Brandt,
    named by both documents (so not rare here), is the story's own: the new document joins. Before,
    only rare names could pass and it founded a story beside its event's."""
    monkeypatch.setattr(stories_mod, "NAME_DF_SHARE", 0.0)
    monkeypatch.setattr(stories_mod, "NAME_DF_FLOOR", 1)
    monkeypatch.setattr(stories_mod, "HEAD_SIM", 0.0)
    rows = _assign_both(con, settings, [("Anja Brandt", "E-brandt")])
    assert rows["new"][:2] == (rows["old"][0], "similarity")
