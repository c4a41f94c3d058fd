"""The model's attribute ruler as a lookup: the same POS, MORPH and LEMMA, without the Matcher.

spaCy's `attribute_ruler` maps each token's fine tag (plus a few word and dependency exceptions)
to its universal POS and morphology. On news text it cost 15% of the whole pipeline (4.2 s of
28 s on 600 Reuters articles, one process: `python -m bench.nlp_components`), more than the
parser, because every token gets a Matcher match, a Span and a Python attribute write.

`compile_ruler` turns the ruler's own patterns into predicates over the handful of token attributes
they read (TAG, LOWER, DEP, IS_SPACE). A token's key is, per attribute, the set of predicates its
value satisfies (computed once per distinct value); the rules that hold for a key, and what they
write, are computed once per distinct key. Rules of several tokens are checked only where their
first token's predicate holds. Rules apply in rule order (later rules win), as `AttributeRuler.match`
sorts them. A ruler whose patterns use anything else (operators, other attributes, extension
attributes) is not compiled: `load_pipeline` then keeps spaCy's ruler. `bench/nlp_components.py`
and `tests/test_fast_attributes.py` check that every token's POS, MORPH and LEMMA are identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy
from spacy import attrs as spacy_attrs
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, MorphAnalysis

FACTORY = "parallax_attribute_ruler"
LEMMA_FACTORY = "parallax_lemmatizer"
# the spaCy component each compiled one stands in for
STANDS_FOR = {FACTORY: "attribute_ruler", LEMMA_FACTORY: "lemmatizer"}
# A worker lives for one flow run; its caches of distinct words are emptied past this size.
CACHE_MAX = 200_000
# token attributes a pattern may read: their spaCy attribute ids, and whether the value is a flag
_READABLE = {
    "TAG": (spacy_attrs.TAG, False),
    "LOWER": (spacy_attrs.LOWER, False),
    "ORTH": (spacy_attrs.ORTH, False),
    "TEXT": (spacy_attrs.ORTH, False),
    "NORM": (spacy_attrs.NORM, False),
    "DEP": (spacy_attrs.DEP, False),
    "IS_SPACE": (spacy_attrs.IS_SPACE, True),
    "IS_PUNCT": (spacy_attrs.IS_PUNCT, True),
}
# attributes a rule may set (all that the shipped English pipelines' rulers set)
_WRITABLE = ("POS", "MORPH", "TAG", "DEP", "LEMMA")


class NotCompilable(ValueError):
    """The ruler uses a pattern feature the lookup does not reproduce."""


def _predicate(attr: str, spec: Any) -> Callable[[Any], bool]:
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise NotCompilable(f"{attr}: {spec}")
        ((op, arg),) = spec.items()
        if op == "REGEX" and isinstance(arg, str):
            rx = re.compile(arg)
            return lambda v: bool(rx.search(str(v)))
        if op in ("IN", "NOT_IN") and isinstance(arg, list):
            values = frozenset(arg)
            return (lambda v: v in values) if op == "IN" else (lambda v: v not in values)
        raise NotCompilable(f"{attr}: {spec}")
    if isinstance(spec, bool | str):
        return lambda v: v == spec
    raise NotCompilable(f"{attr}: {spec}")


@dataclass
class _Rule:
    rule_id: int  # the ruler's rule (order = precedence); a rule with alternatives has several
    steps: list[list[tuple[int, int]]]  # per token of the pattern: (attribute, predicate bit)
    index: int  # the token of the match the attributes go to


@dataclass
class CompiledRuler:
    """The ruler's rules over token keys; `__call__` annotates a Doc in place."""

    attr_ids: list[int]  # spaCy attribute id per read attribute
    flags: list[bool]  # the attribute is a flag (compared as a bool, not as a string)
    predicates: list[list[Callable[[Any], bool]]]  # per read attribute, its predicates (bit order)
    rules: list[_Rule]
    attrs: dict[int, dict[str, Any]]  # what each rule sets, by rule id
    _classes: list[dict[int, int]] = field(default_factory=list)
    _keys: dict[tuple[int, ...], tuple[tuple[int, ...], list[tuple[str, Any]], tuple[int, ...]]] = field(
        default_factory=dict
    )
    _plans: dict[tuple[int, ...], list[tuple[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """Empty the caches (a key's rule sets are computed again on first use)."""
        self._classes = [{} for _ in self.attr_ids]
        self._keys.clear()

    def _class(self, doc: Doc, a: int, value: int) -> int:
        """Bit mask of attribute `a`'s predicates that `value` (a hash, or a flag) satisfies."""
        v: Any = bool(value) if self.flags[a] else doc.vocab.strings[value] if value else ""
        mask = 0
        for bit, pred in enumerate(self.predicates[a]):
            if pred(v):
                mask |= 1 << bit
        self._classes[a][value] = mask
        return mask

    @staticmethod
    def _holds(step: list[tuple[int, int]], key: tuple[int, ...]) -> bool:
        return all(key[a] >> bit & 1 for a, bit in step)

    def _plan(self, doc: Doc, rule_ids: tuple[int, ...]) -> list[tuple[str, Any]]:
        """What the rules write, later rules winning (`AttributeRuler.match` sorts by rule)."""
        plan = self._plans.get(rule_ids)
        if plan is None:
            final: dict[str, Any] = {}
            for rid in rule_ids:
                final.update(self.attrs[rid])
            plan = []
            for attr in _WRITABLE:  # TAG and DEP before POS/MORPH: independent fields anyway
                if attr in final:
                    value = final[attr]
                    if attr == "POS":
                        value = POS_IDS[value.upper()]
                    elif attr == "MORPH":
                        value = MorphAnalysis(doc.vocab, value)
                    plan.append((attr, value))
            self._plans[rule_ids] = plan
        return plan

    def _lookup(
        self, doc: Doc, key: tuple[int, ...]
    ) -> tuple[tuple[int, ...], list[tuple[str, Any]], tuple[int, ...]]:
        hit = self._keys.get(key)
        if hit is None:
            single = tuple(
                sorted({r.rule_id for r in self.rules if len(r.steps) == 1 and self._holds(r.steps[0], key)})
            )
            first = tuple(
                i for i, r in enumerate(self.rules) if len(r.steps) > 1 and self._holds(r.steps[0], key)
            )
            hit = (single, self._plan(doc, single), first)
            self._keys[key] = hit
        return hit

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if any(len(c) > CACHE_MAX for c in self._classes) or len(self._keys) > CACHE_MAX:
            self._reset()
        classes = self._classes
        values: list[list[int]] = (
            cast(Any, doc.to_array(cast(Any, self.attr_ids))).reshape(len(doc), -1).tolist()
        )
        keys = [
            tuple(classes[a][v] if v in classes[a] else self._class(doc, a, v) for a, v in enumerate(row))
            for row in values
        ]
        n = len(keys)
        extra: dict[int, set[int]] = {}
        plans: list[list[tuple[str, Any]]] = []
        singles: list[tuple[int, ...]] = []
        for i, key in enumerate(keys):
            single, plan, first = self._lookup(doc, key)
            singles.append(single)
            plans.append(plan)
            for ri in first:
                rule = self.rules[ri]
                span = len(rule.steps)
                if i + span <= n and all(self._holds(rule.steps[k], keys[i + k]) for k in range(1, span)):
                    target = i + (rule.index if rule.index >= 0 else span + rule.index)
                    extra.setdefault(target, set()).add(rule.rule_id)
        for target, ids in extra.items():
            plans[target] = self._plan(doc, tuple(sorted(ids | set(singles[target]))))
        for i, plan in enumerate(plans):
            if not plan:
                continue
            token = doc[i]
            for attr, value in plan:
                if attr == "POS":
                    token.pos = value
                elif attr == "MORPH":
                    token.morph = value
                elif attr == "TAG":
                    token.tag_ = value
                elif attr == "DEP":
                    token.dep_ = value
                else:
                    token.lemma_ = value
        return doc


def compile_ruler(patterns: Sequence[dict[str, Any]]) -> CompiledRuler:
    """Compile `AttributeRuler.patterns` (in rule order); NotCompilable if one is out of reach."""
    names: list[str] = []
    predicates: list[list[Callable[[Any], bool]]] = []
    rules: list[_Rule] = []
    attrs: dict[int, dict[str, Any]] = {}
    for rule_id, p in enumerate(patterns):
        attrs[rule_id] = dict(p["attrs"])
        if set(attrs[rule_id]) - set(_WRITABLE):
            raise NotCompilable(f"rule {rule_id} sets {sorted(attrs[rule_id])}")
        for pattern in p["patterns"]:  # alternatives: each one matches on its own
            steps = []
            for tok in pattern:
                step = []
                for attr, spec in tok.items():
                    if attr not in _READABLE:
                        raise NotCompilable(f"rule {rule_id} reads {attr}")
                    if attr not in names:
                        names.append(attr)
                        predicates.append([])
                    a = names.index(attr)
                    predicates[a].append(_predicate(attr, spec))
                    step.append((a, len(predicates[a]) - 1))
                steps.append(step)
            if not steps:
                raise NotCompilable(f"rule {rule_id} has an empty pattern")
            rules.append(_Rule(rule_id, steps, int(p.get("index", 0))))
    return CompiledRuler(
        [_READABLE[a][0] for a in names], [_READABLE[a][1] for a in names], predicates, rules, attrs
    )


@Language.factory(FACTORY)
def make_compiled_ruler(nlp: Language, name: str, source: str = "attribute_ruler") -> CompiledRuler:
    """The pipeline's attribute ruler `source`, compiled (NotCompilable if it cannot be)."""
    ruler: Any = nlp.get_pipe(source)
    return compile_ruler(ruler.patterns)


@dataclass
class CachedLemmatizer:
    """spaCy's rule or lookup lemmatizer, asked once per (word, POS, morphology) and set by array.

    Its answer depends only on the token's text, POS and morphology (`Lemmatizer.rule_lemmatize`
    caches on exactly that key, but not its base-form answers, and it writes token by token).
    """

    lemmatizer: Any
    _lemmas: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        cols = [spacy_attrs.ORTH, spacy_attrs.POS, spacy_attrs.MORPH, spacy_attrs.LEMMA]
        rows = doc.to_array(cols).tolist()
        overwrite = bool(self.lemmatizer.overwrite)
        lemmas = self._lemmas
        if len(lemmas) > CACHE_MAX:
            lemmas.clear()
        out = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                lemma = lemmas.get(key, 0)
                if not lemma:
                    lemma = lemmas[key] = doc.vocab.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            out.append(lemma)
        doc.from_array([spacy_attrs.LEMMA], cast(Any, numpy.asarray(out, dtype="uint64").reshape(-1, 1)))
        return doc


@Language.factory(LEMMA_FACTORY)
def make_cached_lemmatizer(nlp: Language, name: str, source: str = "lemmatizer") -> CachedLemmatizer:
    """The pipeline's lemmatizer `source`, asked once per distinct word, POS and morphology."""
    lemmatizer = nlp.get_pipe(source)
    if getattr(lemmatizer, "mode", None) not in ("rule", "lookup"):
        raise NotCompilable(f"lemmatizer mode {getattr(lemmatizer, 'mode', None)}")
    return CachedLemmatizer(lemmatizer)


def swap_attribute_ruler(nlp: Language) -> list[str]:
    """Run the compiled ruler and the cached lemmatizer in place of spaCy's, when enabled.

    Returns the components replaced (those that cannot be compiled stay as they are).
    """
    swapped = []
    for source, factory in (("attribute_ruler", FACTORY), ("lemmatizer", LEMMA_FACTORY)):
        if source not in nlp.pipe_names:
            continue
        try:
            nlp.add_pipe(factory, name=factory, after=source)
        except NotCompilable:
            continue
        nlp.disable_pipe(source)
        swapped.append(source)
    return swapped
