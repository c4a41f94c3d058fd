-- Batch "duplicate_keys" for intermediate.int_facts: each key (doc_id, part, start_char, end_char) of
-- the run's rows (of every row when the whole file is validated) that the table holds more than once
-- (rows sharing a doc_id with the run's rows are the only ones that can). The key is no DuckDB
-- constraint (sql/intermediate/int_facts.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, t.part, t.start_char, t.end_char, count(*) as copies
from intermediate.int_facts as t
where $run_id is null or t.doc_id in (select doc_id from intermediate.int_facts where run_id = $run_id)
group by all
having count(*) > 1
