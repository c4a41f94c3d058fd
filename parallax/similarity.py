"""Source similarity kept up to date: the document pairs of `marts.rpt_source_similarity`, per story.

Computing every story's pairs at read time cost 3.3 s at 20,000 archived articles, paid by every
site chunk, every validation and every analyst query, and grew with the archive. The pairs are now
a table (`intermediate.int_source_similarity`) and each night recomputes only the stories whose
*signature* changed: a hash of the documents a story's pairs are computed from (id, outlet, body,
set of entities; `sql/intermediate/queries/source_similarity_signatures.sql`). Whatever changed a
story - new documents, a split, a re-extraction, an entity merge, a rolled-back run - changes its
signature, so the table cannot fall behind the data it is computed from.

Rows carry the run's `run_id` and replaced rows are logged as before-images, so `db.rollback_run`
puts a failed night's pairs back with the rest of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from parallax import db
from parallax.settings import REPO_ROOT

PAIRS = "intermediate.int_source_similarity"
STORIES = "intermediate.int_source_similarity_stories"
SIGNATURES_QUERY = "intermediate/queries/source_similarity_signatures"
INSERT_QUERY = "intermediate/queries/source_similarity_insert"
# Stories recomputed per statement: bounds the word sets held at once (a first build of a large
# archive recomputes every story).
STORIES_PER_STATEMENT = 2_000
_CHANGED = "_parallax_similarity_changed"


@dataclass(frozen=True)
class Refreshed:
    """What `refresh` did: stories whose pairs were recomputed or dropped, and pairs written."""

    stories: int
    dropped: int
    pairs: int


def _query(sql_dir: Path, name: str) -> str:
    return (sql_dir / f"{name}.sql").read_text(encoding="utf-8")


def refresh(con: duckdb.DuckDBPyConnection, run_id: str, sql_dir: Path | None = None) -> Refreshed:
    """Recompute the pairs of every story whose signature changed and drop those of stories that no
    longer have two documents; rows written are stamped `run_id`. Needs the marts views."""
    sql_dir = sql_dir or REPO_ROOT / "sql"
    current = db.fetch_arrow(con, _query(sql_dir, SIGNATURES_QUERY))
    db.register(con, "_parallax_similarity_current", current)
    try:
        con.execute(
            f"create or replace temp table {_CHANGED} as "
            "select c.story_id, c.signature, c.documents from _parallax_similarity_current c "
            f"left join {STORIES} s using (story_id) "
            "where s.signature is distinct from c.signature "
            "union all "
            f"select s.story_id, null, null from {STORIES} s "
            "where s.story_id not in (select story_id from _parallax_similarity_current)"
        )
    finally:
        con.unregister("_parallax_similarity_current")
    try:
        changed = [r[0] for r in con.execute(f"select story_id from {_CHANGED} order by story_id").fetchall()]
        if not changed:
            return Refreshed(0, 0, 0)
        where = f"t.story_id in (select story_id from {_CHANGED})"
        for table in (PAIRS, STORIES):
            db.log_before_images(con, table, where, run_id=run_id, key=[])
            con.execute(f"delete from {table} t where {where}")
        con.execute(
            f"insert into {STORIES} (story_id, signature, documents, run_id) "
            f"select story_id, signature, documents, ? from {_CHANGED} where signature is not null",
            [run_id],
        )
        recompute = [
            r[0]
            for r in con.execute(
                f"select story_id from {_CHANGED} where signature is not null order by story_id"
            ).fetchall()
        ]
        insert = _query(sql_dir, INSERT_QUERY)
        for i in range(0, len(recompute), STORIES_PER_STATEMENT):
            con.execute(insert, {"stories": recompute[i : i + STORIES_PER_STATEMENT], "run_id": run_id})
        row = con.execute(f"select count(*) from {PAIRS} where run_id = ?", [run_id]).fetchone()
        return Refreshed(len(recompute), len(changed) - len(recompute), int(row[0]) if row else 0)
    finally:
        con.execute(f"drop table if exists {_CHANGED}")
