-- marts.dim_entities: one row per canonical real-world entity.
-- grain: entity; key: entity_id
create or replace view marts.dim_entities as
with

entities as (
    select
        entity_id,
        canonical_name,
        label,
        roles,
        run_id
    from intermediate.int_entities
),

aliases as (
    select
        entity_id,
        list(alias order by alias) as aliases
    from intermediate.int_entity_aliases
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

comment on view marts.dim_entities is 'Canonical entities with every surface form seen for them and how widely they are mentioned.';
comment on column marts.dim_entities.entity_id is 'Stable entity id (same across runs).';
comment on column marts.dim_entities.canonical_name is 'Canonical name (full name, titles and possessives stripped).';
comment on column marts.dim_entities.label is 'Entity label (PERSON, ORG, GPE, LOC, NORP, ...).';
comment on column marts.dim_entities.aliases is 'Every surface form mapped to the entity (intermediate.int_entity_aliases), sorted.';
comment on column marts.dim_entities.roles is 'Titles and roles seen with the name.';
comment on column marts.dim_entities.mention_count is 'Mentions of the entity (titles and bodies; copies carry their canonical''s mapped mentions).';
comment on column marts.dim_entities.doc_count is 'Documents mentioning the entity.';
comment on column marts.dim_entities.source_count is 'Distinct sources (outlets) mentioning the entity.';
comment on column marts.dim_entities.story_count is 'Distinct stories mentioning the entity.';
comment on column marts.dim_entities.run_id is 'Run that created the entity.';
