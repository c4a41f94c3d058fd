-- Batch "duplicate_keys" for intermediate.int_attributions: each key (doc_id, attribution_index) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/intermediate/int_attributions.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, t.attribution_index, count(*) as copies
from intermediate.int_attributions as t
where $run_id is null or exists (select 1 from intermediate.int_attributions as r where r.run_id = $run_id and r.doc_id = t.doc_id and r.attribution_index = t.attribution_index)
group by all
having count(*) > 1
