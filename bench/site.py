"""Site bench: build the analysts' site from a real published file and from a synthetic large one.

    .venv/bin/python -m bench.site --n 3000 [--keep DIR]      # Reuters run, then build + time the site
    .venv/bin/python -m bench.site --db PATH                  # build from an existing published file
    .venv/bin/python -m bench.site --synthetic 10000          # a synthetic published file of N stories
    .venv/bin/python -m bench.site --db PATH --screenshots docs  # also PNGs of the index and a story

Prints the build time, the pages per kind, the size, and checks that every story, every outlet and
every entity named in two documents or more has its page (exit status 1 when one is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._corpus import load_reuters, quiet_flow_env, write_articles


def reuters_db(n: int, root: Path) -> Path:
    """Run the nightly flow once over `n` Reuters articles (site step off); returns the published file."""
    quiet_flow_env()
    os.environ["PARALLAX_SITE"] = "false"
    from flows.nightly import nightly
    from parallax.settings import get_settings

    get_settings.cache_clear()
    inp, out = root / "input", root / "out" / "parallax.duckdb"
    write_articles(load_reuters(n), inp)
    t0 = time.perf_counter()
    summary = nightly(input_dir=str(inp), db_path=str(out))
    print(f"flow over {n} articles: {time.perf_counter() - t0:.1f} s, {summary['status']}", file=sys.stderr)
    return out


def expected_pages(db_path: Path) -> dict[str, set[str]]:
    """The page files the site must have, from the published file."""
    from parallax import db
    from parallax.site.names import page
    from parallax.site.queries import ENTITY_PAGE_MIN_DOCS

    con = db.connect(db_path, read_only=True)
    try:

        def keys(sql: str, *params: Any) -> list[str]:
            return [r[0] for r in con.execute(sql, list(params)).fetchall()]

        return {
            "stories": {page("stories", k) for k in keys("select story_id from marts.dim_stories")},
            "outlets": {page("outlets", k) for k in keys("select distinct source from marts.dim_documents")},
            "entities": {
                page("entities", k)
                for k in keys(
                    "select entity_id from marts.dim_entities where doc_count >= ?", ENTITY_PAGE_MIN_DOCS
                )
            },
            "docs": {page("docs", k) for k in keys("select doc_id from marts.dim_documents")},
        }
    finally:
        con.close()


def build_and_check(db_path: Path, out: Path) -> dict[str, Any]:
    """Build the site, time it, and check every expected page exists."""
    from parallax.settings import get_settings
    from parallax.site import build_site

    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    workers = get_settings().site_workers
    cpu0 = cpu()
    summary = build_site(db_path, out, workers=workers)
    cpu_s = cpu() - cpu0
    want = expected_pages(db_path)
    missing = {kind: len([p for p in pages if not (out / p).is_file()]) for kind, pages in want.items()}
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    result = {
        "db": str(db_path),
        "db_mb": round(db_path.stat().st_size / 1e6, 1),
        "seconds": summary.seconds,
        "cpu_seconds": round(cpu_s, 1),
        "cpu_seconds_by_kind": summary.cpu_seconds,
        "workers": workers,
        "load_average": os.getloadavg()[0],
        "pages": summary.pages,
        "site_mb": round(size / 1e6, 1),
        "expected": {k: len(v) for k, v in want.items()},
        "missing": missing,
    }
    print(json.dumps(result, indent=2))
    return result


def screenshots(site: Path, db_path: Path, folder: Path) -> None:
    """PNGs of the index and of the story told by the most outlets (headless Debian Chromium)."""
    from playwright.sync_api import sync_playwright

    from parallax import db
    from parallax.site.names import page

    con = db.connect(db_path, read_only=True)
    try:
        row = con.execute(
            "select story_id from marts.dim_stories where canonical_doc_count <= 3 * source_count "
            "order by source_count desc, canonical_doc_count, story_id limit 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None, "no story"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1100, "height": 800})
        for name, rel in (("site-index.png", "index.html"), ("site-story.png", page("stories", row[0]))):
            tab.goto((site / rel).as_uri())
            tab.wait_for_timeout(800)
            tab.screenshot(path=str(folder / name))
            print(f"{folder / name}: {rel}", file=sys.stderr)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=3000, help="Reuters articles for the flow run.")
    p.add_argument("--db", default=None, help="Build from this published file (no flow run).")
    p.add_argument("--synthetic", type=int, default=0, help="Stories in a synthetic published file.")
    p.add_argument("--keep", default=None, help="Work in this folder and keep it (else a temp dir).")
    p.add_argument("--screenshots", default=None, help="Write site-index.png and site-story.png here.")
    args = p.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="parallax-site-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        if args.db:
            db_path = Path(args.db)
        elif args.synthetic:
            from bench.site_synthetic import synthetic_db

            t0 = time.perf_counter()
            db_path = synthetic_db(root / "synthetic.duckdb", args.synthetic)
            print(f"synthetic file: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        else:
            db_path = reuters_db(args.n, root)
        result = build_and_check(db_path, root / "site")
        if args.screenshots:
            screenshots(root / "site", db_path, Path(args.screenshots))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 1 if any(result["missing"].values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
