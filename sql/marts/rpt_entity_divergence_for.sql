-- marts.rpt_entity_divergence_for(story_ids): the rows of view marts.rpt_entity_divergence of the stories in `story_ids`.
-- grain: story x entity (entities mentioned by at least one counted document); key: (story_id, entity_id)
-- `story_ids` is a list of story ids (null: every story). The stories are chosen on the documents read
-- first, so a few stories cost what their documents cost, not the whole archive (the view filtered
-- afterwards computes every story). The view is this macro over every story.
-- coverage, with k = sources naming the entity and n = sources in the story (canonical documents and cross-source copies):
--   consensus: k = n and n > 1; unique: k = 1; majority: 1 < k < n and k > n / 2; minority: 1 < k <= n / 2.
-- Sources are those of marts.rpt_entity_coverage's documents: an outlet that runs a copy of another
-- source's article is a source of the story and names what its copy prints (a name its copy cut is
-- left out); sources_via_copy says which of sources_with name the entity only through such a copy.
create or replace macro marts.rpt_entity_divergence_for(story_ids) as table
with

story_sources as (
    select distinct
        d.story_id,
        d.source
    from marts.dim_documents as d
    left join marts.dim_documents as c on c.doc_id = d.duplicate_of
    where (d.is_canonical or (d.duplicate_of is not null and c.source is distinct from d.source))
        and (story_ids is null or d.story_id in (select unnest(story_ids)))
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
    from marts.rpt_entity_coverage_for(story_ids)
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
