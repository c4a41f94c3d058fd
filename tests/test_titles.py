"""Headlines are text too: titles are tagged, filtered as headings, and resolved with the body."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from parallax import db
from parallax.entities import Lexicon, build_context, lexicon_for, make_mention
from parallax.extract import TITLE_SENTENCE, annotate
from parallax.extract_store import extract_documents
from parallax.settings import Settings
from parallax.titles import body_names_in_title, is_headline_case, model_body, model_text, only_title_words

BODY = (
    "Grace Okafor won the runoff in Maardu on Sunday, beating two rivals.\n"
    "Okafor said the win belonged to the town, and the quake last spring had shaped her campaign."
)
TITLE = "Okafor Wins Runoff In Maardu After Quake Year"


def _docs(**titles_bodies: tuple[str, str]) -> pa.Table:
    return pa.table(
        {
            "doc_id": list(titles_bodies),
            "title": [t for t, _ in titles_bodies.values()],
            "body": [b for _, b in titles_bodies.values()],
        }
    )


def test_model_text_keeps_length_and_lowercases_common_headline_words() -> None:
    ctx = build_context(BODY)
    text = model_text(TITLE, ctx, Lexicon())
    assert len(text) == len(TITLE)
    # the body writes "quake" lowercase and "Okafor"/"Maardu" capitalized
    assert text.startswith("Okafor ") and "Maardu" in text and "quake" in text
    caps = model_text("OKAFOR WINS RUNOFF IN MAARDU", ctx, Lexicon())
    assert caps.startswith("Okafor") and "Maardu" in caps and len(caps) == len("OKAFOR WINS RUNOFF IN MAARDU")
    # a sentence-case title is read as written
    assert not is_headline_case("Okafor wins the runoff in Maardu")
    assert (
        model_text("Okafor wins the runoff in Maardu", ctx, Lexicon()) == "Okafor wins the runoff in Maardu"
    )


def test_body_names_found_in_headline_on_word_boundaries() -> None:
    full = make_mention(BODY, 0, 12, "PERSON", in_heading=False, trimmed=False)
    assert full.text == "Grace Okafor"
    hits = body_names_in_title("Okafor Wins; Okaforville Cheers", [full], [])
    assert [(s, e) for s, e, _ in hits] == [(0, 6)]  # the surname, not inside "Okaforville"
    assert hits[0][2] is full
    assert body_names_in_title("OKAFOR WINS", [full], [(0, 6)]) == []  # the tagger's span wins


def test_a_bare_personal_title_is_not_a_headline_name() -> None:
    body = "Harbour County Sheriff spoke to reporters. The sheriff said the sheriff office would reopen."
    tagged = make_mention(body, 0, 22, "PERSON", in_heading=False, trimmed=False)  # a tagger slip
    assert tagged.text == "Harbour County Sheriff"
    assert body_names_in_title("Sheriff Speaks Out", [tagged], [], build_context(body)) == []
    assert only_title_words("Deputy") and only_title_words("the Minister") and not only_title_words("Okafor")


def test_title_mentions_have_title_offsets_and_the_body_entity(nlp, settings: Settings) -> None:
    ann = annotate(_docs(d1=(TITLE, BODY)), nlp, settings)
    rows = ann.mentions.to_pylist()
    title_rows = [r for r in rows if r["part"] == "title"]
    body_rows = [r for r in rows if r["part"] == "body"]
    assert title_rows and body_rows
    for r in title_rows:
        assert TITLE[r["start_char"] : r["end_char"]] == r["surface_text"]
        assert r["sentence_index"] == TITLE_SENTENCE
    for r in body_rows:
        assert BODY[r["start_char"] : r["end_char"]] == r["surface_text"]
    okafor = [r for r in title_rows if r["surface_text"] == "Okafor"]
    assert okafor and okafor[0]["canonical_name"] == "Grace Okafor"
    # headline words that are not names do not become mentions
    surfaces = " ".join(r["surface_text"] for r in rows)
    for word in ("Wins", "Runoff", "Quake", "Year"):
        assert word not in surfaces, word
    # mention_index is unique in the document, body first
    assert [r["mention_index"] for r in rows] == list(range(len(rows)))
    assert max(r["mention_index"] for r in body_rows) < min(r["mention_index"] for r in title_rows)


def test_capitals_headline_gives_no_common_word_entities(nlp, settings: Settings) -> None:
    body = "An earthquake struck the hill town of Chota on Monday, killing seven people. The quake cut roads."
    title = "QUAKE KILLS SEVEN IN CHOTA"
    ann = annotate(_docs(d2=(title, body)), nlp, settings)
    title_rows = [r for r in ann.mentions.to_pylist() if r["part"] == "title"]
    assert {r["surface_text"] for r in title_rows} <= {"CHOTA"}
    facts = [r for r in ann.facts.to_pylist() if r["part"] == "title"]
    assert all(title[r["start_char"] : r["end_char"]] == r["value_text"] for r in facts)


def _stage(con: duckdb.DuckDBPyConnection, doc_id: str, title: str, body: str) -> None:
    db.insert_arrow(
        con,
        "staging.stg_documents",
        pa.Table.from_pylist(
            [
                {
                    "doc_id": doc_id,
                    "source": "s",
                    "title": title,
                    "body": body,
                    "normalized_sha256": doc_id,
                    "word_count": len(body.split()),
                    "paragraph_count": 1,
                    "sentence_count": 1,
                    "published_at": None,
                    "run_id": "r1",
                }
            ]
        ),
    )
    db.insert_arrow(
        con,
        "staging.stg_sentences",
        pa.Table.from_pylist(
            [
                {
                    "doc_id": doc_id,
                    "sentence_index": 0,
                    "paragraph_index": 0,
                    "start_char": 0,
                    "end_char": len(body),
                    "text": body,
                    "run_id": "r1",
                }
            ]
        ),
    )


def test_title_mention_resolves_to_the_body_entity_in_the_database(
    con: duckdb.DuckDBPyConnection, settings: Settings, nlp
) -> None:
    _stage(con, "d1", TITLE, BODY)
    extract_documents(con, "r1", ["d1"], settings, nlp)
    rows = con.execute(
        "select part, surface_text, entity_id, sentence_index, start_char, end_char "
        "from intermediate.int_mentions where surface_text in ('Okafor', 'Grace Okafor') order by part"
    ).fetchall()
    parts = {r[0] for r in rows}
    assert parts == {"body", "title"}
    assert len({r[2] for r in rows}) == 1  # one entity for the headline's and the body's Okafor
    title_row = next(r for r in rows if r[0] == "title")
    assert TITLE[title_row[4] : title_row[5]] == "Okafor" and title_row[3] == -1
    name = con.execute(
        "select canonical_name from intermediate.int_entities where entity_id = ?", [rows[0][2]]
    ).fetchall()
    assert name == [("Grace Okafor",)]
    bad = con.execute(
        "select count(*) from intermediate.int_mentions m join staging.stg_documents d using (doc_id) "
        "where substr(case m.part when 'title' then d.title else d.body end, m.start_char + 1, "
        "m.end_char - m.start_char) <> m.surface_text"
    ).fetchall()
    assert bad == [(0,)]


SHOUTED = (
    "Firefighters said the blaze spread fast. THREE PEOPLE HAVE DIED IN A BLAZE that broke out at "
    "the Korvala Bank in Tartu, police said. The UN and the EU sent condolences; the UN said more."
)


def test_model_body_reads_shouted_runs_in_sentence_case(nlp) -> None:
    text = model_body(SHOUTED, build_context(SHOUTED), lexicon_for(nlp))
    assert len(text) == len(SHOUTED)
    assert "Three people have died in a blaze that" in text
    assert text.endswith("The UN and the EU sent condolences; the UN said more.")  # acronyms stay
    assert model_body(BODY, build_context(BODY), Lexicon()) == BODY  # nothing shouted: as written


def test_a_shouted_sentence_gives_its_figures_as_written(nlp, settings: Settings) -> None:
    ann = annotate(_docs(d3=("Bank fire in Tartu", SHOUTED)), nlp, settings)
    facts = [r for r in ann.facts.to_pylist() if r["part"] == "body"]
    assert [(r["value_text"], r["measure"]) for r in facts if r["fact_type"] == "cardinal"] == [
        ("THREE", "deaths")
    ]
    body = [r for r in ann.mentions.to_pylist() if r["part"] == "body"]
    assert all(SHOUTED[r["start_char"] : r["end_char"]] == r["surface_text"] for r in body)


DATELINE_BODY = (
    "Sunday, 4 May 2025\n\n"
    "Former Clerk Kills Three In Tallinn Depot Shooting\n\n"
    "A former clerk opened fire at a Tallinn depot on Saturday, killing three co-workers, police said."
)


def test_a_headline_line_in_the_body_is_read_as_a_title(nlp, settings: Settings) -> None:
    lex = lexicon_for(nlp)
    text = model_body(DATELINE_BODY, build_context(DATELINE_BODY), lex)
    assert len(text) == len(DATELINE_BODY)
    assert "kills three in" in text  # the verb and the count, not a name's words
    ann = annotate(_docs(d4=("Sunday, 4 May 2025", DATELINE_BODY)), nlp, settings)
    line = DATELINE_BODY.index("Former")
    facts = [(r["value_text"], r["measure"]) for r in ann.facts.to_pylist() if r["start_char"] >= line]
    assert facts[0] == ("Three", "deaths") and ("three", "deaths") in facts


def test_a_hyphen_between_a_kicker_and_the_figure_is_a_dash(nlp, settings: Settings) -> None:
    body = "Three people died in a fire at a bank in Tartu on Friday, the police said."
    cases = {
        "BREAKING NEWS-3 DEAD after fire at bank in Tartu": ("3", "deaths"),
        "Tartu Bank Fire Follow-Up-3 Dead, 2 Injured": ("3", "deaths"),
        "Breaking News-Three Dead In Tartu Bank Fire": ("Three", "deaths"),
    }
    ann = annotate(_docs(**{f"k{i}": (t, body) for i, t in enumerate(cases)}), nlp, settings)
    rows = [r for r in ann.facts.to_pylist() if r["part"] == "title"]
    for i, (title, want) in enumerate(cases.items()):
        got = [(r["value_text"], r["measure"]) for r in rows if r["doc_id"] == f"k{i}"]
        assert want in got, (title, got)
    lex = lexicon_for(nlp)
    ctx = build_context(body)
    # a name's or a model's number stays glued; so does a number word's part
    kept = ("COVID-19 Deaths Rise In Tartu", "AK-47 Rifles Found In Tartu", "Twenty-Three Dead In Tartu")
    for title in kept:
        assert "-" in model_text(title, ctx, lex)[: title.index(" ")], title


def test_a_dateline_read_as_a_headline_gives_no_clock_time_as_a_figure(nlp, settings: Settings) -> None:
    body = "August 10, 2011 - - Updated 0947 GMT (1747 HKT)\n\nAt 1530 UTC, 12 people were hurt in Tartu."
    ann = annotate(_docs(z1=("Bank fire in Tartu", body)), nlp, settings)
    got = [(r["value_text"], r["measure"]) for r in ann.facts.to_pylist() if r["fact_type"] == "cardinal"]
    assert got == [("12", "injured")]
