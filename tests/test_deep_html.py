"""HTML nested deeper than libxml2's default limit: parsed with huge_tree, or rejected as too_deep."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from parallax.ingest import Rejected, ingest_files, parse_file, scan_inputs
from parallax.settings import Settings

DEEP_TEXT = (
    "The harbour authority confirmed on Friday that the new ferry terminal will open in May, "
    "two months later than planned, after inspectors found faults in the boarding ramps."
)


def nested_page(depth: int, tag: str = "div") -> bytes:
    """A page whose only paragraph sits `depth` elements below <body>."""
    head = "<html><head><title>Ferry terminal delayed</title></head><body>"
    inner = f"<p>{DEEP_TEXT}</p>"
    return (head + f"<{tag}>" * depth + inner + f"</{tag}>" * depth + "</body></html>").encode()


@pytest.mark.parametrize("depth", [300, 1000, 2000])
def test_deep_page_is_read(settings: Settings, depth: int) -> None:
    """Deeper than 256 levels (the default limit, which used to lose the text: `no_text`)."""
    _, records = parse_file(nested_page(depth), "html", settings)
    assert len(records) == 1
    assert DEEP_TEXT in (records[0].text or "")
    assert records[0].title == "Ferry terminal delayed"


def test_shallow_page_still_goes_through_trafilatura(settings: Settings) -> None:
    _, records = parse_file(nested_page(20, "section"), "html", settings)
    assert DEEP_TEXT in (records[0].text or "")


def test_deeper_than_huge_tree_limit_is_rejected_with_its_own_reason(settings: Settings) -> None:
    with pytest.raises(Rejected) as err:
        parse_file(nested_page(5000), "html", settings)
    assert err.value.reason == "too_deep"


def test_ingest_records_too_deep(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "input"
    src.mkdir()
    (src / "deep.html").write_bytes(nested_page(800))
    (src / "abyss.html").write_bytes(nested_page(5000))
    scan = scan_inputs(src, settings)
    ingested = ingest_files(con, "run1", src, scan.files, settings)
    assert len(ingested.doc_ids) == 1
    assert con.execute("select path from raw.documents").fetchall() == [("deep.html",)]
    assert con.execute("select path, reason from audit.rejected_files").fetchall() == [
        ("abyss.html", "too_deep")
    ]
