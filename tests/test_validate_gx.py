"""GX adapter: an Expectation's configuration is built once per kwargs lookup, with the same answers."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from parallax.validate_gx import GxValidator, gx_context, reuse_configuration_per_lookup


@pytest.fixture(scope="module")
def gxe() -> Any:
    gx_context()  # builds the context and installs the lookup scope
    import great_expectations.expectations as gxe

    return gxe


def _expectations(gxe: Any) -> list[Any]:
    return [
        gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0, max_value=5, mostly=0.9),
        gxe.ExpectColumnValuesToNotBeNull(column="x"),
        gxe.ExpectColumnValuesToBeInSet(column="y", value_set=["a", "b"]),
        gxe.ExpectColumnValuesToMatchRegex(column="y", regex="^[ab]$", result_format="COMPLETE"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["x", "y"]),
        gxe.ExpectTableRowCountToEqual(value={"$PARAMETER": "rows"}),
    ]


READERS = ("_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs", "_get_result_format")


def test_lookups_answer_as_gx_does(gxe: Any) -> None:
    assert reuse_configuration_per_lookup()  # installed, and a second call changes nothing
    for exp in _expectations(gxe):
        cls = type(exp)
        for name in (
            "_get_domain_kwargs",
            "_get_success_kwargs",
            "_get_runtime_kwargs",
            "_get_result_format",
        ):
            scoped = getattr(exp, name)()
            per_key = getattr(cls, name).__wrapped__(exp)  # GX's own method: a configuration per key
            assert scoped == per_key, (cls.__name__, name)
        assert exp._get_success_kwarg("column") == cls._get_success_kwarg.__wrapped__(exp, "column")


def test_one_configuration_per_lookup(gxe: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import great_expectations.expectations.expectation as module

    built: list[int] = []
    real = module.ExpectationConfiguration

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(module, "ExpectationConfiguration", Counting)
    exp = gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0, max_value=5)
    exp._get_runtime_kwargs()
    assert len(built) == 1
    cls = type(exp)
    built.clear()
    cls._get_runtime_kwargs.__wrapped__(exp)  # GX's own body: one per runtime key, each a lookup of its own
    assert len(built) > 1
    # outside a lookup every access builds a new configuration, as before (callers may change it)
    assert exp.configuration is not exp.configuration


def test_validation_results_unchanged(gxe: Any) -> None:
    df = pd.DataFrame({"x": [1, 2, 9, None], "y": ["a", "b", "c", "a"]})
    exps = [
        (
            0,
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "x", "min_value": 0, "max_value": 5},
            },
        ),
        (1, {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}),
        (
            2,
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "y", "value_set": ["a", "b"]}},
        ),
        (3, {"type": "expect_table_row_count_to_equal", "kwargs": {"value": {"$PARAMETER": "rows"}}}),
        (4, {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["x", "y"]}}),
    ]
    out = GxValidator().validate("t", exps, df, {"rows": 4})
    assert [out[i].success for i in range(5)] == [False, False, False, True, True]
    assert out[0].result["unexpected_count"] == 1  # 9 (the null is not counted)
    assert out[1].result["unexpected_count"] == 1
    assert out[2].result["partial_unexpected_list"] == ["c"]
    assert out[3].result["observed_value"] == 4


def test_metric_ids_are_gx_ids(gxe: Any) -> None:
    import enum

    import numpy as np
    from great_expectations.core.id_dict import IDDict

    from parallax.validate_gx import plain_metric_ids

    assert plain_metric_ids()  # installed with the context; a second call changes nothing
    gx_to_id = IDDict._parallax_gx_to_id  # type: ignore[attr-defined]

    class Kind(enum.StrEnum):
        A = "a"

    kwargs = [
        {
            "column": "x",
            "batch_id": "b1",
            "result_format": {"result_format": "BASIC", "partial_unexpected_count": 20},
        },
        {"a": 1, "b": 2.5, "c": None, "d": [1, "2", None], "e": True, "f": (1, 2), "g": ""},
        {"value_set": ["a", "b"], "mostly": 0.95, "column": "y"},
        {"x": {"y": [1.0, {"z": None}]}, "w": -0.0},
        {"a": float("nan"), "b": 1},  # GX writes NaN as null
        {"a": {1, 2}, "b": 1},  # a set: GX's own
        {"a": {1: "x", 2.5: "y"}, "b": 1},  # keys that are not str: GX's own
        {"a": np.int64(3), "b": np.float64(0.1)},  # numpy values: GX's own
        {"a": Kind.A, "b": 2},  # a str enum: GX's own
        {"only": "one key"},
        {},
    ]
    for kw in kwargs:
        d = IDDict(kw)
        assert d.to_id() == gx_to_id(d), kw
        assert d.to_id(id_ignore_keys={"b"}) == gx_to_id(d, None, {"b"}), kw
    assert IDDict({"a": 1, "b": 2}).to_id() != IDDict({"a": 1, "b": 3}).to_id()
