-- intermediate.int_mentions: one row per entity mention in a document's title or body.
-- grain: mention; key: (doc_id, part, start_char, end_char)
-- The key is no DuckDB constraint (an index makes every checkpoint rewrite the table's last row group:
-- parallax.table_keys); the suite's duplicate_keys batch checks it.
-- Canonical documents get their mentions from the model; a copy (exact or near duplicate) gets its
-- canonical document's mentions mapped onto its own text (projected_from = the canonical doc_id).
-- A database created before `part` existed is rebuilt with the new key once (parallax.db.upgrade_primary_key).
create table if not exists intermediate.int_mentions (
    doc_id varchar not null,
    mention_index integer not null,
    part varchar not null default 'body',
    surface_text varchar not null,
    label varchar not null,
    model_label varchar,
    sentence_index integer not null,
    start_char integer not null,
    end_char integer not null,
    entity_id varchar not null,
    role varchar,
    projected_from varchar,
    run_id varchar not null
);
alter table intermediate.int_mentions add column if not exists part varchar default 'body';
alter table intermediate.int_mentions add column if not exists projected_from varchar;
comment on table intermediate.int_mentions is 'Named-entity mentions in cleaned titles and bodies after noise filtering and entity resolution; copies carry their canonical document''s mentions mapped onto their own text.';
comment on column intermediate.int_mentions.doc_id is 'Document id.';
comment on column intermediate.int_mentions.mention_index is 'Zero-based position of the mention in the document (body mentions first, then title mentions).';
comment on column intermediate.int_mentions.part is 'Where the mention is: title or body of stg_documents; start_char/end_char index that text.';
comment on column intermediate.int_mentions.surface_text is 'Text as written: title[start_char:end_char] or body[start_char:end_char], as part says.';
comment on column intermediate.int_mentions.label is 'Entity label after resolution (PERSON, ORG, GPE, LOC, NORP, ...).';
comment on column intermediate.int_mentions.model_label is 'Label the spaCy model gave the span.';
comment on column intermediate.int_mentions.sentence_index is 'Sentence (staging.stg_sentences) containing a body mention; -1 for a title mention.';
comment on column intermediate.int_mentions.start_char is 'Start offset into stg_documents.title or .body, as part says.';
comment on column intermediate.int_mentions.end_char is 'End offset (exclusive) into stg_documents.title or .body, as part says.';
comment on column intermediate.int_mentions.entity_id is 'Canonical entity (intermediate.int_entities).';
comment on column intermediate.int_mentions.role is 'Title or role written with the name (President, Prime Minister, General), if any.';
comment on column intermediate.int_mentions.projected_from is 'For a copy''s mention: the canonical document whose mention was mapped onto the copy''s text (no model run); null when the model found it in this document.';
comment on column intermediate.int_mentions.run_id is 'Run that extracted (or projected) it.';
