-- intermediate.int_document_duplicates: one row per document version, naming its canonical copy.
-- grain: document version; key: doc_id
create table if not exists intermediate.int_document_duplicates (
    doc_id varchar primary key,
    canonical_doc_id varchar not null,
    cluster_id varchar not null,
    method varchar not null,
    jaccard double,
    containment double,
    run_id varchar not null
);
comment on table intermediate.int_document_duplicates is 'Duplicate clusters: every document with its canonical member. Canonical documents point to themselves; only they go on to extraction.';
comment on column intermediate.int_document_duplicates.doc_id is 'Document id.';
comment on column intermediate.int_document_duplicates.canonical_doc_id is 'Canonical member of the duplicate cluster (itself when canonical).';
comment on column intermediate.int_document_duplicates.cluster_id is 'Duplicate cluster id (the canonical doc_id).';
comment on column intermediate.int_document_duplicates.method is 'canonical, exact (same normalized body) or near (MinHash-LSH confirmed by Jaccard/containment).';
comment on column intermediate.int_document_duplicates.jaccard is 'Word-shingle Jaccard with the canonical body (1 for exact).';
comment on column intermediate.int_document_duplicates.containment is 'Share of the smaller body''s shingles found in the other (1 for exact).';
comment on column intermediate.int_document_duplicates.run_id is 'Run that assigned it.';
