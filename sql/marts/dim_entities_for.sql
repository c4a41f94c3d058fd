-- marts.dim_entities_for(entity_ids): the rows of view marts.dim_entities of the entities in `entity_ids`.
-- grain: entity; key: entity_id
-- `entity_ids` is a list of entity ids (null: every entity). Only those entities' aliases and mentions are
-- read, so a few entities cost what their mentions cost (the view filtered afterwards aggregated every
-- entity's mentions and aliases: 0.10-0.19 s for 1,600 entities at 20,000 articles). The view is this
-- macro over every entity.
create or replace macro marts.dim_entities_for(entity_ids) as table
with

entities as (
    select
        entity_id,
        canonical_name,
        label,
        roles,
        run_id
    from intermediate.int_entities
    where entity_ids is null or entity_id in (select unnest(entity_ids))
),

aliases as (
    select
        entity_id,
        list(alias order by alias) as aliases
    from intermediate.int_entity_aliases
    where entity_ids is null or entity_id in (select unnest(entity_ids))
    group by entity_id
),

mention_counts as (
    select
        entity_id,
        count(*) as mention_count,
        count(distinct doc_id) as doc_count,
        count(distinct source) as source_count,
        count(distinct story_id) as story_count
    from marts.fct_mentions
    where entity_ids is null or entity_id in (select unnest(entity_ids))
    group by entity_id
),

final as (
    select
        e.entity_id,
        e.canonical_name,
        e.label,
        coalesce(a.aliases, []::varchar[]) as aliases,
        e.roles,
        coalesce(c.mention_count, 0) as mention_count,
        coalesce(c.doc_count, 0) as doc_count,
        coalesce(c.source_count, 0) as source_count,
        coalesce(c.story_count, 0) as story_count,
        e.run_id
    from entities as e
    left join aliases as a on a.entity_id = e.entity_id
    left join mention_counts as c on c.entity_id = e.entity_id
)

select * from final;
