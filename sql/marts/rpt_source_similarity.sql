-- marts.rpt_source_similarity: how alike two canonical documents of the same story are, in words and entities.
-- grain: unordered pair of canonical documents in a story (doc_a < doc_b); key: (story_id, doc_a, doc_b)
create or replace view marts.rpt_source_similarity as
with

-- A story's first 200 canonical documents (by publication, else ingestion time) are compared: pairs grow
-- with the square of a story's size, and a pile of template items (thousands of weather or market
-- bulletins in one story) made this view, its validation and the site's story pages run out of memory.
-- 200 documents = 19,900 pairs, far above a real event's coverage (ECB+: ~11 outlets per event).
documents as (
    select
        doc_id,
        story_id,
        source,
        body
    from marts.dim_documents
    where is_canonical
    qualify row_number() over (
        partition by story_id order by coalesce(published_at, ingested_at), ingested_at, doc_id
    ) <= 200
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
),

final as (
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
        coalesce(se.shared, 0) as shared_entity_count
    from pairs as p
    -- every join carries story_id so a filter on the story reaches the word and entity sets
    left join shared_words as sw on sw.story_id = p.story_id and sw.doc_a = p.doc_a and sw.doc_b = p.doc_b
    left join word_counts as wa on wa.story_id = p.story_id and wa.doc_id = p.doc_a
    left join word_counts as wb on wb.story_id = p.story_id and wb.doc_id = p.doc_b
    left join shared_entities as se on se.story_id = p.story_id and se.doc_a = p.doc_a and se.doc_b = p.doc_b
    left join entity_counts as ea on ea.story_id = p.story_id and ea.doc_id = p.doc_a
    left join entity_counts as eb on eb.story_id = p.story_id and eb.doc_id = p.doc_b
)

select * from final;

comment on view marts.rpt_source_similarity is 'Pairs of canonical documents in the same story, with how much text and how many entities they share (1 = same, 0 = nothing shared). Only the first 200 canonical documents of a story (by publication, else ingestion time) are paired.';
comment on column marts.rpt_source_similarity.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_source_similarity.doc_a is 'First document of the pair (the smaller doc_id).';
comment on column marts.rpt_source_similarity.doc_b is 'Second document of the pair.';
comment on column marts.rpt_source_similarity.source_a is 'Outlet of doc_a.';
comment on column marts.rpt_source_similarity.source_b is 'Outlet of doc_b.';
comment on column marts.rpt_source_similarity.text_similarity is 'Jaccard similarity of the two bodies'' sets of lowercased words (letters and digits), rounded to 4 places; null when both are empty.';
comment on column marts.rpt_source_similarity.entity_jaccard is 'Jaccard similarity of the sets of canonical entities the two documents mention, rounded to 4 places; null when neither mentions any.';
comment on column marts.rpt_source_similarity.shared_entity_count is 'Canonical entities both documents mention.';
