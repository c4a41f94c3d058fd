"""Upstream rows for SQL/validation/report tests: one story told by several sources.

`Corpus` writes consistent rows (documents, cleaned bodies, sentences, duplicates, stories, mentions found
by their text, facts, attributions) through the same Arrow path the stages use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db, similarity
from parallax.history import snapshot_run
from parallax.settings import REPO_ROOT, Settings

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def given(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts) into an upstream table via Arrow."""
    db.insert_arrow(con, table, pa.Table.from_pylist(rows))


def rows(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    rel = con.execute(query, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


class Corpus:
    """Builds consistent upstream rows: documents, cleaned bodies, sentences, mentions found by text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str = "r1") -> None:
        self.con = con
        self.run_id = run_id
        self.bodies: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.n_docs = 0

    def doc(
        self,
        doc_id: str,
        source: str,
        body: str,
        *,
        title: str | None = None,
        story: str | None = None,
        canonical: str | None = None,
        path: str | None = None,
        record: int | None = None,
        minutes: int | None = None,
        run_id: str | None = None,
    ) -> None:
        run = run_id or self.run_id
        self.n_docs += 1
        at = T0 + timedelta(minutes=self.n_docs if minutes is None else minutes)
        given(
            self.con,
            "raw.documents",
            [
                {
                    "doc_id": doc_id,
                    "path": path or f"{source}/{doc_id}.txt",
                    "record": record,
                    "source": source,
                    "file_sha256": "f" + doc_id,
                    "content_sha256": "c" + doc_id,
                    "format": "text",
                    "title": title,
                    "text": body,
                    "ingested_at": at,
                    "run_id": run,
                }
            ],
        )
        given(
            self.con,
            "staging.stg_documents",
            [
                {
                    "doc_id": doc_id,
                    "source": source,
                    "title": title or f"Title {doc_id}",
                    "body": body,
                    "normalized_sha256": "n" + doc_id,
                    "word_count": len(body.split()),
                    "paragraph_count": 1,
                    "sentence_count": body.count(".") or 1,
                    "run_id": run,
                }
            ],
        )
        sentences, start = [], 0
        for i, part in enumerate(body.split(". ")):
            end = start + len(part) + (0 if part.endswith(".") else 1)
            end = min(end, len(body))
            sentences.append(
                {
                    "doc_id": doc_id,
                    "sentence_index": i,
                    "paragraph_index": 0,
                    "start_char": start,
                    "end_char": end,
                    "text": body[start:end],
                    "run_id": run,
                }
            )
            start = end + 1
        given(self.con, "staging.stg_sentences", sentences)
        target = canonical or doc_id
        given(
            self.con,
            "intermediate.int_document_duplicates",
            [
                {
                    "doc_id": doc_id,
                    "canonical_doc_id": target,
                    "cluster_id": target,
                    "method": "canonical" if target == doc_id else "exact",
                    "jaccard": 1.0,
                    "containment": 1.0,
                    "run_id": run,
                }
            ],
        )
        if story is not None:
            given(
                self.con,
                "intermediate.int_document_stories",
                [
                    {
                        "doc_id": doc_id,
                        "story_id": story,
                        "similarity": None,
                        "method": "new_story",
                        "run_id": run,
                    }
                ],
            )
        self.bodies[doc_id] = body

    def sentence_of(self, doc_id: str, start: int) -> int:
        row = self.con.execute(
            "select sentence_index from staging.stg_sentences where doc_id = ? and start_char <= ? "
            "order by start_char desc limit 1",
            [doc_id, start],
        ).fetchall()
        assert row, (doc_id, start)
        return int(row[0][0])

    def mentions(self, doc_id: str, *names: tuple[str, str], run_id: str | None = None) -> None:
        """Mentions of (surface_text, entity_id), each at every occurrence in the body."""
        body = self.bodies[doc_id]
        out: list[dict[str, Any]] = []
        for text, entity in names:
            pos = body.find(text)
            assert pos >= 0, (text, body)
            while pos >= 0:
                out.append(
                    {
                        "doc_id": doc_id,
                        "surface_text": text,
                        "label": self.labels.get(entity, "ORG"),
                        "model_label": self.labels.get(entity, "ORG"),
                        "sentence_index": self.sentence_of(doc_id, pos),
                        "start_char": pos,
                        "end_char": pos + len(text),
                        "entity_id": entity,
                        "run_id": run_id or self.run_id,
                    }
                )
                pos = body.find(text, pos + 1)
        out.sort(key=lambda r: int(r["start_char"]))
        for i, r in enumerate(out):
            r["mention_index"] = i
        given(self.con, "intermediate.int_mentions", out)

    def entities(self, *items: tuple[str, str, str]) -> None:
        self.labels.update({e: lab for e, _, lab in items})
        given(
            self.con,
            "intermediate.int_entities",
            [
                {"entity_id": e, "canonical_name": n, "label": lab, "roles": [], "run_id": self.run_id}
                for e, n, lab in items
            ],
        )

    def fact(
        self,
        doc_id: str,
        text: str,
        fact_type: str,
        value: float | None,
        unit: str | None,
        measure: str | None,
        **extra: object,
    ) -> None:
        """One int_facts row found by its text; `extra` sets further columns (lower_value, is_background)."""
        body = self.bodies[doc_id]
        pos = body.index(text)
        given(
            self.con,
            "intermediate.int_facts",
            [
                {
                    "doc_id": doc_id,
                    "fact_type": fact_type,
                    "value_text": text,
                    "normalized_value": value,
                    "unit": unit,
                    "measure": measure,
                    "sentence_index": self.sentence_of(doc_id, pos),
                    "start_char": pos,
                    "end_char": pos + len(text),
                    "run_id": self.run_id,
                    **extra,
                }
            ],
        )

    def attribution(
        self,
        doc_id: str,
        index: int,
        actor: str,
        entity: str | None,
        predicate: str,
        topic: str | None,
        polarity: str = "affirmed",
    ) -> None:
        body = self.bodies[doc_id]
        pos = body.index(actor)
        given(
            self.con,
            "intermediate.int_attributions",
            [
                {
                    "doc_id": doc_id,
                    "attribution_index": index,
                    "kind": "action",
                    "actor_entity_id": entity,
                    "actor_text": actor,
                    "predicate": predicate,
                    "topic": topic,
                    "topic_text": topic,
                    "quote": None,
                    "polarity": polarity,
                    "sentence_index": self.sentence_of(doc_id, pos),
                    "start_char": pos,
                    "end_char": pos + len(actor),
                    "run_id": self.run_id,
                }
            ],
        )


def build_story(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Story S1 told by four sources (a, b, c, e) plus an exact copy in source d; a lone document in x."""
    c = Corpus(con)
    c.doc(
        "da",
        "a",
        "Raisi met Sharif in Pakistan. Iran and Pakistan agreed on trade of $2 billion.",
        story="S1",
        title="Raisi in Pakistan",
    )
    c.doc("db", "b", "Raisi visited Pakistan. Iran wants trade of $3 billion.", story="S1")
    c.doc("dc", "c", "Raisi arrived in Pakistan today. Nobody else was named.", story="S1")
    c.doc("de", "e", "Raisi spoke at length. Many words were said.", story="S1")
    c.doc(
        "dd",
        "d",
        "Raisi met Sharif in Pakistan. Iran and Pakistan agreed on trade of $2 billion.",
        canonical="da",
    )
    c.doc("dx", "x", "Ardern opened a new bridge in Wellington on Monday.")
    c.entities(
        ("E_raisi", "Ebrahim Raisi", "PERSON"),
        ("E_sharif", "Shehbaz Sharif", "PERSON"),
        ("E_pak", "Pakistan", "GPE"),
        ("E_iran", "Iran", "GPE"),
        ("E_ardern", "Jacinda Ardern", "PERSON"),
    )
    c.mentions("da", ("Raisi", "E_raisi"), ("Sharif", "E_sharif"), ("Pakistan", "E_pak"), ("Iran", "E_iran"))
    c.mentions("db", ("Raisi", "E_raisi"), ("Pakistan", "E_pak"), ("Iran", "E_iran"))
    c.mentions("dc", ("Raisi", "E_raisi"), ("Pakistan", "E_pak"))
    c.mentions("de", ("Raisi", "E_raisi"))
    c.mentions("dx", ("Ardern", "E_ardern"))
    given(
        con,
        "intermediate.int_entity_aliases",
        [
            {
                "alias": "Raisi",
                "entity_id": "E_raisi",
                "method": "partial_name",
                "confidence": 0.9,
                "run_id": "r1",
            },
            {
                "alias": "Ebrahim Raisi",
                "entity_id": "E_raisi",
                "method": "exact",
                "confidence": 1.0,
                "run_id": "r1",
            },
        ],
    )
    return c


def publish_story(path: Path, *, break_offsets: bool = False) -> Path:
    """A published file holding the test story (figures, attributions, one snapshot)."""
    settings = Settings(root=REPO_ROOT)
    con = db.connect(path)
    db.apply_sql(con, settings.sql)
    story = build_story(con)
    story.fact("da", "$2 billion", "money", 2e9, "USD", "trade")
    story.fact("db", "$3 billion", "money", 3e9, "USD", "trade")
    story.attribution("da", 0, "Sharif", "E_sharif", "raise", "kashmir issue")
    story.attribution("db", 0, "Raisi", "E_raisi", "raise", "kashmir issue")
    similarity.refresh(con, "r1")
    snapshot_run(con, "r1")
    con.execute("insert into audit.runs (run_id, started_at, status) values ('r1', now(), 'success')")
    if break_offsets:
        con.execute(
            "update intermediate.int_mentions set start_char = start_char + 1, end_char = end_char + 1 "
            "where doc_id = 'da' and mention_index = 0"
        )
    con.execute("checkpoint")
    con.close()
    return path
