-- Batch "duplicate_keys" for audit.story_snapshots: each key (run_id, story_id, item_kind, item_key) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/audit/story_snapshots.sql, parallax.table_keys): this batch must be empty.
select t.run_id, t.story_id, t.item_kind, t.item_key, count(*) as copies
from audit.story_snapshots as t
where $run_id is null or exists (select 1 from audit.story_snapshots as r where r.run_id = $run_id and r.run_id = t.run_id and r.story_id = t.story_id and r.item_kind = t.item_kind and r.item_key = t.item_key)
group by all
having count(*) > 1
