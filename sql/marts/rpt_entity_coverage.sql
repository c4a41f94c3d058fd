-- marts.rpt_entity_coverage: which source mentions which entity in each story, how often and how early.
-- grain: story x entity x source (only where the source mentions the entity); key: (story_id, entity_id, source)
-- Documents counted: canonical ones, and copies (exact or near duplicates) of another source's document,
-- which carry their canonical's mentions mapped onto their own text (intermediate.int_mentions.projected_from).
-- A copy of the same source's document is another version of one article and is not counted again.
-- via_copy: every document of the source naming the entity in the story is such a copy.
-- Title mentions count; they come first (first_sentence_index -1, first_appearance_share 0).
create or replace view marts.rpt_entity_coverage as
with

documents as (
    select
        d.doc_id,
        d.story_id,
        d.source,
        length(d.body) as body_chars,
        d.duplicate_of is not null as is_copy
    from marts.dim_documents as d
    left join marts.dim_documents as c on c.doc_id = d.duplicate_of
    where d.is_canonical or (d.duplicate_of is not null and c.source is distinct from d.source)
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
        part,
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
        any_value(d.is_copy) as is_copy,
        count(*) as mention_count,
        bool_or(m.part = 'title') as in_title,
        min(m.sentence_index) as first_sentence_index,
        case
            when bool_or(m.part = 'title') then 0.0
            else min(m.start_char) / nullif(max(d.body_chars), 0)
        end as first_share
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
        bool_and(is_copy) as via_copy,
        bool_or(in_title) as in_title,
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
        p.via_copy,
        p.in_title,
        p.doc_count,
        s.source_doc_count,
        p.first_sentence_index,
        round(p.first_appearance_share, 4) as first_appearance_share
    from per_source as p
    left join entities as e on e.entity_id = p.entity_id
    left join source_documents as s on s.story_id = p.story_id and s.source = p.source
)

select * from final;

comment on view marts.rpt_entity_coverage is 'Entity coverage per source within a story: one row per story, entity and source that mentions it in a title or body, with how often and how early the source names it. Canonical documents count, and so do copies of another source''s article (via_copy), with their canonical''s mentions mapped onto their text.';
comment on column marts.rpt_entity_coverage.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_entity_coverage.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.rpt_entity_coverage.canonical_name is 'Canonical name of the entity.';
comment on column marts.rpt_entity_coverage.label is 'Entity label.';
comment on column marts.rpt_entity_coverage.source is 'Outlet mentioning the entity.';
comment on column marts.rpt_entity_coverage.mention_count is 'Mentions of the entity (title and body) in the source''s documents of the story (canonical documents and copies of another source''s).';
comment on column marts.rpt_entity_coverage.via_copy is 'True when the source names the entity only in copies (exact or near duplicates) of another source''s article: syndicated, not an independent report.';
comment on column marts.rpt_entity_coverage.in_title is 'True when a headline of the source names the entity.';
comment on column marts.rpt_entity_coverage.doc_count is 'The source''s documents in the story that mention the entity.';
comment on column marts.rpt_entity_coverage.source_doc_count is 'The source''s documents in the story: canonical ones and copies of another source''s.';
comment on column marts.rpt_entity_coverage.first_sentence_index is 'Earliest sentence (zero-based) naming the entity in any of the source''s documents; -1 when a headline names it.';
comment on column marts.rpt_entity_coverage.first_appearance_share is 'Where the entity first appears, as a share of body length (start_char of the first mention / body characters; 0 = headline or first word, near 1 = the end), smallest over the source''s documents, rounded to 4 places.';
