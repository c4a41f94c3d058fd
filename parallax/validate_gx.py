"""Great Expectations for `parallax.validate`: one ephemeral GX context per process (pandas dataframe
asset, reused for every batch), built on first use or warmed in a background thread, and the helpers
that turn GX results and suite JSON into plain values (no GX import at module load).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import threading
from typing import Any

import pandas as pd

SEVERITY_WARNING = "warning"


_GX_CONTEXT: list[tuple[Any, Any, Any]] = []
_GX_LOCK = threading.Lock()


def gx_context() -> tuple[Any, Any, Any]:
    """(ExpectationSuite class, ephemeral GX context, whole-dataframe batch definition), built once
    per process: importing GX and building the context cost ~3-6 s."""
    with _GX_LOCK:  # a warm-up thread may be building it
        if not _GX_CONTEXT:
            _GX_CONTEXT.append(_build_gx_context())
        return _GX_CONTEXT[0]


def _build_gx_context() -> tuple[Any, Any, Any]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite

    # GX logs at INFO on its own handler (e.g. the ephemeral docs-site folder); keep run logs quiet
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    try:  # no progress bars in logs
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # pragma: no cover - older/newer GX without the knob
        pass
    asset = context.data_sources.add_pandas("parallax").add_dataframe_asset("batch")
    reuse_configuration_per_lookup()
    plain_metric_ids()
    return ExpectationSuite, context, asset.add_batch_definition_whole_dataframe("whole")


# The methods of GX's Expectation that read their keyword arguments one key at a time, each read
# building the whole `configuration` again (a pydantic `dict()` of the expectation and a new
# ExpectationConfiguration: GX 1.24 `_get_domain_kwargs` and `_get_success_kwargs` do it once per
# key, `_get_runtime_kwargs` twice per runtime key). Inside one call of these methods the
# expectation does not change, so one configuration per call answers every key.
_PER_KEY_READERS = (
    "_get_domain_kwargs",
    "_get_success_kwargs",
    "_get_success_kwarg",
    "_get_runtime_kwargs",
    "_get_result_format",
)
_LOOKUP = threading.local()


def reuse_configuration_per_lookup() -> bool:
    """Build an Expectation's configuration once per kwargs lookup instead of once per key.

    Measured on a night's validation (`parallax.validate.run_suites` on the post-night copies of
    `bench.archive_growth`, 364 expectation outcomes): 8.6 -> 7.3 s at 3,000 articles and
    11.0 -> 8.4 s at 20,000, every outcome identical (docs/PERFORMANCE.md, 2026-12-02 12:30).
    Outside these methods `configuration` is built on every access as before (callers may change
    what it returns). Idempotent; returns False, changing nothing, when this GX version lacks one
    of the methods.
    """
    from great_expectations.expectations.expectation import Expectation

    if getattr(Expectation, "_parallax_lookup_scoped", False):
        return True
    prop = Expectation.__dict__.get("configuration")
    if not isinstance(prop, property) or prop.fget is None:
        return False
    readers = {name: Expectation.__dict__.get(name) for name in _PER_KEY_READERS}
    if not all(callable(fn) for fn in readers.values()):
        return False
    build = prop.fget

    def configuration(self: Any) -> Any:
        built: dict[int, tuple[Any, Any]] | None = getattr(_LOOKUP, "built", None)
        if built is None:
            return build(self)
        held = built.get(id(self))
        if held is None or held[0] is not self:  # (the expectation itself is held: an id is not reused)
            held = built[id(self)] = (self, build(self))
        return held[1]

    def scoped(fn: Any) -> Any:
        @functools.wraps(fn)
        def lookup(self: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(_LOOKUP, "built", None) is not None:  # an outer lookup holds the configurations
                return fn(self, *args, **kwargs)
            _LOOKUP.built = {}
            try:
                return fn(self, *args, **kwargs)
            finally:
                _LOOKUP.built = None

        return lookup

    Expectation.configuration = property(configuration, doc=prop.__doc__)  # type: ignore[method-assign,assignment]
    for name, fn in readers.items():
        setattr(Expectation, name, scoped(fn))
    Expectation._parallax_lookup_scoped = True  # type: ignore[attr-defined]
    return True


def prepare_validation() -> None:
    """Import GX and build its context now, in this thread."""
    gx_context()


def warm_validation() -> None:
    """Import GX and build its context in a background thread (the flow calls it as it starts: every run
    validates, and the import then overlaps the run's work; `parallax run` has imported it already).
    Errors surface later, when validation builds the context itself."""
    if _GX_CONTEXT:
        return

    def warm() -> None:
        with contextlib.suppress(Exception):
            gx_context()

    threading.Thread(target=warm, name="gx-warm-up", daemon=True).start()


class GxValidator:
    """One ephemeral GX context with a pandas dataframe asset, reused for every batch.

    Built on the first batch that has rows: importing GX and building the context costs ~3 s,
    which a run with nothing new (every batch empty) does not pay.
    """

    def __init__(self) -> None:
        self._ready = False

    def _setup(self) -> None:
        self._suite_cls, self.context, self.batch_definition = gx_context()
        self._ready = True

    def validate(
        self,
        name: str,
        expectations: list[tuple[int, dict[str, Any]]],
        df: pd.DataFrame,
        params: dict[str, Any],
    ) -> dict[int, Any]:
        """Validate `df`; results keyed by the expectation's index in its suite file."""
        if not self._ready:
            self._setup()
        configs = []
        for index, exp in expectations:
            meta = dict(exp.get("meta") or {})
            meta["parallax_index"] = index
            configs.append({"type": exp["type"], "kwargs": exp.get("kwargs", {}), "meta": meta})
        suite = self._suite_cls(name=name, expectations=configs)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": df})
        result = batch.validate(suite, expectation_parameters=params)
        out: dict[int, Any] = {}
        for r in result.results:
            config = r.expectation_config
            assert config is not None and config.meta is not None
            out[int(config.meta["parallax_index"])] = r
        return out


def _plain(value: Any) -> bool:
    """JSON text of `value` is what GX writes after `convert_to_json_serializable`: str, int, bool,
    None, a float other than NaN, and lists, tuples and str-keyed dicts of those."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return not math.isnan(value)
    if kind is list or kind is tuple:
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def plain_metric_ids() -> bool:
    """Compute GX metric ids of plain kwargs without GX's generic converter.

    Every metric configuration GX builds hashes its domain and value kwargs (`IDDict.to_id`: MD5 of
    `json.dumps(convert_to_json_serializable(kwargs), sort_keys=True)`); the converter runs numpy
    type checks on every value (None included), ~15% of a night's validation. For kwargs made of
    plain JSON values the converter returns them as they are, so the same text is hashed directly:
    the ids are identical, anything else goes through GX's own method. Idempotent; False when this
    GX version has no `IDDict.to_id`.
    """
    from great_expectations.core.id_dict import IDDict

    if getattr(IDDict, "_parallax_gx_to_id", None) is not None:
        return True
    gx_to_id = IDDict.__dict__.get("to_id")
    if not callable(gx_to_id):
        return False

    @functools.wraps(gx_to_id)
    def to_id(self: Any, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
        keys = set(self.keys() if id_keys is None else id_keys) - set(
            self._id_ignore_keys if id_ignore_keys is None else id_ignore_keys
        )
        if len(keys) > 1:  # (none and one key have their own short forms)
            data = {k: self[k] for k in keys}
            if _plain(data):
                text = json.dumps(data, sort_keys=True).encode("utf-8")
                return hashlib.md5(text, usedforsecurity=False).hexdigest()
        return gx_to_id(self, id_keys, id_ignore_keys)

    IDDict.to_id = to_id  # type: ignore[method-assign]
    IDDict._parallax_gx_to_id = gx_to_id  # type: ignore[attr-defined]
    return True


def jsonable(value: Any) -> Any:
    """Make GX observations JSON-safe (numpy scalars, NaN)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except Exception:
            return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def resolve_params(kwargs: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in kwargs.items():
        out[k] = params.get(v["$PARAMETER"]) if isinstance(v, dict) and "$PARAMETER" in v else v
    return out


# Row-wise expectations hold vacuously on an empty batch (what GX reports too): checking that their
# columns exist is all there is to do. A table's column set is read from the empty batch's schema.
# Skipping GX's per-expectation overhead (~25 ms each) keeps incremental and no-change runs, where most
# tables get no new rows, fast.
_ROW_EXPECTATIONS = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_match_regex",
        "expect_compound_columns_to_be_unique",
    }
)
_COLUMN_SET = "expect_table_columns_to_match_set"
_ROW_COUNT = "expect_table_row_count_to_equal"


