"""Within-document resolution: one canonical name, key and label per name of a document."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from parallax.entities.labels import PLACE_LABELS, label_class, vote_label
from parallax.entities.mentions import Mention
from parallax.entities.names import FUNCTION_WORDS, TITLE_WORDS, name_key, person_variant
from parallax.entities.overrides import Override, find_override, kept_apart


def mention_weight(m: Mention) -> float:
    """Votes of a mention: heading or trimmed spans count less, full names more."""
    w = 1.0
    if m.in_heading or m.trimmed:
        w *= 0.5
    if len(m.name.split()) > 1:
        w *= 1.5
    return w


def _vote(mentions: Sequence[Mention]) -> dict[str, float]:
    votes: dict[str, float] = defaultdict(float)
    for m in mentions:
        votes[m.model_label] += mention_weight(m)
        if m.role and m.role.split()[-1].casefold() in TITLE_WORDS:
            # a personal title right before a name is stronger evidence than the model's label
            votes["PERSON"] += 2 * mention_weight(m)
    return votes


def _display_name(names: Iterable[str]) -> str:
    """Most frequent written form, preferring mixed case over ALL CAPS, then the longer one."""
    counts = Counter(names)
    return max(counts, key=lambda n: (not n.isupper() or len(n) <= 4, counts[n], len(n), n))


# Words before a name that make it a place where it is mentioned ("in Washington"), so it never
# joins a person's name ("Denzel Washington") in the same document.
LOCATIVE_WORDS = frozenset(
    {"in", "at", "from", "to", "near", "into", "across", "outside", "inside", "throughout", "around",
     "toward", "towards", "via", "through", "northern", "southern", "eastern", "western",
     "central", "downtown", "suburban", "rural"}
)  # fmt: skip
# classes whose names have short forms ("Saints", "Academy"); not groups: "Pakistani" is not
# "Pakistani Shia"
_PART_CLASSES = frozenset({"org", "work", "event"})
_PERSONISH = frozenset({"person", "org", "place", "group"})  # classes a tagger flips a surname between


def written_as_place(m: Mention) -> bool:
    """Tagged a place and written after a locative word ("in Washington")."""
    return m.word_before in LOCATIVE_WORDS and label_class(m.model_label) == "place"


def _has_place_evidence(ms: Sequence[Mention]) -> bool:
    return any(written_as_place(m) for m in ms)


def initials(key: str) -> str:
    """Initials of a name key's content words ("international business machines" -> "ibm");
    hyphenated parts count ("hewlett packard" from "Hewlett-Packard" -> "hp")."""
    return "".join(w[0] for w in key.split() if w not in FUNCTION_WORDS)


def is_acronym_form(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in name.strip()


def _link(ms: Sequence[Mention], target: str, method: str, confidence: float) -> None:
    for m in ms:
        m.canonical_key = target
        m.method, m.confidence = method, confidence


def resolve_within_doc(
    mentions: list[Mention], overrides: dict[str, Override] | None = None
) -> list[Mention]:
    """Give each mention its document-level canonical name, key, label and method.

    - Overrides (seeds/entity_aliases.csv) win; keep-apart rows block any link below.
    - Same key -> same name.
    - Given-name variants of one full name ("Fred Smith" / "Frederick Smith") join the more
      frequent form (method given_name).
    - A name whose words are the final words of exactly one longer PERSON name of the document
      ("Raisi" / "Ebrahim Raisi") takes that name (method partial_name), whatever label the model
      gave the short form among person/org/place/group, unless the short form is a place where it
      is written ("in Washington" never joins "Denzel Washington").
    - An acronym whose letters are the initials of exactly one longer name of the document, or
      that follows a name in parentheses ("International Business Machines (IBM)"), takes it
      (method acronym); a one-word name that is the last or first word(s) of exactly one longer
      non-person name of the same class ("Saints" / "New Orleans Saints") takes it (short_form).
    - The label is a class vote over every mention of the canonical name.
    """
    overrides = overrides or {}
    for m in mentions:
        ov = find_override(overrides, m.name)
        if ov is not None:
            m.canonical_name, m.canonical_key = ov.canonical_name, name_key(ov.canonical_name)
            m.method, m.confidence, m.label = "override", 1.0, ov.label
        else:
            m.canonical_name, m.canonical_key = m.name, m.key
            m.method = "exact" if m.name == m.text else "normalized"
            m.confidence = 1.0 if m.method == "exact" else 0.95

    free = [m for m in mentions if m.method != "override"]
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in free:
        by_key[m.key].append(m)
    cls = {k: label_class(vote_label(_vote(ms))) for k, ms in by_key.items()}

    def allowed(short: str, long: str) -> bool:
        return not kept_apart(overrides, short, long)

    # full PERSON names of the document (multi-word keys voted PERSON); variants of one name
    # ("Fred Smith" / "Frederick Smith", "Regina M. Benjamin" / "Regina Benjamin") join the most
    # frequent form when it is the only one they fit
    person_keys = sorted(k for k in by_key if len(k.split()) > 1 and cls[k] == "person")
    for k in sorted(person_keys, key=lambda k: (len(by_key[k]), len(k), k)):
        fits = [o for o in person_keys if o != k and person_variant(k, o) and allowed(k, o)]
        if len(fits) == 1 and (len(by_key[fits[0]]), len(fits[0]), fits[0]) > (len(by_key[k]), len(k), k):
            _link(by_key[k], fits[0], "given_name", 0.9)
            person_keys.remove(k)
    for k, ms in list(by_key.items()):
        words = k.split()
        if k in person_keys or ms[0].canonical_key != k or cls[k] not in _PERSONISH | {"work"}:
            continue
        if cls[k] == "place" and _has_place_evidence(ms):
            continue
        longer = [
            p
            for p in person_keys
            if len(p.split()) > len(words) and p.split()[-len(words) :] == words and allowed(k, p)
        ]
        if len(longer) == 1:
            _link(ms, longer[0], "partial_name", 0.85)
            continue
        main = _dominant(longer, by_key, ms)
        if main is not None:
            _link(ms, main, "partial_name", 0.75)
            continue
        if len(words) == 1 and not longer and cls[k] != "place":
            # a given name alone ("Ellen" / "Ellen DeGeneres") when one full name starts with it
            first = [p for p in person_keys if p.split()[0] == k and allowed(k, p)]
            if len(first) == 1:
                _link(ms, first[0], "given_name", 0.75)

    # acronyms and short forms of longer names of the document
    multi = [k for k in by_key if len(k.split()) > 1 and by_key[k][0].canonical_key == k]
    for k, ms in list(by_key.items()):
        if ms[0].canonical_key != k or " " in k:
            continue
        if any(is_acronym_form(m.name) for m in ms):
            expanded = {p for p in multi if len(initials(p)) >= 2 and initials(p) == k and cls[p] != "person"}
            expanded |= _parenthesized_definition(ms, mentions)
            expanded = {p for p in expanded if allowed(k, p)}
            if len(expanded) == 1:
                _link(ms, expanded.pop(), "acronym", 0.85)
                continue
        if cls[k] in ("person", "place") or any(is_acronym_form(m.name) for m in ms):
            continue  # an acronym stands for what it abbreviates ("HP"), not a unit named after it
        parts = [
            p
            for p in multi
            if cls[p] == cls[k] in _PART_CLASSES and k in (p.split()[-1], p.split()[0]) and allowed(k, p)
        ]
        if len(parts) == 1:
            _link(ms, parts[0], "short_form", 0.8)
    _team_metonymy(by_key, cls, multi, allowed)
    # a multi-word organisation name that ends exactly one longer one ("Surgeon General" /
    # "U.S. Surgeon General")
    for k in multi:
        w = k.split()
        if cls[k] != "org" or by_key[k][0].canonical_key != k:
            continue
        tails = [
            p for p in multi if p != k and cls[p] == "org" and p.split()[-len(w) :] == w and allowed(k, p)
        ]
        tails = [p for p in tails if len(p.split()) > len(w) and by_key[p][0].canonical_key == p]
        if len(tails) == 1:
            _link(by_key[k], tails[0], "short_form", 0.8)

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[m.canonical_key].append(m)
    for key, ms in groups.items():
        overridden = [m for m in ms if m.method == "override"]
        if overridden:
            label = overridden[0].label
            name = overridden[0].canonical_name
        else:
            label = vote_label(_vote(ms))
            name = (
                _display_name(m.name for m in ms if m.key == key)
                if any(m.key == key for m in ms)
                else ms[0].name
            )
        for m in ms:
            m.label, m.canonical_name = label, name
    _demonyms(groups)
    return mentions


def _team_metonymy(
    by_key: Mapping[str, Sequence[Mention]],
    cls: Mapping[str, str],
    multi: Sequence[str],
    allowed: Any,
) -> None:
    """A city named for its team ("Indianapolis beat Jacksonville" in a report on the Indianapolis
    Colts) is the team, as CoNLL-2003 annotates it: a place name that is the whole name of one
    organisation of the document but its last word, a plural nickname ("Colts", "Saints"), takes
    that organisation where it is not written as a place ("in Indianapolis" stays the city)."""
    for k, ms in by_key.items():
        if cls[k] != "place" or ms[0].canonical_key != k:
            continue
        n = len(k.split())
        teams = [
            p
            for p in multi
            if cls[p] == "org"
            and len(p.split()) == n + 1
            and p.split()[:n] == k.split()
            and _plural_nickname(p.split()[-1])
            and allowed(k, p)
        ]
        agents = [m for m in ms if not written_as_place(m) and m.word_before not in LOCATIVE_WORDS]
        if len(teams) == 1 and agents and len(agents) == len(ms):
            _link(agents, teams[0], "short_form", 0.7)


def _plural_nickname(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha()


def _dominant(
    keys: Sequence[str], by_key: Mapping[str, Sequence[Mention]], short: Sequence[Mention]
) -> str | None:
    """The full name a short form of several full names of a document stands for, if one leads.

    "Jeffs" in a story about Warren Jeffs that names his father Rulon Jeffs once is Warren: the
    full name written at least twice as often as any other, and before the short form's first
    mention. Otherwise None (two brothers named equally often stay apart from the short form)."""
    if len(keys) < 2:
        return None
    ranked = sorted(keys, key=lambda k: (-len(by_key[k]), min(m.start for m in by_key[k]), k))
    top, second = ranked[0], ranked[1]
    if len(by_key[top]) < 2 * len(by_key[second]):
        return None
    first_short = min((m.start for m in short if not m.in_heading), default=None)
    first_top = min((m.start for m in by_key[top] if not m.in_heading), default=None)
    if first_top is None or (first_short is not None and first_short < first_top):
        return None
    return top


def _parenthesized_definition(ms: Sequence[Mention], mentions: Sequence[Mention]) -> set[str]:
    """Keys of names written right before an acronym in parentheses ("Hewlett-Packard (HP)"),
    when the acronym starts with the name's first letter."""
    out: set[str] = set()
    for m in ms:
        if not m.in_parens:
            continue
        before = [o for o in mentions if o.end <= m.start and m.start - o.end <= 3 and " " in o.key]
        for o in before:
            if o.key[:1] == m.key[:1]:
                out.add(o.canonical_key)
    return out


_DEMONYM_SUFFIXES = ("i", "is", "ian", "ians", "an", "ans", "n", "ns", "ese", "ish", "ic")


def _demonyms(groups: dict[str, list[Mention]]) -> None:
    """A one-word name formed from a place of the same document plus a demonym suffix
    ("Kashmiri" / Kashmir, "Israeli" / Israel, "Iranians" / Iran) is a NORP, whatever the model said."""
    places = {k for k, ms in groups.items() if ms and ms[0].label in PLACE_LABELS and " " not in k}
    for key, ms in groups.items():
        if not ms or ms[0].label in ("NORP", "PERSON") or ms[0].method == "override" or " " in key:
            continue
        for place in places:
            if key != place and key.startswith(place) and key[len(place) :] in _DEMONYM_SUFFIXES:
                for m in ms:
                    m.label = "NORP"
                break
