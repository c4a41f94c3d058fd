-- Batch for staging.stg_sentences: the run's sentences; text must equal body[start_char:end_char].
select
    s.doc_id,
    s.sentence_index,
    s.paragraph_index,
    s.start_char,
    s.end_char,
    s.run_id,
    coalesce(substring(d.body, s.start_char + 1, s.end_char - s.start_char) = s.text, false)
        as text_matches_body
from staging.stg_sentences as s
left join staging.stg_documents as d on d.doc_id = s.doc_id
where $run_id is null or s.run_id = $run_id
