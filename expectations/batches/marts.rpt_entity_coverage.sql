-- Batch for marts.rpt_entity_coverage: coverage rows of the stories the run touched.
select
    story_id,
    entity_id,
    canonical_name,
    label,
    source,
    mention_count,
    via_copy,
    in_title,
    doc_count,
    source_doc_count,
    first_appearance_share,
    doc_count <= source_doc_count and doc_count <= mention_count as counts_consistent
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.rpt_entity_coverage_for(coalesce((select list(story_id) from validation_scope_stories), []))
