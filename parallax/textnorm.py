"""Text helpers shared by ingest and clean: byte decoding, mojibake repair, markup debris, keys.

Decoding order (`decode_bytes`): a byte-order mark decides first (UTF-8-SIG, UTF-16/32); then
binary detection (NUL bytes or a high share of control bytes); then strict UTF-8; then BOM-less
UTF-16 (every other byte NUL); then legacy single-byte text: Windows-1252 when the bytes are
mostly ASCII and cp1252 decodes them (the usual case for Western news pages), else the best guess
of charset-normalizer. Bytes no candidate decodes coherently are `undecodable`.

Line normalization (`normalize_line`) is applied line by line so each cleaned line still maps to
its offset in the decoded raw text: mojibake repair (ftfy, quotes left curly), HTML entities
including AG-News-style broken ones (`#39;`), escaped and literal HTML tags, control characters,
zero-width characters, Unicode NFC, and whitespace collapsed to single spaces.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

import ftfy

# A file is binary when more than this share of its first bytes are control bytes
# (other than tab, newline, carriage return, form feed, vertical tab, escape).
BINARY_CONTROL_RATIO = 0.05
_SNIFF_BYTES = 65536
# Bytes mostly ASCII (share) + strict cp1252 decoding -> cp1252 without asking the detector.
CP1252_ASCII_SHARE = 0.7

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


class DecodeError(ValueError):
    """Bytes that cannot be turned into text; `reason` is an audit.rejected_files reason code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def looks_binary(data: bytes) -> str | None:
    """A readable explanation when `data` looks binary (NUL bytes, many control bytes), else None."""
    head = data[:_SNIFF_BYTES]
    if not head:
        return None
    nul = head.count(0)
    if nul:
        return f"{nul} NUL byte(s) in the first {len(head)} bytes"
    ctrl = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if ctrl / len(head) > BINARY_CONTROL_RATIO:
        return f"{ctrl} control bytes in the first {len(head)} bytes ({ctrl / len(head):.0%})"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:_SNIFF_BYTES]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode input bytes to text; returns (text, encoding name). Raises `DecodeError`."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise DecodeError("undecodable", f"starts with a {enc} byte-order mark but: {exc}") from None
            if "\x00" in text:
                raise DecodeError("binary", f"NUL characters after decoding as {enc}")
            return text, enc
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError:
            pass
    why = looks_binary(data)
    if why:
        raise DecodeError("binary", why)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    ascii_share = sum(1 for b in data[:_SNIFF_BYTES] if b < 128) / max(1, min(len(data), _SNIFF_BYTES))
    if ascii_share >= CP1252_ASCII_SHARE:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable", "not UTF-8, and no legacy encoding decodes it coherently")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError("undecodable", f"best guess {best.encoding} failed: {exc}") from None


# --- line normalization ---------------------------------------------------------------------

# Line breaks of every flavour; splitting on these keeps raw offsets.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# AG-News-style entities whose "&" was lost (turned into a space): "Microsoft #39;s" -> "Microsoft's",
# "a  quot;free quot; browser" -> 'a "free" browser'. An apostrophe also takes back the space.
_BROKEN_APOS = re.compile(r"(?<!&) ?#(?:39|146|8217);")
_BROKEN_ENTITY = re.compile(r"(?<![&\w#])#(\d{2,4});")
_BROKEN_NAMED = re.compile(r"( ?)(?<!\S)(quot|amp|lt|gt|nbsp|apos);(?=(\w)?)")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "apos": "'"}
# Tags (literal or unescaped) that are HTML markup, not text. Other <...> (Reuters tickers such as
# <BP>, company tags <Computer Terminal Systems Inc>) keep their content, brackets dropped.
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|body|br|center|cite|code|del|div|em|font|h[1-6]|head|hr|html|i|iframe|img|"
    "input|ins|label|li|link|meta|nobr|ol|p|pre|q|s|small|source|span|strike|strong|sub|sup|table|tbody|"
    "td|th|thead|tr|tt|u|ul|wbr|figure|figcaption|section|article|header|footer|nav|aside|button|form|"
    "picture|svg|video|audio|noscript|script|style"
)
_SCRIPT_OPEN = re.compile(r"<(script|style|noscript)\b", re.I)
_HTML_TAG = re.compile(rf"</?(?:{_HTML_TAGS})\b[^<>]{{0,2000}}/?>|<!--.*?-->|<!\[CDATA\[|\]\]>", re.I | re.S)
_OTHER_TAG = re.compile(r"<([^<>\n]{1,80})>")
# A backslash glued between two word characters is a lost line break in some feeds ("second\team").
_GLUED_BACKSLASH = re.compile(r"(?<=[A-Za-z.,;])\\(?=[A-Za-z])")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MOJIBAKE_HINT = re.compile(r"[\u00c2-\u00c3\u00e2\u00c5\u00d0\u00d1\u00ef\u00a0-\u00bf\u0080-\u009f\ufffd]")


