-- Batch for marts.fct_mentions: mentions in the documents the run touched.
select
    doc_id,
    mention_index,
    entity_id,
    surface_text,
    label,
    part,
    sentence_index,
    start_char,
    end_char,
    story_id,
    source
from marts.fct_mentions
where doc_id in (select doc_id from validation_scope_docs)
