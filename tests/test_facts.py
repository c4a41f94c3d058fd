"""Figures: number parsing, normalization per label, measure from the parse, list markers."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.tokens import Span

from parallax.entities import lexicon_for
from parallax.facts import extract_facts, is_clock_hours, is_list_marker, normalize, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2),
        ("1,200", 1200),
        ("2.5 million", 2.5e6),
        ("$10bn", 1e10),
        ("three", 3),
        ("twenty-five", 25),
        ("a dozen", 12),
        ("two hundred thousand", 200_000),
        ("thousands", 1000),  # vague plural: lower bound
        ("tens of thousands", 10_000),
        ("hundreds of millions", 1e8),
        ("nothing numeric", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "label", "value", "unit"),
    [
        ("$2 billion", "MONEY", 2e9, "USD"),
        ("$10 billion", "MONEY", 1e10, "USD"),
        ("£3m", "MONEY", 3e6, "GBP"),
        ("€1.5 billion", "MONEY", 1.5e9, "EUR"),
        ("5 million rupees", "MONEY", 5e6, "rupee"),
        ("20 Canadian dollars", "MONEY", 20, "CAD"),
        ("50 cents", "MONEY", 0.5, "USD"),
        ("10%", "PERCENT", 10, "percent"),
        ("3.5 per cent", "PERCENT", 3.5, "percent"),
        ("ten percent", "PERCENT", 10, "percent"),
        ("300 tonnes", "QUANTITY", 300, "tonne"),
        ("5 km", "QUANTITY", 5, "km"),
        ("thousands", "CARDINAL", 1000, None),
        ("three-day", "DATE", 3, "day"),
        ("two weeks", "DATE", 2, "week"),
        ("18 months", "DATE", 18, "month"),
        ("April 22, 2024", "DATE", None, "2024-04-22"),
        ("22 April 2024", "DATE", None, "2024-04-22"),
        ("March 2023", "DATE", None, "2023-03"),
        ("2024", "DATE", None, "2024"),
        ("annually", "DATE", None, None),
        ("recent months", "DATE", None, None),
    ],
)
def test_normalize(text: str, label: str, value: float | None, unit: str | None) -> None:
    got_value, got_unit = normalize(text, label)
    assert got_unit == unit
    if value is None:
        assert got_value is None
    else:
        assert got_value == pytest.approx(value)


def test_relative_dates_need_a_publication_date() -> None:
    pub = dt.date(2024, 4, 24)  # a Wednesday
    assert normalize("yesterday", "DATE", pub) == (None, "2024-04-23")
    assert normalize("Monday", "DATE", pub) == (None, "2024-04-22")
    assert normalize("April 22", "DATE", pub) == (None, "2024-04-22")
    assert normalize("yesterday", "DATE") == (None, None)


def test_list_markers_are_not_figures() -> None:
    body = "Plans:\n  1. Arrival in the capital.\n  2) Talks on trade.\nThey expect 2 more rounds."
    s = body.index("1.")
    assert is_list_marker(body, s, s + 2)
    s2 = body.index("2)")
    assert is_list_marker(body, s2, s2 + 1)
    s3 = body.index("2 more")
    assert not is_list_marker(body, s3, s3 + 1)


def _facts(nlp, text: str):
    return extract_facts(nlp(text), text, None, lexicon_for(nlp))


def test_money_measure_is_the_verb_object(nlp) -> None:
    text = "Leaders discussed plans to increase bilateral trade from $2 billion to a targeted $10 billion."
    money = {f.text: f for f in _facts(nlp, text) if f.fact_type == "money"}
    assert money["$2 billion"].normalized_value == 2e9
    assert money["$10 billion"].normalized_value == 1e10
    assert {f.unit for f in money.values()} == {"USD"}
    # the level now and the level aimed at are two measures, never a conflict
    assert money["$2 billion"].measure == "trade"
    assert money["$10 billion"].measure == "trade:target"


def test_measure_of_counts_and_durations(nlp) -> None:
    facts = _facts(nlp, "Thousands of protesters marched in the capital during a three-day strike.")
    by_type = {f.fact_type: f for f in facts}
    assert by_type["cardinal"].normalized_value == 1000
    assert (by_type["cardinal"].lower_value, by_type["cardinal"].upper_value) == (1000, None)
    assert by_type["cardinal"].measure == "protesters"  # protesters, however they are counted
    assert by_type["duration"].normalized_value == 3 and by_type["duration"].unit == "day"
    assert by_type["duration"].measure == "strike"


def test_fact_offsets_index_the_body(nlp) -> None:
    text = "Exports fell 10% to $4.2 billion in 2023, officials said.\n\n  1. Next steps\n"
    facts = _facts(nlp, text)
    assert facts
    for f in facts:
        assert text[f.start : f.end] == f.text
    assert not any(f.text in ("1", "1.") for f in facts)
    pct = [f for f in facts if f.fact_type == "percent"]
    assert pct and pct[0].normalized_value == 10 and pct[0].measure == "export"


# --- one test per failure class of issue 13, on sentences of our own ---------------------------


def _by_text(nlp, text: str) -> dict[str, object]:
    return {f.text: f for f in _facts(nlp, text)}


@pytest.mark.parametrize(
    "text",
    [
        "The flood killed 14 villagers on Tuesday.",
        "At least 14 were dead after the flood.",
        "The flood's death toll rose to 14.",
        "Fourteen people died in the flood.",
        "The village mourns the loss of 14 children in the flood.",
    ],
)
def test_wordings_of_a_death_toll_share_one_measure(nlp, text: str) -> None:
    counts = [f for f in _facts(nlp, text) if f.fact_type == "cardinal"]
    assert [f.measure for f in counts] == ["deaths"], counts
    assert counts[0].measure_evidence  # the words that decided it are kept


def test_people_counted_for_different_things_get_different_measures(nlp) -> None:
    text = (
        "The blast killed 9 workers, 40 others were wounded, 3 remain missing "
        "and 800 residents were evacuated."
    )
    got = {f.text.split()[-1]: f.measure for f in _facts(nlp, text) if f.fact_type == "cardinal"}
    assert got == {"9": "deaths", "40": "injured", "3": "missing", "800": "evacuated"}


def test_a_loss_of_people_is_their_deaths_but_not_a_loss_to_something(nlp) -> None:
    assert _by_text(nlp, "The closure means the loss of 300 jobs.")["300"].measure != "deaths"
    assert _by_text(nlp, "The team suffered the loss of two players to injury.")["two"].measure != "deaths"


def test_things_keep_their_noun(nlp) -> None:
    text = "Customs officers seized four tractors and arrested 31 farmers."
    got = {f.text: f.measure for f in _facts(nlp, text)}
    assert got["four"] == "tractor:seized" and got["31"] == "arrested"


def test_ages_are_ages_of_a_named_person(nlp) -> None:
    text = (
        "Maria Lopez, 45, was charged. Her lawyer, aged 52, spoke. "
        "A 61-year-old neighbour, John Reed, saw it."
    )
    ages = {f.text: f for f in _facts(nlp, text) if f.fact_type == "age"}
    assert (
        ages["45"].normalized_value == 45 and ages["45"].unit == "year" and ages["45"].measure == "age:lopez"
    )
    assert ages["52"].measure == "age:lawyer"  # a role: not linked to the next name
    assert ages["61-year-old"].normalized_value == 61 and ages["61-year-old"].measure == "age:reed"


def test_background_figures_are_kept_and_marked(nlp) -> None:
    facts = _facts(
        nlp,
        "The storm killed 12 people on Monday, March 3, 2025. The previous storm killed 300 people. "
        "In 2004 a tsunami killed 5,000 people. A storm of that strength can destroy 200 houses.",
    )
    bg = {f.text: f.is_background for f in facts if f.fact_type == "cardinal"}
    assert bg == {"12": False, "300": True, "5,000": True, "200": True}
    assert all("background" in (f.measure_evidence or "") for f in facts if f.is_background)


def test_a_clause_hanging_from_another_time_is_background(nlp) -> None:
    """A participial or "after" clause with no time of its own happens when the clause it hangs from
    does; "weeks after X" tells an earlier event X."""
    text = (
        "Two guards were killed on Tuesday. In March, a gunman opened fire at a depot in Leeds, killing "
        "four and injuring several others. The attack came just weeks after a driver fatally shot six "
        "people in Hull. Rescuers arrived hours after the blast killed two guards."
    )
    bg = {(f.text, f.start): f.is_background for f in _facts(nlp, text) if f.fact_type == "cardinal"}
    assert [b for (t, _), b in sorted(bg.items(), key=lambda kv: kv[0][1])] == [False, True, True, False]
    assert _by_text(nlp, "The shelter opened last year after 300 families were evicted.")["300"].is_background
    # a baseline of comparison is not the time of the clause it is in
    worst = "It struck on May 12, 2009. The quake, which killed 40 people, was the strongest since 1990."
    assert not _by_text(nlp, worst)["40"].is_background
    assert not _by_text(nlp, "The quake, which killed 40 people, was stronger than the previous one.")[
        "40"
    ].is_background


def test_scores_and_records_are_not_figures_but_ranges_of_counts_are(nlp) -> None:
    text = "Smith was hurt in a 31-17 loss at Denver. The Hawks (9-3) tied it at 14-14 and went 5-1."
    assert [f.text for f in _facts(nlp, text) if f.fact_type == "cardinal"] == []
    assert _by_text(nlp, "Police said 20-30 protesters were detained.")["20-30"].lower_value == 20


def test_an_age_at_death_and_a_second_object_are_not_tolls(nlp) -> None:
    got = _by_text(nlp, "Mob boss Carlo Bruni, who died in prison on Monday at 81, ran the family.")
    assert (got["81"].fact_type, got["81"].measure) == ("age", "age:bruni")
    # "shooting three people, killing one": three were shot, one died
    got = _by_text(nlp, "A man suspected of shooting three people, killing one, at a bank was arrested.")
    assert got["three"].measure != "deaths" and got["one"].measure == "deaths"
    assert _by_text(nlp, "The gunman shot and killed two officers.")["two"].measure == "deaths"
    got = _by_text(nlp, "On Monday he shot three people, killing one, before he fled.")
    assert got["three"].measure != "deaths" and got["one"].measure == "deaths"
    assert _by_text(nlp, "The gunman shot two officers, killing them both.")["two"].measure == "deaths"
    # "a father of two sons died": the father died; "a family of five was killed": the five
    assert _by_text(nlp, "A guard, a father of two sons, died after the attack.")["two"].measure != "deaths"
    assert _by_text(nlp, "A family of five was killed in the fire.")["five"].measure == "deaths"
    # a killing only attempted is no toll
    tried = _by_text(nlp, "He killed a guard, besides attempting to murder at least three other people.")
    assert tried["at least three"].measure != "deaths"
    assert _by_text(nlp, "The gunman tried to kill four guards.")["four"].measure != "deaths"


def test_what_might_have_happened_is_background(nlp) -> None:
    # a counterfactual is no toll; what must have happened, or did, is
    fire = "The fire could have killed dozens of tenants, the chief said."
    assert _by_text(nlp, fire)["dozens"].is_background
    assert _by_text(nlp, '"There might have been four people hurt," a witness said.')["four"].is_background
    assert not _by_text(nlp, "The fire killed nine tenants, the chief said.")["nine"].is_background
    assert not _by_text(nlp, "The gunman must have fired 40 rounds.")["40"].is_background
    # what is usual is no figure of the event
    assert _by_text(nlp, "The typical lifespan of a smoke detector is about ten years.")[
        "about ten years"
    ].is_background
    assert _by_text(nlp, "Such blazes usually burn for three days.")["three days"].is_background
    assert not _by_text(nlp, "The blaze burned for three days.")["three days"].is_background
    assert not _by_text(nlp, "The average age of the victims was 34.")["34"].is_background
    # what happens whenever something does is no event; a headline's present tense still is, and
    # so is a condition on the real thing
    assert _by_text(nlp, "Whenever 20 patients are infected, the ward closes.")["20"].is_background
    assert not _by_text(nlp, "If it takes a $40,000 reward to solve the case, so be it.")[
        "$40,000"
    ].is_background
    assert not _by_text(nlp, "Three die when van hits wall")["Three"].is_background
    assert not _by_text(nlp, "Three died when the van hit a wall.")["Three"].is_background


def test_anaphoric_counts_times_and_fragments_are_not_figures(nlp) -> None:
    text = (
        "The two nations signed a pact at 10:30 a.m. on Christmas Day, and one of the ministers said "
        "no one was hurt. Call 555-201-3344 or go to 40 East 5th Ave."
    )
    assert [f.text for f in _facts(nlp, text) if f.fact_type != "date"] == []


def test_codes_are_written_in_digits(nlp) -> None:
    # "AK-47", "Route 9" are codes; a number word after a hyphen ("the cause-three cables", a dash
    # the writer left out) is a count
    codes = "Police found AK-47 rifles near Route 9."
    assert [f.text for f in _facts(nlp, codes) if f.fact_type == "cardinal"] == []
    text = "The cause-three undersea cables that were damaged on Friday."
    assert [f.normalized_value for f in _facts(nlp, text) if f.fact_type == "cardinal"] == [3.0]


def test_one_counts_in_a_list_of_counts(nlp) -> None:
    text = "The cache included seven rifles, one grenade launcher and three pistols. One day was lost."
    got = [(f.text, f.measure) for f in _facts(nlp, text) if f.fact_type == "cardinal"]
    assert got == [("seven", "rifle"), ("one", "launcher"), ("three", "pistol")]


def test_ages_with_a_hanging_hyphen_or_a_possessive(nlp) -> None:
    got = _by_text(nlp, "Nine-and 14-year-old boys were hurt.")
    assert (got["Nine"].fact_type, got["Nine"].normalized_value) == ("age", 9)
    assert got["14-year-old"].fact_type == "age"
    got = _by_text(nlp, "Prosecutors said he fathered the 15-year-old's child.")
    assert (got["15-year-old's"].fact_type, got["15-year-old's"].normalized_value) == ("age", 15)


def test_a_list_of_numbers_after_counted_people_gives_their_ages(nlp) -> None:
    got = _by_text(nlp, "He abused the two boys, 9 and 14, whom he had taken in, prosecutors said.")
    assert [(got[k].fact_type, got[k].measure) for k in ("9", "14")] == [("age", "age:person")] * 2
    assert "unnamed" in (got["14"].measure_evidence or "")  # keyed by value in the comparison view
    cargo = _by_text(nlp, "Police seized two trucks, 12 and 15 tonnes of cargo.")
    assert all(f.fact_type != "age" for f in cargo.values())
    assert all(f.fact_type != "age" for f in _by_text(nlp, "The two men, 34 and 41 km apart, met.").values())


def test_a_count_left_without_its_noun_counts_what_its_twin_counts(nlp) -> None:
    text = "Of the 30 passengers, 20 were from Spain and 10 from Italy."
    got = {f.text: f.measure for f in _facts(nlp, text) if f.fact_type == "cardinal"}
    assert got["20"] == "people" and got["10"] == "people"


def test_an_age_range_keeps_both_ends(nlp) -> None:
    got = _by_text(nlp, "Two guards, between 30 and 40 years old, were hurt.")
    age = got["between 30 and 40 years old"]
    assert (age.normalized_value, age.lower_value, age.upper_value) == (30, 30, 40)


def test_amounts_written_against_their_currency_are_money(nlp) -> None:
    got = _by_text(nlp, "The toll is Rs500 a day and a Dubai pensioner gets Dh4,275 a month.")
    assert (got["Rs500"].fact_type, got["Rs500"].normalized_value) == ("money", 500)
    assert (got["Dh4,275"].normalized_value, got["Dh4,275"].unit) == (4275, "AED")


def test_bounds_from_qualifiers_and_ranges(nlp) -> None:
    got = _by_text(nlp, "Between 5 and 7 people were hurt, up to 30 were evacuated and more than 200 fled.")
    assert (got["Between 5 and 7"].lower_value, got["Between 5 and 7"].upper_value) == (5, 7)
    assert (got["up to 30"].lower_value, got["up to 30"].upper_value) == (None, 30)
    assert (got["more than 200"].lower_value, got["more than 200"].upper_value) == (200, None)


def test_money_scales_currencies_and_points(nlp) -> None:
    text = (
        "The plant cost US$ 2 bn and the port $3-billion; tolls rose by 5 euro cents. In Karachi the fee is "
        "Rs 500. Turnout fell 4 percentage points to 52 percent."
    )
    got = _by_text(nlp, text)
    assert (got["US$ 2 bn"].normalized_value, got["US$ 2 bn"].unit) == (2e9, "USD")
    assert (got["$3-billion"].normalized_value, got["$3-billion"].unit) == (3e9, "USD")
    assert got["5 euro cents"].normalized_value == pytest.approx(0.05) and got["5 euro cents"].unit == "EUR"
    assert got["Rs 500"].unit == "PKR"  # the document is about Pakistan
    assert got["4 percentage points"].unit == "percentage_point" and got["52 percent"].unit == "percent"


def test_contract_years_are_per_party(nlp) -> None:
    got = _by_text(nlp, "Arsenal offered a four-year deal, while Chelsea offered a five-year contract.")
    assert got["four-year"].measure == "deal:arsenal" and got["five-year"].measure == "deal:chelsea"


def test_quake_magnitude_depth_toll_and_aftershock(nlp) -> None:
    text = (
        "The 7.1-magnitude quake struck at a depth of 12 km (7.5 miles). The death toll has risen to 80. "
        "A 5.9 magnitude aftershock followed."
    )
    got = _by_text(nlp, text)
    assert got["7.1"].measure == "magnitude" and got["5.9"].measure == "magnitude:aftershock"
    assert got["12 km"].measure == "depth" and got["7.5 miles"].measure == "depth"  # restated in miles
    assert got["80"].measure == "deaths"


def test_a_smaller_count_for_a_place_is_a_subtotal(nlp) -> None:
    got = _by_text(nlp, "The storms killed 50 people across the country. In Texas, 30 people died.")
    assert got["50"].measure == "deaths"
    assert got["30"].measure == "deaths:texas"  # not compared with the national toll
    # the place the parse ties to the count, not the nearest one before it
    got = _by_text(nlp, "Five people died in Paris and three in Lyon.")
    assert got["three"].measure == "deaths:lyon"
    # "another" / "a further" count is a set besides the one counted, filed under the place of the
    # "where" clause it is in, whatever its size (and whatever label the model gave the place)
    got = _by_text(
        nlp,
        "Thousands of people marched across the country. Clashes erupted in the port of Volos, "
        "where another 9,000 people marched on the town hall.",
    )
    assert got["9,000"].measure == "protesters:volos"
    got = _by_text(
        nlp,
        "Some 5,000 people marched in the capital. "
        "In Lyon, where 3,000 people marched, police used tear gas.",
    )
    assert got["3,000"].measure == "protesters:lyon"


def test_per_cent_is_a_rate_and_a_clock_time_is_no_duration(nlp) -> None:
    got = _by_text(nlp, "Internet traffic to India fell by 60 per cent after the cables broke.")
    assert (got["60 per cent"].fact_type, got["60 per cent"].normalized_value) == ("percent", 60)
    assert got["60 per cent"].unit == "percent"  # not 60 cents
    clock = _by_text(nlp, "At 1230 hours the warship intercepted the boats. The strike lasted 1500 hours.")
    assert "1230 hours" not in clock  # a 24-hour clock time
    assert clock["1500 hours"].normalized_value == 1500  # a length is still one
    assert is_clock_hours("1230 hours", "At ") and not is_clock_hours("1230 hours", "lasted ")


def test_a_percent_with_no_percent_written_is_a_count(nlp) -> None:
    # the model labelled "Seven AK-47s" PERCENT in a real article: with no "%" or "percent" it counts
    text = "Seven AK-47s and three other rifles were found in the boats."
    doc = nlp(text)
    doc.ents = [Span(doc, 0, 2, label="PERCENT")]
    got = {f.text: f for f in extract_facts(doc, text, None, lexicon_for(nlp))}
    assert (got["Seven AK-47s"].fact_type, got["Seven AK-47s"].normalized_value) == ("cardinal", 7)
    assert got["Seven AK-47s"].measure == "ak47:find"


def test_a_distance_is_keyed_by_where_it_is_measured_from(nlp) -> None:
    text = "The Gibe was about 150 nautical miles (about 277km) from Aden when the pirates fired."
    got = _by_text(nlp, text)
    assert got["about 150 nautical miles"].measure == "distance:aden"
    assert got["about 150 nautical miles"].unit == "nautical_mile"  # not a statute mile
    assert got["about 277km"].unit == "km"
    west = _by_text(nlp, "Pirates attacked the ship 150 nautical miles west of Aden.")
    assert west["150 nautical miles"].measure == "distance:aden"
    # where a person was is not where the event is: "a motorist 50 miles north of Detroit"
    seen = _by_text(nlp, "Hours later, a motorist 50 miles north of Detroit spotted the car.")
    place = _by_text(nlp, "The office building is about 15 miles north of Detroit.")
    assert seen["50 miles"].measure == "distance:detroit:motorist"
    assert place["about 15 miles"].measure == "distance:detroit"
    # a distance from a thing is keyed by its class: the ship and the vessel are one
    ship = _by_text(nlp, "The frigate was 13 nautical miles from the ship.")
    assert ship["13 nautical miles"].measure == west["150 nautical miles"].measure.replace("aden", "vessel")
    # what a length measures is not where it is from
    cable = _by_text(nlp, "The boat carries 20 kilometres of spare cable.")
    assert not (cable["20 kilometres"].measure or "").startswith("distance")


def test_an_earlier_event_told_in_the_pluperfect_or_by_relative_time_is_background(nlp) -> None:
    bg = {
        f.text: f.is_background
        for f in _facts(
            nlp,
            "The navy arrested 23 pirates on Saturday. Early November, the Royal Navy had captured eight "
            "pirates. Last month, the frigate had sunk a mother ship and rescued two merchant vessels. "
            "A few days before that, the same warship foiled two hijack attempts. There have been nearly "
            "100 attacks in Somali waters this year.",
        )
        if f.fact_type == "cardinal"
    }
    assert bg == {"23": False, "eight": True, "two": True, "nearly 100": True}
    # reported speech shifts its tenses back: the event itself, not an earlier one
    told = _facts(nlp, "Police said the gunman had killed two women at the plant.")
    assert [f.is_background for f in told if f.text == "two"] == [False]
    # a past perfect with no date of its own is often the event's own sequence
    then = _facts(nlp, "By then, all 23 pirates had clambered onto the dhow.")
    assert [f.is_background for f in then if f.text == "23"] == [False]
    # "just this month", like "earlier this month", opens an earlier occurrence
    just = _facts(nlp, "Just this month, pirates captured two fishing boats in the gulf.")
    assert [f.is_background for f in just if f.text == "two"] == [True]


def test_shares_in_several_places_are_one_measure_per_place(nlp) -> None:
    text = (
        "Officials said as much as 55 percent of voice traffic in Saudi Arabia, 52 percent in Egypt, "
        "and 82 percent in India was out of service. Elsewhere 65% of traffic to India was down."
    )
    got = _by_text(nlp, text)  # (traffic: a network's service, seeds/measures.csv)
    assert got["as much as 55 percent"].measure == "service:saudi arabia"
    assert got["as much as 55 percent"].upper_value == 55 and got["as much as 55 percent"].lower_value is None
    assert got["52 percent"].measure == "service:egypt"  # the list's later items: the same share
    assert got["82 percent"].measure == got["65%"].measure == "service:india"


def test_a_list_of_ages_and_either_of_two_counts(nlp) -> None:
    ages = _by_text(nlp, "He is accused of assaulting two girls, ages 12 and 15, he took as brides.")
    assert (ages["ages 12"].fact_type, ages["15"].fact_type) == ("age", "age")
    either = _by_text(nlp, "Five or six people were hurt in the blast.")
    assert list(either) == ["Five or six"]  # one figure, not a five and a six
    assert (either["Five or six"].lower_value, either["Five or six"].upper_value) == (5, 6)


def test_a_count_over_this_year_and_a_date_glued_to_a_word(nlp) -> None:
    text = "This year, pirates have attacked nearly 100 vessels off Somalia and hijacked nearly 40."
    bg = {f.text: f.is_background for f in _facts(nlp, text) if f.fact_type == "cardinal"}
    assert bg == {"nearly 100": True, "nearly 40": True}  # running totals over the year
    # the event's own count so far is not background
    so_far = _facts(nlp, "Police have arrested 12 people so far.")
    assert [f.is_background for f in so_far if f.text == "12"] == [False]
    glued = _facts(nlp, "Polygamist prophet Warren Jeffs charged againJuly 23, 2008.4:49 pm Nine charges.")
    assert "23" not in [f.text for f in glued]  # a date, not 23 people charged
    # a dateline's day of the month is no count of "Nov"
    for line in ("TNN Nov 12, 2011, 05.51AM IST MUMBAI:", "Mumbai, Nov 11 -\n\nThe talks resumed."):
        assert not [f for f in _facts(nlp, line) if f.fact_type == "cardinal"], line


def test_a_restated_count_is_dropped_before_or_after_the_count_it_repeats(nlp) -> None:
    text = (
        "Sailors boarded the dhow and the 14 suspects surrendered peacefully. "
        "The navy said it had captured 14 smuggling suspects near the coast."
    )
    got = [f.text for f in extract_facts(nlp(text), text) if f.fact_type == "cardinal"]
    assert got == ["14"]
    assert text.index("captured 14") + len("captured ") == next(
        f.start for f in extract_facts(nlp(text), text) if f.fact_type == "cardinal"
    )


def test_the_whole_a_sentence_divides_restates_the_count(nlp) -> None:
    """ "Out of 14 arrested smugglers, 9 are ..." names the set the text has counted; opening a
    sentence of its own, it is the count."""
    text = (
        "Police arrested 14 smugglers near the border. "
        "Out of 14 arrested smugglers, nine are from Chad and five from Niger."
    )
    got = [f.text for f in extract_facts(nlp(text), text) if f.fact_type == "cardinal"]
    assert got.count("14") == 1 and text.index("14") == next(
        f.start for f in extract_facts(nlp(text), text) if f.text == "14"
    )
    alone = "Of 14 boats inspected, nine carried fuel."
    assert [f.text for f in extract_facts(nlp(alone), alone)][:1] == ["14"]


def test_a_restatement_counts_the_same_kind_of_thing(nlp) -> None:
    """ "the five merchant vessels" after "a five-boat attack" is a count of its own; "the three bank
    workers" after "three people died" restates the toll."""
    text = "A warship foiled a five-boat pirate attack. It was escorting the five merchant vessels."
    got = [(f.text, f.measure) for f in extract_facts(nlp(text), text) if f.fact_type == "cardinal"]
    assert ("five", "vessel:escort") in got and len(got) == 2
    toll = "Three people died in the fire. The three bank workers were killed when the branch burned."
    assert [f.text for f in extract_facts(nlp(toll), toll) if f.fact_type == "cardinal"] == ["Three"]
    # a described first mention with the article is a count; a reference to participants is not
    cables = "The damage is to the four submarine cables across the sea."
    assert [f.text for f in extract_facts(nlp(cables), cables)] == ["four"]
    assert not extract_facts(nlp("The two nations signed a pact."), "The two nations signed a pact.")
    # a bare "four" elsewhere (its noun left out) does not restate the described count; "the four
    # cables" after "four cables were cut" still does
    bare = "The damage is to the four submarine cables near the coast. With four, you need spares."
    assert [f.text for f in extract_facts(nlp(bare), bare) if f.fact_type == "cardinal"] == ["four", "four"]
    again = "Four cables were cut on Friday. Crews are repairing the four submarine cables."
    assert [f.text for f in extract_facts(nlp(again), again) if f.fact_type == "cardinal"] == ["Four"]


