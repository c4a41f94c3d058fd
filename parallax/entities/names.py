"""Name normalization: titles, possessives, comparison keys (closed word classes only)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nameparser.config import CONSTANTS
from nicknames import NickNamer

# Personal titles, honorifics and job descriptors written before a person's name come from
# `nameparser`'s maintained title list (812 entries: "President", "Dr", "Comedian", "Gen.", ...).
# It lacks a few that news writing puts before names; this extension list holds only those.
_TITLE_EXTENSIONS = frozenset(
    {
        # descriptors of office or function nameparser lacks
        "chairman", "chairwoman", "chairperson", "congressman", "congresswoman", "spokesman",
        "spokeswoman", "spokesperson", "superintendent", "inspector", "marshal", "maulana", "emir",
        "crown", "sen", "major", "ministers", "coroner", "sheriff", "mayor-elect", "president-elect",
        # portfolio words of multi-word offices ("Interior Minister", "Defence Secretary")
        "defence", "defense", "interior", "finance", "justice",
        # press descriptors before a name ("Rapper X", "Quarterback Y", "Gunman Z")
        "star", "rapper", "quarterback", "qb", "striker", "midfielder", "defender", "goalkeeper",
        "pitcher", "astronaut", "reporter", "cleric", "suspect", "gunman", "boss", "owner",
        "analyst", "actress", "actor", "singer", "coach",
    }
)  # fmt: skip
_TITLE_TABLE = frozenset(t.casefold().rstrip(".") for t in CONSTANTS.titles) | _TITLE_EXTENSIONS
TITLE_WORDS = _TITLE_TABLE | frozenset(t + "." for t in _TITLE_TABLE if len(t) <= 5)
# Generational and post-nominal suffixes after a person's name ("Jr", "III"), from nameparser
# (Latin-script entries only; one-letter roman numerals are left out: "Malcolm X").
NAME_SUFFIXES = frozenset(
    w.casefold().rstrip(".")
    for w in CONSTANTS.suffix_not_acronyms
    if w.isascii() and w.isalpha() and len(w) > 1 and w not in {"ret", "vet"}
) | {"jr", "sr", "snr", "jnr"}
# Words that may join title words inside a role ("Minister of Foreign Affairs", "Chief of Staff").
_ROLE_JOINERS = frozenset({"of", "for", "the"})
# Portfolio words that end a role after a joiner ("Minister of Foreign Affairs", "Chief of Staff").
_ROLE_TAIL = frozenset(
    w.casefold()
    for w in [
        "Affairs",
        "Staff",
        "Trade",
        "Commerce",
        "Health",
        "Energy",
        "Economy",
        "Education",
        "Justice",
        "Defence",
        "Defense",
        "Interior",
        "Finance",
        "State",
        "Security",
        "Labour",
        "Labor",
        "Agriculture",
        "Transport",
        "Industry",
        "Environment",
        "Information",
    ]
)
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "&",
        "as",
        "into",
        "over",
        "under",
        "after",
        "before",
        "about",
        "against",
        "between",
        "through",
        "during",
        "without",
        "within",
        "up",
        "down",
        "out",
        "off",
        "via",
        "per",
        "vs",
        "vs.",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
    ]
)
_APOSTROPHES = "'’‘`´"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.IGNORECASE)
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•·–—>]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])?\s*")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


# --------------------------------------------------------------------------------------------
# normalization
# --------------------------------------------------------------------------------------------
_QUOTE_TABLE = {ord(a): b for a, b in zip("’‘`´“”", "''''" + '""', strict=True)}


def fold_quotes(text: str) -> str:
    """Curly quotes and apostrophes to ASCII."""
    return text.translate(_QUOTE_TABLE)


def strip_possessive(text: str) -> str:
    """'Raisi's' / 'Raisi’s' / 'Jones'' -> the name without the possessive."""
    return _POSSESSIVE.sub("", text.rstrip())


def split_title(text: str) -> tuple[str, str | None]:
    """('President Ebrahim Raisi') -> ('Ebrahim Raisi', 'President'); leading titles only.

    A name made only of title words ("General") is returned unchanged with no role.
    """
    words = text.split()
    i = 0
    while i < len(words) - 1 and (
        words[i].casefold() in TITLE_WORDS
        or (i > 0 and words[i].casefold() in _ROLE_JOINERS)
        or (i > 0 and words[i - 1].casefold() in _ROLE_JOINERS and words[i].casefold() in _ROLE_TAIL)
        or (i > 1 and words[i - 2].casefold() in _ROLE_JOINERS and words[i].casefold() in _ROLE_TAIL)
    ):
        i += 1
    while i > 0 and words[i - 1].casefold() in _ROLE_JOINERS:
        i -= 1
    if i == 0:
        return text, None
    return " ".join(words[i:]), " ".join(words[:i])


def name_form(text: str) -> str:
    """Canonical written form of a name: whitespace collapsed, leading 'the' and possessive removed.

    Titles stay: "Supreme Court", "General Motors" and "St. Petersburg" are names as written.
    Only PERSON spans lose their titles (`person_name`).
    """
    text = " ".join(text.split())
    text = strip_possessive(text)
    if text[:4].casefold() == "the " and len(text) > 4:
        text = text[4:]
    return text.strip(" \t,;:-–—\"'“”") if len(text) > 1 else text


def person_name(text: str) -> tuple[str, str | None]:
    """A PERSON span -> (name, role): leading titles and descriptors out, as the role
    ("Comedian Ellen DeGeneres" -> "Ellen DeGeneres", "Comedian"; "Acme CEO Ana Lopez" ->
    "Ana Lopez", "Acme CEO")."""
    name, role = split_title(name_form(text))
    if role is None:
        # a descriptor after an organisation or place ("Colts QB Andrew Luck", "County Sheriff
        # Lee Baca"): the name is what follows the last title word, when two or more capitalised
        # words follow it
        words = name.split()
        for i in range(len(words) - 3, 0, -1):
            rest = words[i + 1 :]
            if words[i].casefold() in TITLE_WORDS and all(w[:1].isupper() for w in rest):
                return " ".join(rest), " ".join(words[: i + 1])
    return name, role


_QUOTED = re.compile(
    r"\s*[\"“”][^\"“”]{1,30}[\"“”]\s*"
    # a nickname in single quotes between two words ("Vincent 'Chin' Gigante"), never O'Brien
    r"|(?<=\S)\s+['‘][A-Z][^'‘’\"“”\n]{0,28}['’](?=\s+\S)"
)


def person_key(name: str) -> str:
    """Comparison key of a person's name: a quoted nickname inside and a trailing generational
    suffix dropped ('Vincent "The Chin" Gigante' -> "vincent gigante", "Anthony Smith III" ->
    "anthony smith")."""
    name = _QUOTED.sub(" ", name).strip()
    words = name.replace(",", " ").split()
    while len(words) > 2 and words[-1].casefold().rstrip(".") in NAME_SUFFIXES:
        words.pop()
    return name_key(" ".join(words))


# Legal-form designators after a company name ("Hewlett-Packard Co.", "EYP ... Inc"): ORG only.
ORG_SUFFIXES = frozenset(
    {"inc", "incorporated", "co", "corp", "corporation", "ltd", "limited", "llc", "plc", "ag", "sa",
     "gmbh", "nv", "bv", "lp", "llp", "company"}
)  # fmt: skip


def org_key(name: str) -> str:
    """Comparison key of an organisation's name without a trailing legal form."""
    words = name_key(name).split()
    while len(words) > 1 and words[-1] in ORG_SUFFIXES:
        words.pop()
    return " ".join(words)


