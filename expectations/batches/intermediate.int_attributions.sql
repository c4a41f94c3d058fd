-- Batch for intermediate.int_attributions: the run's attributions; the clause lies inside the title or
-- body (as part says; column offsets_in_body), a resolved actor is an existing entity, and no affirmed
-- action reads as negated in the text.
-- negation_read: an affirmed action whose clause says "<actor> [did|has|was...] not|n't|never
-- [-ly adverb] <predicate> [up to 3 words] <topic>" (the predicate's first word with a final "e"
-- dropped, so "raise" matches "raised"/"raising"; the topic's last word cut to 4 letters), found by a
-- pattern on the text independently of the parse; "not only" is not a negation.
with

rows as (
    select
        a.doc_id,
        a.attribution_index,
        a.part,
        a.kind,
        a.actor_entity_id,
        a.actor_text,
        a.predicate,
        a.topic,
        a.polarity,
        a.cue,
        a.sentence_index,
        a.start_char,
        a.end_char,
        a.run_id,
        case when a.part = 'title' then d.title else d.body end as text,
        e.entity_id as known_entity_id,
        regexp_replace(regexp_replace(split_part(a.predicate, ' ', 1), '[^a-z]', '', 'g'), '(..)e$', '\1')
            as stem,
        left(regexp_replace(regexp_extract(coalesce(a.topic, ''), '(\S+)$', 1), '[^a-z]', '', 'g'), 4)
            as topic_stem
    from intermediate.int_attributions as a
    left join staging.stg_documents as d on d.doc_id = a.doc_id
    left join intermediate.int_entities as e on e.entity_id = a.actor_entity_id
    where $run_id is null or a.run_id = $run_id
),

clauses as (
    select
        *,
        lower(substr(text, start_char + 1, end_char - start_char)) as clause
    from rows
)

select
    doc_id,
    attribution_index,
    part,
    kind,
    actor_entity_id,
    actor_text,
    predicate,
    topic,
    polarity,
    cue,
    sentence_index,
    start_char,
    end_char,
    run_id,
    coalesce(start_char >= 0 and start_char < end_char and end_char <= length(text), false)
        as offsets_in_body,
    actor_entity_id is null or known_entity_id is not null as actor_entity_exists,
    not coalesce(
        polarity = 'affirmed'
        and kind = 'action'
        and length(stem) >= 2
        and regexp_matches(
            clause,
            '\Q' || lower(actor_text) || '\E\s+(?:[a-z]+\s*)?(?:not|n''t|never)\s+(?:[a-z]+ly\s+)?' || stem
            || '[a-z]*(?:\s+\S+){0,3}?\s+\S*' || topic_stem
        )
        and not regexp_matches(clause, '(?:not|n''t)\s+(?:only|just|merely)\s'),
        false
    ) as negation_read
from clauses
