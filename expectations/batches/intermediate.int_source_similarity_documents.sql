-- Batch for intermediate.int_source_similarity_documents: the paired documents of the stories the run touched.
--   per_story: documents paired in the row's story (at most 200).
select
    doc_id,
    story_id,
    source,
    count(*) over (partition by story_id) as per_story
from intermediate.int_source_similarity_documents
where story_id in (select story_id from validation_scope_stories)
