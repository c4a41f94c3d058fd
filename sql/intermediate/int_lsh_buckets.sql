-- intermediate.int_lsh_buckets: the persisted near-duplicate index, one row per document and key.
-- grain: (document, band, bucket); key: (doc_id, band, bucket)
create table if not exists intermediate.int_lsh_buckets (
    doc_id varchar not null,
    band smallint not null,
    bucket bigint not null,
    run_id varchar not null
);
comment on table intermediate.int_lsh_buckets is 'Near-duplicate index. band >= 0: MinHash-LSH band keys (documents sharing a key in one band are Jaccard candidates). band = -1: content-sampled shingle anchors (documents sharing anchors are containment candidates: truncated or extended copies). New documents are looked up here instead of being compared with the whole archive.';
comment on column intermediate.int_lsh_buckets.doc_id is 'Indexed document id.';
comment on column intermediate.int_lsh_buckets.band is 'LSH band number (0-based), or -1 for a sampled shingle anchor.';
comment on column intermediate.int_lsh_buckets.bucket is 'Hash of the band''s signature values, or the anchor shingle''s 64-bit hash.';
comment on column intermediate.int_lsh_buckets.run_id is 'Run that indexed the document.';
