-- Batch for intermediate.int_attributions: the run's attributions; the clause lies inside the title or body
-- (as part says; column offsets_in_body) and a resolved actor is an existing entity.
select
    a.doc_id,
    a.attribution_index,
    a.part,
    a.kind,
    a.actor_entity_id,
    a.actor_text,
    a.predicate,
    a.topic,
    a.sentence_index,
    a.start_char,
    a.end_char,
    a.run_id,
    coalesce(
        a.start_char >= 0 and a.start_char < a.end_char
        and a.end_char <= length(case when a.part = 'title' then d.title else d.body end),
        false
    ) as offsets_in_body,
    a.actor_entity_id is null or e.entity_id is not null as actor_entity_exists
from intermediate.int_attributions as a
left join staging.stg_documents as d on d.doc_id = a.doc_id
left join intermediate.int_entities as e on e.entity_id = a.actor_entity_id
where $run_id is null or a.run_id = $run_id
