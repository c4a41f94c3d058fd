-- Each story's similarity signature (used by parallax.similarity.refresh to find the stories whose
-- pairs must be recomputed): a hash of its paired documents with their outlet, body and entity set.
-- grain: story with two paired documents or more; key: story_id
with

documents as (
    select
        doc_id,
        story_id,
        source,
        body
    from intermediate.int_source_similarity_documents
),

document_entities as (
    select
        doc_id,
        hash(list(distinct entity_id order by entity_id)) as entities
    from intermediate.int_mentions
    where doc_id in (select doc_id from documents)
    group by doc_id
)

select
    d.story_id,
    hash(list(
        [d.doc_id, coalesce(d.source, ''), md5(coalesce(d.body, '')), cast(coalesce(e.entities, 0) as varchar)]
        order by d.doc_id
    )) as signature,
    cast(count(*) as integer) as documents
from documents as d
left join document_entities as e on e.doc_id = d.doc_id
group by d.story_id
having count(*) > 1
