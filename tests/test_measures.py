"""Measure keys that outlets' wordings of one measure share: counted-noun classes, phrasal and
sighting verbs, hyphened counts, act nouns, copulas, people counts without a predicate, ages."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from parallax.entities import lexicon_for
from parallax.facts import extract_facts
from parallax.measures import age_subject, default_measures, measure_class


def _measures(nlp, text: str) -> dict[str, str | None]:
    return {f.text: f.measure for f in extract_facts(nlp(text), text, None, lexicon_for(nlp))}


def _facts(nlp, text: str):
    return {f.text: f for f in extract_facts(nlp(text), text, None, lexicon_for(nlp))}


@pytest.mark.parametrize(
    "text",
    [
        "Coast guards captured four boats near the harbour.",
        "Four skiffs were intercepted by the coast guard.",
        "The coast guard seized four ships on Sunday.",
    ],
)
def test_words_for_one_kind_of_thing_share_a_class(nlp, text: str) -> None:
    got = [m for m in _measures(nlp, text).values() if m]
    assert got == ["vessel:seized"]


def test_phrasal_and_sighting_verbs(nlp) -> None:
    got = _measures(nlp, "Lookouts spotted six boats at dawn. Two of the boats managed to get away.")
    assert got["six"] == "vessel:sighted"
    assert got["Two"] == "vessel:escaped"
    people = _measures(nlp, "Three hikers got away before the avalanche.")
    assert people["Three"] == "escaped"


def test_verbs_that_measure_only_their_subject(nlp) -> None:
    got = _measures(nlp, "Nine other guests managed to leave the hall before the fire spread.")
    assert got["Nine"] == "escaped"
    # the parts a subject lists in brackets are counted by the verb too
    text = "Twenty suspects (12 Albanians and eight Greeks) surrendered at dawn, police said."
    parts = _measures(nlp, text)
    assert parts["Twenty"] == "arrested" and parts["12"] == "arrested:albanian"
    seen = _measures(nlp, "Four boats were seen circling the tanker.")
    assert seen["Four"] == "vessel:sighted"
    # the object of "saw", or what someone leaves behind, is not measured by the verb
    saw = _measures(nlp, "A fisherman saw four boats near the pier.")
    assert saw["four"] != "vessel:sighted"
    kin = _measures(nlp, "The farmer leaves behind three daughters.")
    assert kin.get("three") != "escaped"


@pytest.mark.parametrize(
    "text",
    [
        "Two boats closed in on the tanker and opened fire.",
        "The crew reported two boats closing in on the tanker.",
        "The crew said they were fired on by two boats.",
        "The pirates, in two boats, were attempting to board the tanker.",
        "The tanker radioed for help as it came under fire from two boats.",
        "The frigate swung into action against the pirates in two boats, the navy said.",
        "A warship attacked two boats of pirates near the strait.",
    ],
)
def test_boats_that_acted_share_one_key_whatever_the_verb(nlp, text: str) -> None:
    got = [m for m in _measures(nlp, text).values() if m]
    assert got == ["vessel:acting"]


def test_a_system_counts_what_its_compound_names_and_speedboats_are_boats(nlp) -> None:
    cables = _measures(nlp, "Three cable systems have been damaged off the coast.")
    assert cables["Three"] == "cable:damaged"
    boats = _measures(nlp, "The coast guard seized three speedboats.")
    assert boats["three"] == "vessel:seized"


def test_other_things_are_one_set_whatever_the_verb(nlp) -> None:
    # "three other rifles were found" / "two other rifles were seized": the rifles besides the ones
    # named, however each outlet tells what was done with them; other people keep their verb
    found = _measures(nlp, "Seven AK-47s, three other rifles and 13 magazines were found in the boats.")
    seized = _measures(nlp, "The commandos seized seven AK-47 rifles and two other rifles.")
    assert found["three"] == seized["two"] == "rifle:other"
    workers = _measures(nlp, "Seven other workers were hiding in a closet nearby.")
    assert workers["Seven"] == "worker:hide:other"


def test_an_amount_of_one_size_of_a_product_has_no_measure(nlp) -> None:
    # the smaller model's battery life is not the product's: the line's other sizes have their own
    small = _facts(nlp, "The 11-inch models start at $999 with 64GB of storage and 5 hours of battery life.")
    assert small["5 hours"].measure is None or small["5 hours"].measure.startswith("duration:")
    line = _facts(nlp, "The new laptop will feature 7 hours of battery life.")
    assert line["7 hours"].measure == "life"


def test_a_purpose_clause_with_an_object_of_its_own_is_not_what_the_count_underwent(nlp) -> None:
    # "boarded two of the vessels to nab 12 pirates": the vessels were boarded, the pirates nabbed
    got = _measures(nlp, "Commandos boarded two of the pirate vessels to nab 12 pirates.")
    assert got["two"] == "vessel:board"
    assert got["12"] == "arrested"


def test_only_boats_vehicles_and_aircraft_count_as_what_acted(nlp) -> None:
    # people who acted, or other things, keep their verb: two groups of people do different things
    jurors = _measures(nlp, "More than 100 potential jurors walked into the courthouse.")
    assert jurors["More than 100"] == "juror:walk"
    planes = _measures(nlp, "Two helicopters landed near the school.")
    assert planes["Two"] == "aircraft:acting"
    # what was done to the boats keeps its table measure; some of the boats are not the boats
    seized = _measures(nlp, "The navy seized two boats.")
    assert seized["two"] == "vessel:seized"
    some = _measures(nlp, "Commandos boarded two of the pirate boats at dawn.")
    assert some["two"] != "vessel:acting"


def test_a_hyphened_count_counts_its_noun(nlp) -> None:
    got = _measures(nlp, "Police closed the road after a four-car pileup on the bridge.")
    assert got["four"] == "vehicle"  # a count of cars with no predicate of its own
    # units, times and group sizes are not what a hyphened figure counts
    times = _facts(nlp, "Nurses began a three-day strike.")
    assert times["three-day"].fact_type == "duration"
    panel = _measures(nlp, "A seven-member panel will review the ruling.")
    assert all(not (m or "").startswith("member") for m in panel.values())


def test_a_count_under_an_act_noun_of_a_table_verb(nlp) -> None:
    got = _measures(nlp, "Detectives arrested a neighbour in the killings of three hikers.")
    assert got["three"] == "deaths"


def test_the_subject_of_a_copula_is_measured(nlp) -> None:
    got = _measures(nlp, "Her blood-alcohol level was 0.12 percent, the report said.")
    assert got["0.12 percent"] == "level"
    # the noun right before the copula when the parser lost its subject
    lost = _measures(
        nlp, "She had blood drawn, which was tested, and resulted in showing her blood-alcohol level was .21."
    )
    assert lost[".21"] == "level"


def test_a_clause_with_a_subject_of_its_own_is_not_what_the_count_underwent(nlp) -> None:
    text = (
        "The frigate was escorting a group of five tankers through the strait when, shortly after "
        "dawn, officers detected four boats approaching."
    )
    got = _measures(nlp, text)
    assert got["five"] == "vessel:escort" and got["four"] == "vessel:sighted"


def test_people_seized_are_arrested_and_one_of_many_is_no_count(nlp) -> None:
    got = _measures(nlp, "Mr Rossi, one of 40 suspected gang members seized on Monday, was released.")
    assert got["40"] == "arrested"
    assert "one" not in got


def test_people_counted_without_a_predicate_are_people(nlp) -> None:
    facts = _facts(nlp, "The ferry had 31 crewmen on board. The widow raises two children.")
    assert facts["31"].measure == "people" and facts["31"].measure_class == "people"
    kin = facts.get("two")  # someone's children: not a count of people in the event
    assert kin is None or kin.measure != "people"


def test_measure_class() -> None:
    table = default_measures()
    assert measure_class("arrested", table) == "people"
    assert measure_class("deaths:texas", table) == "people"
    assert measure_class("people", table) == "people"
    assert measure_class("vessel:seized", table) == "vessel"
    assert measure_class("vessel", table) == "vessel"
    assert measure_class("officer:mill", table) is None  # a verb outside the table
    assert measure_class("magnitude", table) is None
    assert measure_class("age:smith", table) is None
    assert measure_class(None, table) is None


def test_a_town_taken_for_a_name_is_not_the_aged_person(nlp) -> None:
    doc = nlp("Police said a 58-year-old Brookdale woman was hurt.")
    town = next(t.i for t in doc if t.text == "Brookdale")
    doc.ents = [Span(doc, town, town + 1, label="PERSON")]  # the tagger's mistake, forced
    age = doc.char_span(doc.text.index("58"), doc.text.index("58") + len("58-year-old"))
    assert age_subject(age)[0] == "age:woman"


def test_an_unnamed_age_is_not_linked_to_a_place_taken_for_a_name(nlp) -> None:
    from parallax.figure_context import link_unnamed_ages

    text = "A 58-year-old woman was hurt outside the mall in Brookdale on Monday."
    doc = nlp(text)
    town = next(t.i for t in doc if t.text == "Brookdale")
    others = [e for e in doc.ents if not (e.start <= town < e.end)]
    doc.ents = [*others, Span(doc, town, town + 1, label="PERSON")]
    facts = extract_facts(doc, text, None, lexicon_for(nlp))
    spans = [doc.char_span(f.start, f.end, alignment_mode="expand") for f in facts]
    link_unnamed_ages(facts, spans)
    age = next(f for f in facts if f.fact_type == "age")
    assert age.measure == "age:woman"


def test_the_article_of_a_hyphened_count_is_its_head_nouns(nlp) -> None:
    got = _measures(nlp, "The crew noticed the four-boat pirate formation approaching the tankers.")
    assert got["four"] == "vessel"  # a new count, not a reference like "the two nations"
    assert "two" not in _measures(nlp, "The two nations signed the deal.")


def test_durations_name_their_event_or_meet_by_length(nlp) -> None:
    got = _measures(nlp, "The strike lasted three days. The siege ended after two hours of negotiations.")
    assert got["three days"] == "strike" and got["two hours"] == "negotiation"
    # who did what for that long names no event outlets share: keyed by the length itself
    a = _measures(nlp, "After two hours, the gunman surrendered to police.")
    b = _measures(nlp, "Police spent about two hours talking to the gunman.")
    assert a["two hours"] == b["about two hours"] == "duration:2"
    assert _measures(nlp, "He was jailed for five years.")["five years"] == "prison_sentence"


def test_a_listed_group_is_a_part_of_the_toll(nlp) -> None:
    got = _measures(nlp, "Police said two women and one man died at a branch of the bank.")
    assert got == {"two": "deaths:woman", "one": "deaths:man"}
    total = _measures(nlp, "At least three people, a man and two women, were killed in the attack.")
    assert total["At least three"] == "deaths"
    assert total["two"] == "deaths:woman"
    # a count that is not one item of a list is the toll itself
    alone = _measures(nlp, "A gunman killed two women at the plant.")
    assert alone["two"] == "deaths"
    groups = _measures(nlp, "Marine commandos boarded the vessels to nab 12 Somali and 11 Yemeni pirates.")
    assert (groups["12"], groups["11"]) == ("arrested:somali", "arrested:yemeni")


def test_a_verb_with_its_preposition_and_object_is_a_predicate_of_the_table(nlp) -> None:
    got = _measures(nlp, "The navy stopped the attack and took 23 into custody.")
    assert got["23"] == "arrested"
    assert _measures(nlp, "Police placed five men under arrest.")["five"] == "arrested"
    assert _measures(nlp, "The firm took 20 trucks into service.")["20"] != "arrested"


def test_a_police_operation_of_n_people_counts_arrests(nlp) -> None:
    text = "He died hours after his arrest in a police bust of almost 100 people suspected of extortion."
    assert _measures(nlp, text)["almost 100"] == "arrested"
    assert _measures(nlp, "The roundup of 45 suspects came after the attack.")["45"] == "arrested"


def test_the_amount_of_a_change_measures_what_changed(nlp) -> None:
    # the parser hangs the amount on the adverb ("down"), not on the verb
    assert _measures(nlp, "The index closed down 3.9 percent after the attack.")["3.9 percent"] == "index"
    assert _measures(nlp, "Greek stocks ended down 3.9 percent.")["3.9 percent"] == "stock"


def test_a_restated_count_is_not_a_second_figure(nlp) -> None:
    text = "Navy commandos arrested 23 pirates on Saturday. The 23 pirates were handed over to police."
    facts = extract_facts(nlp(text), text, None, lexicon_for(nlp))
    assert [(f.text, f.measure) for f in facts if f.text == "23"] == [("23", "arrested")]


def test_an_age_is_not_given_to_someone_the_article_already_named(nlp) -> None:
    text = (
        "Prosecutors played a recording of Jeffs having sex with the 12-year-old. "
        "Jeffs fathered a child with a 15-year-old girl, prosecutor Eric Nichols said."
    )
    got = _measures(nlp, text)
    assert got["12-year-old"] != "age:jeffs"
    assert got["15-year-old"] not in ("age:jeffs", "age:nichols")
    # a person first named after the age is still linked ("a 61-year-old man ... John Reed")
    reed = _measures(nlp, "A 61-year-old man was killed on Monday. The man, John Reed, worked at the plant.")
    assert reed["61-year-old"] == "age:reed"


@pytest.mark.parametrize(
    ("text", "figure", "measure"),
    [
        ("Three staff suffocated in the burning bank.", "Three", "deaths"),
        ("Police recovered seven rifles from the boat.", "seven", "rifle:seized"),
        ("About 20,000 people marched through the city.", "About 20,000", "protesters"),
        ("Four people were treated for smoke inhalation.", "Four", "injured"),
    ],
)
def test_more_wordings_of_the_common_measures(nlp, text: str, figure: str, measure: str) -> None:
    assert _measures(nlp, text)[figure] == measure


def test_a_prison_sentence_is_a_length_of_time(nlp) -> None:
    got = _measures(nlp, "He must serve at least half of his 20-year sentence.")
    assert got["20-year"] == "prison_sentence"
    assert got["at least half"] != "prison_sentence"  # a share of it, not a sentence


def test_the_doer_of_a_verb_is_not_what_the_verb_counts(nlp) -> None:
    # "two gunmen killed five": five deaths; the two are the attackers, not a rival toll
    got = _measures(nlp, "Two gunmen killed five shoppers on Monday.")
    assert got["five"] == "deaths" and got["Two"] != "deaths"
    got = _measures(nlp, "Three raiders stormed the depot and seized two trucks.")
    assert got["Three"] not in ("arrested", "seized") and got["two"] == "vehicle:seized"
    got = _measures(nlp, "At least two other buildings, one used by tax officials, caught fire.")
    assert got["At least two"] != "arrested" and "one" not in got
    # a passive or intransitive subject is what the verb counts
    assert _measures(nlp, "Five shoppers were killed on Monday.")["Five"] == "deaths"
    assert _measures(nlp, "Coast guards caught 23 of them after a chase.")["23"] == "arrested"
    assert _measures(nlp, "Twenty-three crewmen surrendered to the navy.")["Twenty-three"] == "arrested"


def test_a_list_is_of_people_only_when_its_other_items_are_people(nlp) -> None:
    got = _measures(nlp, "The navy captured 17 smugglers and a large arms cache on Friday.")
    assert got["17"] == "arrested"
    got = _measures(nlp, "Police said two women and one man were arrested.")
    assert (got["two"], got["one"]) == ("arrested:woman", "arrested:man")


def test_ages_of_two_people_of_one_surname_and_of_a_pronoun(nlp) -> None:
    text = (
        "Mark Olsen, the son of Peter Olsen, said Peter Olsen, 71, had built the mill. "
        "Mark Olsen, 44, runs it now."
    )
    got = _measures(nlp, text)
    # the one named first among equals keeps the surname; the other is keyed by his full name
    assert got["71"] == "age:peter_olsen" and got["44"] == "age:olsen"
    # "Ben" and "Benjamin" are one person
    got = _measures(nlp, "Benjamin Banky, 40, ran the firm. Friends said Ben Banky loved it.")
    assert got["40"] == "age:banky"
    assert _measures(nlp, "Peter Olsen, 71, built the mill.")["71"] == "age:olsen"
    # "he" in a clause about someone else's act: whose age it is, the text does not say
    got = _measures(nlp, "He testified that Olsen hit him when he was 9 years old.")
    assert got["9 years old"] == "age:person"
    assert _measures(nlp, "Olsen said he was 71 years old.")["71 years old"] == "age:olsen"


def test_what_happened_to_a_group_is_its_measure(nlp) -> None:
    # "three protesters were killed" is a death toll, not the size of the crowd
    assert _measures(nlp, "Three protesters were killed by police.")["Three"] == "deaths"
    assert _measures(nlp, "Police arrested 40 demonstrators.")["40"] == "arrested"
    assert _measures(nlp, "10,000 protesters marched through Athens.")["10,000"] == "protesters"
    # one protester is no crowd
    assert "one" not in _measures(nlp, "During the unrest, one protester threw a petrol bomb.")


def test_what_a_subject_suffered_is_its_measure(nlp) -> None:
    assert _measures(nlp, "Two workers suffered serious injuries.")["Two"] == "injured"
    assert _measures(nlp, "Three firefighters sustained minor burns.")["Three"] == "injured"
    assert _measures(nlp, "Two undersea cables suffered damage off Egypt.")["Two"] == "cable:damaged"
    # what another subject suffered: not this count's
    got = _measures(nlp, "Millions of people lost access to the internet after two cables suffered damage.")
    assert got["Millions"] != "damaged"


def test_a_conjoined_share_is_the_share_before_it_in_another_place(nlp) -> None:
    text = "Up to 70 per cent of phone lines in Chile, and 60 per cent in Peru, were cut on Monday."
    got = _measures(nlp, text)
    assert got["Up to 70 per cent"].endswith(":chile")
    assert got["60 per cent"] == got["Up to 70 per cent"].removesuffix(":chile") + ":peru"


def test_a_change_a_copula_states_is_its_subjects(nlp) -> None:
    assert _measures(nlp, "Copper sales were up 10 percent in the quarter.")["10 percent"] == "sale"
    got = _measures(nlp, "Phone services in Chile were down by 80 percent, in Peru by 65 percent.")
    assert (got["80 percent"], got["65 percent"]) == ("service:chile", "service:peru")


def test_a_count_of_others_than_a_named_set_is_its_own_measure(nlp) -> None:
    got = _measures(nlp, "The mayor and 11 other officials were charged with fraud on Monday.")
    assert got["11"] == "charged:other"
    arms = _measures(nlp, "Customs officers seized nine shotguns and two other rifles at the port.")
    assert arms["nine"] == "shotgun:seized"
    assert arms["two"] == "rifle:other"  # things besides the named: the set "other" draws
    # a toll counts everyone it befell: "other" there is no other measure
    toll = _measures(nlp, "Two workers died and four other workers were injured in the blast.")
    assert toll["four"] == "injured"


@pytest.mark.parametrize(
    "text",
    [
        "Police recovered 12 AK 47 guns from the house.",
        "Police said twelve AK-47s were confiscated at the border.",
        "Officers seized 12 AK-47 assault rifles in the raid.",
    ],
)
def test_a_model_name_keys_the_counted_thing(nlp, text: str) -> None:
    assert [m for m in _measures(nlp, text).values() if m] == ["ak47:seized"]


def test_a_model_name_is_not_a_group_of_people(nlp) -> None:
    got = _measures(nlp, "Twenty G20 leaders were evacuated from the hotel.")
    assert got["Twenty"] == "evacuated"


def test_crimes_against_people_count_victims_and_a_noun_modifier_is_no_act(nlp) -> None:
    got = _measures(nlp, "The coach was convicted of sexually assaulting three boys.")
    assert got["three"] == "victims"
    # the lemmatizer reads "raping" as "rap": the table's "rape" is found all the same
    assert _measures(nlp, "He is charged with raping two women in the city.")["two"] == "victims"
    # "assault" modifies the rifles: nobody was assaulted
    arms = _measures(nlp, "Police seized four assault rifles at the port.")
    assert arms["four"] == "rifle:seized"


def test_a_listed_nationality_is_one_group_in_the_plural_and_as_an_adjective(nlp) -> None:
    got = _measures(nlp, "Police said 14 Nigerians and 9 Ghanaians were arrested at the border.")
    assert got["14"] == "arrested:nigerian"


@pytest.mark.parametrize(
    "text",
    [
        "An estimated 40,000 people took to the streets of the capital on Sunday.",
        "Tens of thousands of people joined the protest in the capital.",
        "About 40,000 farmers joined a demonstration against the new tax.",
    ],
)
def test_a_crowd_by_what_it_joined_or_where_it_went(nlp, text: str) -> None:
    assert [m for m in _measures(nlp, text).values() if m] == ["protesters"]


def test_joining_something_else_is_no_crowd(nlp) -> None:
    assert _measures(nlp, "Five engineers joined the company in the spring.")["Five"] != "protesters"


def test_an_approximate_figure_is_a_range_and_keeps_its_noun(nlp) -> None:
    f = _facts(nlp, "The concert was attended by an approximate 200,000 people.")["an approximate 200,000"]
    assert (f.lower_value, f.upper_value) == pytest.approx((180000, 220000))
    assert f.measure == "people:attend"


def test_the_part_of_a_sentence_served_is_not_the_sentence(nlp) -> None:
    got = _measures(
        nlp, "She must serve at least 12 years of her sentence before parole. She got a sentence of 30 years."
    )
    assert got["at least 12 years"] == "prison_sentence:served"
    assert got["30 years"] == "prison_sentence"


def test_a_count_told_apart_by_what_it_is_with_is_a_part_of_the_total(nlp) -> None:
    got = _measures(nlp, "Five people were hurt, two with serious burns and three with cuts.")
    assert (got["Five"], got["two"], got["three"]) == ("injured", "injured:with_burn", "injured:with_cut")
    # a dash glued to the count: the parse hangs "with" on the total's noun
    glued = _measures(nlp, "Five guards-one with a broken arm, 4 with bruises-are treated at a local clinic.")
    assert (glued["Five"], glued["one"], glued["4"]) == ("injured", "injured:with_arm", "injured:with_bruise")


@pytest.mark.parametrize(
    "text",
    [
        "Police put the march at roughly 30,000 people.",
        "The rally drew 30,000 people to the square.",
        "A crowd of 30,000 gathered outside parliament.",
        "The protest was attended by an estimated 30,000 people.",
    ],
)
def test_the_size_of_a_march_counts_protesters(nlp, text: str) -> None:
    assert [m for m in _measures(nlp, text).values() if m] == ["protesters"]


def test_a_count_of_marches_is_no_crowd(nlp) -> None:
    assert _measures(nlp, "Two marches were held in the city on Sunday.")["Two"] != "protesters"


def test_a_word_the_model_took_into_a_share_does_not_hide_what_it_is_of(nlp) -> None:
    # in context the parser makes "present 65%" the object of "At", with "present" as the span's root
    text = (
        "The repair ship is on its way.\n\nVolumes were moved to other lines.\n\n"
        "At present 65% of traffic with India is offline.\n\n"
    )
    doc = nlp(text)
    share = next(f for f in extract_facts(doc, text) if "65" in f.text)
    assert share.measure == "service:india"


def test_a_relative_of_n_counts_a_family_not_a_toll(nlp) -> None:
    # "a mother of six was killed": six children, not six dead; one key for "mom" and "mother"
    assert _measures(nlp, "A Chicago mother of six was killed by a stray bullet.")["six"] == "mother"
    assert _measures(nlp, "Mom of six killed by stray bullet")["six"] == "mother"
    father = "Police said the firefighter and father to three girls died at the scene."
    assert _measures(nlp, father)["three"] == "father"
    assert _measures(nlp, "Six people were killed by stray bullets.")["Six"] == "deaths"
    # whose sons: "one of four sons of Irish parents" counts his parents' sons, not his own
    assert (
        _measures(nlp, "Born in 1931, one of four sons of Irish parents, he became a boxer.")["four"]
        == "son:parent"
    )
    # his own sons: the children of one father, as "father of two" has it
    assert _measures(nlp, "He had two sons.")["two"] == "father"


def test_an_amount_keyed_by_a_verb_or_a_name_alone_has_no_measure(nlp) -> None:
    # whose yards, whose closing price, which model's size: nothing says what was measured
    got = _measures(nlp, "He finished with 184 yards and a touchdown.")
    assert got["184 yards"] is None
    assert _measures(nlp, "Acme shares rose 40 cents to close at $31.15 on Friday.")["$31.15"] is None
    assert _measures(nlp, "The 14-inch ThinkPad X1 Carbon starts at $1,429.")["14-inch"] is None
    # a table verb still says it: "the storm dumped 20 inches" is no measure, "killed 20" is deaths
    assert _measures(nlp, "The blast killed 20 people.")["20"] == "deaths"


def test_an_amount_of_a_named_company_or_person_is_theirs(nlp) -> None:
    # two companies' share moves are two measures; a country's trade is often both countries'
    two = _measures(nlp, "Boeing shares fell 6 percent while Airbus shares rose 12 percent.")
    assert two["6 percent"] == "share:boeing" and two["12 percent"] == "share:airbus"
    assert _measures(nlp, "Shares of Boeing fell 6 percent.")["6 percent"] == "share:boeing"
    # two players' yards under one verb and noun
    one = _measures(nlp, "Tom Brady completed 30 of 40 passes for 310 yards.")["310 yards"]
    other = _measures(nlp, "Drew Brees completed 25 passes for 280 yards.")["280 yards"]
    assert one == "pass:complete:brady" and other == "pass:complete:brees"
    # "21-of-30 passes" is a ratio, not a count of "of-30"s
    assert _measures(nlp, "Brees completed 21-of-30 passes.")["21"] == "pass:complete"
    assert _measures(nlp, "Chile's trade with Peru stands at $4 billion.")["$4 billion"] == "trade"


def test_a_rate_in_words_is_a_percent(nlp) -> None:
    got = _facts(nlp, "The author was paid $2 million plus seven per cent of the profits.")
    assert got["seven per cent"].fact_type == "percent" and got["seven per cent"].unit == "percent"


def test_a_count_joined_to_a_verb_with_a_subject_of_its_own_is_not_its_argument(nlp) -> None:
    # the parser makes "men" a conjunct of "died"; the two men were operated on, not killed
    got = _measures(nlp, "A night guard died and two men, thought to be customers, underwent surgery.")
    assert got["two"] != "deaths"
    # gapped after a counted subject it is the verb's
    assert _measures(nlp, "Four people died in Leeds and two in York.")["two"] == "deaths:york"


def test_a_deal_is_of_the_one_it_is_given_to(nlp) -> None:
    # two players' contracts in one story are two deals; an offer stays its offerer's
    one = _measures(nlp, "The Knicks signed guard Jalen Brunson to a four-year deal.")["four-year"]
    other = _measures(nlp, "The Knicks gave Julius Randle a three-year contract extension.")["three-year"]
    assert one == "deal:brunson" and other == "deal:randle"
    assert _measures(nlp, "The union offered a six-year deal.")["six-year"] == "deal:union"
