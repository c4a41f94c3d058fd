"""What the archive knows about a batch's names: the reads behind cross-document resolution.

`parallax.extract_store.write_annotations` asks these before `parallax.entities.resolve_entities`:
persisted entities a batch's names could be (`known_entities`), who they appear with
(`load_cooccurrence`), the one-word names linked to them before (`archive_aliases`), document
frequencies (`archive_evidence`) and the model-label votes of their mentions (`label_votes`). All read
`intermediate.int_*` outside the batch's own documents; none writes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from parallax.entities import (
    DocGroup,
    Evidence,
    KnownEntity,
    Override,
    apart_pairs,
    initials_of,
    key_for,
    label_class,
    name_key,
    new_entity_id,
    org_key_variants,
)


@dataclass(frozen=True)
class BatchNames:
    """What a batch's names can match in the archive: the lookups `resolve_entities` makes of a known
    entity are its key (a name's key, or an organisation's key without a country or in the singular),
    the first or last word of its key (surnames, short forms, given-name variants share the last word),
    its initials (acronyms) and its id (a new name's id taken by an entity renamed since)."""

    keys: frozenset[str]
    words: frozenset[str]
    acronyms: frozenset[str]
    ids: frozenset[str]

    @classmethod
    def of(cls, groups: Iterable[DocGroup], acronyms: Iterable[str]) -> BatchNames:
        groups = list(groups)
        keys = {g.key for g in groups} | {k for g in groups for k in org_key_variants(g.key)}
        return cls(
            frozenset(keys),
            frozenset(w for g in groups for w in g.key.split()),
            frozenset(acronyms),
            frozenset(new_entity_id(g.key, g.label) for g in groups),
        )

    def may_match(self, entity_id: str, key: str) -> bool:
        """Could the resolver match an entity of this id and key to one of the batch's names?"""
        if key in self.keys or entity_id in self.ids:
            return True
        words = key.split()
        return len(words) > 1 and (
            words[0] in self.words or words[-1] in self.words or initials_of(key) in self.acronyms
        )


def known_entities(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], names: BatchNames
) -> dict[str, KnownEntity]:
    """Persisted entities the batch's names could be: sharing a word with them, whose initials are one
    of its acronyms, or that one of its one-word names was linked to before (int_entity_aliases), kept
    when `names.may_match` them (or by such a link); with the label classes their mentions outside the
    batch carry. (The SQL filter only narrows: a word shared anywhere in a name brought in a third of a
    20,000-article archive's entities, each read with its mentions; the resolver decides.)"""
    rows = con.execute(
        r"""
        with named as (
            select entity_id, canonical_name, label,
                   list_filter(
                       regexp_split_to_array(
                           regexp_replace(lower(canonical_name), '[.''’]', '', 'g'), '[\s\-‐–—_/]+'
                       ),
                       lambda w: w <> ''
                   ) as words
            from intermediate.int_entities
        ),
        aliased as (
            select distinct entity_id from intermediate.int_entity_aliases
            where method not in ('exact', 'normalized')
              and lower(regexp_replace(regexp_replace(alias, '[''’]s?$', ''), '[.]', '', 'g'))
                  in (select unnest(?::varchar[]))
        ),
        sharing as (  -- a join, not list_has_any per row: 0.36 -> 0.04 s over 35,000 entities
            select distinct n.entity_id
            from (select entity_id, unnest(words) as word from named) as n
            where n.word in (select unnest(?::varchar[]))
        )
        select entity_id, canonical_name, label, entity_id in (select entity_id from aliased)
        from named
        where entity_id in (select entity_id from sharing)
           or list_aggregate(
                  list_transform(
                      list_filter(words, lambda w: w not in ('of', 'the', 'and', 'for', 'in', 'at', 'a')),
                      lambda w: w[1]
                  ),
                  'string_agg', ''
              ) in (select unnest(?::varchar[]))
           or entity_id in (select entity_id from aliased)
        """,
        [sorted(names.words), sorted(names.words), sorted(names.acronyms)],
    ).fetchall()
    out = {}
    for eid, name, label, linked in rows:
        key = key_for(name, label)
        if linked or names.may_match(eid, key):
            out[eid] = KnownEntity(eid, name, label, key, {label_class(label)}, set(), new=False)
    for eid, labels in con.execute(
        """
        select entity_id, list(distinct model_label) filter (where model_label is not null)
        from intermediate.int_mentions
        where entity_id in (select unnest(?::varchar[])) and doc_id not in (select unnest(?::varchar[]))
          and projected_from is null
        group by 1
        """,
        [sorted(out), doc_ids],
    ).fetchall():
        out[eid].classes |= {label_class(x) for x in (labels or [])}
    return out


def load_cooccurrence(
    con: duckdb.DuckDBPyConnection, known: dict[str, KnownEntity], cand: list[str], doc_ids: list[str]
) -> None:
    """Fill `cooccurring` for the entities a one-word name of this batch could refer to."""
    if not cand:
        return
    rows = con.execute(
        """
        select a.entity_id, list(distinct b.entity_id)
        from intermediate.int_mentions a
        join intermediate.int_mentions b on a.doc_id = b.doc_id and a.entity_id <> b.entity_id
        where a.entity_id in (select unnest(?::varchar[]))
          and a.doc_id not in (select unnest(?::varchar[])) and a.projected_from is null
        group by 1
        """,
        [cand, doc_ids],
    ).fetchall()
    for eid, others in rows:
        known[eid].cooccurring = set(others or [])


