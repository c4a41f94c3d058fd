"""Shared fixtures: settings rooted in tmp_path, a working DB with the schema applied, the real model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

# No network here: keep Prefect/GX quiet and give Prefect's temporary server time to start.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Tests write their input files just before a run: read them at once (the default settle time
# makes a run wait up to 3 s for files modified in the last seconds).
os.environ.setdefault("PARALLAX_SETTLE_SECONDS", "0")

from parallax import db
from parallax.settings import REPO_ROOT, Settings

SEED_ARTICLES = REPO_ROOT / "seeds" / "articles"
CORPORA = (REPO_ROOT.parent / "shared" / "corpora").resolve()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose databases live in tmp_path; SQL, seeds and expectations come from the repo."""
    return Settings(
        root=REPO_ROOT,
        db_path=tmp_path / "out" / "parallax.duckdb",
        input_dir=tmp_path / "input",
        sql_dir=REPO_ROOT / "sql",
        seeds_dir=REPO_ROOT / "seeds",
        expectations_dir=REPO_ROOT / "expectations",
        n_process=1,  # spaCy in-process in unit tests; worker pools are tested in test_dask.py
    )


@pytest.fixture
def con(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A working database with every SQL object applied."""
    c = db.connect(settings.work_db)
    db.apply_sql(c, settings.sql)
    yield c
    c.close()


@pytest.fixture
def mem_con(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database with every SQL object applied (fast; views do not care where they live)."""
    c = duckdb.connect()
    db.apply_sql(c, settings.sql)
    yield c
    c.close()


@pytest.fixture
def sample_input(tmp_path: Path) -> Path:
    """A copy of the three sample articles as an input folder."""
    dest = tmp_path / "input"
    shutil.copytree(SEED_ARTICLES, dest)
    return dest


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The real spaCy English pipeline, loaded once per session."""
    from parallax.nlp import load_model

    return load_model(Settings())


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for tests that run flows."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def corpus(*parts: str) -> Path:
    """Path inside ../shared/corpora, skipping the test when the corpus is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not present: {path}")
    return path
