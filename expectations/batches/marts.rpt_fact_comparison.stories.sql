-- Batch "stories" for marts.rpt_fact_comparison: one row per story the run touched, with how many
-- measures its sources disagree on (a plausibility check: dozens mean measures are mixed up).
-- Reads the suite's rows batch (marts.rpt_fact_comparison.sql), computed once into validation_suite_rows
-- (the suite's meta has share_rows): the view is the costliest of the touched stories' comparisons.
select
    story_id,
    count(distinct measure) filter (where is_conflict) as conflicting_measures,
    count(distinct measure) filter (where sources_reporting_measure > 1) as compared_measures
from validation_suite_rows
group by story_id
