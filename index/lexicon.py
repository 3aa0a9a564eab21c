"""Corpus-wide lexical facts of one index version: character-bigram document frequencies, substring lookup,
and the district names the text writes after their city.

The answering layer asks "does any clause contain 碳达峰?" and "how rare is the bigram 冷链?" for every
question. Answering from the joined text of all clauses means holding that text in memory (hundreds of
MB at a million clauses) and rebuilding statistics on every start, so the facts are computed once, with
the version, into ``lexicon.npz``:

- Han bigrams are packed into integers (``code = c1 << 21 | c2``, Unicode code points fit in 21 bits)
  and counted once per clause, in chunks, with numpy;
- whole ASCII terms (5G, G60, 1:2) are counted in lower case beside them;
- ``contains(term)`` first rules out any term with a bigram no clause has (most absent terms), answers
  two-character terms from the counts alone, and only then scans the clause store in SQLite.

Versions built before this module are counted on first use, in memory.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

LEXICON_FILE = "lexicon.npz"

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
ASCII_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+:%-]*")
# "杭州市上城区", "徐州市铜山区": a district or county written after its city. jieba does not know most
# district names (上城区 is cut 上/城区), so the text itself says which ones exist.
QUALIFIED_PLACE = re.compile(r"[\u4e00-\u9fff]{2}[省市]([\u4e00-\u9fff]{2}[区县])")

_HAN_LO, _HAN_HI = 0x4E00, 0x9FFF
_SHIFT = np.uint64(21)
_CHUNK = 20_000  # clauses counted at a time: bounded memory at a million clauses


def bigrams(text: str) -> set[str]:
    """Character bigrams of each Han run, plus whole ASCII terms (5G, G60, 1:2) in lower case."""
    grams: set[str] = set()
    for run in HAN_RUN.findall(text):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    grams.update(t.lower() for t in ASCII_TERM.findall(text) if len(t) >= 2)
    return grams


def _code(gram: str) -> int:
    return (ord(gram[0]) << 21) | ord(gram[1])


def _han_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct Han-bigram codes of a chunk of texts and, for each, the number of texts holding it."""
    if not texts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    joined = "\n".join(texts)  # the separator is not Han: no bigram spans two texts
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    han = (cps >= _HAN_LO) & (cps <= _HAN_HI)
    pair = np.flatnonzero(han[:-1] & han[1:])
    if pair.size == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    owner = np.searchsorted(np.cumsum(lengths), pair, side="right").astype(np.uint64)
    codes = (cps[pair].astype(np.uint64) << _SHIFT) | cps[pair + 1].astype(np.uint64)
    per_text = _sorted_unique((owner << np.uint64(42)) | codes)  # once per text: a document frequency
    codes = np.sort(per_text & np.uint64((1 << 42) - 1))
    return _runs(codes)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based unique is several times slower on these keys)."""
    values = np.sort(values)
    if values.size == 0:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _runs(sorted_values: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array and their counts (or the sums of ``weights`` per value)."""
    if sorted_values.size == 0:
        return sorted_values, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], sorted_values[1:] != sorted_values[:-1])))
    if weights is None:
        counts = np.diff(np.append(starts, sorted_values.size))
    else:
        counts = np.add.reduceat(weights, starts)
    return sorted_values[starts], counts.astype(np.int64)


def count_lexicon(texts: Iterable[str]) -> dict[str, Any]:
    """The lexicon's arrays for ``texts`` (search form of every clause, in position order)."""
    parts_c: list[np.ndarray] = []
    parts_n: list[np.ndarray] = []
    ascii_df: Counter[str] = Counter()
    places: set[str] = set()
    n = 0
    for chunk in _chunks(texts, _CHUNK):
        n += len(chunk)
        codes, counts = _han_codes(chunk)
        parts_c.append(codes)
        parts_n.append(counts)
        for text in chunk:
            if not text.isascii() or ASCII_TERM.search(text):
                terms = {t.lower() for t in ASCII_TERM.findall(text) if len(t) >= 2}
                ascii_df.update(terms)
            places.update(QUALIFIED_PLACE.findall(text))
    codes = np.concatenate(parts_c) if parts_c else np.zeros(0, np.uint64)
    counts = np.concatenate(parts_n) if parts_n else np.zeros(0, np.int64)
    order = np.argsort(codes, kind="stable")
    uniq, df = _runs(codes[order], counts[order])
    return {"n": np.int64(n), "codes": uniq, "df": df,
            "ascii": np.array(json.dumps(dict(ascii_df), ensure_ascii=False)),
            "places": np.array(json.dumps(sorted(places), ensure_ascii=False))}


def build_lexicon(vdir: Path, texts: Iterable[str]) -> None:
    """Count ``texts`` and write ``lexicon.npz`` into the (not yet committed) version directory."""
    with open(vdir / LEXICON_FILE, "wb") as handle:
        np.savez(handle, **count_lexicon(texts))


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Lexicon:
    """Read side of ``lexicon.npz``.

    Args:
        arrays: what ``count_lexicon`` returns (or the loaded file).
        scan: ``scan(term) -> bool``, an exact "some clause's search text contains term" (SQLite).
    """

    def __init__(self, arrays: Any, scan: Any) -> None:
        self.n = int(arrays["n"])
        self._codes = np.asarray(arrays["codes"], dtype=np.uint64)
        self._df = np.asarray(arrays["df"], dtype=np.int64)
        self._ascii: dict[str, int] = json.loads(str(arrays["ascii"]))
        self.qualified_places: tuple[str, ...] = tuple(json.loads(str(arrays["places"])))
        self._scan = scan
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, vdir: Path, scan: Any, texts: Any = None) -> Lexicon:
        """Open ``vdir``'s lexicon; a version without one is counted from ``texts()`` in memory."""
        path = vdir / LEXICON_FILE
        if path.exists():
            with np.load(path) as arrays:
                return cls({k: arrays[k] for k in arrays.files}, scan)
        return cls(count_lexicon(texts() if texts else ()), scan)

    def df(self, gram: str) -> int:
        """In how many clauses the bigram (two Han characters) or ASCII term (lower case) occurs."""
        if len(gram) == 2 and HAN_RUN.fullmatch(gram):
            i = int(np.searchsorted(self._codes, np.uint64(_code(gram))))
            return int(self._df[i]) if i < self._codes.size and int(self._codes[i]) == _code(gram) else 0
        return self._ascii.get(gram.lower(), 0)

    def contains(self, term: str) -> bool:
        """True when some clause's search text contains ``term`` (case-insensitive for Latin letters)."""
        term = term.strip()
        if not term:
            return False
        with self._lock:
            known = self._known.get(term)
        if known is not None:
            return known
        grams = [run[i:i + 2] for run in HAN_RUN.findall(term) for i in range(len(run) - 1)]
        if any(self.df(g) == 0 for g in grams):
            found = False
        elif HAN_RUN.fullmatch(term) and len(term) == 2:
            found = True
        elif ASCII_TERM.fullmatch(term) and len(term) >= 2:
            # Inside the text an ASCII term is part of one maximal run, and every run of 2+ characters
            # is counted in lower case: the run list answers exactly.
            lower = term.lower()
            found = lower in self._ascii or any(lower in known for known in self._ascii)
        else:
            found = bool(self._scan(term))
        with self._lock:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[term] = found
        return found
