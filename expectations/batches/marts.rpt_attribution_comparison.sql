-- Batch for marts.rpt_attribution_comparison: attributions of the stories the run touched.
select
    story_id,
    predicate,
    topic,
    polarity,
    source,
    actor_entity_id,
    actor_name,
    kind,
    doc_id,
    attribution_index,
    part,
    is_conflict
from marts.rpt_attribution_comparison
where story_id in (select story_id from validation_scope_stories)
