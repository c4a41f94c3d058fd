"""The analysts' site built from a tiny published file (tests/story_rows.py): pages, links, safety."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from story_rows import Corpus, publish_story

from parallax import db
from parallax.settings import REPO_ROOT, Settings
from parallax.site import build_site, queries, refresh_site
from parallax.site.names import page, slug

HREF = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return publish_story(tmp_path / "pub" / "parallax.duckdb")


@pytest.fixture
def site(published: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build_site(published, out)
    return out


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_a_page_for_every_story_document_outlet_and_entity_named_in_two_documents(site: Path) -> None:
    assert sorted(p.name for p in (site / "stories").iterdir()) == ["S1.html", "Sdx.html"]
    assert sorted(p.stem for p in (site / "docs").iterdir()) == ["da", "db", "dc", "dd", "de", "dx"]
    assert sorted(p.stem for p in (site / "outlets").iterdir()) == ["a", "b", "c", "d", "e", "x"]
    # Sharif and Ardern are named in one document each: listed, without a page
    assert sorted(p.stem for p in (site / "entities").iterdir()) == ["E_iran", "E_pak", "E_raisi"]
    entities = text(site / "entities.html")
    assert "Shehbaz Sharif" in entities and 'href="entities/E_sharif.html"' not in entities
    for name in ("index.html", "entities.html", "outlets.html", "runs.html", "assets/plotly.min.js"):
        assert (site / name).is_file(), name


def test_every_link_resolves_inside_the_site_and_nothing_is_fetched_from_outside(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 21
    for p in pages:
        html = text(p)
        assert "<link" not in html and "@import" not in html, p
        for target in HREF.findall(html):
            assert not re.match(r"^[a-z]+:|^//", target), (p, target)
            resolved = (p.parent / unquote(target.split("#")[0])).resolve()
            assert resolved.is_file(), (p.relative_to(site), target)
            assert resolved.is_relative_to(site.resolve()), (p, target)


def test_index_lists_stories_newest_first_with_conflict_and_unique_counts(site: Path) -> None:
    html = text(site / "index.html")
    rows = re.findall(r'<tr data-title="([^"]*)".*?</tr>', html, re.S)
    assert rows == ["title dx", "raisi in pakistan"]  # dx was ingested last
    s1 = re.search(r'<tr data-title="raisi in pakistan".*?</tr>', html, re.S)
    assert s1 is not None
    cells = re.findall(r'<td class="num" data-v="(\d+)"', s1.group(0))
    # 5 documents, 5 outlets, conflicts: the trade figure + the raised-by claim, unique: Sharif (a only)
    assert cells == ["5", "5", "2", "1"]
    assert 'data-sources="|a|b|c|d|e|"' in s1.group(0)
    assert '<option value="x">x</option>' in html


def test_story_counts_read_only_stories_of_several_sources_and_equal_counting_every_story(
    published: Path, tmp_path: Path
) -> None:
    """A conflict or an entity one outlet alone names needs a second source: the index counts read only
    such stories, and equal the counts read for every story."""

    def change(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        # one outlet's story with two figures that would conflict if another outlet gave them
        night.doc("dq", "q", "A ferry carried 200 people.", story="S7")
        night.doc("dr", "q", "The ferry carried 350 people.", story="S7")

    _publish_night(published, change)
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = queries.story_index(con, counts=False)
        assert {r["story_id"]: r["source_count"] for r in rows if r["story_id"] in ("S1", "S7")} == {
            "S1": 5,
            "S7": 1,
        }
        every = {
            str(k): [int(c), int(u)]
            for k, c, u, _ in con.execute(queries.story_counts_sql(), {"ids": None}).fetchall()
        }
        read: list[object] = []
        original = con.execute

        class Spy:
            def execute(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
                read.append(params)
                return original(sql, params)

        queries.story_counts(Spy(), rows)  # type: ignore[arg-type]
    finally:
        con.close()
    assert {r["story_id"]: [r["conflicts"], r["unique_entities"]] for r in rows} == every
    assert every["S1"] == [2, 1]
    assert read == [{"ids": [r["story_id"] for r in rows if r["source_count"] > 1]}]


def test_story_page_is_the_report_with_links_to_documents_entities_and_outlets(site: Path) -> None:
    html = text(site / "stories" / "S1.html")
    assert 'id="heatmap"' in html and "Raisi in Pakistan" in html
    assert '<a href="../docs/da.html"><code>da</code></a>' in html
    assert '<a href="../entities/E_raisi.html">Ebrahim Raisi</a>' in html
    assert '<a href="../outlets/a.html">a</a>' in html
    assert "Shehbaz Sharif" in html and "../entities/E_sharif.html" not in html
    assert "Changes since the previous run" in html


def test_document_page_marks_mentions_figures_and_claims(site: Path) -> None:
    html = text(site / "docs" / "da.html")
    body = re.search(r'<div class="text" id="doc-body">(.*?)</div>', html, re.S)
    assert body is not None
    marked = body.group(1)
    assert re.sub(r"<[^>]+>", "", marked) == (
        "Raisi met Sharif in Pakistan. Iran and Pakistan agreed on trade of $2 billion."
    )
    assert marked.count('<mark class="mention"') == 4  # Raisi, Pakistan x2, Iran (Sharif is in the claim)
    assert '<a href="../entities/E_raisi.html"><mark class="mention"' in marked
    assert re.search(r'<mark class="figure conflict"[^>]*>\$2 billion</mark>', marked)
    assert re.search(r'<mark class="[^"]*claim[^"]*mention[^"]*"[^>]*>Sharif</mark>', marked)
    # the exact copy in outlet d is listed on its original, and points back
    assert '<a href="../docs/dd.html">dd</a>' in html
    assert 'href="../docs/da.html"' in text(site / "docs" / "dd.html")


def test_entity_page_shows_aliases_outlets_stories_and_who_named_it_first(site: Path) -> None:
    html = text(site / "entities" / "E_raisi.html")
    aliases = re.search(r'<table id="aliases">.*?</table>', html, re.S)
    assert aliases is not None and "partial_name" in aliases.group(0) and ">Raisi<" in aliases.group(0)
    outlets = re.findall(r'<tr><td><a href="../outlets/(\w+).html">', html)
    assert outlets == ["a", "b", "c", "e"]  # in the order they first named him
    assert re.search(r'First named by <a href="../outlets/a.html">a</a>', html)
    assert '<a href="../stories/S1.html">Raisi in Pakistan</a>' in html


def test_outlet_page_lists_what_it_alone_names_and_where_its_figures_disagree(site: Path) -> None:
    a = text(site / "outlets" / "a.html")
    unique = re.search(r'<table id="outlet-unique">.*?</table>', a, re.S)
    assert unique is not None and "Shehbaz Sharif" in unique.group(0)
    conflicts = re.search(r'<table id="outlet-conflicts">.*?</table>', a, re.S)
    assert (
        conflicts is not None and "$2 billion" in conflicts.group(0) and "b: $3 billion" in conflicts.group(0)
    )
    c = text(site / "outlets" / "c.html")
    assert "No conflicting figure." in c and "None: every entity" in c


def test_run_history_lists_runs_rejections_and_links_data_docs(published: Path, tmp_path: Path) -> None:
    con = db.connect(published)
    con.execute(
        "insert into audit.rejected_files (path, sha256, reason, detail, run_id, rejected_at) "
        "values ('bad/one.json', 'x', 'bad_json', 'Expecting value', 'r1', now())"
    )
    con.execute("checkpoint")
    con.close()
    docs = published.parent / "data_docs" / "index.html"
    docs.parent.mkdir()
    docs.write_text("<html>docs</html>", encoding="utf-8")
    out = tmp_path / "elsewhere" / "site"
    build_site(published, out)
    html = text(out / "runs.html")
    assert "<code>r1</code>" in html and "bad/one.json" in html and "bad_json: 1" in html
    link = re.search(r'<a id="data-docs" href="([^"]+)"', html)
    assert link is not None and (out / link.group(1)).resolve() == docs.resolve()


def test_ids_become_safe_file_names() -> None:
    for hostile in ("../../etc/passwd", "a/b", "..", "news.example.com", "Ünï cödé", "x" * 300, ""):
        name = page("outlets", hostile)
        assert name.startswith("outlets/") and name.count("/") == 1 and ".." not in name, name
        assert re.fullmatch(r"outlets/[A-Za-z0-9_-]{1,80}\.html", name), name
    assert slug("S1") == "S1" and slug("a.b") != slug("a_b") and slug("a/b") != slug("a_b")


def test_hostile_outlet_names_and_titles_stay_text_inside_the_site(published: Path, tmp_path: Path) -> None:
    con = db.connect(published)
    for table in ("raw.documents", "staging.stg_documents"):
        con.execute(f"update {table} set source = '../../evil' where doc_id = 'db'")
    con.execute("update staging.stg_documents set title = '<script>alert(1)</script>' where doc_id = 'dc'")
    con.execute("checkpoint")
    con.close()
    out = tmp_path / "site"
    build_site(published, out)
    assert not (tmp_path / "evil.html").exists() and not list(tmp_path.glob("**/evil.html"))
    evil = [p for p in (out / "outlets").iterdir() if "evil" in p.name]
    assert len(evil) == 1 and evil[0].parent == out / "outlets"
    for p in out.rglob("*.html"):
        assert "<script>alert(1)" not in text(p), p
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text(out / "docs" / "dc.html")


def test_build_reads_the_file_read_only_and_a_failed_build_keeps_the_previous_site(
    published: Path, site: Path, tmp_path: Path
) -> None:
    before = published.stat().st_mtime_ns
    build_site(published, site)
    assert published.stat().st_mtime_ns == before
    index = text(site / "index.html")
    with pytest.raises(FileNotFoundError):
        build_site(tmp_path / "missing.duckdb", site)
    assert text(site / "index.html") == index
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site.building")] == []
    # the replaced site is deleted in the background
    deadline = time.monotonic() + 30
    while any(p.name.startswith(".site.old-") for p in site.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site")] == []


def test_nightly_site_step_reports_a_failure_without_raising(published: Path) -> None:
    from flows.nightly import _build_site

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(f"{record.levelname} {record.getMessage()}")

    logger, collect = logging.getLogger("test_site.nightly"), Collect()
    logger.addHandler(collect)
    good = Settings(root=REPO_ROOT, db_path=published)
    assert _build_site(good, logger) == str(published.parent / "site" / "index.html")
    broken = published.parent / "broken.duckdb"
    broken.write_bytes(b"not a duckdb file" * 100)
    assert _build_site(Settings(root=REPO_ROOT, db_path=broken), logger) is None
    assert any(m.startswith("ERROR site not rebuilt") for m in collect.messages), collect.messages
    assert (published.parent / "site" / "index.html").is_file()


def test_nightly_site_step_builds_again_at_the_retry_limit_when_out_of_memory(
    published: Path, tmp_path: Path
) -> None:
    """At a DuckDB limit too small for the site's queries the build runs out of memory (a real one);
    the step builds again at `duckdb_memory_limit_retry`, and without one reports the failure."""
    import shutil

    from flows.nightly import _build_site

    db_path = tmp_path / "small" / "parallax.duckdb"
    db_path.parent.mkdir()
    shutil.copy(published, db_path)
    tight = {"root": REPO_ROOT, "db_path": db_path, "duckdb_memory_limit": "1MB", "site_workers": 1}
    logger = logging.getLogger("test_site.retry")
    assert _build_site(Settings(**tight, duckdb_memory_limit_retry=None), logger) is None
    index = _build_site(Settings(**tight, duckdb_memory_limit_retry="512MB"), logger)
    assert index == str(db_path.parent / "site" / "index.html") and Path(index).is_file()


def test_story_seen_on_two_nights_gets_a_growth_chart(published: Path, tmp_path: Path) -> None:
    con = db.connect(published)
    con.execute(
        "update raw.documents set ingested_at = ingested_at + interval 1 day where doc_id in ('dc', 'de')"
    )
    con.execute("checkpoint")
    con.close()
    out = tmp_path / "site"
    build_site(published, out, workers=1)
    story = text(out / "stories" / "S1.html")
    spec = re.search(r'<script type="application/json" id="story-growth-spec">(.*?)</script>', story, re.S)
    assert spec is not None
    assert '"y":[3,5]' in spec.group(1) and '"y":[3,2]' in spec.group(1)  # so far / added that night
    assert '<script defer src="../assets/plotly.min.js">' in story
    assert "story-growth" not in text(out / "stories" / "Sdx.html")  # one night: no chart


def test_site_command_builds_and_reports_a_missing_file_in_one_line(published: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from parallax.cli import app

    out = tmp_path / "cli-site"
    ok = CliRunner().invoke(app, ["site", "--db", str(published), "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip().endswith(str(out / "index.html")) and (out / "index.html").is_file()
    missing = CliRunner().invoke(app, ["site", "--db", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "database not found" in missing.output
    assert "Traceback" not in missing.output


def test_an_empty_published_file_gives_an_empty_site(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    con = db.connect(path)
    db.apply_sql(con, Settings(root=REPO_ROOT).sql)
    con.execute("checkpoint")
    con.close()
    summary = build_site(path, tmp_path / "site", workers=1)
    assert summary.pages == {"index": 1, "lists": 3}
    assert "0 stories from 0 outlets" in text(tmp_path / "site" / "index.html")
    assert "No run recorded." in text(tmp_path / "site" / "runs.html")


def test_a_night_that_read_nothing_new_rewrites_only_the_top_pages(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    full = refresh_site(published, out, workers=1)  # no site yet: full build
    assert full.full and full.pages["docs"] == 6
    story, runs = out / "stories" / "S1.html", text(out / "runs.html")
    story.write_text("left alone", encoding="utf-8")

    def add_run(run_id: str, files_new: int, documents_new: int) -> None:
        con = db.connect(published)
        con.execute(
            "insert into audit.runs (run_id, started_at, status, files_new, documents_new) "
            "values (?, now(), 'success', ?, ?)",
            [run_id, files_new, documents_new],
        )
        con.execute("checkpoint")
        con.close()

    add_run("r2", 0, 0)  # nothing new read: top pages only, the story page is not rewritten
    quick = refresh_site(published, out, workers=1)
    assert not quick.full and quick.pages == {"index": 1, "lists": 1}  # index and run history
    assert "data unchanged" in quick.describe()
    assert "<code>r2</code>" in text(out / "runs.html") and "<code>r2</code>" not in runs
    assert text(story) == "left alone"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]

    add_run("r3", 1, 0)  # a new file (here, rejected): the pages whose rows changed (none) and the top
    again = refresh_site(published, out, workers=1)
    assert (
        again.mode == "pages" and text(story) == "left alone" and "<code>r3</code>" in text(out / "runs.html")
    )

    (out / ".parallax-site.json").write_text('{"data": [null, 0], "code": "older"}', encoding="utf-8")
    assert refresh_site(published, out, workers=1).full  # built by other code: rebuilt


def test_a_night_that_read_nothing_new_writes_the_index_around_its_cached_story_rows(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's story rows, outlets and coverage chart are kept with the stamp they were made from; a
    night that read nothing new rewrites the index around them without reading every story (it grew
    with the archive), and the page equals one rendered from the stories read again."""
    from parallax.site import build as build_mod

    out = tmp_path / "site"
    monkeypatch.setattr(build_mod, "now_label", lambda: "fixed")
    assert refresh_site(published, out, workers=1).full

    def no_change_run(run_id: str) -> None:
        con = db.connect(published)
        con.execute(
            "insert into audit.runs (run_id, started_at, status, files_new, documents_new) "
            "values (?, now(), 'success', 0, 0)",
            [run_id],
        )
        con.execute("checkpoint")
        con.close()

    cache = out / build_mod.INDEX_CACHE
    assert cache.is_file()  # a full build keeps the parts too

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("every story read again on a night that read nothing new")

    for run_id in ("r2", "r3"):
        no_change_run(run_id)
        with monkeypatch.context() as m:
            m.setattr(queries, "story_index", unread)
            assert refresh_site(published, out, workers=1).pages == {"index": 1, "lists": 1}
        assert f"<code>{run_id}</code>" in text(out / "runs.html")
    kept_index = text(out / "index.html")
    cache.unlink()  # the same night again with the stories read: the same page, and the parts kept again
    assert refresh_site(published, out, workers=1).mode == "top"
    assert text(out / "index.html") == kept_index and cache.is_file()
    assert 'href="stories/' in kept_index
    # parts made from other data, code or views are not used
    cache.write_text(cache.read_text(encoding="utf-8").replace('"stamp":{', '"stamp":{"older":1,', 1))
    with monkeypatch.context() as m:
        m.setattr(queries, "story_index", unread)
        with pytest.raises(AssertionError, match="read again"):
            refresh_site(published, out, workers=1)


