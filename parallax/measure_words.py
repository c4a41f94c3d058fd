"""The words that decide a figure's measure: the table of seeds/measures.csv and word classes.

- `MeasureTable`: predicate words (verb, adjective, noun, phrasal verb) -> measure; `classes` maps
  outlets' words for one kind of counted thing to one key ("boat", "skiff", "ship" -> vessel;
  "crewmen", "crewmember" -> crew), so "seized three skiffs" and "captured three boats" share
  `vessel:seized`.
- `lemma`, `surname`, `is_person_noun`: the token helpers the measure rules share.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.dates import is_calendar_word
from parallax.numbers import VES_PLURALS

MEASURES_FILE = "measures.csv"
NOUN_TAGS = {"NOUN", "PROPN"}
PEOPLE_WORDS = {"people", "person", "individual", "other", "others", "resident", "civilian"}
# Nouns for people: a verb of the table (killed, arrested, rescued) measures people directly; for
# things ("captured three boats") the noun stays in the key (boat:arrested).
_PERSON_NOUNS = PEOPLE_WORDS | {
    "man", "woman", "child", "boy", "girl", "baby", "adult", "teenager", "pirate", "brigand", "crew",
    "crewman", "crewmember", "member", "suspect", "officer", "official", "policeman", "worker", "employee",
    "soldier", "student", "passenger", "victim", "tourist", "pilgrim", "miner", "fisherman", "migrant",
    "refugee", "protester", "militant", "rebel", "gunman", "villager", "patient", "prisoner",
    "inmate", "staff", "family", "guest", "fan", "player", "citizen", "national", "driver", "climber",
    "hiker", "sailor", "trooper", "firefighter", "guard", "agent", "journalist", "leader", "attacker",
    "fighter", "supporter", "farmer", "teacher", "manager", "reporter", "lawyer", "rioter", "shooter",
    "mother", "father", "son", "daughter", "husband", "wife", "fishermen", "partygoer",
    "coworker", "co-worker", "colleague", "attendee", "bystander", "shopper", "spectator", "witness",
    "neighbour", "neighbor", "pedestrian", "motorist", "hostage", "customer", "visitor", "occupant",
    "raider", "hijacker", "robber", "thief", "kidnapper", "smuggler", "trafficker", "insurgent",
    "personnel", "defendant", "detainee", "captive", "abductor", "assailant", "intruder", "looter",
    "demonstrator", "protestor", "marcher", "evacuee", "survivor", "boss", "partner", "receptionist",
    "accountant", "cop", "deputy", "clerk", "nurse", "doctor", "secretary", "prosecutor",
    "detective", "cashier", "teller", "waiter", "waitress", "janitor", "tenant", "toddler", "infant",
    "teen", "retiree", "veteran", "mourner", "worshipper", "churchgoer", "youth", "tough", "gangbanger",
    "gangster", "accomplice", "juvenile", "mobster", "thug", "sniper", "hitman", "follower", "believer",
    "adherent", "parishioner", "congregant", "devotee", "inhabitant",
}  # fmt: skip
PERSON_LEMMAS = frozenset(_PERSON_NOUNS)
_PERSON_SUFFIXES = ("ist", "ists", "ian", "ians", "men", "ees", "ants", "ents")


def is_person_noun(tok: Any) -> bool:
    """A noun for people ("pirates", "officers", "residents"), by list, named entity or suffix."""
    lem = lemma(tok)
    if lem in _PERSON_NOUNS or tok.lower_ in _PERSON_NOUNS or tok.ent_type_ in ("PERSON", "NORP"):
        return True
    return tok.pos_ == "NOUN" and tok.lower_.endswith(_PERSON_SUFFIXES) and len(tok.lower_) > 5


# what a gun fires, and the verbs that fire it: "sprayed 13 bullets" counts shots, as "13 shots" does
AMMUNITION = frozenset({"bullet", "round", "shell", "slug", "pellet"})
FIRING_VERBS = frozenset({"fire", "spray", "shoot", "unload", "empty", "pump", "squeeze", "discharge"})

# what an outage does to a network's share ("services were disrupted / cut", "traffic was hit")
OUTAGE_VERBS = frozenset(
    {"disrupt", "cut", "interrupt", "affect", "sever", "knock", "lose", "hit", "hamper", "halt", "block"}
)

# particles that make a phrasal verb of the table ("get away", "break free")
_PARTICLES = {"away", "out", "off", "free", "up", "down", "in", "back"}


@dataclass(frozen=True)
class MeasureTable:
    """seeds/measures.csv: (kind, word) -> measure; `classes`: a counted noun -> its class key."""

    verbs: dict[str, str]
    adjectives: dict[str, str]
    nouns: dict[str, str]
    classes: dict[str, str] = field(default_factory=dict)
    subject_verbs: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, str] = field(default_factory=dict)  # "a march of 30,000": what its size counts
    tenures: dict[str, str] = field(default_factory=dict)  # "a 15-year veteran": how long someone worked

    def subject_measure(self, verb: Any, counted: Any) -> tuple[str, str] | None:
        """(measure, words) of a verb that measures only its subject ("a dozen people managed to
        leave" -> escaped, "five boats were seen" -> sighted; not "he leaves behind two children")."""
        lem = lemma(verb)
        # the verb alone, or with its object or prepositional object ("joined the protest", "took to
        # the streets": rows "join protest", "take to street")
        phrases = [lem]
        for c in verb.children:
            if c.dep_ == "dobj":
                phrases.append(f"{lem} {lemma(c)}")
            elif c.dep_ == "prep":
                phrases += [f"{lem} {c.lower_} {lemma(o)}" for o in c.children if o.dep_ == "pobj"]
        lem = next((p for p in phrases if p in self.subject_verbs), lem)
        if lem not in self.subject_verbs or any(c.lower_ in ("behind", "out") for c in verb.children):
            return None
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and verb.dep_ in ("xcomp", "conj"):  # "managed to leave": the subject of managed
            subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and verb.dep_ == "acl" and verb.tag_ == "VBG":
            subjects = [verb.head]  # "700 members living in British Columbia": who does it
        # the parts a subject lists: "12 Somali and 11 Yemeni pirates surrendered", "23 personnel (12
        # Somali and 11 Yemeni) surrendered"
        frontier = list(subjects)
        while frontier:
            for g in frontier.pop().children:
                if g.dep_ in ("appos", "conj") and g.pos_ in NOUN_TAGS:
                    subjects.append(g)
                    frontier.append(g)
        # "tens of thousands of people marched": the people the subject counts
        of = [p for c in subjects for p in c.children if p.lower_ == "of"]
        subjects += [o for p in of for o in p.children if o.dep_ == "pobj"]
        if counted is None or all(c.i != counted.i for c in subjects):
            return None
        if lem == "see" and not any(c.dep_ == "nsubjpass" for c in subjects):
            return None  # "saw five boats" is the object's; "five boats were seen" the subject's
        return self.subject_verbs[lem], (verb.text if " " not in lem else f"{verb.text} ({lem})")

    def noun_key(self, tok: Any) -> str:
        """Key of a counted noun: the model it names ("seven AK-47 rifles", "12 AK 47 guns", "seven
        AK-47s" -> ak47), else its class ("skiffs" -> vessel, "crewmen" -> crew), else its lemma; a
        system is what its compound names ("three cable systems" -> cable)."""
        lem = lemma(tok)
        if lem == "system":
            named = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
            if named:
                return self.noun_key(named[-1])
        return model_name(tok) or self.classes.get(lem) or self.classes.get(tok.lower_) or lem

    def verb_measure(self, tok: Any) -> tuple[str, str] | None:
        """(measure, words) of a verb of the table, phrasal verbs first ("got away" -> escaped, "took
        into custody" -> arrested)."""
        lem = lemma(tok)
        for c in tok.children:
            if c.dep_ in ("prt", "advmod", "acomp") and c.lower_ in _PARTICLES:
                phrase = f"{lem} {c.lower_}"
                if phrase in self.verbs:
                    return self.verbs[phrase], f"{tok.text} {c.text}"
            if c.dep_ == "prep":  # "took 23 into custody", "placed five under arrest"
                for obj in (g for g in c.children if g.dep_ == "pobj"):
                    phrase = f"{lem} {c.lower_} {lemma(obj)}"
                    if phrase in self.verbs:
                        return self.verbs[phrase], f"{tok.text} {c.text} {obj.text}"
        if lem not in self.verbs and tok.lower_ in (f"{lem}ing", f"{lem}ed"):
            lem = f"{lem}e"  # the lemmatizer cut a silent e: "raping" -> "rap"
        return (self.verbs[lem], tok.text) if lem in self.verbs else None

    @property
    def measures(self) -> set[str]:
        """Every measure key the table can give."""
        return (
            set(self.verbs.values())
            | set(self.adjectives.values())
            | set(self.nouns.values())
            | set(self.sizes.values())
            | set(self.tenures.values())
        )


@functools.lru_cache(maxsize=8)
def load_measures(path: Path) -> MeasureTable:
    """Read the predicate -> measure table (comment lines start with '#')."""
    kinds = ("verb", "adj", "noun", "class", "subj", "size", "tenure")
    tables: dict[str, dict[str, str]] = {k: {} for k in kinds}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            rows = csv.DictReader(line for line in fh if line.strip() and not line.startswith("#"))
            for row in rows:
                kind, word, measure = (row.get(k, "").strip().lower() for k in ("kind", "word", "measure"))
                if kind in tables and word and measure:
                    tables[kind][word] = measure
    return MeasureTable(*(tables[k] for k in kinds))


def default_measures() -> MeasureTable:
    """The table shipped in the repository's seeds/ (for callers without settings)."""
    return load_measures(Path(__file__).resolve().parent.parent / "seeds" / MEASURES_FILE)


def surname(ent_text: str) -> str:
    """Key of a person: the last name-like word, lowercase ('Capt. Tom Tennant' -> 'tennant')."""
    words = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", ent_text)
        if w.lower() not in ("jr", "sr", "ii", "iii")
    ]
    return words[-1].lower().replace("’", "'").strip("-'") if words else ent_text.lower()


