"""Stream the elements of a top-level JSON list one at a time, surviving a bad element.

`json.loads` on a list of a million records builds every record before the first can be used,
and one syntax error anywhere loses them all. `iter_json_list` decodes one element at a time
(`json.JSONDecoder.raw_decode`, C speed) so memory stays that of the text plus one record; an
element that does not decode is skipped to its end by a string- and bracket-aware scan, reported
with its index and error, and the next element is read as usual. Indexes are those `json.loads`
would give (the position in the list), so record ids stay stable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
# a complete string (unrolled loop: linear), a lone quote (unterminated string), or structure
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{},]', re.S)


def _skip_value(text: str, pos: int) -> int | None:
    """Position of the `,` or `]` that ends the list element starting at `pos`; None at end of text."""
    depth = 0
    for m in _TOKEN.finditer(text, pos):
        tok = m.group()
        if tok == '"':
            return None  # unterminated string: nothing after it can be trusted
        if tok[0] == '"':
            continue
        if tok in "[{":
            depth += 1
        elif tok in "]}":
            if depth == 0:
                return m.start() if tok == "]" else None
            depth -= 1
        elif depth == 0:  # ","
            return m.start()
    return None


def iter_json_list(text: str, start: int) -> Iterator[tuple[int, Any, str | None]]:
    """Yield `(index, value, error)` for each element of the JSON list opening at `text[start]`.

    `error` is None for an element that decoded, else a readable message (value None). A list
    that is not closed or is followed by other text ends with an error at the next index.
    """
    pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]  # [ \t\n\r]* always matches
    index = 0
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            error: str | None = None
            try:
                value, end = _DECODER.raw_decode(text, pos)
            except RecursionError:
                error = "JSON nested too deeply"
            except ValueError as exc:
                error = f"invalid JSON: {exc}"
            if error is not None:
                yield index, None, error
                skipped = _skip_value(text, pos)
                if skipped is None:
                    return
                end = skipped
            else:
                yield index, value, None
            index += 1
            pos = _WS.match(text, end).end()  # type: ignore[union-attr]
            if pos >= len(text):
                yield index, None, "invalid JSON: the file ends before the list is closed"
                return
            if text[pos] == "]":
                pos += 1
                break
            if text[pos] != ",":
                yield index, None, f"invalid JSON: expected ',' or ']' at character {pos}"
                return
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if _WS.match(text, pos).end() != len(text):  # type: ignore[union-attr]
        yield index, None, f"invalid JSON: extra data after the list at character {pos}"
