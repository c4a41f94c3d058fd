-- intermediate.int_duplicate_diffs: what a copy changed against its canonical document.
-- grain: one change of one copy; key: (doc_id, change_index)
create table if not exists intermediate.int_duplicate_diffs (
    doc_id varchar not null,
    change_index integer not null,
    canonical_doc_id varchar not null,
    change_type varchar not null,
    before_text varchar,
    after_text varchar,
    sentence_before integer,
    sentence_after integer,
    run_id varchar not null
);
comment on table intermediate.int_duplicate_diffs is 'Per copy (exact or near duplicate), the differences from its canonical document: title changed, sentences added, removed or changed, and inside changed sentences the numbers and names (capitalized words) that differ. A copy identical to its canonical has no rows.';
comment on column intermediate.int_duplicate_diffs.doc_id is 'The copy (intermediate.int_document_duplicates.doc_id with method exact or near).';
comment on column intermediate.int_duplicate_diffs.change_index is 'Zero-based position of the change in the copy''s diff (title first, then in text order).';
comment on column intermediate.int_duplicate_diffs.canonical_doc_id is 'Canonical document the copy is compared with.';
comment on column intermediate.int_duplicate_diffs.change_type is 'title_changed, sentence_added, sentence_removed, sentence_changed, number_changed (a figure differs) or name_changed (a capitalized word differs).';
comment on column intermediate.int_duplicate_diffs.before_text is 'Text in the canonical document (null for an addition).';
comment on column intermediate.int_duplicate_diffs.after_text is 'Text in the copy (null for a removal).';
comment on column intermediate.int_duplicate_diffs.sentence_before is 'Zero-based position of the sentence in the canonical body, as split for the diff (null for a title change or an addition).';
comment on column intermediate.int_duplicate_diffs.sentence_after is 'Zero-based position of the sentence in the copy''s body, as split for the diff (null for a title change or a removal).';
comment on column intermediate.int_duplicate_diffs.run_id is 'Run that computed it.';
