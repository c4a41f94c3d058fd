"""Lexicon: word classes from spaCy's own word index (no extra word lists)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parallax.entities.names import _APOSTROPHES, FUNCTION_WORDS


@dataclass(frozen=True)
class Lexicon:
    """Word classes from the pipeline's lemmatizer tables (WordNet-derived) plus its stop words.

    WordNet lists many proper names as nouns (countries, cities, surnames), so noun membership
    alone never makes a word "common"; verb, adjective and adverb membership, plural nouns and
    function words do.
    """

    nouns: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()
    adjs: frozenset[str] = frozenset()
    advs: frozenset[str] = frozenset()
    stop_words: frozenset[str] = FUNCTION_WORDS
    rules: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def _lemmas(self, word: str, pos: str) -> set[str]:
        out = {word}
        for p, rules in self.rules:
            if p != pos:
                continue
            for old, new in rules:
                if old and word.endswith(old):
                    out.add(word[: len(word) - len(old)] + new)
        return out

    def in_index(self, word: str) -> set[str]:
        """Word classes ('noun', 'verb', 'adj', 'adv') the lowercase word belongs to."""
        w = word.casefold()
        found = set()
        for pos, table in (
            ("noun", self.nouns),
            ("verb", self.verbs),
            ("adj", self.adjs),
            ("adv", self.advs),
        ):
            if any(lemma in table for lemma in self._lemmas(w, pos)):
                found.add(pos)
        return found

    def is_plural_common_noun(self, word: str) -> bool:
        w = word.casefold()
        if len(w) < 4 or not w.endswith("s") or w in self.nouns:
            return False
        return any(lemma in self.nouns for lemma in self._lemmas(w, "noun") if lemma != w)

    def is_common_word(self, word: str) -> bool:
        """Function word, verb/adjective/adverb, or plural common noun (no document evidence)."""
        w = word.casefold().strip(_APOSTROPHES + ".")
        if not w:
            return True
        if w in self.stop_words or w in FUNCTION_WORDS:
            return True
        if self.in_index(w) & {"verb", "adj", "adv"}:
            return True
        return self.is_plural_common_noun(w)

    def is_known_word(self, word: str) -> bool:
        """Any entry in spaCy's word index (including WordNet's proper nouns)."""
        w = word.casefold().strip(_APOSTROPHES + ".")
        return bool(self.in_index(w)) or w in self.stop_words


_LEXICONS: dict[int, Lexicon] = {}


def lexicon_for(nlp: Any) -> Lexicon:
    """The lexicon of a loaded pipeline (cached per pipeline object)."""
    key = id(nlp)
    if key in _LEXICONS:
        return _LEXICONS[key]
    tables: dict[str, frozenset[str]] = {}
    rules: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups
        index = lookups.get_table("lemma_index")
        for pos in ("noun", "verb", "adj", "adv"):
            tables[pos] = frozenset(index.get(pos, []))
        rule_table = lookups.get_table("lemma_rules")
        for pos in ("noun", "verb", "adj"):
            rules.append((pos, tuple((a, b) for a, b in rule_table.get(pos, []))))
    except (KeyError, ValueError):  # a pipeline without the rule lemmatizer: document evidence only
        pass
    stop = frozenset(getattr(nlp.Defaults, "stop_words", set())) | FUNCTION_WORDS
    lex = Lexicon(
        nouns=tables.get("noun", frozenset()),
        verbs=tables.get("verb", frozenset()),
        adjs=tables.get("adj", frozenset()),
        advs=tables.get("adv", frozenset()),
        stop_words=stop,
        rules=tuple(rules),
    )
    _LEXICONS[key] = lex
    return lex
