-- Batch for intermediate.int_entity_aliases: the run's aliases; each maps to an existing entity.
select
    a.alias,
    a.entity_id,
    a.method,
    a.confidence,
    a.run_id,
    a.evidence,
    a.method in ('exact', 'normalized') or length(a.evidence) > 0 as link_explained,
    e.entity_id is not null as entity_exists
from intermediate.int_entity_aliases as a
left join intermediate.int_entities as e on e.entity_id = a.entity_id
where $run_id is null or a.run_id = $run_id