def test_story_pages_are_built_in_chunks_bounded_by_documents() -> None:
    from parallax.site.chunks import CHUNK_MAX, STORY_CHUNK_DOCS, story_chunks

    ids = [f"S{i}" for i in range(6)]
    half = STORY_CHUNK_DOCS // 2
    docs = {"S0": half, "S1": half, "S2": 1, "S3": STORY_CHUNK_DOCS * 3, "S4": 1}
    assert story_chunks(ids, docs) == [["S0", "S1"], ["S2"], ["S3"], ["S4", "S5"]]
    many = [f"S{i}" for i in range(CHUNK_MAX["stories"] + 1)]
    assert [len(c) for c in story_chunks(many, {})] == [CHUNK_MAX["stories"], 1]


GENERATED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def _site_files(root: Path) -> dict[str, str]:
    """Every page of a site, the build time masked (the stamp and fingerprints left out)."""
    return {
        str(p.relative_to(root)): GENERATED.sub("<generated>", text(p))
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".parallax-site")
    }


def _publish_night(
    published: Path,
    change: Callable[[duckdb.DuckDBPyConnection, Corpus], None],
    derived: bool = True,
    run_id: str = "r2",
) -> None:
    """A successful run (`run_id`) on the published file: `change` writes its rows, then the similarity
    pairs, the story snapshot (unless not `derived`) and the run row are written as the flow would."""
    from parallax import similarity
    from parallax.history import snapshot_run

    con = db.connect(published)
    change(con, Corpus(con, run_id=run_id))
    if derived:
        similarity.refresh(con, run_id)
        snapshot_run(con, run_id)
    con.execute(
        "insert into audit.runs (run_id, started_at, status, files_new) values (?, now(), 'success', 2)",
        [run_id],
    )
    con.execute("checkpoint")
    con.close()


