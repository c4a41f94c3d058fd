"""Entity layer rules: normalization, noise filter, within-document and cross-document resolution."""

from __future__ import annotations

import pyarrow as pa
import pytest

from parallax.entities import (
    DocGroup,
    Evidence,
    KnownEntity,
    Mention,
    build_context,
    clean_mentions,
    heading_ranges,
    lexicon_for,
    load_overrides,
    name_form,
    name_key,
    person_key,
    person_name,
    resolve_entities,
    resolve_within_doc,
    split_title,
    strip_possessive,
    vote_label,
)
from parallax.extract import annotate
from parallax.settings import Settings


# --- normalization (pure) ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Raisi's", "Raisi"),
        ("Raisi’s", "Raisi"),
        ("Jones'", "Jones"),
        ("the United Nations", "United Nations"),
        ("  New \n York ", "New York"),
        # titles stay in names that are not people's (title stripping is for PERSON spans only)
        ("Supreme Court", "Supreme Court"),
        ("General Motors", "General Motors"),
        ("St. Petersburg", "St. Petersburg"),
        ("State Department", "State Department"),
    ],
)
def test_name_form(text: str, expected: str) -> None:
    assert name_form(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("President Ebrahim Raisi", "Ebrahim Raisi"),
        ("Prime Minister Shehbaz Sharif", "Shehbaz Sharif"),
        ("General Asim Munir's", "Asim Munir"),
        ("Mr. Smith", "Smith"),
        ("General", "General"),  # a bare title stays a name
        ("Comedian Dana Whitlock", "Dana Whitlock"),  # job descriptor from nameparser's list
        ("Coroner Pat Ruelas", "Pat Ruelas"),  # job descriptor from the extension list
    ],
)
def test_person_name_strips_titles_and_descriptors(text: str, expected: str) -> None:
    assert person_name(text)[0] == expected


def test_split_title_keeps_role() -> None:
    assert split_title("Prime Minister Shehbaz Sharif") == ("Shehbaz Sharif", "Prime Minister")
    assert split_title("Minister of Foreign Affairs Ana Lopez") == (
        "Ana Lopez",
        "Minister of Foreign Affairs",
    )
    assert split_title("Ana Lopez") == ("Ana Lopez", None)


def test_possessive_and_key() -> None:
    assert strip_possessive("Raisi’s") == "Raisi"
    assert name_key("Raisi’s") == name_key("Raisi's") == name_key("RAISI") == "raisi"
    assert name_key("U.S.") == name_key("US")
    assert name_key("Jean-Luc Picard") == name_key("Jean Luc Picard")


def test_vote_label_places_count_together() -> None:
    # a place tagged GPE 3x and LOC 2x outvotes 4 PERSON tags (model confusion)
    assert vote_label({"PERSON": 4, "GPE": 3, "LOC": 2}) == "GPE"
    assert vote_label({"PERSON": 5, "GPE": 3, "LOC": 1}) == "PERSON"
    assert vote_label({"ORG": 1}) == "ORG"


def test_overrides_file_has_header_and_acronyms_are_case_sensitive(settings: Settings) -> None:
    ov = load_overrides(settings.seeds / "entity_aliases.csv")
    assert ov, "seeds/entity_aliases.csv should ship a few general rows"
    ment = [Mention(0, 4, "U.S.", "GPE", name="U.S.", key=name_key("U.S.")),
            Mention(10, 12, "Us", "WORK_OF_ART", name="Us", key="us")]  # fmt: skip
    resolve_within_doc(ment, ov)
    assert ment[0].canonical_name == "United States" and ment[0].method == "override"
    assert ment[1].method != "override"  # the film "Us" is not the United States


# --- heading context (pure) -----------------------------------------------------------------
def test_heading_ranges_find_headlines_and_lead_ins() -> None:
    body = (
        "Minister Seeks New Talks With Rivals\n\nKey Findings:\n\n- Protests: In recent weeks, "
        "protests spread.\n\nThe minister met officials on Monday."
    )
    kinds = {body[s:e]: k for s, e, k in heading_ranges(body)}
    assert kinds["Minister Seeks New Talks With Rivals"] == "headline"
    assert kinds["Key Findings:"] == "colon_line"
    assert kinds["- Protests"] == "lead_in"
    assert not any("met officials" in t for t in kinds)


# --- noise filter on real model output -------------------------------------------------------
NOISY = (
    "Chancellor Olaf Scholz Visits Paris Weeks After Protests\n\n"
    "Key Findings:\n\n"
    "- Protests: In recent weeks, protests spread across France and Germany.\n\n"
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. "
    "Scholz's visit followed weeks of protests. Macron said that France would support the plan."
)


def _mentions(nlp, body: str, headings: list[tuple[int, int]] | None = None) -> list[Mention]:
    doc = nlp(body)
    return resolve_within_doc(clean_mentions(doc, build_context(body, headings or []), lexicon_for(nlp)))


def test_noise_spans_are_dropped_names_in_headlines_kept(nlp) -> None:
    ms = _mentions(nlp, NOISY)
    names = {m.canonical_name for m in ms}
    texts = {m.text for m in ms}
    for noise in ("Key Findings", "Protests", "Paris Weeks", "Olaf Scholz Visits", "Findings"):
        assert noise not in names and noise not in texts
    # the real names of the headline survive (trimmed to the name)
    headline_end = NOISY.index("\n")
    in_headline = {m.canonical_name for m in ms if m.end <= headline_end}
    assert "Olaf Scholz" in in_headline
    assert "Paris" in in_headline
    for m in ms:
        assert NOISY[m.start : m.end] == m.text
        assert "\n" not in m.text


def test_surname_resolves_to_full_name_and_title_is_role(nlp) -> None:
    ms = _mentions(nlp, NOISY)
    scholz = [m for m in ms if "Scholz" in m.text]
    assert {m.canonical_name for m in scholz} == {"Olaf Scholz"}
    assert {m.label for m in scholz} == {"PERSON"}  # the model's ORG/GPE tags are outvoted
    assert any(m.method == "partial_name" for m in scholz)
    assert "Chancellor" in {m.role for m in scholz}
    macron = [m for m in ms if "Macron" in m.text]
    assert {m.canonical_name for m in macron} == {"Emmanuel Macron"}
    assert "President" in {m.role for m in macron}


def test_possessive_kept_in_surface_stripped_in_name(nlp) -> None:
    body = "Officials praised Angela Merkel's plan. Angela Merkel’s aides agreed."
    ms = _mentions(nlp, body)
    merkel = [m for m in ms if "Merkel" in m.text]
    assert merkel
    assert {m.canonical_name for m in merkel} == {"Angela Merkel"}
    for m in merkel:
        assert body[m.start : m.end] == m.text


def test_span_across_line_break_is_cut(nlp) -> None:
    body = "Trade Focus\n\nThe European Commission said on Tuesday that tariffs would rise."
    for m in _mentions(nlp, body):
        assert "\n" not in m.text
        assert m.text != "Focus"


def test_heading_paragraph_flag_from_clean_stage(nlp) -> None:
    body = "Agenda and Outcomes\n\nThe delegates from Kenya met in Nairobi to agree on an agenda."
    ms = _mentions(nlp, body, headings=[(0, len("Agenda and Outcomes"))])
    assert not any(m.canonical_name in ("Agenda", "Outcomes", "Agenda and Outcomes") for m in ms)


def test_conjunction_split_when_parts_are_names(nlp) -> None:
    body = (
        "Visit to Pakistan & Kashmir Issue\n\nThe talks covered Pakistan at length. "
        "Kashmir was discussed too. Kashmir remains disputed."
    )
    ms = _mentions(nlp, body)
    assert "Pakistan & Kashmir" not in {m.text for m in ms}


# --- cross-document resolution (pure) --------------------------------------------------------
def _g(doc: str, key: str, name: str, label: str = "PERSON") -> DocGroup:
    from parallax.entities import label_class

    return DocGroup(doc, key, name, label, {label_class(label)}, False, 1)


def test_same_full_name_merges_across_documents() -> None:
    groups = [_g("d1", "ana lopez", "Ana Lopez"), _g("d2", "ana lopez", "Ana Lopez", "ORG")]
    res, _ = resolve_entities(groups, [])
    assert res[("d1", "ana lopez")].entity_id == res[("d2", "ana lopez")].entity_id


def test_one_word_names_merge_only_when_label_compatible() -> None:
    groups = [_g("d1", "jordan", "Jordan", "GPE"), _g("d2", "jordan", "Jordan", "GPE")]
    res, known = resolve_entities(groups, [])
    assert res[("d1", "jordan")].entity_id == res[("d2", "jordan")].entity_id
    # a bare PERSON "Jordan" elsewhere is not the country
    res2, _ = resolve_entities([_g("d3", "jordan", "Jordan", "PERSON")], known)
    assert res2[("d3", "jordan")].entity_id != res[("d1", "jordan")].entity_id


def _archive() -> list[KnownEntity]:
    pak = KnownEntity("ent_pak", "Pakistan", "GPE", "pakistan", {"place"})
    league = KnownEntity("ent_pml", "Muslim League", "ORG", "muslim league", {"org"})
    club = KnownEntity("ent_club", "Real Madrid", "ORG", "real madrid", {"org"})
    shehbaz = KnownEntity(
        "ent_shehbaz", "Shehbaz Sharif", "PERSON", "shehbaz sharif", {"person"}, {"ent_pak", "ent_pml"}
    )
    pak.cooccurring = {"ent_shehbaz"}
    league.cooccurring = {"ent_shehbaz"}
    return [pak, league, club, shehbaz]


# an archive of 200 documents: the country is named in 60 of them, the party in 3
EVIDENCE = Evidence(df={"ent_pak": 60, "ent_pml": 3, "ent_club": 5, "ent_shehbaz": 10}, n_docs=200)


def test_bare_surname_joins_the_full_name_its_rarer_context_agrees_on() -> None:
    groups = [
        _g("d9", "pakistan", "Pakistan", "GPE"),
        _g("d9", "muslim league", "Muslim League", "ORG"),
        _g("d9", "sharif", "Sharif"),
    ]
    res, _ = resolve_entities(groups, _archive(), EVIDENCE)
    assert res[("d9", "sharif")].entity_id == "ent_shehbaz"
    assert res[("d9", "sharif")].method == "partial_name"
    assert "Muslim League" in res[("d9", "sharif")].evidence


def test_one_common_cooccurring_name_is_not_enough() -> None:
    # a cricketer "Sharif" in a sports story that also names the country
    groups = [_g("d9", "pakistan", "Pakistan", "GPE"), _g("d9", "sharif", "Sharif")]
    res, _ = resolve_entities(groups, _archive(), EVIDENCE)
    assert res[("d9", "sharif")].entity_id != "ent_shehbaz"


def test_same_surname_in_another_context_does_not_merge() -> None:
    # a footballer called Sharif in a sports story shares no context with the prime minister
    groups = [_g("d10", "real madrid", "Real Madrid", "ORG"), _g("d10", "sharif", "Sharif")]
    res, known = resolve_entities(groups, _archive(), EVIDENCE)
    assert res[("d10", "sharif")].entity_id != "ent_shehbaz"
    # and a later politics story's bare "Sharif" does not join the footballer either
    groups2 = [_g("d11", "muslim league", "Muslim League", "ORG"), _g("d11", "sharif", "Sharif")]
    res2, _ = resolve_entities(groups2, known, EVIDENCE)
    assert res2[("d11", "sharif")].entity_id == "ent_shehbaz"
    assert res2[("d11", "sharif")].entity_id != res[("d10", "sharif")].entity_id


def test_ambiguous_surname_is_not_guessed() -> None:
    archive = _archive()
    nawaz = KnownEntity(
        "ent_nawaz", "Nawaz Sharif", "PERSON", "nawaz sharif", {"person"}, {"ent_pak", "ent_pml"}
    )
    archive.append(nawaz)
    groups = [_g("d12", "muslim league", "Muslim League", "ORG"), _g("d12", "sharif", "Sharif")]
    res, _ = resolve_entities(groups, archive, EVIDENCE)
    assert res[("d12", "sharif")].entity_id not in ("ent_shehbaz", "ent_nawaz")


def test_surname_tagged_as_place_joins_the_person_unless_written_as_a_place() -> None:
    groups = [_g("d13", "muslim league", "Muslim League", "ORG"), _g("d13", "sharif", "Sharif", "GPE")]
    res, _ = resolve_entities(groups, _archive(), EVIDENCE)
    assert res[("d13", "sharif")].entity_id == "ent_shehbaz"  # a tagger label flip does not split
    place = _g("d14", "sharif", "Sharif", "GPE")
    place.place_evidence = True  # "... in Sharif"
    res2, _ = resolve_entities(
        [_g("d14", "muslim league", "Muslim League", "ORG"), place], _archive(), EVIDENCE
    )
    assert res2[("d14", "sharif")].entity_id != "ent_shehbaz"


def test_acronym_and_team_name_join_the_long_name_on_rare_evidence() -> None:
    hp = KnownEntity("ent_hp", "Hewlett-Packard", "ORG", "hewlett packard", {"org"}, {"ent_eyp"})
    eyp = KnownEntity("ent_eyp", "EYP Facilities", "ORG", "eyp facilities", {"org"}, {"ent_hp"})
    saints = KnownEntity("ent_no", "New Orleans Saints", "ORG", "new orleans saints", {"org"}, {"ent_coach"})
    coach = KnownEntity("ent_coach", "Sean Payton", "PERSON", "sean payton", {"person"}, {"ent_no"})
    ev = Evidence(df={"ent_hp": 4, "ent_eyp": 3, "ent_no": 4, "ent_coach": 3}, n_docs=300)
    hp_group = _g("a", "hp", "HP", "ORG")
    hp_group.acronym = True
    groups = [
        hp_group,
        _g("a", "eyp facilities", "EYP Facilities", "ORG"),
        _g("b", "saints", "Saints", "ORG"),
        _g("b", "sean payton", "Sean Payton"),
        _g("c", "saints", "Saints", "ORG"),  # no shared context: stays its own entity
    ]
    res, _ = resolve_entities(groups, [hp, eyp, saints, coach], ev)
    assert res[("a", "hp")].entity_id == "ent_hp" and res[("a", "hp")].method == "acronym"
    assert res[("b", "saints")].entity_id == "ent_no" and res[("b", "saints")].method == "short_form"
    assert res[("c", "saints")].entity_id != "ent_no"


def test_given_name_variant_joins_across_documents() -> None:
    fred = KnownEntity("ent_fred", "Frederick Hale", "PERSON", "frederick hale", {"person"})
    res, _ = resolve_entities([_g("d", "fred hale", "Fred Hale")], [fred])
    assert res[("d", "fred hale")].entity_id == "ent_fred"
    assert res[("d", "fred hale")].method == "given_name"
    res2, _ = resolve_entities([_g("e", "tom hale", "Tom Hale")], [fred])
    assert res2[("e", "tom hale")].entity_id != "ent_fred"


def test_two_people_one_surname_in_one_batch_stay_apart() -> None:
    groups = [
        _g("a", "maria keller", "Maria Keller"),
        _g("a", "bundesbank", "Bundesbank", "ORG"),
        _g("b", "tom keller", "Tom Keller"),
        _g("b", "red sox", "Red Sox", "ORG"),
    ]
    res, _ = resolve_entities(groups, [])
    assert res[("a", "maria keller")].entity_id != res[("b", "tom keller")].entity_id


def test_entity_ids_are_stable() -> None:
    groups = [_g("d1", "ana lopez", "Ana Lopez"), _g("d1", "sharif", "Sharif")]
    a, _ = resolve_entities(groups, [])
    b, _ = resolve_entities(list(reversed(groups)), [])
    assert {k: v.entity_id for k, v in a.items()} == {k: v.entity_id for k, v in b.items()}


def test_annotate_mentions_carry_within_doc_keys(nlp, settings: Settings) -> None:
    docs = pa.table({"doc_id": ["x"], "title": [None], "body": [NOISY]})
    ann = annotate(docs, nlp, settings)
    rows = ann.mentions.to_pylist()
    assert rows and all(NOISY[r["start_char"] : r["end_char"]] == r["surface_text"] for r in rows)
    keys = {r["canonical_key"] for r in rows if "Scholz" in r["surface_text"]}
    assert keys == {"olaf scholz"}


def test_demonym_of_a_place_in_the_document_is_norp() -> None:
    def mk(start: int, text: str, label: str) -> Mention:
        return Mention(start, start + len(text), text, label, name=text, key=name_key(text))

    ms = resolve_within_doc(
        [
            mk(0, "Kashmir", "LOC"),
            mk(20, "Kashmiri", "ORG"),
            mk(40, "Israelis", "ORG"),
            mk(60, "Kashmiri", "ORG"),
        ]
    )
    assert [m.label for m in ms] == ["LOC", "NORP", "ORG", "NORP"]  # no Israel in this document


