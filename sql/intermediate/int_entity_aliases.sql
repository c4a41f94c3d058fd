-- intermediate.int_entity_aliases: one row per surface form mapped to a canonical entity.
-- grain: alias x entity; key: (alias, entity_id)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
create table if not exists intermediate.int_entity_aliases (
    alias varchar not null,
    entity_id varchar not null,
    method varchar not null,
    confidence double not null,
    run_id varchar not null,
    evidence varchar
);
alter table intermediate.int_entity_aliases add column if not exists evidence varchar;
comment on table intermediate.int_entity_aliases is 'Every surface form seen for an entity, with how it was resolved.';
comment on column intermediate.int_entity_aliases.alias is 'Surface form as written (e.g. Raisi''s, President Raisi).';
comment on column intermediate.int_entity_aliases.entity_id is 'Canonical entity.';
comment on column intermediate.int_entity_aliases.method is 'exact, normalized, partial_name (surname of a full name), given_name (given-name variant or given name alone), acronym (initials or a parenthesised definition), short_form (first or last words of a longer name), override (seeds/entity_aliases.csv).';
comment on column intermediate.int_entity_aliases.confidence is 'Confidence of the mapping, 0-1.';
comment on column intermediate.int_entity_aliases.run_id is 'Run that first recorded it.';
comment on column intermediate.int_entity_aliases.evidence is 'Why the alias was linked: the document it shares with the full name, or the rarer co-occurring entities that agreed across documents; null for exact and normalized forms.';
