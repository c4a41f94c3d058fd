-- Batch for intermediate.int_mentions: the run's mentions with the NLP contract computed per row.
--   offsets_match_text: title or body (as part says) [start_char:end_char] (zero-based, end exclusive)
--     equals surface_text.
--   entity_exists: the mention's entity is in intermediate.int_entities.
--   in_canonical_document: mentions are extracted from canonical documents, or are a copy's mapped
--     from its canonical document (projected_from = its canonical_doc_id).
--   in_its_sentence: a body mention starts inside sentence sentence_index (between its start and the
--     next); a title mention has sentence_index -1.
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
    m.part,
    m.surface_text,
    m.label,
    m.sentence_index,
    m.start_char,
    m.end_char,
    m.entity_id,
    m.run_id,
    coalesce(
        substring(
            case when m.part = 'title' then d.title else d.body end, m.start_char + 1, m.end_char - m.start_char
        ) = m.surface_text,
        false
    ) as offsets_match_text,
    e.entity_id is not null as entity_exists,
    case
        when m.projected_from is not null then coalesce(dup.canonical_doc_id = m.projected_from, false)
        else coalesce(dup.canonical_doc_id = m.doc_id, d.doc_id is not null)
    end as in_canonical_document,
    case
        when m.part = 'title' then m.sentence_index = -1
        else coalesce(s.start_char <= m.start_char and (s.next_start is null or m.start_char < s.next_start), false)
    end as in_its_sentence
from mentions as m
left join staging.stg_documents as d on d.doc_id = m.doc_id
left join intermediate.int_entities as e on e.entity_id = m.entity_id
left join intermediate.int_document_duplicates as dup on dup.doc_id = m.doc_id
left join sentences as s on s.doc_id = m.doc_id and s.sentence_index = m.sentence_index
