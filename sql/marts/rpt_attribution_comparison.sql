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
        coalesce(polarity, 'affirmed') as polarity,
        cue,
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
        'body' as part,
        sentence_index,
        text as sentence
    from staging.stg_sentences
    union all
    select
        doc_id,
        'title' as part,
        -1 as sentence_index,
        title as sentence
    from staging.stg_documents
),

keyed as (
    select
        d.story_id,
        d.source,
        a.*,
        coalesce(e.canonical_name, a.actor_text) as actor_name,
        -- the actor compared across sources: a resolved entity named in the clause
        case when lower(a.actor_text) not in ('he', 'she') then a.actor_entity_id end as named_entity_id
    from attributions as a
    inner join documents as d on d.doc_id = a.doc_id
    left join entities as e on e.entity_id = a.actor_entity_id
),

-- each source's resolved actors for each claim (story, predicate, topic, polarity)
claim_actors as (
    select distinct
        story_id,
        predicate,
        topic,
        polarity,
        source,
        named_entity_id as actor_entity_id
    from keyed
    where topic is not null and named_entity_id is not null
),

claim_sources as (
    select
        story_id,
        predicate,
        topic,
        polarity,
        count(distinct source) as sources_reporting
    from claim_actors
    group by story_id, predicate, topic, polarity
),

actor_sources as (
    select
        story_id,
        predicate,
        topic,
        polarity,
        actor_entity_id,
        count(distinct source) as sources_naming_actor
    from claim_actors
    group by story_id, predicate, topic, polarity, actor_entity_id
),

-- pairs of sources that give a claim to at least one common actor (they agree on someone)
sharing_sources as (
    select distinct
        a.story_id,
        a.predicate,
        a.topic,
        a.polarity,
        a.source as source_a,
        b.source as source_b
    from claim_actors as a
    inner join claim_actors as b
        on b.story_id = a.story_id
        and b.predicate = a.predicate
        and b.topic = a.topic
        and b.polarity = a.polarity
        and b.actor_entity_id = a.actor_entity_id
        and b.source <> a.source
),

-- rows whose claim another source gives only to other actors (the two sources share no actor for it)
disputed as (
    select distinct
        k.doc_id,
        k.attribution_index
    from keyed as k
    inner join claim_actors as other
        on other.story_id = k.story_id
        and other.predicate = k.predicate
        and other.topic = k.topic
        and other.polarity = k.polarity
        and other.source <> k.source
    where k.named_entity_id is not null
        and not exists (
            select 1
            from sharing_sources as p
            where p.story_id = k.story_id
                and p.predicate = k.predicate
                and p.topic = k.topic
                and p.polarity = k.polarity
                and p.source_a = k.source
                and p.source_b = other.source
        )
),

final as (
    select
        k.story_id,
        k.predicate,
        k.topic,
        k.polarity,
        k.source,
        k.actor_entity_id,
        k.actor_name,
        k.actor_text,
        k.kind,
        k.cue,
        k.topic_text,
        k.quote,
        s.sentence,
        k.doc_id,
        k.attribution_index,
        k.part,
        k.sentence_index,
        cs.sources_reporting,
        ac.sources_naming_actor,
        dp.doc_id is not null as is_conflict
    from keyed as k
    left join sentences as s
        on s.doc_id = k.doc_id and s.part = k.part and s.sentence_index = k.sentence_index
    left join claim_sources as cs
        on cs.story_id = k.story_id and cs.predicate = k.predicate and cs.topic = k.topic
        and cs.polarity = k.polarity
    left join actor_sources as ac
        on ac.story_id = k.story_id and ac.predicate = k.predicate and ac.topic = k.topic
        and ac.polarity = k.polarity and ac.actor_entity_id = k.named_entity_id
    left join disputed as dp on dp.doc_id = k.doc_id and dp.attribution_index = k.attribution_index
)

select * from final;

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
