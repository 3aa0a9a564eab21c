"""Pure ``str -> str`` normalisation: the search form the indexes see (display keeps the original)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE_RUN = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc has no type stubs
    # Building the converter loads dictionaries from disk; do it once per process.
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified (OpenCC ``t2s``)."""
    return _t2s().convert(text) if text else text


def to_search_form(text: str) -> str:
    """The normalised form of ``text`` used for indexing and matching.

    NFKC (full-width letters, digits and punctuation become half-width), Traditional → Simplified
    (OpenCC), and every run of whitespace collapsed to one space, stripped at both ends.
    The function is idempotent: ``to_search_form(to_search_form(s)) == to_search_form(s)``.

    Args:
        text: any text, e.g. a clause in Traditional script with full-width punctuation.

    Returns:
        The search form, e.g. ``to_search_form("滬蘇浙（１２）") == "沪苏浙(12)"``.
    """
    out = unicodedata.normalize("NFKC", text)
    out = to_simplified(out)
    # OpenCC may emit characters that NFKC maps again; a second pass keeps the function idempotent.
    out = unicodedata.normalize("NFKC", out)
    return _SPACE_RUN.sub(" ", out).strip()
