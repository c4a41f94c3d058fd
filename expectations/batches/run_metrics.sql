-- Aggregate figures per run for the validated run ($run_id) and up to $history_runs previous successful runs
-- (bounds for the validated run are derived from those). One row per run.
--   documents / duplicates / duplicate_rate: documents deduplicated by the run and how many were copies.
--   extracted_documents / entities_per_document: the run's canonical documents of at least 50 words and
--   their average number of distinct entities (a silent NER failure shows as 0).
with

runs as (
    select
        run_id,
        started_at,
        status
    from audit.runs
),

previous_successful as (
    select run_id
    from runs
    where status = 'success' and run_id is distinct from $run_id
    order by started_at desc
    limit $history_runs
),

considered as (
    select run_id from previous_successful
    union
    select cast($run_id as varchar) as run_id where $run_id is not null
),

dedup as (
    select
        run_id,
        count(*) as documents,
        count(*) filter (where doc_id <> canonical_doc_id) as duplicates
    from intermediate.int_document_duplicates
    where run_id in (select run_id from considered)
    group by run_id
),

extracted_documents as (
    select
        d.run_id,
        d.doc_id
    from intermediate.int_document_duplicates as d
    inner join staging.stg_documents as s on s.doc_id = d.doc_id
    where d.run_id in (select run_id from considered) and d.doc_id = d.canonical_doc_id and s.word_count >= 50
),

entity_counts as (
    select
        e.run_id,
        e.doc_id,
        count(distinct m.entity_id) as entities
    from extracted_documents as e
    left join intermediate.int_mentions as m on m.doc_id = e.doc_id
    group by e.run_id, e.doc_id
),

extraction as (
    select
        run_id,
        count(*) as extracted_documents,
        avg(entities) as entities_per_document
    from entity_counts
    group by run_id
),

final as (
    select
        c.run_id,
        r.started_at,
        r.status,
        coalesce(d.documents, 0) as documents,
        coalesce(d.duplicates, 0) as duplicates,
        coalesce(d.duplicates / nullif(d.documents, 0), 0.0) as duplicate_rate,
        coalesce(x.extracted_documents, 0) as extracted_documents,
        x.entities_per_document
    from considered as c
    left join runs as r on r.run_id = c.run_id
    left join dedup as d on d.run_id = c.run_id
    left join extraction as x on x.run_id = c.run_id
)

select * from final
