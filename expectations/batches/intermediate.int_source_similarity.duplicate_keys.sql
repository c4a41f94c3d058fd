-- Batch "duplicate_keys" for intermediate.int_source_similarity: each key (story_id, doc_a, doc_b) of
-- the run's rows (of every row when the whole file is validated) that the table holds more than once
-- (rows sharing a story_id with the run's rows are the only ones that can). The key is no DuckDB
-- constraint (sql/intermediate/int_source_similarity.sql, parallax.table_keys): this batch must be
-- empty.
select t.story_id, t.doc_a, t.doc_b, count(*) as copies
from intermediate.int_source_similarity as t
where $run_id is null or t.story_id in (select story_id from intermediate.int_source_similarity where run_id = $run_id)
group by all
having count(*) > 1
