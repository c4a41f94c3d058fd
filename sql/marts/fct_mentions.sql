-- marts.fct_mentions: one row per named-entity mention in a canonical document.
-- grain: mention; key: (doc_id, start_char, end_char)
create or replace view marts.fct_mentions as
with

mentions as (
    select
        doc_id,
        mention_index,
        entity_id,
        surface_text,
        label,
        model_label,
        role,
        sentence_index,
        start_char,
        end_char,
        run_id
    from intermediate.int_mentions
),

documents as (
    select
        doc_id,
        story_id,
        source
    from marts.dim_documents
),

final as (
    select
        m.doc_id,
        m.mention_index,
        m.entity_id,
        m.surface_text,
        m.label,
        m.model_label,
        m.role,
        m.sentence_index,
        m.start_char,
        m.end_char,
        d.story_id,
        d.source,
        m.run_id
    from mentions as m
    left join documents as d on d.doc_id = m.doc_id
)

select * from final;

comment on view marts.fct_mentions is 'Every named-entity mention with its canonical entity and character offsets into marts.dim_documents.body (body[start_char:end_char] = surface_text, zero-based, end exclusive).';
comment on column marts.fct_mentions.doc_id is 'Document the mention is in.';
comment on column marts.fct_mentions.mention_index is 'Zero-based position of the mention in the document.';
comment on column marts.fct_mentions.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.fct_mentions.surface_text is 'Text as written in the body.';
comment on column marts.fct_mentions.label is 'Entity label after resolution (PERSON, ORG, GPE, LOC, NORP, ...).';
comment on column marts.fct_mentions.model_label is 'Label the spaCy model gave the span.';
comment on column marts.fct_mentions.role is 'Title or role written with the name (President, Prime Minister), if any.';
comment on column marts.fct_mentions.sentence_index is 'Sentence (staging.stg_sentences) containing the mention.';
comment on column marts.fct_mentions.start_char is 'Start offset into the document body (zero-based).';
comment on column marts.fct_mentions.end_char is 'End offset into the document body (exclusive).';
comment on column marts.fct_mentions.story_id is 'Story of the document.';
comment on column marts.fct_mentions.source is 'Outlet of the document.';
comment on column marts.fct_mentions.run_id is 'Run that extracted the mention.';
