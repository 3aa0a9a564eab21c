"""Unit names: one key per department however a document writes it, and its English names.

A unit name is split into place (宿州市), level (市) and core (发展改革委). Cores are compared by a
*key*: the core folded by general rules, then looked up in the small table ``corpus/unit_names.toml``
of real naming variants. Nothing is guessed: names that neither the rules nor the table join stay
apart (教育局 and 教体局 are two units).

Rules (applied to both sides, so table entries need not list what they cover):

- search form (width, 繁→简), no whitespace, no trailing 等, no 、 (各县、区 = 各县区);
- 和 is dropped: 人力资源和社会保障局 = 人力资源社会保障局, 发展和改革 = 发展改革;
- 委员会 reads 委 (发展改革委员会 = 发展改革委), 监督管理 reads 监管 (市场监督管理局 = 市场监管局).

Example:
    >>> names = UnitNames.bundled()
    >>> names.key("发展和改革委员会") == names.key("发改委") == names.key("发展改革委")
    True
    >>> names.parse("宿州市发改委", ("宿州市",))
    UnitName(place='宿州市', level='市', key='发展改革委')
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from policyqa.ingest.catalog import bundled_corpus_dir
from policyqa.ingest.errors import IngestError
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.question.places import place_stem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE_NAME = "unit_names.toml"
LEVELS = "省市区县"
_RULES = ((re.compile(r"和"), ""), (re.compile(r"委员会"), "委"), (re.compile(r"监督管理"), "监管"))


def fold(name: str) -> str:
    """The comparable form of a name or a question: search form plus the rules above."""
    text = "".join(to_search_form(name).split()).replace("、", "")
    text = text.removesuffix("等") if len(text) > 2 else text
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


@dataclass(frozen=True, slots=True)
class UnitName:
    """A unit name split into place (宿州市, or ''), level (省/市/区/县, or '') and core key."""

    place: str
    level: str
    key: str


class UnitNames:
    """The alias table: core variants → one key, English names → keys (English places: ``qa.question.language``).

    Args:
        groups: Each group's Chinese variants (first = the usual full name) and English names.
        levels_en: English level word → 省/市/区/县.
    """

    def __init__(self, groups: list[tuple[tuple[str, ...], tuple[str, ...]]], levels_en: dict[str, str]) -> None:
        self._key: dict[str, str] = {}
        self._variants: dict[str, tuple[str, ...]] = {}
        self._english: dict[str, str] = {}
        for zh, en in groups:
            folded = tuple(dict.fromkeys(fold(z) for z in zh))
            for variant in folded:
                self._key.setdefault(variant, folded[0])
            self._variants[folded[0]] = folded
            for phrase in en:
                self._english.setdefault(_english_form(phrase), folded[0])
        self.levels_en = levels_en

    @classmethod
    def load(cls, path: Path) -> UnitNames:
        """Read a table file.

        Raises:
            IngestError: not valid TOML, or a ``[[unit]]`` without ``zh`` names.
        """
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise IngestError(path, f"invalid unit-name table: {exc}") from exc
        groups = []
        for i, entry in enumerate(data.get("unit", []), start=1):
            zh = tuple(str(z) for z in entry.get("zh", ()) if str(z).strip())
            if not zh:
                raise IngestError(path, f"[[unit]] entry {i} has no zh names")
            groups.append((zh, tuple(str(e) for e in entry.get("en", ()))))
        return cls(groups, {k.lower(): str(v) for k, v in data.get("levels_en", {}).items()})

    @staticmethod
    @functools.lru_cache(maxsize=1)
    def bundled() -> UnitNames:
        """The table that ships in ``corpus/unit_names.toml`` (read once)."""
        return UnitNames.load(bundled_corpus_dir() / TABLE_NAME)

    def key(self, core: str) -> str:
        """The key of a core: folded, then the table's first variant of its group if it has one."""
        folded = fold(core)
        return self._key.get(folded, folded)

    def variants(self, key: str) -> tuple[str, ...]:
        """Every folded variant of a key (the key itself when the table has no group for it)."""
        return self._variants.get(key, (key,))

    def known(self, core: str) -> bool:
        return fold(core) in self._key

    def parse(self, name: str, places: tuple[str, ...] = ()) -> UnitName:
        """Split a unit name; ``places`` are the place names it may start with (by name or stem).

        ``埇桥区财政局`` → (埇桥区, 区, 财政局); ``市场监管局`` keeps its 市 (the table knows the
        core 市场监管局); a place's suffix gives the level when the rest has none (宿州海关 → 市).
        """
        text = fold(name)
        place = ""
        for candidate in sorted(places, key=len, reverse=True):
            prefix = next((p for p in (candidate, place_stem(candidate))
                           if len(p) >= 2 and text.startswith(p) and len(text) > len(p) + 1), "")
            if prefix:
                place, text = candidate, text[len(prefix):]
                break
        if not place:
            place, text = self._named_place(text)
        level = ""
        if text[:1] in LEVELS and len(text) > 2 and not self.known(text):
            level, text = text[0], text[1:]
        elif place and place[-1] in LEVELS:
            level = place[-1]
        return UnitName(place, level, self.key(text))

    def _named_place(self, text: str) -> tuple[str, str]:
        """(place, rest) when a core the table knows follows a city or county name the dictionary
        knows (芜湖海关 → 芜湖 + 海关), whether or not any document is about that place."""
        from policyqa.qa.question.places import is_place_stem

        for i in (2, 3):
            if len(text) > i + 1 and self.known(text[i:]) and is_place_stem(text[:i]):
                return text[:i], text[i:]
        return "", text

    def english_cores(self, question: str) -> list[tuple[str, str]]:
        """(English phrase, key) of every table phrase in an English question, longest first."""
        low = _english_form(question)
        found = [(p, k) for p, k in self._english.items() if re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", low)]
        return sorted(found, key=lambda pk: -len(pk[0]))

    def english_level(self, question: str) -> str:
        low = question.lower()
        return next((lv for w, lv in self.levels_en.items() if re.search(rf"\b{re.escape(w)}\b", low)), "")


def _english_form(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces: how English phrases are compared."""
    return " ".join(re.sub(r"[^a-z0-9'\-]+", " ", text.lower()).split())
