"""Within-document resolution failure classes, on text of our own.

Mentions are built with `make_mention` over a real string with the label a tagger could give, so
each test pins one rule of `resolve_within_doc` independently of the model's guesses; the list
label test runs the real model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from parallax.entities import (
    Mention,
    build_context,
    clean_mentions,
    lexicon_for,
    load_overrides,
    make_mention,
    person_key,
    person_name,
    resolve_within_doc,
    same_given_name,
)


def mentions(text: str, spans: list[tuple[str, str]]) -> list[Mention]:
    """Mentions of each (surface, label), found in `text` in the order given."""
    out: list[Mention] = []
    pos = 0
    for surface, label in spans:
        m = re.compile(r"\b" + re.escape(surface) + r"\b").search(text, pos)
        assert m, surface
        pos = m.end()
        out.append(make_mention(text, m.start(), m.end(), label, in_heading=False, trimmed=False))
    return out


def by_text(ms: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in ms}


# --- one name, several labels -----------------------------------------------------------------
def test_label_flip_of_a_surname_does_not_split_the_person() -> None:
    text = "Dana Okafor won the vote. Okafor thanked voters. Later Okafor left."
    ms = resolve_within_doc(
        mentions(text, [("Dana Okafor", "PERSON"), ("Okafor", "GPE"), ("Okafor", "NORP")])
    )
    assert {m.canonical_key for m in ms} == {"dana okafor"}
    assert {m.label for m in ms} == {"PERSON"}  # one label per entity


def test_place_is_not_merged_into_a_person_of_the_same_word() -> None:
    text = "Actor Denzel Washington flew in from Washington on Friday."
    ms = by_text(resolve_within_doc(mentions(text, [("Denzel Washington", "PERSON"), ("Washington", "GPE")])))
    assert ms["Washington"].canonical_key == "washington"
    assert ms["Washington"].label == "GPE"
    assert ms["Denzel Washington"].label == "PERSON"


# --- descriptors, titles and suffixes ---------------------------------------------------------
def test_descriptors_and_suffixes_stay_out_of_a_persons_name() -> None:
    text = "Comedian Dana Whitlock hosted. Coroner Pat Ruelas spoke. Dana Whitlock and Pat Ruelas Jr left."
    ms = resolve_within_doc(
        mentions(
            text,
            [
                ("Comedian Dana Whitlock", "PERSON"),
                ("Coroner Pat Ruelas", "PERSON"),
                ("Dana Whitlock", "PERSON"),
                ("Pat Ruelas Jr", "PERSON"),
            ],
        )
    )
    keys = [m.canonical_key for m in ms]
    assert keys == ["dana whitlock", "pat ruelas", "dana whitlock", "pat ruelas"]
    assert ms[0].role == "Comedian" and ms[1].role == "Coroner"
    assert person_key('Vincent "The Pike" Morano') == "vincent morano"
    assert person_name("Harbor Otters QB Lee Baca") == ("Lee Baca", "Harbor Otters QB")
    assert person_name("Billie Jean King") == ("Billie Jean King", None)


def test_titles_are_not_stripped_from_names_that_are_not_people() -> None:
    text = (
        "The Supreme Court, General Motors, the State Department and the Justice Department "
        "met in St. Petersburg."
    )
    ms = by_text(
        resolve_within_doc(
            mentions(
                text,
                [
                    ("Supreme Court", "ORG"),
                    ("General Motors", "ORG"),
                    ("State Department", "ORG"),
                    ("Justice Department", "ORG"),
                    ("St. Petersburg", "GPE"),
                ],
            )
        )
    )
    assert ms["Supreme Court"].canonical_key == "supreme court"
    assert ms["General Motors"].canonical_key == "general motors"
    assert ms["State Department"].canonical_key != ms["Justice Department"].canonical_key
    assert ms["St. Petersburg"].canonical_key == "st petersburg"
    assert all(m.label != "PERSON" for m in ms.values())


# --- given-name variants ----------------------------------------------------------------------
def test_given_name_variants_and_a_given_name_alone_join_the_full_name() -> None:
    assert same_given_name("Bill", "William") and same_given_name("Fred", "Frederick")
    assert not same_given_name("Anna", "Frederick")
    text = (
        "Frederick Hale arrived. Fred Hale said hello. Frederick Hale smiled and Frederick thanked "
        "Ines Varga."
    )
    ms = resolve_within_doc(
        mentions(
            text,
            [
                ("Frederick Hale", "PERSON"),
                ("Fred Hale", "PERSON"),
                ("Frederick Hale", "PERSON"),
                ("Frederick", "PERSON"),
                ("Ines Varga", "PERSON"),
            ],
        )
    )
    assert [m.canonical_key for m in ms] == ["frederick hale"] * 4 + ["ines varga"]
    assert ms[1].method == "given_name"


# --- acronyms and short forms -----------------------------------------------------------------
def test_acronym_defined_in_parentheses_or_by_initials_joins_the_long_name() -> None:
    text = (
        "Nordic Ferry Lines (NFL) and Quill Data Systems signed a deal. NFL will pay, "
        "QDS said. The Harbor Otters beat the Otters of old; the Otters won."
    )
    ms = resolve_within_doc(
        mentions(
            text,
            [
                ("Nordic Ferry Lines", "ORG"),
                ("NFL", "ORG"),
                ("Quill Data Systems", "ORG"),
                ("NFL", "ORG"),
                ("QDS", "ORG"),
                ("Harbor Otters", "ORG"),
                ("Otters", "ORG"),
                ("Otters", "ORG"),
            ],
        )
    )
    keys = [m.canonical_key for m in ms]
    nfl, qds = "nordic ferry lines", "quill data systems"
    assert keys[:5] == [nfl, nfl, qds, nfl, qds]
    assert ms[4].method == "acronym"
    assert keys[5:] == ["harbor otters"] * 3 and ms[6].method == "short_form"


def test_organisation_name_ending_a_longer_one_joins_it() -> None:
    text = "The Nordic Maritime Authority fined the line. The Maritime Authority said more may follow."
    ms = resolve_within_doc(
        mentions(text, [("Nordic Maritime Authority", "ORG"), ("Maritime Authority", "ORG")])
    )
    assert [m.canonical_key for m in ms] == ["nordic maritime authority"] * 2


def test_ambiguous_short_form_stays_separate() -> None:
    text = "Harbor Otters and River Otters drew. The Otters complained."
    ms = by_text(
        resolve_within_doc(
            mentions(text, [("Harbor Otters", "ORG"), ("River Otters", "ORG"), ("Otters", "ORG")])
        )
    )
    assert ms["Otters"].canonical_key == "otters"


# --- overrides --------------------------------------------------------------------------------
def test_keep_apart_override_blocks_a_link(tmp_path: Path) -> None:
    seeds = tmp_path / "entity_aliases.csv"
    seeds.write_text("alias,canonical_name,label\nOkafor,Dana Okafor,KEEP_APART\n", encoding="utf-8")
    text = "Dana Okafor won the vote. Okafor thanked voters."
    ms = resolve_within_doc(
        mentions(text, [("Dana Okafor", "PERSON"), ("Okafor", "PERSON")]), load_overrides(seeds)
    )
    assert [m.canonical_key for m in ms] == ["dana okafor", "okafor"]


# --- names in list labels (real model) --------------------------------------------------------
def test_name_inside_a_list_label_is_kept(nlp) -> None:
    text = "- Talks in Geneva: the two leaders met for three hours on Monday.\n"
    doc = nlp(text)
    got = [m.name for m in clean_mentions(doc, build_context(text), lexicon_for(nlp))]
    assert "Geneva" in got


# --- auditable: aliases keep method, confidence and evidence; `parallax entities NAME` ---------
def test_entities_command_shows_why_aliases_were_linked(con, settings, nlp) -> None:  # type: ignore[no-untyped-def]
    from test_extract import stage_docs
    from typer.testing import CliRunner

    from parallax.cli import app
    from parallax.extract_store import extract_documents

    docs = {
        "n1": "Ferry deal\nNordic Ferry Lines (NFL) agreed to buy two ships from Quill Data Systems. "
        "Chief executive Marta Lindqvist said NFL would pay in cash. Lindqvist flew to Oslo.",
    }
    stage_docs(con, docs)
    extract_documents(con, "run1", list(docs), settings, nlp)
    rows = con.execute(
        "select a.alias, a.method, a.evidence from intermediate.int_entity_aliases a "
        "join intermediate.int_entities e using (entity_id) where e.canonical_name = 'Nordic Ferry Lines' "
        "order by alias"
    ).fetchall()
    assert ("NFL", "acronym", "same document as Nordic Ferry Lines") in rows
    con.execute("checkpoint")
    con.close()
    result = CliRunner().invoke(app, ["entities", "NFL", "--db", str(settings.work_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output[result.output.index("[") :])
    assert found[0]["canonical_name"] == "Nordic Ferry Lines"
    assert {a["alias"]: a["method"] for a in found[0]["aliases"]}["NFL"] == "acronym"
    missing = CliRunner().invoke(app, ["entities", "Zzyzx", "--db", str(settings.work_db)])
    assert missing.exit_code != 0 and "no entity" in missing.output


def test_lowercase_words_the_model_ran_on_past_a_name_are_trimmed() -> None:
    from parallax.entities.mentions import _trim_edges

    text = "The BALTNET subsea cable broke. Officials at Nordic Ferry Lines said so."
    start = text.index("BALTNET")
    assert text[slice(*_trim_edges(text, start, start + len("BALTNET subsea cable")))] == "BALTNET"
    start = text.index("Nordic")
    assert text[slice(*_trim_edges(text, start, start + len("Nordic Ferry Lines")))] == "Nordic Ferry Lines"


def test_headline_verb_inside_a_span_leaves_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    from parallax.entities.mentions import _filter_heading_span

    text = "Why the Council Picked Dana Whitlock As Host\n\nDana Whitlock will host the gala in May.\n"
    ctx = build_context(text)
    ctx.running_name_keys.add("dana whitlock")
    start = text.index("Council")
    span = _filter_heading_span(None, text, start, text.index(" As Host"), ctx, lexicon_for(nlp))
    assert span is not None and text[span[0] : span[1]] == "Dana Whitlock"


def test_a_bare_surname_of_an_earlier_night_is_re_resolved_when_the_full_name_arrives(
    con, settings, nlp
) -> None:  # type: ignore[no-untyped-def]
    from test_extract import stage_docs

    from parallax.entity_archive import stale_short_forms
    from parallax.extract_store import extract_documents

    def entity_of(doc: str, surface: str) -> set[str]:
        rows = con.execute(
            "select distinct entity_id from intermediate.int_mentions where doc_id = ? and surface_text = ?",
            [doc, surface],
        ).fetchall()
        return {r[0] for r in rows}

    night1 = {
        "a": "Mill closure\nPelletier told workers at the Harrowgate Mill that the Ostrava Textile Union "
        "had rejected his offer. Pelletier said the mill would close in May.",
    }
    night2 = {
        "b": "Mill to close\nOwner Jonas Pelletier told workers at the Harrowgate Mill that the Ostrava "
        "Textile Union had rejected the offer. Pelletier said the mill would close in May.",
        "c": "Union rejects offer\nThe Ostrava Textile Union turned down Jonas Pelletier's final offer for "
        "the Harrowgate Mill on Tuesday.",
    }
    # other news of the first night, so that the mill and the union are rare evidence
    towns = ["Dunmore", "Kestrel Bay", "Ashford", "Linden", "Marrow Hill", "Tessaly", "Ostra Cove", "Elric"]
    others = {
        f"o{i}": f"Council news\nThe council of {town} approved a budget for schools on Monday, "
        f"mayor Ines Calder{i} said."
        for i, town in enumerate(towns)
    }
    stage_docs(con, {**night1, **others, **night2})
    extract_documents(con, "run1", [*night1, *others], settings, nlp)
    bare = entity_of("a", "Pelletier")
    assert len(bare) == 1
    assert stale_short_forms(con, "run1", 10) == []  # nothing longer named yet
    extract_documents(con, "run2", list(night2), settings, nlp)
    full = entity_of("b", "Jonas Pelletier")
    assert entity_of("a", "Pelletier") == bare  # resolved against the first night's archive
    assert stale_short_forms(con, "run2", 10) == ["a"]
    assert stale_short_forms(con, "run2", 0) == []
    extract_documents(con, "run2", ["a"], settings, nlp)
    assert entity_of("a", "Pelletier") == full
    assert stale_short_forms(con, "run2", 10) == []  # linked now: nothing left to re-read


def test_organisation_with_a_country_after_it_or_in_the_plural_joins_the_known_one() -> None:
    from parallax.entities import DocGroup, KnownEntity, resolve_entities
    from parallax.entities.resolution import org_key_variants

    assert org_key_variants("t-mobile usa") == ["t-mobile"]
    assert org_key_variants("quillbook pros") == ["quillbook pro"]
    assert org_key_variants("acme") == [] and org_key_variants("business class") == []
    known = [KnownEntity("e1", "Dorlan Mobile", "ORG", "dorlan mobile", {"org"})]
    groups = [
        DocGroup("d2", "dorlan mobile usa", "Dorlan Mobile USA", "ORG", {"org"}, False, 1),
        DocGroup("d3", "dorlan mobiles", "Dorlan Mobiles", "ORG", {"org"}, False, 1),
        DocGroup("d4", "dorlan usa", "Dorlan USA", "ORG", {"org"}, False, 1),
    ]
    out, _ = resolve_entities(groups, known)
    assert out[("d2", "dorlan mobile usa")].entity_id == "e1"
    assert out[("d3", "dorlan mobiles")].entity_id == "e1"
    assert out[("d4", "dorlan usa")].entity_id != "e1"  # no "Dorlan" known


def test_a_night_re_reads_archived_documents_in_proportion_to_what_it_read() -> None:
    from parallax.entity_archive import reresolve_limit

    assert reresolve_limit(200, 2.0, 30) == 60  # 30 new articles: at most 60 archived ones re-read
    assert reresolve_limit(200, 2.0, 1000) == 200
    assert reresolve_limit(200, 0.5, 3) == 2
    assert reresolve_limit(0, 2.0, 30) == 0 and reresolve_limit(200, 2.0, 0) == 0


def test_the_archive_read_keeps_every_entity_the_resolver_could_match_and_only_those(mem_con) -> None:  # type: ignore[no-untyped-def]
    """`known_entities` narrows the archive to what `resolve_entities` can use (same key or a variant
    of it, first or last word, initials, a link made before, a renamed entity holding a new name's id)
    and resolves the batch exactly as the whole archive does."""
    from parallax.entities import DocGroup, KnownEntity, key_for, label_class, new_entity_id, resolve_entities
    from parallax.entity_archive import BatchNames, known_entities

    renamed = new_entity_id("acme harbour", "ORG")  # created as "Acme Harbour", renamed since
    archive = [
        ("e_saints", "New Orleans Saints", "ORG"),
        ("e_boeing", "The Boeing Co.", "ORG"),
        ("e_benjamin", "Regina M. Benjamin", "PERSON"),
        ("e_ibm", "International Business Machines", "ORG"),
        ("e_gorbachev", "Mikhail Gorbachev", "PERSON"),
        ("e_chicago", "First National Bank of Chicago", "ORG"),  # "national" only inside its name
        ("e_tmobile", "T-Mobile", "ORG"),
        (renamed, "Port of Acme", "ORG"),
    ]
    mem_con.executemany(
        "insert into intermediate.int_entities (entity_id, canonical_name, label, run_id) "
        "values (?, ?, ?, 'r1')",
        archive,
    )
    mem_con.execute(
        "insert into intermediate.int_entity_aliases (alias, entity_id, method, confidence, run_id) "
        "values ('Gorby', 'e_gorbachev', 'short_form', 0.8, 'r1')"
    )

    def group(name: str, label: str, acronym: bool = False) -> DocGroup:
        return DocGroup("d1", key_for(name, label), name, label, {label_class(label)}, False, 1, acronym)

    groups = [
        group("Saints", "ORG"),
        group("Boeing", "ORG"),
        group("Regina Benjamin", "PERSON"),
        group("IBM", "ORG", acronym=True),
        group("Gorby", "PERSON"),
        group("National Guard", "ORG"),
        group("T-Mobile USA", "ORG"),
        group("Acme Harbour", "ORG"),
    ]
    names = BatchNames.of(groups, {"ibm"})
    known = known_entities(mem_con, ["d1"], names)
    assert set(known) == {e[0] for e in archive} - {"e_chicago"}

    every = [KnownEntity(i, n, lab, key_for(n, lab), {label_class(lab)}, set()) for i, n, lab in archive]
    narrowed, _ = resolve_entities(groups, list(known.values()))
    whole, _ = resolve_entities(groups, every)
    assert narrowed == whole
    assert narrowed[("d1", "boeing")].entity_id == "e_boeing"
    assert narrowed[("d1", "t mobile usa")].entity_id == "e_tmobile"
    assert narrowed[("d1", "acme harbour")].entity_id != renamed  # the renamed entity keeps its id
