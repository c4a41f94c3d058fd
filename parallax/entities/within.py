"""Within-document resolution: one canonical name, key and label per name of a document."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from parallax.entities.labels import PLACE_LABELS, label_class, vote_label
from parallax.entities.mentions import Mention
from parallax.entities.names import TITLE_WORDS, name_key
from parallax.entities.overrides import Override, find_override


def mention_weight(m: Mention) -> float:
    """Votes of a mention: heading or trimmed spans count less, full names more."""
    w = 1.0
    if m.in_heading or m.trimmed:
        w *= 0.5
    if len(m.name.split()) > 1:
        w *= 1.5
    return w


def _vote(mentions: Sequence[Mention]) -> dict[str, float]:
    votes: dict[str, float] = defaultdict(float)
    for m in mentions:
        votes[m.model_label] += mention_weight(m)
        if m.role and m.role.split()[-1].casefold() in TITLE_WORDS:
            # a personal title right before a name is stronger evidence than the model's label
            votes["PERSON"] += 2 * mention_weight(m)
    return votes


def _display_name(names: Iterable[str]) -> str:
    """Most frequent written form, preferring mixed case over ALL CAPS, then the longer one."""
    counts = Counter(names)
    return max(counts, key=lambda n: (not n.isupper() or len(n) <= 4, counts[n], len(n), n))


def resolve_within_doc(
    mentions: list[Mention], overrides: dict[str, Override] | None = None
) -> list[Mention]:
    """Give each mention its document-level canonical name, key, label and method.

    - Overrides (seeds/entity_aliases.csv) win.
    - Same key -> same name.
    - A name whose words are the final words of exactly one longer PERSON name of the document
      ("Raisi" / "Ebrahim Raisi") takes that name (method partial_name), whatever label the model
      gave the short form, as long as that label is a person/org/place confusion.
    - The label is a class vote over every mention of the canonical name.
    """
    overrides = overrides or {}
    for m in mentions:
        ov = find_override(overrides, m.name)
        if ov is not None:
            m.canonical_name, m.canonical_key = ov.canonical_name, name_key(ov.canonical_name)
            m.method, m.confidence, m.label = "override", 1.0, ov.label
        else:
            m.canonical_name, m.canonical_key = m.name, m.key
            m.method = "exact" if m.name == m.text else "normalized"
            m.confidence = 1.0 if m.method == "exact" else 0.95

    free = [m for m in mentions if m.method != "override"]
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in free:
        by_key[m.key].append(m)

    # full PERSON names of the document (multi-word keys voted PERSON)
    person_keys = [
        k for k, ms in by_key.items() if len(k.split()) > 1 and label_class(vote_label(_vote(ms))) == "person"
    ]
    for k, ms in list(by_key.items()):
        words = k.split()
        if k in person_keys:
            continue
        if label_class(vote_label(_vote(ms))) not in {"person", "org", "place"}:
            continue
        longer = [p for p in person_keys if len(p.split()) > len(words) and p.split()[-len(words) :] == words]
        if len(longer) != 1:
            continue
        target = longer[0]
        for m in ms:
            m.canonical_key = target
            m.method, m.confidence = "partial_name", 0.85

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[m.canonical_key].append(m)
    for key, ms in groups.items():
        overridden = [m for m in ms if m.method == "override"]
        if overridden:
            label = overridden[0].label
            name = overridden[0].canonical_name
        else:
            label = vote_label(_vote(ms))
            name = (
                _display_name(m.name for m in ms if m.key == key)
                if any(m.key == key for m in ms)
                else ms[0].name
            )
        for m in ms:
            m.label, m.canonical_name = label, name
    _demonyms(groups)
    return mentions


_DEMONYM_SUFFIXES = ("i", "is", "ian", "ians", "an", "ans", "n", "ns", "ese", "ish", "ic")


def _demonyms(groups: dict[str, list[Mention]]) -> None:
    """A one-word name formed from a place of the same document plus a demonym suffix
    ("Kashmiri" / Kashmir, "Israeli" / Israel, "Iranians" / Iran) is a NORP, whatever the model said."""
    places = {k for k, ms in groups.items() if ms and ms[0].label in PLACE_LABELS and " " not in k}
    for key, ms in groups.items():
        if not ms or ms[0].label in ("NORP", "PERSON") or ms[0].method == "override" or " " in key:
            continue
        for place in places:
            if key != place and key.startswith(place) and key[len(place) :] in _DEMONYM_SUFFIXES:
                for m in ms:
                    m.label = "NORP"
                break
