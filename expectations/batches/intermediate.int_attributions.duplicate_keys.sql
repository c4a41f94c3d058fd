-- Batch "duplicate_keys" for intermediate.int_attributions: each key (doc_id, attribution_index) of the
-- run's rows (of every row when the whole file is validated) that the table holds more than once (rows
-- sharing a doc_id with the run's rows are the only ones that can). The key is no DuckDB constraint
-- (sql/intermediate/int_attributions.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, t.attribution_index, count(*) as copies
from intermediate.int_attributions as t
where $run_id is null or t.doc_id in (select doc_id from intermediate.int_attributions where run_id = $run_id)
group by all
having count(*) > 1
