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
-- the stories' rows only (the macro reads their snapshots; an empty scope reads none)
from marts.rpt_story_changes_for(coalesce((select list(story_id) from validation_scope_stories), []))
