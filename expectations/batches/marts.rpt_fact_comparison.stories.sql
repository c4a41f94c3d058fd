-- Batch "stories" for marts.rpt_fact_comparison: one row per story the run touched, with how many
-- measures its sources disagree on (a plausibility check: dozens mean measures are mixed up).
select
    story_id,
    count(distinct measure) filter (where is_conflict) as conflicting_measures,
    count(distinct measure) filter (where sources_reporting_measure > 1) as compared_measures
-- the stories' rows only (the macro reads their documents; an empty scope reads none)
from marts.rpt_fact_comparison_for(coalesce((select list(story_id) from validation_scope_stories), []))
group by story_id
