"""What `parallax.validate` works with and returns: suites read from `expectations/`, and the outcome of
each expectation, each suite and the whole validation (stored in `audit.validation_results` / `_runs`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.validate_gx import SEVERITY_WARNING

# Rows per pandas batch handed to GX (memory ~ chunk rows x batch columns; 100k narrow rows ~ 50 MB).
# Suites over wide rows (document text) set a smaller `meta.chunk_rows`.
ROWS_PER_CHUNK = 100_000


@dataclass
class ExpectationOutcome:
    """One expectation's result (one audit.validation_results row)."""

    suite: str
    table_name: str
    index: int
    expectation_type: str
    kwargs: dict[str, Any]
    success: bool
    observed: Any = None
    unexpected_count: int | None = None
    element_count: int | None = None
    severity: str = "error"

    @property
    def blocking(self) -> bool:
        """True when the expectation failed and its severity fails the run."""
        return not self.success and self.severity != SEVERITY_WARNING

    @property
    def label(self) -> str:
        target = self.kwargs.get("column") or self.kwargs.get("column_list") or self.kwargs.get("table") or ""
        return f"{self.suite}[{self.index}] {self.expectation_type}({target})"


@dataclass
class SuiteStats:
    """Per-suite evidence: rows checked, expectations evaluated and failed."""

    suite: str
    table_name: str
    success: bool
    rows: int
    expectations: int
    failed: int
    failures: list[str] = field(default_factory=list)


@dataclass
class ValidationOutcome:
    """What validation found; `success` is False when any expectation failed."""

    run_id: str | None
    success: bool
    suites: list[SuiteStats]
    results: list[ExpectationOutcome]
    parameters: dict[str, Any] = field(default_factory=dict)
    unsuited: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """Failed expectations that fail the run (severity error)."""
        return [r.label for r in self.results if r.blocking]

    @property
    def warnings(self) -> list[str]:
        """Failed expectations of severity warning (stored and reported; the run goes on)."""
        return [r.label for r in self.results if not r.success and not r.blocking]

    def describe_failures(self, limit: int = 10) -> str:
        """The failed expectations, named (suite[index] type(column)), for error messages."""
        bad = self.failures
        if not bad:
            return "no expectation failed"
        more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
        return ", ".join(bad[:limit]) + more

    def summary(self) -> str:
        n, bad = len(self.results), len(self.failures)
        head = f"validation {'passed' if self.success else 'FAILED'}: {n - bad}/{n} expectations held"
        head += f" in {len(self.suites)} suites"
        if self.warnings:
            head += f"; {len(self.warnings)} warnings: " + ", ".join(self.warnings[:10])
        return head if not bad else head + "; failed: " + ", ".join(self.failures[:10])


@dataclass
class Suite:
    """A suite file and how to get its batches."""

    name: str
    path: Path
    spec: dict[str, Any]

    @property
    def object_name(self) -> str:
        return str(self.spec.get("meta", {}).get("object") or self.name)

    @property
    def chunk_rows(self) -> int:
        return int(self.spec.get("meta", {}).get("chunk_rows") or ROWS_PER_CHUNK)

    @property
    def shares_rows(self) -> bool:
        """Whether the suite's rows batch is computed once into a temporary table its other batches read
        (meta `share_rows`: for a view that is costly to compute)."""
        return bool(self.spec.get("meta", {}).get("share_rows"))

    @property
    def derive(self) -> list[str]:
        return list(self.spec.get("meta", {}).get("derive", []))

    def batch_names(self) -> list[str]:
        names: list[str] = []
        for exp in self.spec.get("expectations", []):
            b = (exp.get("meta") or {}).get("batch", "rows")
            if b not in names:
                names.append(b)
        return names


def load_suites(expectations_dir: Path) -> list[Suite]:
    """Every `<schema>.<object>.json` suite, sorted by name."""
    suites = []
    for path in sorted(expectations_dir.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        suites.append(Suite(name=spec.get("name") or path.stem, path=path, spec=spec))
    return suites
