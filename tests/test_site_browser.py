"""The built site opened from file:// in headless Chromium (Debian's `chromium`) driven by Playwright.

Follows index -> story -> document -> entity -> outlet by clicking links, uses the index filter and
sort, checks the charts are drawn, and records every request: all must be file:// and none may fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from story_rows import publish_story

from parallax.site import build_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make browser)")
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build_site(publish_story(tmp_path / "pub" / "parallax.duckdb"), out)
    return out


@pytest.fixture
def browser_page() -> Iterator[tuple[Any, dict[str, list[str]]]]:
    seen: dict[str, list[str]] = {"requests": [], "failed": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} {r.failure}"))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        try:
            yield page, seen
        finally:
            browser.close()


def visible_titles(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "#stories tbody tr:not([hidden]) td:first-child a", "els => els.map(e => e.textContent.trim())"
        )
    )


def test_browse_the_site_offline_from_index_to_outlet(site: Path, browser_page: Any) -> None:
    page, seen = browser_page
    page.goto((site / "index.html").as_uri())
    assert visible_titles(page) == ["Title dx", "Raisi in Pakistan"]
    # charts are drawn by the bundled Plotly (an SVG inside each chart container)
    page.wait_for_selector("#coverage .main-svg")
    assert page.locator("#growth .main-svg").count() >= 1

    page.fill("#q", "raisi pak")
    assert visible_titles(page) == ["Raisi in Pakistan"] and page.inner_text("#shown") == "1"
    page.select_option("#source", "x")
    assert visible_titles(page) == [] and page.inner_text("#shown") == "0"
    page.fill("#q", "")
    assert visible_titles(page) == ["Title dx"]
    page.select_option("#source", "")
    page.fill("#from", "2030-01-01")
    assert visible_titles(page) == []
    page.fill("#from", "")
    page.click("#stories th:has-text('documents')")  # ascending: the one-document story first
    assert visible_titles(page) == ["Title dx", "Raisi in Pakistan"]
    page.click("#stories th:has-text('documents')")
    assert visible_titles(page) == ["Raisi in Pakistan", "Title dx"]

    page.click("#stories a:has-text('Raisi in Pakistan')")
    assert page.url.endswith("/stories/S1.html")
    assert page.locator("#heatmap tbody tr").count() == 4

    page.click("#documents a:has-text('da')")
    assert page.url.endswith("/docs/da.html")
    assert page.locator("#doc-body mark.mention").count() == 5  # Sharif is a claim too
    assert page.locator("#doc-body mark.figure.conflict").inner_text() == "$2 billion"

    page.click("#doc-body a:has-text('Raisi')")
    assert page.url.endswith("/entities/E_raisi.html")
    assert page.inner_text("#entity-name") == "Ebrahim Raisi"

    page.click("#entity-outlets a:has-text('b')")
    assert page.url.endswith("/outlets/b.html")
    assert page.inner_text("#outlet-name") == "b"
    page.wait_for_selector("#coverage .main-svg")
    assert "b: $3 billion" not in page.inner_text("#outlet-conflicts")
    assert "a: $2 billion" in page.inner_text("#outlet-conflicts")

    page.click("nav.site a:has-text('Runs')")
    assert page.url.endswith("/runs.html") and page.locator("#runs tbody tr").count() == 1

    assert seen["requests"], "the browser made no request at all?"
    outside = [u for u in seen["requests"] if not u.startswith("file://")]
    assert outside == [], outside
    assert seen["failed"] == [] and seen["errors"] == []
