-- Batch "duplicate_keys" for raw.documents: each key (doc_id) of the run's rows (of every row when the
-- whole file is validated) that the table holds more than once. The key is no DuckDB constraint
-- (sql/raw/documents.sql, parallax.table_keys): this batch must be empty.
select t.doc_id, count(*) as copies
from raw.documents as t
where $run_id is null or exists (select 1 from raw.documents as r where r.run_id = $run_id and r.doc_id = t.doc_id)
group by all
having count(*) > 1
