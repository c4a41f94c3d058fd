-- Batch for intermediate.int_document_duplicates: the run's dedup decisions.
-- points_to_canonical: a canonical row points to itself; a copy points to a document that is canonical.
select
    d.doc_id,
    d.canonical_doc_id,
    d.cluster_id,
    d.method,
    d.jaccard,
    d.containment,
    d.run_id,
    case
        when d.method = 'canonical' then d.canonical_doc_id = d.doc_id
        else d.canonical_doc_id <> d.doc_id and c.doc_id is not null
    end as points_to_canonical,
    s.doc_id is not null as cleaned_document_exists
from intermediate.int_document_duplicates as d
left join intermediate.int_document_duplicates as c
    on c.doc_id = d.canonical_doc_id and c.canonical_doc_id = c.doc_id
left join staging.stg_documents as s on s.doc_id = d.doc_id
where $run_id is null or d.run_id = $run_id
