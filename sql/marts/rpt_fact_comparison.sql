-- marts.rpt_fact_comparison: which source gives which figure in a story, and where figures cannot all be true.
-- grain: story x fact x source (one row per figure in a canonical document); key: (doc_id, part, start_char, end_char)
-- Figures compare on (story, measure, unit): the measure is what the figure counts in the event
-- (deaths, injured, age:<surname>, trade:target), one key across outlets' wordings. Background
-- figures (another time or event, generic statements) and figures without a measure are shown but
-- never compared; calendar dates have no measure.
-- A count with no predicate of its own ("26 crew on board": measure = measure_class), or a length tied
-- to no event (measure 'duration:<value>', class duration), is filed under the
-- predicate measure of its class (people: arrested, deaths ...; vessel: vessel:seized ...; duration:
-- the event a length is of, "two hours of negotiations") that most
-- sources of the story give, when its value agrees with every figure of that measure and no other
-- agreeing measure of the class has as many sources (it can group, never make a conflict); both
-- the count and some figure of the measure must be bounded on both sides ("at least a dozen" agrees
-- with anything above).
-- A count of a thing with no predicate ("the cache held seven AK-47 rifles": ak47) whose class has one
-- measure in the story (ak47:seized) is filed there when some figure of it agrees, and compared; a
-- count by a verb outside the table ("three cables went down": cable:go) joins the one measure of
-- its noun's class in the story (cable:damaged) when it agrees with every figure of it.
-- Counts of other people than ones the text names ("Jeffs and 11 other men were charged": measure
-- charged:other) and vague plurals ("hundreds of victims") are shown but never make a conflict; so
-- are counts keyed by their noun alone or by a verb outside the table that no measure takes in
-- ("nine touchdowns", "pirates hold 17 ships"), and keys under which one source itself gives two
-- values that cannot both be true (several quantities), counts of people and unnamed ages excepted.
-- A length tied to no event that no event of its story takes in ("a three-year plan" read without its
-- plan) is shown without a measure: lengths of one value are seldom one figure.
-- A figure stands for the interval [lower_value, upper_value] ("at least 5" -> [5, open)), widened
-- by value_precision (half a unit of the last digit written: 6 and 6.2 miles are one figure rounded).
-- is_conflict: another source gives the same measure and unit an interval that does not overlap this
-- one, so the two cannot both be true. When both documents have a publication time and the measure
-- is a running toll (deaths, injured, missing, evacuated, displaced, arrested, rescued, affected),
-- a later higher figure is an update of the earlier one (is_update), not a conflict; so is a named
-- person's age given higher, by at most one year more than the years between the two documents.
-- Without both dates, so is a named person's age given higher (by at most three years) in a document
-- written at a trial (headline and lead speak of the trial, jury, verdict or sentence) than in one
-- written before it.
-- A figure its document marks background only because its clause names an earlier year is the
-- story's own when that year is the story's (the year most of its documents are of): a trial
-- article's "the deaths of two co-workers in September 2010" is the 2010 shooting's toll.
-- Computed by marts.rpt_fact_comparison_for (sql/marts/rpt_fact_comparison_for.sql), which also reads only some stories.
create or replace view marts.rpt_fact_comparison as
select * from marts.rpt_fact_comparison_for(null);

comment on view marts.rpt_fact_comparison is 'Figures (money, percentages, quantities, counts, ages, durations, dates) each source of a story gives, side by side, with what each measures and a flag where sources give values for one measure that cannot all be true. Canonical documents only.';
comment on column marts.rpt_fact_comparison.story_id is 'Story (marts.dim_stories).';
comment on column marts.rpt_fact_comparison.doc_id is 'Document giving the figure.';
comment on column marts.rpt_fact_comparison.source is 'Outlet giving the figure.';
comment on column marts.rpt_fact_comparison.fact_type is 'money, percent, quantity, cardinal, age, duration or date.';
comment on column marts.rpt_fact_comparison.value_text is 'Figure as written, with its qualifier ("at least 5").';
comment on column marts.rpt_fact_comparison.normalized_value is 'Numeric value ($2 billion -> 2000000000); null for calendar dates.';
comment on column marts.rpt_fact_comparison.lower_value is 'Lowest value the figure allows ("at least 5" -> 5, "5-7" -> 5); null = open.';
comment on column marts.rpt_fact_comparison.upper_value is 'Highest value the figure allows ("up to 55" -> 55, "5-7" -> 7); null = open.';
comment on column marts.rpt_fact_comparison.value_precision is 'Half a unit of the last digit written; values closer than this are one figure rounded.';
comment on column marts.rpt_fact_comparison.unit is 'Unit (ISO currency code, percent, percentage_point, year, day, ...) or the ISO date of a calendar date.';
comment on column marts.rpt_fact_comparison.measure is 'What the figure counts in the event, one key across outlets (deaths, injured, age:<surname>, trade:target); figures compare only on the same measure and unit.';
comment on column marts.rpt_fact_comparison.measure_evidence is 'The words that decided the measure, and for background figures the words that showed it.';
comment on column marts.rpt_fact_comparison.is_background is 'True when the figure is about another time or event or is generic: shown, never compared.';
comment on column marts.rpt_fact_comparison.sentence is 'Sentence containing the figure (the evidence).';
comment on column marts.rpt_fact_comparison.part is 'Where the figure is: title or body; start_char/end_char index that text.';
comment on column marts.rpt_fact_comparison.sentence_index is 'Zero-based sentence position in the body; -1 in the title.';
comment on column marts.rpt_fact_comparison.start_char is 'Start offset into the document title or body, as part says.';
comment on column marts.rpt_fact_comparison.end_char is 'End offset (exclusive) into the document title or body, as part says.';
comment on column marts.rpt_fact_comparison.published_at is 'Publication time of the document, when known (orders updates of a running toll or of an age).';
comment on column marts.rpt_fact_comparison.sources_reporting_measure is 'Sources of the story giving a compared figure for the same measure and unit (null when the figure is not compared: no measure, background or a date).';
comment on column marts.rpt_fact_comparison.sources_agreeing is 'Of those, sources with a figure this one can agree with (intervals overlap, rounding included), this source counted.';
comment on column marts.rpt_fact_comparison.is_update is 'True when another source gives a value this one cannot share but the later of the two documents gives the higher running toll, or a named person''s age higher by at most one year more than the years between them, or (undated) higher by at most three years in a document written at the trial than in one written before it (an update, not a disagreement).';
comment on column marts.rpt_fact_comparison.is_conflict is 'True when another source gives the same measure and unit a value that cannot also be true (intervals do not overlap, rounding included) and publication order does not explain it.';
