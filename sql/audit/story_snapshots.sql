-- audit.story_snapshots: what each story looked like after a run that touched it (history for rpt_story_changes).
-- grain: run x story x item; key: (run_id, story_id, item_kind, item_key)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
-- Written by parallax.history.snapshot_run after the marts are built: only stories with a document the run
-- wrote (ingested, cleaned, deduplicated, assigned or extracted) get a snapshot, so history grows with change.
create table if not exists audit.story_snapshots (
    run_id varchar not null,
    story_id varchar not null,
    item_kind varchar not null,
    item_key varchar not null,
    item_label varchar,
    source varchar,
    item_value varchar,
    snapshot_at timestamptz not null
);
comment on table audit.story_snapshots is 'Run-stamped state of every story a run touched: its documents, sources, entities (with coverage), figures and attributions. marts.rpt_story_changes compares consecutive snapshots.';
comment on column audit.story_snapshots.run_id is 'Run after which the snapshot was taken.';
comment on column audit.story_snapshots.story_id is 'Story.';
comment on column audit.story_snapshots.item_kind is 'document, source, entity, fact or attribution.';
comment on column audit.story_snapshots.item_key is 'Identity of the item within the story: doc_id, source, entity_id, source|fact_type|measure|unit for a figure, source|predicate|topic for an attribution.';
comment on column audit.story_snapshots.item_label is 'Readable name: document title, source, entity name, measure or predicate and topic.';
comment on column audit.story_snapshots.source is 'Outlet the item belongs to (null for entities, which span sources).';
comment on column audit.story_snapshots.item_value is 'Compared value: entity coverage class, the figures given (sorted, ''; ''-separated), the actors named, the source''s document count; a change of value is a changed item.';
comment on column audit.story_snapshots.snapshot_at is 'When the snapshot was taken.';
