-- Batch "duplicate_keys" for intermediate.int_entity_aliases: each key (alias, entity_id) of the run's
-- rows (of every row when the whole file is validated) that the table holds more than once (rows
-- sharing a alias with the run's rows are the only ones that can). The key is no DuckDB constraint
-- (sql/intermediate/int_entity_aliases.sql, parallax.table_keys): this batch must be empty.
select t.alias, t.entity_id, count(*) as copies
from intermediate.int_entity_aliases as t
where $run_id is null or t.alias in (select alias from intermediate.int_entity_aliases where run_id = $run_id)
group by all
having count(*) > 1
