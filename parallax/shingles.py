"""Tokens, word shingles, MinHash signatures, LSH band keys and sampled anchors (shared by dedup).

Everything here is deterministic across processes and machines (no salted `hash()`): token hashes
come from BLAKE2b, shingle hashes are a fixed polynomial mix of token hashes, and the MinHash
permutations are drawn from a fixed seed. Hashes are returned as `int64` so they can be stored in
DuckDB `bigint` columns as they are.

Digits are kept in tokens, so two copies whose figures differ have different shingles and stay
distinguishable (their diff lists the figure).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Words with digits kept; "3.5", "1,200" and "don't" stay one token.
TOKEN_RE = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*")
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
# Multipliers combining the token hashes of a shingle (odd 64-bit constants).
_SHINGLE_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
MINHASH_SEED = 20261123


def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens (digits kept)."""
    return TOKEN_RE.findall((text or "").lower())


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads bits so low bits are usable for sampling."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


class TokenHasher:
    """Stable 64-bit token hashes with a cache (one per batch keeps memory bounded)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, toks: Sequence[str]) -> np.ndarray:
        cache = self._cache
        out = np.empty(len(toks), dtype=np.uint64)
        for i, tok in enumerate(toks):
            h = cache.get(tok)
            if h is None:
                h = int.from_bytes(hashlib.blake2b(tok.encode("utf-8"), digest_size=8).digest(), "little")
                cache[tok] = h
            out[i] = h
        return out


def shingle_hashes(toks: Sequence[str], k: int, hasher: TokenHasher | None = None) -> np.ndarray:
    """Sorted unique 64-bit hashes (as uint64) of the word k-shingles of `toks`.

    A text shorter than k words is one shingle; a text without words has none.
    """
    if not toks:
        return np.empty(0, dtype=np.uint64)
    hasher = hasher or TokenHasher()
    th = hasher(toks)
    k = max(1, min(k, len(th), len(_SHINGLE_MULT)))
    n = len(th) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc += th[j : j + n] * _SHINGLE_MULT[j]
        acc += np.uint64(k)
    return np.unique(_mix64(acc))


def as_int64(values: np.ndarray) -> np.ndarray:
    """Reinterpret uint64 hashes as int64 (storable in a DuckDB bigint)."""
    return values.astype(np.uint64, copy=False).view(np.int64)


@dataclass(frozen=True)
class MinHasher:
    """MinHash over 32-bit projections of shingle hashes with `num_perm` universal permutations."""

    num_perm: int
    a: np.ndarray
    b: np.ndarray

    @classmethod
    def create(cls, num_perm: int, seed: int = MINHASH_SEED) -> MinHasher:
        rng = np.random.default_rng(seed)
        # a, b < 2**32 so a * x + b never overflows 64 bits for 32-bit x.
        a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
        b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
        return cls(num_perm=num_perm, a=a, b=b)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """uint32 signature of a shingle set (all 0xFFFFFFFF for an empty set)."""
        if shingles.size == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        x = (shingles ^ (shingles >> np.uint64(32))) & _MASK32
        best = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, x.size, 4096):  # bound the (n x perm) temporary
            part = x[start : start + 4096]
            vals = (np.outer(part, self.a) + self.b) % _MERSENNE & _MASK32
            np.minimum(best, vals.min(axis=0), out=best)
        return best.astype(np.uint32)


def band_keys(signature: np.ndarray, rows: int) -> np.ndarray:
    """One int64 key per LSH band of `rows` signature values (a partial last band is unused)."""
    bands = signature.size // rows
    sig = signature[: bands * rows].astype(np.uint64).reshape(bands, rows)
    acc = np.zeros(bands, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            acc = acc * np.uint64(0x100000001B3) + sig[:, j] + _SHINGLE_MULT[j % len(_SHINGLE_MULT)]
    return as_int64(_mix64(acc))


def anchors(shingles: np.ndarray, modulus: int, keep_all_below: int) -> np.ndarray:
    """Content-sampled shingles stored in the containment index.

    A shingle is an anchor when its hash is 0 modulo `modulus`: the choice depends on the shingle
    only, so the anchors of a truncated copy are a subset of the anchors of its original. Short
    documents (fewer than `keep_all_below` shingles) store every shingle.
    """
    if shingles.size < keep_all_below:
        return shingles
    return shingles[shingles % np.uint64(modulus) == 0]


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted unique hash arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    return inter / union, inter / min(a.size, b.size)


def iter_ngrams(toks: Sequence[str], n: int) -> Iterable[str]:
    """Space-joined n-grams of tokens."""
    for i in range(len(toks) - n + 1):
        yield " ".join(toks[i : i + n])
