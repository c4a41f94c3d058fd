-- intermediate.int_story_profiles: the term profile of each story (derived from its documents' terms).
-- grain: (story, term); key: (story_id, term)
-- Computed by intermediate.int_story_profiles_for (sql/intermediate/int_story_profiles_for.sql), which also
-- reads only some stories.
create or replace view intermediate.int_story_profiles as
select * from intermediate.int_story_profiles_for(null);

comment on view intermediate.int_story_profiles is 'Story profiles: summed TF-IDF weights of the story''s canonical documents per term (the centroid new documents are compared with).';
comment on column intermediate.int_story_profiles.story_id is 'Story id.';
comment on column intermediate.int_story_profiles.term is 'Word or e:<entity_id>.';
comment on column intermediate.int_story_profiles.weight is 'Sum of the term''s normalized weights over the story''s documents.';
comment on column intermediate.int_story_profiles.doc_count is 'Documents of the story having the term among their kept terms.';
