-- Batch for intermediate.int_mentions: the run's mentions with the NLP contract computed per row.
--   offsets_match_text: body[start_char:end_char] (zero-based, end exclusive) equals surface_text.
--   entity_exists: the mention's entity is in intermediate.int_entities.
--   in_canonical_document: mentions are extracted from canonical documents only.
--   in_its_sentence: the mention starts inside sentence sentence_index (between its start and the next).
with

mentions as (
    select *
    from intermediate.int_mentions
    where $run_id is null or run_id = $run_id
),

sentences as (
    select
        doc_id,
        sentence_index,
        start_char,
        lead(start_char) over (partition by doc_id order by sentence_index) as next_start
    from staging.stg_sentences
    where doc_id in (select doc_id from mentions)
)

select
    m.doc_id,
    m.mention_index,
    m.surface_text,
    m.label,
    m.sentence_index,
    m.start_char,
    m.end_char,
    m.entity_id,
    m.run_id,
    coalesce(substring(d.body, m.start_char + 1, m.end_char - m.start_char) = m.surface_text, false)
        as offsets_match_text,
    e.entity_id is not null as entity_exists,
    coalesce(dup.canonical_doc_id = m.doc_id, d.doc_id is not null) as in_canonical_document,
    coalesce(s.start_char <= m.start_char and (s.next_start is null or m.start_char < s.next_start), false)
        as in_its_sentence
from mentions as m
left join staging.stg_documents as d on d.doc_id = m.doc_id
left join intermediate.int_entities as e on e.entity_id = m.entity_id
left join intermediate.int_document_duplicates as dup on dup.doc_id = m.doc_id
left join sentences as s on s.doc_id = m.doc_id and s.sentence_index = m.sentence_index
