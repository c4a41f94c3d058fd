-- intermediate.int_source_similarity_documents: the documents a story's similarity pairs are computed from.
-- grain: canonical document of a story, among the story's first 200; key: doc_id
-- A story's first 200 canonical documents (by publication, else ingestion time) are paired: pairs grow
-- with the square of a story's size, and a pile of template items (thousands of weather or market
-- bulletins in one story) ran the pairs out of memory. 200 documents = 19,900 pairs, far above a real
-- event's coverage (ECB+: ~11 outlets per event). Read by parallax.similarity (signatures, then pairs).
create or replace view intermediate.int_source_similarity_documents as
select
    doc_id,
    story_id,
    source,
    body
from marts.dim_documents
where is_canonical and story_id is not null
qualify row_number() over (
    partition by story_id order by coalesce(published_at, ingested_at), ingested_at, doc_id
) <= 200;
comment on view intermediate.int_source_similarity_documents is 'The canonical documents each story''s similarity pairs are computed from: its first 200 by publication, else ingestion time.';
comment on column intermediate.int_source_similarity_documents.doc_id is 'Document id.';
comment on column intermediate.int_source_similarity_documents.story_id is 'Story (marts.dim_stories).';
comment on column intermediate.int_source_similarity_documents.source is 'Outlet.';
comment on column intermediate.int_source_similarity_documents.body is 'Cleaned body text.';
