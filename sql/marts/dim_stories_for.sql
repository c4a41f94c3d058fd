-- marts.dim_stories_for(story_ids): the rows of view marts.dim_stories of the stories in `story_ids`.
-- grain: story; key: story_id
-- `story_ids` is a list of story ids (null: every story). The documents are chosen first, and only their
-- mentions counted, so a few stories cost what their documents cost (the view filtered afterwards
-- counted every story's entities over every mention). The view is this macro over every story.
create or replace macro marts.dim_stories_for(story_ids) as table
with

documents as (
    select
        doc_id,
        story_id,
        source,
        title,
        is_canonical,
        published_at,
        ingested_at
    from marts.dim_documents
    where story_ids is null or story_id in (select unnest(story_ids))
),

entity_counts as (
    select
        d.story_id,
        count(distinct m.entity_id) as entity_count
    from intermediate.int_mentions as m
    inner join documents as d on d.doc_id = m.doc_id
    group by d.story_id
),

per_story as (
    select
        story_id,
        -- title of the earliest canonical document (by publication, then ingestion time)
        first(title order by is_canonical desc, coalesce(published_at, ingested_at), doc_id)
            filter (where title is not null) as title,
        count(*) as doc_count,
        count(*) filter (where is_canonical) as canonical_doc_count,
        count(distinct source) as source_count,
        list_sort(list_distinct(list(source))) as sources,
        min(ingested_at) as first_seen_at,
        max(ingested_at) as last_seen_at,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at
    from documents
    group by story_id
),

final as (
    select
        s.story_id,
        s.title,
        s.doc_count,
        s.canonical_doc_count,
        s.source_count,
        s.sources,
        coalesce(e.entity_count, 0) as entity_count,
        s.first_seen_at,
        s.last_seen_at,
        s.first_published_at,
        s.last_published_at
    from per_story as s
    left join entity_counts as e on e.story_id = s.story_id
)

select * from final;
