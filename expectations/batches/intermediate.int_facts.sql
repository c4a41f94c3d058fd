-- Batch for intermediate.int_facts: the run's figures; value_text must equal title or body (as part says)
-- [start_char:end_char].
select
    f.doc_id,
    f.part,
    f.fact_type,
    f.value_text,
    f.normalized_value,
    f.unit,
    f.measure,
    f.sentence_index,
    f.start_char,
    f.end_char,
    f.run_id,
    coalesce(
        substring(
            case when f.part = 'title' then d.title else d.body end, f.start_char + 1, f.end_char - f.start_char
        ) = f.value_text,
        false
    ) as offsets_match_text
from intermediate.int_facts as f
left join staging.stg_documents as d on d.doc_id = f.doc_id
where $run_id is null or f.run_id = $run_id
