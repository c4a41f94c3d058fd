-- marts.rpt_source_similarity: how alike two canonical documents of the same story are, in words and entities.
-- grain: unordered pair of canonical documents in a story (doc_a < doc_b); key: (story_id, doc_a, doc_b)
create or replace view marts.rpt_source_similarity as
with

documents as (
    select
        doc_id,
        story_id,
        source,
        -- set of lowercased words (letters and digits, any script)
        list_distinct(regexp_extract_all(lower(coalesce(body, '')), '[\p{L}\p{N}]+')) as words
    from marts.dim_documents
    where is_canonical
),

document_entities as (
    select
        doc_id,
        list_distinct(list(entity_id)) as entities
    from intermediate.int_mentions
    group by doc_id
),

sets as (
    select
        d.doc_id,
        d.story_id,
        d.source,
        d.words,
        coalesce(e.entities, []::varchar[]) as entities
    from documents as d
    left join document_entities as e on e.doc_id = d.doc_id
),

pairs as (
    select
        a.story_id,
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        a.source as source_a,
        b.source as source_b,
        len(list_intersect(a.words, b.words)) as shared_words,
        len(list_distinct(list_concat(a.words, b.words))) as union_words,
        len(list_intersect(a.entities, b.entities)) as shared_entity_count,
        len(list_distinct(list_concat(a.entities, b.entities))) as union_entities
    from sets as a
    inner join sets as b on b.story_id = a.story_id and a.doc_id < b.doc_id
),

final as (
    select
        story_id,
        doc_a,
        doc_b,
        source_a,
        source_b,
        round(shared_words / nullif(union_words, 0), 4) as text_similarity,
        round(shared_entity_count / nullif(union_entities, 0), 4) as entity_jaccard,
        shared_entity_count
    from pairs
)

select * from final;

comment on view marts.rpt_source_similarity is 'Pairs of canonical documents in the same story, with how much text and how many entities they share (1 = same, 0 = nothing shared).';
comment on column marts.rpt_source_similarity.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_source_similarity.doc_a is 'First document of the pair (the smaller doc_id).';
comment on column marts.rpt_source_similarity.doc_b is 'Second document of the pair.';
comment on column marts.rpt_source_similarity.source_a is 'Outlet of doc_a.';
comment on column marts.rpt_source_similarity.source_b is 'Outlet of doc_b.';
comment on column marts.rpt_source_similarity.text_similarity is 'Jaccard similarity of the two bodies'' sets of lowercased words (letters and digits), rounded to 4 places; null when both are empty.';
comment on column marts.rpt_source_similarity.entity_jaccard is 'Jaccard similarity of the sets of canonical entities the two documents mention, rounded to 4 places; null when neither mentions any.';
comment on column marts.rpt_source_similarity.shared_entity_count is 'Canonical entities both documents mention.';
