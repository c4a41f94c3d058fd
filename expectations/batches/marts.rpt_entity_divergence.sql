-- Batch for marts.rpt_entity_divergence: divergence rows of the stories the run touched.
-- lists_consistent: sources_with and sources_without partition the story's sources.
select
    story_id,
    entity_id,
    canonical_name,
    label,
    coverage,
    source_count,
    story_source_count,
    sources_via_copy,
    len(sources_with) = source_count
        and len(sources_with) + len(sources_without) = story_source_count
        and len(list_intersect(sources_with, sources_without)) = 0 as lists_consistent
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.rpt_entity_divergence_for(coalesce((select list(story_id) from validation_scope_stories), []))
