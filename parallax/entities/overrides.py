"""seeds/entity_aliases.csv: analyst overrides of resolution."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parallax.entities.names import fold_quotes, name_form, name_key


@dataclass(frozen=True)
class Override:
    alias_key: str
    canonical_name: str
    label: str


KEEP_APART = "KEEP_APART"


def load_overrides(path: Path) -> dict[str, Override]:
    """seeds/entity_aliases.csv: alias,canonical_name,label (header; '#' lines are comments).

    A row maps `alias` onto `canonical_name` with `label` (merge). A row whose label is
    KEEP_APART says the two names are different entities: no rule links them (keep-apart).
    """
    return dict(_load_overrides_cached(str(path)))


@lru_cache(maxsize=8)
def _load_overrides_cached(path: str) -> tuple[tuple[str, Override], ...]:
    p = Path(path)
    if not p.exists():
        return ()
    out: dict[str, Override] = {}
    with p.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        for row in rows:
            alias = (row.get("alias") or "").strip()
            canonical = (row.get("canonical_name") or "").strip()
            label = (row.get("label") or "").strip().upper()
            if alias and canonical and label == KEEP_APART:
                a, b = name_key(alias), name_key(canonical)
                out[f"!apart:{a}|{b}"] = Override(a, canonical, KEEP_APART)
                out[f"!apart:{b}|{a}"] = Override(b, alias, KEEP_APART)
            elif alias and canonical and label:
                key = override_key(alias)
                out[key] = Override(key, canonical, label)
                ckey = override_key(canonical)
                out.setdefault(ckey, Override(ckey, canonical, label))
    return tuple(out.items())


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def override_key(name: str) -> str:
    """Lookup key of an override: acronyms match case-sensitively ("US" is not "Us"), others by name_key."""
    form = " ".join(fold_quotes(name).split())
    return "=" + form if _is_acronym(form) else name_key(form)


def find_override(overrides: dict[str, Override], name: str) -> Override | None:
    """The override for a mention's name, if any."""
    if not overrides:
        return None
    return overrides.get(override_key(name_form(name)))


def kept_apart(overrides: dict[str, Override], a: str, b: str) -> bool:
    """Do the overrides keep the names with keys `a` and `b` apart?"""
    return bool(overrides) and f"!apart:{a}|{b}" in overrides


def apart_pairs(overrides: dict[str, Override]) -> frozenset[tuple[str, str]]:
    """Every (key, key) pair the overrides keep apart (both orders)."""
    return frozenset(tuple(k[len("!apart:") :].split("|", 1)) for k in overrides if k.startswith("!apart:"))  # type: ignore[misc]
