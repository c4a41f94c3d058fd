-- Batch for intermediate.int_source_similarity_stories: the stories whose pairs the run recomputed.
--   pairs_complete: the story has one pair per two of its paired documents (n * (n - 1) / 2).
select
    s.story_id,
    s.signature,
    s.documents,
    s.run_id,
    coalesce(p.pairs, 0) = s.documents * (s.documents - 1) // 2 as pairs_complete
from intermediate.int_source_similarity_stories as s
left join (
    select story_id, count(*) as pairs
    from intermediate.int_source_similarity
    group by story_id
) as p on p.story_id = s.story_id
where $run_id is null or s.run_id = $run_id
