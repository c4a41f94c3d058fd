-- staging.stg_paragraphs: one row per paragraph of a cleaned body.
-- grain: document x paragraph; key: (doc_id, paragraph_index)
create table if not exists staging.stg_paragraphs (
    doc_id varchar not null,
    paragraph_index integer not null,
    start_char integer not null,
    end_char integer not null,
    is_heading boolean not null,
    run_id varchar not null,
    primary key (doc_id, paragraph_index)
);
comment on table staging.stg_paragraphs is 'Paragraphs of each cleaned body with character offsets.';
comment on column staging.stg_paragraphs.doc_id is 'Document id.';
comment on column staging.stg_paragraphs.paragraph_index is 'Zero-based paragraph position.';
comment on column staging.stg_paragraphs.start_char is 'Start offset in stg_documents.body.';
comment on column staging.stg_paragraphs.end_char is 'End offset (exclusive) in stg_documents.body.';
comment on column staging.stg_paragraphs.is_heading is 'True for a section heading or a short title-case line (no sentence punctuation).';
comment on column staging.stg_paragraphs.run_id is 'Run that wrote it.';
