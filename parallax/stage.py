"""Shared shape of a pipeline stage's result, and small helpers every stage uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class StageResult:
    """What a stage did: the ids it hands to the next stage and evidence counts for the logs."""

    doc_ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + int(n)


def stable_id(*parts: object, prefix: str = "", length: int = 16) -> str:
    """Deterministic short id from parts (same parts -> same id on every machine and run)."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return prefix + h.hexdigest()[:length]


def chunked(items: Sequence[T] | Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most `size` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
