-- Batch "duplicate_keys" for intermediate.int_entity_aliases: each key (alias, entity_id) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/intermediate/int_entity_aliases.sql, parallax.table_keys): this batch must be empty.
select t.alias, t.entity_id, count(*) as copies
from intermediate.int_entity_aliases as t
where $run_id is null or exists (select 1 from intermediate.int_entity_aliases as r where r.run_id = $run_id and r.alias = t.alias and r.entity_id = t.entity_id)
group by all
having count(*) > 1
