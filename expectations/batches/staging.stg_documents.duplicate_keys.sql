-- Batch "duplicate_keys" for staging.stg_documents: each key (doc_id) of the run's rows (of every row
-- when the whole file is validated) that the table holds more than once (rows sharing a doc_id with the
-- run's rows are the only ones that can). The key is no DuckDB constraint
-- (sql/staging/stg_documents.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, count(*) as copies
from staging.stg_documents as t
where $run_id is null or t.doc_id in (select doc_id from staging.stg_documents where run_id = $run_id)
group by all
having count(*) > 1
