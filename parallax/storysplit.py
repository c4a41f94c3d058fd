"""Splitting a story that holds two events: spectral bisection by normalized cut.

Incremental assignment makes one kind of mistake it cannot undo by itself: the first article of
an event joins the story of a similar earlier event (same kind of event, same participants, other
occasion), and the event's next articles follow it there, because that story now looks like them.
Seen as a whole, such a story is two groups of articles that are similar inside each group and
less similar across, which a normalized cut (Shi & Malik, 2000) measures:

    ncut(X, Y) = cut(X, Y) / vol(X) + cut(X, Y) / vol(Y)

where `cut` sums the similarities across the two parts and `vol` the similarities of a part's
members to everyone. Articles about one event give a cut near 1 (no partition separates them much
better than chance); two events give a clearly lower one (0.24-0.88 for ECB+ sister events merged
whole, measured). The partition comes from the Fiedler vector of the normalized graph Laplacian,
swept for the lowest cut among partitions whose parts have at least `min_size` members.

A cut is not made between two parts that share an event figure: a number (not a year) that at
least `SHARED_FIGURE_SHARE` of the members of each part write ("61" of a 61-year-old gunman, "23"
pirates caught). Sister events (another shooting, another hijacking) seldom repeat the event's
figures, while outlets' wordings of one event can differ enough to cut (ECB+, three orders through
the flow: split events 33 -> 27 of 255, ARI 0.922 -> 0.926).

Pure functions over cosine-similarity matrices (`split_as_configured` passes the flow's settings);
`parallax.stories` decides which stories to examine and writes the result.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as splinalg

from parallax.settings import Settings

# the share of each part's members that must write a figure for it to hold the parts together
SHARED_FIGURE_SHARE = 0.8
# A story of up to this many members is bisected on its dense similarity matrix (exact `eigh`, cost ~
# members cubed: ~0.1 s at 400); a larger one, or a part of one, through its term matrix
# (`term_bisection`, cost ~ members), so that no story is too large to examine.
DENSE_MAX_DOCS = 400
_SWEEP_BLOCK = 256
_YEAR_TERM = re.compile(r"#(?:1[89]|20)\d\d(?:\.0+)?")


def shared_figures(part_a: Sequence[Mapping[str, float]], part_b: Sequence[Mapping[str, float]]) -> set[str]:
    """Figure terms (`#61`; not years, which sister events share) that at least SHARED_FIGURE_SHARE
    of the members of each part carry."""

    def common(part: Sequence[Mapping[str, float]]) -> set[str]:
        counts = Counter(t for v in part for t in v if t.startswith("#") and not _YEAR_TERM.fullmatch(t))
        return {t for t, n in counts.items() if n >= SHARED_FIGURE_SHARE * len(part)}

    return common(part_a) & common(part_b) if part_a and part_b else set()


def term_matrix(vectors: Sequence[Mapping[str, float]]) -> sparse.csr_matrix:
    """Members x terms matrix of sparse term vectors (one row per vector, in order)."""
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vec in enumerate(vectors):
        for term, weight in vec.items():
            rows.append(i)
            cols.append(index.setdefault(term, len(index)))
            vals.append(weight)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(vectors), max(len(index), 1)), dtype=np.float64)


def _dense_similarity(x: sparse.csr_matrix) -> np.ndarray:
    sim = np.asarray((x @ x.T).todense(), dtype=np.float64)
    np.fill_diagonal(sim, 0.0)
    return np.clip(sim, 0.0, None)


def similarity_matrix(vectors: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Dense cosine-similarity matrix of L2-normalized sparse term vectors (diagonal zeroed)."""
    return _dense_similarity(term_matrix(vectors))


def normalized_cut_bisection(sim: np.ndarray, min_size: int) -> tuple[np.ndarray, float] | None:
    """Best two-way partition of a similarity graph, as (mask of one part, its normalized cut).

    None when the graph is too small for two parts of `min_size` or has no edges.
    """
    n = sim.shape[0]
    min_size = max(1, min_size)
    if n < 2 * min_size:
        return None
    deg = sim.sum(axis=1)
    if not np.all(deg > 0):  # an isolated member: it is its own part, cut 0
        mask = deg <= 0
        return (mask, 0.0) if min_size <= mask.sum() <= n - min_size else None
    inv_sqrt = 1.0 / np.sqrt(deg)
    laplacian = np.eye(n) - inv_sqrt[:, None] * sim * inv_sqrt[None, :]
    _, vecs = np.linalg.eigh(laplacian)
    order = np.argsort(inv_sqrt * vecs[:, 1], kind="stable")
    ordered = sim[np.ix_(order, order)]
    total = deg.sum()
    vol_x = np.cumsum(deg[order])  # vol of the first i+1 members
    # cut after moving member i into X: cut_{i} = cut_{i-1} + (edges of i to Y) - (edges of i to X)
    upper = np.triu(ordered, k=1).sum(axis=1)  # edges of i to members after it
    lower = np.tril(ordered, k=-1).sum(axis=1)  # edges of i to members before it
    cut = np.cumsum(upper - lower)
    best: tuple[float, int] | None = None
    for i in range(min_size - 1, n - min_size):
        vx, vy = vol_x[i], total - vol_x[i]
        if vx <= 0 or vy <= 0:
            continue
        value = float(cut[i] / vx + cut[i] / vy)
        if best is None or value < best[0]:
            best = (value, i)
    if best is None:
        return None
    mask = np.zeros(n, dtype=bool)
    mask[order[: best[1] + 1]] = True
    return mask, best[0]


