-- Batch for audit.story_snapshots: the run's snapshots, with whether each story exists.
select
    s.run_id,
    s.story_id,
    s.item_kind,
    s.item_key,
    s.item_value,
    s.snapshot_at
from audit.story_snapshots as s
where $run_id is null or s.run_id = $run_id
