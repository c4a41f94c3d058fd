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
from marts.rpt_entity_divergence
where story_id in (select story_id from validation_scope_stories)