def key_for(name: str, label: str) -> str:
    """The comparison key of a mention's name under the model's label."""
    if label == "PERSON":
        return person_key(name)
    if label == "ORG":
        return org_key(name)
    return name_key(name)


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()  # reads the csv shipped inside the package: no download


@lru_cache(maxsize=4096)
def given_name_forms(given: str) -> frozenset[str]:
    """A given name and its variants from the `nicknames` dataset ("bill" -> william, billy, ...)."""
    g = given.casefold().strip(".")
    if len(g) < 2:
        return frozenset({g})
    nn = _nicknamer()
    return frozenset({g} | nn.nicknames_of(g) | nn.canonicals_of(g))


def same_given_name(a: str, b: str) -> bool:
    """Are two given names the same or variants of each other ("Fred" / "Frederick")?"""
    a, b = a.casefold().strip("."), b.casefold().strip(".")
    if a == b:
        return True
    if len(a) < 2 or len(b) < 2:
        return False
    return b in given_name_forms(a) or a in given_name_forms(b)


def name_key(text: str) -> str:
    """Comparison key of a name: NFKC, case-folded, quotes folded, periods and inner punctuation dropped."""
    text = unicodedata.normalize("NFKC", fold_quotes(name_form(text))).casefold()
    text = text.replace(".", "").replace("'", "")
    text = re.sub(r"[\s\-‐–—_/]+", " ", text)
    return text.strip()


def person_variant(a: str, b: str) -> bool:
    """Are two different full-name keys written forms of one person's name? Same last word, given
    names equal or variants ("fred" / "frederick"), middle names optional or with the same
    initials ("regina m benjamin" / "regina benjamin")."""
    wa, wb = a.split(), b.split()
    if a == b or len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1] or not same_given_name(wa[0], wb[0]):
        return False
    ma, mb = wa[1:-1], wb[1:-1]
    if not ma or not mb:
        return True
    return len(ma) == len(mb) and all(x[0] == y[0] for x, y in zip(ma, mb, strict=True))
