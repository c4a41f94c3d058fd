-- marts.rpt_attribution_comparison: who each source says did or said what, side by side.
-- grain: story x (predicate, topic, polarity) x source (one row per attribution in a canonical
-- document); key: (doc_id, attribution_index)
-- is_conflict: sources give the same predicate and topic, with the same polarity, to different
-- resolved actors: another source of the story gives this claim only to resolved actors this row's
-- source never names for it (entity ids, so "Fred X" and "X" resolved to one entity agree). Two
-- sources naming a common actor agree on it: one naming an extra actor is not a disagreement. Rows without a topic
-- or without a resolved actor are never in conflict, nor are actors written as a pronoun ("he", "she":
-- their entity is the closest preceding person, a guess too weak to flag outlets over); a claim
-- affirmed by one source and negated by another is a different claim, not an actor conflict.
-- Computed by marts.rpt_attribution_comparison_for (sql/marts/rpt_attribution_comparison_for.sql), which also reads only some stories.
create or replace view marts.rpt_attribution_comparison as
select * from marts.rpt_attribution_comparison_for(null);

comment on view marts.rpt_attribution_comparison is 'Who each source says did or said what in a story (actions, reporting verbs, quotes), with its polarity, and a flag where sources give the same claim (predicate, topic, polarity) to different resolved actors (who raised Kashmir). Canonical documents only.';
comment on column marts.rpt_attribution_comparison.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_attribution_comparison.predicate is 'Lemmatized predicate (raise, focus on, say).';
comment on column marts.rpt_attribution_comparison.topic is 'Normalized topic (kashmir issue), comparable across sources; null when the clause has none.';
comment on column marts.rpt_attribution_comparison.polarity is 'affirmed, or negated (did not raise, refused to raise, denied that ...). Rows of different polarity are different claims.';
comment on column marts.rpt_attribution_comparison.source is 'Outlet making the attribution.';
comment on column marts.rpt_attribution_comparison.actor_entity_id is 'Canonical entity of the actor, when resolved (conflicts compare these ids).';
comment on column marts.rpt_attribution_comparison.actor_name is 'Canonical name of the actor, else the actor as written.';
comment on column marts.rpt_attribution_comparison.actor_text is 'Actor as written (a pronoun when the actor was resolved from he/she).';
comment on column marts.rpt_attribution_comparison.kind is 'action, statement (reporting verb) or quote.';
comment on column marts.rpt_attribution_comparison.cue is 'How the claim reaches the reader: said, according to, quote; null when the outlet narrates it.';
comment on column marts.rpt_attribution_comparison.topic_text is 'Topic as written.';
comment on column marts.rpt_attribution_comparison.quote is 'Quoted or reported content, for quotes and statements.';
comment on column marts.rpt_attribution_comparison.sentence is 'Sentence containing the attribution.';
comment on column marts.rpt_attribution_comparison.doc_id is 'Document making the attribution.';
comment on column marts.rpt_attribution_comparison.attribution_index is 'Zero-based position of the attribution in the document.';
comment on column marts.rpt_attribution_comparison.part is 'Where the clause is: title or body.';
comment on column marts.rpt_attribution_comparison.sentence_index is 'Zero-based sentence position in the body; -1 in the title.';
comment on column marts.rpt_attribution_comparison.sources_reporting is 'Sources of the story giving this predicate, topic and polarity to a resolved actor (null without a topic or a resolved actor).';
comment on column marts.rpt_attribution_comparison.sources_naming_actor is 'Of those, sources giving it to this actor''s entity.';
comment on column marts.rpt_attribution_comparison.is_conflict is 'True when another source gives the same predicate, topic and polarity only to resolved actors this source does not name for it (the two sources share no actor). False without a topic, a resolved actor, or when the actor is written as a pronoun.';
