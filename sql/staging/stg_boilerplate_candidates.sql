-- staging.stg_boilerplate_candidates: lines of each document that could be per-source boilerplate.
-- grain: document x candidate (kind, line_key); key: (doc_id, kind, line_key)
-- Learned boilerplate = candidates found in enough distinct documents (doc_key) of one source.
create table if not exists staging.stg_boilerplate_candidates (
    doc_id varchar not null,
    source varchar not null,
    doc_key varchar not null,
    kind varchar not null,
    line_key varchar not null,
    line_text varchar not null,
    run_id varchar not null
);
comment on table staging.stg_boilerplate_candidates is 'Per-source line statistics for learned boilerplate: the edge lines, short lines and leading dateline of every cleaned document. A candidate in enough distinct documents of its source is removed as boilerplate (see parallax/boilerplate.py).';
comment on column staging.stg_boilerplate_candidates.doc_id is 'Document the line occurs in.';
comment on column staging.stg_boilerplate_candidates.source is 'Outlet of the document; patterns are learned per source.';
comment on column staging.stg_boilerplate_candidates.doc_key is 'Hash of the document text before boilerplate removal: copies of one text count once.';
comment on column staging.stg_boilerplate_candidates.kind is 'line (a whole edge paragraph), prefix (a leading credit/dateline such as "AP - ") or tail (the last sentence of the last paragraph).';
comment on column staging.stg_boilerplate_candidates.line_key is 'Hash of the case- and whitespace-folded line (the learned pattern key).';
comment on column staging.stg_boilerplate_candidates.line_text is 'The line as it appears in the document.';
comment on column staging.stg_boilerplate_candidates.run_id is 'Run that recorded it.';
