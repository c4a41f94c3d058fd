-- marts.rpt_entity_coverage_for(story_ids): the rows of view marts.rpt_entity_coverage of the stories in `story_ids`.
-- grain: story x entity x source (only where the source mentions the entity); key: (story_id, entity_id, source)
-- `story_ids` is a list of story ids (null: every story). The stories are chosen on the documents read
-- first, so a few stories cost what their documents cost, not the whole archive (the view filtered
-- afterwards computes every story). The view is this macro over every story.
-- Documents counted: canonical ones, and copies (exact or near duplicates) of another source's document,
-- which carry their canonical's mentions mapped onto their own text (intermediate.int_mentions.projected_from).
-- A copy of the same source's document is another version of one article and is not counted again.
-- via_copy: every document of the source naming the entity in the story is such a copy.
-- Title mentions count; they come first (first_sentence_index -1, first_appearance_share 0).
create or replace macro marts.rpt_entity_coverage_for(story_ids) as table
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
    where (d.is_canonical or (d.duplicate_of is not null and c.source is distinct from d.source))
        and (story_ids is null or d.story_id in (select unnest(story_ids)))
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
