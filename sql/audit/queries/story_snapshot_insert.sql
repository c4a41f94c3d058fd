-- Snapshot of every story touched by run $run_id (used by parallax.history.snapshot_run).
-- A story is touched when one of its documents has a row written by the run in an upstream table, or
-- when the story's previous snapshot listed such a document (the document moved to another story).
-- The comparison views are read through their `_for` macros: only the touched stories' documents are read.
insert into audit.story_snapshots
    (run_id, story_id, item_kind, item_key, item_label, source, item_value, snapshot_at)
with

touched_documents as (
    select doc_id from raw.documents where run_id = $run_id
    union select doc_id from staging.stg_documents where run_id = $run_id
    union select doc_id from intermediate.int_document_duplicates where run_id = $run_id
    union select doc_id from intermediate.int_document_stories where run_id = $run_id
    union select doc_id from intermediate.int_mentions where run_id = $run_id
    union select doc_id from intermediate.int_facts where run_id = $run_id
    union select doc_id from intermediate.int_attributions where run_id = $run_id
),

touched_stories as (
    select d.story_id
    from marts.dim_documents as d
    inner join touched_documents as t on t.doc_id = d.doc_id
    union
    select s.story_id
    from audit.story_snapshots as s
    inner join touched_documents as t on s.item_kind = 'document' and s.item_key = t.doc_id
    where s.run_id <> $run_id
),

documents as (
    select d.*
    from marts.dim_documents as d
    where d.story_id in (select story_id from touched_stories)
),

document_items as (
    select
        story_id,
        'document' as item_kind,
        doc_id as item_key,
        title as item_label,
        source,
        case when duplicate_of is null then 'canonical' else 'duplicate of ' || duplicate_of end as item_value
    from documents
),

source_items as (
    select
        story_id,
        'source' as item_kind,
        source as item_key,
        source as item_label,
        source,
        cast(count(*) filter (where is_canonical) as varchar) || ' canonical of ' || cast(count(*) as varchar)
            || ' documents' as item_value
    from documents
    group by story_id, source
),

entity_items as (
    select
        v.story_id,
        'entity' as item_kind,
        v.entity_id as item_key,
        v.canonical_name as item_label,
        cast(null as varchar) as source,
        v.coverage as item_value
    from marts.rpt_entity_divergence_for(coalesce((select list(story_id) from touched_stories), [])) as v
),

fact_items as (
    select
        f.story_id,
        'fact' as item_kind,
        concat_ws('|', f.source, f.fact_type, coalesce(f.measure, lower(f.value_text)), coalesce(f.unit, ''))
            as item_key,
        any_value(coalesce(f.measure, f.fact_type)) as item_label,
        any_value(f.source) as source,
        string_agg(distinct f.value_text, '; ' order by f.value_text) as item_value
    from marts.rpt_fact_comparison_for(coalesce((select list(story_id) from touched_stories), [])) as f
    group by f.story_id, item_key
),

attribution_items as (
    select
        a.story_id,
        'attribution' as item_kind,
        concat_ws('|', a.source, a.predicate, a.topic) as item_key,
        any_value(a.predicate || ' ' || a.topic) as item_label,
        any_value(a.source) as source,
        string_agg(distinct a.actor_name, '; ' order by a.actor_name) as item_value
    from marts.rpt_attribution_comparison_for(coalesce((select list(story_id) from touched_stories), [])) as a
    where a.topic is not null
    group by a.story_id, item_key
),

items as (
    select * from document_items
    union all select * from source_items
    union all select * from entity_items
    union all select * from fact_items
    union all select * from attribution_items
)

select
    $run_id as run_id,
    story_id,
    item_kind,
    item_key,
    item_label,
    source,
    item_value,
    current_timestamp as snapshot_at
from items;
