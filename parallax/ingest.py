"""Ingest stage: input folder -> raw.documents, audit.ingested_files, audit.rejected_files.

Scanning (`scan_inputs`) walks the input folder recursively in sorted order and hashes every
regular file. Hidden files and folders (name starting with "."; `.DS_Store`, `.git`) are ignored
and leave no trace. Symlinks are never followed: one pointing outside the input folder is
rejected as `outside_input`; one pointing inside is rejected as `unsupported` (its target is read
at its own path, so following it would only ingest the same file twice). Folders that cannot be
listed, files that cannot be read and special files (FIFOs, sockets, devices: never opened) are
rejected too. A file name that is not valid UTF-8 is rejected as `unsupported`.

Reading (`ingest_files`): every file ends as one or more documents or as audit.rejected_files
rows with a reason code (empty, binary, undecodable, too_large, too_deep, unparseable, no_text, unreadable,
unsupported, outside_input, quarantined) and a readable detail; the run goes on whatever the bytes
are. A problem that may pass (the file vanished, an I/O error, MemoryError, an unexpected error, a
file modified within `settings.settle_seconds` or while read) *defers* the file instead: nothing is
recorded and the next run reads it again. Records stream (a JSON list element by element, JSONL
line by line, CSV row by row); a bad record is rejected on its own with its index. Only documents
new to the archive are written: a record whose doc_id (path, record, content) is already in
raw.documents keeps the row of the run that first read it, and is not handed on to clean again.

Formats by extension: `.txt`, `.text` and files without an extension are plain text; `.md`,
`.markdown` markdown (syntax dropped by clean); `.html`, `.htm`, `.xhtml` through trafilatura
(main text, title, site name, canonical URL, date; scripts, navigation and comments dropped);
`.json` (an object, a list of objects, or an object holding such a list under a key like
"articles"), `.jsonl`/`.ndjson` (one object per line) and `.csv` (header row with field names;
without a recognisable header the longest non-numeric cell is the text and another non-numeric
cell before it the title) are records. Record fields, matched case-insensitively: text from
`TEXT_FIELDS`, title from `TITLE_FIELDS`, source from `SOURCE_FIELDS`, url from `URL_FIELDS`,
published_at from `DATE_FIELDS`. A record without text is a rejected row with its index.

Source: a metadata field (record field, or the HTML site name) when present, else the first-level
subfolder of the input path, else the file stem. doc_id = stable_id(path, record, content_sha256)
where content_sha256 hashes "title\\ntext" as decoded.
"""

from __future__ import annotations

import csv
import email.utils
import functools
import hashlib
import io
import json
import logging
import os
import re
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db, failpoints
from parallax.jsonstream import iter_json_list
from parallax.settings import Settings
from parallax.stage import StageResult, stable_id
from parallax.textnorm import DecodeError, decode_bytes, normalize_line, sha256_text

FORMATS = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
TEXT_FIELDS = (
    "text",
    "body",
    "content",
    "description",
    "article",
    "article_text",
    "full_text",
    "maintext",
    "story",
)
TITLE_FIELDS = ("title", "headline", "heading", "subject")
SOURCE_FIELDS = (
    "source",
    "source_name",
    "outlet",
    "publisher",
    "site_name",
    "sitename",
    "source_tag",
    "domain",
)
URL_FIELDS = ("url", "link", "canonical_url", "source_url", "href")
DATE_FIELDS = ("published_at", "published", "publication_date", "pubdate", "date", "datetime", "timestamp",
               "created_at")  # fmt: skip
LIST_KEYS = ("articles", "items", "data", "records", "documents", "docs", "results", "entries", "posts",
             "stories", "news")  # fmt: skip
