-- marts.rpt_story_changes_for(story_ids): the rows of view marts.rpt_story_changes of the stories in `story_ids`.
-- grain: story x run x changed item; key: (story_id, run_id, item_kind, item_key)
-- `story_ids` is a list of story ids (null: every story). The snapshots are chosen first, so a few
-- stories cost what their snapshots cost, not the whole history (the view filtered afterwards compared
-- every story's snapshots: audit.story_snapshots grows with every night). The view is this macro over
-- every story.
-- A story's first snapshot lists everything as added (previous_run_id null). is_latest marks the changes
-- of the story's latest snapshot, i.e. what changed since the previous run that touched the story.
create or replace macro marts.rpt_story_changes_for(story_ids) as table
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
    where story_ids is null or story_id in (select unnest(story_ids))
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
