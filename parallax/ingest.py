"""Ingest stage: input folder -> raw.documents, audit.ingested_files, audit.rejected_files.

The stage reads the files `parallax.scan.scan_inputs` found: every file ends as one or more
documents or as audit.rejected_files rows with a reason code (empty, binary, undecodable,
too_large, too_deep, unparseable, no_text, unreadable, unsupported, outside_input, quarantined)
and a readable detail; the run goes on whatever the bytes are. A problem that may pass (the file
vanished, an I/O error, MemoryError, an unexpected error, a file modified within
`settings.settle_seconds` or while read) *defers* the file instead: nothing is recorded and the
next run reads it again. Records stream (a JSON list element by element, JSONL line by line, CSV
row by row; `parallax.formats`); a bad record is rejected on its own with its index. Only
documents new to the archive are written: a record whose doc_id (path, record, content) is
already in raw.documents keeps the row of the run that first read it, and is not handed on to
clean again.

Source: a metadata field (record field, or the HTML site name) when present, else the first-level
subfolder of the input path, else the file stem. doc_id = stable_id(path, record, content_sha256)
where content_sha256 hashes "title\\ntext" as decoded.

Scanning, formats and HTML extraction live in `parallax.scan`, `parallax.formats`,
`parallax.records` and `parallax.htmlpage`; their public names are re-exported here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db, failpoints
from parallax.formats import FORMATS, iter_records, parse_file, source_for
from parallax.htmlpage import TRAFILATURA_MAX_CHARS
from parallax.records import (
    DATE_FIELDS,
    LIST_KEYS,
    SOURCE_FIELDS,
    TEXT_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
    Record,
    Rejected,
    parse_datetime,
)
from parallax.scan import (
    FILES_SCHEMA,
    REJECTED_SCHEMA,
    KnownFiles,
    ScanResult,
    known_files,
    scan_inputs,
    within,
)
from parallax.settings import Settings
from parallax.stage import StageResult, stable_id
from parallax.textnorm import sha256_text

__all__ = [
    "DATE_FIELDS",
    "FILES_SCHEMA",
    "FORMATS",
    "LIST_KEYS",
    "REJECTED_SCHEMA",
    "REJECTION_KEY",
    "SOURCE_FIELDS",
    "TEXT_FIELDS",
    "TITLE_FIELDS",
    "TRAFILATURA_MAX_CHARS",
    "URL_FIELDS",
    "Deferred",
    "IngestResult",
    "KnownFiles",
    "Record",
    "Rejected",
    "ScanResult",
    "ingest_files",
    "iter_records",
    "known_files",
    "parse_datetime",
    "parse_file",
    "record_quarantined",
    "record_scan_rejections",
    "scan_inputs",
    "source_for",
]

log = logging.getLogger(__name__)

#: key of audit.rejected_files
REJECTION_KEY = ("path", "sha256", "record")


def record_scan_rejections(con: duckdb.DuckDBPyConnection, run_id: str, rejected: pa.Table) -> int:
    """Write `ScanResult.rejected` to audit.rejected_files (idempotent per path).

    A rejection already recorded with the same reason keeps the run and time that first recorded
    it; only new or changed rejections are (re)written with this run's stamp.
    """
    rejected = db.changed_rows(con, "audit.rejected_files", rejected, [*REJECTION_KEY, "reason", "detail"])
    if rejected.num_rows == 0:
        return 0
    now = datetime.now(UTC)
    table = rejected.append_column("run_id", pa.array([run_id] * rejected.num_rows, pa.string()))
    table = table.append_column(
        "rejected_at", pa.array([now] * rejected.num_rows, pa.timestamp("us", tz="UTC"))
    )
    return db.upsert_arrow(con, "audit.rejected_files", table, REJECTION_KEY)


# --- the stage -------------------------------------------------------------------------------


class Deferred(Exception):
    """A file left for the next run (not recorded as ingested): it vanished, could not be read for
    a reason that may pass, or is still being written. `failure` marks errors that count towards
    the file's quarantine (`parallax.quarantine`); a vanished or settling file does not."""

    def __init__(self, reason: str, detail: str, *, failure: bool) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.failure = failure


