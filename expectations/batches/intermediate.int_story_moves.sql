-- Batch for intermediate.int_story_moves: the documents the run split out of earlier runs' stories.
select
    v.doc_id,
    v.run_id,
    v.from_story_id,
    v.to_story_id,
    v.from_similarity,
    v.from_method,
    v.from_run_id,
    v.from_story_id <> v.to_story_id as changes_story,
    v.from_run_id <> v.run_id as moves_an_earlier_row,
    x.doc_id is not null as story_row_exists
from intermediate.int_story_moves as v
left join intermediate.int_document_stories as x on x.doc_id = v.doc_id
where $run_id is null or v.run_id = $run_id
