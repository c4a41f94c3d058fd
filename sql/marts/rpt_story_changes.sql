-- marts.rpt_story_changes: what changed in each story from one snapshot to the next (new sources, new
-- entities or coverage changes, new or changed figures and attributions).
-- grain: story x run x changed item; key: (story_id, run_id, item_kind, item_key)
-- A story's first snapshot lists everything as added (previous_run_id null). is_latest marks the changes
-- of the story's latest snapshot, i.e. what changed since the previous run that touched the story.
-- Computed by marts.rpt_story_changes_for (sql/marts/rpt_story_changes_for.sql), which also reads only some stories.
create or replace view marts.rpt_story_changes as
select * from marts.rpt_story_changes_for(null);

comment on view marts.rpt_story_changes is 'What changed in each story between consecutive runs that touched it, from audit.story_snapshots: documents and sources added, entities added or removed or changing coverage, figures and attributions added, removed or changed. Filter is_latest for the changes since the previous run.';
comment on column marts.rpt_story_changes.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_story_changes.run_id is 'Run after which the change was seen.';
comment on column marts.rpt_story_changes.previous_run_id is 'The story''s previous snapshot run (null for the story''s first run: everything is added).';
comment on column marts.rpt_story_changes.is_latest is 'True for changes of the story''s latest snapshot (what changed since the previous run touching it).';
comment on column marts.rpt_story_changes.snapshot_at is 'When the snapshot of run_id was taken.';
comment on column marts.rpt_story_changes.item_kind is 'document, source, entity, fact or attribution.';
comment on column marts.rpt_story_changes.change is 'added, removed or changed (same item, new value).';
comment on column marts.rpt_story_changes.change_type is 'item_kind and change together, e.g. source_added, entity_changed, fact_changed, attribution_added.';
comment on column marts.rpt_story_changes.item_key is 'Identity of the item (see audit.story_snapshots.item_key).';
comment on column marts.rpt_story_changes.item_label is 'Readable name of the item.';
comment on column marts.rpt_story_changes.source is 'Outlet the item belongs to (null for entities).';
comment on column marts.rpt_story_changes.old_value is 'Value in the previous snapshot (coverage class, figures, actors).';
comment on column marts.rpt_story_changes.new_value is 'Value in this snapshot.';
