"""Cleaning one document's text: lines, paragraphs, title, boilerplate, sentences (pure functions).

`parallax.clean` runs these passes over a batch of raw.documents rows and writes staging. Per document,
in this order (every removal is recorded with the offset of the removed text in the decoded raw text;
approximate where entities, mojibake or joined lines changed the text):

1. Lines. The raw text is split on every kind of line break; each line is normalized on its own
   (`textnorm.normalize_line`: mojibake repair with curly quotes kept, entities incl. broken
   `#39;`, escaped/literal HTML tags, control and zero-width characters, NFC, whitespace).
   Multi-line <script>/<style> blocks are blanked first. A line that held only markup is recorded
   as method `markup`. Markdown syntax (heading hashes, emphasis, links, images, fences) and
   separator lines ("-----") are dropped.
2. Paragraphs: blank-line separated blocks. A hard-wrapped block (newswire style: lines of
   similar width) is unwrapped, a new paragraph starting at an indented line, a list item or
   after a short line ending a sentence; in any other block each line is a paragraph (HTML text
   from the extractor is never unwrapped). List markers ("- ", "* ", "•", "1. ", "2)") are
   dropped: each item stays as its own paragraph (the marker is layout, and a leading "1." would
   confuse sentence splitting and NER).
3. Reference rules (seeds/boilerplate.csv, method `rule`) on each paragraph: the whole
   paragraph, or an anchored span such as a wire dateline "LONDON (Reuters) - ".
4. Title. The record's title when it has one; otherwise the first non-empty line when it stands
   alone (its own paragraph, not the start of a hard-wrapped one), is at most `TITLE_MAX_CHARS`
   long and more text follows. The title printed again at the top of the body (exactly or
   near-exactly: case, quote style, dashes, edge punctuation) is removed (`title_repeat`).
5. Learned per-source boilerplate (`parallax.boilerplate`, method `learned`, rule = the learned
   pattern): edge paragraphs and leading credits seen in enough documents of the same source.
6. A paragraph repeated inside one document (a body stored twice) is kept once
   (`repeated_block`); a heading that merely recurs is kept.
7. Body = paragraphs joined by a blank line; paragraph and sentence offsets index the body.
   Headings: short title-case lines without sentence punctuation, or ending with ':'.
   Sentences: rule-based splitter (abbreviations, initials, decimals, "No. 5" kept whole).
8. Language of title + body (`parallax.language`, ISO 639-1; the default language when unsure),
   and `nlp_truncated_at` = `settings.max_nlp_chars` when the body is longer (NLP reads a prefix).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from parallax import boilerplate as bp
from parallax.textnorm import (
    blank_script_blocks,
    fold_key,
    normalize_line,
    sha256_text,
    split_lines,
)

TITLE_MAX_CHARS = 250
# Titles compared after folding; a fuzzy ratio at or above this also counts as the same title.
TITLE_REPEAT_RATIO = 95.0
# Paragraphs at least this long that occur twice in one document are collapsed.
REPEAT_MIN_CHARS = 60
# Hard-wrapped text: lines no longer than this, most of them near the block's width.
WRAP_MAX_WIDTH = 100

_LIST_MARKER = re.compile(r"^(?:[-*•·▪●◦‣⁃–—]|\d{1,2}[.)])\s+(?=\S)")
_SEPARATOR = re.compile(r"^[-_=*~#+.·•\s]{3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
# Bounded and excluding nested brackets so hostile input cannot make these quadratic.
_MD_IMAGE = re.compile(r"!\[([^\[\]]{0,500})\]\([^()\s]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]]{1,500})\]\([^()\s]{0,2000}\)")
_MD_EMPH = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`)")
_MD_QUOTE = re.compile(r"^>\s?")
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[^\sa-z,;:)\]])")
_DOTTED = re.compile(r"(?:\w\.)+\w")
WORD = re.compile(r"\w+(?:['’\-.]\w+)*")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "gov", "sen", "rep", "lt", "col", "capt",
    "sgt", "cpl", "maj", "adm", "cmdr", "rev", "hon", "pres", "supt", "det", "insp", "messrs", "mme",
    "inc", "ltd", "co", "corp", "plc", "llc", "bros", "dept", "univ", "assn", "est", "approx",
    "vs", "v", "etc", "al", "e.g", "i.e", "cf", "ca", "op",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la",
    "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn",
    "tex", "va", "vt", "wash", "wis", "wyo", "mt", "ft", "ave", "blvd", "rd", "hwy",
    "a.m", "p.m", "u.s", "u.k", "u.n", "e.u",
}  # fmt: skip
# Abbreviations only before a number ("No. 5", "Vol. 2"); "No." before a word ends a sentence.
_ABBREV_NUMBER = {"no", "nos", "vol", "fig", "pp", "art", "sec", "ch", "nr"}


@dataclass
class Removal:
    start: int
    text: str
    method: str
    rule: str


@dataclass
class Prepared:
    """A document between the per-document passes and the per-source learning pass."""

    doc_id: str
    source: str
    path: str
    record: int | None
    file_sha256: str
    published_at: object
    fmt: str
    title: str | None
    paras: list[list]  # [raw_start, text, raw_text, unused, heading_hint]
    removed: list[Removal] = field(default_factory=list)
    doc_key: str = ""


@dataclass
class Cleaned:
    doc_id: str
    title: str | None
    body: str
    paragraphs: list[tuple[int, int, bool]]
    sentences: list[tuple[int, int, int]]
    removed: list[Removal]


# --- per-document passes -----------------------------------------------------------------------


def _markdown(text: str) -> tuple[str, bool]:
    heading = bool(_MD_HEADING.match(text))
    text = _MD_HEADING.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_IMAGE.sub(lambda m: m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_EMPH.sub("", text)
    return " ".join(text.split()), heading


def same_title(a: str, b: str) -> bool:
    """Whether `b` is `a` printed again (ignoring case, quote style, dashes and edge punctuation)."""
    ka, kb = bp.line_key(a), bp.line_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 10:
        return False
    return fuzz.ratio(ka, kb) >= TITLE_REPEAT_RATIO


def _lines(text: str, fmt: str, removed: list[Removal]) -> list[list]:
    """Normalized lines [raw_start, text, raw, indented, heading_hint]; markup-only lines recorded."""
    lines: list[list] = []
    in_fence = False
    for ln in split_lines(text):
        t = ln.text
        heading = False
        if fmt == "markdown":
            if t.startswith(("```", "~~~")):
                in_fence = not in_fence
                t = ""
            elif not in_fence:
                t, heading = _markdown(t)
        if not t and ln.raw.strip():
            if any(c in ln.raw for c in "<&#"):
                removed.append(Removal(ln.start, ln.raw.strip(), "markup", "markup"))
        elif t and _SEPARATOR.match(t):
            t = ""
        lines.append([ln.start, t, ln.raw, ln.raw[:1] in (" ", "\t") and bool(t), heading])
    return lines


def _raw_offset(para: list, span: str) -> int:
    """Offset in the raw text of `span` removed from paragraph `para` (after earlier removals).

    para[3] is a cursor into the paragraph's raw text, so two removals from one paragraph (a
    dateline, then the rest) get distinct offsets. Falls back to the cursor when the normalized
    span is not found verbatim in the raw text (entities, mojibake, joined lines).
    """
    raw: str = para[2]
    off = raw.find(span, para[3]) if span else -1
    if off < 0:
        off = para[3]
    para[3] = min(len(raw), max(off + len(span), para[3] + 1))
    return int(para[0] + off)


def _apply_rules(paras: list[list], rules: bp.RuleSet, removed: list[Removal]) -> None:
    for para in paras:
        t = para[1]
        for _ in range(3):  # a dateline span, then the rest may itself be a furniture line
            if not t:
                break
            hit = rules.match(t)
            if not hit:
                break
            rule, s, e = hit
            span = t[s:e].strip()
            removed.append(Removal(_raw_offset(para, span), span, "rule", rule.id))
            t = (t[:s] + t[e:]).strip()
        para[1] = t


def prepare(row: dict, rules: bp.RuleSet) -> Prepared:
    """Paragraphs, rule removals, title and title repeats of one raw.documents row."""
    fmt = row.get("format") or "text"
    removed: list[Removal] = []
    lines = _lines(blank_script_blocks(row["text"] or ""), fmt, removed)
    paras = _paragraphs(lines, fmt)
    _apply_rules(paras, rules, removed)
    title = normalize_line(row["title"]) if row.get("title") else None
    if fmt == "markdown" and title:
        title, _ = _markdown(title)
    if title:
        hit = rules.match(title)
        if hit and hit[1] == 0 and hit[2] == len(title):
            title = None  # a furniture line given as title is no title
    if not title:
        # The first line is the title when it stands alone (its own paragraph, not the start of a
        # hard-wrapped block), is short enough, and text follows it.
        nonempty = [p for p in paras if p[1]]
        first = nonempty[0] if nonempty else None
        if (
            first is not None
            and len(nonempty) >= 2
            and len(first[1]) <= TITLE_MAX_CHARS
            and "\n" not in first[2]
        ):
            title = first[1]
            first[1] = ""
    prep = Prepared(
        doc_id=row["doc_id"],
        source=row["source"],
        path=row["path"],
        record=row.get("record"),
        file_sha256=row.get("file_sha256") or "",
        published_at=row.get("published_at"),
        fmt=fmt,
        title=title or None,
        paras=paras,
        removed=removed,
    )
    _remove_title_repeats(prep)
    prep.doc_key = sha256_text("\n".join(p[1] for p in prep.paras if p[1]).casefold())
    return prep


def _remove_title_repeats(prep: Prepared) -> None:
    if not prep.title:
        return
    for _ in range(3):
        first = next((ln for ln in prep.paras if ln[1]), None)
        if first is None or not same_title(prep.title, first[1]):
            return
        prep.removed.append(Removal(_raw_offset(first, first[1]), first[1], "title_repeat", "title"))
        first[1] = ""


def apply_learned(prep: Prepared, learned: bp.Learned) -> None:
    """Remove learned lines and a learned leading dateline of the first line."""
    if prep.source not in learned.patterns:
        return
    first_done = False
    for ln in prep.paras:
        t = ln[1]
        if not t:
            continue
        if not first_done:
            first_done = True
            prefix = bp.dateline_prefix(t)
            if prefix:
                hit = learned.lookup(prep.source, "prefix", fold_key(prefix))
                if hit:
                    off = _raw_offset(ln, prefix.strip()) - ln[0]
                    prep.removed.append(
                        Removal(ln[0] + max(off, 0), prefix.strip(), "learned", hit[0].strip())
                    )
                    t = t[len(prefix) :].strip()
                    ln[1] = t
                    if not t:
                        continue
        if len(t) <= bp.CANDIDATE_MAX_CHARS:
            hit = learned.lookup(prep.source, "line", bp.line_key(t))
            if hit:
                prep.removed.append(Removal(_raw_offset(ln, t), t, "learned", hit[0]))
                ln[1] = ""
    last = next((p for p in reversed(prep.paras) if p[1]), None)
    tail = tail_sentence(prep)
    if last is not None and tail:
        hit = learned.lookup(prep.source, "tail", bp.line_key(tail))
        if hit:
            prep.removed.append(Removal(_raw_offset(last, tail), tail, "learned", hit[0]))
            last[1] = last[1][: len(last[1]) - len(tail)].rstrip()
    _remove_title_repeats(prep)


def tail_sentence(prep: Prepared) -> str | None:
    """Last sentence of the last paragraph, when that paragraph has more than one sentence."""
    last = next((p[1] for p in reversed(prep.paras) if p[1]), None)
    if not last or len(last) > 20_000:
        return None
    spans = split_sentences(last)
    if len(spans) < 2:
        return None
    s, e = spans[-1]
    if e != len(last):
        return None
    return last[s:e]


def _is_wrapped(block: list[list]) -> bool:
    if len(block) < 2:
        return False
    width = max(len(ln[1]) for ln in block)
    if width > WRAP_MAX_WIDTH or width < 30:
        return False
    body = block[:-1]
    full = sum(1 for ln in body if len(ln[1]) >= 0.6 * width)
    return full >= 0.6 * len(body)


def _paragraphs(lines: list[list], fmt: str) -> list[list]:
    """Paragraphs [raw_start, text, raw, False, heading_hint] from normalized lines.

    Blocks are separated by empty lines. A hard-wrapped block is unwrapped (a new paragraph at an
    indented line, a list item, or after a short line ending a sentence); in any other block each
    line is a paragraph. List markers are dropped.
    """
    blocks: list[list[list]] = [[]]
    for ln in lines:
        if ln[1]:
            blocks[-1].append(ln)
        elif blocks[-1]:
            blocks.append([])
    paras: list[list] = []
    for block in blocks:
        if not block:
            continue
        if fmt != "html" and _is_wrapped(block):
            width = max(len(ln[1]) for ln in block)
            cur: list[list] = []
            for i, ln in enumerate(block):
                t = ln[1]
                if cur:
                    prev = block[i - 1][1]
                    new = (
                        ln[3]
                        or _LIST_MARKER.match(t) is not None
                        or (prev[-1:] in '.!?:"”' and len(prev) < 0.75 * width)
                    )
                    if new:
                        paras.append(_join(cur))
                        cur = []
                cur.append(ln)
            if cur:
                paras.append(_join(cur))
        else:
            paras.extend([ln[0], ln[1], ln[2], 0, ln[4]] for ln in block)
    for p in paras:
        p[1] = _LIST_MARKER.sub("", p[1], count=1).strip()
    return [p for p in paras if p[1]]


def _join(lines: list[list]) -> list:
    if len(lines) == 1:
        ln = lines[0]
        return [ln[0], ln[1], ln[2], 0, ln[4]]
    text = " ".join(ln[1] for ln in lines)
    return [lines[0][0], text, "\n".join(ln[2] for ln in lines), 0, False]


def _collapse_repeats(prep: Prepared, paras: list[tuple[str, bool, int]]) -> list[tuple[str, bool, int]]:
    """Drop paragraphs repeated inside the document (a body stored twice), keeping the first copy.

    A repeated paragraph goes when it is long (>= REPEAT_MIN_CHARS) and not a heading, or when it
    is part of a run of at least two consecutive repeated paragraphs (a repeated block); a heading
    that merely recurs (a table of contents, then the section) is kept.
    """
    fixed: list[tuple[str, bool, int]] = []
    for text, hint, start in paras:
        if len(text) >= 2 * REPEAT_MIN_CHARS:
            half = _doubled(text)
            if half is not None:
                rest = text[len(half) :].strip()
                prep.removed.append(Removal(start + len(half), rest, "repeated_block", "doubled"))
                text = half
        fixed.append((text, hint, start))
    first: dict[str, int] = {}
    repeat_of: list[int | None] = []
    for i, (text, _hint, _start) in enumerate(fixed):
        key = text.casefold()
        if len(key) >= 20 and key in first:
            repeat_of.append(first[key])
        else:
            first.setdefault(key, i)
            repeat_of.append(None)
    out: list[tuple[str, bool, int]] = []
    n = len(fixed)
    for i, (text, hint, start) in enumerate(fixed):
        j = repeat_of[i]
        if j is not None:
            in_run = (i > 0 and repeat_of[i - 1] is not None) or (i + 1 < n and repeat_of[i + 1] is not None)
            long_text = len(text) >= REPEAT_MIN_CHARS and not is_heading(text, hint)
            if long_text or in_run:
                prep.removed.append(Removal(start, text, "repeated_block", f"paragraph {j}"))
                continue
        out.append((text, hint, start))
    return out


def _doubled(text: str) -> str | None:
    n = len(text)
    mid = n // 2
    for cut in (mid, mid - 1, mid + 1):
        a, b = text[:cut].strip(), text[cut:].strip()
        if a and a == b:
            return text[:cut].rstrip()
    return None


def is_heading(text: str, hint: bool = False) -> bool:
    """Short line without sentence punctuation in title case, or ending with ':'."""
    if hint:
        return True
    if len(text) > 120 or not any(c.isalpha() for c in text):
        return False
    words = text.split()
    if len(words) > 14 or text[-1] in ".!?;,\"”'’":
        return False
    if text.endswith(":"):
        return len(text) <= 80
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if not long_words:
        return False
    upper = sum(1 for w in long_words if w[0].isupper())
    return upper / len(long_words) >= 0.6


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Rule-based sentence spans of one paragraph (abbreviations, initials, decimals kept whole)."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        end = m.end()
        if end >= n:
            break
        nxt = text[end]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(["):
            continue
        dot = m.group(0).lstrip()[0] == "."
        if dot:
            j = m.start()
            k = j
            while k > start and not text[k - 1].isspace():
                k -= 1
            token = text[k:j].lstrip("\"'“‘([").casefold()
            if token in _ABBREV or (len(token) == 1 and token.isalpha()) or _DOTTED.fullmatch(token):
                continue
            if token in _ABBREV_NUMBER and nxt.isdigit():
                continue
        stop = m.start() + len(m.group(0).rstrip())
        if text[start:stop].strip():
            spans.append((start, stop))
        start = end
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def finish(prep: Prepared) -> Cleaned:
    """Build body, paragraphs and sentences of a prepared document."""
    paras = _collapse_repeats(prep, [(p[1], bool(p[4]), p[0]) for p in prep.paras if p[1]])
    body_parts: list[str] = []
    paragraphs: list[tuple[int, int, bool]] = []
    sentences: list[tuple[int, int, int]] = []
    pos = 0
    for p_index, (text, hint, _start) in enumerate(paras):
        # lines are NFC one by one; removing markup or a rule's span, or joining lines, can put a
        # letter next to a combining mark ("htm<...>l\u0323"): the paragraph is composed again
        text = unicodedata.normalize("NFC", text)
        if body_parts:
            pos += 2
        paragraphs.append((pos, pos + len(text), is_heading(text, hint)))
        for s, e in split_sentences(text):
            sentences.append((pos + s, pos + e, p_index))
        body_parts.append(text)
        pos += len(text)
    return Cleaned(prep.doc_id, prep.title, "\n\n".join(body_parts), paragraphs, sentences, prep.removed)


def clean_texts(rows: Sequence[dict], rules: bp.RuleSet, learned: bp.Learned | None = None) -> list[Cleaned]:
    """Pure cleaning of raw.documents-shaped dicts (no learning store): used by tests and benches."""
    preps = [prepare(r, rules) for r in rows]
    for p in preps:
        if learned is not None:
            apply_learned(p, learned)
    return [finish(p) for p in preps]
