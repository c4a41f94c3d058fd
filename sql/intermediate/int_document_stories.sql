-- intermediate.int_document_stories: one row per document version with its story.
-- grain: document version; key: doc_id
create table if not exists intermediate.int_document_stories (
    doc_id varchar primary key,
    story_id varchar not null,
    similarity double,
    method varchar not null,
    run_id varchar not null
);
alter table intermediate.int_document_stories add column if not exists text_year integer;
comment on table intermediate.int_document_stories is 'Story membership: articles about one event from any number of sources share a story_id, stable across runs.';
comment on column intermediate.int_document_stories.doc_id is 'Document id.';
comment on column intermediate.int_document_stories.story_id is 'Story id.';
comment on column intermediate.int_document_stories.similarity is 'Similarity to the story when the document joined it (null for the founding document).';
comment on column intermediate.int_document_stories.method is 'How it was assigned: new_story, similarity, split (moved into a story split off the one it had joined), merge (its story was found to hold the same event as another one and merged into it), or duplicate (inherits its canonical document''s story).';
comment on column intermediate.int_document_stories.run_id is 'Run that assigned it (a later split or merge keeps this stamp and logs the move in int_story_moves).';
comment on column intermediate.int_document_stories.text_year is 'For a document without published_at: the year its text writes most often (the first written of equals), null when it writes none; null for dated documents, copies, and documents assigned before the column existed. Two parts of a story whose undated documents mostly report the same, uncommon year are split only on a clear cut (Settings.story_split_same_year_ncut).';
