"""Page file names from ids: safe on every file system, never a path outside the site folder.

An id made only of ASCII letters, digits, `-` and `_` (at most 80) is its own file name; any other id
(an outlet named `../etc` or `news.example.com`, a name with spaces or slashes) becomes its safe
characters plus a hash of the whole id, so two ids never share a page.
"""

from __future__ import annotations

import hashlib
import re

KINDS = ("stories", "docs", "entities", "outlets")
_PLAIN = re.compile(r"[A-Za-z0-9_-]{1,80}")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slug(key: str) -> str:
    """A file name stem for `key`: the key itself when plain, else its safe part + a 10-hex hash."""
    if _PLAIN.fullmatch(key):
        return key
    stem = _UNSAFE.sub("_", key).strip("_")[:60]
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{stem}-{digest}" if stem else digest


def page(kind: str, key: str) -> str:
    """Path of a page relative to the site root, e.g. `stories/S1.html`."""
    if kind not in KINDS:
        raise ValueError(f"unknown page kind: {kind}")
    return f"{kind}/{slug(key)}.html"


class Links:
    """Hrefs from one page's folder depth to the pages that exist (None where there is no page)."""

    def __init__(self, depth: int, entities_with_pages: set[str] | frozenset[str]) -> None:
        self.prefix = "../" * depth
        self.entities = entities_with_pages

    def root(self, name: str) -> str:
        return self.prefix + name

    def story(self, key: str) -> str:
        return self.prefix + page("stories", key)

    def doc(self, key: str) -> str:
        return self.prefix + page("docs", key)

    def outlet(self, key: str) -> str:
        return self.prefix + page("outlets", key)

    def entity(self, key: str) -> str | None:
        return self.prefix + page("entities", key) if key in self.entities else None
