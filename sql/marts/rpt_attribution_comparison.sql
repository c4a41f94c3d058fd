-- marts.rpt_attribution_comparison: who each source says did or said what, side by side.
-- grain: story x (predicate, topic) x source (one row per attribution in a canonical document);
-- key: (doc_id, attribution_index)
-- is_conflict: sources disagree on the actor of the same (story, predicate, topic): another source gives
-- this predicate and topic, and not every such source names this actor.
create or replace view marts.rpt_attribution_comparison as
with

documents as (
    select
        doc_id,
        story_id,
        source
    from marts.dim_documents
    where is_canonical
),

attributions as (
    select
        doc_id,
        attribution_index,
        kind,
        actor_entity_id,
        actor_text,
        predicate,
        topic,
        topic_text,
        quote,
        part,
        sentence_index
    from intermediate.int_attributions
),

entities as (
    select
        entity_id,
        canonical_name
    from intermediate.int_entities
),

sentences as (
    select
        doc_id,
        sentence_index,
        text as sentence
    from staging.stg_sentences
),

keyed as (
    select
        d.story_id,
        d.source,
        a.*,
        coalesce(e.canonical_name, a.actor_text) as actor_name,
        -- the actor compared across sources: its entity, else its folded text
        coalesce(a.actor_entity_id, lower(trim(a.actor_text))) as actor_key
    from attributions as a
    inner join documents as d on d.doc_id = a.doc_id
    left join entities as e on e.entity_id = a.actor_entity_id
),

topic_sources as (
    select
        story_id,
        predicate,
        topic,
        count(distinct source) as sources_reporting
    from keyed
    where topic is not null
    group by story_id, predicate, topic
),

actor_sources as (
    select
        story_id,
        predicate,
        topic,
        actor_key,
        count(distinct source) as sources_naming_actor
    from keyed
    where topic is not null
    group by story_id, predicate, topic, actor_key
),

final as (
    select
        k.story_id,
        k.predicate,
        k.topic,
        k.source,
        k.actor_entity_id,
        k.actor_name,
        k.actor_text,
        k.kind,
        k.topic_text,
        k.quote,
        s.sentence,
        k.doc_id,
        k.attribution_index,
        k.part,
        k.sentence_index,
        ts.sources_reporting,
        ac.sources_naming_actor,
        coalesce(ts.sources_reporting > 1 and ac.sources_naming_actor < ts.sources_reporting, false)
            as is_conflict
    from keyed as k
    left join sentences as s on s.doc_id = k.doc_id and s.sentence_index = k.sentence_index
    left join topic_sources as ts
        on ts.story_id = k.story_id and ts.predicate = k.predicate and ts.topic = k.topic
    left join actor_sources as ac
        on ac.story_id = k.story_id and ac.predicate = k.predicate and ac.topic = k.topic
        and ac.actor_key = k.actor_key
)

select * from final;

comment on view marts.rpt_attribution_comparison is 'Who each source says did or said what in a story (actions, reporting verbs, quotes), with a flag where sources name different actors for the same predicate and topic (who raised Kashmir). Canonical documents only.';
comment on column marts.rpt_attribution_comparison.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_attribution_comparison.predicate is 'Lemmatized predicate (raise, focus on, say).';
comment on column marts.rpt_attribution_comparison.topic is 'Normalized topic (kashmir issue), comparable across sources; null when the clause has none.';
comment on column marts.rpt_attribution_comparison.source is 'Outlet making the attribution.';
comment on column marts.rpt_attribution_comparison.actor_entity_id is 'Canonical entity of the actor, when resolved.';
comment on column marts.rpt_attribution_comparison.actor_name is 'Canonical name of the actor, else the actor as written.';
comment on column marts.rpt_attribution_comparison.actor_text is 'Actor as written.';
comment on column marts.rpt_attribution_comparison.kind is 'action, statement (reporting verb) or quote.';
comment on column marts.rpt_attribution_comparison.topic_text is 'Topic as written.';
comment on column marts.rpt_attribution_comparison.quote is 'Quoted or reported content, for quotes and statements.';
comment on column marts.rpt_attribution_comparison.sentence is 'Sentence containing the attribution.';
comment on column marts.rpt_attribution_comparison.doc_id is 'Document making the attribution.';
comment on column marts.rpt_attribution_comparison.attribution_index is 'Zero-based position of the attribution in the document.';
comment on column marts.rpt_attribution_comparison.part is 'Where the clause is: title or body.';
comment on column marts.rpt_attribution_comparison.sentence_index is 'Zero-based sentence position in the body; -1 in the title.';
comment on column marts.rpt_attribution_comparison.sources_reporting is 'Sources of the story giving this predicate and topic (null without a topic).';
comment on column marts.rpt_attribution_comparison.sources_naming_actor is 'Of those, sources naming this actor (entity, else folded text) for it.';
comment on column marts.rpt_attribution_comparison.is_conflict is 'True when sources give different actors for the same story, predicate and topic: sources_naming_actor < sources_reporting > 1. False without a topic.';
