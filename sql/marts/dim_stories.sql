-- marts.dim_stories: one row per story (a set of articles about one event, from any number of sources).
-- grain: story; key: story_id
-- Computed by marts.dim_stories_for (sql/marts/dim_stories_for.sql), which also reads only some stories.
create or replace view marts.dim_stories as
select * from marts.dim_stories_for(null);

comment on view marts.dim_stories is 'Stories: articles about one event from any number of sources. Before stories are assigned, each canonical document is its own story (story_id ''S'' || doc_id).';
comment on column marts.dim_stories.story_id is 'Story id (stable across runs).';
comment on column marts.dim_stories.title is 'Title of the story''s earliest canonical document.';
comment on column marts.dim_stories.doc_count is 'Document versions in the story, duplicates included.';
comment on column marts.dim_stories.canonical_doc_count is 'Canonical documents in the story (those compared in the rpt_* views).';
comment on column marts.dim_stories.source_count is 'Distinct sources (outlets) with a document in the story.';
comment on column marts.dim_stories.sources is 'Those sources, sorted.';
comment on column marts.dim_stories.entity_count is 'Distinct canonical entities mentioned in the story.';
comment on column marts.dim_stories.first_seen_at is 'When the story''s first document was ingested.';
comment on column marts.dim_stories.last_seen_at is 'When its latest document was ingested.';
comment on column marts.dim_stories.first_published_at is 'Earliest publication time given by a document''s metadata.';
comment on column marts.dim_stories.last_published_at is 'Latest publication time given by a document''s metadata.';
