"""Publishing: replace the analysts' DuckDB file atomically, never blocking or disturbing readers.

The working database is checkpointed and closed by the caller; here it is copied to a side file
in the published file's folder, fsync'ed, and `os.replace`d over the published file. Readers that
hold the old file open keep reading the old data; new readers see the new file. A crash at any
point leaves either the old or the new file, never a half-written one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from parallax import db, failpoints


def publish(work_db: Path, published: Path, failpoint: str | None = None) -> Path:
    """Copy the (checkpointed, closed) working DB over `published` atomically. Returns the path."""
    published.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{published.name}.", suffix=".publishing", dir=published.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(work_db, tmp)
        _check_readable(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        failpoints.hit("publish-replace", failpoint)  # tests: killed between copy and replace
        os.replace(tmp, published)
        _fsync_dir(published.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return published


def _check_readable(path: Path) -> None:
    """Open the side file read-only once: a copy DuckDB cannot open is never published."""
    con = db.connect(path, read_only=True)
    try:
        con.execute("select count(*) from audit.runs").fetchone()
    finally:
        con.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cleanup_side_files(published: Path) -> list[Path]:
    """Remove side files left by a publish that was killed (they are never the published file)."""
    removed = []
    for p in published.parent.glob(f".{published.name}.*.publishing"):
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed
