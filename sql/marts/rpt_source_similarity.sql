-- marts.rpt_source_similarity: how alike two canonical documents of the same story are, in words and entities.
-- grain: unordered pair of canonical documents in a story (doc_a < doc_b); key: (story_id, doc_a, doc_b)
-- The pairs are kept in intermediate.int_source_similarity, recomputed each night for the stories whose
-- documents or entities changed (parallax.similarity); computed here at read time they cost 3.3 s at
-- 20,000 articles on every read, every site chunk and every validation.
create or replace view marts.rpt_source_similarity as
select
    story_id,
    doc_a,
    doc_b,
    source_a,
    source_b,
    text_similarity,
    entity_jaccard,
    shared_entity_count
from intermediate.int_source_similarity;

comment on view marts.rpt_source_similarity is 'Pairs of canonical documents in the same story, with how much text and how many entities they share (1 = same, 0 = nothing shared). Only the first 200 canonical documents of a story (by publication, else ingestion time) are paired.';
comment on column marts.rpt_source_similarity.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_source_similarity.doc_a is 'First document of the pair (the smaller doc_id).';
comment on column marts.rpt_source_similarity.doc_b is 'Second document of the pair.';
comment on column marts.rpt_source_similarity.source_a is 'Outlet of doc_a.';
comment on column marts.rpt_source_similarity.source_b is 'Outlet of doc_b.';
comment on column marts.rpt_source_similarity.text_similarity is 'Jaccard similarity of the two bodies'' sets of lowercased words (letters and digits), rounded to 4 places; null when both are empty.';
comment on column marts.rpt_source_similarity.entity_jaccard is 'Jaccard similarity of the sets of canonical entities the two documents mention, rounded to 4 places; null when neither mentions any.';
comment on column marts.rpt_source_similarity.shared_entity_count is 'Canonical entities both documents mention.';
