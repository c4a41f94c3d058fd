-- marts.rpt_entity_coverage: which source mentions which entity in each story, how often and how early.
-- grain: story x entity x source (only where the source mentions the entity); key: (story_id, entity_id, source)
-- Documents counted: canonical ones, and copies (exact or near duplicates) of another source's document,
-- which carry their canonical's mentions mapped onto their own text (intermediate.int_mentions.projected_from).
-- A copy of the same source's document is another version of one article and is not counted again.
-- via_copy: every document of the source naming the entity in the story is such a copy.
-- Title mentions count; they come first (first_sentence_index -1, first_appearance_share 0).
-- Computed by marts.rpt_entity_coverage_for (sql/marts/rpt_entity_coverage_for.sql), which also reads only some stories.
create or replace view marts.rpt_entity_coverage as
select * from marts.rpt_entity_coverage_for(null);

comment on view marts.rpt_entity_coverage is 'Entity coverage per source within a story: one row per story, entity and source that mentions it in a title or body, with how often and how early the source names it. Canonical documents count, and so do copies of another source''s article (via_copy), with their canonical''s mentions mapped onto their text.';
comment on column marts.rpt_entity_coverage.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_entity_coverage.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.rpt_entity_coverage.canonical_name is 'Canonical name of the entity.';
comment on column marts.rpt_entity_coverage.label is 'Entity label.';
comment on column marts.rpt_entity_coverage.source is 'Outlet mentioning the entity.';
comment on column marts.rpt_entity_coverage.mention_count is 'Mentions of the entity (title and body) in the source''s documents of the story (canonical documents and copies of another source''s).';
comment on column marts.rpt_entity_coverage.via_copy is 'True when the source names the entity only in copies (exact or near duplicates) of another source''s article: syndicated, not an independent report.';
comment on column marts.rpt_entity_coverage.in_title is 'True when a headline of the source names the entity.';
comment on column marts.rpt_entity_coverage.doc_count is 'The source''s documents in the story that mention the entity.';
comment on column marts.rpt_entity_coverage.source_doc_count is 'The source''s documents in the story: canonical ones and copies of another source''s.';
comment on column marts.rpt_entity_coverage.first_sentence_index is 'Earliest sentence (zero-based) naming the entity in any of the source''s documents; -1 when a headline names it.';
comment on column marts.rpt_entity_coverage.first_appearance_share is 'Where the entity first appears, as a share of body length (start_char of the first mention / body characters; 0 = headline or first word, near 1 = the end), smallest over the source''s documents, rounded to 4 places.';