def _read(
    input_dir: Path, rel: str, max_bytes: int, settle_seconds: float = 0.0
) -> tuple[bytes, os.stat_result]:
    """The bytes of one input file and its `fstat` after reading; raises `Rejected` or `Deferred`."""
    root = os.path.realpath(input_dir)
    full = os.path.join(input_dir, *PurePosixPath(rel).parts)
    if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        raise Rejected("outside_input", "path escapes the input folder")
    if os.path.islink(full) or not within(os.path.realpath(full), root):
        raise Rejected("outside_input", "path resolves outside the input folder (symlink not followed)")
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Deferred("vanished", "file disappeared between scan and read", failure=False) from None
    except OSError as exc:
        raise Deferred("read_error", f"cannot open: {exc.strerror or exc}", failure=True) from None
    with os.fdopen(fd, "rb") as fh:
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                raise Rejected("unsupported", "not a regular file")
            if before.st_size > max_bytes:
                raise Rejected("too_large", f"{before.st_size} bytes (limit {max_bytes})")
            age = time.time() - before.st_mtime
            if -settle_seconds < age < settle_seconds:
                # modified just now: wait (in this run) until it is settle_seconds old; a file still
                # growing or rewritten meanwhile is being written and waits for the next run
                time.sleep(settle_seconds - max(age, 0.0))
                now = os.fstat(fd)
                if (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                    raise Deferred(
                        "settling",
                        f"still being written (changed within the settle time of {settle_seconds} s)",
                        failure=False,
                    )
                before = now
            data = fh.read(max_bytes + 1)
            after = os.fstat(fd)
        except OSError as exc:
            raise Deferred("read_error", f"cannot be read: {exc.strerror or exc}", failure=True) from None
    if len(data) > max_bytes:
        raise Rejected("too_large", f"more than {max_bytes} bytes (limit)")
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise Deferred("changing", "file changed while it was read", failure=False)
    return data, after


_RAW_TYPES = {
    "record": pa.int32(),
    "published_at": pa.timestamp("us", tz="UTC"),
    "ingested_at": pa.timestamp("us", tz="UTC"),
}
_RAW_COLS = (
    "doc_id", "path", "record", "source", "file_sha256", "content_sha256", "format", "encoding", "title",
    "text", "url", "site_name", "published_at", "ingested_at", "run_id",
)  # fmt: skip


@dataclass
class IngestResult(StageResult):
    """`StageResult` of ingest (doc_ids: the documents new to the archive) plus the files deferred
    to the next run as `(path, scan sha256, reason, detail, counts as a failure)`."""

    deferred: list[tuple[str, str, str, str, bool]] = field(default_factory=list)


class _NewDocuments:
    """Document rows buffered and written `limit` at a time; rows whose doc_id is already in
    raw.documents (the same record of the same file with the same content, read again because
    the file changed elsewhere) are neither rewritten nor restamped nor handed on."""

    def __init__(self, con: duckdb.DuckDBPyConnection, limit: int) -> None:
        self.con, self.limit = con, max(1, limit)
        self.rows: dict[str, list[Any]] = {k: [] for k in _RAW_COLS}
        self.new_ids: list[str] = []
        self.unchanged = 0

    def add(self, doc: dict[str, Any]) -> None:
        for k in _RAW_COLS:
            self.rows[k].append(doc[k])
        if len(self.rows["doc_id"]) >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.rows["doc_id"]:
            return
        table = pa.table({k: pa.array(v, _RAW_TYPES.get(k, pa.string())) for k, v in self.rows.items()})
        self.rows = {k: [] for k in _RAW_COLS}
        known = _existing_ids(self.con, table.column("doc_id"))
        ids = table.column("doc_id").to_pylist()
        seen: set[str] = set()
        keep = []
        for i, doc_id in enumerate(ids):
            if doc_id not in known and doc_id not in seen:
                keep.append(i)
                seen.add(doc_id)
        self.unchanged += len(ids) - len(keep)
        db.insert_arrow(self.con, "raw.documents", table.take(pa.array(keep, pa.int64())))
        self.new_ids.extend(ids[i] for i in keep)


def _existing_ids(con: duckdb.DuckDBPyConnection, ids: pa.ChunkedArray) -> set[str]:
    view = "_parallax_ingest_ids"
    db.register(con, view, pa.table({"doc_id": ids}))
    try:
        rows = con.execute(
            f"select d.doc_id from raw.documents d semi join {view} v on d.doc_id = v.doc_id"
        ).fetchall()
    finally:
        con.unregister(view)
    return {r[0] for r in rows}


def _iter_files(files: pa.Table) -> Iterator[tuple[str, str]]:
    cols = files.select(["path", "sha256"]).to_pydict()
    yield from zip(cols["path"], cols["sha256"], strict=True)


def ingest_files(
    con: duckdb.DuckDBPyConnection, run_id: str, input_dir: Path, files: pa.Table, settings: Settings
) -> IngestResult:
    """Read `files` (from `scan_inputs`) into raw.documents; every file read gets an audit trail.

    Records stream through: documents are written `settings.batch_docs` at a time, so memory does
    not grow with the records of a file. Only documents new to the archive are written and
    returned; a record unchanged since an earlier version of its file keeps that run's row.
    A file that vanished, could not be read, hit an unexpected error or is still being written
    (`settings.settle_seconds`) is *deferred*: not recorded, read again by the next run.
    The recorded sha256 is that of the bytes read.
    """
    t0 = time.perf_counter()
    result = IngestResult()
    now = datetime.now(UTC)
    out = _NewDocuments(con, settings.batch_docs)
    ingested: dict[str, list] = {
        k: [] for k in ("path", "sha256", "size_bytes", "mtime_ns", "status", "documents")
    }
    rejected: dict[str, list] = {k: [] for k in REJECTED_SCHEMA.names}

    for path, scan_sha in _iter_files(files):
        result.add("files", 1)
        fmt = FORMATS.get(PurePosixPath(path).suffix.lower())
        sha, size, mtime = scan_sha, None, None
        n_docs = 0
        file_rejects: list[tuple[int | None, str, str]] = []
        try:
            if fmt is None:
                raise Rejected("unsupported", f"unsupported file type {PurePosixPath(path).suffix!r}")
            failpoints.hit(f"read:{path}", settings.failpoint)  # tests: a file that kills the run
            data, st = _read(input_dir, path, settings.max_file_bytes, settings.settle_seconds)
            sha, size, mtime = hashlib.sha256(data).hexdigest(), len(data), int(st.st_mtime_ns)
            encoding, records = iter_records(data, fmt, settings)
            del data
            for r in records:
                if r.reason is not None or r.text is None:
                    file_rejects.append((r.index, r.reason or "no_text", r.detail or "record without text"))
                    continue
                content_sha = sha256_text(f"{r.title or ''}\n{r.text}")
                n_docs += 1
                out.add(
                    {
                        "doc_id": stable_id(path, r.index, content_sha),
                        "path": path,
                        "record": r.index,
                        "source": source_for(path, r.source),
                        "file_sha256": sha,
                        "content_sha256": content_sha,
                        "format": fmt,
                        "encoding": encoding,
                        "title": r.title,
                        "text": r.text,
                        "url": r.url,
                        "site_name": r.site_name,
                        "published_at": r.published_at,
                        "ingested_at": now,
                        "run_id": run_id,
                    }
                )
        except Rejected as exc:
            file_rejects = [(None, exc.reason, exc.detail)]
        except RecursionError:
            file_rejects = [(None, "unparseable", "input too complex to parse: RecursionError")]
        except Deferred as exc:
            result.deferred.append((path, scan_sha, exc.reason, exc.detail, exc.failure))
            continue
        except MemoryError:
            result.deferred.append((path, scan_sha, "memory", "MemoryError while reading", True))
            continue
        except Exception as exc:  # a bug or an odd file: retried next run, quarantined if it persists
            log.warning("unexpected error reading %s: %r", path, exc)
            detail = f"unexpected error while reading: {type(exc).__name__}: {exc}"[:500]
            result.deferred.append((path, scan_sha, "error", detail, True))
            continue
        for index, reason, detail in file_rejects:
            for k, v in zip(REJECTED_SCHEMA.names, (path, sha, index, reason, detail), strict=True):
                rejected[k].append(v)
        result.add("records_rejected", sum(1 for r in file_rejects if r[0] is not None))
        for k, v in zip(
            ingested, (path, sha, size, mtime, "loaded" if n_docs else "rejected", n_docs), strict=True
        ):
            ingested[k].append(v)
        result.add("files_loaded" if n_docs else "files_rejected", 1)
    out.flush()

    n_files = len(ingested["path"])
    ing = pa.table(
        {
            "path": pa.array(ingested["path"], pa.string()),
            "sha256": pa.array(ingested["sha256"], pa.string()),
            "size_bytes": pa.array(ingested["size_bytes"], pa.int64()),
            "mtime_ns": pa.array(ingested["mtime_ns"], pa.int64()),
            "status": pa.array(ingested["status"], pa.string()),
            "documents": pa.array(ingested["documents"], pa.int32()),
            "run_id": pa.array([run_id] * n_files, pa.string()),
            "ingested_at": pa.array([now] * n_files, pa.timestamp("us", tz="UTC")),
        }
    )
    db.upsert_arrow(con, "audit.ingested_files", ing, ["path", "sha256"])
    rej = pa.Table.from_pydict(rejected, schema=REJECTED_SCHEMA)
    record_scan_rejections(con, run_id, rej)
    result.doc_ids = out.new_ids
    result.add("documents", len(result.doc_ids))
    result.add("documents_unchanged", out.unchanged)
    result.add("files_deferred", len(result.deferred))
    result.add("rejected_rows", rej.num_rows)
    result.add("milliseconds", int((time.perf_counter() - t0) * 1000))
    return result


def record_quarantined(con: duckdb.DuckDBPyConnection, run_id: str, files: pa.Table) -> int:
    """Reject quarantined files (`parallax.quarantine.split`: path, size_bytes, mtime_ns, sha256,
    detail) without reading them: a `quarantined` rejection and a rejected ingested_files row, so
    later runs skip them until the file changes."""
    if files.num_rows == 0:
        return 0
    n = files.num_rows
    now = datetime.now(UTC)
    ing = pa.table(
        {
            "path": files.column("path"),
            "sha256": files.column("sha256"),
            "size_bytes": files.column("size_bytes"),
            "mtime_ns": files.column("mtime_ns"),
            "status": pa.array(["rejected"] * n, pa.string()),
            "documents": pa.array([0] * n, pa.int32()),
            "run_id": pa.array([run_id] * n, pa.string()),
            "ingested_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
        }
    )
    db.upsert_arrow(con, "audit.ingested_files", ing, ["path", "sha256"])
    rej = pa.table(
        {
            "path": files.column("path"),
            "sha256": files.column("sha256"),
            "record": pa.array([None] * n, pa.int32()),
            "reason": pa.array(["quarantined"] * n, pa.string()),
            "detail": files.column("detail"),
        },
        schema=REJECTED_SCHEMA,
    )
    return record_scan_rejections(con, run_id, rej)