def term_bisection(x: sparse.csr_matrix, min_size: int) -> tuple[np.ndarray, float] | None:
    """`normalized_cut_bisection` of the similarity graph W = X X^T (diagonal zeroed) of a
    members x terms matrix of non-negative weights, without forming W: cost ~ the nonzeros of X
    (linear in the number of members) instead of members squared to cubed.

    Degrees are X (X^T 1) less each member's own |x|^2; the Fiedler vector comes from ARPACK
    (`scipy.sparse.linalg.eigsh`, the two largest eigenpairs of D^-1/2 W D^-1/2 through products with
    X and X^T, from a fixed start vector); the sweep reads the cut of each prefix of the order as
    vol(prefix) - 2 * (similarity inside the prefix), the latter accumulated block by block.
    On the same graph it finds the partition the dense function finds, with the same value, up to
    ties between near-equal eigenvalues (one event with no second group: both stay near 1).
    """
    n = x.shape[0]
    min_size = max(1, min_size)
    if n < 2 * min_size:
        return None
    own = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    deg = np.asarray(x @ (x.T @ np.ones(n))).ravel() - own
    deg[np.abs(deg) < 1e-12 * max(1.0, float(np.abs(deg).max(initial=0.0)))] = 0.0
    if not np.all(deg > 0):  # an isolated member: it is its own part, cut 0
        mask = deg <= 0
        return (mask, 0.0) if min_size <= mask.sum() <= n - min_size else None
    inv_sqrt = 1.0 / np.sqrt(deg)

    def matvec(v: np.ndarray) -> np.ndarray:
        u = inv_sqrt * np.ravel(v)
        return np.asarray(inv_sqrt * (x @ (x.T @ u) - own * u)).ravel()

    op = splinalg.LinearOperator((n, n), matvec=matvec, dtype=np.float64)
    start = np.sqrt(deg) + np.linspace(0.0, 1e-3, n) * float(np.sqrt(deg).mean())
    try:
        vals, vecs = splinalg.eigsh(op, k=2, which="LA", v0=start, tol=1e-10, maxiter=max(1000, 20 * n))
    except splinalg.ArpackNoConvergence as err:  # the best vectors found so far still order the members
        vals, vecs = err.eigenvalues, err.eigenvectors
        if vecs.shape[1] < 2:
            return None
    fiedler = vecs[:, int(np.argsort(vals)[0])]  # the second largest of the two (the largest is D^1/2 1)
    order = np.argsort(inv_sqrt * fiedler, kind="stable")
    xo = x[order]
    vol_x = np.cumsum(deg[order])
    inside = np.zeros(n)  # similarity of member i of the order to the members before it
    before = np.zeros(x.shape[1])
    for lo in range(0, n, _SWEEP_BLOCK):
        block = xo[lo : lo + _SWEEP_BLOCK]
        within = np.asarray((block @ block.T).todense())
        inside[lo : lo + block.shape[0]] = np.asarray(block @ before).ravel() + np.tril(within, k=-1).sum(
            axis=1
        )
        before += np.asarray(block.sum(axis=0)).ravel()
    cut = vol_x - 2.0 * np.cumsum(inside)
    total = deg.sum()
    i = np.arange(min_size - 1, n - min_size)
    vx, vy = vol_x[i], total - vol_x[i]
    ok = (vx > 0) & (vy > 0)
    if not ok.any():
        return None
    values = np.where(
        ok,
        np.maximum(cut[i], 0.0) / np.where(ok, vx, 1.0) + np.maximum(cut[i], 0.0) / np.where(ok, vy, 1.0),
        np.inf,
    )
    best = int(np.argmin(values))
    mask = np.zeros(n, dtype=bool)
    mask[order[: i[best] + 1]] = True
    return mask, float(values[best])


