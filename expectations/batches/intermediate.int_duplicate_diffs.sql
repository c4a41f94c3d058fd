-- Batch for intermediate.int_duplicate_diffs: the run's diffs; the canonical document exists.
select
    x.doc_id,
    x.change_index,
    x.canonical_doc_id,
    x.change_type,
    x.run_id,
    c.doc_id is not null as canonical_exists
from intermediate.int_duplicate_diffs as x
left join staging.stg_documents as c on c.doc_id = x.canonical_doc_id
where $run_id is null or x.run_id = $run_id
