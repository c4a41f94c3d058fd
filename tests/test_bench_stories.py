"""The story bench's record feeding and scores, on records of our own."""

from __future__ import annotations

import pytest

from bench.stories import score


def rec(doc: str, subtopic: str, text: str = "Headline\nBody line one.\nBody line two.") -> dict:
    return {"doc": doc, "topic": int(subtopic.split("_")[0]), "subtopic": subtopic, "domain": "x.org",
            "text_detok": text}  # fmt: skip


def test_score_counts_split_events_and_merged_stories() -> None:
    recs = [rec(f"1_{i}ecb.xml", "1_ecb") for i in range(5)]  # one event of five articles
    recs += [rec(f"1_{i}ecbplus.xml", "1_ecbplus") for i in range(4)]  # another of four
    recs += [rec("2_1ecb.xml", "2_ecb")]  # an event too small to count as split
    story = {r["doc"]: "A" for r in recs[:3]} | {r["doc"]: "B" for r in recs[3:5]}
    story |= {r["doc"]: "C" for r in recs[5:9]} | {"2_1ecb.xml": "C"}
    s = score(0, recs, story, 1.0, None)
    assert (s.docs, s.subtopics, s.stories) == (10, 3, 3)
    assert (s.events, s.events_split) == (2, 1)  # 1_ecb is split over A and B
    assert s.stories_merged == 1  # C holds 1_ecbplus and 2_ecb
    assert s.purity == pytest.approx(9 / 10)
    assert 0 < s.ari < 1


def test_score_of_a_perfect_clustering() -> None:
    recs = [rec(f"1_{i}ecb.xml", "1_ecb") for i in range(4)] + [
        rec(f"1_{i}ecbplus.xml", "1_ecbplus") for i in range(4)
    ]
    story = {r["doc"]: r["subtopic"] for r in recs}
    s = score(0, recs, story, 1.0, None)
    assert s.ari == pytest.approx(1.0) and s.events_split == 0 and s.stories_merged == 0
