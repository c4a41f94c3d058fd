"""Publishing: replace the analysts' DuckDB file atomically, never blocking or disturbing readers.

The working database is checkpointed and closed by the caller; here it is copied to a side file
in the published file's folder, the run is stamped `published` in the copy, the copy gets the
published file's permission bits, is fsync'ed, and `os.replace`d over the published file. Readers
that hold the old file open keep reading the old data; new readers see the new file. A crash or an
error (a full disk) at any point leaves either the old or the new file, never a half-written one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import tempfile
from pathlib import Path

import duckdb

from parallax import db, failpoints


class PublishFailedError(RuntimeError):
    """The published file could not be replaced; it still holds the previous published state.

    `str(exc)` is one paragraph for the operator; `__cause__` is the underlying error.
    """


def publish(
    work_db: Path,
    published: Path,
    failpoint: str | None = None,
    run_id: str | None = None,
    published_at: dt.datetime | None = None,
) -> Path:
    """Copy the (checkpointed, closed) working DB over `published` atomically. Returns the path.

    `run_id`, when given, is marked `published` at `published_at` in the copy's `audit.runs`, so
    the published file says which run it holds. The new file keeps the mode of the file it
    replaces (an admin's `chmod` survives), or gets the umask's default for a first publish.
    Raises `PublishFailedError` (the old file is untouched) on any I/O or DuckDB error.
    """
    try:
        published.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{published.name}.", suffix=".publishing", dir=published.parent
        )
        os.close(fd)
    except OSError as exc:
        raise PublishFailedError(_message(published, work_db, exc)) from exc
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(work_db, tmp)
        if run_id is not None:
            _stamp(tmp, run_id, published_at or dt.datetime.now(dt.UTC))
        _check_readable(tmp)
        os.chmod(tmp, published_mode(published))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        failpoints.hit("publish-replace", failpoint)  # tests: killed between copy and replace
        os.replace(tmp, published)
        _fsync_dir(published.parent)
    except (OSError, duckdb.Error) as exc:
        _remove_side_file(tmp)
        raise PublishFailedError(_message(published, work_db, exc)) from exc
    except BaseException:
        _remove_side_file(tmp)
        raise
    return published


def published_mode(published: Path) -> int:
    """Permission bits for a new published file: the current file's, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(published.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _message(published: Path, work_db: Path, exc: BaseException) -> str:
    reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return (
        f"publish failed: {published} could not be replaced ({reason}). The run's data passed "
        f"validation and are kept in the working database {work_db}; analysts still see the "
        "previously published file. Fix the cause (free disk space, permissions) and run again: "
        "the next successful run publishes everything, even if no input changed."
    )


def _stamp(path: Path, run_id: str, at: dt.datetime) -> None:
    """Mark `run_id` published in the side file (the published copy says which run it holds)."""
    con = db.connect(path)
    try:
        con.execute(
            "update audit.runs set publish_status = 'published', published_at = ? where run_id = ?",
            [at, run_id],
        )
        con.execute("checkpoint")
    finally:
        con.close()


def _check_readable(path: Path) -> None:
    """Open the side file read-only once: a copy DuckDB cannot open is never published."""
    con = db.connect(path, read_only=True)
    try:
        con.execute("select count(*) from audit.runs").fetchone()
    finally:
        con.close()


def _remove_side_file(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def published_runs(published: Path, run_ids: list[str]) -> dict[str, dt.datetime]:
    """Those of `run_ids` the published file holds as published, with their publish time
    (empty when the file is missing or cannot be read)."""
    if not run_ids or not published.exists():
        return {}
    try:
        con = db.connect(published, read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute(
            "select run_id, published_at from audit.runs where publish_status = 'published' "
            "and run_id in (select unnest(?::varchar[]))",
            [run_ids],
        ).fetchall()
    except duckdb.Error:  # a file published before publish_status existed
        return {}
    finally:
        con.close()
    return {r[0]: r[1] for r in rows}


def cleanup_side_files(published: Path) -> list[Path]:
    """Remove side files left by a publish that was killed (they are never the published file)."""
    removed = []
    for p in published.parent.glob(f".{published.name}.*.publishing*"):
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed
