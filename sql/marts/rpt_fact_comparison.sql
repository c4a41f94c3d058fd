-- marts.rpt_fact_comparison: which source gives which figure in a story, and where figures differ.
-- grain: story x fact x source (one row per figure in a canonical document); key: (doc_id, start_char, end_char)
-- Figures compare on (story, fact_type, measure, unit); dates on (story, measure), their ISO value (unit)
-- or duration (number and unit) being the value compared.
-- is_conflict: the figure has a measure, another source gives a figure for the same measure, and not
-- every source giving that measure gives this value.
create or replace view marts.rpt_fact_comparison as
with

documents as (
    select
        doc_id,
        story_id,
        source
    from marts.dim_documents
    where is_canonical
),

facts as (
    select
        doc_id,
        fact_type,
        value_text,
        normalized_value,
        unit,
        measure,
        part,
        sentence_index,
        start_char,
        end_char
    from intermediate.int_facts
),

sentences as (
    select
        doc_id,
        sentence_index,
        text as sentence
    from staging.stg_sentences
),

keyed as (
    select
        d.story_id,
        d.source,
        f.*,
        -- what is compared: the normalized number with its unit, else the unit alone (the ISO value
        -- of a calendar date), else the folded text
        case
            when f.normalized_value is not null
                then cast(f.normalized_value as varchar) || ' ' || coalesce(f.unit, '')
            when f.unit is not null then f.unit
            else lower(f.value_text)
        end as value_key,
        case when f.fact_type = 'date' then '' else coalesce(f.unit, '') end as compare_unit
    from facts as f
    inner join documents as d on d.doc_id = f.doc_id
),

measure_sources as (
    select
        story_id,
        fact_type,
        measure,
        compare_unit,
        count(distinct source) as sources_reporting_measure
    from keyed
    where measure is not null
    group by story_id, fact_type, measure, compare_unit
),

value_sources as (
    select
        story_id,
        fact_type,
        measure,
        compare_unit,
        value_key,
        count(distinct source) as sources_agreeing
    from keyed
    where measure is not null
    group by story_id, fact_type, measure, compare_unit, value_key
),

final as (
    select
        k.story_id,
        k.doc_id,
        k.source,
        k.fact_type,
        k.value_text,
        k.normalized_value,
        k.unit,
        k.measure,
        s.sentence,
        k.part,
        k.sentence_index,
        k.start_char,
        k.end_char,
        ms.sources_reporting_measure,
        vs.sources_agreeing,
        coalesce(
            ms.sources_reporting_measure > 1 and vs.sources_agreeing < ms.sources_reporting_measure, false
        ) as is_conflict
    from keyed as k
    left join sentences as s on s.doc_id = k.doc_id and s.sentence_index = k.sentence_index
    left join measure_sources as ms
        on ms.story_id = k.story_id and ms.fact_type = k.fact_type and ms.measure = k.measure
        and ms.compare_unit = k.compare_unit
    left join value_sources as vs
        on vs.story_id = k.story_id and vs.fact_type = k.fact_type and vs.measure = k.measure
        and vs.compare_unit = k.compare_unit and vs.value_key = k.value_key
)

select * from final;

comment on view marts.rpt_fact_comparison is 'Figures (money, percentages, quantities, counts, dates) each source of a story gives, side by side, with a flag where sources give different figures for the same measure. Canonical documents only.';
comment on column marts.rpt_fact_comparison.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_fact_comparison.doc_id is 'Document giving the figure.';
comment on column marts.rpt_fact_comparison.source is 'Outlet giving the figure.';
comment on column marts.rpt_fact_comparison.fact_type is 'money, percent, quantity, cardinal or date.';
comment on column marts.rpt_fact_comparison.value_text is 'Figure as written.';
comment on column marts.rpt_fact_comparison.normalized_value is 'Numeric value ($2 billion -> 2000000000); null for dates.';
comment on column marts.rpt_fact_comparison.unit is 'Unit (USD, percent, day, ...) or ISO date for dates.';
comment on column marts.rpt_fact_comparison.measure is 'What the figure measures (trade, pilgrims), when known; figures compare only when it is.';
comment on column marts.rpt_fact_comparison.sentence is 'Sentence containing the figure.';
comment on column marts.rpt_fact_comparison.part is 'Where the figure is: title or body; start_char/end_char index that text.';
comment on column marts.rpt_fact_comparison.sentence_index is 'Zero-based sentence position in the body; -1 in the title.';
comment on column marts.rpt_fact_comparison.start_char is 'Start offset into the document title or body, as part says.';
comment on column marts.rpt_fact_comparison.end_char is 'End offset (exclusive) into the document title or body, as part says.';
comment on column marts.rpt_fact_comparison.sources_reporting_measure is 'Sources of the story giving any figure of this fact_type for the same measure and unit (null without a measure).';
comment on column marts.rpt_fact_comparison.sources_agreeing is 'Of those, sources giving this same value (normalized number and unit; for a calendar date its ISO value).';
comment on column marts.rpt_fact_comparison.is_conflict is 'True when another source gives a figure for the same measure and unit and not every such source gives this value (sources_agreeing < sources_reporting_measure > 1).';
