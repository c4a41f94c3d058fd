-- Batch for marts.rpt_fact_comparison: figures of the stories the run touched.
select
    story_id,
    doc_id,
    source,
    fact_type,
    value_text,
    normalized_value,
    lower_value,
    upper_value,
    unit,
    measure,
    part,
    is_background,
    start_char,
    end_char,
    is_update,
    is_conflict,
    sources_agreeing,
    sources_reporting_measure,
    not (is_background and is_conflict) as background_not_flagged,
    not is_conflict or measure is not null as conflict_has_measure
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.rpt_fact_comparison_for(coalesce((select list(story_id) from validation_scope_stories), []))
