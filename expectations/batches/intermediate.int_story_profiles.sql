-- Batch for intermediate.int_story_profiles (a view): the profiles of the stories the run touched.
select
    story_id,
    term,
    weight,
    doc_count
-- the stories' rows only (the macro reads their documents' terms; an empty scope reads none)
from intermediate.int_story_profiles_for(coalesce((select list(story_id) from validation_scope_stories), []))
