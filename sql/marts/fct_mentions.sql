-- marts.fct_mentions: one row per named-entity mention in a document's title or body.
-- grain: mention; key: (doc_id, part, start_char, end_char)
-- Canonical documents' mentions come from the model; a copy's are its canonical's mapped onto the
-- copy's own text (projected_from set).
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
        part,
        sentence_index,
        start_char,
        end_char,
        projected_from,
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
        m.part,
        m.sentence_index,
        m.start_char,
        m.end_char,
        m.projected_from,
        d.story_id,
        d.source,
        m.run_id
    from mentions as m
    left join documents as d on d.doc_id = m.doc_id
)

select * from final;

comment on view marts.fct_mentions is 'Every named-entity mention with its canonical entity and character offsets into marts.dim_documents.title or .body as part says (title[start_char:end_char] or body[start_char:end_char] = surface_text, zero-based, end exclusive). Copies carry their canonical document''s mentions mapped onto their own text (projected_from).';
comment on column marts.fct_mentions.doc_id is 'Document the mention is in.';
comment on column marts.fct_mentions.mention_index is 'Zero-based position of the mention in the document.';
comment on column marts.fct_mentions.entity_id is 'Canonical entity (marts.dim_entities).';
comment on column marts.fct_mentions.surface_text is 'Text as written in the title or body.';
comment on column marts.fct_mentions.label is 'Entity label after resolution (PERSON, ORG, GPE, LOC, NORP, ...).';
comment on column marts.fct_mentions.model_label is 'Label the spaCy model gave the span.';
comment on column marts.fct_mentions.role is 'Title or role written with the name (President, Prime Minister), if any.';
comment on column marts.fct_mentions.part is 'Where the mention is: title or body; start_char/end_char index that text.';
comment on column marts.fct_mentions.sentence_index is 'Sentence (staging.stg_sentences) containing a body mention; -1 for a title mention.';
comment on column marts.fct_mentions.start_char is 'Start offset into the document title or body, as part says (zero-based).';
comment on column marts.fct_mentions.end_char is 'End offset into the document title or body, as part says (exclusive).';
comment on column marts.fct_mentions.projected_from is 'For a copy (marts.dim_documents.duplicate_of): the canonical document whose mention was mapped onto this text without running the model; null when the model found it here.';
comment on column marts.fct_mentions.story_id is 'Story of the document.';
comment on column marts.fct_mentions.source is 'Outlet of the document.';
comment on column marts.fct_mentions.run_id is 'Run that extracted the mention.';