_KNOWN_FIELDS = set(TEXT_FIELDS + TITLE_FIELDS + SOURCE_FIELDS + URL_FIELDS + DATE_FIELDS)
log = logging.getLogger(__name__)
_HASH_CHUNK = 1 << 20
TRAFILATURA_MAX_CHARS = 2_000_000
# JSON / JSONL files where no record parses and more than this many fail are rejected whole.
_ALL_BAD = 1
_LINE = re.compile(r"[^\n]+")
_NUMERIC = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_\-:.]{2,40})""", re.I)

REJECTED_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("record", pa.int32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)
#: key of audit.rejected_files
REJECTION_KEY = ("path", "sha256", "record")
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


class Rejected(Exception):
    """A whole input file rejected with an audit reason code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# --- scanning --------------------------------------------------------------------------------


def _safe_name(rel: str) -> tuple[str, bool]:
    try:
        rel.encode("utf-8")
        return rel, True
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace"), False


def _within(path: str, root: str) -> bool:
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
                    if not _within(target, root):
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


# --- values ----------------------------------------------------------------------------------


def _clean_str(value: Any) -> str | None:
    """A string field as text safe for Arrow/DuckDB (no NUL, no lone surrogates), or None."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


_DATE_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
    "%d/%m/%Y", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d",
    "%a, %d %b %Y", "%B %d %Y",
)  # fmt: skip


def parse_datetime(value: Any) -> datetime | None:
    """Best-effort timestamp from common metadata formats (ISO 8601, RFC 2822, epoch, ...); UTC."""
    dt: datetime | None = None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        secs = float(value) / (1000.0 if abs(value) > 1e11 else 1.0)
        try:
            dt = datetime.fromtimestamp(secs, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        s = value.strip()[:64]
        if not s:
            return None
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
        except ValueError:
            dt = None
        if dt is None:
            try:
                dt = email.utils.parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                dt = None
        if dt is None:
            for fmt in _DATE_FORMATS:
                try:
                    dt = datetime.strptime(s, fmt)
                    break
                except ValueError:
                    continue
    if dt is None or not (1800 <= dt.year <= 2200):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _lowered(rec: dict) -> dict[str, Any]:
    return {str(k).strip().casefold(): v for k, v in rec.items()}


def _field(lowered: dict[str, Any], names: tuple[str, ...]) -> Any:
    """First non-empty value among `names` in a record whose keys are already case-folded."""
    for name in names:
        v = lowered.get(name)
        if v is not None and v != "":
            return v
    return None


# --- parsing ---------------------------------------------------------------------------------


@dataclass
class Record:
    """One record found in a file: fields, or a rejection with reason and detail."""

    index: int | None
    text: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    reason: str | None = None
    detail: str | None = None


def _from_mapping(rec: Any, index: int | None) -> Record:
    if not isinstance(rec, dict):
        return Record(
            index, reason="unparseable", detail=f"record is a JSON {type(rec).__name__}, not an object"
        )
    rec = _lowered(rec)
    text = _clean_str(_field(rec, TEXT_FIELDS))
    if text is None or not text.strip():
        return Record(index, reason="no_text", detail=f"no text field (looked for: {', '.join(TEXT_FIELDS)})")
    return Record(
        index,
        text=text,
        title=_clean_str(_field(rec, TITLE_FIELDS)),
        source=_clean_str(_field(rec, SOURCE_FIELDS)),
        url=_clean_str(_field(rec, URL_FIELDS)),
        site_name=_clean_str(_field(rec, ("site_name", "sitename"))),
        published_at=parse_datetime(_field(rec, DATE_FIELDS)),
    )


def _until_good(
    records: Iterator[tuple[Record, bool]], empty: Rejected, all_bad: Rejected
) -> Iterator[Record]:
    """Pass `(record, parsed)` pairs through; while no record has parsed, hold the bad ones back.

    A file where nothing parses (more than `_ALL_BAD` records, or one that is not a record at all)
    is one whole-file rejection (`all_bad`, its detail completed with the first error) rather than
    thousands of record rejections; otherwise bad records are rejected one by one. Only the bad
    records before the first good one are held, so memory stays bounded by the bad ones.
    """
    held: list[Record] = []
    good = False
    for record, parsed in records:
        if good:
            yield record
        elif parsed:
            good = True
            yield from held
            held.clear()
            yield record
        else:
            held.append(record)
    if good:
        return
    if not held:
        raise empty
    if len(held) > _ALL_BAD:
        raise Rejected(all_bad.reason, f"{all_bad.detail}; first error: {held[0].detail}")
    yield from held


def _json_records(text: str) -> Iterator[Record]:
    """Records of a JSON file; a top-level list is streamed element by element (see jsonstream)."""
    start = len(text) - len(text.lstrip(" \t\n\r"))
    if text.startswith("[", start):

        def elements() -> Iterator[tuple[Record, bool]]:
            for i, value, err in iter_json_list(text, start):
                if err is not None:
                    yield Record(i, reason="unparseable", detail=f"record {i}: {err}"), False
                else:
                    yield _from_mapping(value, i), True

        yield from _until_good(
            elements(),
            Rejected("no_text", "JSON list without records"),
            Rejected("unparseable", "no element of the JSON list parses"),
        )
        return
    try:
        data = json.loads(text)
    except RecursionError:
        raise Rejected("unparseable", "JSON nested too deeply") from None
    except ValueError as exc:
        raise Rejected("unparseable", f"invalid JSON: {exc}") from None
    if isinstance(data, dict):
        if _field(_lowered(data), TEXT_FIELDS) is None:
            for key in LIST_KEYS:
                inner = _field(_lowered(data), (key,))
                if isinstance(inner, list):
                    data = inner
                    break
        if isinstance(data, dict):
            yield _from_mapping(data, None)
            return
    if isinstance(data, list):
        if not data:
            raise Rejected("no_text", "JSON list without records")
        for i in range(len(data)):
            # hand each record over and drop the reference: the list empties as it is read
            rec, data[i] = data[i], None
            yield _from_mapping(rec, i)
        return
    raise Rejected("unparseable", f"JSON {type(data).__name__} is neither an object nor a list of objects")


def _jsonl_records(text: str) -> Iterator[Record]:
    def lines() -> Iterator[tuple[Record, bool]]:
        index = 0
        # Split on "\n" only: JSON strings may hold raw U+2028 and other characters splitlines()
        # breaks on. finditer keeps one line at a time in memory, not a list of every line.
        for m in _LINE.finditer(text):
            line = m.group()
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except RecursionError:
                err = "JSON nested too deeply"
            except ValueError as exc:
                err = f"invalid JSON: {exc}"
            else:
                r = _from_mapping(rec, index)
                yield r, r.reason is None or r.reason == "no_text"
                index += 1
                continue
            yield Record(index, reason="unparseable", detail=f"record {index}: {err}"), False
            index += 1

    yield from _until_good(
        lines(),
        Rejected("empty", "no records in JSON Lines file"),
        Rejected("unparseable", "no line is a JSON object"),
    )


def _csv_records(text: str, max_chars: int) -> Iterator[Record]:
    """Records of a CSV file; a row that cannot be read (a field over the limit, a broken quote)
    is rejected on its own and the rows after it are read as usual."""
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    limit = max(max_chars + 1, 131072)
    csv.field_size_limit(limit)
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    index = 0
    first = True
    while True:
        line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = "too_large" if "field limit" in str(exc) else "unparseable"
            detail = f"row {index} (line {line}): " + (
                f"a field is longer than {limit - 1} characters" if reason == "too_large" else f"{exc}"
            )
            yield Record(index, reason=reason, detail=detail)
            index, first = index + 1, False
            continue
        if first:
            first = False
            names = [c.strip().casefold() for c in row]
            if any(n in _KNOWN_FIELDS for n in names):
                header = names
                continue
        if not any(c.strip() for c in row):
            continue
        if header is not None:
            yield _from_mapping(dict(zip(header, row, strict=False)), index)
        else:
            cells = [(j, c) for j, c in enumerate(row) if c.strip() and not _NUMERIC.match(c)]
            if not cells:
                yield Record(index, reason="no_text", detail="row has no text cell")
            else:
                tj, tc = max(cells, key=lambda jc: len(jc[1]))
                before = [c for j, c in cells if j < tj]
                yield _from_mapping({"text": tc, "title": before[-1] if before else None}, index)
        index += 1
    if index == 0:
        raise Rejected("no_text", "CSV file without data rows")


@functools.lru_cache(maxsize=1)
def _trafilatura() -> Any:
    """trafilatura, or None when it cannot be imported (then the lxml fallback extracts)."""
    try:
        import trafilatura
    except ImportError as exc:
        log.warning("trafilatura unavailable (%s); using the plain lxml HTML extraction", exc)
        return None
    return trafilatura


def _html_meta(text: str, max_chars: int = TRAFILATURA_MAX_CHARS) -> dict[str, str | None]:
    """Main text and metadata of an HTML page: trafilatura, else a plain lxml extraction.

    A page nested deeper than libxml2's default limit (256 levels) loses everything below that
    depth in a default parse (trafilatura's included): it is parsed again with lxml's
    `huge_tree` (limit 2048) and extracted with the lxml extractor; a page deeper than that is
    rejected as `too_deep`.
    """
    root, limited = _parse_html(text, huge=False)
    if limited:
        root, limited = _parse_html(text, huge=True)
        if limited:
            raise Rejected("too_deep", f"HTML nested deeper than the parser's limit: {limited}"[:500])
        return _lxml_extract_tree(root) if root is not None else {}
    meta: dict[str, str | None] = {}
    # trafilatura's cost grows fast on huge pages (a 2 MB page of 100k paragraphs: ~15 s);
    # beyond this size the linear lxml extraction is used instead.
    trafilatura = _trafilatura() if len(text) <= max_chars else None
    doc = None
    if trafilatura is not None:
        try:
            doc = trafilatura.bare_extraction(
                text, with_metadata=True, include_comments=False, deduplicate=False
            )
        except Exception:  # extractor failures on hostile pages fall back below
            doc = None
    if doc is not None:
        d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        meta = {k: d.get(k) for k in ("title", "text", "url", "sitename", "date")}
    if not (meta.get("text") or "").strip():
        try:
            fb = _lxml_extract_tree(root) if root is not None else {}
        except Exception:  # lxml raises many types on garbage; no extraction then
            fb = {}
        meta = {k: meta.get(k) or fb.get(k) for k in ("title", "text", "url", "sitename", "date")}
    return meta


_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt")


def _parse_html(text: str, *, huge: bool) -> tuple[Any, str | None]:
    """(lxml root or None, the resource-limit error libxml2 hit, if any) of an HTML page.

    `huge` lifts libxml2's limits (`XML_PARSE_HUGE`: depth 2048 instead of 256)."""
    import lxml.html

    text = _XML_DECL.sub("", _XML_BAD_CHARS.sub("", text))
    parser = lxml.html.HTMLParser(huge_tree=huge)
    try:
        root = lxml.html.fromstring(text, parser=parser)
    except Exception:  # lxml raises many types on garbage; no extraction then
        return None, None
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT":
            return root, str(err.message)
    return root, None


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _lxml_extract_tree(root: Any) -> dict[str, str | None]:

    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("property", "name", "itemprop"):
                v = root.xpath(f"string(//meta[@{attr}=$n]/@content)", n=name)
                if v:
                    return str(v).strip()
        return None

    title = meta("og:title", "twitter:title") or (root.findtext(".//title") or "").strip() or None
    url = meta("og:url") or (str(root.xpath("string(//link[@rel='canonical']/@href)")) or None)
    date = meta("article:published_time", "date", "pubdate", "datePublished", "dc.date")
    site = meta("og:site_name", "application-name")
    for bad in root.xpath("//script|//style|//noscript|//nav|//header|//footer|//aside|//form|//iframe"):
        bad.drop_tree()
    parts: list[str] = []
    for el in root.iter(*_BLOCK_TAGS):
        if any(anc.tag in _BLOCK_TAGS for anc in el.iterancestors()):
            continue
        t = " ".join(el.text_content().split())
        if t:
            parts.append(t)
    if not parts:
        body = root.find(".//body")
        t = (body if body is not None else root).text_content()
        parts = [" ".join(line.split()) for line in t.splitlines() if line.strip()]
    return {"title": title, "text": "\n".join(parts), "url": url, "sitename": site, "date": date}


def _decode(data: bytes, fmt: str) -> tuple[str, str]:
    if fmt == "html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "ignore").lower()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    if b"\x00" not in data[:65536]:
                        return data.decode(declared), declared
                except (LookupError, UnicodeDecodeError):
                    pass
    try:
        return decode_bytes(data)
    except DecodeError as exc:
        raise Rejected(exc.reason, exc.detail) from None


def iter_records(data: bytes, fmt: str, settings: Settings) -> tuple[str, Iterator[Record]]:
    """Decode one file's bytes; returns (encoding, records read lazily, one at a time).

    Raises `Rejected` for a whole-file problem: at once (empty, undecodable, ...) or while the
    records are iterated (a JSON file that does not parse, a CSV without data rows).
    """
    if not data.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"):
        raise Rejected("empty", "file is empty" if not data else "file holds only whitespace")
    text, encoding = _decode(data, fmt)
    text = _clean_str(text) or ""
    if not text.strip():
        raise Rejected("empty", "file holds only whitespace")
    records: Iterator[Record]
    if fmt in ("text", "markdown"):
        records = iter([Record(None, text=text)])
    elif fmt == "html":
        try:
            m = _html_meta(text, settings.trafilatura_max_chars)
        except Rejected:
            raise
        except Exception as exc:  # an extractor bug must not stop the run: the file is rejected
            raise Rejected(
                "unparseable", f"HTML extraction failed: {type(exc).__name__}: {exc}"[:500]
            ) from None
        page = Record(
            None,
            text=_clean_str(m.get("text")),
            title=_clean_str(m.get("title")),
            source=_clean_str(m.get("sitename")),
            url=_clean_str(m.get("url")),
            site_name=_clean_str(m.get("sitename")),
            published_at=parse_datetime(m.get("date")),
        )
        if not (page.text or "").strip():
            raise Rejected("no_text", "no main text found in the HTML page")
        records = iter([page])
    elif fmt == "json":
        records = _json_records(text)
    elif fmt == "jsonl":
        records = _jsonl_records(text)
    else:
        records = _csv_records(text, settings.max_record_chars)
    return encoding, _limit_size(records, settings.max_record_chars)


def _limit_size(records: Iterator[Record], max_chars: int) -> Iterator[Record]:
    for r in records:
        if r.reason is None and r.text is not None and len(r.text) > max_chars:
            r.reason, r.detail = "too_large", f"record text has {len(r.text)} characters (limit {max_chars})"
            r.text = None
        yield r


def parse_file(data: bytes, fmt: str, settings: Settings) -> tuple[str, list[Record]]:
    """Decode and parse one file's bytes; returns (encoding, records). Raises `Rejected`."""
    encoding, records = iter_records(data, fmt, settings)
    return encoding, list(records)


def source_for(path: str, meta: str | None) -> str:
    """Outlet name: metadata when present, else the first-level subfolder, else the file stem."""
    if meta:
        m = normalize_line(meta)[:200]
        if m:
            return m
    parts = PurePosixPath(path).parts
    if len(parts) >= 2:
        return parts[0]
    return PurePosixPath(path).stem or path


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
    if os.path.islink(full) or not _within(os.path.realpath(full), root):
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
                raise Deferred(
                    "settling", f"modified {age:.1f} s ago (settle time {settle_seconds} s)", failure=False
                )
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
