-- Batch for marts.rpt_fact_comparison: figures of the stories the run touched.
select
    story_id,
    doc_id,
    source,
    fact_type,
    value_text,
    normalized_value,
    unit,
    measure,
    part,
    start_char,
    end_char,
    is_conflict,
    sources_agreeing,
    sources_reporting_measure
from marts.rpt_fact_comparison
where story_id in (select story_id from validation_scope_stories)
