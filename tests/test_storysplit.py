"""Story splitting: spectral bisection by normalized cut separates two events and leaves one alone."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from parallax.story_terms import text_terms, tfidf_vector
from parallax.storysplit import (
    cut_gap,
    normalized_cut_bisection,
    part_years,
    shared_figures,
    signature,
    similarity_matrix,
    split_members,
)

# Two occasions of the same kind of event: same champion, same sport, other opponent, city, round.
FIGHT_A = [
    "Wladimir Klitschko defended his heavyweight titles by stopping Hasim Rahman in the seventh round in "
    "Mannheim on Saturday. Rahman, a former champion, was outclassed from the opening bell. The referee "
    "stopped the fight after Klitschko landed a series of left hooks. Klitschko said Rahman was a tough "
    "opponent.",
    "Hasim Rahman lost to Wladimir Klitschko in Mannheim, Germany, when the referee ended the heavyweight "
    "title fight in the seventh round. Klitschko dominated with his jab and kept his IBF and WBO belts. "
    "Rahman, 36, had not fought for a title since 2006.",
    "In Mannheim on Saturday night Klitschko retained the heavyweight championship with a seventh-round "
    "stoppage of Rahman. The German crowd of 12,000 cheered as Klitschko pinned Rahman against the ropes. "
    "Rahman's trainer said the American would consider retirement.",
]
FIGHT_B = [
    "Wladimir Klitschko stopped Tony Thompson in the sixth round in Bern to retain his heavyweight titles. "
    "Thompson, a southpaw from Washington, was knocked down twice before the referee waved the fight off. "
    "Klitschko said Thompson fought bravely in the rematch.",
    "Tony Thompson was no match for Wladimir Klitschko in Bern, Switzerland, as the champion kept his "
    "heavyweight belts with a sixth-round knockout. Thompson, 40, had also lost to Klitschko in Hamburg four "
    "years earlier. The Stade de Suisse crowd saw Klitschko land a crushing right hand.",
    "Klitschko beat Thompson in Bern on Saturday, a sixth-round knockout in their heavyweight rematch. "
    "Thompson went down from a right hand and could not continue. Klitschko will next defend his titles in "
    "the autumn, his manager said in Bern.",
]


def vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    counts = {k: text_terms(None, t) for k, t in texts.items()}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    return {k: tfidf_vector(c, dict(df), len(counts)) for k, c in counts.items()}


def fights() -> dict[str, dict[str, float]]:
    texts = {f"a{i}": t for i, t in enumerate(FIGHT_A)} | {f"b{i}": t for i, t in enumerate(FIGHT_B)}
    return vectors(texts)


def test_two_occasions_of_one_kind_of_event_are_split_apart() -> None:
    vecs = fights()
    parts = split_members(sorted(vecs), vecs, max_ncut=0.9, min_size=2)
    assert sorted(parts) == [["a0", "a1", "a2"], ["b0", "b1", "b2"]]
    found = normalized_cut_bisection(similarity_matrix([vecs[k] for k in sorted(vecs)]), 2)
    assert found is not None and found[1] < 0.9


def test_one_event_is_not_split() -> None:
    vecs = fights()
    for group in (["a0", "a1", "a2"], ["b0", "b1", "b2"]):
        assert split_members(group, vecs, max_ncut=0.9, min_size=1) == [group]


def test_parts_smaller_than_min_size_are_never_made() -> None:
    vecs = fights()
    assert normalized_cut_bisection(similarity_matrix([vecs[k] for k in ("a0", "a1", "b0")]), 2) is None
    # a lone article of the other event (a part of one) stays where it is with min_size 2
    assert split_members(["a0", "a1", "a2", "b0"], vecs, max_ncut=0.9, min_size=2) == [
        ["a0", "a1", "a2", "b0"]
    ]


def test_recursive_bisection_finds_three_groups_and_an_isolated_member() -> None:
    vecs = {f"{g}{i}": {f"{g}-core": 0.8, f"{g}-{i}": 0.6} for g in "xyz" for i in range(3)}
    vecs["lone"] = {"nothing-shared": 1.0}
    parts = split_members(sorted(vecs), vecs, max_ncut=0.9, min_size=1)
    assert sorted(parts) == [["lone"], ["x0", "x1", "x2"], ["y0", "y1", "y2"], ["z0", "z1", "z2"]]
    sim = similarity_matrix([vecs[k] for k in sorted(vecs)])
    assert sim.shape == (10, 10) and np.all(np.diag(sim) == 0)
    mask, ncut = normalized_cut_bisection(sim, 1) or (None, None)
    assert (
        ncut == 0.0
        and mask is not None
        and [k for k, m in zip(sorted(vecs), mask, strict=True) if m] == ["lone"]
    )


@pytest.mark.parametrize("max_ncut", [0.0, -1.0])
def test_splitting_can_be_disabled(max_ncut: float) -> None:
    vecs = fights()
    assert split_members(sorted(vecs), vecs, max_ncut=max_ncut, min_size=2) == [sorted(vecs)]


def test_cut_gap_is_large_between_two_occasions_and_small_inside_one() -> None:
    vecs = fights()
    keys = sorted(vecs)
    sim = similarity_matrix([vecs[k] for k in keys])
    by_event = np.array([k.startswith("a") for k in keys])
    across_events = cut_gap(sim, by_event)
    # the same six articles cut across the events: each part holds both occasions
    mixed = np.array([k in ("a0", "a1", "b0") for k in keys])
    assert across_events > 0.3
    assert cut_gap(sim, mixed) < across_events / 2


def test_cut_gap_edge_cases() -> None:
    sim = np.array([[0.0, 0.5, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    # parts {0,1} and {2}: nothing across, something inside -> a full gap
    assert cut_gap(sim, np.array([True, True, False])) == pytest.approx(1.0)
    # no similarity inside either part -> no measurable gap
    assert cut_gap(sim, np.array([True, False, False])) == 0.0
    assert cut_gap(sim, np.array([True, True, True])) == 0.0


def test_signature_keeps_entity_and_figure_terms_renormalized() -> None:
    sig = signature({"e:E1": 0.3, "#1998": 0.4, "storm": 0.8, "coast": 0.33})
    assert set(sig) == {"e:E1", "#1998"}
    assert sig["e:E1"] == pytest.approx(0.6) and sig["#1998"] == pytest.approx(0.8)
    assert signature({"storm": 1.0}) == {}


@pytest.mark.parametrize(
    ("years", "same_year_ncut", "split"),
    [
        ({"a": 2009, "b": 2013}, 0.05, True),  # other years: the usual bar
        ({"a": None, "b": None}, 0.05, True),  # no year known: the usual bar
        ({"a": 2013, "b": None}, 0.05, True),  # one part's year unknown: the usual bar
        ({"a": 2013, "b": 2013}, 0.05, False),  # one year: needs a cut below 0.05
        ({"a": 2013, "b": 2013}, 0.9, True),  # one year, bar as high as the usual one
    ],
)
def test_parts_of_one_year_need_a_clearer_cut(
    years: dict[str, int | None], same_year_ncut: float, split: bool
) -> None:
    vecs = fights()
    found = normalized_cut_bisection(similarity_matrix([vecs[k] for k in sorted(vecs)]), 2)
    assert found is not None and 0.05 < found[1] < 0.9
    of = {k: years[k[0]] for k in vecs}
    if of["a1"] is not None:
        of["a0"] = 1999  # a background year in one article does not change its part's year
    parts = split_members(sorted(vecs), vecs, 0.9, 2, of, same_year_ncut)
    assert len(parts) == (2 if split else 1)


def test_a_part_year_is_what_most_members_report() -> None:
    assert part_years([2013, 2013, 1999, None]) == {2013}
    assert part_years([2012, 2013]) == {2012, 2013}  # equals: either may match the other part
    assert part_years([None, None]) == set()


def test_parts_that_write_the_same_event_figure_are_one_event() -> None:
    # every article of both groups gives the event's figure (an attendance of 41,372): the cut alone
    # would split them, the figure keeps them whole
    texts = {f"a{i}": t + " The attendance was 41,372." for i, t in enumerate(FIGHT_A)}
    texts |= {f"b{i}": t + " The attendance was 41,372." for i, t in enumerate(FIGHT_B)}
    vecs = vectors(texts)
    assert split_members(sorted(vecs), vecs, max_ncut=0.9, min_size=2) == [sorted(vecs)]


def test_a_shared_year_or_a_figure_few_members_write_does_not_hold_parts_together() -> None:
    texts = {f"a{i}": t + " It was 2009." for i, t in enumerate(FIGHT_A)}
    texts |= {f"b{i}": t + " It was 2009." for i, t in enumerate(FIGHT_B)}
    texts["a0"] += " The attendance was 41,372."
    texts["b0"] += " The attendance was 41,372."
    vecs = vectors(texts)
    assert sorted(split_members(sorted(vecs), vecs, max_ncut=0.9, min_size=2)) == [
        ["a0", "a1", "a2"],
        ["b0", "b1", "b2"],
    ]


def test_shared_figures_are_the_non_year_figures_most_members_of_both_parts_carry() -> None:
    a = [{"#61": 1.0, "#2008": 1.0, "x": 1.0}, {"#61": 1.0, "#2008": 1.0}]
    b = [{"#61": 1.0, "#2008": 1.0}, {"#61": 1.0, "#40": 1.0}]
    assert shared_figures(a, b) == {"#61"}
    assert shared_figures(a, []) == set()
