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
    assert stmts[0].actor_text == "He", "the actor as written, in its own sentence"
    assert stmts[0].start >= text.index("He said")
    assert stmts[0].quote is not None and "pension reform would go ahead" in stmts[0].quote


def test_no_attribution_without_an_entity_actor(nlp) -> None:
    assert _attr(nlp, "The committee raised the issue of funding. It focused on budgets.") == []


def _claims(atts: list[Attribution]) -> set[tuple[str, str, str | None, str]]:
    return {(a.actor_key, a.predicate, a.topic, a.polarity) for a in atts if a.kind == "action"}


def test_negation_sets_polarity(nlp) -> None:
    t = _claims(_attr(nlp, "Chancellor Olaf Scholz did not raise the energy issue at the summit."))
    assert t == {("olaf scholz", "raise", "energy issue", "negated")}
    t = _claims(_attr(nlp, "Chancellor Olaf Scholz never mentioned the energy issue."))
    assert not any(p == "affirmed" for *_, p in t)


def test_refusal_is_negated_not_affirmed(nlp) -> None:
    verb = _claims(_attr(nlp, "Chancellor Olaf Scholz refused to raise the energy issue."))
    assert verb == {("olaf scholz", "raise", "energy issue", "negated")}
    noun = _claims(_attr(nlp, "Chancellor Scholz's refusal to raise the energy issue angered his allies."))
    assert ("scholz", "raise", "energy issue", "negated") in noun
    assert ("scholz", "raise", "energy issue", "affirmed") not in noun


def test_other_negative_heads(nlp) -> None:
    for text in (
        "Chancellor Olaf Scholz failed to raise the energy issue.",
        "Chancellor Olaf Scholz was unable to raise the energy issue.",
        "Chancellor Olaf Scholz refrained from raising the energy issue.",
        "Chancellor Olaf Scholz left the summit without raising the energy issue.",
    ):
        assert ("olaf scholz", "raise", "energy issue", "negated") in _claims(_attr(nlp, text)), text


def test_double_negation_is_affirmed(nlp) -> None:
    t = _claims(_attr(nlp, "Chancellor Olaf Scholz never failed to raise the energy issue."))
    assert t == {("olaf scholz", "raise", "energy issue", "affirmed")}
    t = _claims(_attr(nlp, "Chancellor Olaf Scholz did not hesitate to raise the energy issue."))
    assert t == {("olaf scholz", "raise", "energy issue", "affirmed")}


def test_negation_does_not_leak_into_a_conjoined_clause(nlp) -> None:
    text = "Chancellor Olaf Scholz did not raise the energy issue but discussed the budget at length."
    t = _claims(_attr(nlp, text))
    assert ("olaf scholz", "raise", "energy issue", "negated") in t
    assert ("olaf scholz", "discuss", "budget", "affirmed") in t


def test_denied_that_negates_statement_and_content(nlp) -> None:
    atts = _attr(nlp, "Chancellor Olaf Scholz denied that Emmanuel Macron raised the energy issue.")
    stmt = [a for a in atts if a.kind == "statement"]
    assert stmt and stmt[0].actor_key == "olaf scholz" and stmt[0].polarity == "negated"
    assert ("emmanuel macron", "raise", "energy issue", "negated") in _claims(atts)
    gerund = _claims(_attr(nlp, "Chancellor Olaf Scholz denied raising the energy issue."))
    assert gerund == {("olaf scholz", "raise", "energy issue", "negated")}


def test_according_to_gives_the_speaker(nlp) -> None:
    for text in (
        "According to Emmanuel Macron, Chancellor Olaf Scholz raised the energy issue.",
        "Chancellor Olaf Scholz raised the energy issue, according to Emmanuel Macron.",
    ):
        atts = _attr(nlp, text)
        said = [a for a in atts if a.cue == "according to" and a.kind == "statement"]
        assert [a.actor_key for a in said] == ["emmanuel macron"], text
        assert said[0].quote is not None and "raised the energy issue" in said[0].quote
        action = [a for a in atts if a.kind == "action"]
        assert action and action[0].actor_key == "olaf scholz" and action[0].cue == "according to"


def test_reported_speech_gives_the_speaker(nlp) -> None:
    atts = _attr(nlp, "Chancellor Olaf Scholz raised the energy issue, Emmanuel Macron said on Friday.")
    stmt = [a for a in atts if a.kind == "statement"]
    assert stmt and stmt[0].actor_key == "emmanuel macron" and stmt[0].cue == "said"
    assert stmt[0].quote is not None and "raised the energy issue" in stmt[0].quote
    action = [a for a in atts if a.kind == "action"]
    assert action and action[0].actor_key == "olaf scholz" and action[0].cue == "said"


def test_long_article_with_odd_straight_quote_keeps_every_speaker(nlp) -> None:
    # One line per paragraph (as many feeds deliver it), two quotations per line, and one unclosed
    # quotation midway: each "X said" stands outside the quotes and gives its speaker.
    names = ["Olaf Scholz", "Emmanuel Macron", "Giorgia Meloni", "Pedro Sanchez", "Mark Rutte"]
    lines = []
    for i in range(30):
        name = names[i % len(names)]
        lines.append(
            f'"The talks on section {i} went well," {name} said after the meeting. '
            f'"We will meet again next week," {name.split()[-1]} added.'
        )
        if i == 12:
            lines.append('The summit was called a "turning point for the whole region by some.')
    text = "\n".join(lines)
    atts = _attr(nlp, text)
    quotes = [a for a in atts if a.kind == "quote" and a.predicate == "say"]
    assert len(quotes) == 30, len(quotes)
    for a in quotes:
        assert a.quote is not None and a.quote.startswith("The talks on section"), a.quote
        assert " said " not in a.quote


def test_the_person_told_is_not_the_topic(nlp) -> None:
    atts = _attr(nlp, "Emmanuel Macron told The Daily Courier that the pension reform would go ahead.")
    assert [(a.kind, a.predicate, a.topic) for a in atts if a.actor_key == "emmanuel macron"] == [
        ("statement", "tell", None)
    ]
    told = _attr(nlp, "Emmanuel Macron told reporters on the train.")
    assert all(a.topic != "reporter" for a in told), told


def test_object_control_gives_the_object_as_actor(nlp) -> None:
    t = _claims(_attr(nlp, "Emmanuel Macron urged Olaf Scholz to raise the energy issue."))
    assert ("olaf scholz", "raise", "energy issue", "affirmed") in t
    assert not any(a == "emmanuel macron" and p == "raise" for a, p, _, _ in t)


def test_relative_clause_subject_is_the_noun_it_describes(nlp) -> None:
    t = _claims(_attr(nlp, "Chancellor Olaf Scholz, who did not raise the energy issue, left early."))
    assert t == {("olaf scholz", "raise", "energy issue", "negated")}
