-- intermediate.int_source_similarity_stories: what a story's pairs in int_source_similarity were computed from.
-- grain: story with two canonical documents or more; key: story_id
-- signature hashes the story's paired documents with their outlet, body and set of entities
-- (sql/intermediate/queries/source_similarity_signatures.sql); parallax.similarity.refresh
-- recomputes the pairs of every story whose signature differs, and deletes those of vanished stories.
create table if not exists intermediate.int_source_similarity_stories (
    story_id varchar not null,
    signature ubigint not null,
    documents integer not null,
    run_id varchar not null,
    primary key (story_id)
);
comment on table intermediate.int_source_similarity_stories is 'Per story, the signature of the documents its similarity pairs were computed from (recomputed when it changes).';
comment on column intermediate.int_source_similarity_stories.story_id is 'Story (marts.dim_stories).';
comment on column intermediate.int_source_similarity_stories.signature is 'Hash of the paired documents (id, outlet, body, entity set).';
comment on column intermediate.int_source_similarity_stories.documents is 'Canonical documents paired (at most 200).';
comment on column intermediate.int_source_similarity_stories.run_id is 'Run that last computed the story''s pairs.';
