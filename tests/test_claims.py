"""Quotation spans found once per document (no model needed) and polarity/cue words."""

from __future__ import annotations

from parallax.claims import NEGATIVE_HEADS, QuoteIndex, quote_spans


def _quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quote_spans(text)]


def test_curly_quotes_pair_by_direction() -> None:
    text = "“We will build the bridge next year,” the mayor said. “It is overdue,” she added today."
    assert _quoted(text) == ["We will build the bridge next year,", "It is overdue,"]


def test_ptb_style_quotes_pair_by_direction() -> None:
    text = "`` We will build the bridge next year, '' the mayor said, and left the hall."
    assert _quoted(text) == [" We will build the bridge next year, "]


def test_short_quotes_are_paired_but_not_returned() -> None:
    text = 'The so-called "iron lady" told reporters "nothing has been decided yet" on Monday.'
    assert _quoted(text) == ["nothing has been decided yet"]


def test_straight_quote_parity_resets_at_each_paragraph() -> None:
    # paragraph 1 has a stray mark (an inch sign); later paragraphs must not be inverted by it
    text = (
        'The pipe measured 12" across and burst near the station on Monday.\n\n'
        '"The repairs will take three days," the engineer said.\n\n'
        'The mayor said the water would be back by Friday. "We are sorry for the delay," she said.'
    )
    got = _quoted(text)
    assert got == ["The repairs will take three days,", "We are sorry for the delay,"]
    assert not any("the engineer said" in q or "mayor said" in q for q in got)


def test_odd_mark_opening_a_multi_paragraph_quote_runs_to_paragraph_end() -> None:
    text = (
        '"We have checked every house on the street. Nobody is missing.\n\n'
        '"The shelters stay open tonight," the fire chief said.'
    )
    got = _quoted(text)
    assert got[0] == "We have checked every house on the street. Nobody is missing."
    assert got[1] == "The shelters stay open tonight,"


def test_quote_continued_on_the_next_line_closes_there() -> None:
    text = (
        '"We will march every day, every day!\n'
        'Nobody listens unless you shout loudly, " said the farmer, who lives nearby.\n'
        "The farmer said prices rose again."
    )
    got = _quoted(text)
    assert got == ["We will march every day, every day!", "Nobody listens unless you shout loudly, "]


def test_long_article_with_an_odd_quote_midway_keeps_speakers_outside() -> None:
    paras = []
    for i in range(40):
        paras.append(f'"Section {i} of the road will reopen soon," the official number {i} said at the site.')
        if i == 17:
            paras.append('He called it a "temporary fix that will hold for now and later.')  # unclosed
    text = "\n\n".join(paras)
    index = QuoteIndex(text)
    for i in range(40):
        said = text.index(f"the official number {i} said")
        assert not index.inside(said), i
        words = text.index(f"Section {i} of the road")
        assert index.inside(words), i


def test_overlapping_lookup() -> None:
    text = '"One two three four," he said. Then "five six seven eight" came.'
    index = QuoteIndex(text)
    assert len(index.overlapping(0, len(text))) == 2
    assert index.overlapping(20, 30) == []


def test_negative_heads_table_is_lowercase_lemmas() -> None:
    for words in NEGATIVE_HEADS.values():
        assert all(w == w.lower() and w.isalpha() for w in words)


def test_stray_opening_mark_not_followed_by_more_quoting_is_ignored() -> None:
    text = (
        '"A fire destroyed two barns near the river on Sunday night, the fire service said.\n\n'
        "Nobody was hurt in the blaze, the service added."
    )
    index = QuoteIndex(text)
    assert not index.inside(text.index("the fire service said"))
    assert quote_spans(text) == []


def test_mixed_and_mistyped_marks_pair_by_their_context() -> None:
    mixed = '“ The roads are icy tonight, " a driver told the local radio station.'
    assert _quoted(mixed) == [" The roads are icy tonight, "]
    mistyped = "`` The bridge stays shut until spring, `` said the city engineer on Monday."
    assert _quoted(mistyped) == [" The bridge stays shut until spring, "]
    reversed_curly = "”We are ready for the storm“, the harbour master said this morning."
    assert not QuoteIndex(reversed_curly).inside(reversed_curly.index("said"))
