-- marts.rpt_entity_divergence: which sources of a story name an entity and which leave it out.
-- grain: story x entity (entities mentioned by at least one counted document); key: (story_id, entity_id)
-- coverage, with k = sources naming the entity and n = sources in the story (canonical documents and cross-source copies):
--   consensus: k = n and n > 1; unique: k = 1; majority: 1 < k < n and k > n / 2; minority: 1 < k <= n / 2.
-- Sources are those of marts.rpt_entity_coverage's documents: an outlet that runs a copy of another
-- source's article is a source of the story and names what its copy prints (a name its copy cut is
-- left out); sources_via_copy says which of sources_with name the entity only through such a copy.
create or replace view marts.rpt_entity_divergence as
with

story_sources as (
    select distinct
        d.story_id,
        d.source
    from marts.dim_documents as d
    left join marts.dim_documents as c on c.doc_id = d.duplicate_of
    where d.is_canonical or (d.duplicate_of is not null and c.source is distinct from d.source)
),

coverage as (
    select
        story_id,
        entity_id,
        canonical_name,
        label,
        source,
        mention_count,
        via_copy
    from marts.rpt_entity_coverage
),

story_entities as (
    select
        story_id,
        entity_id,
        any_value(canonical_name) as canonical_name,
        any_value(label) as label,
        sum(mention_count) as mention_count
    from coverage
    group by story_id, entity_id
),

grid as (
    select
        e.story_id,
        e.entity_id,
        s.source,
        c.source is not null as names_entity,
        coalesce(c.via_copy, false) as via_copy
    from story_entities as e
    inner join story_sources as s on s.story_id = e.story_id
    left join coverage as c
        on c.story_id = e.story_id and c.entity_id = e.entity_id and c.source = s.source
),

per_entity as (
    select
        story_id,
        entity_id,
        coalesce(list(source order by source) filter (where names_entity), []::varchar[]) as sources_with,
        coalesce(list(source order by source) filter (where not names_entity), []::varchar[])
            as sources_without,
        coalesce(list(source order by source) filter (where via_copy), []::varchar[]) as sources_via_copy,
        count(*) filter (where names_entity) as source_count,
        count(*) as story_source_count
    from grid
    group by story_id, entity_id
),

final as (
    select
        p.story_id,
        p.entity_id,
        e.canonical_name,
        e.label,
        p.sources_with,
        p.sources_without,
        p.sources_via_copy,
        case
            when p.source_count = p.story_source_count and p.story_source_count > 1 then 'consensus'
            when p.source_count = 1 then 'unique'
            when p.source_count > p.story_source_count / 2 then 'majority'
            else 'minority'
        end as coverage,
        p.source_count,
        p.story_source_count,
        e.mention_count
    from per_entity as p
    inner join story_entities as e on e.story_id = p.story_id and e.entity_id = p.entity_id
)

select * from final;

comment on view marts.rpt_entity_divergence is 'How sources of a story diverge on who and what they name: for each entity mentioned in the story, the sources that name it and those that leave it out. Canonical documents count, and copies of another source''s article (an outlet names what its copy prints; sources_via_copy).';
comment on column marts.rpt_entity_divergence.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_entity_divergence.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.rpt_entity_divergence.canonical_name is 'Canonical name of the entity.';
comment on column marts.rpt_entity_divergence.label is 'Entity label.';
comment on column marts.rpt_entity_divergence.sources_with is 'Sources of the story that mention the entity, sorted.';
comment on column marts.rpt_entity_divergence.sources_without is 'Sources of the story that do not mention it, sorted.';
comment on column marts.rpt_entity_divergence.sources_via_copy is 'Of sources_with, those naming the entity only in a copy of another source''s article (syndicated, not independent), sorted.';
comment on column marts.rpt_entity_divergence.coverage is 'With k = sources naming the entity and n = sources in the story: consensus when k = n and n > 1 (every source); unique when k = 1 (exactly one source, also for a one-source story); majority when 1 < k < n and k > n/2; minority when 1 < k <= n/2.';
comment on column marts.rpt_entity_divergence.source_count is 'k: sources naming the entity.';
comment on column marts.rpt_entity_divergence.story_source_count is 'n: sources in the story (with a canonical document or a copy of another source''s).';
comment on column marts.rpt_entity_divergence.mention_count is 'Mentions of the entity across the story.';
