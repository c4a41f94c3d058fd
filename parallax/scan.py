"""Scanning the input folder: every input file with its size, mtime and sha256.

`scan_inputs` walks the input folder recursively in sorted order and hashes every regular file
(unless `known_files` says it is unchanged). Hidden files and folders (name starting with ".";
`.DS_Store`, `.git`) are ignored and leave no trace. Symlinks are never followed: one pointing
outside the input folder is rejected as `outside_input`; one pointing inside is rejected as
`unsupported` (its target is read at its own path, so following it would only ingest the same
file twice). Folders that cannot be listed, files that cannot be read and special files (FIFOs,
sockets, devices: never opened) are rejected too. A file name that is not valid UTF-8 is rejected
as `unsupported`. The rejections are rows of `REJECTED_SCHEMA` (audit.rejected_files).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from parallax.settings import Settings

_HASH_CHUNK = 1 << 20

#: audit.rejected_files rows (without run_id, rejected_at): scan rejections here, the rest in ingest
REJECTED_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("record", pa.int32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)
FILES_SCHEMA = pa.schema(
    [("path", pa.string()), ("size_bytes", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.string())]
)
#: path -> (size_bytes, mtime_ns, sha256) of files already read, so unchanged files are not re-hashed.
KnownFiles = Mapping[str, tuple[int, int, str]]


@dataclass
class ScanResult:
    """Files found (path relative posix, size_bytes, sha256) and inputs rejected while scanning."""

    files: pa.Table
    rejected: pa.Table


def _safe_name(rel: str) -> tuple[str, bool]:
    try:
        rel.encode("utf-8")
        return rel, True
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace"), False


def within(path: str, root: str) -> bool:
    """Whether `path` is `root` or lies under it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str]]:
    """The latest recorded (size_bytes, mtime_ns, sha256) of every file already read, by path."""
    rows = con.execute(
        "select path, size_bytes, mtime_ns, sha256 from audit.ingested_files where mtime_ns is not null "
        "qualify row_number() over (partition by path order by ingested_at desc) = 1"
    ).fetchall()
    return {path: (size, mtime, sha) for path, size, mtime, sha in rows}


def scan_inputs(input_dir: Path, settings: Settings, known: KnownFiles | None = None) -> ScanResult:
    """Every input file under `input_dir`, in sorted order, with its size, mtime and sha256.

    A file listed in `known` with the same size and modification time is not read again: its
    recorded sha256 is reused (what make and rsync assume), so a nightly run over an unchanged
    archive costs one `stat` per file. `settings.trust_mtime = False` re-hashes every file.
    """
    known = known if (known and settings.trust_mtime) else {}
    root = os.path.realpath(input_dir)
    files: list[tuple[str, int, int, str]] = []
    rejected: list[tuple[str, str, int | None, str, str]] = []

    def walk(dir_path: str, rel_parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(dir_path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            rel = "/".join(rel_parts) or "."
            rejected.append(
                (_safe_name(rel)[0], "", None, "unreadable", f"folder cannot be listed: {exc.strerror}")
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store) are not inputs
            rel, ok = _safe_name("/".join((*rel_parts, entry.name)))
            if not ok:
                rejected.append((rel, "", None, "unsupported", "file name is not valid UTF-8"))
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not within(target, root):
                        rejected.append(
                            (
                                rel,
                                "",
                                None,
                                "outside_input",
                                "symlink pointing outside the input folder (not followed)",
                            )
                        )
                    else:
                        why = "symlink inside the input folder (not followed; target read at its own path)"
                        rejected.append((rel, "", None, "unsupported", why))
                    continue
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    walk(entry.path, (*rel_parts, entry.name))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    rejected.append(
                        (rel, "", None, "unsupported", "not a regular file (FIFO, socket or device)")
                    )
                    continue
                seen = known.get(rel)
                if seen is not None and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
                    digest = seen[2]
                else:
                    digest = _sha256_file(entry.path)
                files.append((rel, int(st.st_size), int(st.st_mtime_ns), digest))
            except FileNotFoundError:
                continue  # vanished while listed: not an input now; seen again if it comes back
            except OSError as exc:
                rejected.append((rel, "", None, "unreadable", f"cannot be read: {exc.strerror or exc}"))

    if not os.path.isdir(input_dir):
        raise FileNotFoundError(f"input folder not found: {input_dir}")
    walk(str(input_dir), ())
    return ScanResult(
        files=pa.Table.from_pylist(
            [{"path": p, "size_bytes": s, "mtime_ns": m, "sha256": h} for p, s, m, h in files],
            schema=FILES_SCHEMA,
        ),
        rejected=pa.Table.from_pylist(
            [dict(zip(REJECTED_SCHEMA.names, r, strict=True)) for r in rejected], schema=REJECTED_SCHEMA
        ),
    )
