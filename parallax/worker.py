"""Worker side of extraction: one spaCy model per process, loaded on first use, and `annotate_part`.

Whatever runs `parallax.extract.annotate` away from the flow (a local pool process, a Dask worker
through `tasks.annotate.annotate_task`) or in it (`parallax.runner.InProcessAnnotator`) gets its
model here. Nothing here touches the database or imports the runners, so a worker imports only
this, `parallax.extract` and what they need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from parallax import extract
from parallax.entities import Override
from parallax.settings import Settings

_WORKER_MODELS: dict[tuple[str, str, tuple[str, ...]], Any] = {}


def nlp_components(attributions: bool = True) -> list[str]:
    """The spaCy components extraction runs (the parser only because attributions need it)."""
    return extract.required_components(attributions)


def load_pipeline(settings: Settings, components: Sequence[str] | None = None) -> Any:
    """Load the model with only `components` enabled (default: what extraction needs)."""
    from parallax.fast_attributes import swap_attribute_ruler
    from parallax.nlp import PARAGRAPH_BREAKS, load_model

    wanted = list(components or nlp_components())
    nlp = load_model(settings)
    # the paragraph breaks (added by load_model) run where the parser does
    keep = set(wanted) | ({PARAGRAPH_BREAKS} if "parser" in wanted else set())
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.disable_pipe(name)
    swap_attribute_ruler(nlp)  # same annotations as spaCy's ruler, 15% of the pipeline's time saved
    return nlp


def worker_nlp(settings: Settings) -> Any:
    """The pipeline of this worker process, loaded once (lazily, on the first slice it gets)."""
    key = (settings.spacy_model, settings.spacy_fallback_model, tuple(nlp_components()))
    if key not in _WORKER_MODELS:
        _WORKER_MODELS[key] = load_pipeline(settings)
    return _WORKER_MODELS[key]


def warm_worker(settings: Settings) -> None:
    """Load this worker's model now (a pool warms its workers while the flow prepares the batch)."""
    worker_nlp(settings.model_copy(update={"n_process": 1}))


def annotate_part(
    docs: pa.Table,
    sentences: pa.Table | None,
    paragraphs: pa.Table | None,
    settings: Settings,
    overrides: dict[str, Override],
) -> extract.Annotations:
    """Annotate one slice in this (worker) process with its own model, one process, no DB."""
    one = settings.model_copy(update={"n_process": 1})
    return extract.annotate(docs, worker_nlp(one), one, sentences, paragraphs, overrides=overrides)
