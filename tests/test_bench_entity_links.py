"""The entity-link bench's aligner and scores, on strings of our own."""

from __future__ import annotations

from bench.entity_links import CharMap, Item, b_cubed, pair_scores, token_char_spans


def test_tokens_map_onto_the_detokenised_line() -> None:
    tok = "Dana Whitlock 's 6 . 1 - magnitude show"
    detok = "Dana Whitlock's 6.1-magnitude show"
    spans = token_char_spans(tok, detok)
    assert [detok[s:e] for s, e in spans] == [
        "Dana",
        "Whitlock",
        "'s",
        "6",
        ".",
        "1",
        "-",
        "magnitude",
        "show",
    ]


def test_charmap_follows_cleaning_that_changed_the_text() -> None:
    source = "Title line\nDana Whitlock spoke.  Share this!\nShe left Oslo."
    target = "Dana Whitlock spoke.\n\nShe left Oslo."  # title and a share button removed
    cm = CharMap(source, target)
    start = source.index("Oslo")
    assert cm.span(start, start + 4) == (target.index("Oslo"), target.index("Oslo") + 4)
    assert cm.span(source.index("Share"), source.index("Share") + 5) is None


def test_pair_scores_and_b_cubed_count_cross_document_pairs_within_a_topic() -> None:
    items = [
        Item("d1", 1, "A", "x"),
        Item("d2", 1, "A", "x"),
        Item("d3", 1, "A", "y"),
        Item("d1", 1, "B", "y"),  # same document as the first: never a pair
        Item("d4", 2, "A", "x"),  # another topic: never a pair
    ]
    p, r, _ = pair_scores(items)
    # cross-document pairs in topic 1 (items 0-3): (0,1) tp; (0,2) (1,2) fn; (2,3) fp; (1,3) tn
    assert (round(p, 3), round(r, 3)) == (0.5, 0.333)
    assert 0 < b_cubed(items)[2] < 1
