-- marts.rpt_attribution_comparison_for(story_ids): the rows of view marts.rpt_attribution_comparison of the stories in `story_ids`.
-- grain: story x (predicate, topic, polarity) x source (one row per attribution in a canonical
-- document); key: (doc_id, attribution_index)
-- `story_ids` is a list of story ids (null: every story). The stories are chosen on the documents read
-- first, so a few stories cost what their documents cost, not the whole archive (the view filtered
-- afterwards computes every story). The view is this macro over every story.
-- is_conflict: sources give the same predicate and topic, with the same polarity, to different
-- resolved actors: another source of the story gives this claim only to resolved actors this row's
-- source never names for it (entity ids, so "Fred X" and "X" resolved to one entity agree). Two
-- sources naming a common actor agree on it: one naming an extra actor is not a disagreement. Rows without a topic
-- or without a resolved actor are never in conflict, nor are actors written as a pronoun ("he", "she":
-- their entity is the closest preceding person, a guess too weak to flag outlets over); a claim
-- affirmed by one source and negated by another is a different claim, not an actor conflict.
create or replace macro marts.rpt_attribution_comparison_for(story_ids) as table
with

documents as (
    select
        doc_id,
        story_id,
        source
    from marts.dim_documents
    where is_canonical and (story_ids is null or story_id in (select unnest(story_ids)))
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
    left join staging.stg_part_sentences as s
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
