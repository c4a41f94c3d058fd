-- audit.validation_results: one row per expectation evaluated in a run.
-- grain: run x suite x expectation; key: (run_id, suite, expectation_index)
create table if not exists audit.validation_results (
    run_id varchar not null,
    suite varchar not null,
    table_name varchar not null,
    expectation_index integer not null,
    expectation_type varchar not null,
    kwargs varchar,
    success boolean not null,
    observed varchar,
    unexpected_count bigint,
    element_count bigint,
    validated_at timestamptz not null,
    severity varchar not null default 'error'
);
alter table audit.validation_results add column if not exists severity varchar default 'error';
comment on table audit.validation_results is 'Outcome of every Great Expectations expectation in every run; a failed expectation of severity error fails the run and blocks publishing, one of severity warning is recorded only.';
comment on column audit.validation_results.run_id is 'Run that validated.';
comment on column audit.validation_results.suite is 'Suite name (file in expectations/).';
comment on column audit.validation_results.table_name is 'Table or view validated.';
comment on column audit.validation_results.expectation_index is 'Position of the expectation in its suite.';
comment on column audit.validation_results.expectation_type is 'GX expectation type, e.g. expect_column_values_to_not_be_null.';
comment on column audit.validation_results.kwargs is 'Expectation arguments as JSON.';
comment on column audit.validation_results.success is 'Whether the expectation held.';
comment on column audit.validation_results.observed is 'Observed value or summary as JSON.';
comment on column audit.validation_results.unexpected_count is 'Rows that broke the expectation, when GX reports it.';
comment on column audit.validation_results.element_count is 'Rows checked.';
comment on column audit.validation_results.validated_at is 'When the suite ran.';
comment on column audit.validation_results.severity is 'error (a failure fails the run) or warning (analytic plausibility: recorded, the run goes on).';
