"""The garbage collector skips what existed before a block, and collects it after."""

from __future__ import annotations

import gc
import weakref

import pytest

from parallax.heap import older_objects_frozen


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _dropped_cycle() -> weakref.ref[_Node]:
    """A reference cycle already unreachable (only the collector can free it); a weak reference to it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_cycle_dropped_before_the_block_is_collected_after_it_not_inside() -> None:
    gc.collect()
    ref = _dropped_cycle()
    with older_objects_frozen():
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert ref() is not None  # older than the block: left alone
        made_inside = _dropped_cycle()
        gc.collect()
        assert made_inside() is None  # the block's own garbage is collected as usual
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None


def test_nested_blocks_unfreeze_at_the_outermost_end_also_on_errors() -> None:
    with pytest.raises(RuntimeError), older_objects_frozen():
        with older_objects_frozen():
            pass
        assert gc.get_freeze_count() > 0  # the inner end left the outer block's objects frozen
        raise RuntimeError("step failed")
    assert gc.get_freeze_count() == 0


def test_it_decorates_functions() -> None:
    @older_objects_frozen()
    def frozen_inside() -> int:
        return gc.get_freeze_count()

    assert frozen_inside() > 0
    assert frozen_inside() > 0  # each call enters a fresh block
    assert gc.get_freeze_count() == 0