def test_a_night_rewrites_the_pages_it_changed_and_the_site_equals_a_full_build(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert refresh_site(published, out, workers=1).full
    untouched = out / "docs" / "dc.html"
    untouched.write_text("left alone", encoding="utf-8")  # dc's page does not change below

    def change(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        # a new outlet joins S1, naming Ardern: Ardern reaches two documents and gets a page (dx links it)
        night.doc("dg", "g", "Raisi thanked Ardern in Pakistan.", story="S1")
        night.mentions("dg", ("Raisi", "E_raisi"), ("Ardern", "E_ardern"), ("Pakistan", "E_pak"))
        night.doc("dn", "n", "A ferry sank off Lagos.", story="S2")  # a new story
        con.execute(
            "update intermediate.int_entities set canonical_name = 'Shehbaz Sharif PM' "
            "where entity_id = 'E_sharif'"
        )
        # a split
        con.execute("update intermediate.int_document_stories set story_id = 'S3' where doc_id = 'de'")

    _publish_night(published, change)

    counted: list[object] = []  # the index counts of the night's stories: read with their fingerprints
    original = queries.story_counts_sql
    monkeypatch.setattr(
        queries, "story_counts_sql", lambda computed=None: counted.append(computed) or original(computed)
    )
    update = refresh_site(published, out, workers=1)
    assert update.mode == "pages", update.describe()
    assert counted and all(counted), counted  # from the tables computed once, never the macros again
    monkeypatch.undo()
    full = build_site(published, tmp_path / "full", workers=1)
    assert text(untouched) == "left alone"
    untouched.write_text(text(tmp_path / "full" / "docs" / "dc.html"), encoding="utf-8")
    assert _site_files(out) == _site_files(tmp_path / "full")
    written = sum(v for k, v in update.pages.items() if k in ("stories", "docs", "entities", "outlets"))
    assert (
        0 < written < sum(v for k, v in full.pages.items() if k in ("stories", "docs", "entities", "outlets"))
    )
    assert "entities/E_ardern.html" in _site_files(out)
    # nothing changed since: the next refresh is the top pages only
    assert refresh_site(published, out, workers=1).mode == "top"


def test_a_night_rewrites_only_the_outlet_pages_whose_stories_or_figures_changed(
    published: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert refresh_site(published, out, workers=1).full
    untouched = out / "outlets" / "x.html"
    untouched.write_text("left alone", encoding="utf-8")

    def change(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        night.doc("dn", "n", "A ferry sank off Lagos.", story="S9")  # a new outlet with a new story
        night.doc("dm", "a", "The ferry carried 200 people.", story="S9")  # outlet a covers it too

    _publish_night(published, change)

    update = refresh_site(published, out, workers=1)
    assert update.mode == "pages", update.describe()
    assert update.pages.get("outlets") == 2, update.describe()  # a and n; b, c, d, e and x are as they were
    assert text(untouched) == "left alone"
    build_site(published, tmp_path / "full", workers=1)
    untouched.write_text(text(tmp_path / "full" / "outlets" / "x.html"), encoding="utf-8")
    assert _site_files(out) == _site_files(tmp_path / "full")


def test_an_outlet_page_shows_its_newest_stories_and_takes_entities_and_figures_from_them(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outlet page costs the same however many stories the outlet covered: it lists its newest
    `MAX_ROWS` stories (the index lists all) and its unique entities and conflicts come from those."""
    monkeypatch.setattr(queries, "MAX_ROWS", 1)
    out = tmp_path / "site"
    assert refresh_site(published, out, workers=1).full
    a = text(out / "outlets" / "a.html")
    assert "Shehbaz Sharif" in a and "b: $3 billion" in a  # S1 is outlet a's only story

    def change(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        night.doc("dm", "a", "The ferry carried 200 people.", story="S9", minutes=600)  # a's newest

    _publish_night(published, change)
    assert refresh_site(published, out, workers=1).mode == "pages"
    a = text(out / "outlets" / "a.html")
    listed = re.search(r'<table id="outlet-stories">.*?</table>', a, re.S)
    assert listed is not None
    assert "stories/S9.html" in listed.group(0) and "stories/S1.html" not in listed.group(0)
    assert "Its newest 1 stories of 2" in a
    assert "Shehbaz Sharif" not in a and "$3 billion" not in a  # S1's, no longer listed
    assert "stories/S1.html" in text(out / "index.html")
    build_site(published, tmp_path / "full", workers=1)
    assert _site_files(out) == _site_files(tmp_path / "full")


def test_an_entity_page_is_rewritten_when_only_the_order_of_its_stories_changes(
    published: Path, tmp_path: Path
) -> None:
    """An entity page lists its stories newest first. A night that adds to an older story a document
    not naming the entity changes none of the entity's rows but their order: the page is rewritten."""

    def newer_story(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        night.doc("df", "a", "Raisi flew home.", story="S2", minutes=600)
        night.mentions("df", ("Raisi", "E_raisi"))

    def older_story_grows(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        night.doc("dg", "c", "The talks went on.", story="S1", minutes=900)  # c names Raisi in S1 already

    _publish_night(published, newer_story)
    out = tmp_path / "site"
    assert refresh_site(published, out, workers=1).full

    def listed(site: Path) -> list[str]:
        page_text = text(site / "entities" / "E_raisi.html")
        table = re.search(r'<table id="entity-stories">.*?</table>', page_text, re.S)
        assert table is not None
        return re.findall(r"stories/(S\d)\.html", table.group(0))

    assert listed(out) == ["S2", "S1"]
    _publish_night(published, older_story_grows, run_id="r3")
    assert refresh_site(published, out, workers=1).mode == "pages"
    assert listed(out) == ["S1", "S2"]
    build_site(published, tmp_path / "full", workers=1)
    assert _site_files(out) == _site_files(tmp_path / "full")


def test_nights_that_move_a_document_re_resolve_and_rename_entities_update_every_page_showing_them(
    published: Path, tmp_path: Path
) -> None:
    """Rows changed in place, without the night's run stamp, and no story table rewritten (similarity,
    snapshots): the change set comes from the documents' rows and what they related to before."""
    out = tmp_path / "site"
    full = refresh_site(published, out, workers=1)
    assert full.full
    untouched = out / "docs" / "dx.html"
    untouched.write_text("left alone", encoding="utf-8")  # dx names only Ardern: nothing below shows it
    pages = sum(full.pages[k] for k in ("stories", "docs", "entities"))

    def moved(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        # dc moves out of S1 into a story split off it: S1's page no longer lists it
        con.execute("update intermediate.int_document_stories set story_id = 'S4' where doc_id = 'dc'")
        con.execute(
            "insert into intermediate.int_story_moves "
            "values ('dc', 'r2', 'S1', 'S4', null, 'new_story', 'r1')"
        )
        # and its Pakistan is re-resolved to another entity: E_pak loses a document
        night.entities(("E_pak2", "Pakistan", "GPE"))
        con.execute(
            "update intermediate.int_mentions set entity_id = 'E_pak2' "
            "where doc_id = 'dc' and entity_id = 'E_pak'"
        )

    def renamed(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        # Iran renamed: every story and document naming it shows the new name
        con.execute(
            "update intermediate.int_entities set canonical_name = 'Islamic Republic of Iran' "
            "where entity_id = 'E_iran'"
        )

    def near(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        # the copy dd found near, not exact: its canonical's page lists it
        con.execute("update intermediate.int_document_duplicates set method = 'near' where doc_id = 'dd'")

    nights = [
        (moved, "stories/S4.html", "S4"),
        (renamed, "stories/S1.html", "Islamic Republic of Iran"),
        (near, "docs/da.html", "<td>near</td>"),
    ]
    for n, (change, shown, what) in enumerate(nights, start=2):
        _publish_night(published, change, derived=False, run_id=f"r{n}")
        update = refresh_site(published, out, workers=1)
        assert update.mode == "pages" and update.fingerprinted is not None, update.describe()
        assert 0 < update.fingerprinted < pages
        assert text(untouched) == "left alone"
        build_site(published, tmp_path / f"full{n}", workers=1)
        assert _site_files(out) == {
            **_site_files(tmp_path / f"full{n}"),
            "docs/dx.html": "left alone",
        }
        assert what in text(out / shown)
    assert "Islamic Republic of Iran" in text(out / "stories" / "S1.html")
    assert "dc.html" not in text(out / "stories" / "S1.html")


def test_a_rolled_back_night_or_other_sql_fingerprints_every_page(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert refresh_site(published, out, workers=1).full

    def change(con: duckdb.DuckDBPyConnection, night: Corpus) -> None:
        night.doc("dn", "n", "A ferry sank off Lagos.", story="S9")

    _publish_night(published, change)
    night = refresh_site(published, out, workers=1)
    assert night.mode == "pages" and night.fingerprinted is not None, night.describe()
    assert (out / "docs" / "dn.html").exists()

    con = db.connect(published)  # the night is rolled back after the site showed it
    db.rollback_run(con, "r2")
    con.execute("update audit.runs set status = 'failed' where run_id = 'r2'")
    con.execute("checkpoint")
    con.close()
    back = refresh_site(published, out, workers=1)
    assert back.mode == "pages" and back.fingerprinted is None, back.describe()
    assert not (out / "docs" / "dn.html").exists()
    build_site(published, tmp_path / "full", workers=1)
    assert _site_files(out) == _site_files(tmp_path / "full")

    con = db.connect(published)  # same rows, other SQL (an upgrade): any page may show it
    # (stories' titles upper-cased by the macro the view and the story pages read)
    before = (REPO_ROOT / "sql" / "marts" / "dim_stories_for.sql").read_text(encoding="utf-8")
    con.execute(before.replace("marts.dim_stories_for(", "marts.dim_stories_before("))
    con.execute(
        "create or replace macro marts.dim_stories_for(story_ids) as table "
        "select * replace (upper(title) as title) from marts.dim_stories_before(story_ids)"
    )
    con.execute("checkpoint")
    con.close()
    upgraded = refresh_site(published, out, workers=1)
    assert upgraded.mode == "pages" and upgraded.fingerprinted is None, upgraded.describe()
    assert "RAISI IN PAKISTAN" in text(out / "stories" / "S1.html")
    build_site(published, tmp_path / "full2", workers=1)
    assert _site_files(out) == _site_files(tmp_path / "full2")


def test_view_definitions_compare_whatever_order_duckdb_prints_replace_and_exclude_in() -> None:
    from parallax.site.changes import canonical_sql

    a = "SELECT l.* REPLACE (CASE WHEN (x = 1) THEN ('a, (b') ELSE y END AS m, z AS e) FROM t, u"
    b = "SELECT l.* REPLACE (z AS e, CASE WHEN (x = 1) THEN ('a, (b') ELSE y END AS m) FROM t, u"
    assert canonical_sql(a) == canonical_sql(b)
    assert canonical_sql("SELECT * EXCLUDE (b, a) FROM x") == "SELECT * EXCLUDE (a, b) FROM x"
    assert canonical_sql("SELECT a, b FROM x") == "SELECT a, b FROM x"
    assert canonical_sql(a) != canonical_sql(a.replace("x = 1", "x = 2"))


def test_the_change_set_hashes_every_base_table_the_pages_read() -> None:
    """A view or site query reading a table the change set does not hash would leave pages stale."""
    from parallax.site import changes

    read = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [
            *(REPO_ROOT / "sql" / "marts").glob("*.sql"),
            REPO_ROOT / "sql" / "staging" / "stg_part_sentences.sql",
            REPO_ROOT / "parallax" / "site" / "queries.py",
            REPO_ROOT / "parallax" / "site" / "fingerprints.py",
            REPO_ROOT / "parallax" / "report.py",
        ]
    )
    views = {"staging.stg_part_sentences"}
    tables = set(re.findall(r"\b((?:raw|staging|intermediate|audit)\.[a-z_]+)", read)) - views
    hashed = {*changes.DOC_TABLES, *changes.STORY_TABLES, *changes.ENTITY_TABLES, *changes.TOP_TABLES}
    assert tables and tables <= hashed, tables - hashed