def empty_batch_outcomes(
    group: list[tuple[int, dict[str, Any]]], df: pd.DataFrame, params: dict[str, Any]
) -> dict[int, tuple[bool, Any]] | None:
    """(success, observed) of each expectation of the group on the empty batch `df`, or None when one of
    them needs GX. Row-wise expectations hold when their columns exist; a column-set expectation is
    decided as GX decides it (observed: the sorted columns); a row count holds when it is 0."""
    out: dict[int, tuple[bool, Any]] = {}
    for index, exp in group:
        kwargs = resolve_params(exp.get("kwargs", {}), params)
        if exp["type"] in _ROW_EXPECTATIONS:
            columns = kwargs.get("column_list") or [kwargs.get("column")]
            if any(c not in df.columns for c in columns):
                return None
            out[index] = (True, {"empty_batch": True})
        elif exp["type"] == _ROW_COUNT and isinstance(kwargs.get("value"), int):
            out[index] = (kwargs["value"] == 0, 0)  # "no duplicate key": an empty batch holds
        elif exp["type"] == _COLUMN_SET and isinstance(kwargs.get("column_set"), list | set | tuple):
            actual, expected = {str(c) for c in df.columns}, {str(c) for c in kwargs["column_set"]}
            exact = kwargs.get("exact_match", True)
            ok = actual == expected if exact is not False else expected <= actual
            out[index] = (ok, sorted(actual))
        else:
            return None
    return out


def exception_message(info: dict[str, Any] | None) -> str | None:
    """The message of an exception GX caught while computing an expectation, or None. GX 1.x keys the
    information by the metric that failed ({metric id: {raised_exception, exception_message}}); a flat
    dict is read too. Without it a failure such as a column missing from the batch reads as a bare
    "failed" with nothing observed."""
    if not info:
        return None
    found = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    messages = [str(v.get("exception_message")) for v in found if v.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) if messages else None


def severity_of(exp: dict[str, Any]) -> str:
    """`meta.severity` of an expectation: 'warning' or 'error' (default)."""
    value = str((exp.get("meta") or {}).get("severity") or "error").lower()
    if value not in ("error", SEVERITY_WARNING):
        raise ValueError(f"unknown severity {value!r} (error or warning)")
    return value
