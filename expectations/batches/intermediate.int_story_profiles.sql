-- Batch for intermediate.int_story_profiles (a view): the profiles of the stories the run touched.
select
    story_id,
    term,
    weight,
    doc_count
from intermediate.int_story_profiles
where story_id in (select story_id from validation_scope_stories)
