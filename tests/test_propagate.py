"""Names the tagger marked in other documents of a batch, marked where it missed them."""

from __future__ import annotations

from typing import Any

from parallax.entities import name_key
from parallax.entities.propagate import build_gazetteer, find_occurrences, propagate_names


def row(
    doc: str, i: int, text: str, surface: str, label: str, *, name: str | None = None, nth: int = 0
) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    name = name or surface
    return {
        "doc_id": doc, "mention_index": i, "part": "body", "surface_text": surface, "label": label,
        "model_label": label, "sentence_index": 0, "start_char": start, "end_char": start + len(surface),
        "role": None, "name": name, "canonical_name": name, "canonical_key": name_key(name),
        "method": "exact", "confidence": 1.0, "in_heading": False, "key": name_key(name), "as_place": False,
    }  # fmt: skip


A = "The Harbor Hawks beat the Rivermen on Sunday. Coach Ana Telford praised the Hawks' defence."
B = "Fans of the Hawks cheered in the rain. Telford said the team was ready for the final."
C = "The Hawks won again; the sun rose over the bay. Telford smiled as Harbor Hawks fans sang."
D = "Hawks circled over the harbour. The sun was low and the hawks were hungry."


def _batch() -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    rows = [
        row("a", 0, A, "Harbor Hawks", "ORG"),
        row("a", 1, A, "Ana Telford", "PERSON"),
        row("a", 2, A, "Hawks", "ORG", nth=1),
        row("b", 0, B, "Hawks", "ORG"),
        row("b", 1, B, "Telford", "PERSON"),
    ]
    return rows, {("a", "body"): A, ("b", "body"): B, ("c", "body"): C}


def test_gazetteer_keeps_names_tagged_in_two_documents_and_surnames_of_full_names() -> None:
    rows, _ = _batch()
    gaz = build_gazetteer(rows, min_docs=2)
    assert gaz["Hawks"] == ("ORG", "ORG") and gaz["Telford"] == ("PERSON", "PERSON")
    assert "Harbor Hawks" not in gaz  # one document only
    assert "Sunday" not in gaz


def test_missed_names_are_marked_where_the_run_of_capitals_is_the_name() -> None:
    rows, texts = _batch()
    new = propagate_names(rows, texts, {"a": [0, 47], "b": [0, 39], "c": [0, 49]})
    got = {(r["doc_id"], r["surface_text"], r["start_char"]) for r in new}
    # "The Hawks won" (a sentence-initial "The" is no name word) and "Telford smiled" are marked;
    # "Harbor Hawks" is a longer name nobody tagged: left alone; tagged spans are never repeated
    assert got == {("c", "Hawks", C.index("Hawks")), ("c", "Telford", C.index("Telford"))}
    for r in new:
        assert texts[(r["doc_id"], "body")][r["start_char"] : r["end_char"]] == r["surface_text"]
        assert r["method"] == "propagated" and r["label"] in ("ORG", "PERSON")
    assert {r["mention_index"] for r in new} == {0, 1}  # after the document's own (none in c)


def test_a_common_word_is_not_spread_and_a_possessive_is_cut() -> None:
    rows, texts = _batch()
    texts[("d", "body")] = D
    new = propagate_names(rows, texts, {"d": [0, 32]})
    # "Hawks" starts a sentence in d and the batch writes "hawks" in lowercase there
    assert not [r for r in new if r["doc_id"] == "d"]
    occ = find_occurrences("We met the Hawks' coach.", {"Hawks": ("ORG", "ORG")}, [])
    assert occ == [(11, 16, "Hawks")]
    assert find_occurrences("Hawksbury Road", {"Hawks": ("ORG", "ORG")}, []) == []


def test_a_propagated_surname_takes_the_full_name_of_its_document() -> None:
    text = "Ana Telford spoke first. Later Telford left the stage."
    rows = [row("x", 0, text, "Ana Telford", "PERSON"), *_batch()[0]]
    new = propagate_names(rows, {("x", "body"): text}, {"x": [0, 25]})
    assert [(r["surface_text"], r["canonical_name"]) for r in new] == [("Telford", "Ana Telford")]
