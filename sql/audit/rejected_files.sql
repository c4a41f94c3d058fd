-- audit.rejected_files: one row per rejected input (a whole file, or one record of a multi-record file).
-- grain: rejected input; key: (path, sha256, record)
create table if not exists audit.rejected_files (
    path varchar not null,
    sha256 varchar not null,
    record integer,
    reason varchar not null,
    detail varchar,
    run_id varchar not null,
    rejected_at timestamptz not null
);
comment on table audit.rejected_files is 'Inputs that did not become documents, with a readable reason. Every input file ends as a document or here.';
comment on column audit.rejected_files.path is 'Input file path relative to the input folder.';
comment on column audit.rejected_files.sha256 is 'SHA-256 of the file bytes (empty string when the file could not be read).';
comment on column audit.rejected_files.record is 'Position of the rejected record in a multi-record file; null when the whole file is rejected.';
comment on column audit.rejected_files.reason is 'Reason code: empty, binary, undecodable, too_large, too_deep (HTML nested deeper than 2048 levels), unparseable, no_text, unreadable, unsupported, outside_input, quarantined (the file''s runs failed settings.max_file_failures times; see audit.file_failures).';
comment on column audit.rejected_files.detail is 'Human-readable explanation.';
comment on column audit.rejected_files.run_id is 'Run that first recorded this rejection (a later run that sees the same input fail for the same reason leaves the row as it is).';
comment on column audit.rejected_files.rejected_at is 'When the rejection was first recorded.';
