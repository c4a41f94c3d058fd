-- intermediate.int_facts: one row per figure (money, percent, quantity, cardinal, date) in a canonical document.
-- grain: fact mention; key: (doc_id, part, start_char, end_char)
-- A database created before `part` existed is rebuilt with the new key once (parallax.db.upgrade_primary_key).
create table if not exists intermediate.int_facts (
    doc_id varchar not null,
    part varchar not null default 'body',
    fact_type varchar not null,
    value_text varchar not null,
    normalized_value double,
    unit varchar,
    measure varchar,
    sentence_index integer not null,
    start_char integer not null,
    end_char integer not null,
    run_id varchar not null,
    primary key (doc_id, part, start_char, end_char)
);
alter table intermediate.int_facts add column if not exists part varchar default 'body';
comment on table intermediate.int_facts is 'Figures given in documents, with normalized value, unit and what they measure.';
comment on column intermediate.int_facts.doc_id is 'Document id.';
comment on column intermediate.int_facts.part is 'Where the figure is: title or body of stg_documents; start_char/end_char index that text.';
comment on column intermediate.int_facts.fact_type is 'money, percent, quantity, cardinal or date.';
comment on column intermediate.int_facts.value_text is 'Figure as written (title or body [start_char:end_char], as part says).';
comment on column intermediate.int_facts.normalized_value is 'Numeric value ($2 billion -> 2000000000); for dates, null.';
comment on column intermediate.int_facts.unit is 'Unit (USD, percent, day, ...) or ISO date for dates.';
comment on column intermediate.int_facts.measure is 'What the figure measures when the parse shows it (trade, pilgrims).';
comment on column intermediate.int_facts.sentence_index is 'Sentence containing the figure; -1 in the title.';
comment on column intermediate.int_facts.start_char is 'Start offset into stg_documents.title or .body, as part says.';
comment on column intermediate.int_facts.end_char is 'End offset (exclusive) into stg_documents.title or .body, as part says.';
comment on column intermediate.int_facts.run_id is 'Run that extracted it.';
