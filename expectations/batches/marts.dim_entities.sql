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
from marts.dim_entities
where entity_id in (
    select entity_id from intermediate.int_mentions where doc_id in (select doc_id from validation_scope_docs)
)
