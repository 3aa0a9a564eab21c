"""jieba, set up once per process: quiet, and its part-of-speech table read from a cache.

jieba logs its dictionary loading ("Building prefix dict…", four lines) at DEBUG through its own stderr
handler, and its import sets that level; ``prepare`` lowers it to WARNING after the import.

``jieba.posseg`` (used by ``qa`` for place names) parses jieba's 350k-line dictionary in Python on
*import* to build its word → tag table: about a second, on every cold `policyqa ask`. jieba caches its
prefix dictionary (``jieba.cache`` in its temp dir) but not this table, so ``prepare`` keeps it beside
jieba's cache, keyed by jieba's version and the dictionary file's size and mtime, and imports
``jieba.posseg`` with it. Any problem with the cache falls back to jieba's own loading.
"""

from __future__ import annotations

import io
import logging
import marshal
import os
import tempfile
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # jieba's import reaches for pkg_resources, which setuptools < 81 flags as deprecated on stderr:
    # a line every `policyqa` command would print, about jieba's packaging, not about the user's work.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

log = logging.getLogger(__name__)

_done = False


def prepare() -> None:
    """Silence jieba's loading messages and import ``jieba.posseg`` with its cached tag table (idempotent)."""
    global _done
    if _done:
        return
    _done = True
    jieba.setLogLevel(logging.WARNING)
    import sys

    if "jieba.posseg" in sys.modules:
        return  # someone imported it first: it has its table already
    cache = _cache_path()
    table = _read(cache) if cache is not None else None
    if table is None:
        import jieba.posseg as posseg  # noqa: F401 - jieba builds the table itself

        if cache is not None:
            _write(cache, posseg.dt.word_tag_tab)
        return
    # The global tokenizer hands posseg an empty dictionary file while it imports, so its import
    # builds an empty table instead of parsing the dictionary; the cached table then goes in.
    jieba.dt.get_dict_file = lambda: io.BytesIO(b"")
    try:
        import jieba.posseg as posseg
    finally:
        del jieba.dt.get_dict_file
    posseg.dt.word_tag_tab = table


def _cache_path() -> Path | None:
    if jieba.dt.dictionary != jieba.DEFAULT_DICT:
        return None  # a custom main dictionary: leave it to jieba
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        st = source.stat()
    except OSError:
        return None
    folder = Path(jieba.dt.tmp_dir or tempfile.gettempdir())
    return folder / f"policyqa-jieba-postags-{jieba.__version__}-{st.st_size}-{st.st_mtime_ns}.marshal"


def _read(cache: Path) -> dict[str, str] | None:
    try:
        table = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return table if isinstance(table, dict) and table else None


def _write(cache: Path, table: dict[str, str]) -> None:
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps(table))
        os.replace(tmp, cache)
    except OSError as exc:  # a read-only temp dir only costs the next start a second
        log.debug("could not cache jieba's POS table at %s: %s", cache, exc)
        tmp.unlink(missing_ok=True)
