"""Merging stories that hold one event (parallax.storymerge), on term vectors of real sentences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_storysplit import FIGHT_A, FIGHT_B, vectors

from parallax.storymerge import plan_merges

WINDOW = timedelta(days=14)


def plan(pairs, members, vecs, published=None, existing=()):  # type: ignore[no-untyped-def]
    return plan_merges(
        pairs,
        members,
        vecs,
        published or {},
        set(existing),
        max_ncut=0.9,
        min_size=2,
        max_docs=2000,
        window=WINDOW,
    )


def test_one_event_in_two_stories_is_merged_into_the_older_story() -> None:
    vecs = vectors({f"a{i}": t for i, t in enumerate(FIGHT_A)})
    members = {"S1": {"a0"}, "S2": {"a1", "a2"}}
    moved = plan({("S1", "S2"): 0.4}, members, vecs, existing={"S1"})
    assert set(moved) == {"a1", "a2"} and {s for s, _ in moved.values()} == {"S1"}
    assert all(0 < sim <= 1 for _, sim in moved.values())
    # without an older story, the larger one keeps its id
    moved = plan({("S1", "S2"): 0.4}, members, vecs)
    assert set(moved) == {"a0"} and moved["a0"][0] == "S2"


def test_two_events_are_not_merged() -> None:
    texts = {f"a{i}": t for i, t in enumerate(FIGHT_A)} | {f"b{i}": t for i, t in enumerate(FIGHT_B)}
    members = {"SA": {"a0", "a1", "a2"}, "SB": {"b0", "b1", "b2"}}
    assert plan({("SA", "SB"): 0.3}, members, vectors(texts)) == {}


def test_chains_merge_into_one_story_and_missing_or_distant_stories_stay() -> None:
    vecs = vectors({f"a{i}": t for i, t in enumerate(FIGHT_A)})
    members = {"S1": {"a0"}, "S2": {"a1"}, "S3": {"a2"}}
    moved = plan({("S1", "S2"): 0.5, ("S2", "S3"): 0.4}, members, vecs, existing={"S3"})
    assert {s for s, _ in moved.values()} == {"S3"} and set(moved) == {"a0", "a1"}
    # a story too large to examine (absent from members) is never merged
    assert plan({("S1", "S9"): 0.9}, members, vecs) == {}
    # dated stories further apart than the window stay apart
    day = datetime(2024, 1, 1, tzinfo=UTC)
    published = {"a0": day, "a1": day + 3 * WINDOW, "a2": day + 3 * WINDOW}
    assert plan({("S1", "S2"): 0.5}, members, vecs, published) == {}
    assert set(plan({("S2", "S3"): 0.5}, members, vecs, published)) == {"a1"}