def signature(vector: Mapping[str, float]) -> dict[str, float]:
    """The distinctive part of a story term vector: entity terms (`e:`) and figures (`#`), renormalized."""
    sig = {t: w for t, w in vector.items() if t.startswith(("e:", "#"))}
    norm = float(np.sqrt(sum(w * w for w in sig.values())))
    return {t: w / norm for t, w in sig.items()} if norm else {}


def cut_gap(sim: np.ndarray, mask: np.ndarray) -> float:
    """How much less alike the two parts are across than inside: 1 - mean cross / mean within.

    `sim` is a similarity matrix (diagonal zeroed), `mask` one part. Near 0 when members are as
    similar to the other part as to their own (one event cut at random), near 1 when the parts
    share little (two events). 0 when a part has no inner pair or no inner similarity.
    """
    x, y = np.flatnonzero(mask), np.flatnonzero(~mask)
    pairs_in = len(x) * (len(x) - 1) / 2 + len(y) * (len(y) - 1) / 2
    if pairs_in <= 0 or len(x) == 0 or len(y) == 0:
        return 0.0
    within = (sim[np.ix_(x, x)].sum() + sim[np.ix_(y, y)].sum()) / 2 / pairs_in
    if within <= 0:
        return 0.0
    cross = sim[np.ix_(x, y)].sum() / (len(x) * len(y))
    return float(min(1.0, max(0.0, 1.0 - cross / within)))


def part_years(years: Sequence[int | None]) -> set[int]:
    """The year(s) most members of a part report (all of equals); empty when none is known."""
    known = Counter(y for y in years if y is not None)
    top = max(known.values(), default=0)
    return {y for y, n in known.items() if n == top}


def split_members(
    members: Sequence[str],
    vectors: Mapping[str, Mapping[str, float]],
    max_ncut: float,
    min_size: int,
    years: Mapping[str, int | None] | None = None,
    same_year_ncut: float | None = None,
) -> list[list[str]]:
    """Partition `members` by recursive bisection while the cut is below `max_ncut`.

    With `years` (a member's year; None when unknown or common) and `same_year_ncut`, two parts
    whose members mostly report the same year are split only when the cut is below
    `same_year_ncut`: one event cut in two and two occasions of it in one year look alike to the
    cut, and the year tells most apart. Parts that share an event figure (`shared_figures`) are
    never split.
    Returns one list per part (one part = no split), members in their given order. Up to
    DENSE_MAX_DOCS members the similarity matrix is built once and each bisection works on the rows
    and columns of its part; above, a part is bisected through its rows of the term matrix
    (`term_bisection`), so the cost stays about linear in the story's size.
    """
    members = list(members)
    if max_ncut <= 0 or len(members) < 2 * min_size:
        return [members]
    x = term_matrix([vectors[m] for m in members])
    # a story of up to DENSE_MAX_DOCS: one dense matrix, each bisection on its rows and columns
    sim = _dense_similarity(x) if len(members) <= DENSE_MAX_DOCS else None

    def bisect(idx: np.ndarray) -> tuple[np.ndarray, float] | None:
        if sim is not None:
            return normalized_cut_bisection(sim[np.ix_(idx, idx)], min_size)
        if len(idx) <= DENSE_MAX_DOCS:
            return normalized_cut_bisection(_dense_similarity(x[idx]), min_size)
        return term_bisection(x[idx], min_size)

    of = [None if years is None else years.get(m) for m in members]

    def same_year(a: np.ndarray, b: np.ndarray) -> bool:
        return bool(part_years([of[i] for i in a]) & part_years([of[i] for i in b]))

    def split(idx: np.ndarray) -> list[np.ndarray]:
        found = bisect(idx)
        if found is None or found[1] >= max_ncut:
            return [idx]
        a, b = idx[found[0]], idx[~found[0]]
        if same_year_ncut is not None and found[1] >= same_year_ncut and same_year(a, b):
            return [idx]
        if shared_figures([vectors[members[i]] for i in a], [vectors[members[i]] for i in b]):
            return [idx]  # both parts write the event's figure: one event
        return split(a) + split(b)

    return [[members[i] for i in part] for part in split(np.arange(len(members)))]


def split_as_configured(
    members: Iterable[str],
    vectors: Mapping[str, Mapping[str, float]],
    years: Mapping[str, int | None],
    settings: Settings,
) -> list[list[str]]:
    """`split_members` of a story's members (sorted) with the story settings the flow runs with."""
    return split_members(
        sorted(members),
        vectors,
        settings.story_split_ncut,
        settings.story_split_min_docs,
        years,
        settings.story_split_same_year_ncut,
    )
