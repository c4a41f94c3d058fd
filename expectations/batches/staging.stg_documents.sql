-- Batch for staging.stg_documents: the run's cleaned documents, with contract columns.
-- truncation_consistent: a recorded NLP cut point lies inside the body.
-- The suite adds no_exact_boilerplate in Python (parallax.validate: same line folding as the clean stage).
select
    d.doc_id,
    d.source,
    d.title,
    d.body,
    d.normalized_sha256,
    d.word_count,
    d.paragraph_count,
    d.sentence_count,
    d.run_id,
    d.language,
    d.nlp_truncated_at,
    length(d.body) as body_chars,
    d.nlp_truncated_at is null or d.nlp_truncated_at between 1 and length(d.body) - 1 as truncation_consistent,
    r.doc_id is not null as raw_document_exists
from staging.stg_documents as d
left join raw.documents as r on r.doc_id = d.doc_id
where $run_id is null or d.run_id = $run_id
