"""Language identification of cleaned documents (py3langid, model shipped inside the wheel).

`detect_languages(texts, settings)` returns one ISO 639-1 code per text. The decision rule
(`decide`) keeps the configured language (`settings.default_language`, the first of
`settings.model_languages`) unless the classifier is sure: text with fewer than
`settings.language_min_letters` letters (a headline-only item, a caption) or a top-language
probability below `settings.language_min_confidence` is given the default. A short English
headline is far more likely in this archive than a foreign one, and calling an English item
foreign costs its entities; calling a foreign item English costs some junk rows.

Only the first `settings.language_sample_chars` characters are classified (cost is linear in
the text; a few thousand characters decide any real article).

Why py3langid and not lingua (measured with `python -m bench.language`, docs/PERFORMANCE.md):
with this decision rule it keeps English news and headlines English (lingua: 4.6% of headlines
called foreign), names foreign languages right more often, runs 10-20x faster, and ships a 4.6 MB
wheel with a numpy model instead of a ~100 MB wheel whose models take >1 GB when loaded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import duckdb

from parallax.settings import Settings
from parallax.stage import StageResult

Detector = Callable[[str], tuple[str | None, float]]


@functools.lru_cache(maxsize=1)
def _py3langid() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _py3langid_detect(text: str) -> tuple[str | None, float]:
    lang, prob = _py3langid().classify(text)  # type: ignore[attr-defined]
    return str(lang), float(prob)


@functools.lru_cache(maxsize=1)
def _lingua() -> object:  # pragma: no cover - bench only, not a dependency
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _lingua_detect(text: str) -> tuple[str | None, float]:  # pragma: no cover - bench only
    values = _lingua().compute_language_confidence_values(text)  # type: ignore[attr-defined]
    if not values:
        return None, 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


def raw_detector(library: str = "py3langid") -> Detector:
    """`text -> (iso code, probability)` of `library` ('py3langid', or 'lingua' for the bench)."""
    if library == "py3langid":
        _py3langid()
        return _py3langid_detect
    if library == "lingua":
        _lingua()
        return _lingua_detect
    raise ValueError(f"unknown language identification library {library!r}")


def letters(text: str, stop: int | None = None) -> int:
    """Alphabetic characters in `text` (CJK characters count as letters), counting up to `stop`."""
    n = 0
    for ch in text:
        if ch.isalpha():
            n += 1
            if stop is not None and n >= stop:
                break
    return n


def non_latin_share(text: str) -> float:
    """Share of the letters of `text` outside the Latin script (0 for text without letters)."""
    n = other = 0
    for ch in text:
        if ch.isalpha():
            n += 1
            other += ch > "\u024f"  # beyond Latin Extended-B: Greek, Cyrillic, Arabic, CJK, ...
    return other / n if n else 0.0


def decide(
    lang: str | None,
    confidence: float,
    *,
    text: str,
    default: str = "en",
    min_confidence: float = 0.9,
    min_letters: int = 20,
) -> str:
    """The language to record: the classifier's when it is sure, else `default` (see module doc).

    Text mostly in a non-Latin script cannot be in a Latin-script default language, so there the
    classifier's answer stands whatever its confidence (its probabilities are tempered by text
    length, and a short Chinese paragraph is few bytes).
    """
    if not lang or letters(text, min_letters) < min_letters:
        return default
    if confidence >= min_confidence:
        return lang
    if non_latin_share(text) > 0.5 and non_latin_share(default_sample(default)) < 0.5:
        return lang
    return default


def default_sample(default: str) -> str:
    """A word in the default language's script (Latin unless the default is a non-Latin language)."""
    return _SCRIPT_SAMPLE.get(default, "a")


_SCRIPT_SAMPLE = {
    "ru": "я", "uk": "я", "bg": "я", "sr": "я", "el": "α", "zh": "中", "ja": "の", "ko": "한",
    "ar": "ع", "fa": "ع", "ur": "ع", "he": "א", "hi": "क", "th": "ก",
}  # fmt: skip


def detect_languages(texts: Iterable[str], settings: Settings, detect: Detector | None = None) -> list[str]:
    """ISO 639-1 code of each text (title and body joined), by `decide`'s rule.

    `detect` defaults to py3langid (the bench passes lingua's to compare)."""
    detect = detect or raw_detector()
    out = []
    for text in texts:
        sample = text[: settings.language_sample_chars]
        lang, conf = detect(sample)
        out.append(
            decide(
                lang,
                conf,
                text=sample,
                default=settings.default_language,
                min_confidence=settings.language_min_confidence,
                min_letters=settings.language_min_letters,
            )
        )
    return out


def model_reads(language: str | None, settings: Settings) -> bool:
    """True when the configured NLP model reads `language` (unknown language: the default's)."""
    return (language or settings.default_language) in settings.model_language_set


def other_language_doc_ids(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], settings: Settings
) -> list[str]:
    """Documents among `doc_ids` whose recorded language the NLP model does not read.

    They stay in staging and the marts (listed with their language) but get no mentions, facts
    or attributions. A document without a recorded language counts as the default language.
    """
    if not doc_ids:
        return []
    rows = con.execute(
        "select doc_id from staging.stg_documents where doc_id in (select unnest(?::varchar[])) "
        "and language is not null and language not in (select unnest(?::varchar[])) order by doc_id",
        [list(doc_ids), sorted(settings.model_language_set)],
    ).fetchall()
    return [r[0] for r in rows]


def keep_model_languages(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], settings: Settings, result: StageResult
) -> list[str]:
    """`doc_ids` less those in a language the model does not read; their number is added to
    `result` as `documents_other_language`."""
    skipped = set(other_language_doc_ids(con, doc_ids, settings))
    result.add("documents_other_language", len(skipped))
    return [d for d in doc_ids if d not in skipped]
