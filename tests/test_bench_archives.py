"""The archive benches (growth, big archive): which articles they archive and feed."""

from __future__ import annotations

from bench._corpus import Article
from bench.archive_growth import archive_articles


def corpus(n: int) -> list[Article]:
    return [
        Article(key=f"a{i}", source="x", title=f"Title {i}", body=f"First part {i}.\n\nSecond part {i}.")
        for i in range(n)
    ]


def test_archive_is_the_first_articles_without_the_reserved_tail() -> None:
    arts = corpus(10)
    assert [a.key for a in archive_articles(arts, 4, reserved=3)] == ["a0", "a1", "a2", "a3"]


def test_short_corpus_is_topped_up_with_distinct_mixes_never_from_the_tail() -> None:
    arts = corpus(10)
    got = archive_articles(arts, 12, reserved=3)
    keys = [a.key for a in got]
    assert len(got) == 12 and len(set(keys)) == 12
    assert keys[:7] == [f"a{i}" for i in range(7)]
    tail = {"a7", "a8", "a9"}
    assert not tail & {k.split("-")[0] for k in keys}


def test_big_archive_replays_the_corpus_with_mixes_and_near_copies() -> None:
    from bench.big_archive import NEAR_EVERY, articles

    arts = list(articles(corpus(4), 4 * (NEAR_EVERY + 1)))
    keys = [a.key for a in arts]
    assert len(arts) == 16 and len(set(keys)) == 16
    assert keys[:4] == ["a0", "a1", "a2", "a3"]
    assert {k.split("-")[1][0] for k in keys[4:]} == {"m", "n"}  # mixes and near copies
    assert all(k.endswith(f"-n{NEAR_EVERY}") for k in keys if "-n" in k)
    fresh = list(articles(corpus(4), 2, first_copy=7))
    assert [a.key for a in fresh] == ["a0-m7", "a1-m7"]
