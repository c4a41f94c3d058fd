-- intermediate.int_story_term_df: document-frequency increments for story TF-IDF, one row per assignment batch and term.
-- grain: (assignment batch, term); key: (batch_id, term)
create table if not exists intermediate.int_story_term_df (
    batch_id varchar not null,
    term varchar not null,
    df integer not null,
    run_id varchar not null
);
comment on table intermediate.int_story_term_df is 'Document frequencies of story terms, stored as per-batch increments so a rolled-back run removes exactly its own counts: the document frequency of a term is the sum of df over batches. The empty term '''' counts the documents of the batch.';
comment on column intermediate.int_story_term_df.batch_id is 'Assignment batch (hash of the run and the batch''s first document).';
comment on column intermediate.int_story_term_df.term is 'Term as in intermediate.int_story_doc_terms; '''' for the document count.';
comment on column intermediate.int_story_term_df.df is 'Documents of the batch containing the term (for '''' the number of documents).';
comment on column intermediate.int_story_term_df.run_id is 'Run that counted the batch.';
