-- marts.rpt_entity_divergence: which sources of a story name an entity and which leave it out.
-- grain: story x entity (entities mentioned by at least one counted document); key: (story_id, entity_id)
-- coverage, with k = sources naming the entity and n = sources in the story (canonical documents and cross-source copies):
--   consensus: k = n and n > 1; unique: k = 1; majority: 1 < k < n and k > n / 2; minority: 1 < k <= n / 2.
-- Sources are those of marts.rpt_entity_coverage's documents: an outlet that runs a copy of another
-- source's article is a source of the story and names what its copy prints (a name its copy cut is
-- left out); sources_via_copy says which of sources_with name the entity only through such a copy.
-- Computed by marts.rpt_entity_divergence_for (sql/marts/rpt_entity_divergence_for.sql), which also reads only some stories.
create or replace view marts.rpt_entity_divergence as
select * from marts.rpt_entity_divergence_for(null);

comment on view marts.rpt_entity_divergence is 'How sources of a story diverge on who and what they name: for each entity mentioned in the story, the sources that name it and those that leave it out. Canonical documents count, and copies of another source''s article (an outlet names what its copy prints; sources_via_copy).';
comment on column marts.rpt_entity_divergence.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_entity_divergence.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.rpt_entity_divergence.canonical_name is 'Canonical name of the entity.';
comment on column marts.rpt_entity_divergence.label is 'Entity label.';
comment on column marts.rpt_entity_divergence.sources_with is 'Sources of the story that mention the entity, sorted.';
comment on column marts.rpt_entity_divergence.sources_without is 'Sources of the story that do not mention it, sorted.';
comment on column marts.rpt_entity_divergence.sources_via_copy is 'Of sources_with, those naming the entity only in a copy of another source''s article (syndicated, not independent), sorted.';
comment on column marts.rpt_entity_divergence.coverage is 'With k = sources naming the entity and n = sources in the story: consensus when k = n and n > 1 (every source); unique when k = 1 (exactly one source, also for a one-source story); majority when 1 < k < n and k > n/2; minority when 1 < k <= n/2.';
comment on column marts.rpt_entity_divergence.source_count is 'k: sources naming the entity.';
comment on column marts.rpt_entity_divergence.story_source_count is 'n: sources in the story (with a canonical document or a copy of another source''s).';
comment on column marts.rpt_entity_divergence.mention_count is 'Mentions of the entity across the story.';
