-- audit.file_failures: one row per input file version (path, content) that a run failed on and that is not yet ingested.
-- grain: (path, sha256); key: (path, sha256)
-- Deliberately has no run_id column: rolling a run back (parallax.db.rollback_run deletes rows stamped
-- with the run) must keep the count of runs a file crashed, or a file that kills every run is never
-- quarantined (parallax/quarantine.py).
create table if not exists audit.file_failures (
    path varchar not null,
    sha256 varchar not null,
    failures integer not null default 0,
    in_flight_run varchar,
    last_failed_run varchar,
    last_error varchar,
    updated_at timestamptz not null,
    primary key (path, sha256)
);
comment on table audit.file_failures is 'Input files that were being processed when a run crashed or failed, or whose reading failed: the count that quarantines a file after settings.max_file_failures. A file''s row is removed once a batch holding it completes. Not rolled back with a run.';
comment on column audit.file_failures.path is 'Input file path relative to the input folder.';
comment on column audit.file_failures.sha256 is 'SHA-256 of the file bytes as scanned (a changed file starts a new count).';
comment on column audit.file_failures.failures is 'Runs that ended (crashed, killed, failed) while this file''s batch was in progress, plus reads of it that failed.';
comment on column audit.file_failures.in_flight_run is 'Run whose batch holds the file right now; left set by a run that died, which the next run counts as a failure.';
comment on column audit.file_failures.last_failed_run is 'Run of the latest failure.';
comment on column audit.file_failures.last_error is 'What the latest failure was.';
comment on column audit.file_failures.updated_at is 'When the row last changed.';
