-- audit.removed_boilerplate: one row per line or span removed from a document by cleaning.
-- grain: removed span; key: (doc_id, start_char)
create table if not exists audit.removed_boilerplate (
    doc_id varchar not null,
    start_char integer not null,
    line_text varchar not null,
    method varchar not null,
    rule varchar not null,
    run_id varchar not null
);
comment on table audit.removed_boilerplate is 'What cleaning removed from each document and why: reference rules, patterns learned per source, repeated titles and repeated blocks.';
comment on column audit.removed_boilerplate.doc_id is 'Document the text was removed from.';
comment on column audit.removed_boilerplate.start_char is 'Offset of the removed text in the decoded raw text.';
comment on column audit.removed_boilerplate.line_text is 'The removed text.';
comment on column audit.removed_boilerplate.method is 'rule (seeds/boilerplate.csv), learned (repeats across a source), title_repeat, repeated_block or markup.';
comment on column audit.removed_boilerplate.rule is 'Rule id or learned pattern that matched.';
comment on column audit.removed_boilerplate.run_id is 'Run that removed it.';
