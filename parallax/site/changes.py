"""Which pages a night may have changed, from the rows it changed: the site's change set.

Every page is a function of rows of the base tables, each row belonging to one document, story or
entity (`DOC_TABLES`, `STORY_TABLES`, `ENTITY_TABLES`) or to a run (`audit.runs`: the night a story's
documents came in). The site keeps, next to its fingerprints (`State`), a hash of each document's,
story's and entity's rows and each document's relations as of the last build: its story, its canonical
document, its path and the entities it references. A refresh hashes the base tables again (one cheap
query per kind, no marts view computed) and compares: the keys whose hash changed, with what they
relate to before and after the night, are the pages to fingerprint again (`change_set`); the other
pages keep their stored fingerprint. Hashing rows rather than reading run stamps catches every change,
however it was made (an update in place, a rollback restoring before-images, a re-resolution).

A page shows, besides its own rows: a document page, its story's title, the comparisons of its story,
its copies and whether the entities it marks have a page; a story page, its documents' rows and the
names, labels and pages of the entities they reference; an entity page, its mentions and the stories
they are in (title, sources, coverage). So a changed document brings in its stories, canonical
documents, copies, documents of the same path and entities (before and after); a changed story, its
documents and their entities; an entity whose rows or page changed, the documents referencing it and
their stories.

`change_set` returns None, and every page is fingerprinted, when the change cannot be known that way:
no state or one of another version or data version than the site, other view definitions (an upgrade's
SQL), a run whose night changed or that is gone (a rollback), rows not attributable to a key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from parallax.site import fingerprints, queries

# Bump when what the state holds changes: an older state is then ignored (every page fingerprinted).
VERSION = 2
# The base tables the pages are rendered from (through the marts views or directly; tests check the
# list against the SQL), by the key their rows belong to.
DOC_TABLES = (
    "raw.documents",
    "staging.stg_documents",
    "staging.stg_sentences",
    "intermediate.int_document_duplicates",
    "intermediate.int_document_stories",
    "intermediate.int_story_moves",
    "intermediate.int_duplicate_diffs",
    "intermediate.int_mentions",
    "intermediate.int_facts",
    "intermediate.int_attributions",
)
STORY_TABLES = ("intermediate.int_source_similarity", "audit.story_snapshots")
ENTITY_TABLES = ("intermediate.int_entities", "intermediate.int_entity_aliases")
# The tables above by the key their rows belong to, each with what is hashed of a row (`t`: all of it).
# "names": what story and document pages show of an entity they reference (its name and label), so
# that a change there, not any change to an entity's rows, brings in the pages referencing it.
KEYED: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "docs": ("doc_id", tuple((t, "t") for t in DOC_TABLES)),
    "stories": ("story_id", tuple((t, "t") for t in STORY_TABLES)),
    "entities": ("entity_id", tuple((t, "t") for t in ENTITY_TABLES)),
    "names": ("entity_id", (("intermediate.int_entities", "t.canonical_name, t.label"),)),
}
# Read only by the top pages, rewritten every time.
TOP_TABLES = ("audit.runs", "audit.rejected_files", "audit.validation_runs")
# Rows with a null key: not attributable to one page (their change makes every page fingerprinted).
NO_KEY = ""

_RELATIONS_SQL = """
    with docs as (select unnest(?::varchar[]) as doc_id),
    refs as (
        select doc_id, entity_id from intermediate.int_mentions where doc_id in (select doc_id from docs)
        union
        select doc_id, actor_entity_id from intermediate.int_attributions
        where doc_id in (select doc_id from docs) and actor_entity_id is not null
    )
    select d.doc_id, d.story_id, d.duplicate_of, d.path || '|' || coalesce(cast(d.record as varchar), ''),
        coalesce((select list(r.entity_id order by r.entity_id) from refs r where r.doc_id = d.doc_id), [])
    from marts.dim_documents d where d.doc_id in (select doc_id from docs)
    """
_ALL_RELATIONS_SQL = """
    with refs as (
        select doc_id, entity_id from intermediate.int_mentions
        union
        select doc_id, actor_entity_id from intermediate.int_attributions where actor_entity_id is not null
    ),
    listed as (select doc_id, list(entity_id order by entity_id) as refs from refs group by doc_id)
    select d.doc_id, d.story_id, d.duplicate_of, d.path || '|' || coalesce(cast(d.record as varchar), ''),
        coalesce(l.refs, [])
    from marts.dim_documents d left join listed l using (doc_id)
    """
# Documents related to a set of keys now: copies of documents, documents of the same path, documents of
# stories, documents referencing entities.
_COPIES_SQL = (
    "select doc_id from intermediate.int_document_duplicates "
    "where canonical_doc_id in (select unnest(?::varchar[])) and doc_id <> canonical_doc_id"
)
_SAME_PATH_SQL = (
    "select doc_id from raw.documents "
    "where path || '|' || coalesce(cast(record as varchar), '') in (select unnest(?::varchar[]))"
)
_STORY_DOCS_SQL = "select doc_id from marts.dim_documents where story_id in (select unnest(?::varchar[]))"
_ENTITY_DOCS_SQL = (
    "select doc_id from intermediate.int_mentions where entity_id in (select unnest(?::varchar[])) "
    "union select doc_id from intermediate.int_attributions "
    "where actor_entity_id in (select unnest(?::varchar[]))"
)
_RUNS_SQL = "select run_id, coalesce(cast(run_date as varchar), '') || ' ' || status from audit.runs"
# The file's views and macros: the pages are their rows, so a change there (an upgrade's SQL, applied by
# the next run) may change any page.
_DEFINITIONS_SQL = """
    select list(schema_name || '.' || view_name || ':' || sql order by schema_name, view_name)
    from duckdb_views() where not internal
    union all
    select list(schema_name || '.' || function_name || ':' || coalesce(macro_definition, '')
        order by schema_name, function_name, macro_definition)
    from duckdb_functions() where not internal and macro_definition is not null
    """


@dataclass
class State:
    """What the site was built from: per document, story and entity a hash of its rows; per document its
    relations (`Relation`); each run's night; the data version (`queries.data_version`)."""

    data: list[Any]
    hashes: dict[str, dict[str, str]]  # kind (KEYED) -> key -> hash
    relations: dict[str, list[Any]]  # doc_id -> Relation fields
    runs: dict[str, str | None]  # run -> its night and status
    counts: dict[str, list[int]] = field(default_factory=dict)  # story -> index counts (story_counts)
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "data": self.data,
            "hashes": self.hashes,
            "relations": self.relations,
            "runs": self.runs,
            "counts": self.counts,
        }

    @classmethod
    def from_json(cls, raw: Any) -> State | None:
        """The state written by `to_json`, or None when it is missing, malformed or of another version."""
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return None
        try:
            return cls(raw["data"], raw["hashes"], raw["relations"], raw["runs"], raw["counts"])
        except KeyError:
            return None