def _entity_char(match: re.Match[str]) -> str:
    n = int(match.group(1))
    if 128 <= n <= 159:  # HTML5 maps these numeric references through Windows-1252
        return bytes([n]).decode("cp1252", errors="ignore")
    if n < 32 and n not in (9, 10, 13):
        return ""
    try:
        return chr(n)
    except (ValueError, OverflowError):
        return ""


def _named_char(m: re.Match[str]) -> str:
    char = _NAMED[m.group(2)]
    if m.group(2) == "quot" and m.group(3) is None:
        return char  # a closing quote takes back the space the lost "&" became
    return m.group(1) + char


def repair_mojibake(text: str) -> str:
    """ftfy repair of mis-decoded text, keeping curly quotes and full-width characters as they are."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return unicodedata.normalize("NFC", text)
    return ftfy.fix_text(
        text,
        unescape_html=False,
        uncurl_quotes=False,
        fix_character_width=False,
        fix_line_breaks=False,
        normalization="NFC",
    )


def script_spans(text: str) -> list[tuple[int, int]]:
    """Spans of <script>/<style>/<noscript> elements, found in linear time (no regex backtracking)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    low: str | None = None
    while True:
        m = _SCRIPT_OPEN.search(text, pos)
        if m is None:
            break
        if low is None:
            low = text.lower()
        close = low.find("</" + m.group(1).lower(), m.end())
        if close < 0:
            break  # unclosed: the rest is left to the tag stripper
        gt = low.find(">", close)
        end = len(text) if gt < 0 else gt + 1
        spans.append((m.start(), end))
        pos = end
    return spans


_NOT_BREAK = re.compile(r"[^\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def blank_script_blocks(text: str, keep_breaks: bool = True) -> str:
    """Replace script/style blocks by spaces; with `keep_breaks`, same length and line breaks kept."""
    if "<" not in text:
        return text
    spans = script_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(_NOT_BREAK.sub(" ", text[start:end]) if keep_breaks else " ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def strip_markup(text: str) -> str:
    """Decode entities (also broken `#39;` ones) and drop HTML tags, including escaped ones."""
    if "#" in text:
        text = _BROKEN_APOS.sub("\u2019" if "\u2019" in text else "'", text)
        text = _BROKEN_ENTITY.sub(_entity_char, text)
    if ";" in text and "&" not in text:
        text = _BROKEN_NAMED.sub(_named_char, text)
    if "&" in text:
        # Twice: feeds double-escape ("&amp;lt;b&amp;gt;").
        for _ in range(2):
            if "&" not in text:
                break
            text = html.unescape(text)
    if "<" in text:
        text = blank_script_blocks(text, keep_breaks=False)
        text = _HTML_TAG.sub(" ", text)
        text = _OTHER_TAG.sub(lambda m: m.group(1), text)
    if "\\" in text:
        text = _GLUED_BACKSLASH.sub(" ", text)
    return text


def normalize_line(line: str) -> str:
    """Clean one line of decoded text (see module docstring). Never adds line breaks."""
    line = line.strip()
    if (
        line.isascii()
        and line.isprintable()
        and "&" not in line
        and "<" not in line
        and "#" not in line
        and "\\" not in line
        and "  " not in line
        and ";" not in line
    ):
        return line  # plain printable ASCII: nothing to repair (the common case, kept fast)
    line = repair_mojibake(line)
    line = strip_markup(line)
    line = LINE_BREAK.sub(" ", line)
    line = _ZERO_WIDTH.sub("", line)
    line = _CONTROL.sub("", line)
    line = _SPACES.sub(" ", line)
    return line.strip()


def fold_key(text: str) -> str:
    """Case- and whitespace-folded text with typographic quotes and dashes made plain (comparison key)."""
    if not text.isascii():
        text = text.translate(_PLAIN)
    text = text.casefold()
    return " ".join(text.split())


_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def normalized_sha256(body: str) -> str:
    """SHA-256 of the case-folded, whitespace-collapsed body (exact-duplicate key)."""
    return sha256_text(" ".join(body.casefold().split()))


@dataclass(frozen=True)
class Line:
    """One line of decoded text: where it starts in the raw text, raw and normalized content."""

    start: int
    raw: str
    text: str


def split_lines(text: str) -> list[Line]:
    """Split on every kind of line break, normalizing each line and keeping its raw offset."""
    lines: list[Line] = []
    pos = 0
    for m in LINE_BREAK.finditer(text):
        raw = text[pos : m.start()]
        lines.append(Line(pos, raw, normalize_line(raw)))
        pos = m.end()
    raw = text[pos:]
    lines.append(Line(pos, raw, normalize_line(raw)))
    return lines
