"""Arrow schemas of what extraction's `annotate` returns (`parallax.extract`), and their holder.

Shared by the pure side (`parallax.extract`), the database side (`parallax.extract_store`), the
runners that move `annotate` between processes (`parallax.runner`) and copy projection
(`parallax.copies`). Imports nothing of the project's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# sentence_index of a span in the title (part = 'title'): stg_sentences split the body only, so a
# title span is in no body sentence; -1 also sorts before the body's first sentence (0).
TITLE_SENTENCE = -1

MENTION_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("mention_index", pa.int32()),
        ("part", pa.string()),
        ("surface_text", pa.string()),
        ("label", pa.string()),
        ("model_label", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("canonical_name", pa.string()),
        ("canonical_key", pa.string()),
        ("method", pa.string()),
        ("confidence", pa.float64()),
        ("in_heading", pa.bool_()),
        ("key", pa.string()),  # the mention's own name key (canonical_key differs when linked)
        ("as_place", pa.bool_()),  # written as a place here ("in Washington")
    ]
)
FACT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("part", pa.string()),
        ("fact_type", pa.string()),
        ("value_text", pa.string()),
        ("normalized_value", pa.float64()),
        ("unit", pa.string()),
        ("measure", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("lower_value", pa.float64()),
        ("upper_value", pa.float64()),
        ("value_precision", pa.float64()),
        ("is_background", pa.bool_()),
        ("background_year", pa.int32()),
        ("measure_evidence", pa.string()),
        ("measure_class", pa.string()),
    ]
)
ATTRIBUTION_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("attribution_index", pa.int32()),
        ("part", pa.string()),
        ("kind", pa.string()),
        ("actor_key", pa.string()),
        ("actor_text", pa.string()),
        ("predicate", pa.string()),
        ("topic", pa.string()),
        ("topic_text", pa.string()),
        ("quote", pa.string()),
        ("polarity", pa.string()),
        ("cue", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
    ]
)


@dataclass
class Annotations:
    """What `annotate` found, as Arrow tables (see the *_SCHEMA constants)."""

    mentions: pa.Table
    facts: pa.Table
    attributions: pa.Table
    skipped_spans: int = 0