@dataclass
class Changes:
    """The pages to fingerprint again per kind, and the document relations read to find them."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    relations: dict[str, list[Any]] = field(default_factory=dict)


def hashes(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Per kind (KEYED), per key, a hash of its rows in the kind's tables (tables absent are skipped)."""
    out: dict[str, dict[str, str]] = {}
    for kind, (key, tables) in KEYED.items():
        present = [(t, what) for t, what in tables if queries.has_table(con, *t.split("."))]
        if not present:
            out[kind] = {}
            continue
        # table names and columns are this module's constants, never data
        parts = " union all ".join(
            f"select coalesce(cast(t.{key} as varchar), '{NO_KEY}') as k, hash({what}, '{table}') as h "
            f"from {table} t"
            for table, what in present
        )
        sql = (
            f"select k, cast(sum(h) as varchar) || ':' || cast(count(*) as varchar) from ({parts}) group by 1"
        )
        out[kind] = {str(k): str(h) for k, h in con.execute(sql).fetchall()}
    return out


def runs(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Each run's night (`run_date`: story growth charts count documents per night) and status (a run
    rolled back after the site was built is no longer a success)."""
    if not queries.has_table(con, "audit", "runs"):
        return {}
    return {str(r): d for r, d in con.execute(_RUNS_SQL).fetchall()}


def relations(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str] | None = None) -> dict[str, list[Any]]:
    """Per document (all, or `doc_ids`): [story_id, canonical doc (copies), 'path|record', entity ids]."""
    if doc_ids is None:
        rows = con.execute(_ALL_RELATIONS_SQL).fetchall()
    else:
        rows = con.execute(_RELATIONS_SQL, [sorted(doc_ids)]).fetchall()
    return {str(d): [s, c, p, list(r or [])] for d, s, c, p, r in rows}


def full_state(con: duckdb.DuckDBPyConnection, data: list[Any]) -> State:
    """The state of the file `con` reads, every document's relations read."""
    return State(data, hashes(con), relations(con), runs(con))


