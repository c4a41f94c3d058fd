-- Batch for staging.stg_paragraphs: the run's paragraphs; offsets must lie inside the cleaned body.
select
    p.doc_id,
    p.paragraph_index,
    p.start_char,
    p.end_char,
    p.is_heading,
    p.run_id,
    coalesce(p.start_char >= 0 and p.start_char < p.end_char and p.end_char <= length(d.body), false)
        as offsets_in_body
from staging.stg_paragraphs as p
left join staging.stg_documents as d on d.doc_id = p.doc_id
where $run_id is null or p.run_id = $run_id
