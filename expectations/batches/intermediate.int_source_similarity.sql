-- Batch for intermediate.int_source_similarity: the pairs the run recomputed.
--   pair_ordered: doc_a < doc_b (each unordered pair once).
--   documents_in_story: both documents are canonical documents of the pair's story now.
select
    v.story_id,
    v.doc_a,
    v.doc_b,
    v.source_a,
    v.source_b,
    v.text_similarity,
    v.entity_jaccard,
    v.shared_entity_count,
    v.run_id,
    v.doc_a < v.doc_b as pair_ordered,
    a.doc_id is not null and b.doc_id is not null as documents_in_story
from intermediate.int_source_similarity as v
left join marts.dim_documents as a on a.doc_id = v.doc_a and a.story_id = v.story_id and a.is_canonical
left join marts.dim_documents as b on b.doc_id = v.doc_b and b.story_id = v.story_id and b.is_canonical
where $run_id is null or v.run_id = $run_id
