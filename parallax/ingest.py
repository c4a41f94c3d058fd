"""Ingest stage: input folder -> raw.documents, audit.ingested_files, audit.rejected_files.

Scanning (`scan_inputs`) walks the input folder recursively in sorted order and hashes every
regular file. Hidden files and folders (name starting with "."; `.DS_Store`, `.git`) are ignored
and leave no trace. Symlinks are never followed: one pointing outside the input folder is
rejected as `outside_input`; one pointing inside is rejected as `unsupported` (its target is read
at its own path, so following it would only ingest the same file twice). Folders that cannot be
listed, files that cannot be read and special files (FIFOs, sockets, devices: never opened) are
rejected too. A file name that is not valid UTF-8 is rejected as `unsupported`.

Reading (`ingest_files`): every file ends as one or more documents or as audit.rejected_files
rows with a reason code (empty, binary, undecodable, too_large, too_deep, unparseable, no_text,
unreadable, unsupported, outside_input) and a readable detail; the run goes on whatever the bytes are.

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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyarrow as pa

from parallax import db
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
# JSONL files where no line parses and more than this many fail are rejected whole.
_JSONL_ALL_BAD = 1
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


def _json_records(text: str) -> list[Record]:
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
            return [_from_mapping(data, None)]
    if isinstance(data, list):
        if not data:
            raise Rejected("no_text", "JSON list without records")
        return [_from_mapping(rec, i) for i, rec in enumerate(data)]
    raise Rejected("unparseable", f"JSON {type(data).__name__} is neither an object nor a list of objects")


def _jsonl_records(text: str) -> list[Record]:
    out: list[Record] = []
    good = 0
    first_error = ""
    index = 0
    # Split on "\n" only: JSON strings may hold raw U+2028 and other characters splitlines() breaks on.
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except RecursionError:
            rec, err = None, "JSON nested too deeply"
        except ValueError as exc:
            rec, err = None, f"invalid JSON: {exc}"
        else:
            err = ""
        if err:
            first_error = first_error or err
            out.append(Record(index, reason="unparseable", detail=f"record {index}: {err}"))
        else:
            r = _from_mapping(rec, index)
            good += r.reason is None or r.reason == "no_text"
            out.append(r)
        index += 1
    if not out:
        raise Rejected("empty", "no records in JSON Lines file")
    if good == 0 and len(out) > _JSONL_ALL_BAD:
        raise Rejected("unparseable", f"no line is a JSON object; first error: {first_error}")
    return out


def _csv_records(text: str, max_chars: int) -> list[Record]:
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(max_chars + 1, 131072))
    out: list[Record] = []
    try:
        rows = csv.reader(io.StringIO(text, newline=""), dialect)
        header: list[str] | None = None
        for i, row in enumerate(rows):
            if i == 0:
                names = [c.strip().casefold() for c in row]
                if any(n in _KNOWN_FIELDS for n in names):
                    header = names
                    continue
            if not any(c.strip() for c in row):
                continue
            index = len(out)
            if header is not None:
                out.append(_from_mapping(dict(zip(header, row, strict=False)), index))
                continue
            cells = [(j, c) for j, c in enumerate(row) if c.strip() and not _NUMERIC.match(c)]
            if not cells:
                out.append(Record(index, reason="no_text", detail="row has no text cell"))
                continue
            tj, tc = max(cells, key=lambda jc: len(jc[1]))
            before = [c for j, c in cells if j < tj]
            out.append(_from_mapping({"text": tc, "title": before[-1] if before else None}, index))
    except csv.Error as exc:
        raise Rejected("unparseable", f"invalid CSV: {exc}") from None
    if not out:
        raise Rejected("no_text", "CSV file without data rows")
    return out


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


def parse_file(data: bytes, fmt: str, settings: Settings) -> tuple[str, list[Record]]:
    """Decode and parse one file's bytes; returns (encoding, records). Raises `Rejected`."""
    if not data.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"):
        raise Rejected("empty", "file is empty" if not data else "file holds only whitespace")
    text, encoding = _decode(data, fmt)
    text = _clean_str(text) or ""
    if not text.strip():
        raise Rejected("empty", "file holds only whitespace")
    if fmt in ("text", "markdown"):
        records = [Record(None, text=text)]
    elif fmt == "html":
        try:
            m = _html_meta(text, settings.trafilatura_max_chars)
        except Rejected:
            raise
        except Exception as exc:  # an extractor bug must not stop the run: the file is rejected
            raise Rejected(
                "unparseable", f"HTML extraction failed: {type(exc).__name__}: {exc}"[:500]
            ) from None
        records = [
            Record(
                None,
                text=_clean_str(m.get("text")),
                title=_clean_str(m.get("title")),
                source=_clean_str(m.get("sitename")),
                url=_clean_str(m.get("url")),
                site_name=_clean_str(m.get("sitename")),
                published_at=parse_datetime(m.get("date")),
            )
        ]
        if not (records[0].text or "").strip():
            raise Rejected("no_text", "no main text found in the HTML page")
    elif fmt == "json":
        records = _json_records(text)
    elif fmt == "jsonl":
        records = _jsonl_records(text)
    else:
        records = _csv_records(text, settings.max_record_chars)
    for r in records:
        if r.reason is None and r.text is not None and len(r.text) > settings.max_record_chars:
            r.reason, r.detail = (
                "too_large",
                f"record text has {len(r.text)} characters (limit {settings.max_record_chars})",
            )
            r.text = None
    return encoding, records


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


