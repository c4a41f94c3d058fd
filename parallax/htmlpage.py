"""Main text and metadata of an HTML page: trafilatura, else a plain lxml extraction.

trafilatura gives the main text, title, site name, canonical URL and date (scripts, navigation
and comments dropped). Pages larger than `TRAFILATURA_MAX_CHARS`, pages trafilatura finds no
text in, and pages nested deeper than libxml2's default limit go through the linear lxml
extraction; a page deeper than lxml's `huge_tree` limit is rejected as `too_deep`.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from parallax.records import Rejected

log = logging.getLogger(__name__)
TRAFILATURA_MAX_CHARS = 2_000_000


@functools.lru_cache(maxsize=1)
def _trafilatura() -> Any:
    """trafilatura, or None when it cannot be imported (then the lxml fallback extracts)."""
    try:
        import trafilatura
    except ImportError as exc:
        log.warning("trafilatura unavailable (%s); using the plain lxml HTML extraction", exc)
        return None
    return trafilatura


def html_meta(text: str, max_chars: int = TRAFILATURA_MAX_CHARS) -> dict[str, str | None]:
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
