"""Name normalization: titles, possessives, comparison keys (closed word classes only)."""

from __future__ import annotations

import re
import unicodedata

# Personal titles and roles (a closed class). Multi-word roles are sequences of these words.
TITLE_WORDS = frozenset(
    w.casefold()
    for w in [
        "President",
        "Vice",
        "Prime",
        "Minister",
        "Ministers",
        "Foreign",
        "Defence",
        "Defense",
        "Interior",
        "Finance",
        "Deputy",
        "Chief",
        "General",
        "Gen",
        "Gen.",
        "Lieutenant",
        "Lt",
        "Lt.",
        "Colonel",
        "Col",
        "Col.",
        "Major",
        "Maj",
        "Captain",
        "Capt",
        "Admiral",
        "Adm",
        "Field",
        "Marshal",
        "Army",
        "Commander",
        "Sergeant",
        "Sgt",
        "Mr",
        "Mr.",
        "Mrs",
        "Mrs.",
        "Ms",
        "Ms.",
        "Miss",
        "Dr",
        "Dr.",
        "Prof",
        "Prof.",
        "Professor",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Emperor",
        "Sheikh",
        "Shaikh",
        "Ayatollah",
        "Imam",
        "Pope",
        "Cardinal",
        "Bishop",
        "Archbishop",
        "Rabbi",
        "Rev",
        "Rev.",
        "Reverend",
        "Father",
        "Senator",
        "Sen",
        "Sen.",
        "Representative",
        "Rep",
        "Rep.",
        "Congressman",
        "Congresswoman",
        "Governor",
        "Gov",
        "Gov.",
        "Mayor",
        "Chancellor",
        "Secretary",
        "State",
        "Premier",
        "Speaker",
        "Ambassador",
        "Envoy",
        "Judge",
        "Justice",
        "Attorney",
        "Chairman",
        "Chairwoman",
        "Chairperson",
        "Chair",
        "CEO",
        "Director",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Leader",
        "Supreme",
        "Crown",
        "Emir",
        "Sultan",
        "Saint",
        "St",
        "St.",
        "Mullah",
        "Treasurer",
        "Commissioner",
        "Inspector",
        "Superintendent",
        "Detective",
        "Officer",
        "Executive",
        "Maulana",
        "Chairman",
    ]
)
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
    """Canonical written form of a name: whitespace collapsed, leading 'the', title and possessive removed."""
    text = " ".join(text.split())
    text = strip_possessive(text)
    if text[:4].casefold() == "the " and len(text) > 4:
        text = text[4:]
    text, _ = split_title(text)
    return text.strip(" \t,;:-–—\"'“”") if len(text) > 1 else text


def name_key(text: str) -> str:
    """Comparison key of a name: NFKC, case-folded, quotes folded, periods and inner punctuation dropped."""
    text = unicodedata.normalize("NFKC", fold_quotes(name_form(text))).casefold()
    text = text.replace(".", "").replace("'", "")
    text = re.sub(r"[\s\-‐–—_/]+", " ", text)
    return text.strip()
