-- Batch for audit.validation_runs: summaries already stored (the run's own row is written after
-- validation, so a run checks the latest earlier one), with whether its outcomes are stored.
select
    v.*,
    exists (
        select 1 from audit.validation_results r where r.run_id = v.results_run_id
    ) as results_stored
from audit.validation_runs as v
where $run_id is null
    or v.run_id = (
        select run_id from audit.validation_runs where run_id <> $run_id
        order by validated_at desc, run_id desc limit 1
    )
