"""Records of JSON, JSON Lines and CSV files, and the field values they carry.

A JSON file is an object, a list of objects, or an object holding such a list under a key like
"articles" (`LIST_KEYS`); a top-level list streams element by element (`parallax.jsonstream`).
JSON Lines hold one object per line. A CSV file has a header row with field names; without a
recognisable header the longest non-numeric cell is the text and another non-numeric cell before
it the title. Record fields, matched case-insensitively: text from `TEXT_FIELDS`, title from
`TITLE_FIELDS`, source from `SOURCE_FIELDS`, url from `URL_FIELDS`, published_at from
`DATE_FIELDS`. A record without text is a rejected `Record` with its index; a bad record is
rejected on its own, a file where nothing parses is one whole-file `Rejected`.
"""

from __future__ import annotations

import csv
import email.utils
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parallax.jsonstream import iter_json_list

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
# JSON / JSONL files where no record parses and more than this many fail are rejected whole.
_ALL_BAD = 1
_LINE = re.compile(r"[^\n]+")
_NUMERIC = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$")


class Rejected(Exception):
    """A whole input file rejected with an audit reason code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# --- values ----------------------------------------------------------------------------------


def clean_str(value: Any) -> str | None:
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
            except (TypeError, ValueError, IndexError, OverflowError):  # fields past a C int: no date
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
    text = clean_str(_field(rec, TEXT_FIELDS))
    title = clean_str(_field(rec, TITLE_FIELDS))
    if (text is None or not text.strip()) and title and title.strip():
        # a headline-only item (a wire flash, a one-line story): its headline is its text; the
        # clean stage's minimum length still rejects one too short to read (`no_text`)
        text, title = title, None
    if text is None or not text.strip():
        return Record(index, reason="no_text", detail=f"no text field (looked for: {', '.join(TEXT_FIELDS)})")
    return Record(
        index,
        text=text,
        title=title,
        source=clean_str(_field(rec, SOURCE_FIELDS)),
        url=clean_str(_field(rec, URL_FIELDS)),
        site_name=clean_str(_field(rec, ("site_name", "sitename"))),
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


def json_records(text: str) -> Iterator[Record]:
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


def jsonl_records(text: str) -> Iterator[Record]:
    """Records of a JSON Lines file, one object per line (blank lines skipped), read line by line."""

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


def csv_records(text: str, max_chars: int) -> Iterator[Record]:
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
