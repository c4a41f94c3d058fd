-- intermediate.int_mentions: one row per entity mention in a canonical document.
-- grain: mention; key: (doc_id, start_char, end_char)
create table if not exists intermediate.int_mentions (
    doc_id varchar not null,
    mention_index integer not null,
    surface_text varchar not null,
    label varchar not null,
    model_label varchar,
    sentence_index integer not null,
    start_char integer not null,
    end_char integer not null,
    entity_id varchar not null,
    role varchar,
    run_id varchar not null,
    primary key (doc_id, start_char, end_char)
);
comment on table intermediate.int_mentions is 'Named-entity mentions in cleaned bodies after noise filtering and entity resolution.';
comment on column intermediate.int_mentions.doc_id is 'Document id.';
comment on column intermediate.int_mentions.mention_index is 'Zero-based position of the mention in the document.';
comment on column intermediate.int_mentions.surface_text is 'Text as written: body[start_char:end_char].';
comment on column intermediate.int_mentions.label is 'Entity label after resolution (PERSON, ORG, GPE, LOC, NORP, ...).';
comment on column intermediate.int_mentions.model_label is 'Label the spaCy model gave the span.';
comment on column intermediate.int_mentions.sentence_index is 'Sentence (staging.stg_sentences) containing the mention.';
comment on column intermediate.int_mentions.start_char is 'Start offset into stg_documents.body.';
comment on column intermediate.int_mentions.end_char is 'End offset (exclusive) into stg_documents.body.';
comment on column intermediate.int_mentions.entity_id is 'Canonical entity (intermediate.int_entities).';
comment on column intermediate.int_mentions.role is 'Title or role written with the name (President, Prime Minister, General), if any.';
comment on column intermediate.int_mentions.run_id is 'Run that extracted it.';
