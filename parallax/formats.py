"""Decoding and parsing one input file's bytes into `Record`s, by format.

Formats by extension (`FORMATS`): `.txt`, `.text` and files without an extension are plain
text; `.md`, `.markdown` markdown (syntax dropped by clean); `.html`, `.htm`, `.xhtml` through
`parallax.htmlpage`; `.json`, `.jsonl`/`.ndjson` and `.csv` are records (`parallax.records`).
A whole-file problem raises `Rejected` with an audit reason code (empty, binary, undecodable,
too_large, too_deep, unparseable, no_text); a bad record is a `Record` with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from parallax.htmlpage import html_meta
from parallax.records import (
    Record,
    Rejected,
    clean_str,
    csv_records,
    json_records,
    jsonl_records,
    parse_datetime,
)
from parallax.settings import Settings
from parallax.textnorm import DecodeError, decode_bytes, normalize_line

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
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_\-:.]{2,40})""", re.I)


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
    text = clean_str(text) or ""
    if not text.strip():
        raise Rejected("empty", "file holds only whitespace")
    records: Iterator[Record]
    if fmt in ("text", "markdown"):
        records = iter([Record(None, text=text)])
    elif fmt == "html":
        try:
            m = html_meta(text, settings.trafilatura_max_chars)
        except Rejected:
            raise
        except Exception as exc:  # an extractor bug must not stop the run: the file is rejected
            raise Rejected(
                "unparseable", f"HTML extraction failed: {type(exc).__name__}: {exc}"[:500]
            ) from None
        page = Record(
            None,
            text=clean_str(m.get("text")),
            title=clean_str(m.get("title")),
            source=clean_str(m.get("sitename")),
            url=clean_str(m.get("url")),
            site_name=clean_str(m.get("sitename")),
            published_at=parse_datetime(m.get("date")),
        )
        if not (page.text or "").strip():
            raise Rejected("no_text", "no main text found in the HTML page")
        records = iter([page])
    elif fmt == "json":
        records = json_records(text)
    elif fmt == "jsonl":
        records = jsonl_records(text)
    else:
        records = csv_records(text, settings.max_record_chars)
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
