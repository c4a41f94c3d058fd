-- Batch for marts.dim_stories: the stories the run touched.
select
    story_id,
    title,
    doc_count,
    canonical_doc_count,
    source_count,
    entity_count,
    first_seen_at,
    last_seen_at,
    canonical_doc_count <= doc_count and source_count <= doc_count
        and len(sources) = source_count and first_seen_at <= last_seen_at as counts_consistent
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.dim_stories_for(coalesce((select list(story_id) from validation_scope_stories), []))
