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


def test_split_alone_hands_each_event_to_the_shipped_splitter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    from bench.stories import split_alone
    from tests.test_storysplit import FIGHT_A, FIGHT_B, vectors

    # "1_ecb" holds two occasions of one kind of event (the splitter cuts it), "2_ecb" one event
    # (kept whole), "3_ecb" is too small to count
    texts = {f"1_{i}ecb": t for i, t in enumerate(FIGHT_A + FIGHT_B)}
    texts |= {f"2_{i}ecb": t for i, t in enumerate(FIGHT_B + FIGHT_B[:1])}
    texts |= {f"3_{i}ecb": t for i, t in enumerate(FIGHT_A[:2] + FIGHT_B[:1])}
    vecs = vectors(texts)
    recs = [rec(f"{name}.xml", f"{name[0]}_ecb") for name in texts]
    db = tmp_path / "run.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw; create schema intermediate")
    con.execute("create table raw.documents (doc_id varchar, path varchar)")
    con.execute("create table intermediate.int_story_doc_terms (doc_id varchar, term varchar, weight double)")
    con.execute("create table intermediate.int_document_stories (doc_id varchar, text_year integer)")
    for name, vec in vecs.items():
        con.execute("insert into raw.documents values (?, ?)", [f"d-{name}", f"{name}.json"])
        con.execute("insert into intermediate.int_document_stories values (?, null)", [f"d-{name}"])
        con.executemany(
            "insert into intermediate.int_story_doc_terms values (?, ?, ?)",
            [[f"d-{name}", t, w] for t, w in vec.items()],
        )
    con.close()
    cut = split_alone(db, recs)
    assert cut == ["1_ecb"]
    s = score(0, recs, {r["doc"]: "S" for r in recs}, 1.0, None, cut)
    assert s.alone_split == ["1_ecb"] and s.events == 2
