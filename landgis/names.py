"""Township names: normalisation, the registry of a county's divisions, and matching.

Plans, boundary layers and parcel tables write the same township in different ways
(X / X镇 / X鎮, Y乡 / Y瑶族乡, full-width spaces, 办事处 suffixes). Every step that
compares names goes through :func:`normalise_name` and :func:`match_names`, so they agree.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import pandas as pd

from landgis.errors import LandgisError
from landgis.registry import counties, divisions, townships

__all__ = [
    "suggest",
    "UnknownTownshipError",
    "normalise_name",
    "core_name",
    "TownshipRegistry",
    "registry",
    "match_names",
    "township_aliases",
    "township_type",
    "TOWNSHIP_SUFFIXES",
    "ETHNIC_GROUPS",
]

#: The 55 minority peoples as they occur in the names of 民族乡 (瑶安瑶族乡, 三江蒙古族满族乡 …).
ETHNIC_GROUPS: tuple[str, ...] = tuple(sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
    "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
), key=len, reverse=True))
_PEOPLES = "|".join(ETHNIC_GROUPS)
#: Type of the units with township codes 400–599 (开发区, 农场, 林场, 监狱 …).
SIMILAR_UNIT = "类似乡级单位"
#: Suffixes that say "a township": 冷坑 / 冷坑镇 / 冷坑乡 may be one another, 冷坑工业园 may not.
_TOWN_KINDS = ("", "镇", "乡", "街道", "苏木", "民族乡", "民族苏木")
#: 瑶安瑶族乡 → (瑶安, 瑶族乡); 某某蒙古族满族乡 → (某某, 蒙古族满族乡); 某某民族乡 → (某某, 民族乡).
_ETHNIC_TOWN = re.compile(rf"^(.{{2,}}?)((?:(?:{_PEOPLES})族)+乡|民族乡|(?:(?:{_PEOPLES})族)+苏木)$")

# Longest first: a name is stripped of the first suffix that matches.
TOWNSHIP_SUFFIXES: tuple[str, ...] = (
    "街道办事处", "民族乡", "瑶族乡", "壮族乡", "畲族乡", "苗族乡", "彝族乡", "回族乡", "土家族乡",
    "经济技术开发区", "高新技术产业开发区", "开发区", "产业园区", "工业园区", "园区", "高新区",
    "街道", "苏木", "镇", "乡", "区",
)

# Traditional forms that occur in township names and their suffixes.
_TRAD = str.maketrans({
    "鎮": "镇", "鄉": "乡", "區": "区", "辦": "办", "處": "处", "園": "园", "開": "开", "發": "发",
    "連": "连", "邊": "边", "龍": "龙", "豐": "丰", "陽": "阳", "東": "东", "瑤": "瑶", "陂": "陂",
    "長": "长", "灣": "湾", "嶺": "岭", "黃": "黄", "橋": "桥", "廣": "广", "義": "义", "興": "兴",
    "寧": "宁", "華": "华", "臺": "台", "雲": "云", "塘": "塘", "縣": "县", "門": "门",
})
_NOISE = re.compile(r"[\s\u3000·•・\-—_()（）\[\]【】]+")
_GOV = re.compile(r"(人民政府|政府|办事处|管委会|管理委员会)$")


class UnknownTownshipError(LandgisError, KeyError):
    """A township name that matches nothing; the message lists the closest candidates."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0]) if self.args else ""


def normalise_name(name: str) -> str:
    """Canonical spelling for comparison: NFKC, no spaces or brackets, simplified suffixes.

    >>> normalise_name(" 冷坑鎮 ")
    '冷坑镇'
    >>> normalise_name("东城街道办事处")
    '东城街道'
    """
    text = unicodedata.normalize("NFKC", str(name)).translate(_TRAD)
    text = _NOISE.sub("", text)
    if text.endswith("街道办事处"):
        return text[: -len("办事处")]
    return _GOV.sub("", text) or text


