-- marts.rpt_story_changes: what changed in each story from one snapshot to the next (new sources, new
-- entities or coverage changes, new or changed figures and attributions).
-- grain: story x run x changed item; key: (story_id, run_id, item_kind, item_key)
-- A story's first snapshot lists everything as added (previous_run_id null). is_latest marks the changes
-- of the story's latest snapshot, i.e. what changed since the previous run that touched the story.
create or replace view marts.rpt_story_changes as
with

snapshots as (
    select
        run_id,
        story_id,
        item_kind,
        item_key,
        item_label,
        source,
        item_value,
        snapshot_at
    from audit.story_snapshots
),

story_runs as (
    select
        story_id,
        run_id,
        min(snapshot_at) as snapshot_at
    from snapshots
    group by story_id, run_id
),

ordered_runs as (
    select
        story_id,
        run_id,
        snapshot_at,
        lag(run_id) over (partition by story_id order by snapshot_at, run_id) as previous_run_id,
        row_number() over (partition by story_id order by snapshot_at desc, run_id desc) = 1 as is_latest
    from story_runs
),

current_items as (
    select
        o.story_id,
        o.run_id,
        o.previous_run_id,
        o.is_latest,
        o.snapshot_at,
        s.item_kind,
        s.item_key,
        s.item_label,
        s.source,
        s.item_value
    from ordered_runs as o
    inner join snapshots as s on s.story_id = o.story_id and s.run_id = o.run_id
),

previous_items as (
    select
        o.story_id,
        o.run_id,
        p.item_kind,
        p.item_key,
        p.item_label,
        p.source,
        p.item_value
    from ordered_runs as o
    inner join snapshots as p on p.story_id = o.story_id and p.run_id = o.previous_run_id
),

compared as (
    select
        coalesce(c.story_id, p.story_id) as story_id,
        coalesce(c.run_id, p.run_id) as run_id,
        coalesce(c.item_kind, p.item_kind) as item_kind,
        coalesce(c.item_key, p.item_key) as item_key,
        coalesce(c.item_label, p.item_label) as item_label,
        coalesce(c.source, p.source) as source,
        p.item_value as old_value,
        c.item_value as new_value,
        case
            when p.item_key is null then 'added'
            when c.item_key is null then 'removed'
            when c.item_value is distinct from p.item_value then 'changed'
        end as change
    from current_items as c
    full outer join previous_items as p
        on p.story_id = c.story_id and p.run_id = c.run_id
        and p.item_kind = c.item_kind and p.item_key = c.item_key
),

final as (
    select
        x.story_id,
        x.run_id,
        o.previous_run_id,
        o.is_latest,
        o.snapshot_at,
        x.item_kind,
        x.change,
        x.item_kind || '_' || x.change as change_type,
        x.item_key,
        x.item_label,
        x.source,
        x.old_value,
        x.new_value
    from compared as x
    inner join ordered_runs as o on o.story_id = x.story_id and o.run_id = x.run_id
    where x.change is not null
)

select * from final;

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
