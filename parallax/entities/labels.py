"""Entity labels: the model's name labels, their classes, and the class-first label vote."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

# Labels of names (the numeric labels go to facts).
NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Label classes: labels in one class are compatible (the model confuses GPE/LOC/FAC freely).
LABEL_CLASS = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
    "PRODUCT": "work",
    "WORK_OF_ART": "work",
    "LAW": "work",
    "LANGUAGE": "language",
}


def label_class(label: str) -> str:
    return LABEL_CLASS.get(label, label.lower())


def vote_label(votes: Mapping[str, float]) -> str:
    """One label: vote by class first (GPE+LOC+FAC count together), then the label within it.

    So a place tagged GPE 3x, LOC 2x and PERSON 4x is a place (5 > 4), labelled GPE.
    """
    if not votes:
        return "ORG"
    by_class: dict[str, float] = defaultdict(float)
    for label, n in votes.items():
        by_class[label_class(label)] += n
    best_class = max(by_class, key=lambda c: (by_class[c], c == "place", c == "person", c))
    within = {lab: n for lab, n in votes.items() if label_class(lab) == best_class}
    return max(within, key=lambda lab: (within[lab], lab))


# Label classes a one-word name may be merged across: a country is also its government
# ("Canada" GPE / ORG); a person and a place are never merged ("Jordan").
_COMPATIBLE_CLASSES = {"place": {"place", "org"}, "org": {"org", "place"}}


def classes_compatible(a: set[str], b: set[str]) -> bool:
    """Do two sets of label classes allow a merge of one-word names?"""
    expanded = set().union(*(_COMPATIBLE_CLASSES.get(c, {c}) for c in a)) if a else set()
    return bool(expanded & b)