def core_name(name: str) -> str:
    """Name without its administrative suffix: 瑶安瑶族乡 → 瑶安, 东城街道 → 东城, 冷坑镇 → 冷坑."""
    text = normalise_name(name)
    m = _ETHNIC_TOWN.match(text)
    if m:
        return m.group(1)
    for suffix in TOWNSHIP_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def suggest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` candidates closest to ``name``: sharing a character first, then by similarity."""
    cands = list(dict.fromkeys(candidates))
    key = core_name(name)
    by_core = {core_name(c): c for c in cands}
    close = difflib.get_close_matches(key, list(by_core), n=n, cutoff=0.0)
    # Sharing a character beats difflib's ratio for two-character Chinese names.
    sharing = [c for c in cands if set(core_name(c)) & set(key)]
    return list(dict.fromkeys([*sharing, *(by_core[c] for c in close)]))[:n]


def _unknown(name: str, candidates: Iterable[str], what: str) -> UnknownTownshipError:
    cands = list(candidates)
    hint = suggest(name, cands)
    msg = f"unknown {what} {name!r}"
    if hint:
        msg += f"; did you mean {'、'.join(hint)}?"
    msg += f" (known: {'、'.join(cands)})"
    return UnknownTownshipError(msg)


def match_names(
    names: Iterable[str], candidates: Iterable[str], *, what: str = "township"
) -> dict[str, str]:
    """Map each name onto one of ``candidates`` through normalisation.

    A name matches a candidate when their normalised spellings are equal, or, failing that,
    when their core names (without 镇/乡/街道 …) are equal and only one candidate has that core.

    Parameters
    ----------
    names : iterable of str
        Names to resolve (from a plan, a parcel table …).
    candidates : iterable of str
        The names they must resolve to (from the registry or a boundary layer).
    what : str
        Word used in the error message.

    Returns
    -------
    dict
        ``{name: candidate}`` for every name.

    Raises
    ------
    UnknownTownshipError
        For the first name that matches no candidate or more than one; the message lists
        the closest candidates ("did you mean 瑶安瑶族乡?").
    """
    cands = list(dict.fromkeys(candidates))
    by_norm = {normalise_name(c): c for c in cands}
    by_core: dict[str, list[str]] = {}
    for c in cands:
        by_core.setdefault(core_name(c), []).append(c)
    out: dict[str, str] = {}
    for name in names:
        norm = normalise_name(name)
        if norm in by_norm:
            out[name] = by_norm[norm]
            continue
        hits = by_core.get(core_name(name), [])
        if len(hits) == 1:
            out[name] = hits[0]
            continue
        raise _unknown(name, cands, what)
    return out


@dataclass(frozen=True)
class TownshipRegistry:
    """The township-level divisions of one county, with the aliases people write.

    Attributes
    ----------
    county_code, county_name, county_name_en : str
        The county's 6-digit code and names.
    table : pandas.DataFrame
        One row per division: ``code`` (9-digit), ``name``, ``name_en``, ``type``
        (镇, 乡, 瑶族乡, 街道 …), ``aliases`` (tuple), ``seat_lon``, ``seat_lat``.
    area_km2_official : float or None
        The county's official area, for checks of a layer.
    prefecture : str
        The prefecture-level division the county belongs to.
    """

    county_code: str
    county_name: str
    county_name_en: str
    table: pd.DataFrame
    area_km2_official: float | None = None
    prefecture: str = ""

    @property
    def names(self) -> list[str]:
        """Canonical names of its townships (街道, 镇, 乡 …) in code order.

        Units the statistical code counts as 类似乡级单位 (codes ``…400``–``…599``: 开发区, 农场,
        监狱 …) are left out: they resolve (:meth:`resolve`) but are not townships of the map.
        """
        return list(self.table.loc[self.table["type"] != SIMILAR_UNIT, "name"])

    def _aliases(self) -> Mapping[str, str]:
        pairs: dict[str, str] = {}
        for row in self.table.itertuples():
            for alias in (row.name, *row.aliases):
                pairs[normalise_name(alias)] = row.name
        return pairs

    def resolve(self, name: str) -> str | None:
        """Canonical name for ``name`` (an alias, another spelling), or ``None``."""
        norm = normalise_name(name)
        hit = self._aliases().get(norm)
        if hit is not None:
            return hit
        found = match_names([norm], self.names) if self._has_core(norm) else {}
        return found.get(norm)

    def _has_core(self, norm: str) -> bool:
        # 马头工业园区 is not 马头镇: only a township's suffix (or none) may be dropped to match.
        suffix = norm[len(core_name(norm)):]
        if suffix not in _TOWN_KINDS and not suffix.endswith("族乡"):
            return False
        return sum(core_name(n) == core_name(norm) for n in self.names) == 1

    def canonical(self, name: str) -> str:
        """Like :meth:`resolve`, but raise :class:`UnknownTownshipError` with suggestions."""
        hit = self.resolve(name)
        if hit is None:
            raise _unknown(name, self.names, f"township of {self.county_name}")
        return hit

    def code_of(self, name: str) -> str:
        """9-digit statistical code of a township given by any of its names."""
        canon = self.canonical(name)
        return str(self.table.loc[self.table["name"] == canon, "code"].iloc[0])


# --------------------------------------------------------------------------------------------
# the registry of a county, from the national registry
# --------------------------------------------------------------------------------------------
def township_type(name: str) -> str:
    """The kind of a township-level division from its name: 镇, 乡, 瑶族乡 (any 族乡), 民族乡, 街道, 苏木 …."""
    norm = normalise_name(name)
    m = _ETHNIC_TOWN.match(norm)
    if m:
        return m.group(2)
    for kind in ("民族苏木", "苏木", "街道", "镇", "乡", "区域", "区"):
        if norm.endswith(kind):
            return kind
    return "其他"


def township_aliases(name: str) -> tuple[str, ...]:
    """The other ways people write a township: 瑶安瑶族乡 → 瑶安乡, 瑶安; 冷坑镇 → 冷坑; 东城街道 → 东城.

    >>> township_aliases("瑶安瑶族乡")
    ('瑶安乡', '瑶安')
    """
    norm = normalise_name(name)
    out: list[str] = []
    m = _ETHNIC_TOWN.match(norm)
    if m:
        out.append(m.group(1) + "乡")
    core = core_name(norm)
    if len(core) >= 2 and core != norm:
        out.append(core)
    return tuple(dict.fromkeys(a for a in out if a != norm))


def _facts(county_code: str) -> dict:
    """Richer facts kept for a county (English names, seats, official area), when landgis ships them."""
    try:
        raw = resources.files("landgis.data").joinpath(f"townships_{county_code}.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(raw)


def registry(county_code: str) -> TownshipRegistry:
    """The township registry of a county, from the national registry (:mod:`landgis.registry`).

    Parameters
    ----------
    county_code : str
        6-digit 统计用区划代码 of a county-level division (or ``XXXX00`` of a city whose districts
        are its units). There is no default: the caller names the county
        (:class:`landgis.county.County` has it as ``.registry``).

    Returns
    -------
    TownshipRegistry
        Every township-level division with its code, type and aliases; where landgis keeps richer
        facts on the county (English names, seats, official area) they are merged in.

    Raises
    ------
    KeyError
        When ``county_code`` is not a county-level division of the registry.

    Examples
    --------
    >>> registry("441224").canonical("冷坑")
    '冷坑镇'
    """
    if not county_code:
        raise LandgisError("registry() needs the county's 6-digit code, e.g. registry('441882')")
    return _registry(str(county_code))


@lru_cache(maxsize=None)
def _registry(code: str) -> TownshipRegistry:
    table = counties().set_index("code")
    if code not in table.index:
        return _city_registry(code)
    county = table.loc[code]
    towns = townships(code)
    facts = _facts(code)
    known = {t["code"]: t for t in facts.get("townships", [])}
    rows = []
    for t in towns.itertuples():
        fact = known.get(t.code, {})
        seat = fact.get("seat", {})
        rows.append({
            "code": t.code,
            "name": t.name,
            "name_en": fact.get("name_en", t.name_en),
            "type": fact.get("type", SIMILAR_UNIT if t.code[6:9] >= "400" else township_type(t.name)),
            "aliases": tuple(dict.fromkeys([*township_aliases(t.name), *fact.get("aliases", ())])),
            "seat_lon": seat.get("lon", float("nan")),
            "seat_lat": seat.get("lat", float("nan")),
        })
    frame = pd.DataFrame(rows, columns=["code", "name", "name_en", "type", "aliases", "seat_lon", "seat_lat"])
    return TownshipRegistry(
        county_code=code,
        county_name=str(county["name"]),
        county_name_en=facts.get("county", {}).get("name_en", str(county["name_en"])),
        table=frame.sort_values("code", ignore_index=True),
        area_km2_official=facts.get("county", {}).get("area_km2_official"),
        prefecture=str(county["prefecture"]),
    )


def _city_registry(code: str) -> TownshipRegistry:
    """A prefecture-level city (``440600``) whose districts and counties are the units of a plan by district."""
    d = divisions().set_index("code")
    pref = code[:4]
    if not (len(code) == 6 and code.endswith("00") and pref in d.index and d.loc[pref, "level"] == "prefecture"):
        raise KeyError(f"{code!r} is not the code of a county-level division or city (6 digits, e.g. 441224)")
    units = counties()[counties()["prefecture_code"] == pref]
    units = units[units["name"] != "市辖区"]
    frame = pd.DataFrame({
        "code": units["code"].values,
        "name": units["name"].values,
        "name_en": units["name_en"].values,
        "type": [n[-1] if n[-1] in "区县市旗" else "其他" for n in units["name"]],
        "aliases": [tuple(a for a in (re.sub(r"(自治县|县|市|区|旗)$", "", n),) if len(a) >= 2 and a != n)
                    for n in units["name"]],
        "seat_lon": float("nan"),
        "seat_lat": float("nan"),
    })
    province = str(d.loc[code[:2], "name"])
    return TownshipRegistry(county_code=code, county_name=str(d.loc[pref, "name"]),
                            county_name_en=str(d.loc[pref, "name_en"]), table=frame.reset_index(drop=True),
                            prefecture=province)
