-- intermediate.int_entities: one row per canonical real-world entity.
-- grain: entity; key: entity_id
create table if not exists intermediate.int_entities (
    entity_id varchar primary key,
    canonical_name varchar not null,
    label varchar not null,
    roles varchar[],
    run_id varchar not null
);
comment on table intermediate.int_entities is 'Canonical entities; ids are stable across runs.';
comment on column intermediate.int_entities.entity_id is 'Stable entity id.';
comment on column intermediate.int_entities.canonical_name is 'Canonical name (full name, titles and possessives stripped).';
comment on column intermediate.int_entities.label is 'Entity label chosen by vote over mentions, with known confusions corrected.';
comment on column intermediate.int_entities.roles is 'Titles and roles seen with the name.';
comment on column intermediate.int_entities.run_id is 'Run that created the entity.';
