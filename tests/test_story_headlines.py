"""A story whose headlines share no name is a pile of template items: a document whose headline
names none of the story's names founds its own story instead of joining it."""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest
from test_dedup import add_docs
from test_story_names import _mentions

from parallax import story_names
from parallax.settings import Settings
from parallax.stories import assign_stories
from parallax.story_names import headlines_recur

ISSUERS = [
    ("acme", "Acme Corp", "ACME", "Nomura International", 100),
    ("borex", "Borex Ltd", "BOREX", "Orion Royal Bank", 75),
    ("cirrus", "Cirrus Finance", "CIRRUS", "Wood Gundy", 125),
    ("dunmore", "Dunmore Trust", "DUNMORE", "Swiss Bank Corporation", 50),
]


def notice(key: str, name: str, head: str, manager: str, amount: int) -> dict:
    return {
        "doc_id": key,
        "source": key,
        "title": f"{head} ISSUES {amount} MLN DLR EUROBOND",
        "body": f"{name} is issuing a {amount} mln dlr eurobond due 1992 paying 7-1/4 pct and priced "
        f"at 101-1/2, lead manager {manager} said. The non-callable bond is available in "
        "denominations of 5,000 dlrs and will be listed in Luxembourg. The selling concession is "
        "1-1/4 pct while management and underwriting combined pays 5/8 pct.",
    }


def run_notices(
    con: duckdb.DuckDBPyConnection, settings: Settings, last_head: str | None = None
) -> dict[str, str]:
    """The first three notices in run 1, the fourth in run 2 (its headline word `last_head` if given)."""
    docs = [notice(*row) for row in ISSUERS]
    if last_head:
        docs[3]["title"] = docs[3]["title"].replace("DUNMORE", last_head)
    for batch, run_id in ((docs[:3], "r1"), (docs[3:], "r2")):
        ids = add_docs(con, run_id, batch)
        for doc, (key, name, head, manager, _) in zip(
            batch, ISSUERS[3:] if run_id == "r2" else ISSUERS[:3], strict=True
        ):
            _mentions(
                con, doc, "body", [(name, f"E-{key}"), (manager, f"E-{key}-lead"), ("Luxembourg", "E-lux")]
            )
            title_head = last_head if (run_id == "r2" and last_head) else head
            owner = "acme" if title_head == "ACME" else key
            _mentions(con, doc, "title", [(title_head, f"E-{owner}")])
        assign_stories(con, run_id, ids, settings)
    return dict(con.execute("select doc_id, story_id from intermediate.int_document_stories").fetchall())


def test_headlines_recur() -> None:
    def alone(t: str) -> set[str]:
        return {t}

    assert headlines_recur(2, Counter({"e:a": 1, "e:b": 1}), alone)  # too few articles to tell
    assert not headlines_recur(3, Counter({"e:a": 1, "e:b": 1, "e:c": 1}), alone)
    assert headlines_recur(3, Counter({"e:a": 2, "e:b": 1}), alone)
    variants = {"e:kraft": {"e:kraft", "e:kraft-foods"}, "e:kraft-foods": {"e:kraft", "e:kraft-foods"}}
    assert headlines_recur(
        3, Counter({"e:kraft": 1, "e:kraft-foods": 1, "e:c": 1}), lambda t: variants.get(t, {t})
    )


def test_template_items_of_different_issuers_stop_piling_up(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    """The three notices share the template and the listing place, so they form one story (their
    headlines differ: each needs HEAD_SIM, which near-identical templates reach); the fourth, again
    headed by its own issuer, meets a story of three whose headlines share no name: it founds its own."""
    rows = run_notices(con, settings)
    assert rows["acme"] == rows["borex"] == rows["cirrus"]
    assert rows["dunmore"] != rows["acme"]


def test_without_the_rule_the_pile_grows(
    con: duckdb.DuckDBPyConnection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(story_names, "HEADLINE_CORE_MIN", 100)
    rows = run_notices(con, settings)
    assert rows["dunmore"] == rows["acme"]


def test_a_headline_naming_the_story_s_own_name_still_joins(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> None:
    """The fourth notice's headline names Acme, whom the story holds: the rule does not apply."""
    rows = run_notices(con, settings, last_head="ACME")
    assert rows["dunmore"] == rows["acme"]
