-- intermediate.int_facts: one row per figure (money, percent, quantity, cardinal, age, duration, date) in a
-- canonical document, with its bounds, what it measures (and why), and whether it is background.
-- grain: fact mention; key: (doc_id, part, start_char, end_char)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
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
    lower_value double,
    upper_value double,
    value_precision double,
    is_background boolean not null default false,
    measure_evidence varchar,
    measure_class varchar,
    background_year integer
);
alter table intermediate.int_facts add column if not exists part varchar default 'body';
alter table intermediate.int_facts add column if not exists lower_value double;
alter table intermediate.int_facts add column if not exists upper_value double;
alter table intermediate.int_facts add column if not exists value_precision double;
alter table intermediate.int_facts add column if not exists is_background boolean default false;
alter table intermediate.int_facts add column if not exists measure_evidence varchar;
alter table intermediate.int_facts add column if not exists measure_class varchar;
alter table intermediate.int_facts add column if not exists background_year integer;
comment on table intermediate.int_facts is 'Figures given in documents, with normalized value, unit and what they measure.';
comment on column intermediate.int_facts.doc_id is 'Document id.';
comment on column intermediate.int_facts.part is 'Where the figure is: title or body of stg_documents; start_char/end_char index that text.';
comment on column intermediate.int_facts.fact_type is 'money, percent, quantity, cardinal, age, duration or date.';
comment on column intermediate.int_facts.value_text is 'Figure as written (title or body [start_char:end_char], as part says).';
comment on column intermediate.int_facts.normalized_value is 'Numeric value ($2 billion -> 2000000000, "two decades" -> 20 year); for calendar dates, null.';
comment on column intermediate.int_facts.unit is 'Unit: ISO 4217 code for money (rupee when the document does not say whose), percent or percentage_point, the singular unit word of a quantity, year for ages, the time unit of a duration, or the ISO date of a calendar date.';
comment on column intermediate.int_facts.measure is 'What the figure counts in the event, one key across outlets'' wordings (deaths, injured, age:<surname>, trade:target, boat:intercept), from the parse and seeds/measures.csv; null when the parse does not say.';
comment on column intermediate.int_facts.sentence_index is 'Sentence containing the figure; -1 in the title.';
comment on column intermediate.int_facts.start_char is 'Start offset into stg_documents.title or .body, as part says.';
comment on column intermediate.int_facts.end_char is 'End offset (exclusive) into stg_documents.title or .body, as part says.';
comment on column intermediate.int_facts.run_id is 'Run that extracted it.';
comment on column intermediate.int_facts.lower_value is 'Lowest value the figure allows ("at least 5" -> 5, "5-7" -> 5, "about 300" -> 270); null = open; equals normalized_value for an exact figure.';
comment on column intermediate.int_facts.upper_value is 'Highest value the figure allows ("up to 55 years" -> 55, "5-7" -> 7); null = open.';
comment on column intermediate.int_facts.value_precision is 'Half a unit of the last digit written (6 -> 0.5, 6.2 -> 0.05, $2.5 billion -> 50000000): figures closer than this are the same figure rounded.';
comment on column intermediate.int_facts.is_background is 'True when the figure is about another time or event (an earlier year, "last year", "N years ago", "previous"), a running total over several events, or a generic statement; kept but never compared.';
comment on column intermediate.int_facts.measure_evidence is 'The words that decided the measure (verb ''killed'' -> deaths), and for background figures the words that showed it.';
comment on column intermediate.int_facts.measure_class is 'For a count, the class of what it counts: people (deaths, arrested, "26 crew"), else the counted noun''s class key (vessel for boats, skiffs, ships); duration for a length keyed by its event or by its value (duration:2). A measure equal to its class ("26 crew on board"), or a duration:<value>, is a general figure that marts.rpt_fact_comparison may file under the one measure of that class its story agrees on. Null for other figures.';
comment on column intermediate.int_facts.background_year is 'For a background figure, the year its cue names or counts back to from the document''s year ("in September 2010" -> 2010; "two years ago" in a 2012 article -> 2010); null when the cue names none. marts.rpt_fact_comparison compares a figure whose background year is its story''s year.';
