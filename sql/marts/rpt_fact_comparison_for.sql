-- marts.rpt_fact_comparison_for(story_ids): the rows of view marts.rpt_fact_comparison of the stories in `story_ids`.
-- grain: story x fact x source (one row per figure in a canonical document); key: (doc_id, part, start_char, end_char)
-- `story_ids` is a list of story ids (null: every story). The stories are chosen on the documents read
-- first, so a few stories cost what their documents cost, not the whole archive (the view filtered
-- afterwards computes every story). The view is this macro over every story.
-- Figures compare on (story, measure, unit): the measure is what the figure counts in the event
-- (deaths, injured, age:<surname>, trade:target), one key across outlets' wordings. Background
-- figures (another time or event, generic statements) and figures without a measure are shown but
-- never compared; calendar dates have no measure.
-- A count with no predicate of its own ("26 crew on board": measure = measure_class), or a length tied
-- to no event (measure 'duration:<value>', class duration), is filed under the
-- predicate measure of its class (people: arrested, deaths ...; vessel: vessel:seized ...; duration:
-- the event a length is of, "two hours of negotiations"; a bare group, "11 Yemenis": the people
-- measure listing that group, arrested:yemeni) that most
-- sources of the story give, when its value agrees with every figure of that measure and no other
-- agreeing measure of the class has as many sources (it can group, never make a conflict); both
-- the count and some figure of the measure must be bounded on both sides ("at least a dozen" agrees
-- with anything above).
-- A count of a thing with no predicate ("the cache held seven AK-47 rifles": ak47) whose class has one
-- measure in the story (ak47:seized) is filed there when some figure of it agrees, and compared; a
-- count by a verb outside the table ("three cables went down": cable:go) joins the one measure of
-- its noun's class in the story (cable:damaged) when it agrees with every figure of it. A count of a
-- noun no measure of the table counts goes under the key of that noun most sources of the story
-- give when it agrees with every figure of it ("288 candidates are vying" under candidate:run, given
-- as "running" by most): grouped, never compared. A figure that does not say whose ("the 15-year
-- employee": tenure) goes under the one key of its measure in the story that says whose
-- (tenure:hiller, measure_evidence "; of hiller") and agrees with every figure of it.
-- A figure marked background only because its cue names the story's year (int_facts.background_year:
-- "in September 2010", "two years ago" in a 2012 article) is the event's; a story's year is the one
-- more than half of its documents with a year are of (published, else the year their text writes most).
-- An unnamed age ("a 12-year-old girl") is the age of the one named person of the story it allows,
-- else keyed by its value (age:unnamed:12); a value one source alone gives a noun, one year off the
-- value at least three sources give it, is keyed by that value and so compared with it.
-- A count keyed by its noun alone ("nine touchdowns", "26 crew") or by a verb outside the table
-- ("pirates hold 17 ships") that no measure of the table takes in (but the things that acted: "two
-- boats closed in", vessel:acting, are compared), and every figure of a key under
-- which one source itself gives two values that cannot both be true (several quantities: "two
-- touchdowns ... four touchdowns", a 15-inch and a 17-inch model, "Orozco, 27" at his arrest and
-- "29" at his trial; counts of people, a toll and its update, and unnamed ages keyed by value
-- excepted), are shown side by side but never make a conflict.
-- Counts of other people than ones the text names ("Jeffs and 11 other men were charged": measure
-- charged:other) and vague plurals or quantities ("hundreds of victims", "a few minutes") are shown
-- but never make a conflict.
-- A length tied to no event that no event of its story takes in ("a three-year plan" read without its
-- plan) is shown without a measure: lengths of one value are seldom one figure.
-- A count of people with no predicate that no measure takes in ("10,000 members") is shown beside
-- the story's other such counts but never makes a conflict: two of them may count different people.
-- A figure stands for the interval [lower_value, upper_value] ("at least 5" -> [5, open)), widened
-- by value_precision (half a unit of the last digit written: 6 and 6.2 miles are one figure rounded).
-- is_conflict: another source gives the same measure and unit an interval that does not overlap this
-- one, so the two cannot both be true. When both documents have a publication time and the measure
-- is a running toll (deaths, injured, missing, evacuated, displaced, arrested, rescued, affected),
-- a later higher figure is an update of the earlier one (is_update), not a conflict; so is a named
-- person's age given higher, by at most one year more than the years between the two documents.
-- Without both dates, a named person's age given higher (by at most three years) in a document
-- written at a trial (its headline and lead speak of the trial, jury, verdict or sentence) than in
-- one written before it is an update too.
create or replace macro marts.rpt_fact_comparison_for(story_ids) as table
with

documents as (
    select
        doc_id,
        story_id,
        source,
        published_at,
        -- how far a case had gone when the document was written, read from its headline and lead:
        -- 2 at trial or later (trial, verdict, sentence), else 1 (before a trial). Without publication
        -- dates this orders a named person's ages ("Orozco, 27" on his arrest, "29" at his trial)
        regexp_matches(
            regexp_replace(lower(coalesce(title, '') || ' ' || left(coalesce(body, ''), 400)), 'not guilty', '', 'g'),
            '\b(?:trial|testif(?:y|ied|ies)|jury|jurors|convicted|guilty|verdict|sentenc(?:e|ed|es|ing))\b'
        ) as is_at_trial
    from marts.dim_documents
    where is_canonical and (story_ids is null or story_id in (select unnest(story_ids)))
),

facts as (
    select
        doc_id,
        fact_type,
        value_text,
        normalized_value,
        lower_value,
        upper_value,
        value_precision,
        unit,
        measure,
        part,
        measure_evidence,
        measure_class,
        coalesce(is_background, false) as is_background,
        background_year,
        sentence_index,
        start_char,
        end_char
    from intermediate.int_facts
),

story_years as (
    -- per story, the year its documents are of (published, else the year their text writes most):
    -- a figure marked background only because its clause names that year ("charged with the
    -- deaths of two co-workers in September 2010", "a rampage exactly two years ago that left two
    -- women dead", in articles from the 2012 trial: int_facts.background_year) is the event's
    -- when more than half of the documents with a year are of it (undated articles that name only
    -- earlier years - a sect's past raids, a case's old trials - leave the story without one)
    select
        story_id,
        max_by(year_of, documents * 10000 + year_of) as event_year  -- ties: the later year
    from (
        select
            d.story_id,
            coalesce(year(d.published_at), s.text_year) as year_of,
            count(*) as documents
        from documents as d
        left join intermediate.int_document_stories as s on s.doc_id = d.doc_id
        where coalesce(year(d.published_at), s.text_year) is not null
        group by all
    )
    group by story_id
    having 2 * max(documents) > sum(documents)
),

located as (
    select
        d.story_id,
        d.source,
        d.published_at,
        d.is_at_trial,
        f.* exclude (background_year) replace (
            f.is_background and coalesce(f.background_year <> y.event_year, true) as is_background
        ),
        -- an age the document gives no name for ("a 61-year-old man": measure_evidence 'age of the man')
        f.fact_type = 'age' and (f.measure_evidence like 'age of the %' or f.measure_evidence like 'age of an unnamed%')
            as is_unnamed_age
    from facts as f
    inner join documents as d on d.doc_id = f.doc_id
    left join story_years as y on y.story_id = d.story_id
),

named_ages as (
    -- per story, the named people's ages
    select distinct
        story_id,
        normalized_value,
        measure
    from located
    where fact_type = 'age' and not is_unnamed_age and measure is not null
),

unnamed_matches as (
    -- an unnamed age and the named people of its story whose age it allows ("a 61-year-old man" ->
    -- 61; "in her 60s" -> 60 to 69)
    select
        l.doc_id,
        l.part,
        l.start_char,
        l.end_char,
        min(n.measure) as named_measure,
        count(distinct n.measure) as named_people
    from located as l
    inner join named_ages as n
        on n.story_id = l.story_id
        and n.normalized_value between coalesce(l.lower_value, l.normalized_value)
        and coalesce(l.upper_value, l.normalized_value)
    where l.is_unnamed_age
    group by l.doc_id, l.part, l.start_char, l.end_char
),

matched as (
    -- each figure with the named people its unnamed age allows; is_value_keyed: an exact unnamed age
    -- no named person of the story has (keyed by its value in resolved)
    select
        l.*,
        n.named_measure,
        n.named_people,
        l.is_unnamed_age and n.doc_id is null and l.lower_value = l.upper_value as is_value_keyed
    from located as l
    left join unnamed_matches as n
        on n.doc_id = l.doc_id and n.part = l.part and n.start_char = l.start_char and n.end_char = l.end_char
),

unnamed_values as (
    -- per story, the exact unnamed ages no named person has, by the noun they describe (age:girl):
    -- how many sources give each value
    select
        story_id,
        measure as noun_measure,
        normalized_value,
        count(distinct source) as sources
    from matched
    where is_value_keyed and measure <> 'age:person'
    group by story_id, measure, normalized_value
),

unnamed_slips as (
    -- a value one source alone gives a noun, one year off the one value at least three sources give
    -- it ("an 11-year-old girl" where the others write "a 12-year-old girl"): the same person,
    -- reported differently
    select
        a.story_id,
        a.noun_measure,
        a.normalized_value,
        min(b.normalized_value) as usual_value,
        min(b.sources) as usual_sources
    from unnamed_values as a
    inner join unnamed_values as b
        on b.story_id = a.story_id and b.noun_measure = a.noun_measure
        and abs(b.normalized_value - a.normalized_value) = 1
    where a.sources = 1 and b.sources >= 3
    group by a.story_id, a.noun_measure, a.normalized_value
    having count(*) = 1
),

resolved as (
    -- an unnamed age allowing the age of exactly one named person of the story is that person's;
    -- an exact unnamed age no named person has is keyed by its value, so that outlets' "61-year-old
    -- man" and "61-year-old employee" meet (agreeing values only), except a value one source alone
    -- gives, one year off the value at least three sources give the same noun (unnamed_slips): it
    -- is keyed by that value, and shows as a conflict
    select
        m.* exclude (named_measure, named_people, is_value_keyed) replace (
            case
                when m.named_people = 1 then m.named_measure
                when m.is_value_keyed
                    then 'age:unnamed:' || cast(coalesce(u.usual_value, m.normalized_value) as bigint)
                else m.measure
            end as measure,
            case
                when m.named_people = 1
                    then m.measure_evidence || '; the only person of the story named with this age: ' || m.named_measure
                when m.is_value_keyed and u.usual_value is not null
                    then m.measure_evidence || '; nobody in the story is named with this age; '
                    || cast(u.usual_sources as varchar) || ' sources give the '
                    || replace(m.measure, 'age:', '') || ' the age ' || cast(cast(u.usual_value as bigint) as varchar)
                when m.is_value_keyed
                    then m.measure_evidence || '; nobody in the story is named with this age'
                else m.measure_evidence
            end as measure_evidence
        )
    from matched as m
    left join unnamed_slips as u
        on m.is_value_keyed
        and u.story_id = m.story_id and u.noun_measure = m.measure and u.normalized_value = m.normalized_value
),

bounded as (
    select
        f.*,
        coalesce(f.unit, '') as compare_unit,
        -- the interval the figure allows, rounding included (open ends as infinities)
        coalesce(f.lower_value, case when f.upper_value is null then f.normalized_value end, '-infinity'::double)
        - 0.999 * coalesce(f.value_precision, 0) as lo,
        coalesce(f.upper_value, case when f.lower_value is null then f.normalized_value end, 'infinity'::double)
        + 0.999 * coalesce(f.value_precision, 0) as hi,
        f.measure is not null and not f.is_background and f.fact_type <> 'date'
        and (f.normalized_value is not null or f.lower_value is not null or f.upper_value is not null)
            as is_compared,
        -- a count with no predicate of its own ("26 crew on board"): its measure is its class (of
        -- other people too: "a dozen other people were in the office", people:other); a length tied
        -- to no event is keyed by its value ("duration:2")
        f.measure_class is not null
        and (
            f.measure = f.measure_class
            or (f.measure_class = 'people' and f.measure = 'people:other')
            or (f.measure_class = 'duration' and f.measure like 'duration:%')
        )
            as is_general,
        -- the class a count may be filed under (general_candidates): a general count's own; a count
        -- by a verb outside the table ("three cables went down": cable:go, no class) its noun's
        case
            when is_general then f.measure_class
            when f.measure_class is null and f.fact_type = 'cardinal' and f.measure like '%:%'
                then split_part(f.measure, ':', 1)
        end as file_class,
        -- a count keyed by its noun (alone or with a verb) that may go under another key of the same
        -- noun (noun_choices): not people or lengths, not the things that acted, not a set besides another
        file_class is not null
        and coalesce(f.measure_class, file_class) not in ('people', 'duration')
        and not suffix(f.measure, ':acting') and not suffix(f.measure, ':other')
            as is_noun_keyed
    from resolved as f
),

specific_measures as (
    -- per story, the predicate measures of each class (arrested and rescued are people), with the
    -- range every figure of the measure allows and how many sources give it
    select
        story_id,
        measure_class,
        measure,
        compare_unit,
        max(lo) as max_lo,
        min(hi) as min_hi,
        count(distinct source) as sources,
        count(*) over (partition by story_id, measure_class, compare_unit) as class_measures
    from bounded
    where is_compared and not is_general and measure_class is not null and not suffix(measure, ':other')
    group by story_id, measure_class, measure, compare_unit
),

general_candidates as (
    -- a general count and each specific measure of its class in the story it may be filed under:
    -- - a measure agreeing with every figure of it, which some figure pins down on both sides ("at
    --   least one injured" agrees with any count): this groups figures, it never makes a conflict;
    --   the class is the count's own, a group a people measure lists ("11 Yemenis" ->
    --   arrested:yemeni, from "12 Somali and 11 Yemeni pirates were arrested"), or for a count by a
    --   verb outside the table ("three cables went down": cable:go) the one measure of its noun's
    --   class in the story (cable:damaged);
    -- - for a count of a thing with no predicate ("the cache held seven AK-47 rifles": ak47) or by a
    --   verb outside the table ("three cables were cut": cable:cut; not a set besides another, "three
    --   other rifles were found"), the one measure of its class in the story (ak47:seized,
    --   cable:damaged) that some figure of it agrees with: the same things, so it is compared there
    --   and may disagree with another outlet's figure (people and lengths have several measures to
    --   choose from and take the first rule only).
    -- Only a count pinned down itself is filed ("at least a dozen people were there" could be any count).
    select
        doc_id,
        part,
        start_char,
        end_char,
        measure,
        sources,
        max(sources) over (partition by doc_id, part, start_char, end_char) as best_sources
    from (
        select
            g.doc_id,
            g.part,
            g.start_char,
            g.end_char,
            s.measure,
            s.sources
        from bounded as g
        inner join specific_measures as s
            on s.story_id = g.story_id and s.compare_unit = g.compare_unit
            and (
                s.measure_class = g.file_class
                or (g.is_general and s.measure_class = 'people' and suffix(s.measure, ':' || g.measure))
            )
        where g.is_compared and g.hi < 'infinity'::double and g.lo > '-infinity'::double
            and (g.is_general or s.class_measures = 1)
            -- (a length tied to no event is not how long before or after an act something happened)
            and s.measure not like 'interval:%'
            and (
                (
                    g.lo <= s.min_hi and g.hi >= s.max_lo
                    and s.min_hi < 'infinity'::double and s.max_lo > '-infinity'::double
                )
                or (
                    (g.is_general or (g.measure_class is null and not suffix(g.measure, ':other')))
                    and s.class_measures = 1
                    and coalesce(g.measure_class, g.file_class) not in ('people', 'duration')
                    and exists (
                        select 1
                        from bounded as b
                        where b.story_id = g.story_id and b.measure = s.measure and b.compare_unit = g.compare_unit
                            and b.is_compared and not b.is_general and g.lo <= b.hi and g.hi >= b.lo
                    )
                )
            )
    )
),

general_choices as (
    -- the agreeing measure most sources give, when no other agreeing measure has as many
    select
        doc_id,
        part,
        start_char,
        end_char,
        min(measure) as measure
    from general_candidates
    where sources = best_sources
    group by doc_id, part, start_char, end_char
    having count(*) = 1
),

noun_keys as (
    -- per story, the keys of a noun no measure of the table counts ("288 candidates are running":
    -- candidate:run; "125 seats", seat), each with the range every figure of it allows and its sources
    select
        story_id,
        file_class,
        measure,
        compare_unit,
        max(lo) as max_lo,
        min(hi) as min_hi,
        count(distinct source) as sources
    from bounded as b
    where is_compared and is_noun_keyed
        and not exists (
            select 1
            from specific_measures as s
            where s.story_id = b.story_id and s.measure_class = b.file_class
        )
    group by story_id, file_class, measure, compare_unit
),

noun_choices as (
    -- a count of such a noun goes under the key of that noun that most sources of the story give
    -- (two at least), when its value agrees with every figure of that key and no other agreeing key
    -- has as many sources: outlets tell one count in different verbs ("288 candidates are running /
    -- vying for / picking between"); it groups figures, it never makes a conflict (these keys are
    -- shown, never compared: is_loose)
    select
        doc_id,
        part,
        start_char,
        end_char,
        min(measure) as measure
    from (
        select
            g.doc_id,
            g.part,
            g.start_char,
            g.end_char,
            k.measure,
            k.sources,
            max(k.sources) over (partition by g.doc_id, g.part, g.start_char, g.end_char) as best_sources
        from bounded as g
        inner join noun_keys as k
            on k.story_id = g.story_id and k.file_class = g.file_class and k.compare_unit = g.compare_unit
        where g.is_compared and g.hi < 'infinity'::double and g.lo > '-infinity'::double
            and k.min_hi < 'infinity'::double and k.max_lo > '-infinity'::double
            and g.lo <= k.min_hi and g.hi >= k.max_lo and g.is_noun_keyed
    )
    where sources = best_sources and sources >= 2
    group by doc_id, part, start_char, end_char
    having count(*) = 1
),

owned_keys as (
    -- per story, the keys that name whose figure it is ("Hiller, a 15-year employee": tenure:hiller;
    -- measure_evidence ends "; of hiller"), with the range every figure of the key allows
    select
        story_id,
        measure,
        compare_unit,
        left(measure, length(measure) - length(split_part(measure, ':', -1)) - 1) as base,
        max(lo) as max_lo,
        min(hi) as min_hi
    from bounded
    where is_compared and measure like '%:%' and measure not like 'age:%'
        and measure_evidence like '%; of ' || split_part(measure, ':', -1) || '%'
    group by story_id, measure, compare_unit
),

owner_choices as (
    -- a figure whose text does not say whose ("the 15-year employee", "she had worked there for 15
    -- years": tenure) goes under the one key of that measure in its story that says whose
    -- (tenure:hiller) and agrees with its value (with every figure of the key)
    select
        g.doc_id,
        g.part,
        g.start_char,
        g.end_char,
        min(k.measure) as measure
    from bounded as g
    inner join owned_keys as k
        on k.story_id = g.story_id and k.base = g.measure and k.compare_unit = g.compare_unit
    where g.is_compared and g.hi < 'infinity'::double and g.lo > '-infinity'::double
        and k.min_hi < 'infinity'::double and k.max_lo > '-infinity'::double
        and g.lo <= k.min_hi and g.hi >= k.max_lo
    group by g.doc_id, g.part, g.start_char, g.end_char
    having count(*) = 1
),

keyed as (
    select
        f.* replace (
            case
                -- a length tied to no event that no event of its story takes in: no measure
                when c.measure is null and f.measure_class = 'duration' and f.measure like 'duration:%'
                    then null
                -- a general count of other people no measure took in is shown with the story's
                -- other general counts of people ("at least a dozen other people were there")
                when c.measure is null and f.is_general and f.measure = 'people:other' then 'people'
                else coalesce(c.measure, n.measure, o.measure, f.measure)
            end as measure,
            case
                when c.measure is not null
                    then coalesce(f.measure_evidence || '; ', '') || 'filed under ' || c.measure
                    || ', the measure of this class most sources of the story give, agreeing with its value'
                when n.measure is not null and n.measure <> f.measure
                    then coalesce(f.measure_evidence || '; ', '') || 'filed under ' || n.measure
                    || ', the key of this noun most sources of the story give, agreeing with its value'
                when o.measure is not null
                    then coalesce(f.measure_evidence || '; ', '') || 'filed under ' || o.measure
                    || ', the story''s one key of this measure that says whose, agreeing with its value'
                else f.measure_evidence
            end as measure_evidence
        ),
        -- a count with no predicate that no measure of the story took in ("10,000 members", "26 crew
        -- on board", "nine touchdowns in 10 games"): keyed by its noun alone, it may count other
        -- people or things than another outlet's; shown next to the story's other such counts, never
        -- a conflict
        (f.is_general and c.measure is null and f.measure_class <> 'duration')
        -- likewise a count by a verb outside the table that no measure took in ("pirates still hold
        -- 17 ships": vessel:hold); not the things that acted in the event ("two boats closed in",
        -- "pirates in three boats attempted ...": vessel:acting), which outlets tell in different verbs
        or (f.file_class is not null and not f.is_general and c.measure is null and not suffix(f.measure, ':acting'))
        -- a count of other people than ones the text names ("Jeffs and 11 other men were charged",
        -- "12 other defendants": measure charged:other): outlets draw that line differently, with
        -- or without the named, so it is shown, never a conflict ("two other rifles" can be one)
        or (suffix(f.measure, ':other') and f.measure_class = 'people')
        -- a vague plural ("hundreds of victims", "dozens", "tens of thousands"): an order of size,
        -- often of a wider scope than the event's count (a career's victims), shown, never a conflict;
        -- likewise "a few", "several", "a handful" ("a few minutes after" against "ten minutes after")
        or regexp_matches(
            lower(f.value_text),
            '^(?:tens of |hundreds of )?(?:dozens|hundreds|thousands|millions|scores)\b'
            || '|^(?:just |only |about )?(?:a few|several|a handful)\b'
        )
            as is_loose
    from bounded as f
    left join general_choices as c
        on c.doc_id = f.doc_id and c.part = f.part and c.start_char = f.start_char and c.end_char = f.end_char
    left join noun_choices as n
        on n.doc_id = f.doc_id and n.part = f.part and n.start_char = f.start_char and n.end_char = f.end_char
    left join owner_choices as o
        on o.doc_id = f.doc_id and o.part = f.part and o.start_char = f.start_char and o.end_char = f.end_char
),

several_quantities as (
    -- keys under which one source itself gives two values that cannot both be true: the key holds
    -- several quantities ("two touchdowns ... four touchdowns", "a 15-inch and a 17-inch model"), so
    -- its figures are shown side by side, never a conflict. Counts of people (a toll and its update
    -- within one article) and unnamed ages keyed by value (one source's slip, unnamed_slips) keep comparing.
    select distinct
        a.story_id,
        a.measure,
        a.compare_unit
    from keyed as a
    inner join keyed as b
        on a.story_id = b.story_id and a.measure = b.measure and a.compare_unit = b.compare_unit
        and a.source = b.source and (a.hi < b.lo or b.hi < a.lo)
    where a.is_compared and b.is_compared and not a.is_loose and not b.is_loose
        and coalesce(a.measure_class, '') <> 'people' and a.measure not like 'age:unnamed:%'
),

pairs as (
    select
        a.doc_id,
        a.part,
        a.start_char,
        a.end_char,
        b.source as other_source,
        -- (half a unit exclusive: 60 and 61 touch at 60.5, which neither allows)
        a.hi >= b.lo and b.hi >= a.lo as is_overlapping,
        -- the later document of the pair gives a higher running toll: an update, not a disagreement;
        -- likewise a named person's age higher by no more than the years between the two documents
        -- and one ("Orozco, 27" at his arrest, "29" at his trial two years later)
        (
            a.published_at is not null and b.published_at is not null and a.published_at <> b.published_at
            and ((a.published_at > b.published_at and a.lo > b.hi) or (a.published_at < b.published_at and b.lo > a.hi))
            and (
                a.measure in ('deaths', 'injured', 'missing', 'evacuated', 'displaced', 'arrested', 'rescued', 'affected')
                or (
                    a.measure like 'age:%' and a.measure not like 'age:unnamed:%'
                    and abs(a.normalized_value - b.normalized_value)
                    <= abs(date_diff('day', a.published_at, b.published_at)) / 365.25 + 1
                )
            )
        )
        -- without both dates, a named person's age given higher (by at most three years) in a
        -- document written at the trial than in one written before it: his age then, not a rival
        or (
            (a.published_at is null or b.published_at is null)
            and a.measure like 'age:%' and a.measure not like 'age:unnamed:%'
            and a.is_at_trial <> b.is_at_trial
            and ((a.is_at_trial and a.lo > b.hi) or (b.is_at_trial and b.lo > a.hi))
            and abs(a.normalized_value - b.normalized_value) <= 3
        )
            as explained_by_time,
        a.is_loose or b.is_loose as is_loose,
        m.story_id is not null as is_several
    from keyed as a
    inner join keyed as b
        on a.story_id = b.story_id and a.measure = b.measure and a.compare_unit = b.compare_unit
        and a.source <> b.source and b.is_compared
    left join several_quantities as m
        on m.story_id = a.story_id and m.measure = a.measure and m.compare_unit = a.compare_unit
    where a.is_compared
),

per_fact as (
    select
        doc_id,
        part,
        start_char,
        end_char,
        count(distinct other_source) + 1 as sources_reporting_measure,
        count(distinct other_source) filter (where is_overlapping) + 1 as sources_agreeing,
        bool_or(not is_overlapping and not explained_by_time and not is_loose and not is_several) as is_conflict,
        bool_or(not is_overlapping and explained_by_time) as is_update
    from pairs
    group by doc_id, part, start_char, end_char
),

final as (
    select
        k.story_id,
        k.doc_id,
        k.source,
        k.fact_type,
        k.value_text,
        k.normalized_value,
        k.lower_value,
        k.upper_value,
        k.value_precision,
        k.unit,
        k.measure,
        k.measure_evidence,
        k.is_background,
        s.sentence,
        k.part,
        k.sentence_index,
        k.start_char,
        k.end_char,
        k.published_at,
        case when k.is_compared then coalesce(p.sources_reporting_measure, 1) end as sources_reporting_measure,
        case when k.is_compared then coalesce(p.sources_agreeing, 1) end as sources_agreeing,
        coalesce(p.is_update, false) as is_update,
        coalesce(p.is_conflict, false) as is_conflict
    from keyed as k
    left join staging.stg_part_sentences as s
        on s.doc_id = k.doc_id and s.part = k.part and s.sentence_index = k.sentence_index
    left join per_fact as p
        on p.doc_id = k.doc_id and p.part = k.part and p.start_char = k.start_char and p.end_char = k.end_char
)

select * from final;
