-- marts.rpt_entity_coverage: which source mentions which entity in each story, how often and how early.
-- grain: story x entity x source (only where the source mentions the entity); key: (story_id, entity_id, source)
create or replace view marts.rpt_entity_coverage as
with

documents as (
    select
        doc_id,
        story_id,
        source,
        length(body) as body_chars
    from marts.dim_documents
    where is_canonical
),

source_documents as (
    select
        story_id,
        source,
        count(*) as source_doc_count
    from documents
    group by story_id, source
),

mentions as (
    select
        doc_id,
        entity_id,
        sentence_index,
        start_char
    from intermediate.int_mentions
),

entities as (
    select
        entity_id,
        canonical_name,
        label
    from intermediate.int_entities
),

per_document as (
    select
        d.story_id,
        d.source,
        m.doc_id,
        m.entity_id,
        count(*) as mention_count,
        min(m.start_char) as first_start_char,
        min(m.sentence_index) as first_sentence_index,
        min(m.start_char) / nullif(max(d.body_chars), 0) as first_share
    from mentions as m
    inner join documents as d on d.doc_id = m.doc_id
    group by d.story_id, d.source, m.doc_id, m.entity_id
),

per_source as (
    select
        story_id,
        entity_id,
        source,
        cast(sum(mention_count) as bigint) as mention_count,
        count(*) as doc_count,
        min(first_sentence_index) as first_sentence_index,
        min(first_share) as first_appearance_share
    from per_document
    group by story_id, entity_id, source
),

final as (
    select
        p.story_id,
        p.entity_id,
        e.canonical_name,
        e.label,
        p.source,
        p.mention_count,
        p.doc_count,
        s.source_doc_count,
        p.first_sentence_index,
        round(p.first_appearance_share, 4) as first_appearance_share
    from per_source as p
    left join entities as e on e.entity_id = p.entity_id
    left join source_documents as s on s.story_id = p.story_id and s.source = p.source
)

select * from final;

comment on view marts.rpt_entity_coverage is 'Entity coverage per source within a story: one row per story, entity and source that mentions it (canonical documents only), with how often and how early the source names it.';
comment on column marts.rpt_entity_coverage.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_entity_coverage.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.rpt_entity_coverage.canonical_name is 'Canonical name of the entity.';
comment on column marts.rpt_entity_coverage.label is 'Entity label.';
comment on column marts.rpt_entity_coverage.source is 'Outlet mentioning the entity.';
comment on column marts.rpt_entity_coverage.mention_count is 'Mentions of the entity in the source''s canonical documents of the story.';
comment on column marts.rpt_entity_coverage.doc_count is 'The source''s documents in the story that mention the entity.';
comment on column marts.rpt_entity_coverage.source_doc_count is 'The source''s canonical documents in the story.';
comment on column marts.rpt_entity_coverage.first_sentence_index is 'Earliest sentence (zero-based) naming the entity in any of the source''s documents.';
comment on column marts.rpt_entity_coverage.first_appearance_share is 'Where the entity first appears, as a share of body length (start_char of the first mention / body characters; 0 = first word, near 1 = the end), smallest over the source''s documents, rounded to 4 places.';
