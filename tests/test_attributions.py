"""Attributions from the parse: actions, nominal forms, passives, statements and quotes."""

from __future__ import annotations

from parallax.attributions import Attribution, extract_attributions
from parallax.entities import build_context, clean_mentions, lexicon_for, resolve_within_doc


def _attr(nlp, text: str) -> list[Attribution]:
    doc = nlp(text)
    mentions = resolve_within_doc(clean_mentions(doc, build_context(text), lexicon_for(nlp)))
    out = extract_attributions(doc, text, mentions, lexicon_for(nlp))
    for a in out:
        assert 0 <= a.start < a.end <= len(text)
    return out


def _triples(atts: list[Attribution]) -> set[tuple[str, str, str | None]]:
    return {(a.actor_key, a.predicate, a.topic) for a in atts}


def test_topic_normalization_makes_phrasings_equal(nlp) -> None:
    a = _triples(_attr(nlp, "Chancellor Olaf Scholz raised the energy issue at the summit."))
    b = _triples(_attr(nlp, "Chancellor Olaf Scholz notably raised the issue of energy."))
    assert ("olaf scholz", "raise", "energy issue") in a
    assert ("olaf scholz", "raise", "energy issue") in b


def test_adjectives_dropped_when_a_noun_modifier_names_the_topic(nlp) -> None:
    t = _triples(_attr(nlp, "President Emmanuel Macron raised the longstanding Kashmir issue."))
    assert ("emmanuel macron", "raise", "kashmir issue") in t


def test_nominal_decision_to_act(nlp) -> None:
    t = _triples(_attr(nlp, "Chancellor Scholz's decision to raise the energy issue surprised observers."))
    assert ("scholz", "raise", "energy issue") in t
    assert not any(p == "surprise" for _, p, _ in t)  # the decision surprised, not Scholz


def test_nominal_response_focused_on(nlp) -> None:
    t = _triples(_attr(nlp, "In contrast, President Macron's response focused more on the migration issue."))
    assert ("macron", "focus on", "migration issue") in t


def test_xcomp_and_surname_resolution(nlp) -> None:
    text = (
        "Prime Minister Jacinda Ardern visited Tokyo. Ardern sought to expand dairy exports during the trip."
    )
    atts = _attr(nlp, text)
    t = _triples(atts)
    assert ("jacinda ardern", "expand", "dairy export") in t


def test_passive_agent_is_the_actor(nlp) -> None:
    t = _triples(_attr(nlp, "The trade issue was raised by Chancellor Olaf Scholz on Monday."))
    assert ("olaf scholz", "raise", "trade issue") in t


def test_direct_quote_with_speaker(nlp) -> None:
    text = "“We will not accept this deal under any circumstances,” Emmanuel Macron said on Friday."
    quotes = [a for a in _attr(nlp, text) if a.kind == "quote"]
    assert quotes
    assert quotes[0].actor_key == "emmanuel macron"
    assert quotes[0].predicate == "say"
    assert quotes[0].quote == "We will not accept this deal under any circumstances"


def test_indirect_statement_and_pronoun_speaker(nlp) -> None:
    text = "Emmanuel Macron met union leaders in Paris. He said that the pension reform would go ahead."
    stmts = [a for a in _attr(nlp, text) if a.kind == "statement"]
    assert stmts
    assert stmts[0].actor_key == "emmanuel macron"
    assert stmts[0].quote is not None and "pension reform would go ahead" in stmts[0].quote


def test_no_attribution_without_an_entity_actor(nlp) -> None:
    assert _attr(nlp, "The committee raised the issue of funding. It focused on budgets.") == []