def test_surname_of_several_full_names_goes_to_the_one_the_document_is_about() -> None:
    def mk(start: int, text: str) -> Mention:
        return Mention(start, start + len(text), text, "PERSON", name=text, key=name_key(text))

    # Marta Quill leads (3 full mentions, first), her brother Oren once: "Quill" is Marta
    ms = resolve_within_doc(
        [
            mk(0, "Marta Quill"),
            mk(40, "Quill"),
            mk(80, "Marta Quill"),
            mk(120, "Oren Quill"),
            mk(160, "Marta Quill"),
            mk(200, "Quill"),
        ]
    )
    assert {m.canonical_name for m in ms if m.text == "Quill"} == {"Marta Quill"}
    assert {m.canonical_name for m in ms if m.text == "Oren Quill"} == {"Oren Quill"}
    # two siblings named equally often: the bare surname is not guessed
    ms = resolve_within_doc([mk(0, "Marta Quill"), mk(40, "Oren Quill"), mk(80, "Quill")])
    assert [m.canonical_name for m in ms if m.text == "Quill"] == ["Quill"]
    # the short form written before the leading full name is not guessed either
    ms = resolve_within_doc(
        [mk(0, "Quill"), mk(40, "Marta Quill"), mk(80, "Marta Quill"), mk(120, "Oren Quill")]
    )
    assert [m.canonical_name for m in ms if m.text == "Quill"] == ["Quill"]


def test_name_cut_at_a_quoted_nickname_is_one_person() -> None:
    from parallax.entities.mentions import _join_nicknames

    body = 'Dario "The Needle" Ferrante was freed. Anna \'Kit\' Marsh spoke. Tom "Big" ran.'
    spans = [(0, 5, "PERSON"), (12, 26, "PERSON"), (body.index("Anna"), body.index("Anna") + 4, "PERSON")]
    spans.append((body.index("Tom"), body.index("Tom") + 3, "PERSON"))
    got = [body[s:e] for s, e, _ in _join_nicknames(body, spans)]
    assert got == ['Dario "The Needle" Ferrante', "Anna 'Kit' Marsh", "Tom"]  # no surname after "Big"
    # the tagger's span may take the opening quote: "Dario '" + "Needle" + "Ferrante"
    body = "Dario 'The Needle' Ferrante was freed."
    spans = [(0, 7, "PERSON"), (12, 18, "PERSON"), (19, 27, "PERSON")]
    assert [body[s:e] for s, e, _ in _join_nicknames(body, spans)] == ["Dario 'The Needle' Ferrante"]
    # one key with or without the nickname, in double or single quotes; O'Brien keeps its O
    assert person_key('Dario "The Needle" Ferrante') == person_key("Dario Ferrante") == "dario ferrante"
    assert person_key("Anna 'Kit' Marsh") == "anna marsh"
    assert person_key("Ann O'Brien") == "ann obrien"


def test_city_named_for_its_team_is_the_team_unless_written_as_a_place() -> None:
    def mk(start: int, text: str, label: str, before: str = "") -> Mention:
        return Mention(
            start, start + len(text), text, label, name=text, key=name_key(text), word_before=before
        )

    # "The Dunmore Otters beat Kestrel ... Dunmore led at half time": Dunmore is the team
    ms = resolve_within_doc(
        [
            mk(0, "Dunmore Otters", "ORG"),
            mk(30, "Kestrel", "GPE"),
            mk(60, "Dunmore", "GPE"),
            mk(90, "Dunmore", "GPE"),
        ]
    )
    assert {m.canonical_name for m in ms if m.text == "Dunmore"} == {"Dunmore Otters"}
    assert [m.canonical_name for m in ms if m.text == "Kestrel"] == ["Kestrel"]  # no team of that name
    # "... fans in Dunmore": the city is written as a place there, so it stays the city
    ms = resolve_within_doc(
        [mk(0, "Dunmore Otters", "ORG"), mk(60, "Dunmore", "GPE"), mk(90, "Dunmore", "GPE", before="in")]
    )
    assert {m.canonical_name for m in ms if m.text == "Dunmore"} == {"Dunmore"}
    # a country and its army are not a city and its team ("Army" is no plural nickname)
    ms = resolve_within_doc([mk(0, "Varnia Army", "ORG"), mk(40, "Varnia", "GPE")])
    assert [m.canonical_name for m in ms if m.text == "Varnia"] == ["Varnia"]


def test_a_name_with_a_possessive_inside_is_two_names() -> None:
    from parallax.entities.mentions import _split_possessive

    def split(text: str) -> list[str]:
        return [text[s:e] for s, e in _split_possessive(text, 0, len(text))]

    assert split("Harbor Hawks’ Cup Final") == ["Harbor Hawks", "Cup Final"]
    assert split("Harbor Hawks ’ Cup Final") == ["Harbor Hawks", "Cup Final"]  # detokenised text
    assert split("Acme's Rivet Works") == ["Acme", "Rivet Works"]
    assert split("Dorlan's Corp") == ["Dorlan's Corp"]  # a company named with a possessive
    assert split("Ann O'Brien") == ["Ann O'Brien"] and split("Telford's") == ["Telford's"]
