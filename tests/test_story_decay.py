"""Time decay of story similarity: a dated article joins a story whose last article is days old only
when it is clearly the same event; undated articles and the grace period are not weighted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from test_stories import run, sample_docs, stories

from parallax.settings import Settings
from parallax.story_terms import StoryProfile, time_decay

DAY0 = datetime(2024, 5, 6, 9, tzinfo=UTC)


def profile(*dates: datetime | None) -> StoryProfile:
    story = StoryProfile("S1")
    for d in dates:
        story.add({"t": 1.0}, d)
    return story


def test_time_decay_halves_per_half_life_beyond_the_grace_period() -> None:
    story = profile(DAY0, DAY0 + timedelta(days=2))
    assert time_decay(DAY0 + timedelta(days=1), story, 1.0, 2.0) == 1.0  # inside the story's dates
    assert time_decay(DAY0 + timedelta(days=3), story, 1.0, 2.0) == 1.0  # within the grace day
    assert time_decay(DAY0 + timedelta(days=5), story, 1.0, 2.0) == pytest.approx(0.5)
    assert time_decay(DAY0 + timedelta(days=7), story, 1.0, 2.0) == pytest.approx(0.25)
    assert time_decay(DAY0 - timedelta(days=3), story, 1.0, 2.0) == pytest.approx(0.5)  # before the first
    assert time_decay(DAY0 + timedelta(days=7), story, 1.0, 0.0) == 1.0  # 0: no decay


def test_undated_documents_and_undated_stories_are_not_weighted() -> None:
    assert time_decay(None, profile(DAY0), 1.0, 2.0) == 1.0
    assert time_decay(DAY0 + timedelta(days=30), profile(None), 1.0, 2.0) == 1.0


def dated(days: list[float]) -> list[dict]:
    docs = sample_docs()
    for d, n in zip(docs, days, strict=True):
        d["published_at"] = DAY0 + timedelta(days=n)
    return docs


@pytest.mark.parametrize(
    ("days", "half_life", "one_story"),
    [
        ([0, 0.2, 1.5], 2.0, True),  # one event's coverage over two days
        ([0, 0.2, 9], 2.0, False),  # the same kind of article nine days on: a later occasion
        ([0, 0.2, 9], 0.0, True),  # without decay the 14-day window alone keeps it
    ],
)
def test_a_story_goes_cold(  # type: ignore[no-untyped-def]
    con, settings: Settings, days: list[float], half_life: float, one_story: bool
) -> None:
    run(con, "r1", dated(days), settings.model_copy(update={"story_half_life_days": half_life}))
    st = stories(con)
    assert (len({s for s, _ in st.values()}) == 1) is one_story


def test_a_cold_story_is_not_reopened_by_a_rerun(con, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    docs = dated([0, 0.2, 9])
    run(con, "r1", docs[:2], settings)
    run(con, "r2", docs[2:], settings)
    before = stories(con)
    assert len({s for s, _ in before.values()}) == 2
    run(con, "r3", docs, settings)
    assert stories(con) == before
