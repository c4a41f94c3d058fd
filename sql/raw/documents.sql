-- raw.documents: one row per ingested document version, as read from the input (decoded, uncleaned).
-- grain: document version; key: doc_id
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
create table if not exists raw.documents (
    doc_id varchar not null,
    path varchar not null,
    record integer,
    source varchar not null,
    file_sha256 varchar not null,
    content_sha256 varchar not null,
    format varchar not null,
    encoding varchar,
    title varchar,
    text varchar not null,
    url varchar,
    site_name varchar,
    published_at timestamptz,
    ingested_at timestamptz not null,
    run_id varchar not null
);
comment on table raw.documents is 'Documents as read from input files (decoded to Unicode, not cleaned). A changed file yields new versions of its new or changed records; an unchanged record keeps its row (and run_id) from the run that first read it; old versions stay, also when the input file is gone.';
comment on column raw.documents.doc_id is 'Stable document id: hash of path, record and content.';
comment on column raw.documents.path is 'Input file path relative to the input folder.';
comment on column raw.documents.record is 'Position of the record in a multi-record file (JSON list, JSONL, CSV), else null.';
comment on column raw.documents.source is 'Outlet: metadata field when present, else the input subfolder, else the file stem.';
comment on column raw.documents.file_sha256 is 'SHA-256 of the input file bytes as read when the document was first ingested.';
comment on column raw.documents.content_sha256 is 'SHA-256 of the decoded record text (title + text).';
comment on column raw.documents.format is 'Input format: text, markdown, html, json, jsonl or csv.';
comment on column raw.documents.encoding is 'Detected character encoding of the input bytes.';
comment on column raw.documents.title is 'Title given by the input metadata, if any.';
comment on column raw.documents.text is 'Decoded text (for HTML, the extracted main text).';
comment on column raw.documents.url is 'Canonical URL from metadata, if any.';
comment on column raw.documents.site_name is 'Site name from metadata, if any.';
comment on column raw.documents.published_at is 'Publication time from metadata, if any.';
comment on column raw.documents.ingested_at is 'When the document was read.';
comment on column raw.documents.run_id is 'Run that first ingested it (rolling that run back removes it; later runs that read the same record again do not restamp it).';
