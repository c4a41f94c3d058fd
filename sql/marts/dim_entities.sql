-- marts.dim_entities: one row per canonical real-world entity.
-- grain: entity; key: entity_id
-- Computed by marts.dim_entities_for (sql/marts/dim_entities_for.sql), which also reads only some entities.
create or replace view marts.dim_entities as
select * from marts.dim_entities_for(null);

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
