-- audit.runs: one row per pipeline run.
-- grain: run; key: run_id
create table if not exists audit.runs (
    run_id varchar primary key,
    run_date date,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    input_dir varchar,
    files_seen integer,
    files_new integer,
    files_rejected integer,
    documents_new integer,
    mentions_new integer,
    validation_success boolean,
    model varchar,
    model_version varchar,
    error varchar,
    step_seconds map(varchar, double),
    publish_status varchar,
    published_at timestamptz
);
alter table audit.runs add column if not exists publish_status varchar;
alter table audit.runs add column if not exists published_at timestamptz;
comment on table audit.runs is 'One row per pipeline run: timing, counts per step, validation outcome and the spaCy model used.';
comment on column audit.runs.run_id is 'Run identifier (time-ordered, unique).';
comment on column audit.runs.run_date is 'Logical date of the run (the --run-date for backfills, else the day it started, UTC).';
comment on column audit.runs.started_at is 'When the run started.';
comment on column audit.runs.finished_at is 'When the run ended (null while running or after a crash).';
comment on column audit.runs.status is 'running, success, failed (rolled back) or crashed (found running by a later run and rolled back).';
comment on column audit.runs.input_dir is 'Input folder the run read.';
comment on column audit.runs.files_seen is 'Input files found.';
comment on column audit.runs.files_new is 'Input files whose content had not been ingested before.';
comment on column audit.runs.files_rejected is 'New input files rejected (see audit.rejected_files).';
comment on column audit.runs.documents_new is 'Documents added by the run.';
comment on column audit.runs.mentions_new is 'Entity mentions added by the run.';
comment on column audit.runs.validation_success is 'True when every expectation suite passed.';
comment on column audit.runs.model is 'spaCy pipeline name used for extraction.';
comment on column audit.runs.model_version is 'spaCy pipeline version used for extraction.';
comment on column audit.runs.error is 'Error message of a failed run.';
comment on column audit.runs.step_seconds is 'Wall-clock seconds per step.';
comment on column audit.runs.publish_status is 'pending (validated, publish not confirmed yet), published (this run''s state is the published file) or failed (publish failed, e.g. disk full; the next successful run publishes); null for runs that did not pass.';
comment on column audit.runs.published_at is 'When the published file was replaced with this run''s state.';
