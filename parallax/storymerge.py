"""Merging stories that hold one event: the counterpart of `parallax.storysplit`.

Incremental assignment can also cut one event in two. An article that founds a story because the
event's story was not there yet (later in its own batch, or below the bar for this wording) draws
the event's next articles after it, and from then on two stories grow side by side, each article
joining whichever is nearer. Seen as a whole, such a pair is one group of articles that no
partition separates well: the normalized cut of their union is as high as that of one event.

`plan_merges` takes the story pairs some new article found nearly as close as its own story (each
pair with that article's similarity to the other story) and merges a pair when the union of the two
stories passes the split test: `storysplit.split_members` leaves it whole at the split threshold
(without the same-year allowance, so a merge never needs that allowance to survive). Pairs are
taken most similar first; merged stories are tested again as a whole with their next pair. Dated
stories further apart than the story window are never merged. The story that keeps its id is the
one that held documents before the batch (ids analysts have seen), then the larger one.

`plan_merges` is a pure function over term vectors; `merge_stories` reads the stories' members and
writes the moves. `parallax.stories` finds the pairs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

import duckdb

from parallax import story_store as store
from parallax.settings import Settings
from parallax.story_terms import StoryProfile, story_cosine
from parallax.storysplit import split_members


def _span(docs: set[str], published: Mapping[str, datetime | None]) -> tuple[datetime, datetime] | None:
    dates = [p for d in docs if (p := published.get(d)) is not None]
    return (min(dates), max(dates)) if dates else None


def _within(a: set[str], b: set[str], published: Mapping[str, datetime | None], window: timedelta) -> bool:
    """Whether the dated members of two stories lie within `window` of each other's range."""
    sa, sb = _span(a, published), _span(b, published)
    if sa is None or sb is None:
        return True
    return sa[0] - window <= sb[1] and sb[0] - window <= sa[1]


def plan_merges(
    pairs: Mapping[tuple[str, str], float],
    members: Mapping[str, Collection[str]],
    vectors: Mapping[str, Mapping[str, float]],
    published: Mapping[str, datetime | None],
    existing: Collection[str],
    *,
    max_ncut: float,
    min_size: int,
    max_docs: int,
    window: timedelta,
) -> dict[str, tuple[str, float]]:
    """Documents to move: document -> (story it moves to, its similarity to that story as merged).

    `pairs`: (story, story) -> similarity of the article that found them close; `members`: each
    story's documents (stories missing here are not merged: too large to examine); `existing`:
    stories that held documents before this batch.
    """
    groups = {s: set(m) for s, m in members.items()}
    into: dict[str, str] = {}

    def find(s: str) -> str:
        while s in into:
            s = into[s]
        return s

    for (a, b), _sim in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        ra, rb = find(a), find(b)
        if ra == rb or ra not in groups or rb not in groups:
            continue
        union = groups[ra] | groups[rb]
        if len(union) > max_docs or not _within(groups[ra], groups[rb], published, window):
            continue
        if len(split_members(sorted(union), vectors, max_ncut, min_size)) > 1:
            continue
        keep, drop = sorted((ra, rb), key=lambda s: (s in existing, len(groups[s]), s), reverse=True)
        groups[keep] = union
        del groups[drop]
        into[drop] = keep

    moved: dict[str, tuple[str, float]] = {}
    for target in sorted({find(s) for s in into}):
        profile = StoryProfile(target)
        for d in sorted(groups[target]):
            profile.add(dict(vectors[d]), None)
        for s in sorted(into):
            if find(s) == target:
                for d in sorted(members[s]):
                    moved[d] = (target, round(story_cosine(dict(vectors[d]), profile), 6))
    return moved


def merge_stories(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    pairs: dict[tuple[str, str], float],
    existing: set[str],
    settings: Settings,
) -> dict[str, tuple[str, float]]:
    """Merge the story pairs that hold one event (`parallax.storymerge`); return moved document ->
    (story, similarity). Moves of earlier runs' rows are logged like a split's (`store.move_documents`)."""
    if settings.story_split_ncut <= 0 or not pairs:
        return {}
    stories = sorted({s for pair in pairs for s in pair})
    vectors, members, _, published = store.member_vectors(con, stories, 1, settings.story_split_max_docs)
    moved = plan_merges(
        pairs,
        members,
        vectors,
        published,
        existing,
        max_ncut=settings.story_split_ncut,
        min_size=settings.story_split_min_docs,
        max_docs=settings.story_split_max_docs,
        window=timedelta(days=settings.story_window_days),
    )
    if moved:
        store.move_documents(con, run_id, moved, method="merge")
    return moved
