-- Batch "duplicate_keys" for intermediate.int_facts: each key (doc_id, part, start_char, end_char) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/intermediate/int_facts.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, t.part, t.start_char, t.end_char, count(*) as copies
from intermediate.int_facts as t
where $run_id is null or exists (select 1 from intermediate.int_facts as r where r.run_id = $run_id and r.doc_id = t.doc_id and r.part = t.part and r.start_char = t.start_char and r.end_char = t.end_char)
group by all
having count(*) > 1
