"""Cross-document resolution: document-level names -> archive entity ids."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from parallax.entities.labels import classes_compatible, label_class
from parallax.stage import stable_id


@dataclass
class KnownEntity:
    """An entity known to the resolver: from the archive or created in this batch."""

    entity_id: str
    canonical_name: str
    label: str
    key: str
    classes: set[str] = field(default_factory=set)
    cooccurring: set[str] = field(default_factory=set)  # entity ids mentioned in the same documents
    new: bool = False


@dataclass
class DocGroup:
    """All mentions of one canonical name in one document."""

    doc_id: str
    key: str
    name: str
    label: str
    classes: set[str]
    override: bool
    mention_count: int


@dataclass
class Resolution:
    entity_id: str
    method: str  # exact / normalized / partial_name / override / new
    confidence: float


def is_bare_person(group: DocGroup) -> bool:
    return label_class(group.label) == "person" and len(group.key.split()) == 1 and not group.override


def new_entity_id(key: str, label: str, salt: str = "") -> str:
    return stable_id("entity", key, label_class(label), salt, prefix="ent_")


def resolve_entities(
    groups: Sequence[DocGroup], known: list[KnownEntity]
) -> tuple[dict[tuple[str, str], Resolution], list[KnownEntity]]:
    """Map every (doc_id, canonical_key) to an entity id, merging with the archive.

    Rules (documents are independent of the order they come in, within a batch):
    - Pass 1, names that are not bare surnames: merge with a known entity of the same key. A
      multi-word name merges whatever the label (full names are strong identifiers; the label is
      re-voted); a one-word name merges only with a label-compatible entity (same class among
      the labels the model gave either side), so "Jordan" the country and "Jordan" the player
      stay apart. Otherwise a new entity (id from key + label class).
    - Pass 2, bare surnames (a one-word PERSON name whose document has no full name ending with
      it): candidates are known full-name PERSON entities ending with that word and earlier bare
      entities of that word. A candidate scores the number of other entities of this document it
      co-occurs with elsewhere. It merges only when exactly one candidate has the best score and
      that score is at least 1; otherwise the surname becomes its own entity, salted by the
      document so that two unrelated bare "Smith"s never collapse.
    Returns the resolution per group and the (possibly extended) known entities.
    """
    by_key: dict[str, list[KnownEntity]] = defaultdict(list)
    by_last: dict[str, list[KnownEntity]] = defaultdict(list)
    by_id: dict[str, KnownEntity] = {}

    def register(e: KnownEntity) -> None:
        by_key[e.key].append(e)
        by_id[e.entity_id] = e
        if label_class(e.label) == "person" and len(e.key.split()) > 1:
            by_last[e.key.split()[-1]].append(e)

    for e in known:
        register(e)

    out: dict[tuple[str, str], Resolution] = {}
    doc_entities: dict[str, set[str]] = defaultdict(set)

    pass1 = sorted((g for g in groups if not is_bare_person(g)), key=lambda g: (g.doc_id, g.key))
    pass2 = sorted((g for g in groups if is_bare_person(g)), key=lambda g: (g.doc_id, g.key))

    for g in pass1:
        cands = by_key.get(g.key, [])
        multi = len(g.key.split()) > 1
        compatible = [e for e in cands if classes_compatible(e.classes | {label_class(e.label)}, g.classes)]
        if g.override:
            compatible = [e for e in cands if label_class(e.label) == label_class(g.label)] or compatible
        pick = compatible or (cands if multi else [])
        if pick:
            ent = max(pick, key=lambda e: (len(e.classes & g.classes), not e.new, e.entity_id))
            method = "override" if g.override else ("exact" if ent.canonical_name == g.name else "normalized")
            out[(g.doc_id, g.key)] = Resolution(
                ent.entity_id, method, 1.0 if method != "normalized" else 0.95
            )
            ent.classes |= g.classes
        else:
            eid = new_entity_id(g.key, g.label)
            if eid in by_id:  # same key and class but judged incompatible: salt by document
                eid = new_entity_id(g.key, g.label, g.doc_id)
            ent = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
            register(ent)
            out[(g.doc_id, g.key)] = Resolution(eid, "override" if g.override else "exact", 1.0)
        doc_entities[g.doc_id].add(out[(g.doc_id, g.key)].entity_id)

    # what this batch's documents say about co-occurrence counts for the surnames below
    for ids in doc_entities.values():
        for eid in ids:
            by_id[eid].cooccurring |= ids - {eid}

    for g in pass2:
        context = doc_entities[g.doc_id]
        full = by_last.get(g.key, [])
        bare = [e for e in by_key.get(g.key, []) if label_class(e.label) == "person" or e.classes & g.classes]
        chosen: KnownEntity | None = None
        method, conf = "partial_name", 0.7
        for pool, pool_method in ((full, "partial_name"), (bare, "exact")):
            scored = sorted(((len(e.cooccurring & context), e.entity_id, e) for e in pool), reverse=True)
            if not scored:
                continue
            best = scored[0][0]
            if best >= 1 and (len(scored) == 1 or scored[1][0] < best):
                chosen, method = scored[0][2], pool_method
                conf = min(0.9, 0.5 + 0.1 * best) if pool_method == "partial_name" else 0.9
                break
            if best >= 1:
                # several candidates fit this document equally well: do not guess
                break
        if chosen is None:
            eid = new_entity_id(g.key, g.label, g.doc_id)
            chosen = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
            register(chosen)
            method, conf = "exact", 1.0
        chosen.classes |= g.classes
        out[(g.doc_id, g.key)] = Resolution(chosen.entity_id, method, conf)
        chosen.cooccurring |= context - {chosen.entity_id}
        doc_entities[g.doc_id].add(chosen.entity_id)

    # co-occurrence learned from this batch (for later documents of later runs)
    for ids in doc_entities.values():
        for eid in ids:
            if eid in by_id:
                by_id[eid].cooccurring |= ids - {eid}
    return out, [e for e in by_id.values()]
