-- staging.stg_documents: one row per document version after cleaning.
-- grain: document version; key: doc_id
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
create table if not exists staging.stg_documents (
    doc_id varchar not null,
    source varchar not null,
    title varchar,
    body varchar not null,
    normalized_sha256 varchar not null,
    word_count integer not null,
    paragraph_count integer not null,
    sentence_count integer not null,
    published_at timestamptz,
    run_id varchar not null,
    language varchar,
    nlp_truncated_at integer
);
alter table staging.stg_documents add column if not exists language varchar;
alter table staging.stg_documents add column if not exists nlp_truncated_at integer;
comment on table staging.stg_documents is 'Cleaned documents: Unicode-normalized, boilerplate removed, title split from body. All character offsets elsewhere point into body.';
comment on column staging.stg_documents.doc_id is 'Document id (raw.documents.doc_id).';
comment on column staging.stg_documents.source is 'Outlet the document comes from.';
comment on column staging.stg_documents.title is 'Cleaned title (a title printed twice is kept once).';
comment on column staging.stg_documents.body is 'Cleaned body text; paragraphs separated by a blank line.';
comment on column staging.stg_documents.normalized_sha256 is 'SHA-256 of the case- and whitespace-folded body: equal values are exact duplicates.';
comment on column staging.stg_documents.word_count is 'Words in body.';
comment on column staging.stg_documents.paragraph_count is 'Paragraphs in body.';
comment on column staging.stg_documents.sentence_count is 'Sentences in body.';
comment on column staging.stg_documents.published_at is 'Publication time from metadata, if any.';
comment on column staging.stg_documents.run_id is 'Run that cleaned it.';
comment on column staging.stg_documents.language is 'ISO 639-1 language of title + body (py3langid; the configured default language when the text is too short or the classifier unsure). Only languages in settings.model_languages are extracted.';
comment on column staging.stg_documents.nlp_truncated_at is 'Character offset at which the body is cut for NLP (settings.max_nlp_chars at cleaning time); null when the whole body is read. Mentions, facts and attributions come only from body[:nlp_truncated_at].';
