"""Cross-document resolution: document-level names -> archive entity ids."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from parallax.entities.labels import classes_compatible, label_class
from parallax.entities.names import FUNCTION_WORDS, person_variant
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
    acronym: bool = False  # written as an acronym ("HP", "EDS")
    place_evidence: bool = False  # written as a place at least once ("in Washington")
    aliases: frozenset[str] = frozenset()  # other keys of the document linked to this name


@dataclass
class Resolution:
    entity_id: str
    method: str  # exact / normalized / partial_name / given_name / acronym / short_form / override
    confidence: float
    evidence: str = ""  # why a cross-document short-form link was made (shared rarer entities)


@dataclass(frozen=True)
class Evidence:
    """What the archive says beyond the candidate entities: how rare each entity is, which short
    forms were linked to which entities, which names overrides keep apart."""

    df: Mapping[str, int] = field(default_factory=dict)  # archive documents mentioning each entity
    n_docs: int = 0  # documents in the archive
    # sum of IDF weights of shared co-occurring entities a cross-document short-form link needs:
    # log(20) ~ 3.0 is one entity named in at most 1 of 20 documents (a country named in every
    # tenth article is not enough alone)
    min_score: float = 3.0
    aliases: Mapping[str, set[str]] = field(default_factory=dict)  # short key -> entity ids
    apart: frozenset[tuple[str, str]] = frozenset()


def is_bare_person(group: DocGroup) -> bool:
    return label_class(group.label) == "person" and len(group.key.split()) == 1 and not group.override


def is_short_form(group: DocGroup) -> bool:
    """A one-word name that may stand for a longer one (surname, team nickname, acronym)."""
    return len(group.key.split()) == 1 and not group.override and label_class(group.label) in _SHORT_CLASSES


_SHORT_CLASSES = frozenset({"person", "org", "place", "group", "work"})


# Country names written after an organisation's own name for its national arm ("T-Mobile USA").
_REGION_WORDS = frozenset({"usa", "us", "uk", "america", "canada", "europe", "international"})


def org_key_variants(key: str) -> list[str]:
    """Keys an organisation or product name may also be known by: without a trailing country
    ("t-mobile usa" -> "t-mobile") or in the singular ("macbook pros" -> "macbook pro"); the name
    keeps at least one word of its own."""
    words = key.split()
    out = []
    if len(words) >= 2 and words[-1] in _REGION_WORDS:
        out.append(" ".join(words[:-1]))
    if len(words) >= 2 and words[-1].endswith("s") and not words[-1].endswith("ss") and len(words[-1]) > 3:
        out.append(" ".join([*words[:-1], words[-1][:-1]]))
    return out


def new_entity_id(key: str, label: str, salt: str = "") -> str:
    return stable_id("entity", key, label_class(label), salt, prefix="ent_")


def initials_of(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in FUNCTION_WORDS)


def short_candidate_ids(
    groups: Iterable[DocGroup], entities: Iterable[KnownEntity], aliases: Mapping[str, set[str]]
) -> set[str]:
    """Ids of the entities the one-word names `groups` could refer to (to load their co-occurrence)."""
    keys = {g.key for g in groups}
    acronyms = {g.key for g in groups if g.acronym}
    out = {i for k in keys for i in aliases.get(k, ())}
    for e in entities:
        words = e.key.split()
        if (
            e.key in keys
            or (len(words) > 1 and (words[0] in keys or words[-1] in keys))
            or (len(words) > 1 and initials_of(e.key) in acronyms)
        ):
            out.add(e.entity_id)
    return out


def short_form_candidates(
    group: DocGroup, entities: Sequence[KnownEntity], evidence: Evidence
) -> list[KnownEntity]:
    """Longer-named entities a one-word name may stand for: a person whose full name ends with it
    (unless it is written as a place: "in Washington"), an organisation or work whose name starts
    or ends with it ("Saints" / "New Orleans Saints"; never a place: "Pakistan" is not the
    "Pakistan Army"), an entity whose initials it is (acronyms), or one it was linked to elsewhere."""
    w = group.key
    cls = label_class(group.label)
    linked = evidence.aliases.get(w, set())
    out = []
    for e in entities:
        words = e.key.split()
        ecls = label_class(e.label)
        # a surname the tagger called a place may join a person, unless written as a place
        if (w, e.key) in evidence.apart or (ecls == "place" and cls == "person"):
            continue
        if ecls == "person" and cls == "place" and group.place_evidence:
            continue
        person = ecls == "person" and words[-1] == w
        part = (
            ecls in ("org", "work", "event")
            and cls in ("org", "group", "work")
            and w in (words[0], words[-1])
        )
        acronym = group.acronym and ecls != "person" and initials_of(e.key) == w
        if e.entity_id in linked or (len(words) > 1 and (person or part or acronym)):
            out.append(e)
    return out


def resolve_entities(
    groups: Sequence[DocGroup], known: list[KnownEntity], evidence: Evidence | None = None
) -> tuple[dict[tuple[str, str], Resolution], list[KnownEntity]]:
    """Map every (doc_id, canonical_key) to an entity id, merging with the archive.

    Rules (documents are independent of the order they come in, within a batch):
    - Pass 1, every name but bare surnames: merge with a known entity of the same key. A
      multi-word name merges whatever the label (full names are strong identifiers and a tagger
      label flip must not split them; the label is re-voted); a one-word name merges only with a
      label-compatible entity, so "Jordan" the country and "Jordan" the player stay apart. A full
      person name with no entity of its key joins the one known variant of it ("Fred Smith" /
      "Frederick Smith", "Regina M. Benjamin" / "Regina Benjamin"). Otherwise a new entity.
    - Pass 2, one-word names (surnames, team names, acronyms; `short_form_candidates`): they join
      a longer-named entity only on distinctive evidence: the entities of this document that the
      candidate co-occurs with elsewhere, each weighted by its rarity (IDF over the archive), must
      sum to `evidence.min_score` (in an archive too small for that, to the weight of an entity
      named in one document only), and one candidate must lead clearly. One common co-occurring
      name (a country) is not enough; ambiguous short forms stay separate. A bare surname that
      joins nothing becomes its own entity salted by the document, unless an earlier bare entity
      of that word shares such evidence, so two unrelated bare "Smith"s never collapse.
    Returns the resolution per group and the (possibly extended) known entities.
    """
    ev = evidence or Evidence()
    by_key: dict[str, list[KnownEntity]] = defaultdict(list)
    by_word: dict[str, list[KnownEntity]] = defaultdict(list)
    by_initials: dict[str, list[KnownEntity]] = defaultdict(list)
    by_id: dict[str, KnownEntity] = {}

    def register(e: KnownEntity) -> None:
        by_key[e.key].append(e)
        by_id[e.entity_id] = e
        words = e.key.split()
        if len(words) > 1:
            for w in {words[0], words[-1]}:
                by_word[w].append(e)
            by_initials[initials_of(e.key)].append(e)

    for e in known:
        register(e)

    out: dict[tuple[str, str], Resolution] = {}
    doc_entities: dict[str, set[str]] = defaultdict(set)

    pass1 = sorted((g for g in groups if not is_bare_person(g)), key=lambda g: (g.doc_id, g.key))
    pass2 = sorted((g for g in groups if is_short_form(g)), key=lambda g: (g.doc_id, g.key))

    for g in pass1:
        cands = by_key.get(g.key, [])
        if not cands and label_class(g.label) in ("org", "work") and not g.override:
            # "T-Mobile USA" / "T-Mobile", "MacBook Pros" / "MacBook Pro": a known organisation
            # or product named with a country after it, or in the plural
            cands = [
                e
                for k in org_key_variants(g.key)
                for e in by_key.get(k, [])
                if label_class(e.label) in ("org", "work") and (g.key, e.key) not in ev.apart
            ]
        multi = len(g.key.split()) > 1
        compatible = [e for e in cands if classes_compatible(e.classes | {label_class(e.label)}, g.classes)]
        if g.override:
            compatible = [e for e in cands if label_class(e.label) == label_class(g.label)] or compatible
        pick = compatible or (cands if multi else [])
        method = "override" if g.override else ""
        if not pick and multi and label_class(g.label) in _SHORT_CLASSES - {"work"} and not g.override:
            # a full person name (or one the tagger called a place/org) and a known variant of it
            variants = [
                e
                for e in by_word.get(g.key.split()[-1], [])
                if label_class(e.label) == "person"
                and person_variant(g.key, e.key)
                and (g.key, e.key) not in ev.apart
            ]
            if len({e.entity_id for e in variants}) == 1:
                pick, method = variants, "given_name"
        if pick:
            ent = max(pick, key=lambda e: (len(e.classes & g.classes), not e.new, e.entity_id))
            method = method or ("exact" if ent.canonical_name == g.name else "normalized")
            conf = {"exact": 1.0, "override": 1.0, "given_name": 0.85}.get(method, 0.95)
            why = f"given-name variant of {ent.canonical_name}" if method == "given_name" else ""
            out[(g.doc_id, g.key)] = Resolution(ent.entity_id, method, conf, why)
            ent.classes |= g.classes
        else:
            eid = new_entity_id(g.key, g.label)
            if eid in by_id:  # same key and class but judged incompatible: salt by document
                eid = new_entity_id(g.key, g.label, g.doc_id)
            ent = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
            register(ent)
            out[(g.doc_id, g.key)] = Resolution(eid, "override" if g.override else "exact", 1.0)
        doc_entities[g.doc_id].add(out[(g.doc_id, g.key)].entity_id)

    # what this batch's documents say: co-occurrence, document frequency, short forms linked
    batch_df: dict[str, int] = defaultdict(int)
    aliases: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in ev.aliases.items()})
    for ids in doc_entities.values():
        for eid in ids:
            by_id[eid].cooccurring |= ids - {eid}
            batch_df[eid] += 1
    for g in pass1:
        for alias in g.aliases:
            aliases[alias].add(out[(g.doc_id, g.key)].entity_id)
    n_docs = ev.n_docs + len({g.doc_id for g in groups})
    ev_batch = Evidence(ev.df, ev.n_docs, ev.min_score, aliases, ev.apart)

    # a small archive cannot make anything rare: there the bar is the weight of one entity named
    # in a single document, which a lone shared entity (named in two at least) never reaches
    needed = min(ev.min_score, math.log((n_docs + 1) / 2))

    def idf(eid: str) -> float:
        return math.log((n_docs + 1) / (ev.df.get(eid, 0) + batch_df.get(eid, 0) + 1))

    def score(e: KnownEntity, context: set[str]) -> tuple[float, list[str]]:
        shared = sorted(e.cooccurring & context, key=lambda x: (-idf(x), x))
        return sum(idf(x) for x in shared), shared

    for g in pass2:
        own = out.get((g.doc_id, g.key))
        context = doc_entities[g.doc_id] - ({own.entity_id} if own else set())
        pool: dict[str, KnownEntity] = {}
        for e in (
            by_word.get(g.key, [])
            + (by_initials.get(g.key, []) if g.acronym else [])
            + [by_id[i] for i in aliases.get(g.key, ()) if i in by_id]
        ):
            pool[e.entity_id] = e
        pool.pop(own.entity_id if own else "", None)
        cands = short_form_candidates(g, sorted(pool.values(), key=lambda e: e.entity_id), ev_batch)
        if g.acronym:  # an acronym stands for the name it abbreviates, not for names it starts
            expansions = [
                e for e in cands if initials_of(e.key) == g.key or e.entity_id in aliases.get(g.key, ())
            ]
            cands = expansions or cands
        scored = sorted(((*score(e, context), e) for e in cands), key=lambda x: (-x[0], x[2].entity_id))
        chosen: KnownEntity | None = None
        res: Resolution | None = None
        if scored and scored[0][0] >= needed and (len(scored) == 1 or scored[1][0] * 1.5 < scored[0][0]):
            best, shared, chosen = scored[0]
            lcls = label_class(chosen.label)
            method = "partial_name" if lcls == "person" else ("acronym" if g.acronym else "short_form")
            names = ", ".join(by_id[x].canonical_name for x in shared[:3])
            res = Resolution(
                chosen.entity_id, method, round(min(0.9, 0.5 + best / 20), 3), f"co-occurs with {names}"
            )
        elif is_bare_person(g):
            # an earlier bare entity of this word with the same rarer company, else a new one
            bare = [
                e for e in by_key.get(g.key, []) if label_class(e.label) == "person" or e.classes & g.classes
            ]
            same = sorted(((*score(e, context), e) for e in bare), key=lambda x: (-x[0], x[2].entity_id))
            if same and same[0][0] >= needed and (len(same) == 1 or same[1][0] < same[0][0]):
                chosen = same[0][2]
                res = Resolution(chosen.entity_id, "exact", 0.9)
            else:
                eid = new_entity_id(g.key, g.label, g.doc_id)
                chosen = KnownEntity(eid, g.name, g.label, g.key, set(g.classes), set(), new=True)
                register(chosen)
                res = Resolution(eid, "exact", 1.0)
        if res is None or chosen is None:
            continue
        if own is not None:
            doc_entities[g.doc_id].discard(own.entity_id)
        chosen.classes |= g.classes
        out[(g.doc_id, g.key)] = res
        chosen.cooccurring |= context - {chosen.entity_id}
        doc_entities[g.doc_id].add(chosen.entity_id)

    # co-occurrence learned from this batch (for later documents of later runs)
    for ids in doc_entities.values():
        for eid in ids:
            if eid in by_id:
                by_id[eid].cooccurring |= ids - {eid}
    return out, [e for e in by_id.values()]
