-- Pairs of the stories in $stories for intermediate.int_source_similarity, stamped with $run_id
-- (used by parallax.similarity.refresh after it deleted those stories' pairs).
-- grain: unordered pair of canonical documents in a story (doc_a < doc_b); key: (story_id, doc_a, doc_b)
insert into intermediate.int_source_similarity
    (story_id, doc_a, doc_b, source_a, source_b, text_similarity, entity_jaccard, shared_entity_count, run_id)
with

-- the documents paired (intermediate.int_source_similarity_documents) of the stories asked for
documents as (
    select
        doc_id,
        story_id,
        source,
        body
    from intermediate.int_source_similarity_documents
    where story_id in (select unnest($stories::varchar[]))
),

-- set of lowercased words (letters and digits, any script) of each document
document_words as (
    select distinct
        doc_id,
        story_id,
        unnest(regexp_extract_all(lower(coalesce(body, '')), '[\p{L}\p{N}]+')) as word
    from documents
),

word_counts as (
    select
        story_id,
        doc_id,
        count(*) as words
    from document_words
    group by story_id, doc_id
),

document_entities as (
    select distinct
        m.doc_id,
        d.story_id,
        m.entity_id
    from intermediate.int_mentions as m
    inner join documents as d on d.doc_id = m.doc_id
),

entity_counts as (
    select
        story_id,
        doc_id,
        count(*) as entities
    from document_entities
    group by story_id, doc_id
),

pairs as (
    select
        a.story_id,
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        a.source as source_a,
        b.source as source_b
    from documents as a
    inner join documents as b on b.story_id = a.story_id and a.doc_id < b.doc_id
),

shared_words as (
    select
        a.story_id,
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        count(*) as shared
    from document_words as a
    inner join document_words as b
        on b.story_id = a.story_id and b.word = a.word and a.doc_id < b.doc_id
    group by a.story_id, a.doc_id, b.doc_id
),

shared_entities as (
    select
        a.story_id,
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        count(*) as shared
    from document_entities as a
    inner join document_entities as b
        on b.story_id = a.story_id and b.entity_id = a.entity_id and a.doc_id < b.doc_id
    group by a.story_id, a.doc_id, b.doc_id
)

select
    p.story_id,
    p.doc_a,
    p.doc_b,
    p.source_a,
    p.source_b,
    -- Jaccard = shared / (|A| + |B| - shared)
    round(
        coalesce(sw.shared, 0)
        / nullif(coalesce(wa.words, 0) + coalesce(wb.words, 0) - coalesce(sw.shared, 0), 0),
        4
    ) as text_similarity,
    round(
        coalesce(se.shared, 0)
        / nullif(coalesce(ea.entities, 0) + coalesce(eb.entities, 0) - coalesce(se.shared, 0), 0),
        4
    ) as entity_jaccard,
    coalesce(se.shared, 0) as shared_entity_count,
    $run_id as run_id
from pairs as p
left join shared_words as sw on sw.story_id = p.story_id and sw.doc_a = p.doc_a and sw.doc_b = p.doc_b
left join word_counts as wa on wa.story_id = p.story_id and wa.doc_id = p.doc_a
left join word_counts as wb on wb.story_id = p.story_id and wb.doc_id = p.doc_b
left join shared_entities as se on se.story_id = p.story_id and se.doc_a = p.doc_a and se.doc_b = p.doc_b
left join entity_counts as ea on ea.story_id = p.story_id and ea.doc_id = p.doc_a
left join entity_counts as eb on eb.story_id = p.story_id and eb.doc_id = p.doc_b
