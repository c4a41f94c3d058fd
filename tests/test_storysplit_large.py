"""Large stories: the term-matrix bisection finds what the dense one finds, at a cost ~ the story's size."""

from __future__ import annotations

import numpy as np
import pytest
from test_storysplit import fights

from parallax import storysplit
from parallax.storysplit import (
    normalized_cut_bisection,
    similarity_matrix,
    split_members,
    term_bisection,
    term_matrix,
)


def planted(sizes: list[int], shared: float = 0.3, seed: int = 7) -> tuple[list[dict[str, float]], list[int]]:
    """Unit term vectors of len(sizes) groups: each member draws 12 terms from its group's 60 and 4
    from 40 terms every group uses (weight `shared`), so groups overlap as sister events do."""
    rng = np.random.default_rng(seed)
    vecs: list[dict[str, float]] = []
    labels: list[int] = []
    for g, size in enumerate(sizes):
        for _ in range(size):
            own = {f"g{g}_{t}": float(rng.uniform(0.5, 1.0)) for t in rng.choice(60, 12, replace=False)}
            picks = rng.choice(40, 4, replace=False)
            common = {f"c{t}": shared * float(rng.uniform(0.5, 1.0)) for t in picks}
            vec = own | common
            norm = float(np.sqrt(sum(w * w for w in vec.values())))
            vecs.append({t: w / norm for t, w in vec.items()})
            labels.append(g)
    return vecs, labels


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b) or np.array_equal(a, ~b))


@pytest.mark.parametrize("sizes", [[300, 200], [450, 150], [250, 250]])
def test_term_bisection_equals_the_dense_one(sizes: list[int]) -> None:
    vecs, labels = planted(sizes)
    dense = normalized_cut_bisection(similarity_matrix(vecs), 2)
    term = term_bisection(term_matrix(vecs), 2)
    assert dense is not None and term is not None
    assert same_partition(dense[0], term[0])
    assert term[1] == pytest.approx(dense[1], rel=1e-9)
    assert same_partition(term[0], np.array(labels) == 0)  # the planted groups
    assert term[1] < 0.9


def test_one_group_has_no_clear_cut_either_way() -> None:
    vecs, _ = planted([500])
    term = term_bisection(term_matrix(vecs), 2)
    dense = normalized_cut_bisection(similarity_matrix(vecs), 2)
    assert term is not None and dense is not None
    assert term[1] > 0.9 and dense[1] > 0.9


def test_an_isolated_member_is_its_own_part() -> None:
    vecs, _ = planted([30])
    vecs.append({"alone": 1.0})
    found = term_bisection(term_matrix(vecs), 1)
    assert found is not None
    mask, value = found
    assert value == 0.0 and mask.sum() == 1 and mask[-1]
    assert term_bisection(term_matrix(vecs), 2) is None  # an isolated member cannot leave a part of 2


def test_large_stories_split_into_their_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    vecs, labels = planted([300, 220, 120], shared=0.2)
    members = [f"d{i:04d}" for i in range(len(vecs))]
    by_id = dict(zip(members, vecs, strict=True))
    monkeypatch.setattr(storysplit, "DENSE_MAX_DOCS", 100)  # every bisection above 100 members by terms
    parts = split_members(members, by_id, 0.9, 2)
    groups = {frozenset(m for m, g in zip(members, labels, strict=True) if g == k) for k in set(labels)}
    assert {frozenset(p) for p in parts} == groups


def test_small_stories_get_the_same_parts_through_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    vecs = fights()
    dense = split_members(sorted(vecs), vecs, 0.9, 1)
    monkeypatch.setattr(storysplit, "DENSE_MAX_DOCS", 2)
    assert split_members(sorted(vecs), vecs, 0.9, 1) == dense
    assert sorted(map(sorted, dense)) == [["a0", "a1", "a2"], ["b0", "b1", "b2"]]
