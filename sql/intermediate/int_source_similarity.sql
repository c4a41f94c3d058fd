-- intermediate.int_source_similarity: how alike two canonical documents of the same story are.
-- grain: unordered pair of canonical documents in a story (doc_a < doc_b); key: (story_id, doc_a, doc_b)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
-- Maintained by parallax.similarity.refresh: a story's pairs are recomputed when its signature
-- (intermediate.int_source_similarity_stories) changes, so a night costs what it changed, not the
-- archive (the view computed every pair at read time: 3.3 s at 20,000 articles, on every site chunk
-- and every validation). marts.rpt_source_similarity reads it.
create table if not exists intermediate.int_source_similarity (
    story_id varchar not null,
    doc_a varchar not null,
    doc_b varchar not null,
    source_a varchar,
    source_b varchar,
    text_similarity double,
    entity_jaccard double,
    shared_entity_count bigint not null,
    run_id varchar not null
);
comment on table intermediate.int_source_similarity is 'Pairs of canonical documents in the same story (its first 200 by publication, else ingestion time), with how much text and how many entities they share; recomputed for the stories whose documents or entities changed.';
comment on column intermediate.int_source_similarity.story_id is 'Story (marts.dim_stories).';
comment on column intermediate.int_source_similarity.doc_a is 'First document of the pair (the smaller doc_id).';
comment on column intermediate.int_source_similarity.doc_b is 'Second document of the pair.';
comment on column intermediate.int_source_similarity.source_a is 'Outlet of doc_a.';
comment on column intermediate.int_source_similarity.source_b is 'Outlet of doc_b.';
comment on column intermediate.int_source_similarity.text_similarity is 'Jaccard similarity of the two bodies'' sets of lowercased words (letters and digits), rounded to 4 places; null when both are empty.';
comment on column intermediate.int_source_similarity.entity_jaccard is 'Jaccard similarity of the sets of canonical entities the two documents mention, rounded to 4 places; null when neither mentions any.';
comment on column intermediate.int_source_similarity.shared_entity_count is 'Canonical entities both documents mention.';
comment on column intermediate.int_source_similarity.run_id is 'Run that computed the pair.';
