"""Entity layer: noise filter, name normalization, within-document and cross-document resolution.

Modules, each a set of plain functions (no module imports this package's `__init__`):

- `names`: titles, possessives, comparison keys; person-name structure from `nameparser` and
  given-name variants from `nicknames` (PERSON spans only).
- `lexicon`: word classes from spaCy's own word index.
- `mentions`: `clean_mentions(doc, ctx, lexicon)` turns the model's name spans into mentions
  (line breaks, edges, heading context, "A & B" splits; leading titles become the `role`).
- `labels`: label classes and the class-first vote.
- `overrides`: seeds/entity_aliases.csv (merge and keep-apart rows).
- `within`: `resolve_within_doc(mentions)`: one canonical name, key and label per document name
  (surnames, short forms, acronyms defined in the text).
- `resolution`: `resolve_entities(...)` merges document-level names with the archive.

Everything is general: no rule names a sample article's words.
"""

from parallax.entities.labels import (
    LABEL_CLASS,
    NAME_LABELS,
    PLACE_LABELS,
    classes_compatible,
    label_class,
    vote_label,
)
from parallax.entities.lexicon import Lexicon, lexicon_for
from parallax.entities.mentions import (
    ALL_STEPS,
    DocContext,
    Mention,
    build_context,
    clean_mentions,
    heading_ranges,
    is_common_in_doc,
    is_name_like,
    make_mention,
)
from parallax.entities.names import (
    FUNCTION_WORDS,
    TITLE_WORDS,
    fold_quotes,
    key_for,
    name_form,
    name_key,
    person_key,
    person_name,
    person_variant,
    same_given_name,
    split_title,
    strip_possessive,
)
from parallax.entities.overrides import (
    KEEP_APART,
    Override,
    apart_pairs,
    find_override,
    kept_apart,
    load_overrides,
    override_key,
)
from parallax.entities.resolution import (
    DocGroup,
    Evidence,
    KnownEntity,
    Resolution,
    initials_of,
    is_bare_person,
    is_short_form,
    new_entity_id,
    org_key_variants,
    resolve_entities,
    short_candidate_ids,
    short_form_candidates,
)
from parallax.entities.within import (
    LOCATIVE_WORDS,
    initials,
    is_acronym_form,
    mention_weight,
    resolve_within_doc,
    written_as_place,
)

__all__ = [
    "ALL_STEPS",
    "FUNCTION_WORDS",
    "KEEP_APART",
    "LABEL_CLASS",
    "LOCATIVE_WORDS",
    "NAME_LABELS",
    "PLACE_LABELS",
    "TITLE_WORDS",
    "DocContext",
    "DocGroup",
    "Evidence",
    "KnownEntity",
    "Lexicon",
    "Mention",
    "Override",
    "Resolution",
    "apart_pairs",
    "build_context",
    "classes_compatible",
    "clean_mentions",
    "find_override",
    "fold_quotes",
    "heading_ranges",
    "initials",
    "initials_of",
    "is_acronym_form",
    "is_bare_person",
    "is_common_in_doc",
    "is_name_like",
    "is_short_form",
    "kept_apart",
    "key_for",
    "label_class",
    "lexicon_for",
    "load_overrides",
    "make_mention",
    "mention_weight",
    "name_form",
    "name_key",
    "new_entity_id",
    "org_key_variants",
    "override_key",
    "person_key",
    "person_name",
    "person_variant",
    "resolve_entities",
    "resolve_within_doc",
    "same_given_name",
    "short_candidate_ids",
    "short_form_candidates",
    "split_title",
    "strip_possessive",
    "vote_label",
    "written_as_place",
]
