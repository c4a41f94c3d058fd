-- Batch for marts.dim_documents: the documents the run touched.
-- duplicate_consistent: a copy (duplicate_of set) is never canonical and never points to itself.
select
    doc_id,
    source,
    path,
    record,
    title,
    word_count,
    story_id,
    duplicate_of,
    is_canonical,
    is_current,
    ingested_at,
    language,
    duplicate_of is null or (not is_canonical and duplicate_of <> doc_id) as duplicate_consistent
from marts.dim_documents
where doc_id in (select doc_id from validation_scope_docs)
