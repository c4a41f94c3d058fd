"""The analysts' static site: stories, documents, entities, outlets and run history as plain HTML files.

`build_site(published_db, out_dir)` reads the published DuckDB file read-only and writes a folder that
opens from `file://` with no server and no request leaving the machine.
"""

from parallax.site.build import SiteSummary, build_site, refresh_site

__all__ = ["SiteSummary", "build_site", "refresh_site"]
