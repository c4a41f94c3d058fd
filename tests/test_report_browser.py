"""The story report opened in headless Chromium (Debian packages `chromium`, `chromium-driver`).

The report itself has no JavaScript. The test renders a copy with a probe script appended that reads
what the browser laid out (rows, cells, computed heat colours, conflict rows) into the DOM, then
`--dump-dom` hands it back; a screenshot checks the page paints at the requested size.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from story_rows import publish_story

from parallax import db
from parallax.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")

PROBE = """<script>
(() => {
  const rgba = el => getComputedStyle(el).backgroundColor;
  const out = {
    rows: [...document.querySelectorAll('#heatmap tbody tr')].map(tr => tr.dataset.entity),
    sources: [...document.querySelectorAll('#heatmap thead th.source')].map(th => th.textContent.trim()),
    cells: [...document.querySelectorAll('#heatmap td.cell')].map(td => ({
      entity: td.parentElement.dataset.entity, source: td.dataset.source, count: Number(td.dataset.count),
      text: td.textContent.trim(), background: rgba(td), width: td.offsetWidth, height: td.offsetHeight})),
    divergence: [...document.querySelectorAll('#divergence tbody tr')].map(
      tr => [tr.dataset.entity, tr.dataset.coverage, tr.cells[3].textContent.trim()]),
    factConflicts: document.querySelectorAll('#facts tbody tr.conflict').length,
    attributionConflicts: document.querySelectorAll('#attributions tbody tr.conflict').length,
    sections: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()),
    title: document.title,
    images: document.images.length,
    scripts: document.scripts.length,
  };
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def probe(tmp_path: Path, page: Path) -> dict[str, Any]:
    probed = tmp_path / "probed.html"
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    dom = chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()).stdout
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, dom[:2000]
    return dict(json.loads(html.unescape(m.group(1))))


def alpha(css: str) -> float:
    m = re.match(r"rgba?\(([^)]*)\)", css)
    assert m, css
    parts = [float(p) for p in m.group(1).replace("/", ",").split(",")]
    return parts[3] if len(parts) == 4 else 1.0


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = publish_story(tmp_path / "pub.duckdb")
    # hostile text must be shown as text, never become markup
    con = db.connect(path)
    con.execute(
        "update staging.stg_documents set title = '<img src=x onerror=alert(1)> & co' where doc_id = 'db'"
    )
    con.execute("checkpoint")
    con.close()
    con = db.connect(path, read_only=True)
    try:
        return write_report(con, "S1", tmp_path / "report" / "S1.html")
    finally:
        con.close()


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"(src|href)=\"?(https?:)?//", text)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in text


def test_chromium_renders_heatmap_and_tables(report: Path, tmp_path: Path) -> None:
    got = probe(tmp_path, report)
    assert got["images"] == 0 and got["scripts"] == 1, "escaped title must not become an <img>/<script>"
    assert got["rows"] == ["E_raisi", "E_pak", "E_iran", "E_sharif"]
    assert got["sources"] == ["a", "b", "c", "e"], "the copy in source d is not compared"
    cells = {(c["entity"], c["source"]): c for c in got["cells"]}
    assert len(cells) == 16
    for (entity, source), cell in cells.items():
        assert cell["width"] > 0 and cell["height"] > 0
        if cell["count"]:
            assert cell["text"] == str(cell["count"]) and alpha(cell["background"]) > 0.1, (entity, source)
        else:
            assert cell["text"] == "" and alpha(cell["background"]) == 0.0, (entity, source)
    assert cells[("E_pak", "a")]["count"] == 2
    assert alpha(cells[("E_pak", "a")]["background"]) > alpha(cells[("E_pak", "b")]["background"])
    # d runs a copy of a's article: a source of the story that names what its copy prints; this
    # fixture maps none of a's mentions onto it, so Raisi is named by 4 of 5 sources
    assert [(e, c) for e, c, _ in got["divergence"]] == [
        ("E_raisi", "majority"),
        ("E_pak", "majority"),
        ("E_iran", "minority"),
        ("E_sharif", "unique"),
    ]
    assert got["divergence"][2][2] == "a, b"
    assert (got["factConflicts"], got["attributionConflicts"]) == (2, 2)
    assert got["sections"][:5] == [
        "Sources",
        "Who is named where",
        "Divergence",
        "Figures",
        "Who did or said what",
    ]
    assert got["title"] == "Parallax — Raisi in Pakistan"


def test_chromium_screenshot_paints_the_page(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=1200,900", "--hide-scrollbars", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 900)
    assert len(data) > 20_000, "a blank page compresses to almost nothing"
