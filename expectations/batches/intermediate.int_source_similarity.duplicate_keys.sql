-- Batch "duplicate_keys" for intermediate.int_source_similarity: each key (story_id, doc_a, doc_b) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/intermediate/int_source_similarity.sql, parallax.table_keys): this batch must be empty.
select t.story_id, t.doc_a, t.doc_b, count(*) as copies
from intermediate.int_source_similarity as t
where $run_id is null or exists (select 1 from intermediate.int_source_similarity as r where r.run_id = $run_id and r.story_id = t.story_id and r.doc_a = t.doc_a and r.doc_b = t.doc_b)
group by all
having count(*) > 1
