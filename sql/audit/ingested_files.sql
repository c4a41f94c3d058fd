-- audit.ingested_files: one row per distinct input file content seen at a path.
-- grain: (path, sha256); key: (path, sha256)
create table if not exists audit.ingested_files (
    path varchar not null,
    sha256 varchar not null,
    size_bytes bigint,
    mtime_ns bigint,
    status varchar not null,
    documents integer,
    run_id varchar not null,
    ingested_at timestamptz not null,
    primary key (path, sha256)
);
comment on table audit.ingested_files is 'Every input file version the pipeline has read, whether it became documents or was rejected; a file whose (path, sha256) is here is skipped on later runs.';
comment on column audit.ingested_files.path is 'Input file path relative to the input folder.';
comment on column audit.ingested_files.sha256 is 'SHA-256 of the file bytes actually read (not of an earlier scan).';
comment on column audit.ingested_files.size_bytes is 'File size in bytes.';
comment on column audit.ingested_files.mtime_ns is 'File modification time (ns since epoch) when read; an unchanged (size, mtime) is not re-hashed.';
comment on column audit.ingested_files.status is 'loaded (became documents) or rejected (including quarantined). A file that could not be read for a reason that may pass has no row and is read again next run.';
comment on column audit.ingested_files.documents is 'Number of documents in this version of the file (new ones and records unchanged since an earlier version).';
comment on column audit.ingested_files.run_id is 'Run that read the file.';
comment on column audit.ingested_files.ingested_at is 'When the file was read.';
