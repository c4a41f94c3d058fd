-- intermediate.int_story_doc_terms: the TF-IDF profile of each canonical document used for story assignment.
-- grain: (document, term); key: (doc_id, term)
create table if not exists intermediate.int_story_doc_terms (
    doc_id varchar not null,
    term varchar not null,
    weight double not null,
    run_id varchar not null
);
alter table intermediate.int_story_doc_terms add column if not exists published_at timestamp with time zone;
comment on table intermediate.int_story_doc_terms is 'Top TF-IDF terms of each canonical document (title + body words, and entities as e:<entity_id> when extraction found them), L2-normalized, as computed when the document was assigned to a story. A story''s profile (intermediate.int_story_profiles) is the sum over its documents, so later runs attach new documents without re-reading the archive.';
comment on column intermediate.int_story_doc_terms.doc_id is 'Canonical document id.';
comment on column intermediate.int_story_doc_terms.term is 'Lower-cased word, or e:<entity_id> for an entity of intermediate.int_mentions.';
comment on column intermediate.int_story_doc_terms.weight is 'Sublinear TF x IDF weight, L2-normalized over the document''s kept terms.';
comment on column intermediate.int_story_doc_terms.run_id is 'Run that assigned the document.';
comment on column intermediate.int_story_doc_terms.published_at is 'The document''s published_at (null when unknown). A batch of dated documents looks up candidate stories only through documents published within the story window of its own dates, so the lookup reads the recent part of the table (rows are appended night by night, and DuckDB skips row groups by their min/max).';
