-- marts.dim_documents: one row per ingested document version, with its cleaned text, story and duplicate link.
-- grain: document version; key: doc_id
-- Story: the story assigned to the document (intermediate.int_document_stories), else its canonical
-- copy's story, else 'S' || canonical_doc_id (before stories are assigned, each canonical document is
-- its own story and its duplicates join it).
create or replace view marts.dim_documents as
with

raw_documents as (
    select
        doc_id,
        path,
        record,
        source as raw_source,
        title as raw_title,
        format,
        url,
        site_name,
        published_at as raw_published_at,
        ingested_at,
        run_id
    from raw.documents
),

cleaned as (
    select
        doc_id,
        source as clean_source,
        title as clean_title,
        body,
        word_count,
        language,
        nlp_truncated_at,
        published_at as clean_published_at
    from staging.stg_documents
),

duplicates as (
    select
        doc_id,
        canonical_doc_id,
        method as duplicate_method
    from intermediate.int_document_duplicates
),

stories as (
    select
        doc_id,
        story_id as assigned_story_id
    from intermediate.int_document_stories
),

resolved as (
    select
        r.doc_id,
        coalesce(c.clean_source, r.raw_source) as source,
        r.path,
        r.record,
        coalesce(c.clean_title, r.raw_title) as title,
        c.body,
        c.word_count,
        c.language,
        c.nlp_truncated_at,
        coalesce(d.canonical_doc_id, r.doc_id) as canonical_doc_id,
        d.duplicate_method,
        -- canonical: dedup says so; before dedup ran, every cleaned document is canonical
        coalesce(d.canonical_doc_id = r.doc_id, c.doc_id is not null) as is_canonical,
        coalesce(c.clean_published_at, r.raw_published_at) as published_at,
        r.format,
        r.url,
        r.site_name,
        r.ingested_at,
        r.run_id
    from raw_documents as r
    left join cleaned as c on c.doc_id = r.doc_id
    left join duplicates as d on d.doc_id = r.doc_id
),

with_story as (
    select
        resolved.*,
        coalesce(own.assigned_story_id, canon.assigned_story_id, 'S' || resolved.canonical_doc_id) as story_id,
        row_number() over (
            partition by resolved.path, resolved.record
            order by resolved.ingested_at desc, resolved.run_id desc, resolved.doc_id desc
        ) = 1 as is_current
    from resolved
    left join stories as own on own.doc_id = resolved.doc_id
    left join stories as canon on canon.doc_id = resolved.canonical_doc_id
),

final as (
    select
        doc_id,
        source,
        path,
        record,
        title,
        body,
        word_count,
        story_id,
        case when canonical_doc_id <> doc_id then canonical_doc_id end as duplicate_of,
        duplicate_method,
        is_canonical,
        is_current,
        published_at,
        format,
        url,
        site_name,
        ingested_at,
        run_id,
        language,
        nlp_truncated_at
    from with_story
)

select * from final;

comment on view marts.dim_documents is 'Every ingested document version with its cleaned title and body, its story and, for a copy, the canonical document it duplicates. Only canonical documents are compared in the rpt_* views.';
comment on column marts.dim_documents.doc_id is 'Stable document id (hash of path, record and content).';
comment on column marts.dim_documents.source is 'Outlet: metadata field when present, else the input subfolder, else the file stem.';
comment on column marts.dim_documents.path is 'Input file path relative to the input folder.';
comment on column marts.dim_documents.record is 'Position of the record in a multi-record file (JSON list, JSONL, CSV), else null.';
comment on column marts.dim_documents.title is 'Cleaned title (falls back to the input title before cleaning).';
comment on column marts.dim_documents.body is 'Cleaned body; every start_char/end_char in the marts indexes this text (null before cleaning).';
comment on column marts.dim_documents.word_count is 'Words in body.';
comment on column marts.dim_documents.story_id is 'Story the document belongs to: assigned story, else its canonical copy''s story, else ''S'' || canonical doc_id (each canonical document its own story until stories are assigned).';
comment on column marts.dim_documents.duplicate_of is 'Canonical document this one duplicates (exact or near copy); null for a canonical document.';
comment on column marts.dim_documents.duplicate_method is 'How dedup classified it: canonical, exact or near (null before dedup ran).';
comment on column marts.dim_documents.is_canonical is 'True when the document goes on to extraction and comparison (canonical member of its duplicate cluster, or cleaned and not yet deduplicated).';
comment on column marts.dim_documents.is_current is 'True for the latest ingested version of its (path, record); older versions of a changed file are kept with false.';
comment on column marts.dim_documents.published_at is 'Publication time from metadata, if any.';
comment on column marts.dim_documents.format is 'Input format: text, markdown, html, json, jsonl or csv.';
comment on column marts.dim_documents.url is 'Canonical URL from metadata, if any.';
comment on column marts.dim_documents.site_name is 'Site name from metadata, if any.';
comment on column marts.dim_documents.ingested_at is 'When the document was read.';
comment on column marts.dim_documents.run_id is 'Run that ingested it.';
comment on column marts.dim_documents.language is 'ISO 639-1 language of the document (e.g. en), null before cleaning. Documents in a language the NLP model does not read (settings.model_languages) have no mentions, facts or attributions.';
comment on column marts.dim_documents.nlp_truncated_at is 'Character offset of body at which NLP stopped reading (body longer than settings.max_nlp_chars); null when the whole body was read.';
