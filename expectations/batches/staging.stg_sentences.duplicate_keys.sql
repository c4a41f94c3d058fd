-- Batch "duplicate_keys" for staging.stg_sentences: each key (doc_id, sentence_index) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/staging/stg_sentences.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, t.sentence_index, count(*) as copies
from staging.stg_sentences as t
where $run_id is null or exists (select 1 from staging.stg_sentences as r where r.run_id = $run_id and r.doc_id = t.doc_id and r.sentence_index = t.sentence_index)
group by all
having count(*) > 1