def test_a_month_named_months_before_publication_is_background(nlp) -> None:
    text = "In March, four bridges were closed after floods. On Friday two bridges were closed."
    got = {
        f.text: f for f in extract_facts(nlp(text), text, dt.date(2024, 11, 8)) if f.fact_type == "cardinal"
    }
    assert got["four"].is_background and "March" in (got["four"].measure_evidence or "")
    assert not got["two"].is_background
    # without a publication date, a month set in front of the clause opens an earlier event; one
    # after the verb, a plan or a month ago: not background
    undated = {f.text: f for f in extract_facts(nlp(text), text) if f.fact_type == "cardinal"}
    assert undated["four"].is_background and "earlier month" in (undated["four"].measure_evidence or "")
    assert not undated["two"].is_background
    after = "Four bridges were closed in March."
    assert not any(f.is_background for f in extract_facts(nlp(after), after))
    undated_plan = "In March, 40 seats will be contested."
    assert not any(f.is_background for f in extract_facts(nlp(undated_plan), undated_plan))
    plan = "The 40 seats will be contested in March."
    assert not any(f.is_background for f in extract_facts(nlp(plan), plan, dt.date(2024, 11, 8)))
    recent = "In October, four bridges were closed after floods."
    assert not any(f.is_background for f in extract_facts(nlp(recent), recent, dt.date(2024, 11, 8)))


def test_two_ages_the_tagger_reads_as_one_date_are_two_ages(nlp) -> None:
    text = "Two children, aged 4 and 6, died in the fire."
    ages = [(f.text, f.normalized_value) for f in extract_facts(nlp(text), text) if f.fact_type == "age"]
    assert ages == [("4", 4.0), ("6", 6.0)]
    spans = "Between 4 and 6 people died."
    assert [f.text for f in extract_facts(nlp(spans), spans)] == ["Between 4 and 6"]
