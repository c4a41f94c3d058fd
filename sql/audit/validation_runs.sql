-- audit.validation_runs: one row per validated run, pointing at the stored expectation outcomes.
-- grain: run; key: run_id
-- A run whose outcomes equal the previous validated run's (a night with nothing new) stores no
-- audit.validation_results rows of its own: results_run_id names the run whose rows hold them.
create table if not exists audit.validation_runs (
    run_id varchar primary key,
    validated_at timestamptz not null,
    success boolean not null,
    expectations integer not null,
    failed integer not null,
    results_run_id varchar not null
);
comment on table audit.validation_runs is 'Validation summary of every run; the expectation outcomes are in audit.validation_results under results_run_id (shared by consecutive runs whose outcomes were identical, so nights with nothing new add one row here and none there).';
comment on column audit.validation_runs.run_id is 'Run that validated.';
comment on column audit.validation_runs.validated_at is 'When validation finished.';
comment on column audit.validation_runs.success is 'Whether every expectation held.';
comment on column audit.validation_runs.expectations is 'Expectations evaluated.';
comment on column audit.validation_runs.failed is 'Expectations that failed.';
comment on column audit.validation_runs.results_run_id is 'Run whose audit.validation_results rows hold this run''s outcomes (this run, or an earlier run with identical outcomes).';
