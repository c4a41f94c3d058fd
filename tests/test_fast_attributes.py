"""The compiled attribute ruler and cached lemmatizer give spaCy's own annotations, token for token."""

from __future__ import annotations

from typing import Any

import pytest

from parallax.fast_attributes import (
    FACTORY,
    LEMMA_FACTORY,
    NotCompilable,
    compile_ruler,
    swap_attribute_ruler,
)
from parallax.nlp import add_paragraph_breaks, load_model
from parallax.settings import Settings
from parallax.worker import load_pipeline, nlp_components

# Text of our own that reaches the ruler's exceptions: contractions and multi-token lemma rules
# ("gonna", "ain't", "y'all", "let's", "c'mon"), expletive "there is", auxiliaries, do/have as
# main verbs, subordinating "that", determiners used as pronouns, whitespace tokens, gets/got.
TEXTS = [
    'The minister said on Tuesday that the talks were gonna resume. "We ain\'t done," he added.',
    "Y'all know there is a deal, and there were three more before it; let's see what that gets us.",
    "C'mon, she got the report  \n\n  and did what she had to: have the council vote. Those who did left.",
    "Officials have said 12 people were killed and at least 40 injured when the bridge collapsed.",
    "   \n",
    "",
    "Which is it?  That one, which the court had rejected, was the one they didn't want.",
]


def rows(doc: Any) -> list[tuple[Any, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_pipeline(Settings())


@pytest.fixture(scope="module")
def reference() -> Any:
    """spaCy's own components, with the shipped pipeline's other steps (the paragraph breaks)."""
    nlp = load_model(Settings())
    for name in list(nlp.pipe_names):
        if name not in nlp_components():
            nlp.disable_pipe(name)
    add_paragraph_breaks(nlp)
    return nlp


def test_extraction_pipeline_uses_the_compiled_components(shipped: Any) -> None:
    assert FACTORY in shipped.pipe_names and LEMMA_FACTORY in shipped.pipe_names
    assert "attribute_ruler" not in shipped.pipe_names and "lemmatizer" not in shipped.pipe_names


def test_same_annotations_as_spacys_components(reference: Any, shipped: Any) -> None:
    for text in TEXTS:
        assert rows(shipped(text)) == rows(reference(text)), text
    # and as a batch, in a second pass (the caches are warm now)
    assert [rows(d) for d in shipped.pipe(TEXTS)] == [rows(d) for d in reference.pipe(TEXTS)]


def test_a_blank_line_ends_a_sentence(shipped: Any) -> None:
    doc = shipped("According to Greek Sky TV\n\nThree people have died in a blaze.")
    assert [s.text.strip() for s in doc.sents] == [
        "According to Greek Sky TV",
        "Three people have died in a blaze.",
    ]


def test_later_rules_win_and_multi_token_rules_apply() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to"}, index=1)
    ruler.add([[{"LOWER": {"IN": ["na", "x"]}}]], {"LEMMA": "first", "POS": "NOUN"})
    ruler.add([[{"LOWER": {"REGEX": "^n"}}]], {"LEMMA": "second"})
    ruler.add([[{"IS_SPACE": True}]], {"POS": "SPACE", "MORPH": "_"})
    compiled = compile_ruler(ruler.patterns)
    for text in ("gon na", "x na gon", "na  x"):
        a, b = nlp(text), compiled(nlp.make_doc(text))
        assert rows(a) == rows(b), text
    assert [t.lemma_ for t in compiled(nlp.make_doc("gon na"))] == ["", "second"]


def test_a_ruler_it_cannot_reproduce_stays() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"POS": "DET"})
    with pytest.raises(NotCompilable):
        compile_ruler(ruler.patterns)
    assert swap_attribute_ruler(nlp) == []
    assert nlp.pipe_names == ["attribute_ruler"]
    assert nlp("a a")[0].pos_ == "DET"


def _walk_governor(tok: Any) -> Any:
    """The nearest verb above a token, walked through Token objects (what `background` did)."""
    for _ in range(12):
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            return tok
        tok = tok.head
    return tok


def test_figure_clause_governors_from_arrays_equal_the_token_walk(shipped: Any) -> None:
    from parallax.background import _clause, _governors

    text = (
        "The 2015 quake, which killed 9,000 people, was stronger than the one that hit in 2004. "
        "Officials said at least 12 were missing after rescuers, who arrived late, searched the site."
    )
    doc = shipped(text)
    assert _governors(doc) == [_walk_governor(t).i for t in doc]
    for ent in doc.ents:
        gov = _walk_governor(ent.root)
        walked = [t.i for t in ent.sent if t.i == gov.i or _walk_governor(t).i == gov.i]
        assert [t.i for t in _clause(ent)][: len(walked)] == walked
