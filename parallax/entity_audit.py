"""`parallax entities NAME`: why the resolver linked what it linked, read from the published file.

For every entity whose canonical name or one of whose aliases contains NAME (case-insensitive),
prints the entity (id, canonical name, voted label, documents, sources), the labels the model gave
its mentions, and each alias with the method, confidence and evidence of its link
(`intermediate.int_entity_aliases`). Opens the file read-only, like the other analyst commands.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import duckdb
import typer

from parallax.analyst import DbOption, OutputFormat, _fail, _first_line, emit, open_published

ENTITIES_SQL = """
with matched as (
    select distinct e.entity_id
    from marts.dim_entities as e
    left join intermediate.int_entity_aliases as a on a.entity_id = e.entity_id
    where e.canonical_name ilike '%' || ? || '%' or a.alias ilike '%' || ? || '%'
)
select e.entity_id, e.canonical_name, e.label, e.doc_count, e.source_count
from marts.dim_entities as e
join matched using (entity_id)
order by e.doc_count desc, e.canonical_name, e.entity_id
limit ?
"""

LABELS_SQL = """
select entity_id, model_label, count(*) as mentions
from intermediate.int_mentions
where entity_id in (select unnest(?::varchar[]))
group by all
order by entity_id, mentions desc, model_label
"""

ALIASES_SQL = """
select entity_id, alias, method, confidence, coalesce(evidence, '') as evidence, run_id
from intermediate.int_entity_aliases
where entity_id in (select unnest(?::varchar[]))
order by entity_id, confidence desc, alias
"""


def entities(
    name: Annotated[str, typer.Argument(help="Part of an entity's name or of one of its aliases.")],
    db: DbOption = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")
    ] = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many entities.")] = 10,
) -> None:
    """Show the entities matching NAME: aliases, labels, and why each alias was linked."""
    if not name.strip():
        raise _fail("NAME must not be empty")
    con = open_published(db)
    try:
        found = con.execute(ENTITIES_SQL, [name, name, limit]).fetchall()
        if not found:
            raise _fail(f"no entity or alias matches {name!r}")
        ids = [r[0] for r in found]
        labels = con.execute(LABELS_SQL, [ids]).fetchall()
        aliases = con.execute(ALIASES_SQL, [ids]).fetchall()
    except duckdb.Error as exc:
        raise _fail(_first_line(exc)) from None
    finally:
        con.close()
    seen: dict[str, list[str]] = {}
    for eid, label, n in labels:
        seen.setdefault(eid, []).append(f"{label} {n}")
    if fmt is OutputFormat.json:
        records = [
            {
                "entity_id": eid,
                "canonical_name": cname,
                "label": label,
                "docs": docs,
                "sources": sources,
                "model_labels": seen.get(eid, []),
                "aliases": [
                    {"alias": a, "method": m, "confidence": c, "evidence": ev, "first_run": r}
                    for e, a, m, c, ev, r in aliases
                    if e == eid
                ],
            }
            for eid, cname, label, docs, sources in found
        ]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:  # one flat table: the entity's columns repeated on each alias
        by_id = {r[0]: r for r in found}
        names = ["entity_id", "canonical_name", "label", "alias", "method", "confidence", "evidence"]
        emit(names, [[e, by_id[e][1], by_id[e][2], a, m, c, ev] for e, a, m, c, ev, _ in aliases], fmt)
        return
    rows = [
        [eid, cname, label, docs, sources, ", ".join(seen.get(eid, []))]
        for eid, cname, label, docs, sources in found
    ]
    emit(["entity_id", "canonical_name", "label", "docs", "sources", "model labels"], rows, fmt, "entities")
    emit(
        ["entity_id", "alias", "method", "confidence", "evidence", "first run"],
        [list(r) for r in aliases],
        fmt,
        "aliases (why each was linked)",
    )


def register(app: typer.Typer) -> None:
    """Add `entities` to the `parallax` typer app."""
    app.command("entities")(entities)
