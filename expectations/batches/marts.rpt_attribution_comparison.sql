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
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.rpt_attribution_comparison_for(coalesce((select list(story_id) from validation_scope_stories), []))
