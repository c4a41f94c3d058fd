-- marts.dim_stories: one row per story (a set of articles about one event, from any number of sources).
-- grain: story; key: story_id
create or replace view marts.dim_stories as
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
),

entity_counts as (
    select
        story_id,
        count(distinct entity_id) as entity_count
    from marts.fct_mentions
    group by story_id
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

comment on view marts.dim_stories is 'Stories: articles about one event from any number of sources. Before stories are assigned, each canonical document is its own story (story_id ''S'' || doc_id).';
comment on column marts.dim_stories.story_id is 'Story id (stable across runs).';
comment on column marts.dim_stories.title is 'Title of the story''s earliest canonical document.';
comment on column marts.dim_stories.doc_count is 'Document versions in the story, duplicates included.';
comment on column marts.dim_stories.canonical_doc_count is 'Canonical documents in the story (those compared in the rpt_* views).';
comment on column marts.dim_stories.source_count is 'Distinct sources (outlets) with a document in the story.';
comment on column marts.dim_stories.sources is 'Those sources, sorted.';
comment on column marts.dim_stories.entity_count is 'Distinct canonical entities mentioned in the story.';
comment on column marts.dim_stories.first_seen_at is 'When the story''s first document was ingested.';
comment on column marts.dim_stories.last_seen_at is 'When its latest document was ingested.';
comment on column marts.dim_stories.first_published_at is 'Earliest publication time given by a document''s metadata.';
comment on column marts.dim_stories.last_published_at is 'Latest publication time given by a document''s metadata.';