# "was down 60 percent", "were up by 5%": words of a change a copula states
_CHANGE_WORDS = {"up", "down", "off", "higher", "lower"}


def changed_subject(root: Any) -> Any:
    """The noun whose change a copula states by the figure ("traffic was down 60 percent", "sales
    were up by $2 million" -> traffic, sales), else None. `root`: the figure's root token."""
    adverb = root.head if root.dep_ == "npadvmod" else None
    if root.dep_ == "pobj" and root.head.lower_ == "by":
        adverb = next((c for c in root.head.head.children if c.lower_ in _CHANGE_WORDS), None)
    copula = adverb.head if adverb is not None and adverb.lower_ in _CHANGE_WORDS else None
    if copula is None or lemma(copula) != "be":
        return None
    return next((c for c in copula.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"), None)


# a model designation: a capital, up to three letters, then a number, with or without a hyphen or
# space (AK-47, AK 47, F-16s, MiG-29, M16)
# a model's letters and number, glued, hyphened or (in capitals) spaced: "AK-47", "F-16s", "G20", "AK 47";
# not a word before a number ("Some 288 candidates", "Only 12 boats")
_MODEL = re.compile(r"(?<![\w-])([A-Z][A-Za-z]{0,3}-?|[A-Z]{1,4} )(\d{1,4})[A-Z]?(?:s|'s)?(?=\s|$)")


def model_name(tok: Any) -> str | None:
    """The model a counted thing names, in the noun or the words before it in its phrase ("seven
    AK-47 assault rifles", "12 AK 47 guns", "two F-16s" -> ak47, f16): outlets name one weapon or
    aircraft by its model and by different nouns. None for people ("20 G20 leaders")."""
    if is_person_noun(tok):
        return None
    text = " ".join(t.text for t in tok.doc[tok.left_edge.i : tok.i + 1]).replace(" - ", "-")
    found = list(_MODEL.finditer(text))
    return f"{found[-1].group(1).rstrip('- ')}{found[-1].group(2)}".lower() if found else None


def lemma(tok: Any) -> str:
    """Lowercase lemma of a token (its text when the lemmatizer did not run)."""
    if tok.pos_ == "NOUN" and tok.lower_ in VES_PLURALS:
        return VES_PLURALS[tok.lower_]  # "wives": the lemmatizer may give "wive"
    return str(tok.lemma_ or tok.text).lower()


def month_named(tok: Any) -> bool:
    """A capitalized month or weekday name: the date, never the noun it spells ("in late March of
    4.5 mln shares" is no march's size; "a march of 30,000" is one)."""
    return not tok.text.islower() and is_calendar_word(tok.text)


# kin: "two children" of one victim and "three children" of another are different counts
KIN = {
    "child", "children", "son", "daughter", "mother", "father", "husband", "wife", "family", "brother",
    "sister", "sibling", "grandchild", "grandson", "granddaughter", "parent", "baby", "relative",
    "mom", "mum", "dad", "grandmother", "grandfather", "stepmother", "stepfather", "stepson", "stepdaughter",
}  # fmt: skip
KIN_KEYS = {"mom": "mother", "mum": "mother", "dad": "father"}  # one key for one relative's wordings
# the table's measures that count people
PEOPLE_MEASURES = {
    "deaths", "injured", "missing", "evacuated", "displaced", "rescued", "arrested", "trapped",
    "charged", "victims", "casualties", "survivors", "escaped", "protesters",
}  # fmt: skip


def is_people(tok: Any) -> bool:
    """A common noun for people counted as a group ("crew", "workers", "passengers"), not kin ("two
    children", "three daughters": someone's family, a different count for each person)."""
    return tok.pos_ == "NOUN" and is_person_noun(tok) and lemma(tok) not in KIN and tok.lower_ not in KIN


def measure_class(measure: str | None, table: MeasureTable) -> str | None:
    """The class of what a count's measure counts: `people` for the table's counts of people
    (deaths, arrested, escaped ...) and bare person nouns, else the counted noun's class key
    (`vessel:seized` -> vessel); None for other measures and for verbs outside the table
    (`officer:mill`). A measure equal to its class (`people`, `vessel`) is a count with no predicate
    of its own."""
    if not measure or measure.startswith("age:"):
        return None
    measure = measure.removesuffix(":other")  # "11 other men were charged": people
    head, _, tail = measure.partition(":")
    if tail and head not in table.measures and tail.split(":")[0] not in table.measures:
        return None  # a verb outside the table ("officer:mill"): neither general nor a measure to file under
    if head in PEOPLE_MEASURES or head == "people" or head in PERSON_LEMMAS:
        return "people"
    return None if head in table.measures else head


def duration_class(measure: str | None, table: MeasureTable) -> str | None:
    """`duration` for a length keyed by its event noun ("two hours of negotiations" -> negotiation)
    or only by its value (`duration:2`, a length tied to no event: a general figure the comparison
    view may file under the agreeing event of its story); None for the table's durations (a prison
    sentence, a contract) and figures without a measure."""
    if not measure or measure.split(":")[0] in table.measures:
        return None
    return "duration"
