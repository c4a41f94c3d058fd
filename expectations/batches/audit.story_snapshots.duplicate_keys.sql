-- Batch "duplicate_keys" for audit.story_snapshots: each key (run_id, story_id, item_kind, item_key) of
-- the run's rows (of every row when the whole file is validated) that the table holds more than once
-- (the key holds run_id: a run's rows can only repeat one another). The key is no DuckDB constraint
-- (sql/audit/story_snapshots.sql, parallax.table_keys): this batch must be empty.
select t.run_id, t.story_id, t.item_kind, t.item_key, count(*) as copies
from audit.story_snapshots as t
where $run_id is null or t.run_id = $run_id
group by all
having count(*) > 1
