-- intermediate.int_minhash_signatures: one row per indexed document version (dedup state between runs).
-- grain: document version whose body was indexed for near-duplicate search; key: doc_id
create table if not exists intermediate.int_minhash_signatures (
    doc_id varchar not null,
    shingle_count integer not null,
    anchor_count integer not null,
    signature uinteger[] not null,
    run_id varchar not null
);
comment on table intermediate.int_minhash_signatures is 'MinHash signatures of word shingles of cleaned bodies (digits kept), persisted so later runs compare new documents against the archive without re-reading it. Exact copies are not indexed (their canonical body is).';
comment on column intermediate.int_minhash_signatures.doc_id is 'Document id (staging.stg_documents.doc_id).';
comment on column intermediate.int_minhash_signatures.shingle_count is 'Distinct word shingles in the body.';
comment on column intermediate.int_minhash_signatures.anchor_count is 'Shingles of this document stored as containment anchors in intermediate.int_lsh_buckets (band -1).';
comment on column intermediate.int_minhash_signatures.signature is 'MinHash signature: minimum of each of minhash_perm universal hash permutations over the 32-bit shingle hashes.';
comment on column intermediate.int_minhash_signatures.run_id is 'Run that indexed it.';
