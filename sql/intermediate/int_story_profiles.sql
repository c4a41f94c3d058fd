-- intermediate.int_story_profiles: the term profile of each story (derived from its documents' terms).
-- grain: (story, term); key: (story_id, term)
create or replace view intermediate.int_story_profiles as
with members as (
    select doc_id, story_id from intermediate.int_document_stories
),
terms as (
    select doc_id, term, weight from intermediate.int_story_doc_terms
),
final as (
    select m.story_id, t.term, sum(t.weight) as weight, count(*) as doc_count
    from terms t
    join members m on m.doc_id = t.doc_id
    group by m.story_id, t.term
)
select * from final;
comment on view intermediate.int_story_profiles is 'Story profiles: summed TF-IDF weights of the story''s canonical documents per term (the centroid new documents are compared with).';
comment on column intermediate.int_story_profiles.story_id is 'Story id.';
comment on column intermediate.int_story_profiles.term is 'Word or e:<entity_id>.';
comment on column intermediate.int_story_profiles.weight is 'Sum of the term''s normalized weights over the story''s documents.';
comment on column intermediate.int_story_profiles.doc_count is 'Documents of the story having the term among their kept terms.';
