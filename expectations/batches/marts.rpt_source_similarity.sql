-- Batch for marts.rpt_source_similarity: document pairs of the stories the run touched.
select
    story_id,
    doc_a,
    doc_b,
    source_a,
    source_b,
    text_similarity,
    entity_jaccard,
    shared_entity_count,
    doc_a < doc_b as pair_ordered
from marts.rpt_source_similarity
where story_id in (select story_id from validation_scope_stories)
