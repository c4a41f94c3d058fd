-- staging.stg_part_sentences: the sentences that evidence rows quote, in both parts of a document.
-- grain: document x part x sentence (a title is sentence -1 of part 'title'); key: (doc_id, part, sentence_index)
-- Facts, attributions and mentions locate themselves by (part, sentence_index); the comparison views
-- show the sentence a figure or claim was read from through this view.
create or replace view staging.stg_part_sentences as
select
    doc_id,
    'body' as part,
    sentence_index,
    text as sentence,
    run_id
from staging.stg_sentences
union all
select
    doc_id,
    'title' as part,
    -1 as sentence_index,
    title as sentence,
    run_id
from staging.stg_documents;
comment on view staging.stg_part_sentences is 'The sentence behind each (document, part, sentence_index): body sentences, and the title as sentence -1 of part title.';
comment on column staging.stg_part_sentences.doc_id is 'Document id.';
comment on column staging.stg_part_sentences.part is 'body or title.';
comment on column staging.stg_part_sentences.sentence_index is 'Zero-based sentence position in the body; -1 for the title.';
comment on column staging.stg_part_sentences.sentence is 'The sentence text (the title for part title).';
comment on column staging.stg_part_sentences.run_id is 'Run that wrote the sentence or the document.';
