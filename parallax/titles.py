"""Headlines as text: what the tagger reads of a title, and the noise-filter context it gets.

A headline is written in headline case ("Harlow Wins Mayoral Race In Dunmore") or in capitals,
where case says little about which words are names; the small English pipeline then tags almost
nothing. So the tagger reads a *sentence-case* form of such a title, of the same length (offsets
stay valid, and every span is cut from the title as written):

- a word the body writes capitalized in running text more often than lowercase keeps its capital
  (an acronym the body writes in capitals keeps them);
- a word the body writes lowercase more often, or that spaCy's word index knows, is lowercased
  ("Wins", "Quake", "Mayoral");
- any other word (a name the body does not repeat) keeps an initial capital;
- the first word is capitalized, as a sentence's is;
- a hyphen typed for a dash between a kicker and the figure that starts the news is a space
  ("BREAKING NEWS-3 DEAD", "Follow-Up-1 Dead"; not "COVID-19", "AK-47").

A title partly in capitals ("BREAKING NEWS-3 DEAD due to ...") is read the same way. A body's lines
in headline case (a headline repeated under a dateline) are read as a title is, and its shouted
prose ("THREE PEOPLE HAVE DIED IN A BLAZE that broke out ...") the same way (`model_body`): four or
more words in capitals in a row, half of them words written lowercase elsewhere or known to the
lexicon; acronyms keep their capitals.

Any other sentence-case title is read as written. The noise filter then sees the title as written, as a
heading line (`heading_ranges`), with the body's word-case evidence and names (`title_context`),
so a capitalized common word there needs evidence to be a name. Names of the body that the tagger
still missed in the title are added from the body's own mentions (`body_names_in_title`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from parallax.dates import is_calendar_word
from parallax.entities import FUNCTION_WORDS, TITLE_WORDS, DocContext, Lexicon, Mention, heading_ranges
from parallax.numbers import parse_number

_TITLE_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*", re.UNICODE)


def only_title_words(name: str) -> bool:
    """A "name" made only of personal titles and function words ("Sheriff", "Deputy", "the Minister")."""
    words = [w.strip(".,'’").casefold() for w in name.split()]
    return all(w in TITLE_WORDS or w in FUNCTION_WORDS for w in words if w)


def _lowercase_in(word: str, ctx: DocContext) -> bool:
    w = word.casefold()
    return ctx.lower_counts.get(w, 0) > ctx.cap_counts.get(w, 0)


def title_context(title: str, body_ctx: DocContext) -> DocContext:
    """Noise-filter context of a headline: its own heading ranges, the body's word-case evidence and names.

    Build it after the body's mentions were cleaned (that fills `running_name_keys`).
    """
    return DocContext(
        body=title,
        heading_ranges=heading_ranges(title),
        lower_counts=body_ctx.lower_counts,
        cap_counts=body_ctx.cap_counts,
        running_name_keys=set(body_ctx.running_name_keys),
    )


def is_headline_case(title: str) -> bool:
    """Headline case or capitals (a heading line by `heading_ranges`' rule), not sentence case."""
    return any(kind == "headline" for _, _, kind in heading_ranges(title))


def _same_length(word: str, form: str) -> str:
    return form if len(form) == len(word) else word


def _word_form(word: str, body: str, ctx: DocContext, lex: Lexicon) -> str:
    key = word.casefold().strip("'’.-")
    low, cap = ctx.lower_counts.get(key, 0), ctx.cap_counts.get(key, 0)
    initial = _same_length(word, word[:1] + word[1:].lower())
    if (
        word.isupper()
        and len(word) > 1
        and word in body  # (a cheap test first: the regex below is compiled per word)
        and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", body)
    ):
        return word  # an acronym the body writes in capitals too
    if cap > low:
        return initial
    if low > cap or lex.in_index(key) or key in lex.stop_words:
        return _same_length(word, word.lower())
    return initial


def model_text(title: str, ctx: DocContext, lex: Lexicon) -> str:
    """What the tagger reads of `title` (same length): sentence case for a headline-case title.

    `ctx` is the body's context (`build_context`), `lex` the pipeline's lexicon.
    """
    title = _unglued(title, lex)
    if not (is_headline_case(title) or _shouts(title, lex)):
        return title
    return _sentence_case(title, ctx, lex)


def _shouts(title: str, lex: Lexicon) -> bool:
    """Part of `title` in capitals, two or more words the lexicon knows ("BREAKING NEWS-3 DEAD due
    to Molotov cocktail at Bank"): not acronyms alone ("NATO summit opens")."""
    caps = [w for w in _CAPS_WORD.findall(title) if len(w) >= 3 and w.isupper()]
    return sum(1 for w in caps if lex.in_index(w.casefold())) >= 2


# "BREAKING NEWS-3 DEAD", "Follow-Up-1 Dead, 2 Injured", "Breaking News-Three People Shot": a
# headline's dash typed as a hyphen between a kicker and the figure that starts the news
_GLUED_FIGURE = re.compile(r"(?<![\w])([^\W\d_]{2,})-(\d[\d,.]*|[^\W\d_]+)(?=\s+[^\W\d_])")


def _unglued(line: str, lex: Lexicon) -> str:
    """`line` with a hyphen read as a space where it joins a word the lexicon knows to a number
    that a word follows ("NEWS-3 DEAD" -> "NEWS 3 DEAD"); not a name's number the lexicon does not
    know ("COVID-19 Deaths", "MH-17", "AK-47"), not a number word's parts ("Twenty-Five")."""
    if "-" not in line:
        return line
    out = list(line)
    for m in _GLUED_FIGURE.finditer(line):
        word, number = m.group(1), m.group(2)
        if (
            lex.in_index(word.casefold())
            and not (len(word) <= 2 and word.isupper())  # "AK-47 Rifles Seized": a model's code
            and parse_number(word) is None
            and parse_number(number) is not None
            and (number[0].isdigit() or number.casefold() not in ("a", "an"))
        ):
            out[m.end(1)] = " "
    return "".join(out)


def _sentence_case(line: str, ctx: DocContext, lex: Lexicon) -> str:
    """`line` (a headline) in sentence case by the body's word-case evidence, of the same length."""
    out = list(line)
    first = True
    for m in _TITLE_WORD.finditer(line):
        word = m.group(0)
        form = _word_form(word, ctx.body, ctx, lex)
        if is_calendar_word(word) and (
            word.casefold() not in ("may", "march")
            or re.search(r"\d", line[max(0, m.start() - 3) : m.end() + 3])
        ):
            # "Sunday, 4 May 2025" keeps its capitals; not "Rates May Rise"
            form = _same_length(word, word[:1] + word[1:].lower())
        if len(word) == 1 and line[m.end() : m.end() + 1] == ".":
            form = word  # an initial ("Regina M. Benjamin")
        if first:
            form = _same_length(form, form[:1].upper() + form[1:])
            first = False
        out[m.start() : m.end()] = form
    text = "".join(out)
    return text if len(text) == len(line) else line


def _absent(form: str, title: str, folded: str, any_case: bool) -> bool:
    """`form` cannot occur in `title` (tested before compiling a pattern per form): not a substring,
    or, in any case, not a substring of the lower-cased title (decided for ASCII only, where
    re.IGNORECASE folds exactly as `lower`)."""
    if not any_case:
        return form not in title
    return title.isascii() and form.isascii() and form.lower() not in folded


def body_names_in_title(
    title: str,
    body_mentions: Sequence[Mention],
    taken_spans: Sequence[tuple[int, int]],
    body_ctx: DocContext | None = None,
) -> list[tuple[int, int, Mention]]:
    """Names of the body the tagger missed in the title: (start, end, the body mention it repeats).

    A headline mostly repeats names its body spells out, which the small tagger often misses in a
    short, clipped line. A span is a body mention's name (title and possessive stripped) or, for a
    multi-word PERSON, its last word (never a bare personal title, nor a word the body writes
    lowercase more often, per `body_ctx`: "sheriff" of a mis-tagged "County Sheriff"); it matches on
    word boundaries, in the body's case (any case in a headline-case or capitals title, whose first
    letter must then be a capital), and must not overlap `taken_spans` (what the tagger found).
    Longer names win.
    """
    forms: dict[str, Mention] = {}
    for m in body_mentions:
        name = m.name or m.text
        if len(name) >= 2 and not only_title_words(name):
            forms.setdefault(name, m)
        words = name.split()
        if (
            "PERSON" in (m.label, m.model_label)
            and len(words) > 1
            and len(words[-1]) >= 2
            and not only_title_words(words[-1])
            and not (body_ctx is not None and _lowercase_in(words[-1], body_ctx))
        ):
            forms.setdefault(words[-1], m)
    if not forms:
        return []
    headline = is_headline_case(title)
    taken = list(taken_spans)
    out: list[tuple[int, int, Mention]] = []
    folded = title.lower()
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        if _absent(form, title, folded, headline):
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE if headline else 0)
        for hit in pattern.finditer(title):
            s, e = hit.start(), hit.end()
            if not title[s : s + 1].isupper() or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append((s, e, forms[form]))
    return sorted(out, key=lambda x: (x[0], x[1]))


