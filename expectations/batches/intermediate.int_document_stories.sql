-- Batch for intermediate.int_document_stories: the run's story assignments; each names a known document.
select
    s.doc_id,
    s.story_id,
    s.similarity,
    s.method,
    s.run_id,
    s.text_year,
    r.doc_id is not null as raw_document_exists
from intermediate.int_document_stories as s
left join raw.documents as r on r.doc_id = s.doc_id
where $run_id is null or s.run_id = $run_id