def _read(input_dir: Path, rel: str, max_bytes: int) -> bytes:
    root = os.path.realpath(input_dir)
    full = os.path.join(input_dir, *PurePosixPath(rel).parts)
    if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        raise Rejected("outside_input", "path escapes the input folder")
    if os.path.islink(full) or not _within(os.path.realpath(full), root):
        raise Rejected("outside_input", "path resolves outside the input folder (symlink not followed)")
    try:
        st = os.stat(full, follow_symlinks=False)
    except OSError as exc:
        raise Rejected("unreadable", f"cannot stat: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise Rejected("unsupported", "not a regular file")
    if st.st_size > max_bytes:
        raise Rejected("too_large", f"{st.st_size} bytes (limit {max_bytes})")
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Rejected("unreadable", f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise Rejected("too_large", f"more than {max_bytes} bytes (limit)")
    return data


_RAW_TYPES = {
    "record": pa.int32(),
    "published_at": pa.timestamp("us", tz="UTC"),
    "ingested_at": pa.timestamp("us", tz="UTC"),
}
_RAW_COLS = (
    "doc_id", "path", "record", "source", "file_sha256", "content_sha256", "format", "encoding", "title",
    "text", "url", "site_name", "published_at", "ingested_at", "run_id",
)  # fmt: skip


def _iter_files(files: pa.Table) -> Iterator[tuple[str, int, str]]:
    cols = files.select(["path", "size_bytes", "sha256"]).to_pydict()
    yield from zip(cols["path"], cols["size_bytes"], cols["sha256"], strict=True)


def ingest_files(
    con: duckdb.DuckDBPyConnection, run_id: str, input_dir: Path, files: pa.Table, settings: Settings
) -> StageResult:
    """Read `files` (from `scan_inputs`) into raw.documents; every file gets an audit trail."""
    t0 = time.perf_counter()
    result = StageResult()
    now = datetime.now(UTC)
    docs: dict[str, list] = {k: [] for k in _RAW_COLS}
    ingested: dict[str, list] = {k: [] for k in ("path", "sha256", "size_bytes", "status", "documents")}
    mtimes: dict[str, int | None] = (
        dict(zip(files["path"].to_pylist(), files["mtime_ns"].to_pylist(), strict=True))
        if "mtime_ns" in files.column_names
        else {}
    )
    rejected: dict[str, list] = {k: [] for k in REJECTED_SCHEMA.names}

    def reject(path: str, sha: str, record: int | None, reason: str, detail: str) -> None:
        rejected["path"].append(path)
        rejected["sha256"].append(sha)
        rejected["record"].append(record)
        rejected["reason"].append(reason)
        rejected["detail"].append(detail)

    for path, size, sha in _iter_files(files):
        result.add("files", 1)
        fmt = FORMATS.get(PurePosixPath(path).suffix.lower())
        file_docs: list[dict[str, Any]] = []
        file_rejects: list[tuple[int | None, str, str]] = []
        try:
            if fmt is None:
                raise Rejected("unsupported", f"unsupported file type {PurePosixPath(path).suffix!r}")
            data = _read(input_dir, path, settings.max_file_bytes)
            encoding, records = parse_file(data, fmt, settings)
            for r in records:
                if r.reason is not None or r.text is None:
                    file_rejects.append((r.index, r.reason or "no_text", r.detail or "record without text"))
                    continue
                content_sha = sha256_text(f"{r.title or ''}\n{r.text}")
                file_docs.append(
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
            file_docs, file_rejects = [], [(None, exc.reason, exc.detail)]
        except (MemoryError, RecursionError) as exc:
            file_docs = []
            file_rejects = [(None, "unparseable", f"input too complex to parse: {type(exc).__name__}")]
        except Exception as exc:
            log.warning("unexpected error reading %s: %r", path, exc)
            file_docs = []
            file_rejects = [
                (None, "unparseable", f"unexpected error while reading: {type(exc).__name__}: {exc}"[:500])
            ]
        for d in file_docs:
            for k in _RAW_COLS:
                docs[k].append(d[k])
        for index, reason, detail in file_rejects:
            reject(path, sha, index, reason, detail)
        result.add("records_rejected", sum(1 for r in file_rejects if r[0] is not None))
        n_docs = len(file_docs)
        ingested["path"].append(path)
        ingested["sha256"].append(sha)
        ingested["size_bytes"].append(size)
        ingested["status"].append("loaded" if n_docs else "rejected")
        ingested["documents"].append(n_docs)
        result.add("files_loaded" if n_docs else "files_rejected", 1)

    raw = pa.table({k: pa.array(v, _RAW_TYPES.get(k, pa.string())) for k, v in docs.items()})
    # The same record read twice in one batch (cannot happen with distinct paths) keeps one row.
    db.upsert_arrow(con, "raw.documents", raw, ["doc_id"])
    n_files = len(ingested["path"])
    ing = pa.table(
        {
            "path": pa.array(ingested["path"], pa.string()),
            "sha256": pa.array(ingested["sha256"], pa.string()),
            "size_bytes": pa.array(ingested["size_bytes"], pa.int64()),
            "mtime_ns": pa.array([mtimes.get(p) for p in ingested["path"]], pa.int64()),
            "status": pa.array(ingested["status"], pa.string()),
            "documents": pa.array(ingested["documents"], pa.int32()),
            "run_id": pa.array([run_id] * n_files, pa.string()),
            "ingested_at": pa.array([now] * n_files, pa.timestamp("us", tz="UTC")),
        }
    )
    db.upsert_arrow(con, "audit.ingested_files", ing, ["path", "sha256"])
    rej = pa.Table.from_pydict(rejected, schema=REJECTED_SCHEMA)
    record_scan_rejections(con, run_id, rej)
    result.doc_ids = list(dict.fromkeys(docs["doc_id"]))
    result.add("documents", len(result.doc_ids))
    result.add("rejected_rows", rej.num_rows)
    result.add("milliseconds", int((time.perf_counter() - t0) * 1000))
    return result
