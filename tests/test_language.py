"""Language identification: recorded per document, foreign documents kept but not extracted."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from parallax import language
from parallax.settings import Settings

FRENCH = (
    "Le conseil municipal a voté mardi soir un budget en hausse pour la rénovation des écoles. "
    "Selon la maire, les travaux commenceront au printemps et dureront deux ans. L'opposition "
    "dénonce une dépense trop lourde pour les finances de la commune."
)
GERMAN = (
    "Der Stadtrat hat am Dienstagabend einen höheren Haushalt für die Sanierung der Schulen "
    "beschlossen. Nach Angaben der Bürgermeisterin beginnen die Arbeiten im Frühjahr und dauern "
    "zwei Jahre. Die Opposition kritisiert die Ausgaben als zu hoch für die Gemeinde."
)
SPANISH = (
    "El ayuntamiento aprobó el martes por la noche un presupuesto mayor para la renovación de "
    "las escuelas. Según la alcaldesa, las obras empezarán en primavera y durarán dos años."
)
CHINESE = (
    "市议会周二晚间通过了一项用于学校翻修的预算。"
    "市长表示，工程将于春季开始，持续两年。反对派批评这笔开支过高。"
)
ENGLISH = (
    "The city council on Tuesday night approved a larger budget for repairing the schools. "
    "The mayor said the work would begin in the spring and last two years, while the opposition "
    "called the spending too heavy for the town's finances."
)
# Headline-only items and terse wire snippets: too little text to be sure, they stay English.
HEADLINES = [
    "Fed holds rates steady",
    "Quake jolts coastal town",
    "Merger talks collapse",
    "Storm shuts ports",
    "Ministers meet in Oslo",
    "Renault profit beats forecast",
    "Oil slips; euro firm",
    "Gold at record high",
]


def test_long_texts_get_their_language(settings: Settings) -> None:
    got = language.detect_languages([FRENCH, GERMAN, SPANISH, CHINESE, ENGLISH], settings)
    assert got == ["fr", "de", "es", "zh", "en"]


def test_headlines_and_short_items_stay_in_the_default_language(settings: Settings) -> None:
    assert language.detect_languages(HEADLINES, settings) == ["en"] * len(HEADLINES)
    # the default is the first configured model language, not a hard-coded "en"
    german_model = settings.model_copy(update={"model_languages": "de,en"})
    assert language.detect_languages(["Fed holds rates"], german_model) == ["de"]


def test_an_english_article_quoting_another_language_stays_english(settings: Settings) -> None:
    mixed = ENGLISH + ' A resident told reporters: "C\'est une bonne nouvelle pour nos enfants."'
    assert language.detect_languages([mixed], settings) == ["en"]


def test_decision_rule() -> None:
    text = "x" * 100
    assert language.decide("fr", 0.99, text=text, default="en", min_confidence=0.9) == "fr"
    assert language.decide("fr", 0.5, text=text, default="en", min_confidence=0.9) == "en"
    assert language.decide("fr", 0.99, text="court", default="en", min_letters=20) == "en"
    assert language.decide(None, 1.0, text=text, default="en") == "en"


def test_model_languages_setting_parses() -> None:
    s = Settings(model_languages=" EN, de ,")
    assert s.model_language_set == frozenset({"en", "de"})
    assert s.default_language == "en"


def _stage(con: duckdb.DuckDBPyConnection, settings: Settings, input_dir: Path) -> list[str]:
    from parallax.clean import clean_documents
    from parallax.ingest import ingest_files, scan_inputs

    scan = scan_inputs(input_dir, settings)
    ingested = ingest_files(con, "run1", input_dir, scan.files, settings)
    return clean_documents(con, "run1", ingested.doc_ids, settings).doc_ids


@pytest.mark.integration
def test_foreign_documents_are_listed_but_not_extracted(
    con: duckdb.DuckDBPyConnection, settings: Settings, nlp, tmp_path: Path
) -> None:
    """Real ingest -> clean -> extract: the French and German documents are in dim_documents with
    their language and have no mentions; the English one is extracted."""
    from parallax import db
    from parallax.runner import extract_documents

    src = tmp_path / "input"
    src.mkdir()
    (src / "paris.txt").write_text(
        "Budget des écoles adopté\n\n" + FRENCH + " Emmanuel Macron a salué la décision à Paris.\n",
        encoding="utf-8",
    )
    (src / "berlin.txt").write_text(
        "Schulhaushalt beschlossen\n\n" + GERMAN + " Olaf Scholz lobte in Berlin den Beschluss.\n",
        encoding="utf-8",
    )
    (src / "london.txt").write_text(
        "Council backs school budget\n\n" + ENGLISH + " Keir Starmer praised the decision in London.\n",
        encoding="utf-8",
    )
    ids = _stage(con, settings, src)
    result = extract_documents(con, "run1", ids, settings, nlp)
    assert result.counts["documents_other_language"] == 2
    db.apply_sql(con, settings.sql, ["marts"])
    rows = con.execute(
        "select d.path, d.language, count(m.doc_id) from marts.dim_documents d "
        "left join intermediate.int_mentions m using (doc_id) group by all order by 1"
    ).fetchall()
    assert [(p, lang) for p, lang, _ in rows] == [
        ("berlin.txt", "de"),
        ("london.txt", "en"),
        ("paris.txt", "fr"),
    ]
    mentions = {p: n for p, _, n in rows}
    assert mentions["berlin.txt"] == 0 and mentions["paris.txt"] == 0
    assert mentions["london.txt"] > 0
    # configuring a German model makes the German document extractable (and keeps French out)
    german = settings.model_copy(update={"model_languages": "en,de"})
    assert language.other_language_doc_ids(con, ids, german) == [
        i for (i,) in con.execute("select doc_id from raw.documents where path = 'paris.txt'").fetchall()
    ]


def test_truncation_is_recorded(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    """A body longer than max_nlp_chars records where NLP stops reading; a short one records null."""
    src = tmp_path / "input"
    src.mkdir()

    def paragraph(i: int) -> str:
        return " ".join(
            f"The committee met for session {i}-{j} to discuss the harbour project and its costs."
            for j in range(40)
        )

    (src / "long.txt").write_text(
        "Long report\n\n" + "\n\n".join(paragraph(i) for i in range(5)), encoding="utf-8"
    )
    (src / "short.txt").write_text("Short report\n\n" + paragraph(0)[:300], encoding="utf-8")
    small = settings.model_copy(update={"max_nlp_chars": 5000})
    _stage(con, small, src)
    rows = dict(
        con.execute(
            "select r.path, s.nlp_truncated_at from staging.stg_documents s "
            "join raw.documents r using (doc_id)"
        ).fetchall()
    )
    assert rows == {"long.txt": 5000, "short.txt": None}
    body_len = con.execute(
        "select length(body) from staging.stg_documents s join raw.documents r using (doc_id) "
        "where path = 'long.txt'"
    ).fetchone()
    assert body_len is not None and body_len[0] > 5000
