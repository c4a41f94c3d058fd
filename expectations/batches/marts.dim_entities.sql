-- Batch for marts.dim_entities: entities mentioned in the documents the run touched.
select
    entity_id,
    canonical_name,
    label,
    aliases,
    mention_count,
    doc_count,
    source_count,
    story_count,
    source_count <= doc_count and doc_count <= mention_count as counts_consistent
-- the entities' rows only (the macro reads their mentions; an empty scope reads none)
from marts.dim_entities_for(coalesce((
    select list(distinct entity_id) from intermediate.int_mentions
    where doc_id in (select doc_id from validation_scope_docs)
), []))
