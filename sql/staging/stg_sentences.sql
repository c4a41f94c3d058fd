-- staging.stg_sentences: one row per sentence of a cleaned body.
-- grain: document x sentence; key: (doc_id, sentence_index)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
create table if not exists staging.stg_sentences (
    doc_id varchar not null,
    sentence_index integer not null,
    paragraph_index integer not null,
    start_char integer not null,
    end_char integer not null,
    text varchar not null,
    run_id varchar not null
);
comment on table staging.stg_sentences is 'Sentences of each cleaned body with character offsets; mentions, facts and attributions point to these by sentence_index.';
comment on column staging.stg_sentences.doc_id is 'Document id.';
comment on column staging.stg_sentences.sentence_index is 'Zero-based sentence position in the body.';
comment on column staging.stg_sentences.paragraph_index is 'Paragraph the sentence belongs to.';
comment on column staging.stg_sentences.start_char is 'Start offset in stg_documents.body.';
comment on column staging.stg_sentences.end_char is 'End offset (exclusive) in stg_documents.body.';
comment on column staging.stg_sentences.text is 'Sentence text (body[start_char:end_char]).';
comment on column staging.stg_sentences.run_id is 'Run that wrote it.';