def definitions(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of the file's view and macro definitions (kept in the site's stamp)."""
    text = repr([[canonical_sql(d) for d in r[0] or []] for r in con.execute(_DEFINITIONS_SQL).fetchall()])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


_UNORDERED = re.compile(r"\b(REPLACE|EXCLUDE) \(", re.IGNORECASE)


def canonical_sql(sql: str) -> str:
    """`sql` as DuckDB prints a stored definition, with the items of each `* REPLACE (...)` and
    `* EXCLUDE (...)` sorted: DuckDB keeps them unordered and prints them in any order."""
    out, pos = [], 0
    for m in _UNORDERED.finditer(sql):
        if m.start() < pos:
            continue
        items, end = _items(sql, m.end())
        if end is None:
            break
        out.append(sql[pos : m.end()] + ", ".join(sorted(canonical_sql(i) for i in items)) + ")")
        pos = end + 1
    return "".join(out) + sql[pos:]


def _items(sql: str, start: int) -> tuple[list[str], int | None]:
    """The top-level comma-separated items from `start` to the parenthesis closing there, and its index
    (None when it is not closed); quoted text is skipped."""
    depth, quote, items, begin = 0, "", [], start
    for i in range(start, len(sql)):
        ch = sql[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                items.append(sql[begin:i].strip())
                return items, i
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(sql[begin:i].strip())
            begin = i + 1
    return items, None


def _keys(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> set[str]:
    return {str(r[0]) for r in con.execute(sql, list(params)).fetchall() if r[0] is not None}


def _changed(old: dict[str, str], new: dict[str, str]) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def change_set(
    con: duckdb.DuckDBPyConnection,
    old: State | None,
    stamp_data: Any,
    now: dict[str, dict[str, str]],
    now_runs: dict[str, str | None],
    paged: tuple[set[str], set[str]],
) -> Changes | None:
    """The pages the rows changed since `old` may show differently (`now`: `hashes` of the file now,
    `now_runs`: `runs`; `paged`: entities with a page before and now), or None when that cannot be known
    (see the module's docstring; `stamp_data` is the data version the site's stamp names)."""
    if old is None or old.data != stamp_data:
        return None
    if any(now_runs.get(run, "gone") != night for run, night in old.runs.items()):
        return None  # a run rolled back, gone or moved to another night: every page fingerprinted
    changed = {kind: _changed(old.hashes.get(kind, {}), now.get(kind, {})) for kind in KEYED}
    if any(NO_KEY in keys for keys in changed.values()):
        return None
    out = Changes()
    docs, stories, entities = set(changed["docs"]), set(changed["stories"]), set(changed["entities"])
    # entities whose name, label or page changed: every document and story showing them
    shown = changed["names"] | (paged[0] ^ paged[1])
    entities |= shown
    if shown:
        ids = sorted(shown)
        docs |= _keys(con, _ENTITY_DOCS_SQL, [ids, ids])
    # documents changed: their copies, documents of the same path (which version is current)
    before = {d: old.relations[d] for d in docs if d in old.relations}
    paths = {r[2] for r in before.values() if r[2]}
    canonicals = {r[1] for r in before.values() if r[1]}
    now_rel = relations(con, docs)
    paths |= {r[2] for r in now_rel.values() if r[2]}
    canonicals |= {r[1] for r in now_rel.values() if r[1]}
    extra = canonicals | _keys(con, _COPIES_SQL, [sorted(docs)])
    if paths:
        extra |= _keys(con, _SAME_PATH_SQL, [sorted(paths)])
    extra -= docs
    if extra:
        docs |= extra
        before.update({d: old.relations[d] for d in extra if d in old.relations})
        now_rel.update(relations(con, extra))
    for rel in (*before.values(), *now_rel.values()):
        if rel[0]:
            stories.add(rel[0])
        entities.update(rel[3])
    # stories changed: their documents (story title, comparisons) and the entities those reference
    if stories:
        story_docs = _keys(con, _STORY_DOCS_SQL, [sorted(stories)]) - docs
        if story_docs:
            more = relations(con, story_docs)
            now_rel.update(more)
            for d in story_docs:
                if d in old.relations:
                    entities.update(old.relations[d][3])
            for rel in more.values():
                entities.update(rel[3])
            docs |= story_docs
    out.keys = {"stories": stories, "docs": docs, "entities": entities}
    out.relations = now_rel
    return out


def next_state(
    old: State,
    changes: Changes,
    data: list[Any],
    now: dict[str, dict[str, str]],
    now_runs: dict[str, str | None],
) -> State:
    """`old` brought up to date: the documents of `changes` take their relations now (gone ones leave)."""
    rel = dict(old.relations)
    for doc_id in changes.keys["docs"]:
        rel.pop(doc_id, None)
    rel.update(changes.relations)
    return State(data, now, rel, now_runs)


def page_fingerprints(
    con: duckdb.DuckDBPyConnection,
    site: tuple[dict[str, list[str]], Sequence[dict[str, Any]], Sequence[dict[str, Any]]],
    old_pages: dict[str, dict[str, str]],
    old: State | None,
    stamp_data: Any,
    data: list[Any],
    ready: fingerprints.Ready | None = None,
) -> tuple[dict[str, dict[str, str]], State, int | None, dict[str, list[int]]]:
    """Every page's fingerprint after a night (`site`: page keys per kind, outlets and their days, as
    `fingerprints.fingerprints` takes them), the state to keep (its index counts left to fill), how many
    pages were fingerprinted: those of the change set (`change_set`; the others keep their fingerprint in
    `old_pages`), or every page (None) when the change set cannot be known; and the index counts known: those
    of the stories outside the change set, still valid, and those of the stories fingerprinted, read
    with them. `ready` is given each kind's fingerprints when known."""
    ids, outlets, days = site
    now, now_runs = hashes(con), runs(con)
    paged = (set(old_pages.get("entities", {})), set(ids["entities"]))
    found = change_set(con, old, stamp_data, now, now_runs, paged)
    if old is None or found is None:
        every = fingerprints.fingerprints(con, ids, outlets, days, ready)
        return every, State(data, now, relations(con), now_runs), None, {}
    pages, count, counts = fingerprints.refingerprint(con, ids, old_pages, found.keys, outlets, days, ready)
    known = {k: v for k, v in old.counts.items() if k not in found.keys["stories"]}
    return pages, next_state(old, found, data, now, now_runs), count, {**known, **counts}
