-- Batch for marts.rpt_story_changes: changes of the stories the run touched.
select
    story_id,
    run_id,
    previous_run_id,
    is_latest,
    item_kind,
    change,
    change_type,
    item_key,
    old_value,
    new_value
from marts.rpt_story_changes
where story_id in (select story_id from validation_scope_stories)
