-- intermediate.int_attributions: one row per actor-predicate-topic triple or quote in a canonical document.
-- grain: attribution; key: (doc_id, attribution_index)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
create table if not exists intermediate.int_attributions (
    doc_id varchar not null,
    attribution_index integer not null,
    part varchar not null default 'body',
    kind varchar not null,
    actor_entity_id varchar,
    actor_text varchar not null,
    predicate varchar not null,
    topic varchar,
    topic_text varchar,
    quote varchar,
    polarity varchar default 'affirmed',
    cue varchar,
    sentence_index integer not null,
    start_char integer not null,
    end_char integer not null,
    run_id varchar not null
);
-- columns added after the first release (existing working files upgrade in place; rows extracted
-- before polarity was read count as affirmed, as they were compared then)
alter table intermediate.int_attributions add column if not exists polarity varchar default 'affirmed';
alter table intermediate.int_attributions add column if not exists cue varchar;
alter table intermediate.int_attributions add column if not exists part varchar default 'body';
comment on table intermediate.int_attributions is 'Who is said to have done or said what: actions, reporting verbs and quotes from the dependency parse.';
comment on column intermediate.int_attributions.doc_id is 'Document id.';
comment on column intermediate.int_attributions.attribution_index is 'Zero-based position in the document (body attributions first, then the title''s).';
comment on column intermediate.int_attributions.part is 'Where the clause is: title or body of stg_documents; start_char/end_char index that text.';
comment on column intermediate.int_attributions.kind is 'action, statement (reporting verb) or quote.';
comment on column intermediate.int_attributions.actor_entity_id is 'Canonical entity of the actor, when resolved.';
comment on column intermediate.int_attributions.actor_text is 'Actor as written (the pronoun when the actor was resolved from he/she).';
comment on column intermediate.int_attributions.predicate is 'Lemmatized predicate (raise, focus on, say).';
comment on column intermediate.int_attributions.topic is 'Normalized topic (kashmir issue), comparable across documents.';
comment on column intermediate.int_attributions.topic_text is 'Topic as written.';
comment on column intermediate.int_attributions.quote is 'Quoted or reported content, for quotes and statements.';
comment on column intermediate.int_attributions.polarity is 'affirmed, or negated when the predicate is negated (did not raise, refused to raise, denied that ... raised, without raising); a double negation is affirmed.';
comment on column intermediate.int_attributions.cue is 'How the claim reaches the reader: said (reporting verb with a clause), according to, quote (direct quotation); null when the outlet narrates it.';
comment on column intermediate.int_attributions.sentence_index is 'Sentence containing the attribution; -1 in the title.';
comment on column intermediate.int_attributions.start_char is 'Start offset of the clause in stg_documents.title or .body, as part says.';
comment on column intermediate.int_attributions.end_char is 'End offset (exclusive) of the clause.';
comment on column intermediate.int_attributions.run_id is 'Run that extracted it.';