_CAPS_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_RUN_GAP = re.compile(r"[ \t\-,&/]*")


def _shouted_runs(body: str, known: Callable[[str], bool]) -> list[list[re.Match[str]]]:
    """Runs of prose in capitals ("THREE PEOPLE HAVE DIED IN A BLAZE"): four or more words in a
    row, at least half of them (and two) words `known` lowercase; not a list of acronyms ("IBF WBO
    WBA IBO") or a title ("THE GOLDEN COMPASS")."""
    runs: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        prose = sum(1 for m in run if len(m.group(0)) >= 3 and known(m.group(0).casefold()))
        if len(run) >= 4 and prose >= max(2, len(run) / 2):
            runs.append(run)

    for m in _CAPS_WORD.finditer(body):
        word = m.group(0)
        caps = word.isupper() and (len(word) > 1 or word in ("A", "I"))
        if caps and run and _RUN_GAP.fullmatch(body, run[-1].end(), m.start()):
            run.append(m)
            continue
        close()
        run = [m] if caps else []
    close()
    return runs


def model_body(body: str, ctx: DocContext, lex: Lexicon) -> str:
    """What the tagger reads of `body` (same length): its lines in headline case read as a title is
    (`model_text`), its shouted runs in sentence case, by the body's own word-case evidence (`ctx`,
    from `build_context`) and the lexicon; the rest as written. In a run, a word the body also
    writes in capitals elsewhere, or a short word nothing knows ("UN", "IBF"), keeps its capitals."""

    def known(key: str) -> bool:
        return bool(ctx.lower_counts.get(key, 0) > 0 or lex.in_index(key) or key in lex.stop_words)

    out = list(body)
    # a line in headline case ("Female Employee Yvonne Hiller Kills Two In Kraft Shooting") as a
    # title is read; a line in capitals is shouted prose or a heading, read below
    headlines = [
        (s, e)
        for s, e, kind in ctx.heading_ranges
        if kind == "headline"
        and any(c.islower() for c in body[s:e])
        and not body[s:e].rstrip(" \"'”’").endswith((".", "!", "?"))  # a sentence in capitalized words
    ]
    for s, e in headlines:
        out[s:e] = _sentence_case(_unglued(body[s:e], lex), ctx, lex)
    runs = _shouted_runs(body, known) if re.search(r"[^\W\d_a-z]{4}", body) else []
    runs = [run for run in runs if not any(s <= run[0].start() < e for s, e in headlines)]
    if not runs:
        text = "".join(out)
        return text if len(text) == len(body) else body
    inside = {m.start() for run in runs for m in run}
    acronyms = {
        m.group(0) for m in _CAPS_WORD.finditer(body) if m.start() not in inside and m.group(0).isupper()
    }
    for run in runs:
        for m in run:
            word = m.group(0)
            key = word.casefold()
            if word in acronyms or (len(word) <= 4 and not known(key)):
                continue
            low, cap = ctx.lower_counts.get(key, 0), ctx.cap_counts.get(key, 0)
            initial = _same_length(word, word[:1] + word[1:].lower())
            form = _same_length(word, word.lower()) if cap <= low and known(key) else initial
            before = body[max(0, m.start() - 3) : m.start()]
            if m.start() == 0 or re.search(r"(^|[.!?:\n\"“]\s*|\n\s*)$", before):
                form = initial  # a sentence's first word
            out[m.start() : m.end()] = form
    text = "".join(out)
    return text if len(text) == len(body) else body