def archive_aliases(
    con: duckdb.DuckDBPyConnection, known: dict[str, KnownEntity], short_keys: set[str]
) -> dict[str, set[str]]:
    """One-word name key -> known entities it was linked to before (surname, short form, acronym)."""
    aliases: dict[str, set[str]] = defaultdict(set)
    for alias, eid in con.execute(
        "select alias, entity_id from intermediate.int_entity_aliases "
        "where method not in ('exact', 'normalized') and entity_id in (select unnest(?::varchar[]))",
        [sorted(known)],
    ).fetchall():
        key = name_key(alias)
        if key in short_keys:
            aliases[key].add(eid)
    return aliases


def archive_evidence(
    con: duckdb.DuckDBPyConnection,
    known: dict[str, KnownEntity],
    doc_ids: list[str],
    aliases: dict[str, set[str]],
    overrides: dict[str, Override],
    min_score: float,
) -> Evidence:
    """Archive evidence for cross-document short forms: document frequency of the known
    entities and of the entities they co-occur with, and the archive's size."""
    ids = sorted(set(known) | {x for e in known.values() for x in e.cooccurring})
    df = dict(
        con.execute(
            "select entity_id, count(distinct doc_id) from intermediate.int_mentions "
            "where entity_id in (select unnest(?::varchar[])) "
            "and doc_id not in (select unnest(?::varchar[])) group by 1",
            [ids, doc_ids],
        ).fetchall()
    )
    n_docs = con.execute(
        "select count(distinct doc_id) from intermediate.int_mentions "
        "where doc_id not in (select unnest(?::varchar[]))",
        [doc_ids],
    ).fetchall()[0][0]
    return Evidence(
        df=df, n_docs=int(n_docs or 0), min_score=min_score, aliases=aliases, apart=apart_pairs(overrides)
    )


def label_votes(
    con: duckdb.DuckDBPyConnection, entity_ids: list[str], doc_ids: list[str]
) -> dict[str, dict[str, float]]:
    """Model-label votes of each entity's mentions outside the batch (titled mentions vote PERSON).

    Mentions projected onto copies are not votes: they repeat their canonical document's."""
    rows = con.execute(
        """
        select entity_id, model_label, count(*), count(role)
        from intermediate.int_mentions
        where entity_id in (select unnest(?::varchar[])) and doc_id not in (select unnest(?::varchar[]))
          and projected_from is null
        group by 1, 2
        """,
        [entity_ids, doc_ids],
    ).fetchall()
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for eid, label, n, titled in rows:
        out[eid][label or "ORG"] += n
        out[eid]["PERSON"] += titled
    return out


def reresolve_limit(max_docs: int, per_new_doc: float, new_docs: int) -> int:
    """How many archived documents a night may re-extract: `max_docs`, and `per_new_doc` per document it
    read new, so that the re-read follows the night's size, not the archive's."""
    return max(0, min(max_docs, math.ceil(per_new_doc * new_docs)))


def stale_short_forms(
    con: duckdb.DuckDBPyConnection, run_id: str, limit: int, max_entity_docs: int = 3
) -> list[str]:
    """Archived documents (not written by `run_id`) whose one-word name stayed an entity of its
    own and is the first or last word of a longer name this run mentions ("Saints" resolved on a
    night that had no "New Orleans Saints" yet). Re-extracting them re-resolves the short form
    against what the archive knows now, so resolution depends less on the order articles come in.

    Only short forms of few documents (at most `max_entity_docs`: a bare surname is salted per
    document) of a person, organisation, group or work, and at most `limit` documents, oldest
    first: "Texas" named in hundreds of documents is a name in its own right, never re-read."""
    if limit <= 0:
        return []
    rows = con.execute(
        """
        with longer as (
            select distinct lower(e.canonical_name) as name
            from intermediate.int_mentions m join intermediate.int_entities e using (entity_id)
            where m.run_id = ? and m.projected_from is null and contains(trim(e.canonical_name), ' ')
        ), words as (
            select string_split(name, ' ')[1] as w from longer
            union select string_split(name, ' ')[-1] from longer
        ), shorts as (
            select e.entity_id
            from intermediate.int_entities e
            join words on words.w = lower(trim(e.canonical_name))
            where e.label in ('PERSON', 'ORG', 'NORP', 'PRODUCT', 'WORK_OF_ART', 'EVENT')
              and (select count(distinct m.doc_id) from intermediate.int_mentions m
                   where m.entity_id = e.entity_id and m.projected_from is null) <= ?
        )
        select m.doc_id, min(m.run_id) as first_run
        from intermediate.int_mentions m join shorts using (entity_id)
        where m.projected_from is null and m.doc_id not in (
            select doc_id from intermediate.int_mentions where run_id = ?
        )
        group by m.doc_id
        order by first_run, m.doc_id
        limit ?
        """,
        [run_id, max_entity_docs, run_id, limit],
    ).fetchall()
    return [r[0] for r in rows]
