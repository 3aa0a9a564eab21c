"""A document's type (方案 / 计划 / 意见 / 办法 / 报告 / 新闻报道 …) from the ending of its title.

The endings are data (``doc_types.toml``). A notice that issues another document
(关于印发《…行动计划》的通知) takes the type of the document it issues.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_VOCABULARY = Path(__file__).with_name("doc_types.toml")
# Qualifiers after the type: （征求意见稿）（试行）(2021-2023年)（修订） and a trailing 的.
_QUALIFIERS = re.compile(r"(?:\s*[（(【\[][^（()）】\]]{0,24}[)）】\]])+\s*$")
_ISSUES = re.compile(r"(?:印发|转发|发布)[《“\"]?(?P<inner>.+?)[》”\"]?的(?:通知|决定)$")


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    data = tomllib.loads(_VOCABULARY.read_text(encoding="utf-8"))
    endings = sorted(data["endings"].items(), key=lambda kv: len(kv[0]), reverse=True)
    return tuple(endings), dict(data["genres"])


def strip_qualifiers(title: str) -> str:
    """``…工作方案（征求意见稿）`` → ``…工作方案``."""
    return _QUALIFIERS.sub("", title.strip()).strip()


def ends_with_type(title: str) -> str:
    """The type whose ending ``title`` (Simplified script) has, or ``""``."""
    core = strip_qualifiers(title)
    for ending, kind in _vocabulary()[0]:
        if core.endswith(ending):
            return kind
    return ""


def doc_type(title: str, *, news: bool = False, speech: bool = False) -> str:
    """The type of a document with this title (Simplified script).

    Args:
        title: the document's title.
        news: the text carries a byline or a source line (a news report).
        speech: the text is a speech (各位代表：…); a speech without a typed title is a 政府工作报告.
    """
    core = strip_qualifiers(title)
    issued = _ISSUES.search(core)
    if issued:
        inner = ends_with_type(issued.group("inner"))
        if inner:
            return inner
    if core.startswith("问答") or core.endswith(("？", "?")):
        return _vocabulary()[1]["question"]
    kind = ends_with_type(core)
    if kind:
        return kind
    if speech:
        return "政府工作报告"
    return _vocabulary()[1]["news"] if news else ""
