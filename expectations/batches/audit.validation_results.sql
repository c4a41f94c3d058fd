-- Batch for audit.validation_results: results already stored (the run's own rows are written after
-- validation, so a run checks the rows of earlier runs it can see: the latest validated run).
select *
from audit.validation_results
where $run_id is null
    or run_id = (select max(run_id) from audit.validation_results where run_id <> $run_id)
