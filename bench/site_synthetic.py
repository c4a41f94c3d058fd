"""A synthetic published file of N stories for the site bench (bench/site.py --synthetic N).

Each story has 3 documents from 3 of 40 outlets over 30 days; each document names 3 of 5,000 entities
(so most entities are in several documents and get a page) and gives one figure that differs between
outlets (a conflict in every story). Rows are generated in SQL in bulk; the marts views do the rest.
"""

from __future__ import annotations

from pathlib import Path

from parallax import db
from parallax.settings import REPO_ROOT, Settings

DOCS_PER_STORY = 3
OUTLETS = 40
ENTITIES = 5000

_FILLER = "Delegations met again later in the day and officials described the talks as useful and long. "


def synthetic_db(path: Path, stories: int) -> Path:
    """Write a published file with `stories` stories (schema applied from sql/); returns its path."""
    path.unlink(missing_ok=True)
    con = db.connect(path)
    try:
        db.apply_sql(con, Settings(root=REPO_ROOT).sql)
        con.execute(
            """
            create temp table syn as
            with d as (
                select i, i // ? as story, 'd' || i as doc_id, 's' || (i // ?) as story_id,
                    'outlet' || lpad(cast(((i // ?) * 7 + i * 13) % ? as varchar), 2, '0') as source,
                    'Person ' || (((i // ?) * 3) % ?) as n1, 'Place ' || (((i // ?) * 3 + 1 + i % 2) % ?)
as n2,
                    'Group ' || ((i * 11) % ?) as n3,
                    timestamptz '2026-10-01 06:00:00+00' + to_days(cast((i // ?) % 30 as integer))
                        + to_minutes(cast(i % 600 as integer)) as ts
                from range(?) t(i)
            )
            select *, n1 || ' met ' || n2 || ' in ' || n3 || '. Trade worth ' || (10 + i % 3)
                || ' billion dollars was agreed. ' || repeat(?, 8) as body,
                'Story ' || story || ': ' || n1 || ' meets ' || n2 as title
            from d
            """,
            [DOCS_PER_STORY, DOCS_PER_STORY, DOCS_PER_STORY, OUTLETS, DOCS_PER_STORY, ENTITIES,
             DOCS_PER_STORY, ENTITIES, ENTITIES, DOCS_PER_STORY, stories * DOCS_PER_STORY, _FILLER],
        )  # fmt: skip
        statements = [
            """insert into raw.documents (doc_id, path, source, file_sha256, content_sha256, format, title,
                text, published_at, ingested_at, run_id)
            select doc_id, source || '/' || doc_id || '.txt', source, 'f' || doc_id, 'c' || doc_id, 'text',
                title, body, ts, ts, 'r1' from syn""",
            """insert into staging.stg_documents (doc_id, source, title, body, normalized_sha256, word_count,
                paragraph_count, sentence_count, published_at, run_id, language)
            select doc_id, source, title, body, 'n' || doc_id, len(string_split(body, ' ')), 1, 10, ts, 'r1',
                'en' from syn""",
            """insert into staging.stg_sentences select doc_id, 0, 0, 0, strpos(body, '. '),
                body[1:strpos(body, '. ')], 'r1' from syn""",
            """insert into staging.stg_sentences select doc_id, 1, 0, strpos(body, '. ') + 1, len(body),
                body[strpos(body, '. ') + 2:], 'r1' from syn""",
            """insert into intermediate.int_document_duplicates
            select doc_id, doc_id, doc_id, 'canonical', null, null, 'r1' from syn""",
            """insert into intermediate.int_document_stories
            select doc_id, story_id, null, 'new_story', 'r1' from syn""",
            """insert into intermediate.int_entities
            select distinct on (name) 'E' || md5(name)[1:12], name,
                case name[1:2] when 'Pe' then 'PERSON' when 'Pl' then 'GPE' else 'ORG' end, [], 'r1'
            from (select unnest([n1, n2, n3]) as name from syn)""",
            """insert into intermediate.int_entity_aliases
            select canonical_name, entity_id, 'exact', 1.0, 'r1', null from intermediate.int_entities""",
            """insert into intermediate.int_mentions (doc_id, mention_index, part, surface_text, label,
                model_label, sentence_index, start_char, end_char, entity_id, run_id)
            select doc_id, k, 'body', name, e.label, e.label, 0, start, start + len(name), e.entity_id, 'r1'
            from (
                select doc_id, 0 as k, n1 as name, 0 as start from syn
                union all select doc_id, 1, n2, len(n1) + 5 from syn
                union all select doc_id, 2, n3, len(n1) + 5 + len(n2) + 4 from syn
            ) m join intermediate.int_entities e on e.canonical_name = m.name""",
            """insert into intermediate.int_facts (doc_id, part, fact_type, value_text, normalized_value,
                unit, measure, sentence_index, start_char, end_char, run_id, lower_value, upper_value,
                is_background)
            select doc_id, 'body', 'money', v, x, 'USD', 'trade', 1, strpos(body, v) - 1,
                strpos(body, v) - 1 + len(v), 'r1', x, x, false
            from (select *, (10 + i % 3) || ' billion dollars' as v, (10 + i % 3) * 1e9 as x from syn)""",
            """insert into audit.runs (run_id, run_date, started_at, finished_at, status, files_seen,
                files_new, files_rejected, documents_new, validation_success, publish_status)
            select 'r1', date '2026-10-31', now(), now(), 'success', count(*), count(*), 0, count(*), true,
                'published' from syn""",
        ]
        for sql in statements:
            con.execute(sql)
        con.execute("checkpoint")
    finally:
        con.close()
    return path
