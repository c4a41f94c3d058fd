-- Batch for intermediate.int_facts: the run's figures; value_text must equal title or body (as part says)
-- [start_char:end_char].
-- Contract columns: bounds in order, a measure always explained, a measure class only on counts and durations, a
-- background year only on background figures and a plausible year; plausibility columns (checked as
-- warnings, `mostly`): money carries an ISO currency code, figures other than dates have a measure.
select
    f.doc_id,
    f.part,
    f.fact_type,
    f.value_text,
    f.normalized_value,
    f.lower_value,
    f.upper_value,
    f.unit,
    f.measure,
    f.measure_evidence,
    f.measure_class,
    f.is_background,
    f.background_year,
    f.sentence_index,
    f.start_char,
    f.end_char,
    f.run_id,
    coalesce(
        substring(
            case when f.part = 'title' then d.title else d.body end, f.start_char + 1, f.end_char - f.start_char
        ) = f.value_text,
        false
    ) as offsets_match_text,
    f.lower_value is null or f.upper_value is null or f.lower_value <= f.upper_value as bounds_in_order,
    f.measure is null or f.measure_evidence is not null as measure_explained,
    f.measure_class is null or (f.fact_type in ('cardinal', 'duration') and f.measure is not null)
        as class_only_on_counts_and_durations,
    f.background_year is null or (f.is_background and f.background_year between 1000 and 2200) as background_year_valid,
    f.fact_type <> 'money' or coalesce(regexp_full_match(f.unit, '[A-Z]{3}'), false) as money_has_currency,
    f.fact_type = 'date' or f.measure is not null as has_measure
from intermediate.int_facts as f
left join staging.stg_documents as d on d.doc_id = f.doc_id
where $run_id is null or f.run_id = $run_id
